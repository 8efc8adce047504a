"""refuge:exposure: buildings, facilities, roads and people per hazard class and unit."""

import dataclasses

import numpy as np
from qgis.core import (
    QgsField,
    QgsFields,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from .. import plugin_version
from ..core.exposure import analysis
from ..core.exposure import needs as needs_tools
from ..core.exposure import population as population_tools
from ..core.exposure.needs import DEMOGRAPHICS, NEEDS
from ..core.exposure.population import RESIDENTIAL_VALUES
from ..core.geometry import lonlat_bounds, repair
from ..core.hazard import zones as zone_tools
from ..core.hazard.definitions import CLASS_BY_CODE, CLASSES
from ..core.io.columns import unique_names
from ..core.osm.themes import CRITICAL_CATEGORIES, EMERGENCY_SHELTER_CATEGORIES
from ..core.progress import NullFeedback
from . import compat, fastio, messages
from .base import RefugeAlgorithm, guarded_run
from .depth import DepthRasterParameters, raster_lonlat_bounds
from .hazard_input import read_zones
from .i18n_labels import class_label
from .labels import reason_labels
from .layers import add_features, count_values, crs_text
from .styles import HazardStyler
from .writer import write_json

try:
    import shapely
except ImportError:  # pragma: no cover
    shapely = None

CLASS_KEYS = [c.key for c in CLASSES]


@dataclasses.dataclass
class _Run:
    """State of one exposure run, shared by the per-layer steps."""

    hazard: object
    units: object = None  # SourceArrays of the aggregation units
    units_source: object = None
    unit_names: list = None
    summary: dict = dataclasses.field(default_factory=dict)
    table_rows: list = dataclasses.field(default_factory=list)
    rejects: list = dataclasses.field(default_factory=list)
    unit_tables: dict = dataclasses.field(default_factory=dict)
    results: dict = dataclasses.field(default_factory=dict)
    population_by_class: dict = None
    hazard_bounds: tuple = None  # lon/lat bounds of the exposed classes (or of the depth raster)
    writes: list = dataclasses.field(default_factory=list)  # JoinedWriters of outputs being written

    def finish_writes(self, keep=True):
        """Close the outputs being written in the background (fastio.JoinedWriter).

        ``keep=False`` (the run failed or was canceled) discards them all; so does
        the first one that fails, whose error is raised.
        """
        writers, self.writes = self.writes, []
        for position, writer in enumerate(writers):
            if not keep:
                writer.discard()
                continue
            try:
                writer.close()
            except BaseException:
                for other in writers[position + 1:]:
                    other.discard()
                raise

    @property
    def unit_geometries(self):
        return self.units.geometries if self.units is not None else None

    @property
    def units_crs(self):
        return self.units.crs if self.units is not None else None

    @property
    def unit_count(self):
        return len(self.units) if self.units is not None else 0

    def unit_name(self, index):
        return self.unit_names[index] if index >= 0 and self.unit_names else None


def _copy_fields(source_fields, extra, rename_fid=False):
    """Source fields plus ``extra``; with ``rename_fid`` a GeoPackage 'fid' becomes 'source_fid'.

    Road sections share their road's attributes: several sections would carry
    the same fid, which a GeoPackage output refuses as a duplicate key.
    """
    fields = QgsFields()
    for field in source_fields:
        if rename_fid and field.name().lower() == "fid":
            field = QgsField(field)
            field.setName("source_fid")
        fields.append(field)
    for unique, (_, kind) in zip(unique_names([name for name, _ in extra], fields.names()), extra):
        fields.append(QgsField(unique, kind))
    return fields


class Exposure(DepthRasterParameters, RefugeAlgorithm):
    HAZARD = "HAZARD"
    HAZARD_FIELD = "HAZARD_FIELD"
    BUILDINGS = "BUILDINGS"
    BUILDING_TYPE_FIELD = "BUILDING_TYPE_FIELD"
    POPULATION_FIELD = "POPULATION_FIELD"
    FACILITIES = "FACILITIES"
    FACILITY_CATEGORY_FIELD = "FACILITY_CATEGORY_FIELD"
    ROADS = "ROADS"
    LEVELS_FIELD = "LEVELS_FIELD"
    RESIDENTIAL_VALUES = "RESIDENTIAL_VALUES"
    POPULATION_RASTER = "POPULATION_RASTER"
    AGGREGATION = "AGGREGATION"
    AGGREGATION_NAME_FIELD = "AGGREGATION_NAME_FIELD"
    UNIT_POPULATION_FIELD = "UNIT_POPULATION_FIELD"
    DISPLACEMENT = "DISPLACEMENT"
    DEMOGRAPHICS = "DEMOGRAPHICS"
    NEEDS = "NEEDS"
    BUILDINGS_OUTPUT = "BUILDINGS_OUTPUT"
    FACILITIES_OUTPUT = "FACILITIES_OUTPUT"
    ROADS_OUTPUT = "ROADS_OUTPUT"
    UNITS_OUTPUT = "UNITS_OUTPUT"
    SUMMARY_TABLE = "SUMMARY_TABLE"
    REJECTS = "REJECTS"
    SUMMARY_JSON = "SUMMARY_JSON"
    ADVANCED = DepthRasterParameters.DEPTH_ADVANCED | {
        HAZARD_FIELD, BUILDING_TYPE_FIELD, FACILITY_CATEGORY_FIELD, LEVELS_FIELD, RESIDENTIAL_VALUES,
        AGGREGATION_NAME_FIELD, UNIT_POPULATION_FIELD, DISPLACEMENT, DEMOGRAPHICS, NEEDS,
        FACILITIES_OUTPUT, ROADS_OUTPUT, UNITS_OUTPUT, REJECTS, SUMMARY_JSON}

    def name(self):
        return "exposure"

    def displayName(self):  # noqa: N802
        return self.tr("Exposure to a hazard")

    def group(self):
        return self.tr("Hazard and exposure")

    def groupId(self):  # noqa: N802
        return "hazard"

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Counts what is exposed to a hazard, per hazard class and per aggregation unit: "
            "buildings (count, footprint area, population), critical facilities and road length. "
            "A feature touching several classes takes the highest.\n\n"
            "<b>Hazard classes</b>: polygons with a class field (for example the output of "
            "Prepare a hazard layer); use either this or a depth raster.\n"
            "<b>Hazard class field</b>: integer class, 1 low, 2 medium, 3 high (0 not exposed).\n"
            "<b>Flood depth raster</b>: depths in metres, sampled directly: a building footprint "
            "takes the maximum depth of every pixel it touches (GDAL's all-touched rule), a point "
            "the pixel under it.\n"
            "<b>Band</b>, <b>Upper bound of low depths (m)</b>, <b>Upper bound of medium depths "
            "(m)</b>, <b>Minimum flood depth (m)</b>: how depths become classes.\n"
            "<b>Buildings</b> (polygons or points), <b>Building type field</b> (breakdown by "
            "type), <b>Population field</b> (people per building).\n"
            "<b>Building levels field</b>, <b>Residential building types</b> and <b>Unit census "
            "population field</b>: census totals of the aggregation units are shared among their "
            "residential buildings in proportion to footprint x levels (dasymetric mapping).\n"
            "<b>Population raster</b>: people per pixel, summed per class with partial pixels "
            "weighted by the area inside each class. Give one population source only.\n"
            "<b>Displacement rate per class</b> (low=0; medium=0.5; high=1 by default), "
            "<b>Demographic ratios</b> and <b>Minimum needs per displaced person</b> (Sphere "
            "Handbook defaults, and staple food in kg per week) give the displaced population, "
            "its breakdown and its needs.\n"
            "<b>Facilities</b> (points or polygons) and <b>Facility category field</b>: "
            "hospitals, clinics, schools, kindergartens, fire stations, police and emergency "
            "shelters (evacuation centres, social shelters, assembly points) are flagged "
            "critical.\n"
            "<b>Roads</b>: lines, split where they cross class and unit boundaries (a section "
            "running along a boundary counts once, in the higher class and the first unit); "
            "lengths in metres on the WGS 84 ellipsoid.\n"
            "<b>Aggregation units</b> (polygons, optional) and <b>Unit name field</b>: a building "
            "or facility counts in the unit holding a point inside it.\n"
            "Outputs: <b>Exposed buildings</b>, <b>Exposed facilities</b>, <b>Exposed road "
            "sections</b> (inputs with hazard_class, hazard_label, max_depth_m and unit), "
            "<b>Exposure per unit</b> (polygons with one column per class, ready for a "
            "choropleth), <b>Exposure summary</b> (a table), <b>Rejected features</b> (features "
            "without geometry) and <b>Summary (JSON)</b>. Areas are computed on the WGS 84 "
            "ellipsoid; numbers are stored unrounded. A temporary <b>Exposed buildings</b> output is "
            "a GeoPackage in QGIS's temporary folder, written at file speed: save it elsewhere to "
            "keep it.")

    def initAlgorithm(self, config=None):  # noqa: N802
        any_geometry = [compat.SOURCE_POINT, compat.SOURCE_POLYGON]
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.HAZARD, self.tr("Hazard classes"), [compat.SOURCE_POLYGON], optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.HAZARD_FIELD, self.tr("Hazard class field"), defaultValue="hazard_class",
            parentLayerParameterName=self.HAZARD, type=compat.FIELD_NUMERIC, optional=True))
        self.add_depth_parameters()
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.BUILDINGS, self.tr("Buildings"), any_geometry, optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.BUILDING_TYPE_FIELD, self.tr("Building type field"),
            parentLayerParameterName=self.BUILDINGS, optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.POPULATION_FIELD, self.tr("Population field"), parentLayerParameterName=self.BUILDINGS,
            type=compat.FIELD_NUMERIC, optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.LEVELS_FIELD, self.tr("Building levels field"), parentLayerParameterName=self.BUILDINGS,
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.RESIDENTIAL_VALUES, self.tr("Residential building types"),
            defaultValue=", ".join(RESIDENTIAL_VALUES), optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.POPULATION_RASTER, self.tr("Population raster"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.FACILITIES, self.tr("Facilities"), any_geometry, optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.FACILITY_CATEGORY_FIELD, self.tr("Facility category field"),
            parentLayerParameterName=self.FACILITIES, optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.ROADS, self.tr("Roads"), [compat.SOURCE_LINE], optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.AGGREGATION, self.tr("Aggregation units"), [compat.SOURCE_POLYGON], optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.AGGREGATION_NAME_FIELD, self.tr("Unit name field"),
            parentLayerParameterName=self.AGGREGATION, optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.UNIT_POPULATION_FIELD, self.tr("Unit census population field"),
            parentLayerParameterName=self.AGGREGATION, type=compat.FIELD_NUMERIC, optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.DISPLACEMENT, self.tr("Displacement rate per class"),
            defaultValue="low=0; medium=0.5; high=1", optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.DEMOGRAPHICS, self.tr("Demographic ratios"),
            defaultValue="; ".join(f"{k}={v}" for k, v in DEMOGRAPHICS.items()), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.NEEDS, self.tr("Minimum needs per displaced person"),
            defaultValue="; ".join(f"{k}={v:g}" for k, v in NEEDS.items()), optional=True))
        for name, label, kind in (
                (self.BUILDINGS_OUTPUT, self.tr("Exposed buildings"), compat.SOURCE_ANY_GEOMETRY),
                (self.FACILITIES_OUTPUT, self.tr("Exposed facilities"), compat.SOURCE_ANY_GEOMETRY),
                (self.ROADS_OUTPUT, self.tr("Exposed road sections"), compat.SOURCE_LINE),
                (self.UNITS_OUTPUT, self.tr("Exposure per unit"), compat.SOURCE_POLYGON),
                (self.SUMMARY_TABLE, self.tr("Exposure summary"), compat.SOURCE_TABLE),
                (self.REJECTS, self.tr("Rejected features"), compat.SOURCE_TABLE)):
            sink = QgsProcessingParameterFeatureSink(name, label, kind, optional=True,
                                                     createByDefault=True)
            # A temporary buildings output is a GeoPackage file, written at file speed (see
            # RefugeAlgorithm.resolve_file_outputs); the other outputs are small.
            sink.setSupportsNonFileBasedOutput(name != self.BUILDINGS_OUTPUT)
            self.addParameter(sink)
        self.addParameter(QgsProcessingParameterFileDestination(
            self.SUMMARY_JSON, self.tr("Summary (JSON)"), self.tr("JSON (*.json)"), optional=True,
            createByDefault=True))
        self.addOutput(QgsProcessingOutputString("HAZARD_SOURCE", self.tr("Hazard source")))

    # -- inputs -----------------------------------------------------------------------------

    def check_parameters(self, parameters, context):
        """Every parameter checked before any work (called by guarded_run)."""
        if all(parameters.get(name) in (None, "") for name in (
                self.BUILDINGS, self.FACILITIES, self.ROADS)):
            raise QgsProcessingException(self.tr(
                "Choose at least one exposure layer: buildings, facilities or roads."))
        self._check_population_sources(parameters)
        if (parameters.get(self.HAZARD) in (None, "")) == (parameters.get(self.DEPTH) in (None, "")):
            raise QgsProcessingException(self.tr(
                "Give either hazard classes or a flood depth raster (exactly one of them)."))
        self.check_depth_parameters(parameters, context)
        self._settings = {
            self.DISPLACEMENT: self.read_setting(parameters, self.DISPLACEMENT, context,
                                                 needs_tools.parse_displacement),
            self.DEMOGRAPHICS: self.read_setting(parameters, self.DEMOGRAPHICS, context,
                                                 needs_tools.parse_demographics),
            self.NEEDS: self.read_setting(parameters, self.NEEDS, context, needs_tools.parse_needs),
        }

    def _hazard(self, parameters, context, feedback, run):
        raster = self.parameterAsRasterLayer(parameters, self.DEPTH, context)
        thresholds, min_depth = self.depth_classes(parameters, context)
        if raster is not None:
            _, grid = self.depth_grid(parameters, context, feedback)
            run.hazard_bounds = raster_lonlat_bounds(grid)
            return analysis.Hazard(grid=grid, thresholds=thresholds, min_value=min_depth), "raster"
        zones = read_zones(self, parameters, context, feedback, self.HAZARD, self.HAZARD_FIELD)
        run.rejects.extend(("hazard", fid, reason) for fid, reason in zones.rejects)
        run.hazard_bounds = lonlat_bounds(zones.polygons[zones.codes > 0], zones.crs)
        return analysis.Hazard(polygons=zones.polygons, codes=zones.codes, crs=zones.crs), "zones"

    def _source(self, parameters, name, context, feedback, fast_output=None):
        """(source, arrays with every attribute: outputs copy them) or (None, None).

        With ``fast_output``, a plain file layer whose output goes to a GeoPackage
        is read with GDAL directly (see :mod:`.fastio`).
        """
        return fastio.read_arrays(self, parameters, name, context, feedback, fast_output)

    # -- main -----------------------------------------------------------------------------------

    @guarded_run
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.repair_invalid_geometries(context)
        from qgis.core import QgsProcessingMultiStepFeedback

        if parameters.get(self.BUILDINGS) not in (None, ""):  # else no buildings output to load
            parameters = self.resolve_file_outputs(parameters, context, [self.BUILDINGS_OUTPUT])
        steps = QgsProcessingMultiStepFeedback(6, feedback)
        run = _Run(None)
        run.hazard, hazard_kind = self._hazard(parameters, context, steps, run)
        run.results = {"HAZARD_SOURCE": hazard_kind}
        try:
            self._run_steps(parameters, context, steps, run, hazard_kind)
        except BaseException:
            run.finish_writes(keep=False)  # the error that stopped the run is the one to report
            raise
        run.finish_writes()
        return run.results

    def _run_steps(self, parameters, context, steps, run, hazard_kind):
        """Every step after the hazard: units, exposure layers, population, outputs."""
        hazard = run.hazard
        steps.setCurrentStep(1)
        run.units_source, run.units = self._source(parameters, self.AGGREGATION, context, steps)
        if run.units is not None:
            # Units without geometry hold nothing: they are listed in REJECTS, not in UNITS_OUTPUT.
            for index in run.units.null_geometry:
                run.rejects.append(("units", run.units.feature_id(index), run.units.reason(index)))
            run.units.geometries = self._repaired(run.units.geometries, steps,
                                                  self.tr("Aggregation units"))
        run.unit_names = self._unit_names(parameters, context, run.units)
        run.summary = {"generator": f"Refuge {plugin_version()}", "hazard": hazard_kind,
                       "thresholds_m": list(hazard.thresholds) if hazard.is_raster else None,
                       "classes": {c.code: {"key": c.key, "en": c.label_en, "fr": c.label_fr}
                                   for c in CLASSES},
                       "units": run.unit_names}
        for step, (name, handler, fast_output) in enumerate((
                (self.BUILDINGS, self._buildings, self.BUILDINGS_OUTPUT),
                (self.FACILITIES, self._facilities, None),
                (self.ROADS, self._roads, None)), start=2):
            messages.check_canceled(steps)
            steps.setCurrentStep(step)
            source, arrays = self._source(parameters, name, context, steps, fast_output)
            if arrays is not None:
                self.warn_if_apart(steps, self.parameterDefinition(name).description(),
                                   lonlat_bounds(arrays.geometries, arrays.crs),
                                   self.tr("the hazard"), run.hazard_bounds)
                handler(parameters, context, steps, run, arrays, source)
        self._population_raster(parameters, context, run, steps)
        if run.population_by_class is not None:
            self._needs(parameters, context, run)
        messages.check_canceled(steps)
        steps.setCurrentStep(5)
        if run.units is not None:
            run.table_rows.extend(self._unit_rows(run.unit_names, run.unit_tables,
                                                  set(run.units.null_geometry)))
        self._write_table(parameters, context, run.table_rows, run.results)
        self._write_rejects(parameters, context, run.rejects, run.results)
        if run.units is not None:
            self._write_units(parameters, context, run)
        path = self.parameterAsFileOutput(parameters, self.SUMMARY_JSON, context)
        if path:
            write_json(path, run.summary)
            run.results[self.SUMMARY_JSON] = path

    def _check_population_sources(self, parameters):
        given = [name for name in (self.POPULATION_FIELD, self.UNIT_POPULATION_FIELD,
                                   self.POPULATION_RASTER) if parameters.get(name) not in (None, "")]
        if len(given) > 1:
            raise QgsProcessingException(self.tr(
                "Give one source of population only: a population field of the buildings, a census "
                "field of the aggregation units, or a population raster."))
        if self.UNIT_POPULATION_FIELD in given and parameters.get(self.BUILDINGS) in (None, ""):
            raise QgsProcessingException(self.tr(
                "Census totals are distributed to buildings: choose a buildings layer as well."))

    def _population_raster(self, parameters, context, run, feedback):
        raster = self.parameterAsRasterLayer(parameters, self.POPULATION_RASTER, context)
        if raster is None:
            return
        from ..core.raster.sampling import area_weighted_sum

        grid = self.read_grid(raster, 1, feedback, self.tr(
            "The population raster has no coordinate reference system. Set its CRS in the layer "
            "properties, then run again."), self.tr(
            "The population raster declares no nodata value: every pixel is read as a number of "
            "people."))
        if np.nanmin(grid.values, initial=0.0) < 0:
            raise QgsProcessingException(self.tr(
                "The population raster holds negative values (down to {minimum:g}): people cannot be "
                "negative. If they mark cells without data, set the raster's nodata value in the layer "
                "properties (or fix the raster), then run again.").format(
                minimum=float(np.nanmin(grid.values))))
        target = grid.crs_wkt or crs_text(raster.crs())
        zones = run.hazard.zones_wgs84()
        codes = sorted(zones)
        local = analysis.crs_tools.reproject([zones[c] for c in codes], "EPSG:4326", target)
        exposed = area_weighted_sum(grid, local) if codes else np.zeros(0)
        total = float(np.nansum(grid.values, dtype=np.float64))
        by_class = {code: 0.0 for code in CLASS_BY_CODE}
        for code, people in zip(codes, exposed):
            by_class[code] = float(people)
        by_class[0] = total - sum(by_class[c] for c in codes)
        run.summary["population_raster"] = by_class
        run.population_by_class = by_class
        for code, people in by_class.items():
            run.table_rows.append(["population", None, code, None, None, None, people])
        if run.units is not None:
            unit_local = analysis.crs_tools.reproject(run.unit_geometries, run.units_crs, target)
            table = np.zeros((run.unit_count + 1, len(CLASS_BY_CODE)))
            unit_totals = np.nan_to_num(area_weighted_sum(grid, unit_local))
            for code, zone in zip(codes, local):
                # Polygonal parts only: a unit touching a zone along an edge shares a line with it.
                shares = [zone_tools.polygonal(g) for g in shapely.intersection(unit_local, zone)]
                table[:-1, code] = np.nan_to_num(area_weighted_sum(grid, shares))
            table[:-1, 0] = unit_totals - table[:-1, 1:].sum(axis=1)
            # The last row, outside every unit, holds the rest: rows then add up to the class totals.
            table[-1] = [by_class[code] for code in CLASS_BY_CODE] - table[:-1].sum(axis=0)
            run.unit_tables["population"] = table

    def _needs(self, parameters, context, run):
        displacement, ratios, minimum = (self._settings[name] for name in (
            self.DISPLACEMENT, self.DEMOGRAPHICS, self.NEEDS))
        report = needs_tools.displaced_needs(run.population_by_class, displacement, ratios, minimum)
        run.summary["displaced"] = {"people": report.displaced, "groups": report.groups,
                                "needs": report.needs, "displacement_rates": displacement,
                                "ratios": ratios, "needs_per_person": minimum}

    def _unit_rows(self, names, tables, skip=()):
        """Summary rows per unit and class (row per exposure type present); units in ``skip``
        (without geometry, in REJECTS) have none."""
        rows = []
        labels = list(names) + [self.tr("outside every unit")]
        for position, name in enumerate(labels):
            if position in skip:
                continue
            for column, code in enumerate(CLASS_BY_CODE):
                def value(table, row=position, column=column):
                    return float(tables[table][row][column]) if table in tables else None
                if "buildings" in tables:
                    rows.append(["buildings", name, code, value("buildings"), value("buildings_m2"),
                                 None, value("population")])
                elif "population" in tables:  # a population raster without buildings
                    rows.append(["population", name, code, None, None, None, value("population")])
                if "facilities" in tables:
                    rows.append(["facilities", name, code, value("facilities"), None, None, None])
                if "roads_m" in tables:
                    rows.append(["roads", name, code, None, None, value("roads_m"), None])
        return rows

    def _unit_names(self, parameters, context, units):
        if units is None:
            return None
        field = self.parameterAsString(parameters, self.AGGREGATION_NAME_FIELD, context)
        if field:
            return [None if v is None else str(v) for v in units.values(field)]
        return [str(f.id()) for f in units.features]

    # -- per exposure type ----------------------------------------------------------------------

    def _repaired(self, geometries, feedback, layer_label):
        """Geometries with invalid ones repaired (GEOS make_valid), reported in the log."""
        geometries, count, _ = repair(geometries)
        self._report_repairs(feedback, layer_label, count)
        return geometries

    def _report_repairs(self, feedback, layer_label, count):
        if count:
            feedback.pushInfo(self.tr("{layer}: {count} invalid geometries were repaired.").format(
                layer=layer_label, count=count))

    def _valid(self, arrays, kind, run):
        """Positions of features with a geometry; the others go to rejects."""
        for index in arrays.null_geometry:
            run.rejects.append((kind, arrays.feature_id(index), arrays.reason(index)))
        return np.setdiff1d(np.arange(len(arrays)), arrays.null_geometry)

    def _buildings(self, parameters, context, feedback, run, arrays, source):
        keep = self._valid(arrays, "buildings", run)
        population_field = self.parameterAsString(parameters, self.POPULATION_FIELD, context)
        type_field = self.parameterAsString(parameters, self.BUILDING_TYPE_FIELD, context)
        census_field = self.parameterAsString(parameters, self.UNIT_POPULATION_FIELD, context)
        population = None
        if population_field:
            values = count_values(self, arrays, parameters, self.POPULATION_FIELD, context)
            self._warn_null(feedback, values, keep, population_field)
            population = np.nan_to_num(values[keep], nan=0.0)
        dasymetric = not population_field and census_field and run.units is not None
        writer = self._joined_writer(parameters, self.BUILDINGS_OUTPUT, context, run, arrays,
                                     size_name="footprint_m2",
                                     population=population is not None or dasymetric)
        result = self._buildings_in_blocks(feedback, run, arrays, keep, writer, population)
        if dasymetric:
            population = self._dasymetric(parameters, context, feedback, run, arrays, keep, result,
                                          census_field, type_field)
            if writer is not None:
                writer.write(keep, {"population": population})
        result.population = population
        counts = analysis.summary_by_class(result.classes)
        areas = analysis.summary_by_class(result.classes, result.size)
        block = {"count": counts, "footprint_m2": areas}
        if population is not None:
            block["population"] = analysis.summary_by_class(result.classes, population)
        if type_field:
            values = arrays.values(type_field)
            block["by_type"] = analysis.summary_by_category(result.classes, [values[i] for i in keep])
        run.summary["buildings"] = block
        for code in counts:
            run.table_rows.append(["buildings", None, code, counts[code], areas[code], None,
                                   block.get("population", {}).get(code)])
        if run.units is not None:
            tables = run.unit_tables
            tables["buildings"] = analysis.summary_by_unit(result.classes, result.unit, run.unit_count)
            tables["buildings_m2"] = analysis.summary_by_unit(result.classes, result.unit,
                                                              run.unit_count, result.size)
            if population is not None:
                tables["population"] = analysis.summary_by_unit(result.classes, result.unit,
                                                                run.unit_count, population)
        if population is not None:
            run.population_by_class = block["population"]
        if writer is None:
            self._write_features(parameters, self.BUILDINGS_OUTPUT, context, feedback, run, source,
                                 arrays, keep, result, size_name="footprint_m2")

    def _buildings_in_blocks(self, feedback, run, arrays, keep, writer, population):
        """The buildings' exposure, block by block.

        Each block's result columns go to ``writer`` (when the output is a
        GeoPackage copy), which updates the file while the next block is
        computed; between blocks the run reports progress and stops when
        canceled. Returns the FeatureExposure of all kept buildings.
        """
        parts, repaired = [], 0
        blocks = _blocks(len(keep))
        for number, (start, stop) in enumerate(blocks):
            messages.check_canceled(feedback)
            geometries, count, rings = repair(arrays.geometries[keep[start:stop]])
            repaired += count
            part = self.run_engine(analysis.buildings_exposure, geometries, arrays.crs, run.hazard,
                                   run.unit_geometries, run.units_crs, rings=rings)
            if writer is not None:
                part_population = population[start:stop] if population is not None else None
                writer.write(keep[start:stop],
                             self._result_columns(run, part, "footprint_m2", part_population))
            parts.append(part)
            feedback.setProgress(100.0 * (number + 1) / len(blocks))
        messages.check_canceled(feedback)
        self._report_repairs(feedback, self.tr("Buildings"), repaired)
        return analysis.FeatureExposure.concatenate(parts)

    def _warn_null(self, feedback, values, keep, field):
        missing = int(np.isnan(values[keep]).sum())
        if missing:
            feedback.pushWarning(self.tr("{count} features have no value in {field}: counted as 0 people.")
                                 .format(count=missing, field=field))

    def _dasymetric(self, parameters, context, feedback, run, arrays, keep, result, census_field,
                    type_field):
        """People per building from the units' census totals (footprint x levels)."""
        census = count_values(self, run.units, parameters, self.UNIT_POPULATION_FIELD, context)
        self._warn_null(feedback, census, np.arange(len(census)), census_field)
        totals = np.nan_to_num(census, nan=0.0).tolist()
        levels_field = self.parameterAsString(parameters, self.LEVELS_FIELD, context)
        levels = None
        if levels_field:
            values = arrays.values(levels_field)
            levels = [values[i] for i in keep]
        residential = None
        if type_field:
            wanted = {v.strip().lower() for v in self.parameterAsString(
                parameters, self.RESIDENTIAL_VALUES, context).split(",") if v.strip()}
            values = arrays.values(type_field)
            residential = [str(values[i]).strip().lower() in wanted if values[i] is not None
                           else "yes" in wanted for i in keep]
        weights = population_tools.floor_weights(result.size, levels, residential)
        people, unplaced = population_tools.distribute(totals, result.unit, weights)
        if unplaced.sum() > 0:
            feedback.pushWarning(self.tr(
                "{people} people of the census have no residential building in their unit and are "
                "not placed; they are reported as unplaced.").format(people=f"{unplaced.sum():g}"))
        run.summary["population_unplaced"] = float(unplaced.sum())
        return people

    def _facilities(self, parameters, context, feedback, run, arrays, source):
        keep = self._valid(arrays, "facilities", run)
        geometries = self._repaired(arrays.geometries[keep], feedback, self.tr("Facilities"))
        classes, depth = self.run_engine(analysis.classify_features, geometries, arrays.crs,
                                         run.hazard)
        unit = analysis.units_of(geometries, arrays.crs, run.unit_geometries, run.units_crs)
        category_field = self.parameterAsString(parameters, self.FACILITY_CATEGORY_FIELD, context)
        if not category_field and arrays.fields.lookupField("category") >= 0:
            category_field = "category"
        categories = [None] * len(keep)
        if category_field:
            values = arrays.values(category_field)
            categories = [values[i] for i in keep]
        critical_categories = CRITICAL_CATEGORIES | EMERGENCY_SHELTER_CATEGORIES
        critical = np.array([str(c).strip().lower() in critical_categories for c in categories])
        result = analysis.FeatureExposure(classes, depth, unit, None)
        counts = analysis.summary_by_class(classes)
        run.summary["facilities"] = {
            "count": counts,
            "critical": analysis.summary_by_class(classes, critical.astype(float)),
            "by_category": analysis.summary_by_category(classes, categories),
        }
        for code in counts:
            run.table_rows.append(["facilities", None, code, counts[code], None, None, None])
        if run.units is not None:
            run.unit_tables["facilities"] = analysis.summary_by_unit(classes, unit, run.unit_count)
        self._write_features(parameters, self.FACILITIES_OUTPUT, context, feedback, run, source,
                             arrays, keep, result, critical=critical)

    def _roads(self, parameters, context, feedback, run, arrays, source):
        keep = self._valid(arrays, "roads", run)
        pieces = self.run_engine(analysis.roads_exposure, arrays.geometries[keep], arrays.crs,
                                 run.hazard, run.unit_geometries, run.units_crs)
        lengths = analysis.summary_by_class(pieces["classes"], pieces["length_m"])
        run.summary["roads"] = {"length_m": lengths}
        for code in lengths:
            run.table_rows.append(["roads", None, code, None, None, lengths[code], None])
        if run.units is not None:
            run.unit_tables["roads_m"] = analysis.summary_by_unit(
                pieces["classes"], pieces["unit"], run.unit_count, pieces["length_m"])
        fields = _copy_fields(source.fields(), [
            ("hazard_class", compat.ATTR_INT), ("hazard_label", compat.ATTR_STRING),
            ("length_m", compat.ATTR_DOUBLE), ("unit", compat.ATTR_STRING)], rename_fid=True)
        sink, dest = self.parameterAsSink(parameters, self.ROADS_OUTPUT, context, fields,
                                          compat.WKB_MULTILINESTRING, source.sourceCrs())
        if sink is None:
            return
        pieces_local = analysis.crs_tools.reproject(pieces["geometries"], "EPSG:4326", arrays.crs)
        rows = []
        labels = {code: class_label(code) for code in CLASS_BY_CODE}
        for owner, code, length, unit in zip(pieces["line_index"], pieces["classes"],
                                             pieces["length_m"], pieces["unit"]):
            feature = arrays.features[keep[owner]]
            rows.append(list(feature.attributes()) + [int(code), labels[int(code)], float(length),
                                                       run.unit_name(int(unit))])
        add_features(sink, fields, rows, [shapely.to_wkb(g) for g in pieces_local], feedback)
        run.results[self.ROADS_OUTPUT] = dest
        self._style(context, dest)

    # -- outputs --------------------------------------------------------------------------------

    def _write_features(self, parameters, name, context, feedback, run, source, arrays, keep, result,
                        size_name=None, critical=None):
        """Input features read through QGIS (SourceArrays) and their results, to a feature sink.

        File inputs copied to a GeoPackage go through _joined_writer instead.
        """
        extra = [("hazard_class", compat.ATTR_INT), ("hazard_label", compat.ATTR_STRING),
                 ("max_depth_m", compat.ATTR_DOUBLE)]
        if size_name:
            extra.append((size_name, compat.ATTR_DOUBLE))
        if critical is not None:
            extra.append(("critical", compat.ATTR_BOOL))
        extra.append(("unit", compat.ATTR_STRING))
        population = getattr(result, "population", None)
        if population is not None:
            extra.append(("population", compat.ATTR_DOUBLE))
        fields = _copy_fields(source.fields(), extra)
        sink, dest = self.parameterAsSink(parameters, name, context, fields, source.wkbType(),
                                          source.sourceCrs())
        if sink is None:
            return
        rows, geometries = [], []
        labels = {code: class_label(code) for code in CLASS_BY_CODE}  # translated once
        for position, index in enumerate(keep):
            feature = arrays.features[index]
            code = int(result.classes[position])
            depth = None if result.depth_m is None or np.isnan(result.depth_m[position]) \
                else float(result.depth_m[position])
            row = list(feature.attributes()) + [code, labels[code], depth]
            if size_name:
                row.append(float(result.size[position]))
            if critical is not None:
                row.append(bool(critical[position]))
            unit = int(result.unit[position]) if result.unit is not None else -1
            row.append(run.unit_name(unit))
            if population is not None:
                row.append(float(population[position]))
            rows.append(row)
            geometries.append(bytes(feature.geometry().asWkb()))
        add_features(sink, fields, rows, geometries, feedback)
        run.results[name] = dest
        self._style(context, dest)

    def _joined_writer(self, parameters, name, context, run, arrays, size_name=None, population=False):
        """A fastio.JoinedWriter for an output copied from a file input, or None (feature sink).

        Its columns are those _write_features writes for buildings, in the same order. processAlgorithm
        closes it (or discards it when the run fails).
        """
        if not isinstance(arrays, fastio.ArrowArrays):
            return None
        destination = self.parameterAsOutputLayer(parameters, name, context)
        columns = [("hazard_class", "integer"), ("hazard_label", "text"), ("max_depth_m", "real")]
        if size_name:
            columns.append((size_name, "real"))
        columns.append(("unit", "text"))
        if population:
            columns.append(("population", "real"))
        writer = fastio.JoinedWriter(arrays, destination, columns)
        run.writes.append(writer)
        run.results[name] = destination
        self._style(context, destination)
        return writer

    def _result_columns(self, run, result, size_name, population):
        """{column: values} of a FeatureExposure (or a block of it) for a JoinedWriter."""
        classes = result.classes.astype(np.int64)
        labels = np.array([class_label(code) if code in CLASS_BY_CODE else None
                           for code in range(max(CLASS_BY_CODE) + 1)], dtype=object)
        columns = {"hazard_class": classes, "hazard_label": labels[classes].tolist()}
        if result.depth_m is not None:
            columns["max_depth_m"] = result.depth_m
        if size_name:
            columns[size_name] = result.size
        if result.unit is not None:
            # Unit names by index, with the last entry (index -1) for features outside every unit.
            names = np.array(list(run.unit_names or []) + [None], dtype=object)
            columns["unit"] = names[result.unit].tolist()
        if population is not None:
            columns["population"] = population
        return columns

    def _style(self, context, dest):
        self.style_output(context, dest, HazardStyler.create)

    def _write_table(self, parameters, context, rows, results):
        fields = QgsFields()
        for name, kind in (("exposure", compat.ATTR_STRING), ("unit", compat.ATTR_STRING),
                           ("hazard_class", compat.ATTR_INT), ("hazard_label", compat.ATTR_STRING),
                           ("count", compat.ATTR_DOUBLE), ("area_m2", compat.ATTR_DOUBLE),
                           ("length_m", compat.ATTR_DOUBLE), ("population", compat.ATTR_DOUBLE)):
            fields.append(QgsField(name, kind))
        sink, dest = self.parameterAsSink(parameters, self.SUMMARY_TABLE, context, fields,
                                          compat.WKB_NOGEOMETRY)
        if sink is None:
            return
        full = [[r[0], r[1], r[2], class_label(r[2]), r[3], r[4], r[5], r[6]] for r in rows]
        add_features(sink, fields, full, [None] * len(full), NullFeedback())
        results[self.SUMMARY_TABLE] = dest

    def _write_rejects(self, parameters, context, rejects, results):
        fields = QgsFields()
        for name, kind in (("layer", compat.ATTR_STRING), ("source_fid", compat.ATTR_INT64),
                           ("reason_code", compat.ATTR_STRING), ("reason", compat.ATTR_STRING)):
            fields.append(QgsField(name, kind))
        sink, dest = self.parameterAsSink(parameters, self.REJECTS, context, fields,
                                          compat.WKB_NOGEOMETRY)
        if sink is None:
            return
        labels = reason_labels()
        rows = [[layer, fid, reason, labels[reason]] for layer, fid, reason in rejects]
        add_features(sink, fields, rows, [None] * len(rows), NullFeedback())
        results[self.REJECTS] = dest

    def _write_units(self, parameters, context, run):
        source, units, names, tables = run.units_source, run.units, run.unit_names, run.unit_tables
        columns = []
        for table_name, prefix in (("buildings", "bldg"), ("buildings_m2", "bldg_m2"),
                                   ("population", "pop"), ("facilities", "fac"), ("roads_m", "road_m")):
            if table_name in tables:
                columns.append((table_name, prefix))
        fields = _copy_fields(source.fields(), [("unit", compat.ATTR_STRING)] + [
            (f"{prefix}_{key}", compat.ATTR_DOUBLE) for _, prefix in columns for key in CLASS_KEYS])
        sink, dest = self.parameterAsSink(parameters, self.UNITS_OUTPUT, context, fields,
                                          source.wkbType(), source.sourceCrs())
        if sink is None:
            return
        rows, geometries = [], []
        null = set(units.null_geometry)  # in REJECTS
        for position, feature in enumerate(units.features):
            if position in null:
                continue
            row = list(feature.attributes()) + [names[position]]
            for table_name, _ in columns:
                row.extend(float(v) for v in tables[table_name][position])
            rows.append(row)
            geometry = feature.geometry()
            geometries.append(None if geometry.isNull() else bytes(geometry.asWkb()))
        add_features(sink, fields, rows, geometries, NullFeedback())
        run.results[self.UNITS_OUTPUT] = dest


# Buildings are analysed in blocks: writing one block's columns overlaps computing the next, and a
# cancel takes effect between blocks. Each block queries every hazard zone again, so blocks are few:
# 8 up to 1,000,000 buildings, then blocks of 125,000; below two blocks' worth, one block.
_BLOCK_MIN = 25_000
_BLOCK_MAX = 125_000
_BLOCK_COUNT = 8


def _blocks(count):
    """(start, stop) of each block of ``count`` features (see above)."""
    pieces = max(1, min(count // _BLOCK_MIN, max(_BLOCK_COUNT, -(-count // _BLOCK_MAX))))
    edges = np.linspace(0, count, pieces + 1).astype(np.int64)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]

