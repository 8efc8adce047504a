"""Where a household, shelter or facility joins the network: one point inside each feature."""

import numpy as np

from .. import crs as crs_tools

try:
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    shapely = None


def representative_lonlat(geometries, crs):
    """(N, 2) lon/lat of a point inside each geometry (in ``crs``); NaN rows for missing or empty ones.

    A building polygon is represented by a point GEOS guarantees inside it
    (``point_on_surface``), not its centroid, which may fall outside an L- or
    U-shaped building, even in the neighbour's.
    """
    geometries = np.asarray(geometries, dtype=object)
    points = np.full((len(geometries), 2), np.nan)
    present = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    if present.any():
        inside = shapely.point_on_surface(geometries[present])
        inside = crs_tools.reproject(inside, crs, crs_tools.WGS84)
        points[present] = shapely.get_coordinates(inside)
    return points
