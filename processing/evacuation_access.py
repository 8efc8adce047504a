"""refuge:evacuation_access: the nearest reachable safe shelter of every household."""


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

from .. import plugin_version
from ..core import settings
from ..core.hazard.index import containing_unit
from ..core.network import assignment
from ..core.network.evacuation import evacuation_access
from ..core.network.isochrones import isochrone_bands
from . import compat, messages
from .base import RefugeAlgorithm, guarded_run
from .fastio import read_arrays
from .labels import reject_rows
from .layers import count_values
from .network import NetworkParameters, representative_lonlat
from .writer import write_json, write_table, write_with_columns

try:
    import shapely
except ImportError:  # pragma: no cover
    shapely = None

WGS84 = "EPSG:4326"


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

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Finds, for every household, the nearest safe shelter it can still reach on the road "
            "network once the flood has cut it, with the network distance and the travel time; "
            "flags households cut off by the flood, and counts the load of every shelter. One "
            "shortest-path search from all shelters at once answers for every household.\n\n") + \
            self.network_help() + self.tr(
            "<b>Households</b>: points or building polygons (a point inside the polygon is used); "
            "<b>Population field</b>: people per household (1 when not given).\n"
            "<b>Shelters</b>: points or polygons; <b>Shelter name field</b>; <b>Capacity field</b> "
            "(people). Shelters inside the hazard are flooded and are not destinations.\n"
            "<b>At-shelter distance (m)</b>: a household this close to a safe shelter is at it.\n"
            "<b>Capacity-constrained assignment</b>: sends the people a full shelter cannot take "
            "to the next shelters, minimising the total travel time (an exact minimum-cost flow), "
            "and reports the people left without a place. Its cost grows with the number of "
            "households: seconds for a few thousand.\n"
            "<b>Routes for (expression on households)</b>: chooses the households whose route lines "
            "are written (all when empty).\n"
            "<b>Aggregation units</b> and <b>Unit name field</b>: a summary per unit; <b>Time "
            "threshold (min)</b>: households and people farther than this from a shelter.\n"
            "<b>Isochrone bands (min)</b> and <b>Isochrone buffer (m)</b>: the areas within each "
            "time of a safe shelter, along the roads and this far from them.\n"
            "Outputs: <b>Households with access</b> (status: reachable, at_shelter, "
            "isolated_by_flood, no_shelter_reachable or no_road; shelter_fid, distance_m along the "
            "fastest route, travel_time_s, snap_distance_m, dry_time_s without the flood), "
            "<b>Shelters with load</b>, <b>Routes</b>, <b>Road sections with flood status</b>, "
            "<b>Access per unit</b>, <b>Isochrones</b>, <b>Rejected features</b> and <b>Summary "
            "(JSON)</b>. Distances are geodesic metres (WGS 84); network costs exclude the "
            "snapping distance; stored numbers are not rounded. A temporary <b>Households with "
            "access</b> output is a GeoPackage in QGIS's temporary folder, written at file speed: save "
            "it elsewhere to keep it.")

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

    def status_labels(self):
        return {
            "reachable": self.tr("a safe shelter is reachable"),
            "at_shelter": self.tr("at a safe shelter"),
            "isolated_by_flood": self.tr("cut off by the flood"),
            "no_shelter_reachable": self.tr("no shelter reachable, even without the flood"),
            "no_road": self.tr("no road within the snapping distance"),
            "safe": self.tr("safe"),
            "flooded": self.tr("in the hazard zone: not a destination"),
        }

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
        network = road.network
        messages.check_canceled(feedback)

        steps.setCurrentStep(1)
        h_source, households = read_arrays(self, parameters, self.HOUSEHOLDS, context, steps,
                                           fast_output=self.HOUSEHOLDS_OUTPUT)
        s_source, shelters = read_arrays(self, parameters, self.SHELTERS, context, steps)
        if households is None or not len(households):
            raise QgsProcessingException(self.tr("The households layer is empty."))
        if shelters is None or not len(shelters):
            raise QgsProcessingException(self.tr("The shelters layer is empty: give at least one shelter."))
        population = count_values(self, households, parameters, self.POPULATION_FIELD, context)
        if population is not None and np.isnan(population).any():
            steps.pushWarning(self.tr("{count} households have no population value: counted as 0 people.")
                              .format(count=int(np.isnan(population).sum())))
        capacity = count_values(self, shelters, parameters, self.CAPACITY_FIELD, context)
        name_field = self.parameterAsString(parameters, self.SHELTER_NAME_FIELD, context)
        shelter_names = [None if v is None else str(v) for v in shelters.values(name_field)] if name_field \
            else [None] * len(shelters)
        self.warn_apart_from_roads(steps, road, parameters, (self.HOUSEHOLDS, households),
                                   (self.SHELTERS, shelters))
        h_lonlat = representative_lonlat(households)
        s_lonlat = representative_lonlat(shelters)
        s_class, s_depth = self.points_hazard(road, s_lonlat, parameters, context)
        flooded = s_class > 0
        safe_count = int((~flooded & np.isfinite(s_lonlat).all(axis=1)).sum())
        if safe_count == 0:
            raise QgsProcessingException(self.tr(
                "All {count} shelters are inside the hazard zone (or have no geometry): no safe shelter "
                "remains. Add shelters outside the hazard, or check the hazard layer.").format(
                count=len(shelters)))
        messages.check_canceled(feedback)

        steps.setCurrentStep(2)
        projector = network.projector
        max_snap = self.parameterAsDouble(parameters, self.MAX_SNAP_DISTANCE, context)

        result = self.run_engine(
            evacuation_access, network, road.cut_speed_kmh, projector.to_xy(h_lonlat),
            projector.to_xy(s_lonlat), flooded, max_snap,
            self.parameterAsDouble(parameters, self.AT_SHELTER_DISTANCE, context), population, steps)
        self.require_households_on_roads(result.status, max_snap)
        if not (result.shelter_status == "safe").any():
            steps.pushWarning(self.tr(
                "No safe shelter is within {distance} m of a usable road: no household can reach one. "
                "Check that the shelters and the roads cover the same area (and their CRS), or raise the "
                "maximum snapping distance.").format(distance=max_snap))
        elif not np.isin(result.status, ["reachable", "at_shelter", "isolated_by_flood"]).any():
            steps.pushWarning(self.tr(
                "No household can reach a shelter, even without the flood: the households and the "
                "shelters are on road networks that do not connect."))
        people = np.ones(len(households)) if population is None else np.nan_to_num(population)
        result.status[np.isnan(h_lonlat).any(axis=1)] = "no_geometry"  # rejected, counted apart

        assigned = None
        if self.parameterAsBoolean(parameters, self.CAPACITY_ASSIGNMENT, context):
            steps.pushInfo(self.tr("Assigning households to shelters within their capacity."))
            assigned = self.run_engine(assignment.assign_with_capacity, result, people,
                                       np.nan_to_num(capacity, nan=0.0))
        messages.check_canceled(feedback)

        steps.setCurrentStep(3)
        outputs = {}
        labels = self.status_labels()
        keep = np.flatnonzero(~np.isnan(h_lonlat).any(axis=1))
        rejects = road.reject_rows()
        rejects += [("households", households.feature_id(int(i)), households.reason(int(i)))
                    for i in np.setdiff1d(np.arange(len(households)), keep)]
        s_fids = np.array([shelters.feature_id(i) for i in range(len(shelters))], dtype=np.int64)
        shelter_of = result.shelter[keep]
        columns = [
            ("status", "text", result.status[keep]),
            ("status_label", "text", [labels[s] for s in result.status[keep]]),
            ("shelter_fid", "integer", [int(s_fids[s]) if s >= 0 else None for s in shelter_of]),
            ("shelter_name", "text", [shelter_names[s] if s >= 0 else None for s in shelter_of]),
            ("distance_m", "real", result.distance_m[keep]),
            ("travel_time_s", "real", result.time_s[keep]),
            ("snap_distance_m", "real", result.snap_distance_m[keep]),
            ("dry_time_s", "real", result.dry_time_s[keep]),
        ]
        if assigned is not None:
            a = assigned.shelter[keep]
            columns += [
                ("assigned_shelter_fid", "integer", [int(s_fids[s]) if s >= 0 else None for s in a]),
                ("assigned_time_s", "real", assigned.time_s[keep]),
                ("people_placed", "real", assigned.placed[keep]),
                ("people_without_place", "real", assigned.unplaced[keep]),
            ]
        destination = write_with_columns(self, parameters, self.HOUSEHOLDS_OUTPUT, context, steps, h_source,
                                         households, keep, columns)
        if destination:
            outputs[self.HOUSEHOLDS_OUTPUT] = destination
        messages.check_canceled(feedback)

        # Shelters.
        load = result.shelter_population
        cap = capacity if capacity is not None else np.full(len(shelters), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(cap > 0, load / cap, np.nan)
        s_keep = np.flatnonzero(~np.isnan(s_lonlat).any(axis=1))
        rejects += [("shelters", shelters.feature_id(int(i)), shelters.reason(int(i)))
                    for i in np.setdiff1d(np.arange(len(shelters)), s_keep)]
        s_columns = [
            ("shelter_status", "text", result.shelter_status[s_keep]),
            ("shelter_status_label", "text", [labels[s] for s in result.shelter_status[s_keep]]),
            ("hazard_class", "integer", s_class[s_keep]),
            ("max_depth_m", "real", s_depth[s_keep]),
            ("snap_distance_m", "real", result.shelter_snap_distance_m[s_keep]),
            ("households", "integer", result.shelter_households[s_keep]),
            ("population", "real", load[s_keep]),
            ("capacity", "real", cap[s_keep]),
            ("overflow", "real", np.where(np.isfinite(cap), np.maximum(load - cap, 0.0), np.nan)[s_keep]),
            ("load_ratio", "real", ratio[s_keep]),
        ]
        if assigned is not None:
            s_columns += [("assigned_households", "integer", assigned.shelter_households[s_keep]),
                          ("assigned_population", "real", assigned.shelter_population[s_keep])]
        destination = write_with_columns(self, parameters, self.SHELTERS_OUTPUT, context, steps, s_source,
                                         shelters, s_keep, s_columns)
        if destination:
            outputs[self.SHELTERS_OUTPUT] = destination

        steps.setCurrentStep(4)
        self._write_routes(parameters, context, steps, h_source, households, result, s_fids, outputs)
        self._write_roads(parameters, context, steps, road, outputs)
        units_summary = self._write_units(parameters, context, steps, h_lonlat, result, people, outputs)
        messages.check_canceled(feedback)
        steps.setCurrentStep(5)
        self._write_isochrones(parameters, context, steps, result.router, projector, outputs)
        messages.check_canceled(feedback)
        rejects = list(dict.fromkeys(rejects))  # a road may be set aside for one reason per part
        destination = write_table(self, parameters, self.REJECTS, context, steps, reject_rows(rejects))
        if destination:
            outputs[self.REJECTS] = destination

        summary = self._summary(road, result, people, assigned, len(shelters), units_summary, len(rejects))
        path = self.parameterAsFileOutput(parameters, self.SUMMARY_JSON, context)
        if path:
            write_json(path, summary)
            outputs[self.SUMMARY_JSON] = path
        counts = summary["households"]["by_status"]
        feedback.pushInfo(self.tr(
            "{reachable} households reach a safe shelter, {at} are at one, {isolated} are cut off by the "
            "flood, {none} have no shelter reachable even without the flood, {no_road} have no road "
            "nearby.").format(reachable=counts["reachable"], at=counts["at_shelter"],
                              isolated=counts["isolated_by_flood"], none=counts["no_shelter_reachable"],
                              no_road=counts["no_road"]))
        return outputs

    # -- outputs --------------------------------------------------------------------------------

    def _write_routes(self, parameters, context, feedback, h_source, households, result, s_fids, outputs):
        if parameters.get(self.ROUTES_OUTPUT) in (None, ""):
            return
        expression = self.parameterAsExpression(parameters, self.ROUTE_FILTER, context)
        if expression:
            request = QgsFeatureRequest().setFilterExpression(expression).setNoAttributes()
            request.setFlags(request.flags() | compat.REQUEST_NO_GEOMETRY)
            wanted = {int(f.id()) for f in h_source.getFeatures(request)}
            ids = np.array([households.feature_id(i) for i in range(len(households))], dtype=np.int64)
            which = np.flatnonzero(np.isin(ids, np.fromiter(wanted, dtype=np.int64, count=len(wanted))))
        else:
            which = np.arange(len(households))
        which = which[result.status[which] == "reachable"]
        chosen, lines = result.router.routes(result.anchors, result.extra["result"], which)
        columns = [
            ("household_fid", "integer", [households.feature_id(int(i)) for i in chosen]),
            ("shelter_fid", "integer", s_fids[result.shelter[chosen]]),
            ("distance_m", "real", result.distance_m[chosen]),
            ("travel_time_s", "real", result.time_s[chosen]),
        ]
        destination = write_table(self, parameters, self.ROUTES_OUTPUT, context, feedback, columns, lines,
                                  compat.WKB_LINESTRING, QgsCoordinateReferenceSystem(WGS84))
        if destination:
            outputs[self.ROUTES_OUTPUT] = destination

    def _write_roads(self, parameters, context, feedback, road, outputs):
        if parameters.get(self.ROADS_OUTPUT) in (None, ""):
            return
        network = road.network
        classes = road.segment_class if road.segment_class is not None else np.zeros(network.segment_count,
                                                                                     dtype=np.int64)
        depth = road.segment_depth_m if road.segment_depth_m is not None else np.full(network.segment_count,
                                                                                      np.nan)
        first, run, lines = network.sections(classes, road.cut_speed_kmh, network.speed_kmh, network.bridge)
        count = len(first)
        run_depth = np.full(count, np.nan)
        wet = np.isfinite(depth)
        np.fmax.at(run_depth, run[wet], depth[wet])
        fids = np.array([road.arrays.feature_id(int(road.part_line[i])) for i in range(len(road.part_line))],
                        dtype=np.int64)
        columns = [
            ("road_fid", "integer", fids[network.line[first]]),
            ("hazard_class", "integer", classes[first]),
            ("max_depth_m", "real", run_depth),
            ("speed_kmh", "real", network.speed_kmh[first]),
            ("flood_speed_kmh", "real", road.cut_speed_kmh[first]),
            ("passable", "boolean", road.cut_speed_kmh[first] > 0),
            ("bridge", "boolean", network.bridge[first]),
            ("length_m", "real", np.bincount(run, weights=network.length_m, minlength=count)),
        ]
        destination = write_table(self, parameters, self.ROADS_OUTPUT, context, feedback, columns, lines,
                                  compat.WKB_LINESTRING, QgsCoordinateReferenceSystem(WGS84))
        if destination:
            outputs[self.ROADS_OUTPUT] = destination

    def _write_units(self, parameters, context, feedback, h_lonlat, result, people, outputs):
        u_source, units = read_arrays(self, parameters, self.AGGREGATION, context, feedback)
        if units is None:
            return None
        name_field = self.parameterAsString(parameters, self.AGGREGATION_NAME_FIELD, context)
        names = [None if v is None else str(v) for v in units.values(name_field)] if name_field else \
            [str(units.feature_id(i)) for i in range(len(units))]
        from ..core import crs as crs_tools

        polygons = crs_tools.reproject(units.geometries, units.crs, WGS84)
        points = shapely.points(np.where(np.isnan(h_lonlat), 0.0, h_lonlat))
        unit = containing_unit(points, polygons)
        unit[np.isnan(h_lonlat).any(axis=1)] = -1
        threshold_s = 60.0 * self.parameterAsDouble(parameters, self.TIME_THRESHOLD_MIN, context)
        count = len(units)
        inside = unit >= 0

        def per_unit(mask, weights=None):
            chosen = inside & mask
            return np.bincount(unit[chosen], weights=None if weights is None else weights[chosen],
                               minlength=count)[:count]

        every = np.ones(len(unit), dtype=bool)
        beyond = (result.status == "reachable") & (result.time_s > threshold_s)
        columns = [("unit", "text", names),
                   ("households", "integer", per_unit(every)),
                   ("population", "real", per_unit(every, people))]
        for status in ("reachable", "at_shelter", "isolated_by_flood", "no_shelter_reachable", "no_road"):
            columns.append((status, "integer", per_unit(result.status == status)))
        columns += [("households_beyond_threshold", "integer", per_unit(beyond)),
                    ("population_beyond_threshold", "real", per_unit(beyond, people)),
                    ("population_cut_off", "real", per_unit(np.isin(
                        result.status, ["isolated_by_flood", "no_shelter_reachable", "no_road"]), people))]
        median, maximum = np.full(count, np.nan), np.full(count, np.nan)
        timed = inside & np.isfinite(result.time_s)
        order = np.lexsort((result.time_s[timed], unit[timed]))
        unit_sorted, time_sorted = unit[timed][order], result.time_s[timed][order]
        bounds = np.searchsorted(unit_sorted, np.arange(count + 1))
        for u in range(count):
            times = time_sorted[bounds[u]:bounds[u + 1]]
            if len(times):
                median[u], maximum[u] = float(np.median(times)), float(times[-1])
        columns += [("median_time_s", "real", median), ("max_time_s", "real", maximum)]
        destination = write_with_columns(self, parameters, self.UNITS_OUTPUT, context, feedback, u_source,
                                         units, np.arange(count), columns)
        if destination:
            outputs[self.UNITS_OUTPUT] = destination
        return {name: {key: (float(values[i]) if kind == "real" else int(values[i]))
                       for key, kind, values in columns[1:]} for i, name in enumerate(names)}

    def _write_isochrones(self, parameters, context, feedback, router, projector, outputs):
        if parameters.get(self.ISOCHRONES_OUTPUT) in (None, ""):
            return
        limits = self._bands_min
        buffer_m = self.parameterAsDouble(parameters, self.ISOCHRONE_BUFFER, context)
        bands = self.run_engine(isochrone_bands, router, [60.0 * v for v in limits], buffer_m,
                                projector.to_lonlat)
        columns = [("band_from_min", "real", [b[0] / 60.0 for b in bands]),
                   ("band_to_min", "real", [b[1] / 60.0 for b in bands])]
        destination = write_table(self, parameters, self.ISOCHRONES_OUTPUT, context, feedback, columns,
                                  [shapely.multipolygons(shapely.get_parts(b[2])) for b in bands],
                                  compat.WKB_MULTIPOLYGON, QgsCoordinateReferenceSystem(WGS84))
        if destination:
            outputs[self.ISOCHRONES_OUTPUT] = destination

    def _summary(self, road, result, people, assigned, shelter_count, units, reject_count):
        statuses = ("reachable", "at_shelter", "isolated_by_flood", "no_shelter_reachable", "no_road")
        reachable = result.status == "reachable"
        times = result.time_s[reachable]
        summary = {
            "generator": f"Refuge {plugin_version()}",
            "profile": road.profile.name,
            "hazard": None if road.hazard is None else road.hazard[0],
            "network": {"nodes": int(road.network.node_count), "segments": int(road.network.segment_count),
                        "segments_cut": int((road.cut_speed_kmh <= 0).sum()),
                        "segments_slowed": int(((road.cut_speed_kmh > 0)
                                                & (road.cut_speed_kmh < road.network.speed_kmh)).sum()),
                        "lines_not_for_profile": road.lines_left_out,
                        "components_dry": _component_count(road.network,
                                                           np.ones(road.network.segment_count, bool)),
                        "components_flooded": _component_count(road.network, road.cut_speed_kmh > 0)},
            "households": {
                "count": int(len(result.status)),
                "by_status": {s: int((result.status == s).sum()) for s in statuses},
                "population_by_status": {s: float(people[result.status == s].sum()) for s in statuses},
                "travel_time_s": None if not len(times) else {
                    "median": float(np.median(times)), "p90": float(np.percentile(times, 90)),
                    "max": float(times.max())},
            },
            "shelters": {
                "count": shelter_count,
                "by_status": {s: int((result.shelter_status == s).sum()) for s in ("safe", "flooded",
                                                                                    "no_road")},
            },
            "units": units,
            "rejected_features": reject_count,
        }
        if assigned is not None:
            summary["capacity_assignment"] = {"people_placed": float(assigned.placed.sum()),
                                              "people_without_place": float(assigned.unplaced.sum())}
        return summary


def _component_count(network, open_segments):
    """Connected pieces of the network made of ``open_segments`` (isolated junctions left out)."""
    if not open_segments.any():
        return 0
    labels = network.components(open_segments)
    return int(len(np.unique(labels[network.seg_a[open_segments]])))
