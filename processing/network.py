"""Road network, flood cut and point inputs shared by the access algorithms."""

import dataclasses

import numpy as np
from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..core import crs as crs_tools
from ..core import settings
from ..core.hazard import definitions as hazard_definitions
from ..core.hazard.index import ZoneIndex, max_class
from ..core.network import flood
from ..core.network.graph import Projector, build_network, line_speeds, local_crs
from ..core.network.profiles import DRIVE, WALK
from ..core.network.topology import node_lines
from . import compat
from .depth import DepthRasterParameters
from .fastio import read_arrays
from .hazard_input import read_zones
from .messages import tr

try:
    import pyproj
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    pyproj = shapely = None

PROFILES = (WALK, DRIVE)
CLASS_KEYS = {"low": 1, "medium": 2, "high": 3}


@dataclasses.dataclass
class RoadNetwork:
    """The network read from the roads layer, with its flood cut."""

    network: object
    profile: object
    source: object
    arrays: object
    rejects: list
    cut_speed_kmh: np.ndarray
    segment_class: np.ndarray = None
    segment_depth_m: np.ndarray = None
    hazard: object = None  # ("zones", ZoneIndex) or ("raster", grid, transformer to grid CRS)
    zone_rejects: list = dataclasses.field(default_factory=list)  # [(fid, reason)] of hazard zones

    def reject_rows(self):
        """[(layer, fid, reason)] of the roads and hazard zones set aside, for a REJECTS output."""
        return [("roads", self.arrays.feature_id(i), reason) for i, reason in self.rejects] + \
            [("hazard", fid, reason) for fid, reason in self.zone_rejects]
    lines_left_out: int = 0
    default_class_lines: int = 0
    part_line: np.ndarray = None  # input road of each network line (multi-part roads give several)


def representative_lonlat(arrays):
    """(N, 2) lon/lat of a point inside each feature (NaN rows for missing geometries)."""
    geometries = np.asarray(arrays.geometries, dtype=object)
    points = np.full((len(geometries), 2), np.nan)
    present = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    if present.any():
        inside = shapely.point_on_surface(geometries[present])
        inside = crs_tools.reproject(inside, arrays.crs, crs_tools.WGS84)
        points[present] = shapely.get_coordinates(inside)
    return points


def parse_id_lists(texts, vertex_counts):
    """Node ids from JSON lists of integers such as ``[12,13,14]``, one per vertex.

    Returns (flat ids for the vertices of every line in order, per-line bool
    "ids match the vertices"); lines that do not match get zeros. Parsed as one
    string for speed, line by line only if that fails.
    """
    vertex_counts = np.asarray(vertex_counts, dtype=np.int64)
    bodies, counts = [], np.zeros(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        body = "" if text is None else str(text).strip()
        if body.startswith("[") and body.endswith("]"):
            body = body[1:-1].strip()
            counts[i] = body.count(",") + 1 if body else 0
        else:
            counts[i] = -1
            body = ""
        bodies.append(body)
    ok = counts == vertex_counts
    joined = ",".join(b for b, good in zip(bodies, ok) if good and b)
    try:
        good_ids = np.array(joined.split(","), dtype=np.int64) if joined else np.zeros(0, np.int64)
    except ValueError:
        good_ids = []
        for i, body in enumerate(bodies):
            if ok[i] and body:
                try:
                    good_ids.append(np.array(body.split(","), dtype=np.int64))
                except ValueError:
                    ok[i] = False
        good_ids = np.concatenate(good_ids) if good_ids else np.zeros(0, np.int64)
    flat = np.zeros(int(vertex_counts.sum()), dtype=np.int64)
    owner = np.repeat(np.arange(len(texts)), vertex_counts)
    flat[ok[owner]] = good_ids
    return flat, ok


def oneway_values(values):
    """1 forward only, -1 backward only, 0 both, from numbers or yes/no/true/-1 text."""
    result = np.zeros(len(values), dtype=np.int8)
    for i, value in enumerate(values):
        if value is None:
            continue
        text = str(value).strip().lower()
        if text in ("1", "yes", "true", "1.0"):
            result[i] = 1
        elif text in ("-1", "reverse", "-1.0"):
            result[i] = -1
    return result


def flag_values(values):
    return np.array([str(v).strip().lower() in ("1", "true", "yes", "1.0") if v is not None else False
                     for v in values], dtype=bool)


def parse_class_rules(text):
    """{class code: speed factor} from 'low=0.5; medium=0; high=0' (see refuge.core.settings).

    Factors lie between 0 (impassable) and 1 (no slowdown): a factor above 1
    would speed roads up.
    """
    given = settings.numbers(text, {1: None, 2: None, 3: None}, key=settings.class_key,
                             ranges={code: (0.0, 1.0, False) for code in (1, 2, 3)})
    return {code: factor for code, factor in given.items() if factor is not None}


class NetworkParameters(DepthRasterParameters):
    """Mixin: road, profile, hazard and snapping parameters, and reading them."""

    ROADS = "ROADS"
    ROAD_CLASS_FIELD = "ROAD_CLASS_FIELD"
    SPEED_FIELD = "SPEED_FIELD"
    ONEWAY_FIELD = "ONEWAY_FIELD"
    NODE_IDS_FIELD = "NODE_IDS_FIELD"
    ACCESS_FIELD = "ACCESS_FIELD"
    MAXSPEED_FIELD = "MAXSPEED_FIELD"
    BRIDGE_FIELD = "BRIDGE_FIELD"
    TUNNEL_FIELD = "TUNNEL_FIELD"
    TOPOLOGY_TOLERANCE = "TOPOLOGY_TOLERANCE"
    PROFILE = "PROFILE"
    HAZARD = "HAZARD"
    HAZARD_FIELD = "HAZARD_FIELD"
    CLASS_RULES = "CLASS_RULES"
    WALK_MAX_DEPTH = "WALK_MAX_DEPTH"
    MAX_SNAP_DISTANCE = "MAX_SNAP_DISTANCE"
    # Field overrides and tuning, folded in the dialog; roads, profile and hazard stay in view.
    NETWORK_ADVANCED = DepthRasterParameters.DEPTH_ADVANCED | {
        ROAD_CLASS_FIELD, SPEED_FIELD, ONEWAY_FIELD, NODE_IDS_FIELD, ACCESS_FIELD, MAXSPEED_FIELD,
        BRIDGE_FIELD, TUNNEL_FIELD, TOPOLOGY_TOLERANCE, HAZARD_FIELD, CLASS_RULES, WALK_MAX_DEPTH,
        MAX_SNAP_DISTANCE}

    def group(self):
        return tr("Evacuation and access")

    def groupId(self):  # noqa: N802
        return "access"

    def flags(self):
        return super().flags() | compat.FLAG_CAN_CANCEL

    def network_help(self):
        return tr(
            "<b>Roads</b>: lines, for example the roads layer of Extract OSM layers from a .pbf file. "
            "<b>Road class field</b> (OSM highway values), <b>Speed field (km/h)</b> (replaces the "
            "class speed where set), <b>Oneway field</b> (1, -1, 0 or yes/no; driving only), "
            "<b>Access field</b> (no and private close a road), <b>Maximum speed field (km/h)</b> "
            "(driving only), <b>Bridge field</b> and <b>Tunnel field</b>.\n"
            "<b>Node ids field</b>: OSM node ids of every vertex; roads meet where they share a node. "
            "Without it, roads meet at shared vertices, at line ends within the <b>Topology "
            "tolerance (m)</b> and where they cross; bridges and tunnels meet other roads only at "
            "their ends.\n"
            "<b>Travel profile</b>: walking (4.5 km/h, 3 km/h on steps; no motorways or trunk roads) "
            "or driving (speed per road class or maxspeed; oneway respected).\n"
            "<b>Hazard classes</b> with their <b>Hazard class field</b> (1 low, 2 medium, 3 high), "
            "or a <b>Flood depth raster</b> (m) with its <b>Band</b>: the flood cut. With classes, "
            "<b>Speed factor per class (0 = impassable)</b> applies to roads touching each class "
            "(default: walking low=0.5; medium=0; high=0, driving every class impassable). With "
            "depths, driving follows Pregnolato et al. (2017): speed limited by the "
            "depth-disruption function, no traffic from 0.3 m; walking is impossible above the "
            "<b>Maximum walking depth (m)</b>, 0.5 m by default. <b>Minimum flood depth (m)</b>: "
            "shallower water is dry; <b>Upper bound of low depths (m)</b> and <b>Upper bound of "
            "medium depths (m)</b> give the hazard class of shelters. Bridges are never cut.\n"
            "<b>Maximum snapping distance (m)</b>: points join the nearest point of the nearest "
            "usable road within this distance.\n")

    def add_network_parameters(self, default_profile=0):
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.ROADS, tr("Roads"), [compat.SOURCE_LINE]))
        for name, label, default, kind in (
                (self.ROAD_CLASS_FIELD, tr("Road class field"), "highway", compat.FIELD_ANY),
                (self.SPEED_FIELD, tr("Speed field (km/h)"), None, compat.FIELD_NUMERIC),
                (self.ONEWAY_FIELD, tr("Oneway field"), "oneway", compat.FIELD_ANY),
                (self.NODE_IDS_FIELD, tr("Node ids field"), "node_ids", compat.FIELD_STRING),
                (self.ACCESS_FIELD, tr("Access field"), "access", compat.FIELD_ANY),
                (self.MAXSPEED_FIELD, tr("Maximum speed field (km/h)"), "maxspeed_kmh", compat.FIELD_NUMERIC),
                (self.BRIDGE_FIELD, tr("Bridge field"), "bridge", compat.FIELD_ANY),
                (self.TUNNEL_FIELD, tr("Tunnel field"), "tunnel", compat.FIELD_ANY)):
            self.addParameter(QgsProcessingParameterField(
                name, label, defaultValue=default, parentLayerParameterName=self.ROADS, type=kind,
                optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.TOPOLOGY_TOLERANCE, tr("Topology tolerance (m)"), compat.NUMBER_DOUBLE, defaultValue=1.0,
            minValue=0.0))
        self.addParameter(QgsProcessingParameterEnum(
            self.PROFILE, tr("Travel profile"), [tr("Walk"), tr("Drive")], defaultValue=default_profile))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.HAZARD, tr("Hazard classes"), [compat.SOURCE_POLYGON], optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.HAZARD_FIELD, tr("Hazard class field"), defaultValue="hazard_class",
            parentLayerParameterName=self.HAZARD, type=compat.FIELD_NUMERIC, optional=True))
        self.add_depth_parameters()
        self.addParameter(QgsProcessingParameterString(
            self.CLASS_RULES, tr("Speed factor per class (0 = impassable)"), defaultValue="", optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.WALK_MAX_DEPTH, tr("Maximum walking depth (m)"), compat.NUMBER_DOUBLE,
            defaultValue=flood.WALK_MAX_DEPTH_M, minValue=0.0))
        self.addParameter(QgsProcessingParameterNumber(
            self.MAX_SNAP_DISTANCE, tr("Maximum snapping distance (m)"), compat.NUMBER_DOUBLE,
            defaultValue=500.0, minValue=0.0))

    # -- reading ----------------------------------------------------------------------------

    def _field(self, parameters, name, context, arrays):
        """The chosen field if the layer has it (a default naming a missing field is ignored)."""
        field = self.parameterAsString(parameters, name, context)
        if not field:
            return None
        if arrays.fields.lookupField(field) < 0:
            if parameters.get(name) not in (None, "") and parameters.get(name) != \
                    self.parameterDefinition(name).defaultValue():
                raise QgsProcessingException(tr("The roads layer has no field {field}.").format(field=field))
            return None
        return field

    def read_network(self, parameters, context, feedback):
        """The :class:`RoadNetwork` of the parameters, flood cut applied."""
        profile = PROFILES[self.parameterAsEnum(parameters, self.PROFILE, context)]
        source, arrays = read_arrays(self, parameters, self.ROADS, context, feedback, always_fast=True)
        if source is None or not len(arrays):
            raise QgsProcessingException(tr("The roads layer is empty. Choose a layer of road lines."))
        fields = {key: self._field(parameters, key, context, arrays) for key in (
            self.ROAD_CLASS_FIELD, self.SPEED_FIELD, self.ONEWAY_FIELD, self.NODE_IDS_FIELD,
            self.ACCESS_FIELD, self.MAXSPEED_FIELD, self.BRIDGE_FIELD, self.TUNNEL_FIELD)}

        def values(key):
            return arrays.values(fields[key]) if fields[key] else None

        count = len(arrays)
        rejects = [(int(i), arrays.reason(i)) for i in arrays.null_geometry]
        lines = np.asarray(arrays.geometries, dtype=object)
        if source.sourceCrs().isGeographic():
            feedback.pushInfo(tr("The roads are in a geographic CRS ({crs}): lengths are measured on the "
                                 "WGS 84 ellipsoid and points are snapped in a local metric projection.")
                              .format(crs=source.sourceCrs().authid()))
        lonlat_lines = crs_tools.reproject(lines, arrays.crs, crs_tools.WGS84)
        # Multi-part lines: one network line per part, attributes shared.
        parts, part_line = shapely.get_parts(lonlat_lines, return_index=True)
        highway = values(self.ROAD_CLASS_FIELD)
        classes = None if highway is None else [highway[i] for i in part_line]
        maxspeed = values(self.MAXSPEED_FIELD) if profile.uses_maxspeed else None
        speed_field = values(self.SPEED_FIELD)
        access = values(self.ACCESS_FIELD)
        speeds = line_speeds(
            profile, len(parts), classes,
            None if maxspeed is None else [maxspeed[i] for i in part_line],
            None if access is None else [access[i] for i in part_line],
            None if speed_field is None else [speed_field[i] for i in part_line])
        default_class_lines = len(parts) if classes is None else sum(1 for c in classes if c is None)
        closed = np.unique(part_line[~np.isfinite(speeds)])  # roads closed to the profile, in REJECTS
        rejects.extend((int(i), "closed_to_profile") for i in closed)
        left_out = len(closed)
        no_speed = 0 if speed_field is None else sum(
            1 for i, p in enumerate(part_line) if speed_field[p] is None and np.isfinite(speeds[i]))
        oneway = values(self.ONEWAY_FIELD)
        oneway = None if oneway is None else oneway_values(oneway)[part_line]
        bridge = values(self.BRIDGE_FIELD)
        bridge = np.zeros(len(parts), bool) if bridge is None else flag_values(bridge)[part_line]
        tunnel = values(self.TUNNEL_FIELD)
        tunnel = np.zeros(len(parts), bool) if tunnel is None else flag_values(tunnel)[part_line]

        coords = shapely.get_coordinates(parts)
        projector = Projector(local_crs(coords))
        ids_text = values(self.NODE_IDS_FIELD)
        node_ids = None
        if ids_text is not None and len(parts) == count:
            node_ids, matching = parse_id_lists(ids_text, shapely.get_num_coordinates(parts))
            for i in np.flatnonzero(~matching & np.isfinite(speeds)):
                rejects.append((int(part_line[i]), "node_ids_mismatch"))
            speeds[~matching] = np.nan
        if node_ids is None:
            if ids_text is not None:
                feedback.pushWarning(tr("Multi-part roads: node ids are not used; roads are joined by "
                                        "their coordinates."))
            tolerance = self.parameterAsDouble(parameters, self.TOPOLOGY_TOLERANCE, context)
            level = np.where(bridge, 1, np.where(tunnel, -1, 0))
            keep = np.flatnonzero(np.isfinite(speeds))
            noded, ids = self.run_engine(node_lines, projector.geometries_to_xy(parts[keep]), tolerance,
                                         level[keep])
            parts = parts.copy()
            parts[keep] = projector.geometries_to_lonlat(noded)
            node_ids = [np.zeros(0, np.int64)] * len(parts)
            for position, i in enumerate(keep):
                node_ids[i] = ids[position]
        network, reasons = self.run_engine(build_network, parts, node_ids, speeds, oneway=oneway,
                                           bridge=bridge, respects_oneway=profile.respects_oneway,
                                           projector=projector)
        for i, reason in enumerate(reasons):
            if reason:
                rejects.append((int(part_line[i]), reason))
        if not network.segment_count:
            raise QgsProcessingException(tr(
                "No road of the roads layer can be used for {profile}: check the road class field "
                "and the travel profile.").format(profile=self.profile_label(profile)))
        road = RoadNetwork(network=network, profile=profile, source=source, arrays=arrays, rejects=rejects,
                           cut_speed_kmh=network.speed_kmh.copy(), lines_left_out=left_out,
                           default_class_lines=default_class_lines, part_line=part_line)
        if left_out:
            feedback.pushInfo(tr("{count} roads are not used for {profile}: their class is closed to it, "
                                 "or their access is no or private.").format(
                count=left_out, profile=self.profile_label(profile)))
        if default_class_lines and fields[self.ROAD_CLASS_FIELD]:
            feedback.pushInfo(tr("{count} roads have no class: they take the speed of an ordinary road "
                                 "({speed} km/h).").format(count=default_class_lines,
                                                          speed=profile.speeds_kmh.get(profile.default_class)))
        if no_speed:
            feedback.pushInfo(tr("{count} roads have no value in the speed field: they take the speed of "
                                 "their class.").format(count=no_speed))
        self._flood_cut(parameters, context, feedback, road)
        return road

    def require_households_on_roads(self, statuses, max_snap):
        """Refuse a run in which no household joined a road: its statuses would all say no_road."""
        if (np.asarray(statuses) == "no_road").all():
            raise QgsProcessingException(tr(
                "No household is within {distance} m of a usable road. Check that the roads and the "
                "households cover the same area (and their CRS), or raise the maximum snapping "
                "distance.").format(distance=max_snap))

    def warn_apart_from_roads(self, feedback, road, parameters, *inputs):
        """Warn about point inputs ([(parameter name, arrays)]) that do not overlap the roads."""
        from ..core.geometry import lonlat_bounds

        roads = lonlat_bounds(road.arrays.geometries, road.arrays.crs)
        for name, arrays in inputs:
            self.warn_if_apart(feedback, self.parameterDefinition(name).description(),
                               lonlat_bounds(arrays.geometries, arrays.crs),
                               self.parameterDefinition(self.ROADS).description(), roads)

    def profile_label(self, profile):
        return tr("walking") if profile.name == "walk" else tr("driving")

    def check_network_parameters(self, parameters, context):
        """The network's parameters checked before any work (see guarded_run)."""
        if parameters.get(self.HAZARD) not in (None, "") and parameters.get(self.DEPTH) not in (None, ""):
            raise QgsProcessingException(tr(
                "Give hazard classes or a flood depth raster, not both."))
        self.check_depth_parameters(parameters, context)
        self.read_setting(parameters, self.CLASS_RULES, context, parse_class_rules)
        if self.parameterAsDouble(parameters, self.MAX_SNAP_DISTANCE, context) <= 0:
            raise QgsProcessingException(tr(
                "The maximum snapping distance must be above 0 m: points join a road only within it."))

    def _flood_cut(self, parameters, context, feedback, road):
        zones_source = self.parameterAsSource(parameters, self.HAZARD, context)
        raster, grid = self.depth_grid(parameters, context, feedback)
        network = road.network
        if zones_source is not None:
            field = self.parameterAsString(parameters, self.HAZARD_FIELD, context) or "hazard_class"
            if zones_source.fields().lookupField(field) < 0:
                raise QgsProcessingException(tr(
                    "The hazard layer has no field {field}. Choose its class field, or prepare it with "
                    "Prepare a hazard layer.").format(field=field))
            zones = read_zones(self, parameters, context, feedback, self.HAZARD, self.HAZARD_FIELD)
            road.zone_rejects = zones.rejects
            polygons = crs_tools.reproject(zones.polygons, zones.crs, crs_tools.WGS84)
            wet = zones.codes > 0
            index = ZoneIndex.from_polygons(polygons[wet], zones.codes[wet])
            rules = self.read_setting(parameters, self.CLASS_RULES, context, parse_class_rules)
            factors = dict(flood.DEFAULT_CLASS_FACTORS[road.profile.name])
            factors.update(rules)
            road.segment_class = flood.segment_classes(network, index)
            road.cut_speed_kmh = flood.speeds_after_classes(network, road.segment_class, factors)
            road.hazard = ("zones", index)
        elif raster is not None:
            target = grid.crs_wkt or raster.crs().toWkt()
            transformer = pyproj.Transformer.from_crs("EPSG:4326", pyproj.CRS.from_user_input(target),
                                                      always_xy=True)

            def to_grid(lonlat):
                x, y = transformer.transform(lonlat[:, 0], lonlat[:, 1])
                return np.column_stack((x, y))

            _, min_depth = self.depth_classes(parameters, context)
            road.segment_depth_m = flood.segment_max_depth(network, grid, to_grid)
            road.cut_speed_kmh = flood.speeds_after_depth(
                network, road.segment_depth_m, road.profile.name,
                self.parameterAsDouble(parameters, self.WALK_MAX_DEPTH, context), min_depth)
            road.hazard = ("raster", grid, to_grid, min_depth)

    def points_hazard(self, road, lonlat, parameters, context):
        """(hazard class, depth m) of points (lon/lat); class 0 and NaN where dry or no hazard."""
        classes = np.zeros(len(lonlat), dtype=np.int64)
        depth = np.full(len(lonlat), np.nan)
        if road.hazard is None or not len(lonlat):
            return classes, depth
        finite = np.isfinite(lonlat).all(axis=1)
        if road.hazard[0] == "zones":
            points = shapely.points(np.where(finite[:, None], lonlat, 0.0))
            classes = max_class(points, road.hazard[1]).astype(np.int64)
            classes[~finite] = 0
        else:
            from ..core.raster.sampling import sample_points

            _, grid, to_grid, min_depth = road.hazard
            xy = to_grid(np.where(finite[:, None], lonlat, np.nan))
            depth = sample_points(grid, xy[:, 0], xy[:, 1])
            thresholds, _ = self.depth_classes(parameters, context)
            classes = hazard_definitions.depth_classes(depth, thresholds, min_depth).astype(np.int64)
        return classes, depth
