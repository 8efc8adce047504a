"""refuge:prepare_hazard: flood zones or a depth raster -> clean classified hazard polygons."""

from qgis.core import (
    QgsFeature,
    QgsField,
    QgsFields,
    QgsProcessingException,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
)

from ..core import crs as crs_tools
from ..core import measure, wkb
from ..core.geometry import repair
from ..core.hazard import zones as zone_tools
from ..core.hazard.definitions import CLASS_BY_CODE, DEFAULT_VALUE_MAP, ValueMap
from ..core.polygons import polygonal
from ..core.settings import class_map
from . import compat
from .base import RefugeAlgorithm, guarded_run
from .depth import DepthRasterParameters
from .labels import class_label, reason_labels
from .sinks import add_features
from .sources import SourceArrays, crs_text
from .styles import HazardStyler

try:
    import shapely
except ImportError:  # pragma: no cover
    shapely = None


def hazard_fields():
    fields = QgsFields()
    fields.append(QgsField("hazard_class", compat.ATTR_INT))
    fields.append(QgsField("hazard_key", compat.ATTR_STRING))
    fields.append(QgsField("label_en", compat.ATTR_STRING))
    fields.append(QgsField("label_fr", compat.ATTR_STRING))
    fields.append(QgsField("label", compat.ATTR_STRING))
    fields.append(QgsField("area_m2", compat.ATTR_DOUBLE))
    return fields


class PrepareHazard(DepthRasterParameters, RefugeAlgorithm):
    ZONES = "ZONES"
    CLASS_FIELD = "CLASS_FIELD"
    VALUE_MAP = "VALUE_MAP"
    EXTENT = "EXTENT"
    AREA = "AREA"
    OUTPUT = "OUTPUT"
    REJECTS = "REJECTS"
    ADVANCED = DepthRasterParameters.DEPTH_ADVANCED | {REJECTS}

    def name(self):
        return "prepare_hazard"

    def displayName(self):  # noqa: N802
        return self.tr("Prepare a hazard layer")

    def group(self):
        return self.tr("Hazard and exposure")

    def groupId(self):  # noqa: N802
        return "hazard"

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.ZONES, self.tr("Hazard zones"), [compat.SOURCE_POLYGON], optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.CLASS_FIELD, self.tr("Class field"), parentLayerParameterName=self.ZONES,
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.VALUE_MAP, self.tr("Value map"), defaultValue=DEFAULT_VALUE_MAP, optional=True))
        self.add_depth_parameters()
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, self.tr("Extent"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.AREA, self.tr("Area polygons"), [compat.SOURCE_POLYGON], optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Hazard classes"), compat.SOURCE_POLYGON))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.REJECTS, self.tr("Rejected zones"), compat.SOURCE_TABLE, optional=True,
            createByDefault=True))

    def check_parameters(self, parameters, context):
        """Every parameter checked before any work (called by guarded_run)."""
        if (parameters.get(self.ZONES) in (None, "")) == (parameters.get(self.DEPTH) in (None, "")):
            raise QgsProcessingException(self.tr(
                "Give either hazard zones or a flood depth raster (exactly one of them)."))
        self.check_depth_parameters(parameters, context)
        if parameters.get(self.ZONES) not in (None, ""):
            if not self.parameterAsString(parameters, self.CLASS_FIELD, context):
                raise QgsProcessingException(self.tr("Choose the class field of the hazard zones."))
            self._value_map = ValueMap(tuple(self.read_setting(parameters, self.VALUE_MAP, context,
                                                               class_map)))

    @guarded_run
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.repair_invalid_geometries(context)
        zones_source = self.parameterAsSource(parameters, self.ZONES, context)
        raster = self.parameterAsRasterLayer(parameters, self.DEPTH, context)
        thresholds, min_depth = self.depth_classes(parameters, context)
        rejects = []
        if zones_source is not None:
            zones, crs, rejects = self._zones(parameters, context, feedback, zones_source)
        else:
            zones, crs = self._raster_zones(parameters, context, feedback, raster, thresholds,
                                            min_depth)
        target = zones_source.sourceCrs() if zones_source is not None else raster.crs()
        area = self._clip_area(parameters, context, feedback, target, crs)
        if area is not None:
            zones = {code: polygonal(shapely.intersection(geometry, area))
                     for code, geometry in zones.items()}
            zones = {code: geometry for code, geometry in zones.items() if not geometry.is_empty}
        if not zones:
            feedback.pushWarning(self.tr("No area is exposed: the hazard layer is empty."))
        target_crs = zones_source.sourceCrs() if zones_source is not None else raster.crs()
        sink, dest = self.parameterAsSink(parameters, self.OUTPUT, context, hazard_fields(),
                                          compat.WKB_MULTIPOLYGON, target_crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        codes = sorted(zones)
        geometries = [zones[c] for c in codes]
        areas = measure.areas_m2(crs_tools.reproject(geometries, crs, crs_tools.WGS84)) \
            if geometries else []
        rows = [[code, CLASS_BY_CODE[code].key, CLASS_BY_CODE[code].label_en,
                 CLASS_BY_CODE[code].label_fr, class_label(code), float(area_m2)]
                for code, area_m2 in zip(codes, areas)]
        add_features(sink, hazard_fields(), rows, [shapely.to_wkb(g) for g in geometries], feedback)
        results = {self.OUTPUT: dest}
        self._write_rejects(parameters, context, rejects, results)
        self.style_output(context, dest, HazardStyler.create)
        return results

    def _clip_area(self, parameters, context, feedback, target, crs):
        """The extent and the area polygons (intersected when both are given) in the zones' CRS, or None."""
        area = None
        if parameters.get(self.EXTENT) not in (None, ""):
            extent = self.parameterAsExtent(parameters, self.EXTENT, context, target)
            area = shapely.box(extent.xMinimum(), extent.yMinimum(), extent.xMaximum(),
                               extent.yMaximum())
        source = self.parameterAsSource(parameters, self.AREA, context)
        if source is not None:
            arrays = SourceArrays(source, feedback, dimensions={wkb.POLYGON})
            geometries, _, _ = repair(arrays.geometries)  # features without geometry stay None
            polygons = polygonal(shapely.union_all(
                crs_tools.reproject(geometries, arrays.crs, crs)))
            if polygons.is_empty:
                raise QgsProcessingException(self.tr(
                    "The area layer holds no polygon: choose a layer of polygons, or leave the area "
                    "empty to keep the whole hazard."))
            area = polygons if area is None else shapely.intersection(area, polygons)
        return area

    def _zones(self, parameters, context, feedback, source):
        field = self.parameterAsString(parameters, self.CLASS_FIELD, context)
        if source.fields().lookupField(field) < 0:
            raise QgsProcessingException(self.tr(
                "The hazard zones have no field {field}: choose their class field.").format(field=field))
        arrays = SourceArrays(source, feedback, [field], dimensions={wkb.POLYGON})
        if not len(arrays):
            raise QgsProcessingException(self.tr("The hazard zones layer is empty."))
        if len(arrays.null_geometry) == len(arrays):
            raise QgsProcessingException(self.tr(
                "No hazard zone has a usable polygon ({count} zones without one): check the layer, "
                "or choose a layer of polygons.").format(count=len(arrays)))
        values = arrays.values(field)
        result = zone_tools.classify_zones(arrays.geometries, values, self._value_map)
        if (result.classes < 0).all():
            seen = sorted({str(v) for v in values if v is not None})[:10]
            raise QgsProcessingException(self.tr(
                "The value map matches none of the values of {field} ({values}). Edit the value "
                "map so that it names these values.").format(field=field, values=", ".join(seen)))
        if result.repaired.any():
            feedback.pushInfo(self.tr("{count} invalid zone geometries were repaired.").format(
                count=int(result.repaired.sum())))
        keep = result.classes >= 0
        zones = zone_tools.resolve_overlaps(result.geometries[keep], result.classes[keep])
        # A zone the reader set aside says why: no geometry, another type, unreadable...
        read_reasons = {"no_geometry": "empty_geometry", "wrong_geometry_type": "not_polygon"}
        rejects = [(arrays.features[index].id(),
                    read_reasons.get(arrays.reason(index), arrays.reason(index) or reason), value)
                   for index, reason, value in result.rejects]
        return zones, arrays.crs, rejects

    def _raster_zones(self, parameters, context, feedback, raster, thresholds, min_depth):
        from ..core.raster.sampling import classify

        _, grid = self.depth_grid(parameters, context, feedback)
        classes = classify(grid, thresholds, min_depth)
        feedback.setProgress(50)
        zones = zone_tools.polygonize_classes(classes, grid.geotransform)
        return zones, crs_text(raster.crs())

    def _write_rejects(self, parameters, context, rejects, results):
        fields = QgsFields()
        fields.append(QgsField("source_fid", compat.ATTR_INT64))
        fields.append(QgsField("value", compat.ATTR_STRING))
        fields.append(QgsField("reason_code", compat.ATTR_STRING))
        fields.append(QgsField("reason", compat.ATTR_STRING))
        sink, dest = self.parameterAsSink(parameters, self.REJECTS, context, fields,
                                          compat.WKB_NOGEOMETRY)
        if sink is None:
            return
        labels = reason_labels()
        for fid, reason, value in rejects:
            feature = QgsFeature(fields)
            feature.setAttributes([int(fid), None if value is None else str(value), reason,
                                   labels[reason]])
            sink.addFeature(feature, compat.SINK_FAST_INSERT)
        results[self.REJECTS] = dest

