"""A roads layer made a routable network: speeds per profile, node ids or noding, rejects.

The adapter reads the layer (geometries, feature ids and the values of the
chosen fields); :func:`build_roads` does the rest, so that every rule about
which road joins which, and which road is set aside and why, lives here:

* each part of a multi-part road becomes one network line, with the
  attributes of its road;
* a road closed to the profile (class or access) is set aside as
  ``closed_to_profile``;
* with node ids (and single-part roads), lines meet where they share an id; a
  road whose list does not match its vertices is set aside as
  ``node_ids_mismatch``. Without them (or with multi-part roads, whose ids no
  longer match their parts) lines are noded by their coordinates
  (:mod:`.topology`), bridges and tunnels on their own level;
* lines too short or degenerate are set aside by :func:`.graph.build_network`
  with its reason.
"""

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .. import crs as crs_tools
from ..geometry import lonlat_bounds
from .flood import FloodCut, no_cut
from .graph import Network, Projector, build_network, line_speeds, local_crs
from .parsing import flag_values, oneway_values, parse_id_lists
from .profiles import Profile
from .topology import node_lines

try:
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    shapely = None


@dataclass
class RoadAttributes:
    """Plain field values of the input roads, one per road in layer order; None where no field is used.

    ``highway``: OSM class; ``speed_kmh``: explicit speed (replaces the class
    speed where set); ``oneway``: 1/-1/0 or yes/no text; ``node_ids``: JSON
    lists of node ids, one per vertex; ``access``: no/private close a road;
    ``maxspeed_kmh``: legal limit (used by profiles that respect it);
    ``bridge``, ``tunnel``: yes/no flags.
    """

    highway: Optional[list] = None
    speed_kmh: Optional[list] = None
    oneway: Optional[list] = None
    node_ids: Optional[list] = None
    access: Optional[list] = None
    maxspeed_kmh: Optional[list] = None
    bridge: Optional[list] = None
    tunnel: Optional[list] = None


@dataclass
class RoadNetwork:
    """The network of a roads layer, its flood cut, and what was set aside.

    ``road_fids``: feature id of every input road; ``rejects``: [(road
    position, reason code)]; ``part_line``: input road of each network line;
    ``lines_left_out``: roads closed to the profile; ``default_class_lines``:
    network lines without a class (speed of an ordinary road);
    ``roads_without_speed``: lines with no value in the speed field that took
    their class speed; ``node_ids_ignored``: node ids were given but the roads
    were noded by coordinates (multi-part roads); ``bounds_lonlat``: (west,
    south, east, north) of the input roads, or None.
    """

    network: Network
    profile: Profile
    road_fids: np.ndarray
    rejects: list
    part_line: np.ndarray
    lines_left_out: int = 0
    default_class_lines: int = 0
    roads_without_speed: int = 0
    node_ids_ignored: bool = False
    bounds_lonlat: Optional[tuple] = None
    cut: Optional[FloodCut] = None
    zone_rejects: list = field(default_factory=list)  # [(fid, reason)] of hazard zones

    def __post_init__(self):
        if self.cut is None:
            self.cut = no_cut(self.network)

    @property
    def cut_speed_kmh(self):
        """Segment speeds (km/h; 0 impassable) once the flood applies."""
        return self.cut.cut_speed_kmh

    @property
    def hazard_kind(self):
        """``"zones"``, ``"raster"`` or None: the hazard that cut the network."""
        return self.cut.kind

    def reject_rows(self):
        """[(layer, fid, reason)] of the roads and hazard zones set aside, for a REJECTS output."""
        return [("roads", int(self.road_fids[i]), reason) for i, reason in self.rejects] + \
            [("hazard", fid, reason) for fid, reason in self.zone_rejects]


def build_roads(lines, crs, attributes, profile, road_fids, tolerance_m=1.0, rejects=()):
    """The :class:`RoadNetwork` of road ``lines`` (in ``crs``; None for a missing geometry).

    ``attributes``: :class:`RoadAttributes`; ``road_fids``: the feature id of
    each road; ``tolerance_m``: line ends this close meet when roads are noded
    by coordinates; ``rejects``: [(road position, reason)] already set aside
    (missing geometries). The network may have no segment: the caller says why.
    """
    rejects = list(rejects)
    lonlat_lines = crs_tools.reproject(np.asarray(lines, dtype=object), crs, crs_tools.WGS84)
    parts, part_line = shapely.get_parts(lonlat_lines, return_index=True)
    speeds, default_class_lines, without_speed = _part_speeds(profile, attributes, part_line)
    closed = np.unique(part_line[~np.isfinite(speeds)])
    rejects.extend((int(i), "closed_to_profile") for i in closed)
    oneway = None if attributes.oneway is None else oneway_values(attributes.oneway)[part_line]
    bridge, tunnel = (np.zeros(len(parts), bool) if values is None else flag_values(values)[part_line]
                      for values in (attributes.bridge, attributes.tunnel))
    projector = Projector(local_crs(shapely.get_coordinates(parts)))
    node_ids = None
    if attributes.node_ids is not None and len(parts) == len(lines):
        node_ids, matching = parse_id_lists(attributes.node_ids, shapely.get_num_coordinates(parts))
        rejects.extend((int(part_line[i]), "node_ids_mismatch")
                       for i in np.flatnonzero(~matching & np.isfinite(speeds)))
        speeds[~matching] = np.nan
    ignored = node_ids is None and attributes.node_ids is not None
    if node_ids is None:
        parts, node_ids = _node_by_coordinates(parts, speeds, bridge, tunnel, tolerance_m, projector)
    network, reasons = build_network(parts, node_ids, speeds, oneway=oneway, bridge=bridge,
                                     respects_oneway=profile.respects_oneway, projector=projector)
    rejects.extend((int(part_line[i]), reason) for i, reason in enumerate(reasons) if reason)
    return RoadNetwork(network=network, profile=profile, road_fids=np.asarray(road_fids, dtype=np.int64),
                       rejects=rejects, part_line=part_line, lines_left_out=len(closed),
                       default_class_lines=default_class_lines, roads_without_speed=without_speed,
                       node_ids_ignored=ignored, bounds_lonlat=lonlat_bounds(lines, crs))


def _part_speeds(profile, attributes, part_line):
    """(speed km/h of each network line, NaN closed; lines without class; lines without a speed value)."""
    def per_part(values):
        return None if values is None else [values[i] for i in part_line]

    classes = per_part(attributes.highway)
    maxspeed = attributes.maxspeed_kmh if profile.uses_maxspeed else None
    speed_field = attributes.speed_kmh
    speeds = line_speeds(profile, len(part_line), classes, per_part(maxspeed), per_part(attributes.access),
                         per_part(speed_field))
    default_class_lines = len(part_line) if classes is None else sum(1 for c in classes if c is None)
    without_speed = 0 if speed_field is None else sum(
        1 for i, p in enumerate(part_line) if speed_field[p] is None and np.isfinite(speeds[i]))
    return speeds, default_class_lines, without_speed


def _node_by_coordinates(parts, speeds, bridge, tunnel, tolerance_m, projector):
    """(lines split where they meet, node ids per line): the usable lines noded by their coordinates.

    Bridges (level 1) and tunnels (level -1) meet other levels only at their
    ends. Unusable lines (NaN speed) keep their geometry and no ids.
    """
    level = np.where(bridge, 1, np.where(tunnel, -1, 0))
    keep = np.flatnonzero(np.isfinite(speeds))
    noded, ids = node_lines(projector.geometries_to_xy(parts[keep]), tolerance_m, level[keep])
    parts = parts.copy()
    parts[keep] = projector.geometries_to_lonlat(noded)
    node_ids = [np.zeros(0, np.int64)] * len(parts)
    for position, i in enumerate(keep):
        node_ids[i] = ids[position]
    return parts, node_ids
