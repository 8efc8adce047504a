"""Small geometry helpers shared by the adapters (WKB in, shapely out)."""

import numpy as np

from . import threads
from .errors import EmptyAreaError
from .polygons import simple_rings

try:
    import shapely
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    shapely = None


def union_wkb(wkb_items):
    """Union of polygons given as WKB bytes, repaired if invalid.

    Returns a shapely geometry, or raises :class:`EmptyAreaError` when
    nothing polygonal remains.
    """
    geometries = shapely.from_wkb([bytes(w) for w in wkb_items if w])
    if len(geometries) == 0:
        raise EmptyAreaError()
    geometries = shapely.make_valid(geometries)
    area = shapely.union_all(geometries)
    if area.is_empty or area.area == 0:
        raise EmptyAreaError()
    return area


def box(west, south, east, north):
    """Rectangle polygon from bounds (degrees, EPSG:4326 for OSM use)."""
    if not (west < east and south < north):
        raise EmptyAreaError()
    return shapely.box(west, south, east, north)


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
