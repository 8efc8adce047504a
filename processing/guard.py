"""The run guard: inputs never overwritten, outputs all published or none, every write checked.

Every Refuge algorithm runs inside :class:`RunGuard` (through
:func:`refuge.processing.base.guarded_run`):

1. **Before any work**, every output the run will write (layers, tables,
   JSON, GeoPackages) is resolved to the file it goes to and checked against
   every input file (the same file, also through links, a shapefile's other
   files, a layer of a GeoPackage given as ``path|layername=``), and against
   the other outputs; folders are checked writable.
2. The file outputs are **staged** (:mod:`refuge.core.io.staging`): the
   algorithm writes to a private folder beside each destination, through
   the parameters this guard rewrites; the algorithm's code does not change.
3. Every feature sink is tracked: a feature the sink refuses is an error,
   not a silent loss, and when the run ends each sink is closed and the
   file reopened to check that it holds every feature written to it.
4. Only then are the outputs **published** together, the results and the
   layers to load renamed to their final paths, and the deferred styles set.
   A failure anywhere discards everything staged.

Outputs to databases, memory layers and QGIS's temporary outputs are not
files of the user's and are not staged.
"""

import os
import re

from qgis.core import (
    QgsDataSourceUri,
    QgsProcessing,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterVectorDestination,
    QgsProperty,
    QgsProviderRegistry,
)

from ..core.errors import OutputError
from ..core.io import staging as staging_tools
from ..core.io.gdalread import no_side_files, open_vector

try:
    from osgeo import gdal
except ImportError:  # pragma: no cover - reported by the dependency check
    gdal = None

# Output values naming a provider rather than a file.
_URI_SCHEMES = {"memory", "postgres", "postgis", "spatialite", "mssql", "oracle", "hana",
                "delimitedtext", "wfs", "virtual"}
_LAYERNAME = re.compile(r"^(?P<path>.*?)\|layername=(?P<table>[^|]*)$", re.S)


def output_value(parameters, name):
    """What an output parameter holds: a path, TEMPORARY_OUTPUT, a provider URI, or None."""
    value = parameters.get(name)
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink.staticValue()
    return value


def file_target(text, default_extension=None):
    """(file path, layer name or None, rewrite) of an output value that names a file, else None.

    ``rewrite(staged_path)`` gives the value with the file replaced by the staged one. A layer
    output named without an extension gets ``default_extension``, as QGIS gives it (else the
    file written would not be the file checked against the inputs).
    """
    if not isinstance(text, str) or not text or text == QgsProcessing.TEMPORARY_OUTPUT:
        return None
    if text.lower().startswith("ogr:"):  # ogr:dbname='x.gpkg' table="t" (geom): a layer in a file
        uri = QgsDataSourceUri(text[4:])
        if not uri.database() or not uri.table():
            return None

        def rewrite(staged, uri=uri):
            uri = QgsDataSourceUri(uri.uri())
            uri.setDatabase(staged)
            return "ogr:" + uri.uri()

        return os.path.abspath(uri.database()), uri.table(), rewrite
    match = _LAYERNAME.match(text)
    if match:  # path|layername=x: a layer added to (or replacing one of) an existing file
        table = match.group("table")

        def rewrite(staged, table=table):
            uri = QgsDataSourceUri()
            uri.setDatabase(staged)
            uri.setDataSource("", table, "geom")
            return "ogr:" + uri.uri()

        return os.path.abspath(match.group("path")), table, rewrite
    scheme = text.split(":", 1)[0].lower()
    if scheme in _URI_SCHEMES or (len(scheme) > 1 and text[len(scheme):].startswith("://")):
        return None
    path = os.path.abspath(text)
    if default_extension and not os.path.splitext(path)[1]:
        path = f"{path}.{default_extension}"
    return path, None, lambda staged: staged


_DESTINATIONS = (QgsProcessingParameterFeatureSink, QgsProcessingParameterVectorDestination,
                 QgsProcessingParameterRasterDestination, QgsProcessingParameterFileDestination)


def layer_file(layer):
    """The file a map layer reads, or None (memory layers, databases, services)."""
    if layer is None:
        return None
    try:
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    except Exception:  # noqa: BLE001 - an unknown provider: fall back on the source text
        parts = {}
    path = parts.get("path") or layer.source().split("|")[0]
    if path.startswith("file://"):
        path = path[len("file://"):]
    return os.path.abspath(path) if path and os.path.isfile(path) else None


def input_files(algorithm, parameters, context):
    """[(parameter description, file path)] of every input of the run that is a file."""
    found = []
    for definition in algorithm.parameterDefinitions():
        if definition.isDestination():
            continue
        name = definition.name()
        if parameters.get(name) in (None, ""):
            continue
        kind = definition.type()
        paths = []
        try:
            if kind in ("source", "vector"):
                paths = [layer_file(algorithm.parameterAsVectorLayer(parameters, name, context))]
            elif kind == "raster":
                paths = [layer_file(algorithm.parameterAsRasterLayer(parameters, name, context))]
            elif kind == "layer":
                paths = [layer_file(algorithm.parameterAsLayer(parameters, name, context))]
            elif kind == "multilayer":
                layers = algorithm.parameterAsLayerList(parameters, name, context)
                paths = [layer_file(item) for item in layers]
            elif kind == "file":
                path = algorithm.parameterAsFile(parameters, name, context)
                paths = [os.path.abspath(path) if path and os.path.exists(path) else None]
        except Exception:  # noqa: BLE001 - an unreadable input is the algorithm's to report
            paths = []
        found.extend((definition.description(), path) for path in paths if path)
    return found


class _Target:
    """One file output of the run."""

    def __init__(self, name, description, path, table, rewrite):
        self.name, self.description = name, description
        self.path, self.table, self.rewrite = path, table, rewrite
        self.staged = None


class TrackedSink:
    """A feature sink that fails loudly and counts what it wrote (see :class:`RunGuard`)."""

    def __init__(self, sink, destination, guard):
        self._sink = sink
        self.destination = destination
        self.count = 0
        self._guard = guard

    def addFeature(self, feature, flags=None):  # noqa: N802 - QgsFeatureSink's interface
        return self.addFeatures([feature], flags)

    def addFeatures(self, features, flags=None):  # noqa: N802
        features = list(features)
        done = self._sink.addFeatures(features) if flags is None else self._sink.addFeatures(features, flags)
        ok = done[0] if isinstance(done, tuple) else done
        if not ok:
            raise self._guard.write_error(self.destination, _sink_error(self._sink))
        self.count += len(features)
        return True

    def flushBuffer(self):  # noqa: N802
        return self._sink.flushBuffer()

    def close(self):
        """Flush and delete the sink: its file is complete on disk after this."""
        sink, self._sink = self._sink, None
        if sink is None:
            return True
        flushed = True
        try:
            flushed = sink.flushBuffer() is not False
        finally:
            _delete(sink)
        return flushed


def _sink_error(sink):
    try:
        return sink.lastError()
    except AttributeError:  # pragma: no cover - QGIS before 3.16
        return ""


def _delete(qobject):
    from qgis.PyQt import sip

    try:
        if sip.ispyowned(qobject):
            sip.delete(qobject)
    except (RuntimeError, TypeError):  # already deleted, or not a sip object
        pass


class RunGuard:
    """The guard of one run of ``algorithm`` (see the module)."""

    def __init__(self, algorithm, parameters, context, feedback):
        self.algorithm, self.context, self.feedback = algorithm, context, feedback
        self.parameters = parameters
        self.staging = staging_tools.Staging()
        self.targets = []
        self.sinks = []
        self.styles = []  # (destination, post-processor factory), set once the layers are renamed

    # -- before the run ---------------------------------------------------------------------------

    def prepare(self):
        """The parameters to run with: outputs checked and staged. Raises OutputError."""
        inputs = input_files(self.algorithm, self.parameters, self.context)
        for definition in self.algorithm.destinationParameterDefinitions():
            if not isinstance(definition, _DESTINATIONS):
                continue
            extension = definition.defaultFileExtension() if not isinstance(
                definition, QgsProcessingParameterFileDestination) else None
            target = file_target(output_value(self.parameters, definition.name()), extension)
            if target is not None:
                self.targets.append(_Target(definition.name(), definition.description(), *target))
        self._check(inputs)
        parameters = dict(self.parameters)
        staged_files = {}
        for target in self.targets:
            key = os.path.normcase(os.path.realpath(target.path))
            if key not in staged_files:
                staged_files[key] = self.staging.stage(target.path)
                if target.table is not None and os.path.exists(target.path):
                    _copy_file(target.path, staged_files[key])  # layers are added to a copy
            target.staged = staged_files[key]
            parameters[target.name] = self._rewritten(parameters[target.name], target.rewrite(target.staged))
        return parameters

    def _check(self, inputs):
        input_paths = [path for _, path in inputs]
        for target in self.targets:
            clash = staging_tools.overlaps(target.path, input_paths)
            if clash is not None:
                raise OutputError(target.path, "same_as_input", other=clash)
        for position, target in enumerate(self.targets):
            for other in self.targets[:position]:
                if not staging_tools.overlaps(target.path, [other.path]):
                    continue
                if target.table is not None and other.table is not None and \
                        target.table.lower() != other.table.lower():
                    continue  # two layers of one GeoPackage
                raise OutputError(target.path, "shared_output", other=other.description)
        for target in self.targets:
            folder = staging_tools.existing_parent(os.path.dirname(target.path))
            if folder is not None and not os.access(folder, os.W_OK):
                raise OutputError(target.path, "not_writable")

    @staticmethod
    def _rewritten(value, text):
        if isinstance(value, QgsProcessingOutputLayerDefinition):
            definition = QgsProcessingOutputLayerDefinition(value)
            definition.sink = QgsProperty.fromValue(text)
            return definition
        return text

    # -- during the run ---------------------------------------------------------------------------

    def track(self, sink, destination):
        tracked = TrackedSink(sink, destination, self)
        self.sinks.append(tracked)
        return tracked

    def write_error(self, destination, detail):
        """The OutputError for a failed write to ``destination`` (the disk may be full)."""
        staged = destination.split("|")[0]
        error = staging_tools.output_error(staged, RuntimeError(detail or ""))
        return OutputError(self.staging.final_path(staged), error.reason, detail)

    def creation_error(self, parameters, name, detail):
        """The OutputError for a sink of output ``name`` that QGIS could not create."""
        target = next((t for t in self.targets if t.name == name), None)
        if target is None:
            return OutputError(str(output_value(parameters, name)), "write_failed", detail)
        error = staging_tools.output_error(target.staged, RuntimeError(detail))
        return OutputError(target.path, error.reason, detail)

    # -- after the run ----------------------------------------------------------------------------

    def finish(self, results):
        """Close and check every output, publish them, and return ``results`` with final paths."""
        self._close_sinks(check=True)
        rename = self.staging.renamer()
        self.staging.publish()
        self._rename_layers_to_load(rename)
        for destination, factory in self.styles:
            final = rename(destination)
            if self.context.willLoadLayerOnCompletion(final):
                self.context.layerToLoadOnCompletionDetails(final).setPostProcessor(factory())
        return _final_values(results, rename)

    def abort(self):
        """Throw away everything the run staged."""
        try:
            self._close_sinks(check=False)
        finally:
            self.staging.discard()

    def _close_sinks(self, check):
        sinks, self.sinks = self.sinks, []
        failures = []
        for sink in sinks:
            try:
                flushed = sink.close()
            except Exception as exc:  # noqa: BLE001 - reported below when checking
                flushed, detail = False, str(exc)
            else:
                detail = ""
            if check and not flushed:
                failures.append(self.write_error(sink.destination, detail))
        if failures:
            raise failures[0]
        if check:
            for sink in sinks:
                self._verify(sink)

    def _verify(self, sink):
        """The file of a staged sink holds every feature written to it."""
        staged = sink.destination.split("|")[0]
        if not any(target.staged == staged for target in self.targets):
            return  # memory layers, databases, temporary outputs
        layer = sink.destination.split("|layername=")[1] if "|layername=" in sink.destination else None
        count = _feature_count(staged, layer)
        if count != sink.count:
            reason = "no_space" if staging_tools.nearly_full(staged) else "incomplete"
            raise OutputError(self.staging.final_path(staged), reason,
                              f"{count} of {sink.count} features readable")

    def _rename_layers_to_load(self, rename):
        layers = self.context.layersToLoadOnCompletion()
        renamed = {rename(key): details for key, details in layers.items()}
        if set(renamed) != set(layers):
            self.context.setLayersToLoadOnCompletion(renamed)


def _final_values(value, rename):
    if isinstance(value, str):
        return rename(value)
    if isinstance(value, dict):
        return {key: _final_values(item, rename) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_final_values(item, rename) for item in value)
    return value


def _feature_count(path, layer_name):
    """Features of a written file's layer as GDAL reads them (-1 when it cannot be read)."""
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        with no_side_files():  # nothing more beside the file to publish
            dataset = open_vector(path)
            if dataset is None:
                return -1
            layer = dataset.GetLayerByName(layer_name) if layer_name else dataset.GetLayer(0)
            count = -1 if layer is None else layer.GetFeatureCount()
            layer = dataset = None
            return count
    finally:
        gdal.PopErrorHandler()


def _copy_file(source, target):
    """Copy the file a layer is added to; an SQLite file (a GeoPackage) through SQLite's backup, so
    that what its write-ahead log holds is copied too."""
    import shutil
    import sqlite3

    try:
        with open(source, "rb") as handle:
            is_sqlite = handle.read(16) == b"SQLite format 3\x00"
        if not is_sqlite:
            shutil.copyfile(source, target)
            return
        origin = sqlite3.connect(source)
        copy = sqlite3.connect(target)
        try:
            origin.backup(copy)
        finally:
            copy.close()
            origin.close()
    except (OSError, sqlite3.Error) as exc:
        raise staging_tools.output_error(target, exc) from exc
