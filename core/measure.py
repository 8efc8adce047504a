"""Lengths and areas in metres, from geometries in EPSG:4326 (lon, lat degrees).

Lengths are geodesic, on the WGS 84 ellipsoid (pyproj.Geod): exact whatever
the latitude. Areas are planar in a Lambert azimuthal equal-area projection
centred on the data, which preserves areas; over a city or a region the
difference with geodesic areas is far below 0.1 %.
"""

import numpy as np

from .errors import MissingDependencyError

try:
    import pyproj
    import shapely
except ImportError as exc:  # pragma: no cover
    pyproj = shapely = None
    _ERROR = str(exc)

_GEOD = None


def _require():
    if pyproj is None:
        raise MissingDependencyError("pyproj", _ERROR)


def lengths_m(lines):
    """Geodesic length in metres of each (Multi)LineString, WGS 84 ellipsoid."""
    _require()
    global _GEOD
    if _GEOD is None:
        _GEOD = pyproj.Geod(ellps="WGS84")
    lines = np.asarray(lines, dtype=object)
    result = np.zeros(len(lines))
    if not len(lines):
        return result
    parts, owner = shapely.get_parts(lines, return_index=True)
    coords, part_of_vertex = shapely.get_coordinates(parts, return_index=True)
    if len(coords) < 2:
        return result
    same_part = part_of_vertex[1:] == part_of_vertex[:-1]
    start, end = coords[:-1][same_part], coords[1:][same_part]
    _, _, segment = _GEOD.inv(start[:, 0], start[:, 1], end[:, 0], end[:, 1])
    np.add.at(result, owner[part_of_vertex[1:][same_part]], segment)
    return result


def equal_area_crs(geometries):
    """A Lambert azimuthal equal-area CRS centred on the geometries' bounds."""
    _require()
    west, south, east, north = shapely.total_bounds(geometries)
    lon = (west + east) / 2 if np.isfinite(west) else 0.0
    lat = (south + north) / 2 if np.isfinite(south) else 0.0
    return pyproj.CRS.from_proj4(f"+proj=laea +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")


def to_equal_area(geometries, crs=None):
    """Geometries projected from EPSG:4326 to ``crs`` (default: centred LAEA)."""
    _require()
    geometries = np.asarray(geometries, dtype=object)
    crs = crs or equal_area_crs(geometries)
    transformer = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return shapely.transform(geometries, lambda xy: np.column_stack(
        transformer.transform(xy[:, 0], xy[:, 1]))), crs


def areas_m2(polygons, crs=None):
    """Area in square metres of each polygon given in EPSG:4326."""
    polygons = np.asarray(polygons, dtype=object)
    if not len(polygons):
        return np.zeros(0)
    projected, _ = to_equal_area(polygons, crs)
    return shapely.area(projected)
