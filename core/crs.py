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
