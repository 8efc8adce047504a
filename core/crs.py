"""Reprojection of shapely geometry arrays with pyproj (the PROJ QGIS links)."""

import numpy as np

from .errors import MissingDependencyError

try:
    import pyproj
    import shapely
except ImportError as exc:  # pragma: no cover
    pyproj = shapely = None
    _ERROR = str(exc)

WGS84 = "EPSG:4326"


def same_crs(a, b):
    return pyproj.CRS.from_user_input(a) == pyproj.CRS.from_user_input(b)


def reproject(geometries, source, target):
    """Geometries from CRS ``source`` to ``target`` (any pyproj input: WKT, 'EPSG:n').

    Coordinates are handled as (x, y) = (easting or longitude, northing or
    latitude), as in QGIS, whatever the CRS's official axis order.
    """
    if pyproj is None:
        raise MissingDependencyError("pyproj", _ERROR)
    geometries = np.asarray(geometries, dtype=object)
    if not len(geometries) or same_crs(source, target):
        return geometries
    transformer = pyproj.Transformer.from_crs(source, target, always_xy=True)

    def transform(xy):
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack((x, y))

    return shapely.transform(geometries, transform)


_LATITUDE_SLACK = 1e-6  # degrees beyond the poles still taken as on them (rounding)
_LONGITUDE_LIMIT = 540.0  # longitudes written 0..360 or across the antimeridian, not 1e20


def placeable(geometries, crs):
    """Boolean per geometry: its bounding box's corners reach WGS 84 longitudes and latitudes.

    A coordinate that a CRS cannot place (a longitude of 1e20 degrees, an easting far outside a
    projection's domain) turns infinite or NaN once reprojected, and GEOS then stops on it
    ("encountered NaN/Inf numbers"). Missing geometries count as placeable (they are reported
    apart). The whole layer's extent is tried first, so a layer that fits costs one transform.
    """
    if pyproj is None:
        raise MissingDependencyError("pyproj", _ERROR)
    geometries = np.asarray(geometries, dtype=object)
    result = np.ones(len(geometries), dtype=bool)
    present = np.flatnonzero(~shapely.is_missing(geometries))
    if not len(present):
        return result
    transformer = pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)

    def reached(bounds):
        lon, lat = transformer.transform(np.r_[bounds[:, 0], bounds[:, 2]], np.r_[bounds[:, 1], bounds[:, 3]],
                                         errcheck=False)
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90 + _LATITUDE_SLACK) & \
            (np.abs(lon) <= _LONGITUDE_LIMIT)
        return ok[:len(bounds)] & ok[len(bounds):]

    with np.errstate(all="ignore"):
        if reached(np.asarray([shapely.total_bounds(geometries[present])]))[0]:
            return result
        result[present] = reached(shapely.bounds(geometries[present]))
    return result
