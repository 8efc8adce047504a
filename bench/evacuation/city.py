"""The synthetic city of the scale case: about 1,000,000 road segments, households and shelters."""

import json

from harness.data import metres_per_degree, new_layer, write_points

from evacuation.config import (
    CITY_HOUSEHOLDS,
    CITY_LAT0,
    CITY_LON0,
    CITY_NODE_ID0,
    CITY_SHELTERS,
    CITY_SIDE,
    CITY_SPACING_M,
    SEED,
)
from evacuation.data import household_positions

ROAD_FIELDS = ("osm_id", "highway", "oneway", "maxspeed_kmh", "bridge", "tunnel", "access", "node_ids")


def city_ways(rng, n):
    """Node-id lists and classes of the synthetic city's ways.

    A jittered grid of n x n junctions: streets along rows and columns, 4 % of their segments
    missing (dead ends, missing links), as many footway diagonals across random blocks; streets
    cut into ways of 1 to about 20 segments (8 on average), as OSM ways are.
    """
    import numpy as np

    ways, classes = [], []

    def streets(line, pos, kept, node_of):
        # Edges of every row (or column) in order; a way breaks at a missing edge or at random.
        line, pos = line[kept], pos[kept]
        starts = np.ones(len(line), dtype=bool)
        starts[1:] = (line[1:] != line[:-1]) | (pos[1:] != pos[:-1] + 1) | (rng.random(len(line) - 1) < 1 / 8)
        way_of = np.cumsum(starts) - 1
        first = np.flatnonzero(starts)
        bounds = np.append(first, len(line))
        for w in range(len(first)):
            lo, hi = bounds[w], bounds[w + 1]
            ids = node_of(line[lo], np.arange(pos[lo], pos[hi - 1] + 2))
            ways.append(ids)
            k = int(line[lo])
            classes.append("primary" if k % 25 == 0 else "secondary" if k % 5 == 0 else "residential")
        return way_of

    edges_per_line = n - 1
    line = np.repeat(np.arange(n), edges_per_line)
    pos = np.tile(np.arange(edges_per_line), n)
    removed = 0
    for orientation in ("row", "column"):
        kept = rng.random(len(line)) >= 0.04
        removed += int((~kept).sum())
        if orientation == "row":
            streets(line, pos, kept, lambda r, cols: r * n + cols)
        else:
            streets(line, pos, kept, lambda c, rows: rows * n + c)
    blocks = rng.choice((n - 1) * (n - 1), removed, replace=False)
    r, c = blocks // (n - 1), blocks % (n - 1)
    flip = rng.random(removed) < 0.5
    a = np.where(flip, r * n + c + 1, r * n + c)
    b = np.where(flip, (r + 1) * n + c, (r + 1) * n + c + 1)
    for x, y in zip(a.tolist(), b.tolist()):
        ways.append(np.array([x, y]))
        classes.append("footway")
    return ways, classes


def write_roads(path, ways, classes, oneway, lon, lat):
    """The roads (OSM-like columns, ``node_ids`` as JSON); returns the ends of every segment."""
    import numpy as np
    from osgeo import ogr

    kinds = (ogr.OFTInteger64, ogr.OFTString, ogr.OFTInteger64, ogr.OFTReal, ogr.OFTInteger, ogr.OFTInteger,
             ogr.OFTString, ogr.OFTString)
    seg_a, seg_b = [], []
    with new_layer(path, "roads", ogr.wkbLineString, dict(zip(ROAD_FIELDS, kinds))) as layer:
        definition = layer.GetLayerDefn()
        for index, (ids, highway) in enumerate(zip(ways, classes)):
            feature = ogr.Feature(definition)
            feature.SetField(0, index + 1)
            feature.SetField(1, highway)
            feature.SetField(2, int(oneway[index]))
            feature.SetField(4, 0)
            feature.SetField(5, 0)
            feature.SetField(7, "[" + ", ".join(str(CITY_NODE_ID0 + v) for v in ids.tolist()) + "]")
            line = ogr.Geometry(ogr.wkbLineString)
            for v in ids.tolist():
                line.AddPoint_2D(float(lon[v]), float(lat[v]))
            feature.SetGeometryDirectly(line)
            layer.CreateFeature(feature)
            seg_a.append(ids[:-1])
            seg_b.append(ids[1:])
    return np.concatenate(seg_a), np.concatenate(seg_b)


def write_households(path, rng, seg_a, seg_b, lon, lat):
    """A random point of a random segment, 5-40 m to either side."""
    import numpy as np

    count = CITY_HOUSEHOLDS
    pick = rng.integers(0, len(seg_a), count)
    xy_a = np.column_stack((lon[seg_a[pick]], lat[seg_a[pick]]))
    xy_b = np.column_stack((lon[seg_b[pick]], lat[seg_b[pick]]))
    offset = rng.uniform(5, 40, count) * rng.choice((-1.0, 1.0), count)
    h_lon, h_lat = household_positions(xy_a, xy_b, rng.random(count), offset)
    print(f"writing {path.name}", flush=True)
    write_points(path, "households", h_lon, h_lat, {"hid": np.arange(count, dtype=np.int64),
                                                    "population": rng.integers(1, 7, count)})


def write_shelters(path, rng, lon, lat, kx, ky):
    """CITY_SHELTERS points within 30 m of random junctions."""
    import numpy as np

    n = CITY_SIDE
    nodes = rng.choice(n * n, CITY_SHELTERS, replace=False)
    angle = rng.uniform(0, 2 * np.pi, CITY_SHELTERS)
    radius = rng.uniform(0, 30, CITY_SHELTERS)
    write_points(path, "shelters", lon[nodes] + radius * np.cos(angle) / kx,
                 lat[nodes] + radius * np.sin(angle) / ky,
                 {"sid": np.arange(CITY_SHELTERS, dtype=np.int64),
                  "name": np.array([f"shelter {i}" for i in range(CITY_SHELTERS)], dtype=object)})


def make_city(data_dir):
    """Roads (OSM-like columns, ``node_ids`` as JSON), households and shelters of the synthetic city."""
    roads = data_dir / f"city_roads_{CITY_SIDE}_s{SEED}.gpkg"
    households = data_dir / f"city_households_{CITY_HOUSEHOLDS}_s{SEED}.gpkg"
    shelters = data_dir / f"city_shelters_{CITY_SHELTERS}_s{SEED}.gpkg"
    info_path = roads.with_suffix(".json")
    if roads.exists() and households.exists() and shelters.exists() and info_path.exists():
        return roads, households, shelters, json.loads(info_path.read_text())
    import numpy as np

    rng = np.random.default_rng([SEED, 10])
    n = CITY_SIDE
    kx, ky = metres_per_degree(CITY_LAT0 + n * CITY_SPACING_M / 2 / 111_000)
    jitter = rng.uniform(-12, 12, (n * n, 2))
    grid = np.arange(n * n)
    x = (grid % n) * CITY_SPACING_M + jitter[:, 0]
    y = (grid // n) * CITY_SPACING_M + jitter[:, 1]
    lon, lat = CITY_LON0 + x / kx, CITY_LAT0 + y / ky
    ways, classes = city_ways(rng, n)
    oneway = np.where((np.array(classes) == "residential") & (rng.random(len(ways)) < 0.03), 1, 0)
    print(f"writing {roads.name}: {len(ways)} ways", flush=True)
    seg_a, seg_b = write_roads(roads, ways, classes, oneway, lon, lat)
    write_households(households, rng, seg_a, seg_b, lon, lat)
    write_shelters(shelters, rng, lon, lat, kx, ky)
    info = {"ways": len(ways), "segments": int(len(seg_a)), "nodes": int(len(np.unique(np.r_[seg_a, seg_b]))),
            "classes": {c: classes.count(c) for c in sorted(set(classes))},
            "extent_km": round(n * CITY_SPACING_M / 1000, 1), "oneway_ways": int(oneway.sum())}
    info_path.write_text(json.dumps(info))
    return roads, households, shelters, info
