"""Writing an output layer: one entry, :func:`write_layer`, that picks the fastest path itself.

An output is either the rows of an input plus result columns, or a new layer of
columns (with optional geometries). Columns are ``[(name, kind, values)]``
with kinds of :mod:`refuge.core.io.columns`. When the input was read from its
file (``arrays.joinable``) and the output is a GeoPackage, the output is a copy
of the input file plus the columns, filled by SQL
(:class:`refuge.core.io.joined.JoinedWriter`, C speed); anything else goes
through a QGIS feature sink. :func:`joined_writer` is the same choice for an
output written block by block. Either way the destination is staged and
published by the run guard with the run's other outputs.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from qgis.core import QgsFeature, QgsField, QgsFields, QgsGeometry

from ..core.io.columns import BOOLEAN, INTEGER, REAL, TEXT, plain_values, unique_names
from ..core.io.joined import JoinedWriter, write_joined
from ..core.io.jsonfile import write_json
from . import compat, messages
from .sources import gpkg_destination

try:
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    shapely = None

__all__ = ["InputRows", "add_features", "gpkg_destination", "joined_writer", "output_fields", "write_json",
           "write_layer"]

_VARIANTS = {INTEGER: compat.ATTR_INT64, REAL: compat.ATTR_DOUBLE, TEXT: compat.ATTR_STRING,
             BOOLEAN: compat.ATTR_BOOL}


@dataclass(frozen=True)
class InputRows:
    """The rows of an input an output copies: ``keep`` positions of ``arrays`` (a
    :class:`.sources.LayerArrays`) read from ``source`` (its QgsFeatureSource), in order."""

    source: Any
    arrays: Any
    keep: Any


def write_layer(algorithm, parameters, name, context, feedback, columns, rows_of=None, geometries=None,
                wkb_type=None, crs=None):
    """Write output ``name`` of ``algorithm``; returns its destination, or None when not wanted.

    ``columns``: [(name, kind, values)], one value per row; names clashing with
    the input's fields get a ``refuge_`` prefix. ``rows_of``: an
    :class:`InputRows` whose rows (attributes and geometries) the output copies,
    the columns added; without it, a new layer of the columns, with optional
    shapely ``geometries`` of ``wkb_type`` in ``crs`` (no geometry by default).
    """
    if rows_of is not None:
        return _write_input_rows(algorithm, parameters, name, context, feedback, rows_of, columns)
    return _write_new_layer(algorithm, parameters, name, context, feedback, columns, geometries, wkb_type,
                            crs)


def joined_writer(algorithm, parameters, name, context, arrays, columns):
    """A :class:`JoinedWriter` of output ``name`` (``arrays``' input file plus ``columns``
    [(name, kind)], filled block by block), or None when the output needs a feature sink
    (the input was not read from its file, or the output is no GeoPackage)."""
    if not arrays.joinable or not gpkg_destination(parameters, name):
        return None
    return JoinedWriter(arrays, algorithm.parameterAsOutputLayer(parameters, name, context), columns)


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


def _write_input_rows(algorithm, parameters, name, context, feedback, rows_of, columns):
    source, arrays = rows_of.source, rows_of.arrays
    keep = np.asarray(rows_of.keep, dtype=np.int64)
    if arrays.joinable and gpkg_destination(parameters, name):
        destination = algorithm.parameterAsOutputLayer(parameters, name, context)
        write_joined(arrays, destination, keep, columns)
        return destination
    fields, _ = output_fields(source.fields(), columns)
    sink, destination = algorithm.parameterAsSink(parameters, name, context, fields, source.wkbType(),
                                                  source.sourceCrs())
    if sink is None:
        return None
    values = [plain_values(kind, data) for _, kind, data in columns]
    rows, geometries = [], []
    for position, feature in enumerate(arrays.features_at(source, keep)):
        rows.append(list(feature.attributes()) + [column[position] for column in values])
        geometry = feature.geometry()
        geometries.append(None if geometry.isNull() else bytes(geometry.asWkb()))
    add_features(sink, fields, rows, geometries, feedback)
    return destination


def _write_new_layer(algorithm, parameters, name, context, feedback, columns, geometries, wkb_type, crs):
    fields, _ = output_fields(QgsFields(), columns)
    geometry_type = wkb_type if wkb_type is not None else compat.WKB_NOGEOMETRY
    if crs is not None:
        sink, destination = algorithm.parameterAsSink(parameters, name, context, fields, geometry_type, crs)
    else:
        sink, destination = algorithm.parameterAsSink(parameters, name, context, fields, geometry_type)
    if sink is None:
        return None
    count = len(columns[0][2]) if columns else 0
    values = [plain_values(kind, data) for _, kind, data in columns]
    rows = [[column[i] for column in values] for i in range(count)]
    wkb = [None] * count if geometries is None else list(shapely.to_wkb(np.asarray(geometries, dtype=object)))
    add_features(sink, fields, rows, wkb, feedback)
    return destination


def add_features(sink, fields, rows, geometries, feedback, progress_start=0.0, progress_end=100.0):
    """Write features to a sink in batches: rows are attribute lists, geometries WKB or None."""
    batch = []
    total = max(1, len(rows))
    for position, (row, item) in enumerate(zip(rows, geometries)):
        feature = QgsFeature(fields)
        feature.setAttributes(list(row))
        if item is not None:
            geometry = QgsGeometry()
            geometry.fromWkb(item)
            feature.setGeometry(geometry)
        batch.append(feature)
        if len(batch) == 5000:
            messages.check_canceled(feedback)
            sink.addFeatures(batch, compat.SINK_FAST_INSERT)
            batch = []
            feedback.setProgress(progress_start + (progress_end - progress_start) * position / total)
    if batch:
        sink.addFeatures(batch, compat.SINK_FAST_INSERT)
