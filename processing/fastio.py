"""Direct GDAL reading and writing for large file-backed layers.

Reading features one QgsFeature at a time and writing them back through a
feature sink costs seconds per 100,000 buildings, far more than the analysis
itself. When an input is a plain file layer (OGR provider, no subset, no
selection or limit) it is read with GDAL's Arrow stream straight into numpy
and shapely arrays; when the matching output is a GeoPackage file, it is
written by copying the input with GDAL (C speed) and adding the result
columns with one bulk SQL update. Anything else takes the ordinary path.
"""

import dataclasses
import os
import sqlite3
import threading
import weakref
from contextlib import contextmanager

import numpy as np
from qgis.core import (
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProviderRegistry,
)

from ..core import wkb
from ..core.io import staging
from ..core.io.columns import BOOLEAN, INTEGER, REAL, TEXT, plain_values, unique_names
from ..core.io.gdalread import close_dataset, no_side_files, open_vector
from . import messages
from .guard import output_value
from .layers import FeatureArrays, SourceArrays, crs_text, dimension_label, dimensions_of, geometry_dimension

try:
    import shapely
    from osgeo import gdal, ogr
except ImportError:  # pragma: no cover - reported by the dependency check
    shapely = gdal = ogr = None

_BATCH = 65536


def direct_source(algorithm, parameters, name, context):
    """(path, layer name or None, QgsVectorLayer) when GDAL can read the input as is, else None."""
    value = parameters.get(name)
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        if value.selectedFeaturesOnly or value.featureLimit not in (-1, 0) or \
                getattr(value, "filterExpression", ""):
            return None
    layer = algorithm.parameterAsVectorLayer(parameters, name, context)
    if layer is None or layer.providerType() != "ogr" or layer.subsetString():
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path")
    if not path or not os.path.isfile(path) or parts.get("layerId") not in (None, ""):
        return None
    return path, parts.get("layerName") or None, layer


def gpkg_destination(parameters, name):
    """The .gpkg path an output is to be written to, or None (then use a feature sink)."""
    value = output_value(parameters, name)
    if not isinstance(value, str) or "|" in value or not value.lower().endswith(".gpkg"):
        return None
    return value


# GDAL before 3.8.3 gives wrong values for Boolean fields of GeoPackage and FlatGeobuf layers in its
# Arrow stream (OSGeo/gdal#8998, a bit shift error): those fields are read feature by feature instead.
_ARROW_BOOLEAN_FIXED = (3, 8, 3)
_ARROW_BOOLEAN_DRIVERS = {"GPKG", "FlatGeobuf"}


def arrow_misreads_booleans(driver_name):
    """True when this GDAL's Arrow stream misreads the Boolean fields of ``driver_name``'s layers."""
    version = tuple(int(part) for part in gdal.__version__.split(".")[:3] if part.isdigit())
    return driver_name in _ARROW_BOOLEAN_DRIVERS and version < _ARROW_BOOLEAN_FIXED


class ArrowArrays(FeatureArrays):
    """A file layer read with GDAL's Arrow stream: the interface of SourceArrays, without features."""

    def __init__(self, path, layer_name, qgis_layer, feedback, dimensions=None):
        self.path, self.layer_name = path, layer_name
        self.pending_copy = None  # the copy of this file an output starts from (write_joined)
        self.crs = crs_text(qgis_layer.crs())
        self.fields = qgis_layer.fields()
        self.wkb_type = qgis_layer.wkbType()
        self.qgis_crs = qgis_layer.crs()
        with no_side_files():  # reading an input leaves nothing beside it
            self._read(path, layer_name, feedback, dimensions)

    def _read(self, path, layer_name, feedback, dimensions):
        dataset = open_vector(path)
        driver = dataset.GetDriver().ShortName
        self.is_gpkg = driver == "GPKG"
        layer = dataset.GetLayerByName(layer_name) if layer_name else dataset.GetLayer(0)
        geometry_column = layer.GetGeometryColumn() or "wkb_geometry"
        fid_column = layer.GetFIDColumn() or "OGC_FID"
        definition = layer.GetLayerDefn()
        booleans = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())
                    if definition.GetFieldDefn(i).GetSubType() == ogr.OFSTBoolean] \
            if arrow_misreads_booleans(driver) else []
        if booleans:
            layer.SetIgnoredFields(booleans)
        fids, parts, columns = [], [], {}
        stream = layer.GetArrowStreamAsNumPy(options=["INCLUDE_FID=YES",
                                                      f"MAX_FEATURES_IN_BATCH={_BATCH}"])
        total = max(1, layer.GetFeatureCount())
        for batch in stream:
            messages.check_canceled(feedback)
            fids.append(np.asarray(batch[fid_column], dtype=np.int64))
            parts.append(wkb.from_wkb(batch[geometry_column], dimensions))
            for key, values in batch.items():
                if key not in (fid_column, geometry_column):
                    columns.setdefault(key, []).append(values)
            feedback.setProgress(100.0 * sum(len(f) for f in fids) / total)
        stream = None
        self.fids = np.concatenate(fids) if fids else np.zeros(0, dtype=np.int64)
        self._set_geometries(wkb.Geometries(
            np.concatenate([p.geometries for p in parts]) if parts else np.empty(0, dtype=object),
            np.concatenate([p.reasons for p in parts]) if parts else np.empty(0, dtype=object)))
        self._columns = columns  # Arrow chunks, made plain values when asked for (values())
        self._plain = {}
        if booleans:
            layer.SetIgnoredFields([])
            self._plain.update(_read_by_feature(layer, booleans, self.fids, feedback))
        layer = dataset = None  # closed here, inside no_side_files

    def __len__(self):
        return len(self.fids)

    def feature_id(self, position):
        return int(self.fids[position])

    def values(self, field_name):
        """Values of one field in feature order (None when null; text decoded from UTF-8)."""
        if field_name not in self._plain:
            if field_name not in self._columns:
                raise QgsProcessingException(messages.tr(
                    "The field {field} does not exist in the layer.").format(field=field_name))
            self._plain[field_name] = _plain_column(self._columns.pop(field_name))
        return list(self._plain[field_name])


def _plain_column(chunks):
    """One column of Arrow batches as plain Python values (see FeatureArrays)."""
    result = []
    for chunk in chunks:
        mask = np.ma.getmaskarray(chunk) if isinstance(chunk, np.ma.MaskedArray) else None
        data = np.ma.getdata(chunk)
        if data.dtype.kind == "M":  # dates and times: datetime64 -> date or datetime
            unit = np.datetime_data(data.dtype)[0]
            days = unit in ("D", "W", "M", "Y")
            values = data.astype("datetime64[D]" if days else "datetime64[us]").tolist()
        else:
            values = data.tolist()
        for i, value in enumerate(values):
            if mask is not None and mask[i]:
                result.append(None)
            elif isinstance(value, bytes):
                result.append(value.decode("utf-8", "replace"))
            elif isinstance(value, float) and value != value and data.dtype.kind == "M":
                result.append(None)
            else:
                result.append(value)
    return result


def _read_by_feature(layer, names, fids, feedback):
    """{field: values in ``fids`` order} read with OGR's feature API (see arrow_misreads_booleans)."""
    definition = layer.GetLayerDefn()
    others = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())
              if definition.GetFieldDefn(i).GetName() not in names]
    layer.SetIgnoredFields(others + ["OGR_GEOMETRY", "OGR_STYLE"])
    indexes = [definition.GetFieldIndex(name) for name in names]
    by_fid = {}
    layer.ResetReading()
    for count, feature in enumerate(layer):
        if count % 50000 == 0:
            messages.check_canceled(feedback)
        by_fid[feature.GetFID()] = [bool(feature.GetFieldAsInteger(i)) if feature.IsFieldSetAndNotNull(i)
                                    else None for i in indexes]
    layer.SetIgnoredFields([])
    empty = [None] * len(names)
    rows = [by_fid.get(int(fid), empty) for fid in fids]
    return {name: [row[k] for row in rows] for k, name in enumerate(names)}


def text_in_numeric_column(path, layer_name, column):
    """fids of the rows of a GeoPackage layer whose numeric ``column`` holds text (SQLite allows it)."""
    connection = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
    try:
        table = layer_name or connection.execute(
            "SELECT table_name FROM gpkg_contents LIMIT 1").fetchone()[0]
        keys = [row[1] for row in connection.execute(f"PRAGMA table_info({_quote(table)})") if row[5]]
        fid = keys[0] if keys else "rowid"
        return [row[0] for row in connection.execute(
            f"SELECT {_quote(fid)} FROM {_quote(table)} WHERE typeof({_quote(column)}) IN ('text', 'blob')")]
    except sqlite3.Error:
        return []
    finally:
        connection.close()


def _uri_path(path):
    """``path`` for an SQLite ``file:`` URI (``#``, ``?`` and ``%`` in folder names kept literal)."""
    from urllib.parse import quote

    text = os.path.abspath(path).replace(os.sep, "/")
    return quote(text if text.startswith("/") else "/" + text, safe="/:")


# What GDAL reports for a GeoPackage layer stored without CRS (srs_id 0 or -1): not a CRS.
_UNDEFINED_CRS = ("Undefined geographic SRS", "Undefined Cartesian SRS")


def has_crs(crs):
    """True when ``crs`` is a real CRS (not missing, nor GeoPackage's "undefined" placeholders)."""
    return crs.isValid() and not (not crs.authid() and crs.description() in _UNDEFINED_CRS)


def require_crs(algorithm, name, source):
    """Refuse the input ``name`` of ``algorithm`` when its ``source`` has no CRS."""
    if not has_crs(source.sourceCrs()):
        raise QgsProcessingException(messages.tr(
            "The layer {layer} has no coordinate reference system. Set its CRS in the layer "
            "properties, then run again.").format(layer=algorithm.parameterDefinition(name).description()))


def read_arrays(algorithm, parameters, name, context, feedback, fast_output=None, always_fast=False):
    """(source, arrays) of a vector input, read with GDAL's Arrow stream when possible.

    ``fast_output``: the output this input is copied to; the fast path needs it
    to be a GeoPackage (or ``always_fast`` when nothing is copied). The layer
    must have a CRS and hold the geometry type the parameter accepts
    (:func:`check_source`); each feature's geometry is read with
    :func:`refuge.core.wkb.from_wkb`, so a feature of another type in a mixed
    layer is set aside with its reason.
    """
    source = algorithm.parameterAsSource(parameters, name, context)
    if source is None:
        return None, None
    dimensions = check_source(algorithm, name, source)
    copy_to = fast_output and gpkg_destination(parameters, fast_output)
    direct = direct_source(algorithm, parameters, name, context)
    if direct is not None and (always_fast or copy_to):
        # The output starts as a copy of the input: made in the background while the input is read
        # and analysed (sqlite and GDAL work without Python's lock).
        pending = _PendingCopy(direct[0], direct[1], algorithm.parameterAsOutputLayer(
            parameters, fast_output, context)) if copy_to else None
        arrays = ArrowArrays(*direct, feedback, dimensions=dimensions)
        arrays.pending_copy = pending
        return source, arrays
    arrays = SourceArrays(source, feedback, dimensions=dimensions)
    if direct is not None:
        arrays.path, arrays.layer_name = direct[0], direct[1]
    return source, arrays


def check_source(algorithm, name, source):
    """The geometry dimensions input ``name`` accepts, after refusing a layer that cannot fit them.

    A layer without CRS, or whose declared geometry type is none of those the
    parameter accepts (qgis_process does not check it), is refused with a
    message naming the expected type. Layers of mixed or unknown type are
    checked feature by feature when read.
    """
    require_crs(algorithm, name, source)
    definition = algorithm.parameterDefinition(name)
    dimensions = dimensions_of(definition)
    if dimensions is None:
        return None
    found = geometry_dimension(source.wkbType())
    if found is not None and found not in dimensions:
        expected = [dimension_label(d) for d in sorted(dimensions)]
        raise QgsProcessingException(messages.tr(
            "The layer {layer} holds {found}, but it must hold {expected}. Choose a layer of "
            "{expected}.").format(layer=definition.description(), found=dimension_label(found),
                                 expected=messages.tr(" or ").join(expected)))
    return dimensions


_SQL_TYPES = {INTEGER: "INTEGER", REAL: "REAL", TEXT: "TEXT", BOOLEAN: "BOOLEAN"}


def write_joined(arrays, destination, positions, columns):
    """Copy ``arrays``' source file to ``destination`` (GeoPackage) with extra columns.

    ``positions``: the source rows kept, in order; the others (features without
    geometry, reported apart) are not written. ``columns``: [(name, kind,
    values)] with one value per kept row; kinds of :data:`_SQL_TYPES`. Names
    clashing with source fields get a ``refuge_`` prefix. Written to a
    temporary file first (the copy :func:`read_arrays` may have started), then
    moved into place.
    """
    writer = JoinedWriter(arrays, destination, [(name, kind) for name, kind, _ in columns])
    try:
        writer.write(positions, {name: values for name, _, values in columns})
        return writer.close()
    except BaseException:
        writer.discard()
        raise


class JoinedWriter:
    """A GeoPackage output made of an input file plus result columns, filled block by block.

    The input is copied to a temporary file (or the copy :func:`read_arrays`
    started is taken), the columns are added, and each :meth:`write` updates
    its rows, all in one thread of the writer's own: the caller goes on
    computing the next block meanwhile (sqlite works without Python's lock).
    :meth:`close` waits, deletes the input rows no block wrote (features
    without geometry, reported apart), and moves the file into place;
    :meth:`discard` throws it away. ``columns``: [(name, kind)], kinds of
    :data:`_SQL_TYPES`; names clashing with source fields get a ``refuge_``
    prefix. Columns no block sets stay null.
    """

    def __init__(self, arrays, destination, columns):
        from concurrent.futures import ThreadPoolExecutor

        pending = getattr(arrays, "pending_copy", None)
        if pending is None or pending.destination != destination:
            pending = _PendingCopy(arrays.path, arrays.layer_name, destination)
        arrays.pending_copy = None
        self.destination = destination
        # What the writer needs of the input, not its arrays: those are freed once analysed.
        self._field_names = list(arrays.fields.names())
        self._fids = arrays.fids if arrays.is_gpkg else np.arange(1, len(arrays) + 1)
        self._pending = pending
        self._kinds = dict(columns)
        self._written = []
        self._connection = None
        self._failed = None  # the first error of the writer's thread, or "discarded"
        self._closed = False
        self._executor = ThreadPoolExecutor(1)  # one thread: the sqlite connection lives in it
        self._executor.submit(self._open, [name for name, _ in columns])

    def write(self, positions, values):
        """Set ``values`` ({column name: one value per position}) on the rows at ``positions``.

        Returns at once; the update runs after the blocks written before it.
        """
        positions = np.asarray(positions, dtype=np.int64)
        self._written.append(positions)
        self._executor.submit(self._update, positions, dict(values))

    def close(self):
        """Wait for every block, finish the file and move it to its destination; returns its path.

        The destination of a Refuge algorithm's output is itself staged: the
        run guard publishes it with the run's other outputs (see
        :mod:`.guard`). Raises what a block's update raised (the temporary
        file is then deleted).
        """
        try:
            self._executor.submit(self._finish).result()
        except BaseException as exc:
            self.discard()
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise staging.output_error(self.destination, exc) from exc
            raise
        self._executor.shutdown()
        self._closed = True
        os.replace(self._pending.temporary, self.destination)
        return self.destination

    def discard(self):
        """Stop after the block being written and delete the temporary file (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._failed = self._failed or "discarded"
        try:
            self._executor.submit(self._close_connection).result()
        except Exception:  # noqa: BLE001 - the file is being thrown away anyway
            pass
        self._executor.shutdown()
        _remove_temporary(self._pending.temporary)

    # -- in the writer's thread -----------------------------------------------------------------

    def _open(self, columns):
        try:
            self._open_copy(columns)
        except BaseException as exc:
            self._failed = exc
            raise

    def _open_copy(self, columns):
        self._table, fid_column = self._pending.result()
        names = list(columns)
        self._names = dict(zip(names, unique_names(names, [*self._field_names, fid_column])))
        self._quoted = _quote(self._table)
        self._fid = _quote(fid_column)
        connection = sqlite3.connect(self._pending.temporary)
        self._connection = connection
        _register_gpkg_functions(connection)
        # A private temporary copy, moved into place only when complete: no journal needed.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        for name, unique in self._names.items():
            connection.execute(f"ALTER TABLE {self._quoted} ADD COLUMN {_quote(unique)} "
                               f"{_SQL_TYPES[self._kinds[name]]}")
        # The table's triggers keep its R-tree (and GDAL's feature count) in step with changes to
        # geometries, fids and rows; the updates below only fill the new columns, yet an UPDATE
        # on a table with triggers costs half as much again per row. They are set aside until the
        # updates are done (the file is private until then) and put back exactly as they were.
        self._triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (self._table,)).fetchall()
        for name, _ in self._triggers:
            connection.execute(f"DROP TRIGGER {_quote(name)}")

    def _update(self, positions, values):
        if self._failed:
            return
        try:
            kept = self._fids[positions]
            # New columns start null: only columns holding a value are set.
            bound, assigned = [], []
            for name, data in values.items():
                column = _sql_values(self._kinds[name], data)
                if any(value is not None for value in column):
                    bound.append(column)
                    assigned.append(f"{_quote(self._names[name])} = ?")
            if assigned:
                self._connection.executemany(
                    f"UPDATE {self._quoted} SET {', '.join(assigned)} WHERE {self._fid} = ?",
                    zip(*bound, kept.tolist()))
        except BaseException as exc:
            self._failed = exc
            raise

    def _finish(self):
        if self._failed is not None:
            raise self._failed if isinstance(self._failed, BaseException) else RuntimeError(self._failed)
        for _, sql in self._triggers:
            self._connection.execute(sql)
        written = np.concatenate(self._written) if self._written else np.zeros(0, dtype=np.int64)
        dropped = np.setdiff1d(self._fids, self._fids[np.unique(written)])
        if len(dropped):
            self._connection.executemany(f"DELETE FROM {self._quoted} WHERE {self._fid} = ?",
                                         ((int(f),) for f in dropped))
        self._connection.commit()
        self._close_connection()

    def _close_connection(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None


_SCOPES = threading.local()


@dataclasses.dataclass
class _RunScope:
    copies: list = dataclasses.field(default_factory=list)  # _PendingCopy objects started


@contextmanager
def input_copies_discarded_on_error():
    """In this block, input copies started for outputs (see :func:`read_arrays`) that no writer
    took are deleted as soon as the block fails, without waiting for the garbage collector."""
    stack = _SCOPES.__dict__.setdefault("stack", [])
    scope = _RunScope()
    stack.append(scope)
    try:
        yield
    except BaseException:
        for copy in scope.copies:
            copy.discard()
        raise
    finally:
        stack.pop()


def _current_scope():
    stack = getattr(_SCOPES, "stack", None)
    return stack[-1] if stack else None


class _PendingCopy:
    """An input file being copied, in a background thread, to the temporary file of an output.

    :meth:`result` waits for it. A copy nobody takes (the algorithm failed or
    was canceled) is deleted once this object is garbage collected.
    """

    def __init__(self, path, layer_name, destination):
        from concurrent.futures import ThreadPoolExecutor

        self.destination = destination
        self.temporary = destination + ".refuge-tmp.gpkg"
        _remove_temporary(self.temporary)
        table = os.path.splitext(os.path.basename(destination))[0]
        executor = ThreadPoolExecutor(1)
        self._future = executor.submit(_copy_source, path, layer_name, table, self.temporary)
        executor.shutdown(wait=False)
        self._finalizer = weakref.finalize(self, _discard_copy, self._future, self.temporary)
        self._taken = False
        scope = _current_scope()
        if scope is not None:
            scope.copies.append(self)

    def result(self):
        """(table, fid column) of the finished copy; raises what the copy raised."""
        self._finalizer.detach()
        self._taken = True
        try:
            return self._future.result()
        except BaseException as exc:
            _remove_temporary(self.temporary)
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise staging.output_error(self.destination, exc) from exc
            raise

    def discard(self):
        """Wait for the copy and delete it, unless a writer took it."""
        if not self._taken:
            self._finalizer.detach()
            _discard_copy(self._future, self.temporary)


def _discard_copy(future, temporary):
    try:
        future.result()
    except Exception:  # noqa: BLE001 - the copy is being thrown away anyway
        pass
    _remove_temporary(temporary)


def _remove_temporary(temporary):
    for leftover in (temporary, temporary + "-wal", temporary + "-shm", temporary + "-journal"):
        if os.path.exists(leftover):
            os.unlink(leftover)


def _copy_source(path, layer_name, table, temporary):
    """(table, fid column) of a GeoPackage ``temporary`` holding a copy of the input layer.

    A one-layer GeoPackage is copied page by page; anything else by GDAL into
    a layer named ``table``. A GeoPackage source keeps its fids (as the
    feature-sink path keeps its fid column); other sources are numbered 1..n
    in reading order, the order of the arrays read from them.
    """
    with no_side_files():
        dataset = open_vector(path)
        is_gpkg = dataset.GetDriver().ShortName == "GPKG"
        dataset = None
    copied_table = _copy_single_layer_geopackage(path, layer_name, temporary) if is_gpkg else None
    if copied_table is not None:
        return copied_table
    options = gdal.VectorTranslateOptions(
        format="GPKG", layers=[layer_name] if layer_name else None, layerName=table,
        options=[] if is_gpkg else ["-unsetFid"])
    copied = gdal.VectorTranslate(temporary, path, options=options)
    if copied is None:
        raise OSError(f"GDAL could not copy {path}: {gdal.GetLastErrorMsg()}")
    fid_column = copied.GetLayerByName(table).GetFIDColumn() or "fid"  # a GeoPackage keeps its own
    closed = close_dataset(copied)  # GDAL finishes the file (and its spatial index) here
    copied = None
    if not closed:
        raise OSError(f"GDAL could not finish the copy of {path}: {gdal.GetLastErrorMsg()}")
    return table, fid_column


def _copy_single_layer_geopackage(path, layer_name, temporary):
    """(table, fid column) after copying a one-layer GeoPackage source page by page, else None.

    The copy keeps the source's spatial index, which GDAL would otherwise rebuild
    row by row (most of the time of a GDAL copy of a million features). Sources
    with other tables are copied by GDAL instead, so that the output holds one layer.
    """
    source = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in source.execute("SELECT table_name FROM gpkg_contents")]
        if len(tables) != 1 or (layer_name and tables[0] != layer_name):
            return None
        table = tables[0]
        keys = [row[1] for row in source.execute(f"PRAGMA table_info({_quote(table)})") if row[5]]
        if len(keys) != 1:
            return None
        target = sqlite3.connect(temporary)
        try:
            source.backup(target)
            # The source's default style and metadata describe the source, not this output.
            names = {row[0] for row in target.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "layer_styles" in names:
                target.execute("DELETE FROM layer_styles")
            target.commit()
        finally:
            target.close()
    finally:
        source.close()
    return table, keys[0]


def _quote(identifier):
    """An SQL identifier (table, column, trigger name), quoted whatever characters it holds."""
    return '"' + identifier.replace('"', '""') + '"'


def _register_gpkg_functions(connection):
    """The ST_* functions GeoPackage R-tree triggers name (GDAL registers them in its own
    connections; plain sqlite3 needs them to prepare an UPDATE or DELETE on the table)."""

    def geometry(blob):
        if blob is None:
            return None
        flags = blob[3]
        envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 7, 0)
        return shapely.from_wkb(bytes(blob[8 + envelope:]))

    def is_empty(blob):
        return None if blob is None else int(bool(blob[3] & 0x10) or geometry(blob).is_empty)

    def bound(index):
        def function(blob):
            shape = geometry(blob)
            return None if shape is None or shape.is_empty else float(shape.bounds[index])
        return function

    connection.create_function("ST_IsEmpty", 1, is_empty, deterministic=True)
    for name, index in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
        connection.create_function(name, 1, bound(index), deterministic=True)


def _sql_values(kind, data):
    """Python values sqlite binds for one column: None for nulls (and NaN), bools as 0/1.

    numpy columns of numbers take vectorised paths (a million rows per block); anything else is
    :func:`refuge.core.io.columns.plain_values`, the coercion every writer shares.
    """
    if isinstance(data, np.ndarray) and data.dtype.kind in "iub":
        return data.astype(np.int64).tolist()
    if kind == REAL and isinstance(data, np.ndarray) and data.dtype.kind == "f":
        values = data.astype(object)
        values[np.isnan(data)] = None
        return values.tolist()
    return [int(v) if isinstance(v, bool) else v for v in plain_values(kind, data)]
