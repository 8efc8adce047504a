"""Road network, flood cut and point inputs shared by the access algorithms: the Processing side.

The parameters and the reading of the roads and hazard layers live here; the
network itself is built by :func:`refuge.core.network.roads.build_roads` and
cut by :mod:`refuge.core.network.flood`.
"""

import numpy as np
from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..core.geometry import lonlat_bounds
from ..core.network import flood
from ..core.network.parsing import parse_class_rules
from ..core.network.points import representative_lonlat
from ..core.network.profiles import DRIVE, WALK
from ..core.network.roads import RoadAttributes, build_roads
from . import compat
from .depth import DepthRasterParameters
from .hazard_input import read_zones
from .messages import tr
from .sinks import write_json
from .sources import read_arrays

PROFILES = (WALK, DRIVE)
# RoadAttributes field of each road field parameter.
ROAD_FIELDS = {"ROAD_CLASS_FIELD": "highway", "SPEED_FIELD": "speed_kmh", "ONEWAY_FIELD": "oneway",
               "NODE_IDS_FIELD": "node_ids", "ACCESS_FIELD": "access", "MAXSPEED_FIELD": "maxspeed_kmh",
               "BRIDGE_FIELD": "bridge", "TUNNEL_FIELD": "tunnel"}


def publish(outputs, name, destination):
    """Record in ``outputs`` the destination of an output that was written (None: not asked for)."""
    if destination:
        outputs[name] = destination


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

    def _road_attributes(self, parameters, context, arrays, profile):
        """The :class:`RoadAttributes` of the chosen fields (maximum speeds only for a profile using them)."""
        fields = {key: self._field(parameters, key, context, arrays) for key in ROAD_FIELDS}
        if not profile.uses_maxspeed:
            fields[self.MAXSPEED_FIELD] = None
        return RoadAttributes(**{ROAD_FIELDS[key]: arrays.values(field) if field else None
                                 for key, field in fields.items()})

    def read_network(self, parameters, context, feedback):
        """The :class:`~refuge.core.network.roads.RoadNetwork` of the parameters, flood cut applied."""
        profile = PROFILES[self.parameterAsEnum(parameters, self.PROFILE, context)]
        source, arrays = read_arrays(self, parameters, self.ROADS, context, feedback, always_fast=True)
        if source is None or not len(arrays):
            raise QgsProcessingException(tr("The roads layer is empty. Choose a layer of road lines."))
        attributes = self._road_attributes(parameters, context, arrays, profile)
        if source.sourceCrs().isGeographic():
            feedback.pushInfo(tr("The roads are in a geographic CRS ({crs}): lengths are measured on the "
                                 "WGS 84 ellipsoid and points are snapped in a local metric projection.")
                              .format(crs=source.sourceCrs().authid()))
        road = self.run_engine(
            build_roads, arrays.geometries, arrays.crs, attributes, profile,
            [arrays.feature_id(i) for i in range(len(arrays))],
            self.parameterAsDouble(parameters, self.TOPOLOGY_TOLERANCE, context),
            [(int(i), arrays.reason(i)) for i in arrays.null_geometry])
        self._report_roads(feedback, road, attributes)
        road.cut, road.zone_rejects = self._flood_cut(parameters, context, feedback, road)
        return road

    def _report_roads(self, feedback, road, attributes):
        """What the network left out or guessed, said once it is built; no usable road is an error."""
        profile = road.profile
        if road.node_ids_ignored:
            feedback.pushWarning(tr("Multi-part roads: node ids are not used; roads are joined by "
                                    "their coordinates."))
        if not road.network.segment_count:
            raise QgsProcessingException(tr(
                "No road of the roads layer can be used for {profile}: check the road class field "
                "and the travel profile.").format(profile=self.profile_label(profile)))
        if road.lines_left_out:
            feedback.pushInfo(tr("{count} roads are not used for {profile}: their class is closed to it, "
                                 "or their access is no or private.").format(
                count=road.lines_left_out, profile=self.profile_label(profile)))
        if road.default_class_lines and attributes.highway is not None:
            feedback.pushInfo(tr("{count} roads have no class: they take the speed of an ordinary road "
                                 "({speed} km/h).").format(count=road.default_class_lines,
                                                          speed=profile.speeds_kmh.get(profile.default_class)))
        if road.roads_without_speed:
            feedback.pushInfo(tr("{count} roads have no value in the speed field: they take the speed of "
                                 "their class.").format(count=road.roads_without_speed))

    def read_points(self, parameters, context, feedback, road, names, empty_messages):
        """[(source, arrays, (N, 2) lon/lat)] of the point inputs ``names``, households first.

        An empty input is refused with its message of ``empty_messages``; an
        input apart from the roads is warned about. The households are read
        for a copy to the households output (fast when it is a GeoPackage).
        """
        read = [read_arrays(self, parameters, name, context, feedback,
                            fast_output=self.HOUSEHOLDS_OUTPUT if position == 0 else None)
                for position, name in enumerate(names)]
        for (_, arrays), message in zip(read, empty_messages):
            if arrays is None or not len(arrays):
                raise QgsProcessingException(message)
        self.warn_apart_from_roads(feedback, road, parameters,
                                   *[(name, arrays) for name, (_, arrays) in zip(names, read)])
        return [(source, arrays, representative_lonlat(arrays.geometries, arrays.crs))
                for source, arrays in read]

    def write_summary(self, parameters, context, document, outputs):
        """Write the SUMMARY_JSON document when the output is asked for."""
        path = self.parameterAsFileOutput(parameters, self.SUMMARY_JSON, context)
        if path:
            write_json(path, document)
            outputs[self.SUMMARY_JSON] = path

    def require_households_on_roads(self, statuses, max_snap):
        """Refuse a run in which no household joined a road: its statuses would all say no_road."""
        if (np.asarray(statuses) == "no_road").all():
            raise QgsProcessingException(tr(
                "No household is within {distance} m of a usable road. Check that the roads and the "
                "households cover the same area (and their CRS), or raise the maximum snapping "
                "distance.").format(distance=max_snap))

    def warn_apart_from_roads(self, feedback, road, parameters, *inputs):
        """Warn about point inputs ([(parameter name, arrays)]) that do not overlap the roads."""
        for name, arrays in inputs:
            self.warn_if_apart(feedback, self.parameterDefinition(name).description(),
                               lonlat_bounds(arrays.geometries, arrays.crs),
                               self.parameterDefinition(self.ROADS).description(), road.bounds_lonlat)

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
        """(:class:`~refuge.core.network.flood.FloodCut`, [(fid, reason)] of hazard zones set aside)."""
        raster, grid = self.depth_grid(parameters, context, feedback)
        network, profile_name = road.network, road.profile.name
        zones = read_zones(self, parameters, context, feedback, self.HAZARD, self.HAZARD_FIELD)
        if zones is not None:
            rules = self.read_setting(parameters, self.CLASS_RULES, context, parse_class_rules)
            return self.run_engine(flood.cut_by_zones, network, profile_name, zones.polygons, zones.codes,
                                   zones.crs, rules), zones.rejects
        if raster is not None:
            thresholds, min_depth = self.depth_classes(parameters, context)
            return self.run_engine(
                flood.cut_by_depth, network, profile_name, grid, grid.crs_wkt or raster.crs().toWkt(),
                self.parameterAsDouble(parameters, self.WALK_MAX_DEPTH, context), thresholds,
                min_depth), []
        return flood.no_cut(network), []
