"""Synthetic data writers shared by the benchmarks, and small readers of their GeoPackages.

Every file is written once under bench/work and kept: through a temporary file moved into place,
so that an interrupted run never leaves a half-written file that a later run would take as data.
"""

import contextlib
import math
import os
import shutil
import sqlite3
from pathlib import Path

SIDECARS = ("-wal", "-shm", ".aux.xml")


def remove(*paths):
    """Delete files (or folders) and their sqlite/GDAL sidecars, when present."""
    for path in paths:
        for candidate in (Path(path), *(Path(str(path) + suffix) for suffix in SIDECARS)):
            if candidate.is_dir():
                shutil.rmtree(candidate)
            elif candidate.exists():
                candidate.unlink()


def metres_per_degree(lat):
    """Metres per degree of longitude and of latitude at ``lat`` (WGS 84 series)."""
    phi = math.radians(lat)
    lat_m = 111132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    lon_m = 111412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi)
    return lon_m, lat_m


def rectangle_rings_m(cx, cy, widths, heights, angles):
    """Closed rings (x, y, metres; arrays of shape (n, 5)) of rectangles centred on (cx, cy),
    ``widths`` x ``heights``, rotated by ``angles`` (radians)."""
    import numpy as np

    corners = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5]])
    dx = corners[None, :, 0] * widths[:, None]
    dy = corners[None, :, 1] * heights[:, None]
    cos, sin = np.cos(angles)[:, None], np.sin(angles)[:, None]
    x = cx[:, None] + dx * cos - dy * sin
    y = cy[:, None] + dx * sin + dy * cos
    return x, y


def wgs84():
    """EPSG:4326 in longitude, latitude order."""
    from osgeo import osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


@contextlib.contextmanager
def new_layer(path, layer_name, geometry_type, fields, srs=None):
    """A new GeoPackage layer to fill in one transaction: ``with new_layer(...) as layer:``.

    ``fields``: {name: OGR field type}, in order; ``srs`` defaults to EPSG:4326. The file is
    written under a temporary name and moved to ``path`` once complete.
    """
    from osgeo import ogr

    ogr.UseExceptions()
    temporary = path.with_suffix(".tmp.gpkg")
    remove(temporary)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(temporary))
    layer = dataset.CreateLayer(layer_name, srs or wgs84(), geometry_type)
    for name, kind in fields.items():
        layer.CreateField(ogr.FieldDefn(name, kind))
    layer.StartTransaction()
    yield layer
    layer.CommitTransaction()
    layer = dataset = None
    os.replace(temporary, path)


def write_features(layer, geometries, columns):
    """Add one feature per OGR geometry, with ``columns`` (lists of values, in the layer's field
    order; None leaves the field NULL)."""
    from osgeo import ogr

    definition = layer.GetLayerDefn()
    for position, geometry in enumerate(geometries):
        feature = ogr.Feature(definition)
        for index, column in enumerate(columns):
            if column[position] is not None:
                feature.SetField(index, column[position])
        feature.SetGeometryDirectly(geometry)
        layer.CreateFeature(feature)


def write_polygons(path, layer_name, geometries, fields):
    """Shapely polygons with integer or string fields ({name: values})."""
    import shapely
    from osgeo import ogr

    kinds = {name: ogr.OFTString if isinstance(values[0], str) else ogr.OFTInteger
             for name, values in fields.items()}
    columns = [[v if isinstance(v, str) else int(v) for v in values] for values in fields.values()]
    with new_layer(path, layer_name, ogr.wkbPolygon, kinds) as layer:
        wkbs = shapely.to_wkb(geometries)
        write_features(layer, (ogr.CreateGeometryFromWkb(wkb) for wkb in wkbs), columns)


def write_points(path, layer_name, lon, lat, fields):
    """Points (EPSG:4326) with integer (64-bit), real or string fields ({name: values})."""
    import numpy as np
    from osgeo import ogr

    def kind(values):
        kind = np.asarray(values).dtype.kind
        return ogr.OFTInteger64 if kind in "iu" else ogr.OFTReal if kind == "f" else ogr.OFTString

    def points():
        for x, y in zip(np.asarray(lon).tolist(), np.asarray(lat).tolist()):
            point = ogr.Geometry(ogr.wkbPoint)
            point.AddPoint_2D(x, y)
            yield point

    kinds = {name: kind(values) for name, values in fields.items()}
    columns = [np.asarray(values).tolist() for values in fields.values()]
    with new_layer(path, layer_name, ogr.wkbPoint, kinds) as layer:
        write_features(layer, points(), columns)
    return path


@contextlib.contextmanager
def new_geotiff(path, width, height, geotransform, nodata, options=()):
    """A new float32 GeoTIFF band (EPSG:4326, tiled 256 x 256, DEFLATE with the floating-point
    predictor, plus ``options``) to write: ``with new_geotiff(...) as band:``."""
    from osgeo import gdal, osr

    gdal.UseExceptions()
    temporary = path.with_suffix(".tmp.tif")
    dataset = gdal.GetDriverByName("GTiff").Create(
        str(temporary), width, height, 1, gdal.GDT_Float32,
        ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=3", *options])
    dataset.SetGeoTransform(geotransform)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    dataset.SetProjection(srs.ExportToWkt())
    band = dataset.GetRasterBand(1)
    band.SetNoDataValue(nodata)
    yield band
    band.FlushCache()
    band = dataset = None
    os.replace(temporary, path)


def read_only(path):
    """A read-only sqlite connection to a GeoPackage (plain SQLite, no GDAL)."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def gpkg_table(path):
    """Name of the first feature table of a GeoPackage."""
    with read_only(path) as db:
        return db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()[0]
