"""refuge:evacuation_access: the nearest reachable safe shelter of every household.

The Processing side: parameters, reading the layers, writing the outputs. The
analysis is in :mod:`refuge.core.network` (evacuation, access, assignment,
sections, summary).
"""

from dataclasses import dataclass

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsExpression,
    QgsFeatureRequest,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..__about__ import plugin_version
from ..core import settings
from ..core.crs import WGS84
from ..core.network import access, assignment, tables
from ..core.network.evacuation import evacuation_access
from ..core.network.isochrones import isochrone_bands
from ..core.network.sections import road_sections
from ..core.network.summary import EvacuationResult
from . import compat, messages
from .base import RefugeAlgorithm, guarded_run
from .labels import evacuation_status_labels, reject_rows
from .network import NetworkParameters, publish
from .sinks import InputRows, write_layer
from .sources import count_values, read_arrays

try:
    import shapely
except ImportError:  # pragma: no cover
    shapely = None


@dataclass
class _Points:
    """The households and shelters as read: sources, arrays, lon/lat, field values, shelter hazard."""

    h_source: object
    households: object
    s_source: object
    shelters: object
    population: object  # people per household, NaN for NULL; None without a population field
    capacity: object  # people per shelter, NaN for NULL; None without a capacity field
    shelter_names: list
    h_lonlat: np.ndarray
    s_lonlat: np.ndarray
    s_class: np.ndarray
    s_depth: np.ndarray


class EvacuationAccess(NetworkParameters, RefugeAlgorithm):
    HOUSEHOLDS = "HOUSEHOLDS"
    POPULATION_FIELD = "POPULATION_FIELD"
    SHELTERS = "SHELTERS"
    SHELTER_NAME_FIELD = "SHELTER_NAME_FIELD"
    CAPACITY_FIELD = "CAPACITY_FIELD"
    AT_SHELTER_DISTANCE = "AT_SHELTER_DISTANCE"
    CAPACITY_ASSIGNMENT = "CAPACITY_ASSIGNMENT"
    ROUTE_FILTER = "ROUTE_FILTER"
    AGGREGATION = "AGGREGATION"
    AGGREGATION_NAME_FIELD = "AGGREGATION_NAME_FIELD"
    TIME_THRESHOLD_MIN = "TIME_THRESHOLD_MIN"
    ISOCHRONE_BANDS = "ISOCHRONE_BANDS"
    ISOCHRONE_BUFFER = "ISOCHRONE_BUFFER"
    HOUSEHOLDS_OUTPUT = "HOUSEHOLDS_OUTPUT"
    SHELTERS_OUTPUT = "SHELTERS_OUTPUT"
    ROUTES_OUTPUT = "ROUTES_OUTPUT"
    ROADS_OUTPUT = "ROADS_OUTPUT"
    UNITS_OUTPUT = "UNITS_OUTPUT"
    ISOCHRONES_OUTPUT = "ISOCHRONES_OUTPUT"
    REJECTS = "REJECTS"
    SUMMARY_JSON = "SUMMARY_JSON"
    ADVANCED = NetworkParameters.NETWORK_ADVANCED | {
        SHELTER_NAME_FIELD, AT_SHELTER_DISTANCE, CAPACITY_ASSIGNMENT, ROUTE_FILTER, AGGREGATION,
        AGGREGATION_NAME_FIELD, TIME_THRESHOLD_MIN, ISOCHRONE_BANDS, ISOCHRONE_BUFFER,
        ROUTES_OUTPUT, ROADS_OUTPUT, UNITS_OUTPUT, ISOCHRONES_OUTPUT, REJECTS, SUMMARY_JSON}

    def name(self):
        return "evacuation_access"

    def displayName(self):  # noqa: N802
        return self.tr("Evacuation access to shelters")

    def initAlgorithm(self, config=None):  # noqa: N802
        any_geometry = [compat.SOURCE_POINT, compat.SOURCE_POLYGON]
        self.add_network_parameters(default_profile=0)
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.HOUSEHOLDS, self.tr("Households"), any_geometry))
        self.addParameter(QgsProcessingParameterField(
            self.POPULATION_FIELD, self.tr("Population field"), parentLayerParameterName=self.HOUSEHOLDS,
            type=compat.FIELD_NUMERIC, optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.SHELTERS, self.tr("Shelters"), any_geometry))
        self.addParameter(QgsProcessingParameterField(
            self.SHELTER_NAME_FIELD, self.tr("Shelter name field"), parentLayerParameterName=self.SHELTERS,
            optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.CAPACITY_FIELD, self.tr("Capacity field"), parentLayerParameterName=self.SHELTERS,
            type=compat.FIELD_NUMERIC, optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.AT_SHELTER_DISTANCE, self.tr("At-shelter distance (m)"), compat.NUMBER_DOUBLE,
            defaultValue=10.0, minValue=0.0))
        self.addParameter(QgsProcessingParameterBoolean(
            self.CAPACITY_ASSIGNMENT, self.tr("Capacity-constrained assignment"), defaultValue=False))
        self.addParameter(QgsProcessingParameterExpression(
            self.ROUTE_FILTER, self.tr("Routes for (expression on households)"),
            parentLayerParameterName=self.HOUSEHOLDS, optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.AGGREGATION, self.tr("Aggregation units"), [compat.SOURCE_POLYGON], optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.AGGREGATION_NAME_FIELD, self.tr("Unit name field"),
            parentLayerParameterName=self.AGGREGATION, optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.TIME_THRESHOLD_MIN, self.tr("Time threshold (min)"), compat.NUMBER_DOUBLE, defaultValue=15.0,
            minValue=0.0))
        self.addParameter(QgsProcessingParameterString(
            self.ISOCHRONE_BANDS, self.tr("Isochrone bands (min)"), defaultValue="5, 10, 15, 30",
            optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.ISOCHRONE_BUFFER, self.tr("Isochrone buffer (m)"), compat.NUMBER_DOUBLE, defaultValue=50.0,
            minValue=0.0))
        for name, label, kind, default in (
                (self.HOUSEHOLDS_OUTPUT, self.tr("Households with access"), compat.SOURCE_ANY_GEOMETRY, True),
                (self.SHELTERS_OUTPUT, self.tr("Shelters with load"), compat.SOURCE_ANY_GEOMETRY, True),
                (self.ROUTES_OUTPUT, self.tr("Routes"), compat.SOURCE_LINE, False),
                (self.ROADS_OUTPUT, self.tr("Road sections with flood status"), compat.SOURCE_LINE, True),
                (self.UNITS_OUTPUT, self.tr("Access per unit"), compat.SOURCE_POLYGON, True),
                (self.ISOCHRONES_OUTPUT, self.tr("Isochrones"), compat.SOURCE_POLYGON, False),
                (self.REJECTS, self.tr("Rejected features"), compat.SOURCE_TABLE, True)):
            sink = QgsProcessingParameterFeatureSink(name, label, kind, optional=True,
                                                     createByDefault=default)
            # A temporary households output is a GeoPackage file, written at file speed (see
            # RefugeAlgorithm.resolve_file_outputs).
            sink.setSupportsNonFileBasedOutput(name != self.HOUSEHOLDS_OUTPUT)
            self.addParameter(sink)
        self.addParameter(QgsProcessingParameterFileDestination(
            self.SUMMARY_JSON, self.tr("Summary (JSON)"), self.tr("JSON (*.json)"), optional=True,
            createByDefault=True))

    # -- helpers ------------------------------------------------------------------------------

    def check_parameters(self, parameters, context):
        """Every parameter checked before any work (called by guarded_run)."""
        self.check_network_parameters(parameters, context)
        if parameters.get(self.ISOCHRONES_OUTPUT) not in (None, ""):
            self._bands_min = self.read_setting(parameters, self.ISOCHRONE_BANDS, context,
                                                settings.number_list)
        if self.parameterAsBoolean(parameters, self.CAPACITY_ASSIGNMENT, context) and \
                not self.parameterAsString(parameters, self.CAPACITY_FIELD, context):
            raise QgsProcessingException(self.tr(
                "The capacity-constrained assignment needs the shelters' capacity field."))
        expression = self.parameterAsExpression(parameters, self.ROUTE_FILTER, context)
        if expression and QgsExpression(expression).hasParserError():
            raise QgsProcessingException(self.tr("The route expression is not valid: {error}").format(
                error=QgsExpression(expression).parserErrorString()))

    # -- main -----------------------------------------------------------------------------------

    @guarded_run
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.ensure_dependencies()
        self.repair_invalid_geometries(context)
        parameters = self.resolve_file_outputs(parameters, context, [self.HOUSEHOLDS_OUTPUT])
        steps = QgsProcessingMultiStepFeedback(6, feedback)
        road = self.read_network(parameters, context, steps)
        messages.check_canceled(feedback)
        steps.setCurrentStep(1)
        points = self._read_points(parameters, context, steps, road)
        messages.check_canceled(feedback)
        steps.setCurrentStep(2)
        result, people, assigned = self._evacuate(parameters, context, steps, road, points)
        messages.check_canceled(feedback)
        steps.setCurrentStep(3)
        outputs = {}
        self._write_households(parameters, context, steps, points, result, assigned, outputs)
        messages.check_canceled(feedback)
        self._write_shelters(parameters, context, steps, points, result, assigned, outputs)
        steps.setCurrentStep(4)
        self._write_routes(parameters, context, steps, points, result, outputs)
        self._write_roads(parameters, context, steps, road, outputs)
        units = self._write_units(parameters, context, steps, points.h_lonlat, result, people, outputs)
        messages.check_canceled(feedback)
        steps.setCurrentStep(5)
        self._write_isochrones(parameters, context, steps, result.router, road.network.projector, outputs)
        messages.check_canceled(feedback)
        rejects = self._rejects(road, points)
        publish(outputs, self.REJECTS,
                write_layer(self, parameters, self.REJECTS, context, steps, reject_rows(rejects)))
        summary = EvacuationResult(
            road=road, evacuation=result, people=people, shelter_count=len(points.shelters),
            generator=f"Refuge {plugin_version()}", assignment=assigned, units=units,
            rejected_features=len(rejects)).summary()
        self.write_summary(parameters, context, summary, outputs)
        counts = summary["households"]["by_status"]
        feedback.pushInfo(self.tr(
            "{reachable} households reach a safe shelter, {at} are at one, {isolated} are cut off by the "
            "flood, {none} have no shelter reachable even without the flood, {no_road} have no road "
            "nearby.").format(reachable=counts["reachable"], at=counts["at_shelter"],
                              isolated=counts["isolated_by_flood"], none=counts["no_shelter_reachable"],
                              no_road=counts["no_road"]))
        return outputs

    # -- inputs and analysis --------------------------------------------------------------------

    def _read_points(self, parameters, context, feedback, road):
        """The :class:`_Points` of the households and shelters; refused when no shelter is safe."""
        (h_source, households, h_lonlat), (s_source, shelters, s_lonlat) = self.read_points(
            parameters, context, feedback, road, (self.HOUSEHOLDS, self.SHELTERS),
            (self.tr("The households layer is empty."),
             self.tr("The shelters layer is empty: give at least one shelter.")))
        population = count_values(self, households, parameters, self.POPULATION_FIELD, context)
        if population is not None and np.isnan(population).any():
            feedback.pushWarning(self.tr("{count} households have no population value: counted as 0 people.")
                                 .format(count=int(np.isnan(population).sum())))
        capacity = count_values(self, shelters, parameters, self.CAPACITY_FIELD, context)
        name_field = self.parameterAsString(parameters, self.SHELTER_NAME_FIELD, context)
        shelter_names = [None if v is None else str(v) for v in shelters.values(name_field)] if name_field \
            else [None] * len(shelters)
        s_class, s_depth = road.cut.points_hazard(s_lonlat)
        if not (~(s_class > 0) & np.isfinite(s_lonlat).all(axis=1)).any():
            raise QgsProcessingException(self.tr(
                "All {count} shelters are inside the hazard zone (or have no geometry): no safe shelter "
                "remains. Add shelters outside the hazard, or check the hazard layer.").format(
                count=len(shelters)))
        return _Points(h_source, households, s_source, shelters, population, capacity, shelter_names,
                       h_lonlat, s_lonlat, s_class, s_depth)

    def _evacuate(self, parameters, context, feedback, road, points):
        """(:class:`~refuge.core.network.evacuation.Evacuation`, people per household, assignment or None)."""
        network = road.network
        max_snap = self.parameterAsDouble(parameters, self.MAX_SNAP_DISTANCE, context)
        result = self.run_engine(
            evacuation_access, network, road.cut_speed_kmh, network.projector.to_xy(points.h_lonlat),
            network.projector.to_xy(points.s_lonlat), points.s_class > 0, max_snap,
            self.parameterAsDouble(parameters, self.AT_SHELTER_DISTANCE, context), points.population,
            feedback)
        self.require_households_on_roads(result.status, max_snap)
        if not (result.shelter_status == "safe").any():
            feedback.pushWarning(self.tr(
                "No safe shelter is within {distance} m of a usable road: no household can reach one. "
                "Check that the shelters and the roads cover the same area (and their CRS), or raise the "
                "maximum snapping distance.").format(distance=max_snap))
        elif not np.isin(result.status, ["reachable", "at_shelter", "isolated_by_flood"]).any():
            feedback.pushWarning(self.tr(
                "No household can reach a shelter, even without the flood: the households and the "
                "shelters are on road networks that do not connect."))
        people = access.people_per_household(points.population, len(points.households))
        result.status[np.isnan(points.h_lonlat).any(axis=1)] = "no_geometry"  # rejected, counted apart
        assigned = None
        if self.parameterAsBoolean(parameters, self.CAPACITY_ASSIGNMENT, context):
            feedback.pushInfo(self.tr("Assigning households to shelters within their capacity."))
            assigned = self.run_engine(assignment.assign_with_capacity, result, people,
                                       np.nan_to_num(points.capacity, nan=0.0))
        return result, people, assigned

    def _rejects(self, road, points):
        """[(layer, fid, reason)] of the roads, hazard zones, households and shelters set aside, once each."""
        rejects = road.reject_rows()
        for layer, arrays, lonlat in (("households", points.households, points.h_lonlat),
                                      ("shelters", points.shelters, points.s_lonlat)):
            rejects += [(layer, arrays.feature_id(int(i)), arrays.reason(int(i)))
                        for i in np.flatnonzero(np.isnan(lonlat).any(axis=1))]
        return list(dict.fromkeys(rejects))  # a road may be set aside for one reason per part

    # -- outputs --------------------------------------------------------------------------------

    def _write_households(self, parameters, context, feedback, points, result, assigned, outputs):
        keep = np.flatnonzero(~np.isnan(points.h_lonlat).any(axis=1))
        columns = tables.household_columns(result, keep, self._shelter_fids(points), points.shelter_names,
                                           evacuation_status_labels(), assigned)
        publish(outputs, self.HOUSEHOLDS_OUTPUT,
                write_layer(self, parameters, self.HOUSEHOLDS_OUTPUT, context, feedback, columns,
                            rows_of=InputRows(points.h_source, points.households, keep)))

    def _shelter_fids(self, points):
        return np.array([points.shelters.feature_id(i) for i in range(len(points.shelters))], dtype=np.int64)

    def _write_shelters(self, parameters, context, feedback, points, result, assigned, outputs):
        keep = np.flatnonzero(~np.isnan(points.s_lonlat).any(axis=1))
        columns = tables.shelter_columns(result, access.shelter_load(result, points.capacity), keep,
                                         points.s_class, points.s_depth, evacuation_status_labels(), assigned)
        publish(outputs, self.SHELTERS_OUTPUT,
                write_layer(self, parameters, self.SHELTERS_OUTPUT, context, feedback, columns,
                            rows_of=InputRows(points.s_source, points.shelters, keep)))

    def _write_lonlat(self, parameters, name, context, feedback, columns, geometries, wkb_type):
        """A new layer of ``columns`` with ``geometries`` in WGS 84 (routes, road sections, isochrones)."""
        return write_layer(self, parameters, name, context, feedback, columns, geometries=geometries,
                           wkb_type=wkb_type, crs=QgsCoordinateReferenceSystem(WGS84))

    def _write_routes(self, parameters, context, feedback, points, result, outputs):
        if parameters.get(self.ROUTES_OUTPUT) in (None, ""):
            return
        households = points.households
        expression = self.parameterAsExpression(parameters, self.ROUTE_FILTER, context)
        if expression:
            request = QgsFeatureRequest().setFilterExpression(expression).setNoAttributes()
            request.setFlags(request.flags() | compat.REQUEST_NO_GEOMETRY)
            wanted = {int(f.id()) for f in points.h_source.getFeatures(request)}
            ids = np.array([households.feature_id(i) for i in range(len(households))], dtype=np.int64)
            which = np.flatnonzero(np.isin(ids, np.fromiter(wanted, dtype=np.int64, count=len(wanted))))
        else:
            which = np.arange(len(households))
        which = which[result.status[which] == "reachable"]
        chosen, lines = result.router.routes(result.anchors, result.extra["result"], which)
        columns = tables.route_columns(result, chosen, [households.feature_id(int(i)) for i in chosen],
                                       self._shelter_fids(points))
        publish(outputs, self.ROUTES_OUTPUT,
                self._write_lonlat(parameters, self.ROUTES_OUTPUT, context, feedback, columns, lines,
                                    compat.WKB_LINESTRING))

    def _write_roads(self, parameters, context, feedback, road, outputs):
        if parameters.get(self.ROADS_OUTPUT) in (None, ""):
            return
        sections = road_sections(road)
        columns = tables.section_columns(sections)
        publish(outputs, self.ROADS_OUTPUT,
                self._write_lonlat(parameters, self.ROADS_OUTPUT, context, feedback, columns, sections.lines,
                                    compat.WKB_LINESTRING))

    def _write_units(self, parameters, context, feedback, h_lonlat, result, people, outputs):
        """The :class:`~refuge.core.network.access.UnitAccess` of the aggregation units (None without)."""
        u_source, units = read_arrays(self, parameters, self.AGGREGATION, context, feedback)
        if units is None:
            return None
        name_field = self.parameterAsString(parameters, self.AGGREGATION_NAME_FIELD, context)
        names = [None if v is None else str(v) for v in units.values(name_field)] if name_field else \
            [str(units.feature_id(i)) for i in range(len(units))]
        unit = access.unit_of_points(h_lonlat, units.geometries, units.crs)
        threshold_s = 60.0 * self.parameterAsDouble(parameters, self.TIME_THRESHOLD_MIN, context)
        per_unit = access.unit_access(unit, names, result.status, result.time_s, people, threshold_s)
        publish(outputs, self.UNITS_OUTPUT,
                write_layer(self, parameters, self.UNITS_OUTPUT, context, feedback,
                            [("unit", "text", names)] + per_unit.columns(),
                            rows_of=InputRows(u_source, units, np.arange(len(units)))))
        return per_unit

    def _write_isochrones(self, parameters, context, feedback, router, projector, outputs):
        if parameters.get(self.ISOCHRONES_OUTPUT) in (None, ""):
            return
        limits = self._bands_min
        buffer_m = self.parameterAsDouble(parameters, self.ISOCHRONE_BUFFER, context)
        bands = self.run_engine(isochrone_bands, router, [60.0 * v for v in limits], buffer_m,
                                projector.to_lonlat)
        columns = [("band_from_min", "real", [b[0] / 60.0 for b in bands]),
                   ("band_to_min", "real", [b[1] / 60.0 for b in bands])]
        publish(outputs, self.ISOCHRONES_OUTPUT,
                self._write_lonlat(parameters, self.ISOCHRONES_OUTPUT, context, feedback, columns,
                                    [shapely.multipolygons(shapely.get_parts(b[2])) for b in bands],
                                    compat.WKB_MULTIPOLYGON))
