"""Small geometry helpers shared by the adapters (WKB in, shapely out)."""

from .errors import EmptyAreaError

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
