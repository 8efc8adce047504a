"""Atomic GeoPackage writing with GDAL's OGR (the GDAL QGIS itself links).

A whole GeoPackage is written to a temporary file beside the target and
moved into place only when complete, so a failure or a cancel never leaves a
partial output, and an existing file is replaced in one step. Every OGR
write call is checked (a full disk is often reported only by the last
commit, or when the file is closed), and the closed file is read back
before it is moved into place.
"""

import os
import sys
import tempfile
import traceback
from dataclasses import dataclass, field

from ..errors import MissingDependencyError, OutputError
from ..progress import NullFeedback, check_canceled
from . import columns
from .gdalread import close_dataset, no_side_files, open_vector
from .staging import output_error

try:
    from osgeo import gdal, ogr, osr
except ImportError as exc:  # pragma: no cover
    gdal = ogr = osr = None
    _GDAL_ERROR = str(exc)

# Field kinds used by the engine -> (OGR type, OGR subtype)
_FIELD_TYPES = {
    columns.TEXT: ("OFTString", "OFSTNone"),
    columns.INTEGER: ("OFTInteger64", "OFSTNone"),
    columns.REAL: ("OFTReal", "OFSTNone"),
    columns.BOOLEAN: ("OFTInteger", "OFSTBoolean"),
}
_GEOMETRY_TYPES = {
    "point": "wkbPoint",
    "line": "wkbLineString",
    "polygon": "wkbMultiPolygon",
    "none": "wkbNone",
}


def require_gdal():
    if ogr is None:
        raise MissingDependencyError("osgeo (GDAL Python bindings)", _GDAL_ERROR)


@dataclass
class LayerSpec:
    """A layer to write.

    ``fields``: [(name, kind)] with kinds of :data:`_FIELD_TYPES`;
    ``rows``: iterable of lists in field order; ``geometries``: WKB bytes
    (or None) per row; ``geometry``: point, line, polygon or none;
    ``epsg``: CRS of the geometries; ``metadata``: key -> text stored as GDAL
    layer metadata; ``count``: number of rows, for progress.
    """

    name: str
    geometry: str
    fields: list
    rows: object
    geometries: object
    count: int
    epsg: int = 4326
    description: str = ""
    metadata: dict = field(default_factory=dict)
    # Optional documents stored the way QGIS stores them in a GeoPackage, so
    # the layer opens styled and documented in QGIS: a .qml style saved as the
    # layer's default style, and a QGIS layer metadata XML document.
    style_qml: str = None
    style_name: str = None
    qgis_metadata_xml: str = None


def check_output_path(path, inputs=()):
    """Refuse to write over an input file or a folder; create the parent folder if needed."""
    target = os.path.abspath(os.fspath(path))
    for source in inputs:
        if source and os.path.exists(source) and os.path.exists(target) \
                and os.path.samefile(source, target):
            raise OutputError(target, "same_as_input", other=source)
    if os.path.isdir(target):
        raise OutputError(target, "is_directory")
    parent = os.path.dirname(target)
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError as exc:
        raise output_error(target, exc) from exc
    if not os.access(parent, os.W_OK):
        raise OutputError(target, "not_writable")
    return target


class _GdalErrors:
    """GDAL's error messages while writing one file, and the check of every write call.

    GDAL reports most write failures (a full disk among them: SQLite's
    "database or disk is full") through its error handler and a return code,
    or, when the bindings' exceptions are on, as a RuntimeError: both are
    turned into an :class:`OutputError` naming ``target`` (see
    :func:`refuge.core.io.staging.output_error` for how a full disk is told).
    """

    def __init__(self, target):
        self.target = target
        self.failures = []

    def __enter__(self):
        gdal.PushErrorHandler(self._handler)
        return self

    def __exit__(self, *exc_info):
        gdal.PopErrorHandler()
        return False

    def _handler(self, error_class, number, message):
        if error_class >= gdal.CE_Failure:
            self.failures.append(str(message).strip())

    def error(self, what, exc=None):
        """The OutputError for the failed call ``what``."""
        words = "; ".join([*self.failures, *([str(exc)] if exc is not None else [])]) or "no detail"
        return output_error(self.target, RuntimeError(f"{what}: {words}"))

    def check(self, what, call, *args, failed=lambda result: False):
        """``call(*args)``, raising the OutputError when it fails (return code, error or exception)."""
        before = len(self.failures)
        try:
            result = call(*args)
        except RuntimeError as exc:  # the bindings' exceptions are on
            raise self.error(what, exc) from exc
        if failed(result) or len(self.failures) > before:
            raise self.error(what)
        return result


def _is_none(result):
    return result is None


def _not_zero(result):
    return result not in (0, None)


def write_geopackage(path, layers, feedback=None, dataset_metadata=None, inputs=()):
    """Write ``layers`` (:class:`LayerSpec`) to a new GeoPackage at ``path``.

    The file appears only once complete (temporary file + atomic rename);
    an existing file at ``path`` is replaced. Every write call is checked,
    and the file is reopened after closing to check that each layer holds
    every row written before it is moved into place. Progress is reported by
    rows. Raises :class:`OutputError` (reason ``no_space`` when the disk is
    full, ``write_failed`` when GDAL refuses a write, ``incomplete`` when the
    file read back lacks rows) or :class:`~refuge.core.errors.Canceled`; a
    failure leaves nothing at ``path`` or beside it.
    """
    require_gdal()
    feedback = feedback or NullFeedback()
    target = check_output_path(path, inputs)
    directory = os.path.dirname(target)
    try:
        handle, temporary = tempfile.mkstemp(prefix=".refuge-", suffix=".gpkg", dir=directory)
        os.close(handle)
        os.unlink(temporary)  # GDAL must create the file itself
    except OSError as exc:
        raise output_error(target, exc) from exc
    gdal_errors = _GdalErrors(target)
    try:
        with gdal_errors:
            written = _write_file(temporary, layers, feedback, dataset_metadata, gdal_errors)
            _verify(temporary, written, gdal_errors)
        check_canceled(feedback)  # last chance: after this the output exists
        try:
            os.replace(temporary, target)
        except OSError as exc:
            raise output_error(target, exc) from exc
    except BaseException:
        _remove(temporary)
        raise
    return target


def _write_file(temporary, layers, feedback, dataset_metadata, gdal_errors):
    """Write and close the GeoPackage ``temporary``; {table: rows written}."""
    driver = ogr.GetDriverByName("GPKG")
    dataset = gdal_errors.check("create the GeoPackage", driver.CreateDataSource, temporary,
                                failed=_is_none)
    try:
        written = _write_content(dataset, layers, feedback, dataset_metadata, gdal_errors)
        gdal_errors.check("flush the GeoPackage", dataset.FlushCache, failed=_not_zero)
    except BaseException as exc:
        # Close the file before it is removed: the failed call's frames hold the dataset and its
        # layers, and GDAL would write to a deleted file when they are collected.
        traceback.clear_frames(exc.__traceback__)
        # What closing says adds nothing to the error being raised, so the destructor's own
        # exception (GDAL's exceptions on, as in QGIS 3.40) is not printed. Close() is not
        # called here: layers of the failed write may still be alive, and destroying them after
        # their dataset's Close() crashes GDAL 3.10.
        hook = sys.unraisablehook
        sys.unraisablehook = lambda unraisable: None
        try:
            dataset = None
        finally:
            sys.unraisablehook = hook
        raise
    before = len(gdal_errors.failures)
    closed = close_dataset(dataset)  # SQLite's last writes and the spatial indexes happen here
    dataset = None
    if not closed or len(gdal_errors.failures) > before:
        raise gdal_errors.error("close the GeoPackage")
    return written



def _write_content(dataset, layers, feedback, dataset_metadata, gdal_errors):
    written = {}
    total = max(1, sum(layer.count for layer in layers))
    done = 0
    for key, value in (dataset_metadata or {}).items():
        gdal_errors.check("write the metadata", dataset.SetMetadataItem, key, str(value),
                          failed=_not_zero)
    for spec in layers:
        before = done
        done = _write_layer(dataset, spec, feedback, done, total, gdal_errors)
        written[spec.name] = done - before
    styled = [spec for spec in layers if spec.style_qml]
    if styled:
        written["layer_styles"] = _write_styles(dataset, styled, gdal_errors)
    for spec in layers:
        if spec.qgis_metadata_xml:
            _write_qgis_metadata(dataset, spec.name, spec.qgis_metadata_xml, gdal_errors)
    return written


def _verify(temporary, written, gdal_errors):
    """The closed file opens and each table holds the rows written to it."""
    with no_side_files():  # reading it back must not add a file to what is published
        try:
            dataset = open_vector(temporary)
            if dataset is None:
                raise _incomplete(gdal_errors, "the GeoPackage written cannot be opened again")
            for table, rows in written.items():
                found = _row_count(dataset, table)
                if found != rows:
                    raise _incomplete(gdal_errors, f"layer {table}: {found} of {rows} rows readable")
        except RuntimeError as exc:  # the bindings' exceptions are on
            raise _incomplete(gdal_errors, str(exc)) from exc
        finally:
            dataset = None


def _row_count(dataset, table):
    result = dataset.ExecuteSQL('SELECT COUNT(*) FROM "{}"'.format(table.replace('"', '""')))
    if result is None:
        return None
    try:
        feature = result.GetNextFeature()
        return feature.GetField(0) if feature is not None else None
    finally:
        dataset.ReleaseResultSet(result)


def _incomplete(gdal_errors, detail):
    error = gdal_errors.error(detail)
    reason = "no_space" if error.reason == "no_space" else "incomplete"
    return OutputError(gdal_errors.target, reason, error.detail)


def _write_layer(dataset, spec, feedback, done, total, gdal_errors):
    srs = None
    if spec.geometry != "none":
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(spec.epsg)
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    options = ["GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES"]
    if spec.description:
        options.append(f"DESCRIPTION={spec.description}")
    what = f"write layer {spec.name}"
    layer = gdal_errors.check(what, dataset.CreateLayer, spec.name, srs,
                              getattr(ogr, _GEOMETRY_TYPES[spec.geometry]), options, failed=_is_none)
    for name, kind in spec.fields:
        field_type, subtype = _FIELD_TYPES[kind]
        definition = ogr.FieldDefn(name, getattr(ogr, field_type))
        definition.SetSubType(getattr(ogr, subtype))
        gdal_errors.check(what, layer.CreateField, definition, failed=_not_zero)
    for key, value in spec.metadata.items():
        gdal_errors.check(what, layer.SetMetadataItem, key, str(value), failed=_not_zero)
    definition = layer.GetLayerDefn()
    setters = [feature_setter(kind) for _, kind in spec.fields]
    gdal_errors.check(what, layer.StartTransaction, failed=_not_zero)
    geometries = spec.geometries if spec.geometries is not None else ()
    geometry_iter = iter(geometries)
    create = layer.CreateFeature
    for row in spec.rows:
        feature = ogr.Feature(definition)
        for index, (setter, value) in enumerate(zip(setters, row)):
            if value is None:
                feature.SetFieldNull(index)
            else:
                setter(feature, index, value)
        wkb = next(geometry_iter, None)
        if wkb is not None:
            feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(wkb))
        try:
            failed = create(feature) != 0
        except RuntimeError as exc:  # the bindings' exceptions are on
            raise gdal_errors.error(what, exc) from exc
        if failed:
            raise gdal_errors.error(what)
        done += 1
        if done % 2000 == 0:
            check_canceled(feedback)
            feedback.setProgress(100.0 * done / total)
    gdal_errors.check(what, layer.CommitTransaction, failed=_not_zero)
    feedback.setProgress(100.0 * done / total)
    return done


def _sql_text(value):
    return "'" + str(value).replace("'", "''") + "'"


def _write_styles(dataset, specs, gdal_errors):
    """Default styles in QGIS's ``layer_styles`` table (the schema QGIS creates); rows written."""
    what = "write the layer styles"
    layer = gdal_errors.check(what, dataset.CreateLayer, "layer_styles", None, ogr.wkbNone,
                              failed=_is_none)
    for name, field_type in (("f_table_catalog", ogr.OFTString), ("f_table_schema", ogr.OFTString),
                             ("f_table_name", ogr.OFTString), ("f_geometry_column", ogr.OFTString),
                             ("styleName", ogr.OFTString), ("styleQML", ogr.OFTString),
                             ("styleSLD", ogr.OFTString), ("useAsDefault", ogr.OFTInteger),
                             ("description", ogr.OFTString), ("owner", ogr.OFTString),
                             ("ui", ogr.OFTString), ("update_time", ogr.OFTDateTime)):
        definition = ogr.FieldDefn(name, field_type)
        if name == "useAsDefault":
            definition.SetSubType(ogr.OFSTBoolean)
        gdal_errors.check(what, layer.CreateField, definition, failed=_not_zero)
    for spec in specs:
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("f_table_catalog", "")
        feature.SetField("f_table_schema", "")
        feature.SetField("f_table_name", spec.name)
        feature.SetField("f_geometry_column", "geom" if spec.geometry != "none" else "")
        feature.SetField("styleName", spec.style_name or spec.name)
        feature.SetField("styleQML", spec.style_qml)
        feature.SetField("styleSLD", "")
        feature.SetField("useAsDefault", 1)
        feature.SetField("description", "Refuge")
        feature.SetField("owner", "")
        feature.SetField("ui", "")
        gdal_errors.check(what, layer.CreateFeature, feature, failed=_not_zero)
    return len(specs)


def _write_qgis_metadata(dataset, table, xml, gdal_errors):
    """Layer metadata where QGIS reads it: gpkg_metadata with QGIS's standard URI."""
    what = f"write the metadata of layer {table}"
    gdal_errors.check(what, dataset.ExecuteSQL,
                      "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) VALUES "
                      f"('dataset', 'http://mrcc.com/qgis.dtd', 'text/xml', {_sql_text(xml)})")
    gdal_errors.check(what, dataset.ExecuteSQL,
                      "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, timestamp, "
                      f"md_file_id) VALUES ('table', {_sql_text(table)}, "
                      "strftime('%Y-%m-%dT%H:%M:%fZ','now'), (SELECT MAX(id) FROM gpkg_metadata))")


def feature_setter(kind):
    """The ogr.Feature setter for a field kind (64-bit ids need the 64-bit one)."""
    if kind == columns.INTEGER:
        return lambda feature, index, value: feature.SetFieldInteger64(index, int(value))
    if kind == columns.BOOLEAN:
        return lambda feature, index, value: feature.SetField(index, 1 if value else 0)
    if kind == columns.REAL:
        return lambda feature, index, value: feature.SetField(index, float(value))
    return lambda feature, index, value: feature.SetField(index, str(value))


def _remove(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass
