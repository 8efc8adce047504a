"""Small geometry helpers shared by the adapters (WKB in, shapely out)."""

import numpy as np

from . import threads
from .polygons import simple_rings

try:
    import shapely
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    shapely = None


def repair(geometries):
    """(geometries, repaired, rings): invalid geometries repaired with GEOS make_valid.

    ``repaired`` is how many were invalid. Polygons that are certainly valid
    (strictly convex rings, see :mod:`refuge.core.polygons`) skip GEOS's
    validity check, most building footprints among them. ``rings``: the
    :class:`~refuge.core.polygons.SimpleRings` of the returned geometries (the
    repaired ones are not counted as simple), for callers that measure them.
    Missing geometries (None) are left as they are. The input array is not modified.
    """
    geometries = np.array(geometries, dtype=object)
    rings = simple_rings(geometries)
    unknown = ~shapely.is_missing(geometries)  # missing geometries stay missing, not "repaired"
    unknown[np.flatnonzero(rings.simple)[rings.certainly_valid]] = False
    invalid = np.zeros(len(geometries), dtype=bool)
    if unknown.any():
        invalid[unknown] = ~threads.elementwise(shapely.is_valid, geometries[unknown])
    if invalid.any():
        geometries[invalid] = shapely.make_valid(geometries[invalid])
        still_simple = ~invalid[rings.simple]
        rings.simple = rings.simple & ~invalid
        rings.area = rings.area[still_simple]
        rings.centroid_y = rings.centroid_y[still_simple]
        rings.certainly_valid = rings.certainly_valid[still_simple]
    return geometries, int(invalid.sum()), rings


def lonlat_bounds(geometries, crs):
    """(west, south, east, north) in WGS 84 of the present ``geometries`` (in ``crs``), or None.

    The bounding box is densified before it is reprojected, so that it still
    holds the geometries in a projection that bends its edges.
    """
    from . import crs as crs_tools

    geometries = np.asarray(geometries, dtype=object)
    present = geometries[~shapely.is_missing(geometries)]
    if not len(present):
        return None
    west, south, east, north = shapely.total_bounds(present)
    if not np.isfinite([west, south, east, north]).all():
        return None
    # The box's outline as a line: a layer whose extent is itself a line (roads along y=0) or a point
    # still has one.
    outline = shapely.LineString([(west, south), (east, south), (east, north), (west, north), (west, south)])
    step = max(east - west, north - south) / 16
    try:
        if step > 0:
            outline = shapely.segmentize(outline, step)
        projected = crs_tools.reproject([outline], crs, crs_tools.WGS84)[0]
    except shapely.errors.GEOSException:
        return None  # coordinates too large to densify (1e200): no extent worth comparing
    bounds = shapely.bounds(projected)
    return tuple(float(v) for v in bounds) if np.isfinite(bounds).all() else None


_METRES_PER_DEGREE = 111_320.0


def bounds_gap_m(a, b):
    """About how many metres separate two lon/lat boxes (0 when they overlap or touch).

    For warnings ("the layers are 10,000 km apart"), not for measuring: the
    gap in longitude is taken at the latitude where the boxes are closest.
    """
    if a is None or b is None:
        return 0.0
    gap_lon = max(0.0, a[0] - b[2], b[0] - a[2])
    gap_lat = max(0.0, a[1] - b[3], b[1] - a[3])
    latitude = min(abs(a[1]), abs(a[3]), abs(b[1]), abs(b[3]))
    scale = np.cos(np.radians(min(latitude, 89.0)))
    return float(_METRES_PER_DEGREE * np.hypot(gap_lon * scale, gap_lat))
