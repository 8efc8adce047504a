"""Reading a vector input: CRS and geometry type checked, features read once into arrays.

Two readers give the same :class:`refuge.core.io.arrays.FeatureArrays`: a plain
file layer (OGR provider, no subset, no selection or limit) is read with GDAL's
Arrow stream straight into numpy and shapely arrays (:class:`ArrowArrays`, C
speed) when that pays, any other layer feature by feature through QGIS
(:class:`SourceArrays`). Callers do not ask which one read a layer: what differs
between them for writing an output is behind :class:`LayerArrays`.
"""

import os
from typing import Protocol

import numpy as np
from qgis.core import (
    QgsFeatureRequest,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProviderRegistry,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QByteArray, QDate, QDateTime, QTime

from ..core import wkb
from ..core.errors import Canceled
from ..core.io.arrays import OUTSIDE_CRS, ArraysBase, FeatureArrays
from ..core.io.arrow import FileArrays, arrow_misreads_booleans
from ..core.io.copies import PendingCopy
from ..core.io.sqlite import text_in_numeric_column
from . import compat, messages
from .guard import output_value

__all__ = [
    "OUTSIDE_CRS", "ArrowArrays", "FeatureArrays", "LayerArrays", "SourceArrays",
    "arrow_misreads_booleans", "check_source", "count_values", "crs_text", "direct_source",
    "read_arrays", "require_crs",
]


class LayerArrays(FeatureArrays, Protocol):
    """FeatureArrays of a QGIS layer, as the writers of ``sinks.py`` use them.

    ``fields``: the layer's QgsFields. ``joinable``: True when an output may be
    the input's file itself plus columns (:class:`refuge.core.io.joined.JoinedWriter`):
    the arrays were read from the file, in its order. :meth:`features_at`: the
    QGIS features at some positions, for an output written through a feature sink.
    """

    fields: object
    joinable: bool

    def features_at(self, source, positions) -> list: ...


def crs_text(crs):
    """A CRS string pyproj understands: the authority id when there is one, else WKT2."""
    if crs.authid():
        return crs.authid()
    return crs.toWkt(compat.WKT_PREFERRED)


def dimensions_of(definition):
    """The topological dimensions (refuge.core.wkb) a feature-source parameter accepts, or None."""
    accepted = set()
    for kind in definition.dataTypes():
        if kind == compat.SOURCE_POINT:
            accepted.add(wkb.POINT)
        elif kind == compat.SOURCE_LINE:
            accepted.add(wkb.LINE)
        elif kind == compat.SOURCE_POLYGON:
            accepted.add(wkb.POLYGON)
        else:
            return None  # any geometry
    return accepted or None


def geometry_dimension(wkb_type):
    """The dimension (refuge.core.wkb) of a layer's declared geometry type; "none" for a table;
    None when unknown or mixed (then each feature is checked)."""
    kind = QgsWkbTypes.geometryType(wkb_type)
    kind = int(getattr(kind, "value", kind))
    return {0: wkb.POINT, 1: wkb.LINE, 2: wkb.POLYGON, 4: "none"}.get(kind)


def dimension_label(dimension):
    """Translated plural name of a geometry dimension (see :func:`geometry_dimension`)."""
    return {wkb.POINT: messages.tr("points"), wkb.LINE: messages.tr("lines"),
            wkb.POLYGON: messages.tr("polygons"), "none": messages.tr("no geometry")}[dimension]


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
        pending = PendingCopy(direct[0], direct[1], algorithm.parameterAsOutputLayer(
            parameters, fast_output, context)) if copy_to else None
        arrays = ArrowArrays(*direct, feedback, dimensions=dimensions)
        arrays.pending_copy = pending
        return source, arrays
    arrays = SourceArrays(source, feedback, dimensions=dimensions)
    if direct is not None:
        arrays.path, arrays.layer_name = direct[0], direct[1]
    return source, arrays


class _QgisFields:
    """What both readers of a QGIS layer share: a field missing is the user's error, and text in a
    numeric GeoPackage column (SQLite allows it; read as 0 by GDAL) is not a number."""

    def _missing_field(self, field_name):
        return QgsProcessingException(messages.tr("The field {field} does not exist in the layer.").format(
            field=field_name))

    def _text_positions(self, field_name):
        """Positions whose value SQLite stores as text in a numeric GeoPackage column."""
        path = getattr(self, "path", None)
        if not path or not path.lower().endswith(".gpkg"):
            return []
        index = self.fields.lookupField(field_name)
        if index < 0 or not self.fields.at(index).isNumeric():
            return []
        fids = text_in_numeric_column(path, self.layer_name, field_name)
        if not fids:
            return []
        wanted = set(fids)
        return [i for i in range(len(self)) if self.feature_id(i) in wanted]


class ArrowArrays(_QgisFields, FileArrays):
    """A file layer read with GDAL's Arrow stream (:class:`refuge.core.io.arrow.FileArrays`), with
    the QGIS layer's CRS and fields; an output may be a copy of its file (``joinable``)."""

    joinable = True

    def __init__(self, path, layer_name, qgis_layer, feedback, dimensions=None):
        self.fields = qgis_layer.fields()
        self.wkb_type = qgis_layer.wkbType()
        self.qgis_crs = qgis_layer.crs()
        try:
            super().__init__(path, layer_name, crs_text(qgis_layer.crs()), feedback, dimensions,
                             field_names=list(self.fields.names()))
        except Canceled:
            raise QgsProcessingException(messages.tr("Canceled: nothing was written.")) from None

    def values(self, field_name):
        """Values of one field in feature order (None when null; text decoded from UTF-8)."""
        if not self.has_field(field_name):
            raise self._missing_field(field_name)
        return super().values(field_name)

    def features_at(self, source, positions):
        """The features of ``source`` (the layer read) at ``positions``, None where missing."""
        wanted = {int(self.fids[i]): position for position, i in enumerate(positions)}
        features = {}
        for feature in source.getFeatures(QgsFeatureRequest().setFilterFids(list(wanted))):
            features[wanted[int(feature.id())]] = feature
        return [features.get(p) for p in range(len(positions))]


def plain_value(value):
    """A QGIS attribute value as a plain Python value (QDate -> date, NULL -> None...)."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    if isinstance(value, QDateTime):
        return value.toPyDateTime().replace(tzinfo=None)
    if isinstance(value, QDate):
        return value.toPyDate()
    if isinstance(value, QTime):
        return value.toPyTime()
    if isinstance(value, QByteArray):
        return bytes(value)
    return value


class SourceArrays(_QgisFields, ArraysBase):
    """Features of a source read once through QGIS: geometries, ids, attributes.

    Features without a usable geometry are kept aside (``null_geometry`` lists
    their positions, ``reason`` says why) so that they can be reported, never
    silently dropped. ``dimensions``: the geometry dimensions accepted (see
    :func:`refuge.core.wkb.from_wkb`).
    """

    joinable = False  # read through QGIS: its order and ids need not be the file's

    def __init__(self, source, feedback, fields=(), dimensions=None):
        self.crs = crs_text(source.sourceCrs())
        self.fields = source.fields()
        request = QgsFeatureRequest()
        names = [name for name in fields if name]
        if names:
            request.setSubsetOfAttributes(names, self.fields)
        self.features = []
        items = []
        total = source.featureCount() or 1
        for position, feature in enumerate(source.getFeatures(request)):
            messages.check_canceled(feedback)
            self.features.append(feature)
            geometry = feature.geometry()
            items.append(None if geometry.isNull() else bytes(geometry.asWkb()))
            if position % 5000 == 0:
                feedback.setProgress(100.0 * position / total)
        self._set_geometries(wkb.from_wkb(items, dimensions))
        self.path = self.layer_name = None  # the GeoPackage read, when known (see read_arrays)

    def __len__(self):
        return len(self.features)

    def feature_id(self, position):
        return int(self.features[position].id())

    def values(self, field_name):
        """Attribute values of one field, in feature order (None when null)."""
        index = self.fields.lookupField(field_name)
        if index < 0:
            raise self._missing_field(field_name)
        return [plain_value(feature.attribute(index)) for feature in self.features]

    def features_at(self, source, positions):
        """The features read at ``positions`` (``source`` is the layer read)."""
        return [self.features[i] for i in positions]


def count_values(algorithm, arrays, parameters, name, context):
    """Values of the field chosen in parameter ``name`` that counts people (a population, a
    capacity): float64 with NaN for NULL, or None when no field is chosen.

    A value that is not a number, or a negative one, is refused with a message
    naming the features: people cannot be counted from it.
    """
    field = algorithm.parameterAsString(parameters, name, context)
    if not field:
        return None
    values, bad = arrays.numbers(field)
    parameter = algorithm.parameterDefinition(name).description()
    raw = arrays.values(field)
    if bad:
        raise QgsProcessingException(messages.tr(
            "The field {field} ({parameter}) holds values that are not numbers: {examples}. Correct "
            "them (or empty them), then run again.").format(
            field=field, parameter=parameter, examples=_examples(arrays, bad, raw)))
    negative = np.flatnonzero(values < 0)
    if len(negative):
        raise QgsProcessingException(messages.tr(
            "The field {field} ({parameter}) holds negative values: {examples}. People and capacities "
            "cannot be negative: correct them, then run again.").format(
            field=field, parameter=parameter, examples=_examples(arrays, negative, raw)))
    return values


def _examples(arrays, positions, raw, most=5):
    """'value (fid n), ...' of the first ``most`` positions, and how many more."""
    shown = ", ".join(f"'{raw[i]}' (fid {arrays.feature_id(int(i))})" for i in list(positions)[:most])
    if len(positions) > most:
        shown += messages.tr(" and {count} more").format(count=len(positions) - most)
    return shown
