"""A vector file read with GDAL's Arrow stream straight into numpy and shapely arrays.

Reading a layer one feature at a time costs seconds per 100,000 buildings, far
more than the analysis itself; GDAL's Arrow stream gives whole batches of fids,
WKB and attribute columns as numpy arrays. :class:`FileArrays` implements the
read contract (:class:`refuge.core.io.arrays.FeatureArrays`) and what an output
copied from the file needs (:class:`refuge.core.io.joined.CopiedInput`).
"""

import numpy as np

from .. import wkb
from ..progress import NullFeedback, check_canceled
from .arrays import ArraysBase
from .gdalread import no_side_files, open_vector

try:
    from osgeo import gdal, ogr
except ImportError:  # pragma: no cover - reported by the dependency check
    gdal = ogr = None

BATCH = 65536

# GDAL before 3.8.3 gives wrong values for Boolean fields of GeoPackage and FlatGeobuf layers in its
# Arrow stream (OSGeo/gdal#8998, a bit shift error): those fields are read feature by feature instead.
_ARROW_BOOLEAN_FIXED = (3, 8, 3)
_ARROW_BOOLEAN_DRIVERS = {"GPKG", "FlatGeobuf"}


def arrow_misreads_booleans(driver_name):
    """True when this GDAL's Arrow stream misreads the Boolean fields of ``driver_name``'s layers."""
    version = tuple(int(part) for part in gdal.__version__.split(".")[:3] if part.isdigit())
    return driver_name in _ARROW_BOOLEAN_DRIVERS and version < _ARROW_BOOLEAN_FIXED


class FileArrays(ArraysBase):
    """A file layer read with GDAL's Arrow stream (the first layer when ``layer_name`` is None).

    ``crs``: the layer's CRS as a string pyproj understands; ``field_names``:
    the names an output copied from the file must not reuse (by default the
    file's fields); ``dimensions``: the geometry dimensions accepted (see
    :func:`refuge.core.wkb.from_wkb`). Cancellation raises
    :class:`refuge.core.errors.Canceled`.
    """

    def __init__(self, path, layer_name, crs, feedback=None, dimensions=None, field_names=None):
        self.path, self.layer_name = path, layer_name
        self.pending_copy = None  # the copy of this file an output starts from (see .joined)
        self.crs = crs
        self.field_names = field_names
        with no_side_files():  # reading an input leaves nothing beside it
            self._read(path, layer_name, feedback or NullFeedback(), dimensions)

    def _read(self, path, layer_name, feedback, dimensions):
        dataset = open_vector(path)
        driver = dataset.GetDriver().ShortName
        self.is_gpkg = driver == "GPKG"
        layer = dataset.GetLayerByName(layer_name) if layer_name else dataset.GetLayer(0)
        definition = layer.GetLayerDefn()
        fields = [definition.GetFieldDefn(i) for i in range(definition.GetFieldCount())]
        if self.field_names is None:
            self.field_names = [field.GetName() for field in fields]
        booleans = [field.GetName() for field in fields if field.GetSubType() == ogr.OFSTBoolean] \
            if arrow_misreads_booleans(driver) else []
        if booleans:
            layer.SetIgnoredFields(booleans)
        self._read_stream(layer, feedback, dimensions)
        self._plain = {}
        if booleans:
            layer.SetIgnoredFields([])
            self._plain.update(_read_by_feature(layer, booleans, self.fids, feedback))
        layer = dataset = None  # closed here, inside no_side_files

    def _read_stream(self, layer, feedback, dimensions):
        geometry_column = layer.GetGeometryColumn() or "wkb_geometry"
        fid_column = layer.GetFIDColumn() or "OGC_FID"
        fids, parts, columns = [], [], {}
        stream = layer.GetArrowStreamAsNumPy(options=["INCLUDE_FID=YES", f"MAX_FEATURES_IN_BATCH={BATCH}"])
        total = max(1, layer.GetFeatureCount())
        for batch in stream:
            check_canceled(feedback)
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

    def __len__(self):
        return len(self.fids)

    def feature_id(self, position):
        return int(self.fids[position])

    def has_field(self, field_name):
        """True when the layer has a field ``field_name`` (exact name)."""
        return field_name in self._plain or field_name in self._columns

    def values(self, field_name):
        """Values of one field in feature order (None when null; text decoded from UTF-8).

        Raises KeyError for a field the layer does not have (see :meth:`has_field`).
        """
        if field_name not in self._plain:
            if field_name not in self._columns:
                raise KeyError(field_name)
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
            check_canceled(feedback)
        by_fid[feature.GetFID()] = [bool(feature.GetFieldAsInteger(i)) if feature.IsFieldSetAndNotNull(i)
                                    else None for i in indexes]
    layer.SetIgnoredFields([])
    empty = [None] * len(names)
    rows = [by_fid.get(int(fid), empty) for fid in fids]
    return {name: [row[k] for row in rows] for k, name in enumerate(names)}
