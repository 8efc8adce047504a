"""refuge:exposure: buildings, facilities, roads and people per hazard class and unit.

The adapter: parameters, inputs read into arrays, the engine called layer by
layer (:mod:`refuge.core.exposure`: blocks, features, population,
population_raster), outputs written. Every number of the outputs is added up
in core by :class:`refuge.core.exposure.summary.ExposureResult`, whose
``summary()`` is the SUMMARY_JSON document.
"""

import dataclasses

import numpy as np
from qgis.core import (
    QgsField,
    QgsFields,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from ..__about__ import plugin_version
from ..core import crs as crs_tools
from ..core.exposure import blocks, features, population_raster
from ..core.exposure import needs as needs_tools
from ..core.exposure import population as population_tools
from ..core.exposure.analysis import Hazard
from ..core.exposure.blocks import plan_blocks as _blocks  # noqa: F401 - the tests plan blocks here
from ..core.exposure.needs import DEMOGRAPHICS, NEEDS
from ..core.exposure.population import RESIDENTIAL_VALUES
from ..core.exposure.summary import ExposureResult
from ..core.geometry import lonlat_bounds, repair
from ..core.hazard.definitions import CLASS_BY_CODE
from ..core.io.columns import BOOLEAN, INTEGER, REAL, TEXT, plain_values, unique_names
from ..core.progress import NullFeedback
from . import compat, messages, sinks, sources
from .base import RefugeAlgorithm, guarded_run
from .depth import DepthRasterParameters, raster_lonlat_bounds
from .hazard_input import read_zones
from .labels import class_label, reason_labels
from .sinks import add_features, write_json
from .sources import count_values, crs_text
from .styles import HazardStyler

try:
    import shapely
except ImportError:  # pragma: no cover
    shapely = None

# Field types of the result columns in feature sinks (hazard_class stays a 32-bit integer).
_ATTR = {INTEGER: compat.ATTR_INT, REAL: compat.ATTR_DOUBLE, TEXT: compat.ATTR_STRING,
         BOOLEAN: compat.ATTR_BOOL}


@dataclasses.dataclass
class _Run:
    """State of one exposure run, shared by the per-layer steps; ``result`` gathers what they find."""

    hazard: object
    result: ExposureResult = None
    units: object = None  # SourceArrays of the aggregation units
    units_source: object = None
    rejects: list = dataclasses.field(default_factory=list)
    results: dict = dataclasses.field(default_factory=dict)
    hazard_bounds: tuple = None  # lon/lat bounds of the exposed classes (or of the depth raster)
    writes: list = dataclasses.field(default_factory=list)  # JoinedWriters of outputs being written

    def finish_writes(self, keep=True):
        """Close the outputs being written in the background (refuge.core.io.joined.JoinedWriter).

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


def _field_values(arrays, field, keep):
    """Values of ``field`` at positions ``keep``, or None when no field is chosen."""
    if not field:
        return None
    values = arrays.values(field)
    return [values[i] for i in keep]


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

    def initAlgorithm(self, config=None):  # noqa: N802
        self._add_exposure_inputs()
        self._add_population_inputs()
        self._add_outputs()

    def _add_exposure_inputs(self):
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

    def _add_population_inputs(self):
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

    def _add_outputs(self):
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
        self._settings = [self.read_setting(parameters, name, context, parse) for name, parse in (
            (self.DISPLACEMENT, needs_tools.parse_displacement),
            (self.DEMOGRAPHICS, needs_tools.parse_demographics),
            (self.NEEDS, needs_tools.parse_needs))]

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

    def _hazard(self, parameters, context, feedback, run):
        raster = self.parameterAsRasterLayer(parameters, self.DEPTH, context)
        thresholds, min_depth = self.depth_classes(parameters, context)
        if raster is not None:
            _, grid = self.depth_grid(parameters, context, feedback)
            run.hazard_bounds = raster_lonlat_bounds(grid)
            return Hazard(grid=grid, thresholds=thresholds, min_value=min_depth), "raster"
        zones = read_zones(self, parameters, context, feedback, self.HAZARD, self.HAZARD_FIELD)
        run.rejects.extend(("hazard", fid, reason) for fid, reason in zones.rejects)
        run.hazard_bounds = lonlat_bounds(zones.polygons[zones.codes > 0], zones.crs)
        return Hazard(polygons=zones.polygons, codes=zones.codes, crs=zones.crs), "zones"

    def _source(self, parameters, name, context, feedback, fast_output=None):
        """(source, arrays with every attribute: outputs copy them) or (None, None).

        With ``fast_output``, a plain file layer whose output goes to a GeoPackage
        is read with GDAL directly (see :mod:`.sources`).
        """
        return sources.read_arrays(self, parameters, name, context, feedback, fast_output)

    def _units(self, parameters, context, feedback, run):
        """Read the aggregation units into ``run``; their names (None without units)."""
        run.units_source, run.units = self._source(parameters, self.AGGREGATION, context, feedback)
        if run.units is None:
            return None
        # Units without geometry hold nothing: they are listed in REJECTS, not in UNITS_OUTPUT.
        for index in run.units.null_geometry:
            run.rejects.append(("units", run.units.feature_id(index), run.units.reason(index)))
        run.units.geometries = self._repaired(run.units.geometries, feedback, self.tr("Aggregation units"))
        field = self.parameterAsString(parameters, self.AGGREGATION_NAME_FIELD, context)
        if field:
            return [None if v is None else str(v) for v in run.units.values(field)]
        return [str(f.id()) for f in run.units.features]

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

    def _warn_null(self, feedback, values, keep, field):
        missing = int(np.isnan(values[keep]).sum())
        if missing:
            feedback.pushWarning(self.tr("{count} features have no value in {field}: counted as 0 people.")
                                 .format(count=missing, field=field))

    # -- main -----------------------------------------------------------------------------------

    @guarded_run
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.repair_invalid_geometries(context)
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
        steps.setCurrentStep(1)
        names = self._units(parameters, context, steps, run)
        run.result = ExposureResult(
            f"Refuge {plugin_version()}", hazard_kind,
            tuple(run.hazard.thresholds) if run.hazard.is_raster else None, names,
            frozenset(run.units.null_geometry) if run.units is not None else frozenset())
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
        run.result.add_needs(*self._settings)
        messages.check_canceled(steps)
        steps.setCurrentStep(5)
        self._write_table(parameters, context, run.result.table_rows(self.tr("outside every unit")),
                          run.results)
        self._write_rejects(parameters, context, run.rejects, run.results)
        units = run.result.unit_tables()
        if units is not None:
            self._write_units(parameters, context, run, units)
        path = self.parameterAsFileOutput(parameters, self.SUMMARY_JSON, context)
        if path:
            write_json(path, run.result.summary())
            run.results[self.SUMMARY_JSON] = path

    # -- per exposure type ----------------------------------------------------------------------

    def _population_raster(self, parameters, context, run, feedback):
        raster = self.parameterAsRasterLayer(parameters, self.POPULATION_RASTER, context)
        if raster is None:
            return
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
        run.result.population_raster = self.run_engine(
            population_raster.raster_population, grid, grid.crs_wkt or crs_text(raster.crs()),
            run.hazard, run.unit_geometries, run.units_crs)

    def _buildings(self, parameters, context, feedback, run, arrays, source):
        keep = self._valid(arrays, "buildings", run)
        population_field = self.parameterAsString(parameters, self.POPULATION_FIELD, context)
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
        exposure = self._buildings_in_blocks(feedback, run, arrays, keep, writer, population)
        types = _field_values(arrays, self.parameterAsString(
            parameters, self.BUILDING_TYPE_FIELD, context), keep)
        result = features.BuildingsExposure(exposure, population, types)
        if dasymetric:
            placed = self._dasymetric(parameters, context, feedback, run, arrays, keep, exposure, types)
            result.population, result.unplaced = placed.people, placed.unplaced
            if writer is not None:
                writer.write(keep, {"population": placed.people})
        run.result.buildings = result
        if writer is None:
            self._write_features(parameters, self.BUILDINGS_OUTPUT, context, feedback, run, source,
                                 arrays, keep, self._columns(run, exposure, "footprint_m2",
                                                             population=result.population))

    def _buildings_in_blocks(self, feedback, run, arrays, keep, writer, population):
        """The buildings' exposure, block by block (see refuge.core.exposure.blocks).

        Each block's result columns go to ``writer`` (when the output is a
        GeoPackage copy), which updates the file while the next block is computed.
        """
        def write(start, stop, part):
            part_population = population[start:stop] if population is not None else None
            writer.write(keep[start:stop], {name: values for name, _, values in self._columns(
                run, part, "footprint_m2", population=part_population) if values is not None})

        done = blocks.buildings_in_blocks(arrays.geometries[keep], arrays.crs, run.hazard,
                                          run.unit_geometries, run.units_crs, feedback,
                                          write if writer is not None else None)
        self._report_repairs(feedback, self.tr("Buildings"), done.repaired)
        return done.exposure

    def _dasymetric(self, parameters, context, feedback, run, arrays, keep, exposure, types):
        """People per building from the units' census totals (footprint x levels)."""
        census = count_values(self, run.units, parameters, self.UNIT_POPULATION_FIELD, context)
        self._warn_null(feedback, census, np.arange(len(census)),
                        self.parameterAsString(parameters, self.UNIT_POPULATION_FIELD, context))
        levels = _field_values(arrays, self.parameterAsString(parameters, self.LEVELS_FIELD, context), keep)
        residential = population_tools.parse_residential(
            self.parameterAsString(parameters, self.RESIDENTIAL_VALUES, context))
        placed = population_tools.dasymetric(census, exposure.size, exposure.unit, levels, types,
                                             residential)
        if placed.unplaced > 0:
            feedback.pushWarning(self.tr(
                "{people} people of the census have no residential building in their unit and are "
                "not placed; they are reported as unplaced.").format(people=f"{placed.unplaced:g}"))
        return placed

    def _facilities(self, parameters, context, feedback, run, arrays, source):
        keep = self._valid(arrays, "facilities", run)
        geometries = self._repaired(arrays.geometries[keep], feedback, self.tr("Facilities"))
        field = self.parameterAsString(parameters, self.FACILITY_CATEGORY_FIELD, context)
        if not field and arrays.fields.lookupField("category") >= 0:
            field = "category"
        result = self.run_engine(features.facilities_exposure, geometries, arrays.crs, run.hazard,
                                 run.unit_geometries, run.units_crs, _field_values(arrays, field, keep))
        run.result.facilities = result
        self._write_features(parameters, self.FACILITIES_OUTPUT, context, feedback, run, source, arrays,
                             keep, self._columns(run, result.exposure, critical=result.critical))

    def _roads(self, parameters, context, feedback, run, arrays, source):
        keep = self._valid(arrays, "roads", run)
        sections = self.run_engine(features.road_sections, arrays.geometries[keep], arrays.crs,
                                   run.hazard, run.unit_geometries, run.units_crs)
        run.result.roads = sections
        fields = _copy_fields(source.fields(), [
            ("hazard_class", compat.ATTR_INT), ("hazard_label", compat.ATTR_STRING),
            ("length_m", compat.ATTR_DOUBLE), ("unit", compat.ATTR_STRING)], rename_fid=True)
        sink, dest = self.parameterAsSink(parameters, self.ROADS_OUTPUT, context, fields,
                                          compat.WKB_MULTILINESTRING, source.sourceCrs())
        if sink is None:
            return
        local = crs_tools.reproject(sections.geometries, crs_tools.WGS84, arrays.crs)
        labels = {code: class_label(code) for code in CLASS_BY_CODE}
        names = list(run.result.unit_names or []) + [None]  # index -1: outside every unit
        rows = [list(arrays.features[keep[owner]].attributes()) + [
                    int(code), labels[int(code)], float(length), names[int(unit)]]
                for owner, code, length, unit in zip(sections.line_index, sections.classes,
                                                     sections.length_m, sections.unit)]
        add_features(sink, fields, rows, [shapely.to_wkb(g) for g in local], feedback)
        run.results[self.ROADS_OUTPUT] = dest
        self._style(context, dest)

    # -- outputs --------------------------------------------------------------------------------

    def _columns(self, run, exposure, size_name=None, critical=None, population=None):
        """[(name, kind, values)] of the result columns of exposed features, in field order.

        ``values`` is None for a column the result does not have (depths of hazard zones).
        """
        classes = exposure.classes.astype(np.int64)
        labels = np.array([class_label(code) if code in CLASS_BY_CODE else None  # translated once
                           for code in range(max(CLASS_BY_CODE) + 1)], dtype=object)
        # Unit names by index, with the last entry (index -1) for features outside every unit.
        names = np.array(list(run.result.unit_names or []) + [None], dtype=object)
        columns = [("hazard_class", INTEGER, classes), ("hazard_label", TEXT, labels[classes].tolist()),
                   ("max_depth_m", REAL, exposure.depth_m)]
        if size_name:
            columns.append((size_name, REAL, exposure.size))
        if critical is not None:
            columns.append(("critical", BOOLEAN, critical))
        columns.append(("unit", TEXT, None if exposure.unit is None else names[exposure.unit].tolist()))
        if population is not None:
            columns.append(("population", REAL, population))
        return columns

    def _write_features(self, parameters, name, context, feedback, run, source, arrays, keep, columns):
        """Input features read through QGIS (SourceArrays) with result ``columns``, to a feature sink.

        File inputs copied to a GeoPackage go through _joined_writer instead.
        """
        fields = _copy_fields(source.fields(), [(column, _ATTR[kind]) for column, kind, _ in columns])
        sink, dest = self.parameterAsSink(parameters, name, context, fields, source.wkbType(),
                                          source.sourceCrs())
        if sink is None:
            return
        values = [[None] * len(keep) if data is None else plain_values(kind, data)
                  for _, kind, data in columns]
        rows, geometries = [], []
        for position, index in enumerate(keep):
            feature = arrays.features[index]
            rows.append(list(feature.attributes()) + [column[position] for column in values])
            geometries.append(bytes(feature.geometry().asWkb()))
        add_features(sink, fields, rows, geometries, feedback)
        run.results[name] = dest
        self._style(context, dest)

    def _joined_writer(self, parameters, name, context, run, arrays, size_name=None, population=False):
        """A JoinedWriter for an output copied from a file input, or None (feature sink).

        Its columns are those _columns gives for buildings, in the same order. processAlgorithm
        closes it (or discards it when the run fails).
        """
        columns = [("hazard_class", INTEGER), ("hazard_label", TEXT), ("max_depth_m", REAL)]
        if size_name:
            columns.append((size_name, REAL))
        columns.append(("unit", TEXT))
        if population:
            columns.append(("population", REAL))
        writer = sinks.joined_writer(self, parameters, name, context, arrays, columns)
        if writer is None:
            return None
        destination = writer.destination
        run.writes.append(writer)
        run.results[name] = destination
        self._style(context, destination)
        return writer

    def _style(self, context, dest):
        self.style_output(context, dest, HazardStyler.create)

    def _write_rows(self, parameters, name, context, columns, rows, results):
        """A table without geometry: ``columns`` [(name, QGIS type)], ``rows`` of values."""
        fields = QgsFields()
        for column, kind in columns:
            fields.append(QgsField(column, kind))
        sink, dest = self.parameterAsSink(parameters, name, context, fields, compat.WKB_NOGEOMETRY)
        if sink is None:
            return
        add_features(sink, fields, rows, [None] * len(rows), NullFeedback())
        results[name] = dest

    def _write_table(self, parameters, context, rows, results):
        text, number = compat.ATTR_STRING, compat.ATTR_DOUBLE
        self._write_rows(parameters, self.SUMMARY_TABLE, context, [
            ("exposure", text), ("unit", text), ("hazard_class", compat.ATTR_INT), ("hazard_label", text),
            ("count", number), ("area_m2", number), ("length_m", number), ("population", number)],
            [[r[0], r[1], r[2], class_label(r[2]), r[3], r[4], r[5], r[6]] for r in rows], results)

    def _write_rejects(self, parameters, context, rejects, results):
        labels = reason_labels()
        self._write_rows(parameters, self.REJECTS, context, [
            ("layer", compat.ATTR_STRING), ("source_fid", compat.ATTR_INT64),
            ("reason_code", compat.ATTR_STRING), ("reason", compat.ATTR_STRING)],
            [[layer, fid, reason, labels[reason]] for layer, fid, reason in rejects], results)

    def _write_units(self, parameters, context, run, units):
        """The units with their names and one column per table and class (refuge.core.exposure.units)."""
        source = run.units_source
        fields = _copy_fields(source.fields(), [("unit", compat.ATTR_STRING)] + [
            (name, compat.ATTR_DOUBLE) for name in units.column_names()])
        sink, dest = self.parameterAsSink(parameters, self.UNITS_OUTPUT, context, fields,
                                          source.wkbType(), source.sourceCrs())
        if sink is None:
            return
        rows, geometries = [], []
        for position, feature in enumerate(run.units.features):
            if position in units.skip:  # no geometry: in REJECTS
                continue
            rows.append(list(feature.attributes()) + [units.names[position]] + units.values(position))
            geometry = feature.geometry()
            geometries.append(None if geometry.isNull() else bytes(geometry.asWkb()))
        add_features(sink, fields, rows, geometries, NullFeedback())
        run.results[self.UNITS_OUTPUT] = dest
