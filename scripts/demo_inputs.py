"""Illustrative hazard and census for the demo, derived from the extracted OSM layers.

Not real hazard data: a flood depth raster that is 2 m deep at the water's
edge and falls by 1 m every 75 m inland, and a 4 x 4 grid of units holding
2,000 residents each. They exist only so that `make demo` runs the whole
pipeline offline on data the project can ship.
"""

import sys

import numpy as np
import shapely
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
PIXEL_DEG = 0.0001  # about 11 m north-south, 5.5 m east-west at Helsinki


def water(gpkg):
    dataset = ogr.Open(gpkg)
    geometries = []
    for name in ("water_areas", "waterways"):
        layer = dataset.GetLayerByName(name)
        for feature in layer or []:
            geometry = feature.GetGeometryRef()
            if geometry is not None:
                geometries.append(shapely.from_wkb(bytes(geometry.ExportToWkb())))
    extent = dataset.GetLayerByName("buildings").GetExtent()  # west, east, south, north
    return shapely.union_all(geometries), extent


def depth_raster(water_union, extent, path):
    west, east, south, north = extent
    cols = int(np.ceil((east - west) / PIXEL_DEG))
    rows = int(np.ceil((north - south) / PIXEL_DEG))
    xs = west + (np.arange(cols) + 0.5) * PIXEL_DEG
    ys = north - (np.arange(rows) + 0.5) * PIXEL_DEG
    grid_x, grid_y = np.meshgrid(xs, ys)
    centres = shapely.points(grid_x.ravel(), grid_y.ravel())
    # Distance in degrees to metres, roughly (cos(60.17°) for longitudes).
    distance_deg = shapely.distance(centres, water_union).reshape(rows, cols)
    distance_m = distance_deg * 111_320 * np.cos(np.radians((south + north) / 2))
    depth = np.clip(2.0 - distance_m / 75.0, 0.0, None).astype(np.float32)
    driver = gdal.GetDriverByName("GTiff")
    raster = driver.Create(path, cols, rows, 1, gdal.GDT_Float32, ["COMPRESS=DEFLATE"])
    raster.SetGeoTransform((west, PIXEL_DEG, 0, north, 0, -PIXEL_DEG))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    raster.SetProjection(srs.ExportToWkt())
    band = raster.GetRasterBand(1)
    band.WriteArray(depth)
    band.SetNoDataValue(-9999)
    raster = None


def census_grid(extent, path, residents=2000):
    west, east, south, north = extent
    driver = ogr.GetDriverByName("GPKG")
    dataset = driver.CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    layer = dataset.CreateLayer("units", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("name", ogr.OFTString))
    layer.CreateField(ogr.FieldDefn("residents", ogr.OFTReal))
    xs = np.linspace(west, east, 5)
    ys = np.linspace(south, north, 5)
    for row in range(4):
        for col in range(4):
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetField("name", f"{'ABCD'[row]}{col + 1}")
            feature.SetField("residents", residents)
            box = shapely.box(xs[col], ys[row], xs[col + 1], ys[row + 1])
            feature.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(box)))
            layer.CreateFeature(feature)
    dataset = None


def main(osm_gpkg, depth_path, units_path):
    water_union, extent = water(osm_gpkg)
    depth_raster(water_union, extent, depth_path)
    census_grid(extent, units_path)


if __name__ == "__main__":
    main(*sys.argv[1:4])
