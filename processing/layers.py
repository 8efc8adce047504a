"""Moving features between QGIS and the engine: geometries as shapely arrays."""

from qgis.core import QgsFeature, QgsFeatureRequest, QgsGeometry, QgsProcessingException

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


class SourceArrays:
    """Features of a source read once: shapely geometries, ids, attributes.

    Features without a geometry are kept aside (``null_geometry`` lists their
    positions) so that they can be reported, never silently dropped.
    """

    def __init__(self, source, feedback, fields=()):
        self.crs = crs_text(source.sourceCrs())
        self.fields = source.fields()
        request = QgsFeatureRequest()
        names = [name for name in fields if name]
        if names:
            request.setSubsetOfAttributes(names, self.fields)
        self.features = []
        wkb = []
        total = source.featureCount() or 1
        for position, feature in enumerate(source.getFeatures(request)):
            messages.check_canceled(feedback)
            self.features.append(feature)
            geometry = feature.geometry()
            wkb.append(None if geometry.isNull() or geometry.isEmpty() else bytes(geometry.asWkb()))
            if position % 5000 == 0:
                feedback.setProgress(100.0 * position / total)
        self.geometries = shapely.from_wkb(wkb) if wkb else shapely.from_wkb([])
        self.null_geometry = [i for i, item in enumerate(wkb) if item is None]

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
        result = []
        for feature in self.features:
            value = feature.attribute(index)
            result.append(None if value is None or (hasattr(value, "isNull") and value.isNull())
                          else value)
        return result


def add_features(sink, fields, rows, geometries, feedback, progress_start=0.0, progress_end=100.0):
    """Write features to a sink in batches: rows are attribute lists, geometries WKB or None."""
    batch = []
    total = max(1, len(rows))
    for position, (row, wkb) in enumerate(zip(rows, geometries)):
        feature = QgsFeature(fields)
        feature.setAttributes(list(row))
        if wkb is not None:
            geometry = QgsGeometry()
            geometry.fromWkb(wkb)
            feature.setGeometry(geometry)
        batch.append(feature)
        if len(batch) == 5000:
            messages.check_canceled(feedback)
            sink.addFeatures(batch, compat.SINK_FAST_INSERT)
            batch = []
            feedback.setProgress(progress_start + (progress_end - progress_start) * position / total)
    if batch:
        sink.addFeatures(batch, compat.SINK_FAST_INSERT)
