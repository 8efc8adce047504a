"""Moving features between QGIS and the engine: geometries as shapely arrays."""

import numpy as np
from qgis.core import QgsFeature, QgsFeatureRequest, QgsGeometry, QgsProcessingException, QgsWkbTypes
from qgis.PyQt.QtCore import QByteArray, QDate, QDateTime, QTime

from ..core import crs as crs_tools
from ..core import wkb
from . import compat, messages

try:
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    shapely = None


def crs_text(crs):
    """A CRS string pyproj understands: the authority id when there is one, else WKT2."""
    if crs.authid():
        return crs.authid()
    return crs.toWkt(compat.WKT_PREFERRED)


OUTSIDE_CRS = "outside_crs"  # reason code: coordinates the layer's CRS cannot place


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


class FeatureArrays:
    """What both readers give: geometries safe for GEOS, a reason for each missing one, attributes.

    ``geometries`` holds None where ``reasons`` holds a code of
    :data:`refuge.core.wkb.REASONS` (no geometry, unreadable, invalid
    coordinates, wrong geometry type, degenerate); ``null_geometry`` lists
    those positions. Attribute values are plain Python values (None, bool,
    int, float, str, datetime.date, datetime.datetime), the same whichever
    reader read them.
    """

    def _set_geometries(self, read):
        """Take what :func:`refuge.core.wkb.from_wkb` read; ``self.crs`` must be set.

        Geometries whose coordinates the layer's CRS cannot place (see
        :func:`refuge.core.crs.placeable`) are set aside too, as ``outside_crs``.
        """
        self.geometries = read.geometries
        self.reasons = read.reasons
        outside = np.flatnonzero(~crs_tools.placeable(self.geometries, self.crs))
        self.geometries[outside] = None
        self.reasons[outside] = OUTSIDE_CRS
        self.null_geometry = [int(i) for i in read.rejected()]

    def reason(self, position):
        """The reason code of a feature without a usable geometry (None when it has one)."""
        return self.reasons[position]

    def numbers(self, field_name):
        """(float64 values with NaN for NULL, positions of values that are not numbers)."""
        values = self.values(field_name)
        result = np.full(len(values), np.nan)
        bad = []
        for position, value in enumerate(values):
            number = _number(value)
            if number is None:
                if value is not None:
                    bad.append(position)
            else:
                result[position] = number
        bad.extend(position for position in self._text_in_numeric_column(field_name) if position not in bad)
        result[bad] = np.nan
        return result, sorted(bad)

    def _text_in_numeric_column(self, field_name):
        """Positions whose value SQLite stores as text in a numeric GeoPackage column (read as 0 by GDAL)."""
        path = getattr(self, "path", None)
        if not path or not path.lower().endswith(".gpkg"):
            return []
        index = self.fields.lookupField(field_name)
        if index < 0 or not self.fields.at(index).isNumeric():
            return []
        from .fastio import text_in_numeric_column

        fids = text_in_numeric_column(path, self.layer_name, field_name)
        if not fids:
            return []
        wanted = set(fids)
        return [i for i in range(len(self)) if self.feature_id(i) in wanted]


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


def _number(value):
    """``value`` as a float (numbers, numeric text with a decimal point or comma), None when not one."""
    if value is None or isinstance(value, bool):
        return None if value is None else float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


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


class SourceArrays(FeatureArrays):
    """Features of a source read once through QGIS: geometries, ids, attributes.

    Features without a usable geometry are kept aside (``null_geometry`` lists
    their positions, ``reason`` says why) so that they can be reported, never
    silently dropped. ``dimensions``: the geometry dimensions accepted (see
    :func:`refuge.core.wkb.from_wkb`).
    """

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
            raise QgsProcessingException(messages.tr("The field {field} does not exist in the layer.").format(
                field=field_name))
        return [plain_value(feature.attribute(index)) for feature in self.features]


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
