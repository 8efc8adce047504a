"""refuge:osm_extract_pbf: OpenStreetMap .pbf file -> themed GeoPackage layers."""

import math
import os
import re

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsProcessing,
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

from ..__about__ import plugin_version
from ..core.crs import WGS84
from ..core.errors import EmptyAreaError, ExtentError, OutputFormatError
from ..core.osm import pbf
from ..core.osm.area import area_from_wkb, check_extent_numbers, extent_text, intersection
from ..core.osm.extract import ATTRIBUTION, LICENSE, extract_pbf
from ..core.osm.themes import GROUPS, THEMES
from . import compat, messages
from .base import RefugeAlgorithm, guarded_run
from .labels import osm_reason_labels
from .outputs import layer_documents


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

    def check_parameters(self, parameters, context):
        """Refuse, before any work, the settings that cannot mean anything (see the README)."""
        self._groups(parameters, context)
        output = parameters.get(self.OUTPUT)
        if isinstance(output, str) and output and output != QgsProcessing.TEMPORARY_OUTPUT:
            path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
            if not path.lower().endswith(".gpkg"):
                raise OutputFormatError(path, ".gpkg")
        self._extent_bounds(parameters, context)  # AREA's CRS: see RefugeAlgorithm.check_sources

    def _groups(self, parameters, context):
        """The theme groups chosen; THEMES as a list (THEMES=0 THEMES=1) or as text (THEMES=0,1)."""
        value = parameters.get(self.THEMES)
        indexes = self.parameterAsEnums(parameters, self.THEMES, context)
        if not indexes and value not in (None, "", []):
            items = value if isinstance(value, (list, tuple)) else re.split(r"[,;\s]+", str(value))
            try:
                indexes = [int(str(item).strip()) for item in items if str(item).strip()]
            except ValueError:
                indexes = [-1]
            if any(i < 0 or i >= len(GROUPS) for i in indexes):
                raise QgsProcessingException(self.tr(
                    "Themes: '{value}' is not a list of theme numbers. Give numbers from 0 to {last}, "
                    "as THEMES=0,1 or THEMES=0 THEMES=1.").format(value=value, last=len(GROUPS) - 1))
        if not indexes:
            raise QgsProcessingException(self.tr("Choose at least one theme to extract."))
        return [GROUPS[i] for i in sorted(set(indexes))]

    def _extent_bounds(self, parameters, context):
        """(west, south, east, north) of EXTENT in EPSG:4326, or None; ExtentError when unusable."""
        value = parameters.get(self.EXTENT)
        if value in (None, ""):
            return None
        typed = extent_text(value) if isinstance(value, str) else None  # QGIS reads NaN as an empty box
        if typed is not None and typed[1] and \
                not self.parameterAsExtentCrs(parameters, self.EXTENT, context).isValid():
            raise ExtentError(value, "unknown_crs")
        rectangle = self.parameterAsExtent(parameters, self.EXTENT, context)
        if rectangle.isNull():
            raise ExtentError(value, "unreadable")
        check_extent_numbers(value, [rectangle.xMinimum(), rectangle.xMaximum(),
                                     rectangle.yMinimum(), rectangle.yMaximum()])
        try:
            extent = self.parameterAsExtent(parameters, self.EXTENT, context,
                                            QgsCoordinateReferenceSystem(WGS84))
        except QgsCsException:
            raise ExtentError(value, "not_transformable") from None
        bounds = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
        if not all(math.isfinite(b) for b in bounds) or not (bounds[0] < bounds[2] and bounds[1] < bounds[3]):
            raise ExtentError(value, "not_transformable")
        return bounds

    def _area(self, parameters, context, feedback):
        """The area to keep as a shapely geometry in EPSG:4326, or None."""
        area = None
        bounds = self._extent_bounds(parameters, context)
        if bounds is not None:
            import shapely

            area = shapely.box(*bounds)
        if parameters.get(self.AREA) not in (None, ""):
            source = self.parameterAsSource(parameters, self.AREA, context)
            if source is None:
                raise QgsProcessingException(self.invalidSourceError(parameters, self.AREA))
            transform = QgsCoordinateTransform(source.sourceCrs(), QgsCoordinateReferenceSystem(WGS84),
                                               context.transformContext())
            items, failed = [], 0
            for feature in source.getFeatures(QgsFeatureRequest().setNoAttributes()):
                messages.check_canceled(feedback)
                geometry = feature.geometry()
                if geometry.isNull():
                    items.append(None)
                    continue
                try:
                    geometry.transform(transform)
                except QgsCsException:
                    failed += 1
                    continue
                items.append(bytes(geometry.asWkb()))
            polygons = area_from_wkb(items) if items else None
            if polygons is None:
                raise EmptyAreaError()
            unusable = polygons.unusable + failed
            if unusable:
                feedback.pushWarning(self.tr(
                    "{count} feature(s) of {layer} have no usable polygon (no geometry, not a polygon, "
                    "or outside what their CRS can place) and are not part of the area.").format(
                    count=unusable, layer=self.parameterDefinition(self.AREA).description()))
            area = intersection(area, polygons.geometry)
        return area

    @guarded_run
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.repair_invalid_geometries(context)
        path = self.parameterAsFile(parameters, self.INPUT, context)
        groups = self._groups(parameters, context)
        output = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        area = self._area(parameters, context, feedback)
        feedback.pushInfo(self.tr("Reading {path}").format(path=path))
        # Engine errors go to the run guard, which words them with the paths the user chose.
        result = extract_pbf(
            path, output, groups=groups, area=area, feedback=feedback,
            reason_labels=osm_reason_labels(), generator=f"Refuge {plugin_version()}",
            layer_documents=lambda name, header: self._documents(name, header, path))
        header = result["header"]
        feedback.pushInfo(self.tr("OSM data timestamp: {timestamp}").format(
            timestamp=header.timestamp or self.tr("unknown")))
        if result["area_covers_data"]:
            feedback.pushInfo(self.tr(
                "The area covers the whole extent of the file ({bounds}): everything in the file is "
                "extracted.").format(bounds=", ".join(f"{b:.5f}" for b in header.bounds)))
        for code, facts in result["warnings"]:
            feedback.pushWarning(self.completeness_messages()[code].format(**facts))
        outputs = {self.OUTPUT: result["output"], self.REJECTED_COUNT: result["rejects"]}
        for name, count in result["counts"].items():
            feedback.pushInfo(self.tr("{layer}: {count} features").format(
                layer=self.theme_label(name), count=count))
            uri = f"{result['output']}|layername={name}"
            outputs[name.upper()] = uri
            self._load_on_completion(context, uri, self.theme_label(name), name.upper())
        for (theme, reason), count in sorted(result["reject_reasons"].items()):
            feedback.pushWarning(self.tr("{count} {layer} rejected: {reason}").format(
                count=count, layer=self.theme_label(theme), reason=osm_reason_labels()[reason]))
        rejects_uri = f"{result['output']}|layername=rejects"
        outputs[self.REJECTS] = rejects_uri
        if result["rejects"]:
            self._load_on_completion(context, rejects_uri, self.tr("Rejected OSM objects"),
                                     self.REJECTS)
        return outputs

    def completeness_messages(self):
        """Translated warning for each code of :data:`refuge.core.osm.pbf.COMPLETENESS`."""
        return {
            pbf.ENDS_AFTER_NODES: self.tr(
                "The file ends after its nodes: it holds no ways and no relations, although its "
                "untagged nodes exist only as the vertices of ways. It was probably cut short (an "
                "interrupted download): download it again. Only points were extracted."),
            pbf.ENDS_AFTER_WAYS: self.tr(
                "The file ends after its ways: it holds no relations, although its untagged ways exist "
                "only as members of relations. It was probably cut short (an interrupted download): "
                "download it again. Buildings, water areas and boundaries mapped as multipolygon "
                "relations are missing."),
            pbf.WAYS_MISSING_NODES: self.tr(
                "{count} of the {total} ways of the chosen themes refer to nodes that are not in the "
                "file (they are in rejects): the file is incomplete, or was clipped without its "
                "ways' nodes. Download a complete extract if you need them."),
        }

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
