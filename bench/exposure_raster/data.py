"""The synthetic depth raster and buildings, written once in bench/work/raster/data and kept."""

from harness.data import metres_per_degree, new_geotiff, rectangle_rings_m, write_polygons

from exposure_raster.config import BIG, LAT0, LON0, NODATA, PIXEL, RASTER_SIZE, SEED


def _smooth(t):
    return t * t * (3 - 2 * t)


def _upsample_rows(coarse, r0, r1, height, width):
    """Rows r0..r1 of ``coarse`` stretched over height x width (smoothstep-bilinear)."""
    import numpy as np

    n = coarse.shape[0]
    v = np.arange(r0, r1) * (n - 1) / (height - 1)
    i = np.minimum(v.astype(np.int64), n - 2)
    tv = _smooth(v - i)[:, None]
    rows = coarse[i] * (1 - tv) + coarse[i + 1] * tv
    u = np.arange(width) * (n - 1) / (width - 1)
    j = np.minimum(u.astype(np.int64), n - 2)
    tu = _smooth(u - j)
    return rows[:, j] * (1 - tu) + rows[:, j + 1] * tu


def depth_rows(octaves, discs, top, bottom):
    """Depths (float32, metres) of rows top..bottom: the field mapped to 0-3 m, nodata discs."""
    import numpy as np

    n = RASTER_SIZE
    total_weight = sum(w for _, w in octaves)
    field = sum(w * _upsample_rows(g, top, bottom, n, n) for g, w in octaves) / total_weight
    depth = np.clip((field - 0.42) / 0.38 * 3.0, 0.0, 3.0).astype(np.float32)
    rows, columns = np.arange(top, bottom)[:, None], np.arange(n)
    for cx, cy, radius in discs:
        depth[(columns[None, :] - cx) ** 2 + (rows - cy) ** 2 < radius ** 2] = NODATA
    return depth


def make_raster(path):
    """The 10,000 x 10,000 float32 depth raster (tiled DEFLATE GeoTIFF), unless present."""
    if path.exists():
        return path
    import numpy as np

    rng = np.random.default_rng([SEED, 1])
    n = RASTER_SIZE
    # Three octaves: about 1.1 km, 110 m and 11 m between control points, so that
    # depth varies inside a building and the touched rule matters.
    octaves = [(rng.random((k, k)), w) for k, w in ((11, 1.0), (101, 0.35), (1001, 0.12))]
    discs = [(rng.uniform(500, n - 500), rng.uniform(500, n - 500), rng.uniform(150, 450)) for _ in range(6)]
    print(f"writing {path.name}", flush=True)
    with new_geotiff(path, n, n, (LON0, PIXEL, 0.0, LAT0, 0.0, -PIXEL), NODATA, ["BIGTIFF=IF_SAFER"]) as band:
        for top in range(0, n, 256):
            band.WriteArray(depth_rows(octaves, discs, top, min(n, top + 256)), 0, top)
    return path


def building_geometries(count):
    """``count`` rectangles of 5-30 m (first ``count`` of one fixed random sequence)."""
    import numpy as np
    import shapely

    rng = np.random.default_rng([SEED, 2])
    total = max(count, BIG)
    lon_m, lat_m = metres_per_degree(LAT0 - RASTER_SIZE * PIXEL / 2)
    margin = 30.0  # metres; half-diagonal of a 30 m x 30 m building is 21.2 m
    width_m, height_m = RASTER_SIZE * PIXEL * lon_m, RASTER_SIZE * PIXEL * lat_m
    cx = rng.uniform(margin, width_m - margin, total)[:count]
    cy = rng.uniform(margin, height_m - margin, total)[:count]
    widths = rng.uniform(5, 30, total)[:count]
    heights = rng.uniform(5, 30, total)[:count]
    angles = np.where(rng.random(total) < 0.2, 0.0, rng.uniform(0, np.pi, total))[:count]
    x, y = rectangle_rings_m(cx, cy, widths, heights, angles)
    coords = np.stack((LON0 + x / lon_m, LAT0 - y / lat_m), axis=-1)
    return shapely.polygons(coords)


def make_data(data_dir, sizes):
    data_dir.mkdir(parents=True, exist_ok=True)
    files = {"depth": make_raster(data_dir / f"depth_{RASTER_SIZE}_s{SEED}.tif")}
    missing = [s for s in sizes if not (data_dir / f"buildings_{s}_s{SEED}.gpkg").exists()]
    geometries = building_geometries(max(missing)) if missing else None
    for size in sizes:
        path = data_dir / f"buildings_{size}_s{SEED}.gpkg"
        files[size] = path
        if size in missing:
            import numpy as np

            print(f"writing {path.name}", flush=True)
            write_polygons(path, "buildings", geometries[:size], {"bid": np.arange(size)})
    return files
