"""The flood cut: which road segments stay passable, and how fast.

Two kinds of hazard, one rule each:

* classified zones (hazard classes 1 low, 2 medium, 3 high): a segment
  touching a zone takes the highest class it touches and its speed is
  multiplied by that class's factor (0: impassable). Defaults: walking, low
  0.5 (wading slowly), medium and high impassable; driving, every class
  impassable, since the lowest class already reaches the depth that stops a
  car.
* a flood depth raster: the deepest pixel along each segment.

  - drive: the depth-disruption function of Pregnolato et al. (2017), the
    highest safe speed of a car in w millimetres of standing water,
    ``v = 0.0009 w^2 - 0.5529 w + 86.9448`` km/h, and no traffic from
    300 mm (Pregnolato, M., Ford, A., Wilkinson, S. M., Dawson, R. J.,
    2017, *The impact of flooding on road transport: a depth-disruption
    function*, Transportation Research Part D 55, 67-81). A segment keeps the
    lower of its own speed and v.
  - walk: impassable above a depth threshold, 0.5 m by default: in flume
    tests adults lost their footing in flowing water at depths of about
    0.5 m to 1.2 m, lower as the current grows (Abt, S. R. et al., 1989,
    *Human stability in a high flood hazard zone*, Water Resources Bulletin
    25(4), 881-890). Below it, the walking speed is kept.

Bridges are above the water and never cut; tunnels are cut like any road.
"""

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .. import crs as crs_tools
from ..hazard import definitions as hazard_definitions
from ..hazard.index import ZoneIndex, max_class
from ..raster.sampling import max_along_segments, sample_points

try:
    import pyproj
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    pyproj = shapely = None

PREGNOLATO_STOP_M = 0.3
WALK_MAX_DEPTH_M = 0.5
DEFAULT_CLASS_FACTORS = {
    "walk": {1: 0.5, 2: 0.0, 3: 0.0},
    "drive": {1: 0.0, 2: 0.0, 3: 0.0},
}


def pregnolato_speed_kmh(depth_m):
    """Highest safe car speed (km/h) in ``depth_m`` metres of water; 0 from 0.3 m."""
    depth_mm = np.asarray(depth_m, dtype=np.float64) * 1000.0
    speed = 0.0009 * depth_mm ** 2 - 0.5529 * depth_mm + 86.9448
    return np.where(depth_mm >= PREGNOLATO_STOP_M * 1000.0, 0.0, speed)


def segment_classes(network, zone_index):
    """Highest hazard class (0 none) each segment touches; zones in EPSG:4326."""
    return max_class(network.segment_lines_lonlat(), zone_index)


def segment_max_depth(network, grid, to_grid_crs):
    """Deepest pixel along each segment (m; NaN when dry or off the raster).

    ``to_grid_crs``: function mapping (N, 2) lon/lat to the raster's CRS.
    """
    if not network.segment_count:
        return np.zeros(0)
    ends = to_grid_crs(network.lonlat)
    a, b = ends[network.seg_a], ends[network.seg_b]
    return max_along_segments(grid, a[:, 0], a[:, 1], b[:, 0], b[:, 1])


def speeds_after_classes(network, classes, factors):
    """Segment speeds (km/h; 0 impassable) once each class's factor applies.

    ``factors``: {class code: speed factor}; classes not listed keep their speed.
    """
    factor = np.ones(len(classes))
    for code, value in factors.items():
        factor[classes == code] = float(value)
    factor[network.bridge] = 1.0
    return network.speed_kmh * factor


def speeds_after_depth(network, depth_m, profile_name, walk_max_depth_m=WALK_MAX_DEPTH_M, min_depth_m=0.0):
    """Segment speeds (km/h; 0 impassable) in ``depth_m`` metres of water per segment."""
    depth = np.where(np.isfinite(depth_m) & (depth_m > min_depth_m), depth_m, 0.0)
    depth[network.bridge] = 0.0
    speed = network.speed_kmh.copy()
    if profile_name == "drive":
        wet = depth > 0
        speed[wet] = np.minimum(speed[wet], pregnolato_speed_kmh(depth[wet]))
    else:
        speed[depth > walk_max_depth_m] = 0.0
    return speed


@dataclass
class FloodCut:
    """The flood applied to one network, and the hazard that classifies points (shelters) with it.

    ``kind``: ``"zones"`` (hazard classes), ``"raster"`` (flood depths) or
    None (no hazard: ``cut_speed_kmh`` is the network's own speeds).
    ``segment_class``: highest hazard class each segment touches (zones only);
    ``segment_depth_m``: deepest pixel along each segment, NaN where dry
    (raster only). ``thresholds_m`` and ``min_depth_m`` are the depth classes
    of :func:`refuge.core.hazard.definitions.depth_classes`, used for points.
    """

    kind: Optional[str]
    cut_speed_kmh: np.ndarray
    segment_class: Optional[np.ndarray] = None
    segment_depth_m: Optional[np.ndarray] = None
    zones: Optional[ZoneIndex] = None
    grid: object = None
    to_grid: Optional[Callable] = None
    thresholds_m: tuple = ()
    min_depth_m: float = 0.0

    def points_hazard(self, lonlat):
        """(hazard class, depth m) of (N, 2) lon/lat points; class 0 and NaN where dry or no hazard.

        Points with a NaN coordinate (no geometry) are class 0. With zones a
        point takes the highest class of the zones it touches; with a raster,
        the class of the pixel under it (NaN depth off the raster: class 0).
        """
        lonlat = np.asarray(lonlat, dtype=np.float64).reshape(-1, 2)
        classes = np.zeros(len(lonlat), dtype=np.int64)
        depth = np.full(len(lonlat), np.nan)
        if self.kind is None or not len(lonlat):
            return classes, depth
        finite = np.isfinite(lonlat).all(axis=1)
        if self.kind == "zones":
            points = shapely.points(np.where(finite[:, None], lonlat, 0.0))
            classes = max_class(points, self.zones).astype(np.int64)
            classes[~finite] = 0
        else:
            xy = self.to_grid(np.where(finite[:, None], lonlat, np.nan))
            depth = sample_points(self.grid, xy[:, 0], xy[:, 1])
            classes = hazard_definitions.depth_classes(depth, self.thresholds_m, self.min_depth_m).astype(
                np.int64)
        return classes, depth


def no_cut(network):
    """The :class:`FloodCut` of a run without hazard: every segment keeps its speed."""
    return FloodCut(kind=None, cut_speed_kmh=network.speed_kmh.copy())


def cut_by_zones(network, profile_name, polygons, codes, crs=crs_tools.WGS84, factors=None):
    """The :class:`FloodCut` of hazard zones (polygons in ``crs`` with class codes; 0 is not a zone).

    ``factors``: {class code: speed factor} given by the user, over the
    profile's :data:`DEFAULT_CLASS_FACTORS`.
    """
    codes = np.asarray(codes)
    wet = codes > 0
    polygons = crs_tools.reproject(polygons, crs, crs_tools.WGS84)
    index = ZoneIndex.from_polygons(polygons[wet], codes[wet])
    chosen = dict(DEFAULT_CLASS_FACTORS[profile_name])
    chosen.update(factors or {})
    classes = segment_classes(network, index)
    return FloodCut(kind="zones", cut_speed_kmh=speeds_after_classes(network, classes, chosen),
                    segment_class=classes, zones=index)


def lonlat_to(crs):
    """A function mapping (N, 2) lon/lat rows to (N, 2) coordinates in ``crs`` (any pyproj input)."""
    transformer = pyproj.Transformer.from_crs("EPSG:4326", pyproj.CRS.from_user_input(crs), always_xy=True)

    def to_crs(lonlat):
        x, y = transformer.transform(lonlat[:, 0], lonlat[:, 1])
        return np.column_stack((x, y))

    return to_crs


def cut_by_depth(network, profile_name, grid, grid_crs, walk_max_depth_m=WALK_MAX_DEPTH_M,
                 thresholds_m=hazard_definitions.FLOOD.thresholds, min_depth_m=0.0):
    """The :class:`FloodCut` of a flood depth raster (``grid`` in CRS ``grid_crs``, depths in m)."""
    to_grid = lonlat_to(grid_crs)
    depth = segment_max_depth(network, grid, to_grid)
    return FloodCut(kind="raster",
                    cut_speed_kmh=speeds_after_depth(network, depth, profile_name, walk_max_depth_m,
                                                     min_depth_m),
                    segment_depth_m=depth, grid=grid, to_grid=to_grid, thresholds_m=tuple(thresholds_m),
                    min_depth_m=min_depth_m)
