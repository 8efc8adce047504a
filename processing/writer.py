"""Writing outputs: an input layer with result columns (by the fastest path available),
plain tables, and JSON summaries."""

import json
import os

import numpy as np
from qgis.core import QgsField, QgsFields

from ..core.io import staging
from ..core.io.columns import BOOLEAN, INTEGER, REAL, TEXT, plain_values, unique_names
from . import compat, fastio
from .layers import add_features

try:
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    shapely = None

_VARIANTS = {INTEGER: compat.ATTR_INT64, REAL: compat.ATTR_DOUBLE, TEXT: compat.ATTR_STRING,
             BOOLEAN: compat.ATTR_BOOL}


def output_fields(source_fields, columns):
    """Source fields plus result columns (renamed with a ``refuge_`` prefix on a clash).

    Returns (fields, names used for the columns).
    """
    fields = QgsFields()
    for field in source_fields:
        fields.append(field)
    names = unique_names([name for name, _, _ in columns], fields.names())
    for unique, (_, kind, _) in zip(names, columns):
        fields.append(QgsField(unique, _VARIANTS[kind]))
    return fields, names


def write_with_columns(algorithm, parameters, name, context, feedback, source, arrays, keep, columns):
    """Write the ``keep`` rows of an input with extra ``columns`` [(name, kind, values)].

    Kinds: integer, real, text, boolean; one value per kept row. A GeoPackage
    output of a plain file input is a GDAL copy plus one SQL update; anything
    else goes through a feature sink. Returns the output's destination or None.
    """
    keep = np.asarray(keep, dtype=np.int64)
    if isinstance(arrays, fastio.ArrowArrays) and fastio.gpkg_destination(parameters, name):
        destination = algorithm.parameterAsOutputLayer(parameters, name, context)
        fastio.write_joined(arrays, destination, keep, columns)
        return destination
    fields, _ = output_fields(source.fields(), columns)
    sink, destination = algorithm.parameterAsSink(parameters, name, context, fields, source.wkbType(),
                                                  source.sourceCrs())
    if sink is None:
        return None
    if isinstance(arrays, fastio.ArrowArrays):
        # Read with GDAL but written elsewhere: attributes come from the QGIS source.
        from qgis.core import QgsFeatureRequest

        wanted = {int(arrays.fids[i]): position for position, i in enumerate(keep)}
        features = {}
        for feature in source.getFeatures(QgsFeatureRequest().setFilterFids(list(wanted))):
            features[wanted[int(feature.id())]] = feature
        ordered = [features.get(p) for p in range(len(keep))]
    else:
        ordered = [arrays.features[i] for i in keep]
    values = [plain_values(kind, data) for _, kind, data in columns]
    rows, geometries = [], []
    for position, feature in enumerate(ordered):
        rows.append(list(feature.attributes()) + [column[position] for column in values])
        geometry = feature.geometry()
        geometries.append(None if geometry.isNull() else bytes(geometry.asWkb()))
    add_features(sink, fields, rows, geometries, feedback)
    return destination


def write_table(algorithm, parameters, name, context, feedback, columns, geometries=None, wkb_type=None,
                crs=None):
    """A new layer of ``columns`` [(name, kind, values)], with optional shapely ``geometries``."""
    from . import compat

    fields, _ = output_fields(QgsFields(), columns)
    sink, destination = algorithm.parameterAsSink(
        parameters, name, context, fields, wkb_type if wkb_type is not None else compat.WKB_NOGEOMETRY,
        crs) if crs is not None else algorithm.parameterAsSink(
        parameters, name, context, fields, wkb_type if wkb_type is not None else compat.WKB_NOGEOMETRY)
    if sink is None:
        return None
    count = len(columns[0][2]) if columns else 0
    values = [plain_values(kind, data) for _, kind, data in columns]
    rows = [[column[i] for column in values] for i in range(count)]
    wkb = [None] * count if geometries is None else list(shapely.to_wkb(np.asarray(geometries, dtype=object)))
    add_features(sink, fields, rows, wkb, feedback)
    return destination


def write_json(path, data):
    """Write ``data`` as UTF-8 JSON to ``path`` through a temporary file (never half-written).

    NaN and infinite numbers, which JSON cannot hold, are written as null.
    Every write is checked: a full disk or a refused write raises
    :class:`refuge.core.errors.OutputError` and leaves nothing behind.
    """
    text = json.dumps(_json_safe(data), ensure_ascii=False, indent=1, allow_nan=False)
    temporary = path + ".tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise staging.output_error(path, exc) from exc


def _json_safe(value):
    """``value`` with NaN and infinities as None and numpy scalars as Python numbers."""
    if isinstance(value, dict):
        return {key if isinstance(key, (str, int, float, bool)) or key is None else str(key): _json_safe(item)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if np.isfinite(number) else None
    if isinstance(value, np.ndarray):
        return _json_safe(value.tolist())
    return value
