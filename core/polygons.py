"""Vectorised facts about simple polygons, read straight from their coordinates.

Most building footprints are single polygons without holes, and most of those
are convex (rectangles). For them, numpy over the coordinate array answers
what GEOS would answer one geometry at a time, without creating a shapely
object per building (which is what makes ``shapely.centroid`` and
``shapely.is_valid`` cost about a microsecond each):

- the area and the centroid's y coordinate (shoelace formula, coordinates
  taken relative to each ring's first vertex so that small rings far from
  the origin keep their precision, as GEOS does);
- whether the polygon is *certainly* valid: its ring turns the same way at
  every vertex, by a margin far above rounding error, and turns once in all.
  Such a ring is strictly convex, hence simple, hence a valid polygon for
  GEOS. Anything else (concave, nearly flat corners, repeated points, holes,
  several parts, non-finite coordinates) is left to GEOS.

Coordinates are in the polygons' own CRS (degrees for EPSG:4326); areas are
in square units of that CRS.
"""

from dataclasses import dataclass

import numpy as np

try:
    import shapely
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    shapely = None

_EPSILON = 2.0 ** -52  # the spacing of doubles near 1
_MARGIN = 64.0  # a turn is certain beyond this many times its rounding error's bound


@dataclass
class SimpleRings:
    """Facts about the single-ring polygons among some geometries.

    ``simple``: mask over the geometries (Polygons without holes, of at least
    4 coordinates); the arrays below have one entry per True in it, in order.
    """

    simple: np.ndarray
    area: np.ndarray  # square units of the CRS, >= 0
    centroid_y: np.ndarray  # NaN for a ring of zero area
    certainly_valid: np.ndarray


def simple_rings(geometries):
    """:class:`SimpleRings` of ``geometries`` (any types; only hole-free Polygons are read)."""
    geometries = np.asarray(geometries, dtype=object)
    simple = (shapely.get_type_id(geometries) == 3) & (shapely.get_num_interior_rings(geometries) == 0)
    counts = shapely.get_num_coordinates(geometries)
    simple &= counts >= 4
    counts = counts[simple]
    empty = np.zeros(0)
    if not len(counts):
        return SimpleRings(simple, empty, empty, np.zeros(0, dtype=bool))
    xy = shapely.get_coordinates(geometries[simple])
    x, y = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    ends = np.cumsum(counts)
    starts = ends - counts
    ring = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    # Relative to each ring's first vertex: the products below stay as precise as the ring is small.
    x0, y0 = x[starts], y[starts]
    xr, yr = x - x0[ring], y - y0[ring]
    # Edge k joins coordinate k to k+1; the edges from a ring's last coordinate to the next ring's
    # first are not edges and weigh zero. A ring's last coordinate repeats its first.
    cross = np.empty(len(x))
    np.subtract(xr[:-1] * yr[1:], xr[1:] * yr[:-1], out=cross[:-1])
    cross[ends - 1] = 0.0
    twice_area = np.add.reduceat(cross, starts)
    y_pairs = np.empty(len(x))
    np.add(yr[:-1], yr[1:], out=y_pairs[:-1])
    y_pairs[-1] = 0.0
    moment_y = np.add.reduceat(cross * y_pairs, starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        centroid_y = y0 + moment_y / (3.0 * twice_area)
    centroid_y[twice_area == 0] = np.nan
    valid = _certainly_convex(x, y, starts, ends)
    return SimpleRings(simple, np.abs(twice_area) / 2.0, centroid_y, valid)


def _certainly_convex(x, y, starts, ends):
    """Rings whose every turn has the same sign for sure and whose turns add up to one full turn.

    An edge vector is the difference of two coordinates, each component off by
    at most one rounding (relative eps = 2**-52); a turn (cross product
    a_x b_y - a_y b_x of consecutive edges) is then off by at most about
    3 eps (|a_x b_y| + |a_y b_x|). A turn counts only beyond 64 times that,
    so its computed sign is its true sign, the one GEOS's exact predicates see.
    """
    # Edge k: coordinate k to k + 1 (at a ring's last coordinate it crosses to the next ring).
    ex, ey = np.diff(x), np.diff(y)
    # Entry k - 1 below: the turn at coordinate k, from edge k - 1 to edge k. That is a ring's
    # turn at its vertex k, except at its first coordinate (whose arriving edge is the ring's
    # last edge: recomputed below) and at its last one (a repeat of the first, not a vertex).
    ab, ba = ex[:-1] * ey[1:], ey[:-1] * ex[1:]
    along = ex[:-1] * ex[1:] + ey[:-1] * ey[1:]
    first_ab, first_ba = ex[ends - 2] * ey[starts], ey[ends - 2] * ex[starts]
    first_along = ex[ends - 2] * ex[starts] + ey[ends - 2] * ey[starts]
    # Shifted by one so that entry k is coordinate k: prepend the first coordinate's turn.
    ab, ba = np.concatenate(([0.0], ab, [0.0])), np.concatenate(([0.0], ba, [0.0]))
    along = np.concatenate(([0.0], along, [0.0]))
    ab[starts], ba[starts], along[starts] = first_ab, first_ba, first_along
    turn = ab - ba
    bound = _MARGIN * 3.0 * _EPSILON * (np.abs(ab) + np.abs(ba))
    with np.errstate(invalid="ignore"):
        left = turn > bound
        right = turn < -bound
        angle = np.arctan2(turn, along)
    left[ends - 1] = right[ends - 1] = True  # not vertices: no say
    angle[ends - 1] = 0.0
    not_left = np.add.reduceat(~left, starts)
    not_right = np.add.reduceat(~right, starts)
    turning = np.add.reduceat(angle, starts)
    once = np.abs(np.abs(turning) - 2.0 * np.pi) < 1.0  # not twice round (a star) or more
    return ((not_left == 0) | (not_right == 0)) & once


def polygon_parts(geometry):
    """The non-EMPTY polygons of ``geometry``, nested collections flattened.

    GEOS's make_valid, an intersection or a union may return lines and points
    beside the polygons (a bow-tie's crossing, two squares touching at a
    corner): the areas are what every caller keeps.
    """
    if geometry is None or geometry.is_empty:
        return []
    kind = shapely.get_type_id(geometry)
    if kind == 3:  # Polygon
        return [geometry]
    if kind in (6, 7):  # MultiPolygon, GeometryCollection
        return [leaf for part in shapely.get_parts(geometry) for leaf in polygon_parts(part)]
    return []


def polygonal(geometry, single=False):
    """The polygons of ``geometry`` as one MultiPolygon (EMPTY when there are none).

    With ``single``, one polygon is returned as a Polygon: the footprint of a
    feature keeps the type it had.
    """
    parts = polygon_parts(geometry)
    if single and len(parts) == 1:
        return parts[0]
    return shapely.MultiPolygon(parts)


def repaired_polygonal(geometry, single=False):
    """``geometry`` repaired (GEOS make_valid) and reduced to its polygons: the one polygon repair."""
    return polygonal(shapely.make_valid(geometry), single=single)
