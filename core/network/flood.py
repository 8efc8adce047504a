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

import numpy as np

from ..hazard.index import max_class
from ..raster.sampling import max_along_segments

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
