"""Raster sampling: hand-computed cases, GEOS and GDAL as independent references.

The synthetic grid is 4 x 4 pixels of 10 m, origin (1000, 2000), EPSG:32748;
pixel (row, col) is the square x in [1000 + 10 col, 1010 + 10 col],
y in [1990 - 10 row, 2000 - 10 row], and holds 10 * row + col + 1, so every
pixel has its own value and a neighbour's value never equals the expected one.
"""

import math

import numpy as np
import pytest
import shapely
from conftest import shared_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from osgeo import gdal, ogr, osr
from refuge.core import errors
from refuge.core.raster.sampling import (
    RasterGrid,
    area_weighted_sum,
    classify,
    max_touched,
    read_raster,
    sample_points,
)

X0, Y0, SIZE = 1000.0, 2000.0, 10.0
GEOTRANSFORM = (X0, SIZE, 0.0, Y0, 0.0, -SIZE)
VALUES = 10.0 * np.arange(4)[:, None] + np.arange(4)[None, :] + 1.0
FLOOD_TIF = "hazard/jakarta/jakarta_flood_design.tif"
BUILDINGS_SHP = "exposure/jakarta/buildings.shp"

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.too_slow])


def write_raster(path, values, geotransform=GEOTRANSFORM, nodata=None, epsg=32748,
                 data_type=gdal.GDT_Float32, options=(), scale=None, offset=None):
    """Write ``values`` (2-D) as a one-band GeoTIFF with GDAL and return its path."""
    height, width = values.shape
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), width, height, 1, data_type,
                                                    options=list(options))
    if geotransform is not None:
        dataset.SetGeoTransform(geotransform)
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        dataset.SetProjection(srs.ExportToWkt())
    band = dataset.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(nodata)
    if scale is not None:
        band.SetScale(scale)
    if offset is not None:
        band.SetOffset(offset)
    band.WriteArray(values)
    dataset = None
    return str(path)


def pixel(row, col, margin=0.0):
    """The square of pixel (row, col) in map units, shrunk by ``margin`` metres."""
    return shapely.box(X0 + SIZE * col + margin, Y0 - SIZE * (row + 1) + margin,
                       X0 + SIZE * (col + 1) - margin, Y0 - SIZE * row - margin)


@pytest.fixture
def grid(tmp_path):
    return read_raster(write_raster(tmp_path / "grid.tif", VALUES))


def grid_of(values, geotransform=GEOTRANSFORM):
    return RasterGrid(np.asarray(values, dtype=np.float64), geotransform, "", None)


# ---------------------------------------------------------------- reading


def test_read_raster_values_georeferencing_and_nodata(tmp_path):
    values = VALUES.copy()
    values[1, 2] = -9999
    grid = read_raster(write_raster(tmp_path / "nodata.tif", values, nodata=-9999))
    # Float32 bands stay float32 (exact, half the memory of float64).
    assert grid.values.dtype == np.float32 and grid.values.shape == (4, 4)
    assert grid.geotransform == GEOTRANSFORM
    assert grid.nodata == -9999
    assert osr.SpatialReference(wkt=grid.crs_wkt).GetAuthorityCode(None) == "32748"
    assert np.isnan(grid.values[1, 2]) and np.isnan(grid.values).sum() == 1
    expected = VALUES.copy()
    expected[1, 2] = np.nan
    np.testing.assert_array_equal(grid.values, expected)


def test_read_raster_without_nodata_or_crs(tmp_path):
    grid = read_raster(write_raster(tmp_path / "plain.tif", VALUES, epsg=None))
    assert grid.nodata is None
    assert grid.crs_wkt == ""
    np.testing.assert_array_equal(grid.values, VALUES)


def test_float32_nodata_is_matched_in_float32(tmp_path):
    # 0.1 is not a float32: the stored nodata pixels hold float32(0.1), which
    # differs from the float64 0.1 GDAL reports as the nodata value.
    values = np.array([[0.1, 0.2], [0.3, 0.1]])
    grid = read_raster(write_raster(tmp_path / "f32.tif", values, nodata=0.1))
    assert np.isnan(grid.values).sum() == 2
    assert grid.values[0, 1] == np.float32(0.2)


def test_scale_and_offset_are_applied(tmp_path):
    stored = np.array([[0, 150], [-20, 1000]], dtype=np.int16)
    grid = read_raster(write_raster(tmp_path / "scaled.tif", stored, nodata=-20,
                                    data_type=gdal.GDT_Int16, scale=0.01, offset=0.5))
    np.testing.assert_allclose(grid.values, [[0.5, 2.0], [np.nan, 10.5]])


def test_alpha_band_masks_pixels(tmp_path):
    path = str(tmp_path / "alpha.tif")
    dataset = gdal.GetDriverByName("GTiff").Create(path, 2, 1, 2, gdal.GDT_Byte, options=["ALPHA=YES"])
    dataset.SetGeoTransform(GEOTRANSFORM)
    dataset.GetRasterBand(1).WriteArray(np.array([[7, 9]]))
    dataset.GetRasterBand(2).WriteArray(np.array([[255, 0]]))
    dataset = None
    np.testing.assert_array_equal(read_raster(path).values, [[7.0, np.nan]])


def test_read_raster_typed_errors(tmp_path):
    with pytest.raises(errors.FileNotFound):
        read_raster(tmp_path / "absent.tif")
    text = tmp_path / "notes.tif"
    text.write_text("not a raster")
    with pytest.raises(errors.RasterReadError) as caught:
        read_raster(text)
    assert caught.value.path == str(text)
    with pytest.raises(errors.RasterBandError) as caught:
        read_raster(write_raster(tmp_path / "one.tif", VALUES), band=2)
    assert (caught.value.band, caught.value.band_count) == (2, 1)
    rotated = (X0, SIZE, 2.0, Y0, 1.0, -SIZE)
    with pytest.raises(errors.RotatedRasterError) as caught:
        read_raster(write_raster(tmp_path / "rotated.tif", VALUES, geotransform=rotated))
    assert caught.value.geotransform == rotated
    with pytest.raises(errors.UngeoreferencedRasterError):
        read_raster(write_raster(tmp_path / "bare.tif", VALUES, geotransform=None, epsg=None))


def test_vector_file_is_not_a_raster():
    with pytest.raises(errors.RasterReadError):
        read_raster(shared_file(BUILDINGS_SHP))


def test_typed_errors_also_when_gdal_exceptions_are_enabled(tmp_path):
    text = tmp_path / "notes.tif"
    text.write_text("not a raster")
    was_using = gdal.GetUseExceptions()
    gdal.UseExceptions()
    try:
        with pytest.raises(errors.RasterReadError):
            read_raster(text)
    finally:
        if not was_using:
            gdal.DontUseExceptions()


# ---------------------------------------------------------------- points


def test_sample_points_centres_edges_outside_and_nodata(tmp_path):
    values = VALUES.copy()
    values[3, 3] = -1
    grid = read_raster(write_raster(tmp_path / "points.tif", values, nodata=-1))
    x = np.array([1015.0, 1020.0, 1000.0, 1039.999, 1040.0, 999.0, 1035.0, 1015.0, np.nan])
    y = np.array([1985.0, 1985.0, 2000.0, 1960.001, 1985.0, 1985.0, 1980.0, 1960.0, 1985.0])
    expected = [
        VALUES[1, 1],  # pixel centre
        VALUES[1, 2],  # on the edge between columns 1 and 2: the pixel to the right, as GDAL
        VALUES[0, 0],  # the grid's top-left corner
        np.nan,  # inside the bottom-right pixel, which is nodata
        np.nan,  # on the grid's right edge: outside
        np.nan,  # left of the grid
        VALUES[2, 3],  # on the edge between rows 1 and 2: row 2, below it in the image, as GDAL
        np.nan,  # on the grid's bottom edge: outside
        np.nan,  # no coordinate
    ]
    np.testing.assert_array_equal(sample_points(grid, x, y), expected)
    assert sample_points(grid, 1005.0, 1995.0) == VALUES[0, 0]


# ---------------------------------------------------------------- max touched


def test_polygon_covering_exactly_one_pixel_touches_only_it(grid):
    # Its outline lies on the neighbours' edges: they share an edge, not area.
    assert max_touched(grid, [pixel(1, 1)])[0] == VALUES[1, 1]
    assert max_touched(grid, [pixel(1, 1, margin=2.0)])[0] == VALUES[1, 1]


def test_touching_an_edge_or_a_corner_does_not_count(grid):
    along_right_edge = shapely.box(1012.0, 1982.0, 1020.0, 1988.0)  # x = 1020 is column 2's edge
    to_lower_right_corner = shapely.Polygon([(1012, 1988), (1020, 1980), (1012, 1986)])
    entering_right = shapely.box(1012.0, 1982.0, 1020.5, 1988.0)
    entering_corner = shapely.Polygon([(1012, 1988), (1020.2, 1979.8), (1012, 1986)])
    result = max_touched(grid, [along_right_edge, to_lower_right_corner, entering_right, entering_corner])
    np.testing.assert_array_equal(result, [VALUES[1, 1], VALUES[1, 1], VALUES[1, 2], VALUES[2, 2]])


def test_max_touched_nodata_outside_and_missing(tmp_path):
    values = VALUES.copy()
    values[2, 2] = values[2, 3] = -9999
    grid = read_raster(write_raster(tmp_path / "holes.tif", values, nodata=-9999))
    over_nodata_and_valid = shapely.box(1015, 1972, 1035, 1978)  # pixels (2, 1), (2, 2), (2, 3)
    only_nodata = shapely.box(1021, 1971, 1039, 1979)
    partly_outside = shapely.box(990, 1985, 1005, 2010)  # only pixels (0, 0) and (1, 0) inside
    outside = shapely.box(2000, 2000, 2010, 2010)
    polygons = [over_nodata_and_valid, only_nodata, partly_outside, outside, None, shapely.Polygon()]
    np.testing.assert_array_equal(max_touched(grid, polygons),
                                  [VALUES[2, 1], np.nan, VALUES[1, 0], np.nan, np.nan, np.nan])


def test_max_touched_multipolygon_and_hole():
    values = np.ones((4, 4))
    values[1, 1] = 50.0
    grid = grid_of(values)
    ring_around_pixel = shapely.Polygon(pixel(1, 1, margin=-10.0).exterior.coords,
                                        [pixel(1, 1).exterior.coords])
    hole_smaller_than_pixel = shapely.Polygon(pixel(1, 1, margin=-10.0).exterior.coords,
                                              [pixel(1, 1, margin=1.0).exterior.coords])
    two_parts = shapely.MultiPolygon([pixel(3, 3, margin=1.0), pixel(1, 1, margin=1.0)])
    np.testing.assert_array_equal(
        max_touched(grid, [ring_around_pixel, hole_smaller_than_pixel, two_parts]), [1.0, 50.0, 50.0])


def test_non_polygons_are_refused(grid):
    with pytest.raises(TypeError):
        max_touched(grid, [pixel(0, 0), shapely.Point(1005, 1995)])
    with pytest.raises(TypeError):
        area_weighted_sum(grid, [shapely.LineString([(1000, 2000), (1010, 1990)])])


# ---------------------------------------------------------------- area weighted


def test_area_weighted_sum_partial_pixels(grid):
    half_pixel = shapely.box(1010, 1980, 1015, 1990)  # left half of pixel (1, 1)
    quarter_of_four = shapely.box(1015, 1975, 1025, 1985)  # a quarter of (1, 1), (1, 2), (2, 1), (2, 2)
    triangle = shapely.Polygon([(1010, 1980), (1020, 1980), (1010, 1990)])  # half of (1, 1)
    result = area_weighted_sum(grid, [pixel(1, 1), half_pixel, quarter_of_four, triangle])
    np.testing.assert_allclose(result, [
        VALUES[1, 1],
        VALUES[1, 1] / 2,
        (VALUES[1, 1] + VALUES[1, 2] + VALUES[2, 1] + VALUES[2, 2]) / 4,
        VALUES[1, 1] / 2,
    ], rtol=1e-12)


def test_area_weighted_sum_nodata_outside_and_missing(tmp_path):
    values = VALUES.copy()
    values[0, 0] = -9999
    grid = read_raster(write_raster(tmp_path / "people.tif", values, nodata=-9999))
    over_nodata = shapely.box(1005, 1995, 1015, 2005)  # quarters of (0, 0) (nodata) and (0, 1), rest outside
    polygons = [over_nodata, shapely.box(0, 0, 1, 1), None, shapely.Polygon()]
    np.testing.assert_allclose(area_weighted_sum(grid, polygons), [VALUES[0, 1] / 4, 0.0, np.nan, np.nan])


def test_area_weighted_sum_with_hole_and_whole_grid(grid):
    frame = shapely.Polygon(pixel(1, 1, margin=-10.0).exterior.coords, [pixel(1, 1).exterior.coords])
    block = VALUES[0:3, 0:3].sum()
    much_larger = shapely.box(-1e6, -1e6, 1e6, 1e6)
    np.testing.assert_allclose(area_weighted_sum(grid, [frame, much_larger]),
                               [block - VALUES[1, 1], VALUES.sum()], rtol=1e-12)


def test_south_up_grid_gives_the_same_answers():
    north_up = grid_of(VALUES)
    south_up = grid_of(VALUES[::-1], (X0, SIZE, 0.0, Y0 - 4 * SIZE, 0.0, SIZE))
    polygons = [pixel(1, 1), shapely.box(1015, 1975, 1025, 1985), pixel(0, 3, margin=-3.0)]
    np.testing.assert_array_equal(max_touched(south_up, polygons), max_touched(north_up, polygons))
    np.testing.assert_allclose(area_weighted_sum(south_up, polygons), area_weighted_sum(north_up, polygons),
                               rtol=1e-12)
    np.testing.assert_array_equal(sample_points(south_up, [1015, 1035], [1985, 1961]),
                                  sample_points(north_up, [1015, 1035], [1985, 1961]))


# ---------------------------------------------------------------- classify


def test_classify_classes_at_the_bounds():
    values = np.array([[np.nan, -1.0, 0.0, 0.05],
                       [0.0500001, 0.49, 0.5, 0.99],
                       [1.0, 1.5, 7.0, np.inf]])
    classes = classify(grid_of(values, (0, 1, 0, 3, 0, -1)), [0.5, 1.0], min_value=0.05)
    assert classes.dtype == np.int8
    np.testing.assert_array_equal(classes, [[0, 0, 0, 0], [1, 1, 2, 2], [3, 3, 3, 3]])
    np.testing.assert_array_equal(classify(grid_of(values, (0, 1, 0, 3, 0, -1)), []),
                                  (np.nan_to_num(values, nan=0) > 0).astype(np.int8))


@pytest.mark.parametrize("thresholds, min_value", [
    ([1.0, 0.5], 0.0), ([0.5, 0.5], 0.0), ([0.5, math.nan], 0.0), ([0.5, 1.0], 0.5),
    ([0.5, 1.0], math.nan), (list(range(1, 200)), 0.0),
])
def test_classify_refuses_bad_thresholds(thresholds, min_value):
    with pytest.raises(ValueError):
        classify(grid_of(VALUES), thresholds, min_value)


# ------------------------------------------------- properties against GEOS


# Pixels of 8 m from (1024, 2048): the map-to-pixel transform is exact, so a
# vertex on a pixel edge in map units is exactly on it in pixel space too,
# and GEOS and the sampler see the same contacts.
EXACT_GEOTRANSFORM = (1024.0, 8.0, 0.0, 2048.0, 0.0, -8.0)


def random_grid(seed, shape=(7, 9)):
    values = np.random.default_rng(seed).uniform(0.0, 100.0, shape)
    values[np.random.default_rng(seed + 1).random(shape) < 0.1] = np.nan
    return grid_of(values, EXACT_GEOTRANSFORM)


def pixel_squares(grid):
    rows, cols = np.indices(grid.values.shape).reshape(2, -1)
    x0, dx, _, y0, _, dy = grid.geotransform
    return shapely.box(x0 + cols * dx, y0 + (rows + 1) * dy, x0 + (cols + 1) * dx, y0 + rows * dy)


def geos_reference(grid, polygon):
    """(max touched, area-weighted sum) by GEOS, pixel by pixel."""
    squares = pixel_squares(grid)
    values = grid.values.reshape(-1)
    overlapping = shapely.intersects(polygon, squares) & ~shapely.touches(polygon, squares)
    valid = overlapping & ~np.isnan(values)
    deepest = values[valid].max() if valid.any() else np.nan
    with np.errstate(invalid="ignore"):  # GEOS reports empty intersections as invalid values
        shares = shapely.area(shapely.intersection(polygon, squares)) / abs(grid.geotransform[1] *
                                                                             grid.geotransform[5])
    return deepest, float(np.sum(np.nan_to_num(values) * shares))


def star_polygon(vertices):
    """Vertices joined in angle order around their mean: a simple polygon with exactly
    those vertices (no computed intersection points), or None."""
    points = np.unique(np.array(vertices), axis=0)
    if len(points) < 3:
        return None
    centre = points.mean(axis=0)
    points = points[np.argsort(np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0]))]
    polygon = shapely.Polygon(points)
    return polygon if polygon.is_valid and polygon.area > 0 else None


# Vertices on a 2 m lattice (quarter pixels) often fall on pixel edges and
# corners; the others are anywhere. Coordinates range a little beyond the
# 9 x 7 grid (x 1024-1096, y 1992-2048).
coordinate_x = st.one_of(st.integers(0, 42).map(lambda i: 1018.0 + 2.0 * i),
                         st.floats(1018.0, 1102.0, allow_nan=False))
coordinate_y = st.one_of(st.integers(0, 34).map(lambda i: 1986.0 + 2.0 * i),
                         st.floats(1986.0, 2054.0, allow_nan=False))
polygon_vertices = st.lists(st.tuples(coordinate_x, coordinate_y), min_size=3, max_size=8)


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(polygon_vertices, st.booleans()), min_size=1, max_size=6), st.integers(0, 1000))
def test_matches_geos_pixel_by_pixel(shapes, seed):
    grid = random_grid(seed)
    polygons = [shapely.convex_hull(shapely.multipoints(vertices)) if convex else star_polygon(vertices)
                for vertices, convex in shapes]
    polygons = [p for p in polygons if p is not None and p.geom_type == "Polygon" and p.area > 0]
    if not polygons:
        return
    deepest = max_touched(grid, polygons)
    weighted = area_weighted_sum(grid, polygons)
    for polygon, ours_deepest, ours_weighted in zip(polygons, deepest, weighted):
        geos_deepest, geos_weighted = geos_reference(grid, polygon)
        assert ours_deepest == geos_deepest or (math.isnan(ours_deepest) and math.isnan(geos_deepest))
        assert ours_weighted == pytest.approx(geos_weighted, rel=1e-9, abs=1e-9)


@PROPERTY_SETTINGS
@given(
    st.integers(1, 6), st.integers(1, 5),
    st.floats(1010.0, 1050.0), st.floats(2000.0, 2060.0),
    st.floats(3.0, 25.0), st.floats(3.0, 25.0),
    st.lists(st.floats(-0.3, 0.3), min_size=98, max_size=98),
    st.booleans(), st.integers(0, 1000),
)
def test_disjoint_tiles_sum_to_their_union(columns, rows, left, top, width, height, jitter, split, seed):
    """Tiles of a jittered lattice (quadrilaterals, or triangles) share edges exactly."""
    grid = random_grid(seed)
    xs = left + width * np.arange(columns + 1)
    ys = top - height * np.arange(rows + 1)
    shift = np.array(jitter[: 2 * (rows + 1) * (columns + 1)]).reshape(2, rows + 1, columns + 1)
    inner = np.zeros((rows + 1, columns + 1), dtype=bool)
    inner[1:-1, 1:-1] = True
    # Only inner lattice points move, so the union is the outer rectangle.
    px = xs[None, :] + np.where(inner, shift[0] * width, 0.0)
    py = ys[:, None] + np.where(inner, shift[1] * height, 0.0)
    tiles = []
    for i in range(rows):
        for j in range(columns):
            a, b = (px[i, j], py[i, j]), (px[i, j + 1], py[i, j + 1])
            c, d = (px[i + 1, j + 1], py[i + 1, j + 1]), (px[i + 1, j], py[i + 1, j])
            tiles.extend([shapely.Polygon([a, b, c]), shapely.Polygon([a, c, d])] if split
                         else [shapely.Polygon([a, b, c, d])])
    tiles = np.array(tiles)
    assert shapely.is_valid(tiles).all()
    union = shapely.union_all(tiles)
    parts_total = area_weighted_sum(grid, tiles).sum()
    union_total = area_weighted_sum(grid, [union])[0]
    assert parts_total == pytest.approx(union_total, rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def jakarta():
    """The Jakarta flood depth grid and its 181 buildings, with their OGR layer."""
    source = ogr.Open(shared_file(BUILDINGS_SHP))
    layer = source.GetLayer()
    fids, buildings = [], []
    for feature in layer:
        fids.append(feature.GetFID())
        buildings.append(shapely.from_wkb(bytes(feature.GetGeometryRef().ExportToWkb())))
    return read_raster(shared_file(FLOOD_TIF)), source, fids, np.array(buildings)


def gdal_all_touched_masks(dataset_like, source, fids):
    """Per building, the pixels gdal.RasterizeLayer burns with ALL_TOUCHED=TRUE."""
    target = gdal.GetDriverByName("MEM").Create("", dataset_like.RasterXSize, dataset_like.RasterYSize,
                                                1, gdal.GDT_Byte)
    target.SetGeoTransform(dataset_like.GetGeoTransform())
    target.SetProjection(dataset_like.GetProjection())
    layer = source.GetLayer()
    masks = []
    for fid in fids:
        target.GetRasterBand(1).Fill(0)
        layer.SetAttributeFilter(f"FID = {fid}")
        assert layer.GetFeatureCount() == 1
        assert gdal.RasterizeLayer(target, [1], layer, burn_values=[1],
                                   options=["ALL_TOUCHED=TRUE"]) == gdal.CE_None
        masks.append(target.GetRasterBand(1).ReadAsArray().astype(bool))
    layer.SetAttributeFilter(None)
    return masks


def test_jakarta_grid_is_read_as_gdal_reads_it(jakarta):
    grid = jakarta[0]
    dataset = gdal.Open(shared_file(FLOOD_TIF))
    band = dataset.GetRasterBand(1)
    raw = band.ReadAsArray().astype(np.float64)
    raw[raw == band.GetNoDataValue()] = np.nan
    assert grid.values.shape == (dataset.RasterYSize, dataset.RasterXSize)
    assert grid.geotransform == dataset.GetGeoTransform()
    assert grid.nodata == band.GetNoDataValue()
    assert osr.SpatialReference(wkt=grid.crs_wkt).GetAuthorityCode(None) == "4326"
    np.testing.assert_array_equal(grid.values, raw)


def test_jakarta_max_touched_equals_gdal_all_touched(jakarta):
    grid, source, fids, buildings = jakarta
    assert len(buildings) == 181
    masks = gdal_all_touched_masks(gdal.Open(shared_file(FLOOD_TIF)), source, fids)
    # The depths, then each pixel's own number (and its negative): equal
    # maxima on those mean the same highest- and lowest-numbered pixel, a
    # check on the set of touched pixels itself, not only on its deepest value.
    numbers = np.arange(grid.values.size, dtype=np.float64).reshape(grid.values.shape)
    for values in (grid.values, numbers, -numbers):
        expected = [np.nanmax(values[mask]) if np.isfinite(values[mask]).any() else np.nan
                    for mask in masks]
        ours = max_touched(RasterGrid(values, grid.geotransform, grid.crs_wkt, grid.nodata), buildings)
        np.testing.assert_array_equal(ours, expected)
    assert (max_touched(grid, buildings) > 0).any()  # some buildings are flooded: a real check


def test_jakarta_centroids_sample_the_pixel_gdal_reads(jakarta):
    grid, _, _, buildings = jakarta
    dataset = gdal.Open(shared_file(FLOOD_TIF))
    band = dataset.GetRasterBand(1)
    inverse = gdal.InvGeoTransform(dataset.GetGeoTransform())
    centroids = shapely.centroid(buildings)
    expected = []
    for point in centroids:
        col, row = gdal.ApplyGeoTransform(inverse, point.x, point.y)
        value = float(band.ReadAsArray(int(math.floor(col)), int(math.floor(row)), 1, 1)[0, 0])
        expected.append(np.nan if value == band.GetNoDataValue() else value)
    np.testing.assert_array_equal(sample_points(grid, shapely.get_x(centroids), shapely.get_y(centroids)),
                                  expected)


def test_jakarta_area_weighted_sums(jakarta):
    grid, _, _, buildings = jakarta
    x0, dx, _, y0, _, dy = grid.geotransform
    height, width = grid.values.shape
    whole = shapely.box(x0 - dx, y0 + (height + 1) * dy, x0 + (width + 1) * dx, y0 - dy)
    expected = np.nansum(grid.values.astype(np.float64))
    assert area_weighted_sum(grid, [whole])[0] == pytest.approx(expected, rel=1e-9)
    squares = pixel_squares(grid)
    values = np.nan_to_num(grid.values.reshape(-1))
    pixel_area = abs(dx * dy)
    with np.errstate(invalid="ignore"):  # GEOS reports empty intersections as invalid values
        expected = [np.sum(values * shapely.area(shapely.intersection(b, squares)) / pixel_area)
                    for b in buildings]
    np.testing.assert_allclose(area_weighted_sum(grid, buildings), expected, rtol=1e-7, atol=1e-12)
