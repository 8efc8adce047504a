"""The synthetic coastal flood over Mahé, the depth raster of the flood-cut case."""

import math

from harness.data import metres_per_degree, new_geotiff

from evacuation.config import DEPTH_NODATA, DEPTH_PIXEL, SEED


def interpolate(grid, r, c):
    """Bilinear values of ``grid`` at fractional rows ``r`` and columns ``c`` (a full grid)."""
    import numpy as np

    r0 = np.minimum(r.astype(int), grid.shape[0] - 2)
    c0 = np.minimum(c.astype(int), grid.shape[1] - 2)
    tr, tc = (r - r0)[:, None], (c - c0)[None, :]
    top = grid[r0][:, c0] * (1 - tc) + grid[r0][:, c0 + 1] * tc
    bottom = grid[r0 + 1][:, c0] * (1 - tc) + grid[r0 + 1][:, c0 + 1] * tc
    return top * (1 - tr) + bottom * tr


def mahe_grid(network):
    """Mahé's junctions (the largest component), metres per degree there, and the raster's grid:
    (xy, kx, ky, x0, y1, width, height)."""
    import numpy as np

    labels = network.components()
    largest = np.bincount(labels).argmax()
    xy = network.node_xy[labels == largest]
    kx, ky = metres_per_degree(float(xy[:, 1].mean()))
    margin = 0.006
    x0 = math.floor((xy[:, 0].min() - margin) / DEPTH_PIXEL) * DEPTH_PIXEL
    y1 = math.ceil((xy[:, 1].max() + margin) / DEPTH_PIXEL) * DEPTH_PIXEL
    width = int(math.ceil((xy[:, 0].max() + margin - x0) / DEPTH_PIXEL))
    height = int(math.ceil((y1 - (xy[:, 1].min() - margin)) / DEPTH_PIXEL))
    return xy, kx, ky, x0, y1, width, height


def signed_distance(xy, kx, ky, x0, y1, cols, rows):
    """Signed distance (metres, positive inland) to Mahé's outline, the concave hull of its
    junctions, at the centres of pixels ``cols`` x ``rows``."""
    import numpy as np
    import shapely

    hull = shapely.concave_hull(shapely.multipoints(np.column_stack((xy[:, 0] * kx, xy[:, 1] * ky))),
                                ratio=0.02)
    gx, gy = np.meshgrid(x0 + (cols + 0.5) * DEPTH_PIXEL, y1 - (rows + 0.5) * DEPTH_PIXEL)
    points = shapely.points(gx.ravel() * kx, gy.ravel() * ky)
    boundary = shapely.boundary(hull)
    shapely.prepare(hull)
    distance = shapely.distance(points, boundary)
    inside = shapely.contains(hull, points)
    return np.where(inside, distance, -distance).reshape(gx.shape)


def make_depth(data_dir, network):
    """Synthetic coastal flood over Mahé (the largest island of the walk network), GeoTIFF, nodata at sea.

    Mahé's outline is approximated by the concave hull of its road junctions (its roads follow the
    coast). Depth falls off inland from that outline, ``SURGE * exp(-d / DECAY)`` minus a little, plus
    smooth seeded noise, so the low coastal strip floods and the hills stay dry; pixels more than
    500 m out to sea are nodata. Pixel 0.0001 degree (about 11 m), float32, tiled DEFLATE.
    """
    path = data_dir / f"depth_mahe_s{SEED}.tif"
    if path.exists():
        return path
    import numpy as np

    xy, kx, ky, x0, y1, width, height = mahe_grid(network)
    # Signed distance to the outline (metres, positive inland) on a coarse grid, then smoothed up.
    step = 5
    cols, rows = np.arange(0, width + step, step), np.arange(0, height + step, step)
    signed = signed_distance(xy, kx, ky, x0, y1, cols, rows)
    rng = np.random.default_rng([SEED, 3])
    noise = rng.random((len(rows) // 20 + 2, len(cols) // 20 + 2))
    fine_rows, fine_cols = np.arange(height) / step, np.arange(width) / step
    d = interpolate(signed, fine_rows, fine_cols)
    n = interpolate(noise, fine_rows / 20, fine_cols / 20)
    surge, decay = 1.6, 250.0
    depth = surge * np.exp(-np.maximum(d, 0.0) / decay) - 0.35 + 0.7 * (n - 0.5)
    depth = np.clip(depth, 0.0, None).astype(np.float32)
    depth[d < -500.0] = DEPTH_NODATA
    print(f"writing {path.name} ({width} x {height} px)", flush=True)
    geotransform = (x0, DEPTH_PIXEL, 0.0, y1, 0.0, -DEPTH_PIXEL)
    with new_geotiff(path, width, height, geotransform, DEPTH_NODATA) as band:
        band.WriteArray(depth)
    return path
