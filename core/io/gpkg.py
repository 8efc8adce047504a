"""Atomic GeoPackage writing with GDAL's OGR (the GDAL QGIS itself links).

A whole GeoPackage is written to a temporary file beside the target and
moved into place only when complete, so a failure or a cancel never leaves a
partial output, and an existing file is replaced in one step.
"""

import os
import tempfile
from dataclasses import dataclass, field

from ..errors import MissingDependencyError, OutputError
from ..progress import NullFeedback, check_canceled

try:
    from osgeo import ogr, osr
except ImportError as exc:  # pragma: no cover
    ogr = osr = None
    _GDAL_ERROR = str(exc)

# Field kinds used by the engine -> (OGR type, OGR subtype)
_FIELD_TYPES = {
    "string": ("OFTString", "OFSTNone"),
    "integer": ("OFTInteger64", "OFSTNone"),
    "real": ("OFTReal", "OFSTNone"),
    "boolean": ("OFTInteger", "OFSTBoolean"),
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
    """Refuse to write over an input file; create the parent folder if needed."""
    target = os.path.abspath(os.fspath(path))
    for source in inputs:
        if source and os.path.exists(source) and os.path.exists(target) \
                and os.path.samefile(source, target):
            raise OutputError(target, "same_as_input", other=source)
    parent = os.path.dirname(target)
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError as exc:
        raise OutputError(target, "not_writable", exc.strerror or str(exc)) from exc
    if not os.access(parent, os.W_OK):
        raise OutputError(target, "not_writable")
    return target


def write_geopackage(path, layers, feedback=None, dataset_metadata=None, inputs=()):
    """Write ``layers`` (:class:`LayerSpec`) to a new GeoPackage at ``path``.

    The file appears only once complete (temporary file + atomic rename);
    an existing file at ``path`` is replaced. Progress is reported by rows.
    Raises :class:`OutputError` or :class:`~refuge.core.errors.Canceled`.
    """
    require_gdal()
    feedback = feedback or NullFeedback()
    target = check_output_path(path, inputs)
    directory = os.path.dirname(target)
    handle, temporary = tempfile.mkstemp(prefix=".refuge-", suffix=".gpkg", dir=directory)
    os.close(handle)
    os.unlink(temporary)  # GDAL must create the file itself
    total = max(1, sum(layer.count for layer in layers))
    done = 0
    try:
        driver = ogr.GetDriverByName("GPKG")
        dataset = driver.CreateDataSource(temporary)
        if dataset is None:
            raise OutputError(target, "write_failed", "GDAL could not create the GeoPackage")
        for key, value in (dataset_metadata or {}).items():
            dataset.SetMetadataItem(key, str(value))
        for spec in layers:
            done = _write_layer(dataset, spec, feedback, done, total)
        _write_styles(dataset, [spec for spec in layers if spec.style_qml])
        for spec in layers:
            if spec.qgis_metadata_xml:
                _write_qgis_metadata(dataset, spec.name, spec.qgis_metadata_xml)
        dataset.FlushCache()
        dataset = None  # closes the file
        check_canceled(feedback)  # last chance: after this the output exists
        os.replace(temporary, target)
    except BaseException:
        _remove(temporary)
        raise
    return target


def _write_layer(dataset, spec, feedback, done, total):
    srs = None
    if spec.geometry != "none":
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(spec.epsg)
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    options = ["GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES"]
    if spec.description:
        options.append(f"DESCRIPTION={spec.description}")
    layer = dataset.CreateLayer(spec.name, srs, getattr(ogr, _GEOMETRY_TYPES[spec.geometry]),
                                options=options)
    if layer is None:
        raise OutputError(dataset.GetDescription(), "write_failed", f"cannot create layer {spec.name}")
    for name, kind in spec.fields:
        field_type, subtype = _FIELD_TYPES[kind]
        definition = ogr.FieldDefn(name, getattr(ogr, field_type))
        definition.SetSubType(getattr(ogr, subtype))
        layer.CreateField(definition)
    for key, value in spec.metadata.items():
        layer.SetMetadataItem(key, str(value))
    definition = layer.GetLayerDefn()
    setters = [feature_setter(kind) for _, kind in spec.fields]
    layer.StartTransaction()
    geometries = spec.geometries if spec.geometries is not None else ()
    geometry_iter = iter(geometries)
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
        if layer.CreateFeature(feature) != 0:
            raise OutputError(dataset.GetDescription(), "write_failed",
                              f"cannot write a feature of {spec.name}")
        done += 1
        if done % 2000 == 0:
            check_canceled(feedback)
            feedback.setProgress(100.0 * done / total)
    layer.CommitTransaction()
    feedback.setProgress(100.0 * done / total)
    return done


def _sql_text(value):
    return "'" + str(value).replace("'", "''") + "'"


def _write_styles(dataset, specs):
    """Default styles in QGIS's ``layer_styles`` table (the schema QGIS creates)."""
    if not specs:
        return
    layer = dataset.CreateLayer("layer_styles", None, ogr.wkbNone)
    for name, field_type in (("f_table_catalog", ogr.OFTString), ("f_table_schema", ogr.OFTString),
                             ("f_table_name", ogr.OFTString), ("f_geometry_column", ogr.OFTString),
                             ("styleName", ogr.OFTString), ("styleQML", ogr.OFTString),
                             ("styleSLD", ogr.OFTString), ("useAsDefault", ogr.OFTInteger),
                             ("description", ogr.OFTString), ("owner", ogr.OFTString),
                             ("ui", ogr.OFTString), ("update_time", ogr.OFTDateTime)):
        definition = ogr.FieldDefn(name, field_type)
        if name == "useAsDefault":
            definition.SetSubType(ogr.OFSTBoolean)
        layer.CreateField(definition)
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
        layer.CreateFeature(feature)


def _write_qgis_metadata(dataset, table, xml):
    """Layer metadata where QGIS reads it: gpkg_metadata with QGIS's standard URI."""
    dataset.ExecuteSQL(
        "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) VALUES "
        f"('dataset', 'http://mrcc.com/qgis.dtd', 'text/xml', {_sql_text(xml)})")
    dataset.ExecuteSQL(
        "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, timestamp, md_file_id) "
        f"VALUES ('table', {_sql_text(table)}, strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
        "(SELECT MAX(id) FROM gpkg_metadata))")


def feature_setter(kind):
    """The ogr.Feature setter for a field kind (64-bit ids need the 64-bit one)."""
    if kind == "integer":
        return lambda feature, index, value: feature.SetFieldInteger64(index, int(value))
    if kind == "boolean":
        return lambda feature, index, value: feature.SetField(index, 1 if value else 0)
    if kind == "real":
        return lambda feature, index, value: feature.SetField(index, float(value))
    return lambda feature, index, value: feature.SetField(index, str(value))


def _remove(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass
