"""Clean classified hazard zones: classify, repair, resolve overlaps, clip.

The result is one (Multi)Polygon per exposed class, the classes disjoint: where
zones of several classes overlap, the highest class wins. All geometries
share one CRS (the caller's); nothing here reprojects.
"""

from dataclasses import dataclass, field

import numpy as np

from ..errors import MissingDependencyError
from ..polygons import polygonal, repaired_polygonal
from .definitions import NOT_EXPOSED

try:
    import shapely
    from osgeo import gdal, ogr
except ImportError as exc:  # pragma: no cover
    shapely = gdal = ogr = None
    _ERROR = str(exc)

@dataclass
class ZoneClassification:
    """Per input zone: class code (or -1 when rejected) and repaired geometry."""

    classes: np.ndarray
    geometries: np.ndarray
    repaired: np.ndarray
    rejects: list = field(default_factory=list)  # (index, reason code, value)


def _require():
    if shapely is None:
        raise MissingDependencyError("shapely / GDAL", _ERROR)


def classify_zones(geometries, values, value_map):
    """Class code of each zone from its field value through ``value_map``.

    Invalid polygons are repaired (GEOS make_valid, polygonal part kept);
    zones whose value the map does not cover, or without a polygon, are
    rejected with a reason code: ``empty_geometry``, ``invalid_geometry``, ``unmapped_value`` or
    ``not_polygon`` (their labels are in processing/labels.py).
    """
    _require()
    geometries = np.asarray(geometries, dtype=object)
    count = len(geometries)
    classes = np.full(count, -1, dtype=np.int16)
    repaired = np.zeros(count, dtype=bool)
    cleaned = np.empty(count, dtype=object)
    rejects = []
    for index in range(count):
        geometry, value = geometries[index], values[index]
        if geometry is None or geometry.is_empty:
            rejects.append((index, "empty_geometry", value))
            continue
        if geometry.geom_type not in ("Polygon", "MultiPolygon"):
            rejects.append((index, "not_polygon", value))
            continue
        code = value_map.classify(value)
        if code is None:
            rejects.append((index, "unmapped_value", value))
            continue
        if not geometry.is_valid:
            geometry = repaired_polygonal(geometry)
            repaired[index] = True
            if geometry.is_empty:
                rejects.append((index, "invalid_geometry", value))
                continue
        classes[index] = code
        cleaned[index] = geometry
    return ZoneClassification(classes, cleaned, repaired, rejects)


def resolve_overlaps(geometries, classes, area=None):
    """{class code: MultiPolygon} of exposed classes, disjoint, highest class winning.

    ``area``: optional polygon to clip to. Not-exposed (0) and rejected (-1)
    zones are ignored: where a dry zone overlaps a wet one, the wet one wins.
    """
    _require()
    geometries = np.asarray(geometries, dtype=object)
    classes = np.asarray(classes)
    result = {}
    higher = None
    for code in sorted({int(c) for c in classes if c > NOT_EXPOSED}, reverse=True):
        union = shapely.union_all(geometries[classes == code])
        if area is not None:
            union = shapely.intersection(union, area)
        if higher is not None:
            union = shapely.difference(union, higher)
        union = polygonal(union)
        if not union.is_empty:
            result[code] = union
            higher = union if higher is None else shapely.union(higher, union)
    return result


def polygonize_classes(class_grid, geotransform):
    """{class code: MultiPolygon} from a classified grid (int codes, 0 = dry).

    Pixel-exact boundaries with GDAL's polygonize (8-connectivity off: pixels
    touching at a corner are separate polygons), in the grid's CRS.
    """
    _require()
    rows, cols = class_grid.shape
    raster = gdal.GetDriverByName("MEM").Create("", cols, rows, 1, gdal.GDT_Byte)
    raster.SetGeoTransform(tuple(geotransform))
    band = raster.GetRasterBand(1)
    band.WriteArray(class_grid.astype(np.uint8))
    band.SetNoDataValue(0)
    vectors = ogr.GetDriverByName("Memory").CreateDataSource("zones")
    layer = vectors.CreateLayer("zones", None, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("code", ogr.OFTInteger))
    gdal.Polygonize(band, band, layer, 0, [])
    by_code = {}
    for feature in layer:
        geometry = shapely.from_wkb(bytes(feature.GetGeometryRef().ExportToWkb()))
        by_code.setdefault(feature.GetField("code"), []).append(geometry)
    return {code: polygonal(shapely.union_all(parts)) for code, parts in sorted(by_code.items())
            if code > NOT_EXPOSED}
