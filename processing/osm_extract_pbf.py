"""refuge:osm_extract_pbf: OpenStreetMap .pbf file -> themed GeoPackage layers."""

import os

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
)

from .. import plugin_version
from ..core.geometry import box, union_wkb
from ..core.osm.extract import ATTRIBUTION, LICENSE, extract_pbf
from ..core.osm.themes import GROUPS, THEMES
from . import compat, messages
from .base import RefugeAlgorithm, guarded_run
from .outputs import layer_documents

WGS84 = "EPSG:4326"


class OsmExtractPbf(RefugeAlgorithm):
    INPUT = "INPUT"
    THEMES = "THEMES"
    EXTENT = "EXTENT"
    AREA = "AREA"
    OUTPUT = "OUTPUT"
    REJECTS = "REJECTS"
    REJECTED_COUNT = "REJECTED_COUNT"

    def name(self):
        return "osm_extract_pbf"

    def displayName(self):  # noqa: N802
        return self.tr("Extract OSM layers from a .pbf file")

    def group(self):
        return self.tr("OpenStreetMap")

    def groupId(self):  # noqa: N802
        return "openstreetmap"

    def tags(self):
        return self.tr("osm,openstreetmap,pbf,extract,buildings,roads,shelters,facilities,"
                       "waterways,boundaries,offline").split(",")

    def group_labels(self):
        """Translated label of each theme group, in :data:`GROUPS` order."""
        labels = {
            "buildings": self.tr("Buildings"),
            "roads": self.tr("Routable roads"),
            "facilities": self.tr("Public facilities"),
            "shelters": self.tr("Shelters and assembly points"),
            "waterways": self.tr("Waterways and water areas"),
            "boundaries": self.tr("Administrative boundaries"),
        }
        return [labels[group] for group in GROUPS]

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Reads an OpenStreetMap .pbf file, offline, and writes analysis-ready layers to one "
            "GeoPackage: buildings (polygons), routable roads (lines, with the OSM node id of "
            "every vertex), public facilities and shelters (points; polygons become a point "
            "inside them), waterways (lines) and water areas (polygons), administrative "
            "boundaries (polygons). Multipolygon relations are assembled and invalid polygons "
            "repaired.\n\n"
            "<b>OpenStreetMap .pbf file</b>: an extract such as those of download.geofabrik.de.\n"
            "<b>Themes</b>: the layers to extract (all by default).\n"
            "<b>Extent</b> and <b>Area polygons</b> (optional): keep only features that touch "
            "this extent and/or these polygons (both: their intersection). Features are kept "
            "whole, not cut at the edge. Empty: the whole file.\n"
            "<b>Output GeoPackage</b>: one layer per theme plus <i>rejects</i>.\n\n"
            "Every layer has osm_id, osm_type, name, category (a stable code), typed columns "
            "for the main tags and all tags as JSON in <i>tags</i>. Objects of a theme that "
            "cannot get a geometry (nodes missing from a clipped extract, broken multipolygons) "
            "are listed in <i>rejects</i> with the reason. Layer metadata records the source "
            "file, its date and the attribution © OpenStreetMap contributors (ODbL)."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(
            self.INPUT, self.tr("OpenStreetMap .pbf file"), behavior=compat.FILE_BEHAVIOR_FILE,
            fileFilter=self.tr("OpenStreetMap PBF (*.pbf *.osm.pbf)")))
        self.addParameter(QgsProcessingParameterEnum(
            self.THEMES, self.tr("Themes"), options=self.group_labels(), allowMultiple=True,
            defaultValue=list(range(len(GROUPS)))))
        self.addParameter(QgsProcessingParameterExtent(
            self.EXTENT, self.tr("Extent"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.AREA, self.tr("Area polygons"), types=[compat.SOURCE_POLYGON], optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("Output GeoPackage"), fileFilter=self.tr("GeoPackage (*.gpkg)")))
        for theme in THEMES:
            self.addOutput(QgsProcessingOutputVectorLayer(
                theme.name.upper(), self.theme_label(theme.name)))
        self.addOutput(QgsProcessingOutputVectorLayer(self.REJECTS, self.tr("Rejected OSM objects")))
        self.addOutput(QgsProcessingOutputNumber(self.REJECTED_COUNT,
                                                 self.tr("Number of rejected OSM objects")))

    def theme_label(self, name):
        labels = {
            "buildings": self.tr("Buildings"),
            "roads": self.tr("Roads"),
            "facilities": self.tr("Public facilities"),
            "shelters": self.tr("Shelters"),
            "waterways": self.tr("Waterways"),
            "water_areas": self.tr("Water areas"),
            "boundaries": self.tr("Administrative boundaries"),
        }
        return labels[name]

    def flags(self):
        return super().flags() | compat.FLAG_CAN_CANCEL

    def _area(self, parameters, context, feedback):
        """The area to keep as a shapely geometry in EPSG:4326, or None."""
        wgs84 = QgsCoordinateReferenceSystem(WGS84)
        area = None
        if parameters.get(self.EXTENT) not in (None, ""):
            extent = self.parameterAsExtent(parameters, self.EXTENT, context, wgs84)
            if not extent.isNull() and not extent.isEmpty():
                area = self.run_engine(box, extent.xMinimum(), extent.yMinimum(),
                                       extent.xMaximum(), extent.yMaximum())
        if parameters.get(self.AREA) not in (None, ""):
            source = self.parameterAsSource(parameters, self.AREA, context)
            if source is None:
                raise QgsProcessingException(self.invalidSourceError(parameters, self.AREA))
            transform = QgsCoordinateTransform(source.sourceCrs(), wgs84, context.transformContext())
            items = []
            request = QgsFeatureRequest().setNoAttributes()
            for feature in source.getFeatures(request):
                if feedback.isCanceled():
                    break
                geometry = feature.geometry()
                if geometry.isNull() or geometry.isEmpty():
                    continue
                geometry.transform(transform)
                items.append(bytes(geometry.asWkb()))
            polygons = self.run_engine(union_wkb, items)
            area = polygons if area is None else area.intersection(polygons)
        return area

    @guarded_run
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.ensure_dependencies()
        self.repair_invalid_geometries(context)
        path = self.parameterAsFile(parameters, self.INPUT, context)
        groups = [GROUPS[i] for i in self.parameterAsEnums(parameters, self.THEMES, context)]
        if not groups:
            raise QgsProcessingException(self.tr("Choose at least one theme to extract."))
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        area = self._area(parameters, context, feedback)
        feedback.pushInfo(self.tr("Reading {path}").format(path=path))
        result = self.run_engine(
            extract_pbf, path, output, groups=groups, area=area, feedback=feedback,
            reason_labels=messages.reject_reasons(), generator=f"Refuge {plugin_version()}",
            layer_documents=lambda name, header: self._documents(name, header, path))
        header = result["header"]
        feedback.pushInfo(self.tr("OSM data timestamp: {timestamp}").format(
            timestamp=header.timestamp or self.tr("unknown")))
        outputs = {self.OUTPUT: result["output"], self.REJECTED_COUNT: result["rejects"]}
        for name, count in result["counts"].items():
            feedback.pushInfo(self.tr("{layer}: {count} features").format(
                layer=self.theme_label(name), count=count))
            uri = f"{result['output']}|layername={name}"
            outputs[name.upper()] = uri
            self._load_on_completion(context, uri, self.theme_label(name), name.upper())
        for (theme, reason), count in sorted(result["reject_reasons"].items()):
            feedback.pushWarning(self.tr("{count} {layer} rejected: {reason}").format(
                count=count, layer=self.theme_label(theme), reason=messages.reject_reasons()[reason]))
        rejects_uri = f"{result['output']}|layername=rejects"
        outputs[self.REJECTS] = rejects_uri
        if result["rejects"]:
            self._load_on_completion(context, rejects_uri, self.tr("Rejected OSM objects"),
                                     self.REJECTS)
        return outputs

    def _documents(self, name, header, path):
        """Style and QGIS metadata stored with layer ``name`` in the GeoPackage."""
        if name == "rejects":
            title = self.tr("Rejected OSM objects")
            abstract = self.tr("OSM objects of the chosen themes that got no usable geometry, "
                               "with the reason.")
        else:
            title = self.theme_label(name)
            abstract = {theme.name: theme.description for theme in THEMES}[name]
        history = self.tr("Extracted by Refuge {version} from {source} (OSM data of {timestamp})").format(
            version=plugin_version(), source=os.path.basename(path),
            timestamp=header.timestamp or self.tr("unknown"))
        return layer_documents(name, title, abstract, rights=[ATTRIBUTION], licenses=[LICENSE],
                               history=[history], keywords=["OpenStreetMap", name])

    def _load_on_completion(self, context, uri, name, output_name):
        if context.project() is None:
            return  # qgis_process: nothing to load into
        details = QgsProcessingContext.LayerDetails(name, context.project(), output_name)
        context.addLayerToLoadOnCompletion(uri, details)
