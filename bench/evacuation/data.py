"""The Seychelles data, written once to bench/work/evacuation/data: the extract, the shelters,
the households, the walkable roads for QGIS's native tools, and the native sample."""

import json
import os

from harness.data import gpkg_table, metres_per_degree, new_layer, read_only, remove, write_points

from evacuation.config import (
    HOUSEHOLD_OFFSET_M,
    HOUSEHOLDS,
    NATIVE_CRS,
    NOT_SHELTERS,
    PBF,
    SEED,
    SHELTER_FACILITIES,
    SHELTERS,
)
from evacuation.depth import make_depth
from evacuation.network import WalkNetwork


def extract(data_dir):
    """Roads, shelters and facilities of the Seychelles extract, with Refuge's own reader."""
    path = data_dir / "seychelles.gpkg"
    if path.exists():
        return path
    from refuge.core.osm.extract import extract_pbf

    print(f"extracting {PBF.name}", flush=True)
    temporary = data_dir / "seychelles.tmp.gpkg"
    remove(temporary)
    extract_pbf(PBF, temporary, groups=["roads", "facilities", "shelters"])
    os.replace(temporary, path)
    return path


def shelter_candidates(extract_path):
    """(lon, lat, name, category, osm_id) of every shelter-like object of the extract: the shelters
    theme (bus shelters left out) and the schools and community centres of the facilities theme."""
    from osgeo import ogr

    ogr.UseExceptions()
    dataset = ogr.Open(str(extract_path))
    rows = []
    for layer_name, keep in (("shelters", lambda c: c not in NOT_SHELTERS),
                             ("facilities", lambda c: c in SHELTER_FACILITIES)):
        for feature in dataset.GetLayerByName(layer_name):
            category = feature.GetField("category")
            if not keep(category):
                continue
            point = feature.GetGeometryRef()
            rows.append((point.GetX(), point.GetY(), feature.GetField("name") or "",
                         f"{layer_name}:{category}", int(feature.GetField("osm_id")),
                         feature.GetField("osm_type")))
    rows.sort(key=lambda r: (r[3], r[5], r[4]))
    unique, seen = [], set()
    for row in rows:
        if (row[5], row[4]) not in seen:  # an object in both themes counts once
            seen.add((row[5], row[4]))
            unique.append(row)
    return unique


def make_shelters(data_dir, extract_path):
    path = data_dir / f"shelters_{SHELTERS}_s{SEED}.gpkg"
    info_path = path.with_suffix(".json")
    if path.exists() and info_path.exists():
        return path, json.loads(info_path.read_text())
    import numpy as np

    candidates = shelter_candidates(extract_path)
    counts = {}
    for row in candidates:
        counts[row[3]] = counts.get(row[3], 0) + 1
    rng = np.random.default_rng([SEED, 1])
    if len(candidates) > SHELTERS:
        chosen = np.sort(rng.choice(len(candidates), SHELTERS, replace=False))
    else:
        chosen = np.arange(len(candidates))
    rows = [candidates[i] for i in chosen]
    print(f"writing {path.name}: {len(rows)} of {len(candidates)} candidates", flush=True)
    write_points(path, "shelters", [r[0] for r in rows], [r[1] for r in rows], {
        "sid": np.arange(len(rows), dtype=np.int64),
        "name": np.array([r[2] or f"{r[3].split(':')[1]} {r[5]}/{r[4]}" for r in rows], dtype=object),
        "category": np.array([r[3].split(":")[1] for r in rows], dtype=object),
        "osm_id": np.array([r[4] for r in rows], dtype=np.int64),
    })
    info = {"candidates": len(candidates), "by_category": counts, "chosen": len(rows),
            "chosen_by_category": {c: sum(1 for r in rows if r[3] == c) for c in counts}}
    info_path.write_text(json.dumps(info))
    return path, info


def make_households(data_dir, network, count, seed_key, offset_m, name="households"):
    """``count`` points near the walkable roads: a random position on a segment (segments drawn in
    proportion to their length), moved 0-``offset_m`` metres sideways, to either side."""
    path = data_dir / f"{name}_{count}_s{SEED}.gpkg"
    if path.exists():
        return path
    import numpy as np

    rng = np.random.default_rng([SEED, seed_key])
    weights = network.length_m / network.length_m.sum()
    segment = rng.choice(len(weights), count, p=weights)
    t = rng.random(count)
    offset = rng.uniform(offset_m[0], offset_m[1], count) * rng.choice((-1.0, 1.0), count)
    lon, lat = household_positions(network.xy_a[segment], network.xy_b[segment], t, offset)
    population = rng.integers(1, 7, count)
    print(f"writing {path.name}", flush=True)
    write_points(path, "households", lon, lat, {"hid": np.arange(count, dtype=np.int64),
                                                "population": population.astype(np.int64)})
    return path


def household_positions(xy_a, xy_b, t, offset_m):
    import numpy as np

    kx, ky = metres_per_degree(float(np.mean(xy_a[:, 1])))
    dx, dy = (xy_b[:, 0] - xy_a[:, 0]) * kx, (xy_b[:, 1] - xy_a[:, 1]) * ky
    norm = np.hypot(dx, dy)
    norm[norm == 0] = 1.0
    x = xy_a[:, 0] * kx + t * dx - dy / norm * offset_m
    y = xy_a[:, 1] * ky + t * dy + dx / norm * offset_m
    return x / kx, y / ky


def walk_roads_for_native(data_dir, extract_path, network):
    """The walkable roads only (as Refuge's walk profile keeps them), with their walk speed in
    ``walk_kmh``: the network layer given to QGIS's native tools, which use every line they get."""
    path = data_dir / "walk_roads.gpkg"
    if path.exists():
        return path
    import numpy as np
    from osgeo import ogr

    ogr.UseExceptions()
    speeds = dict(zip(network.way.tolist(), network.speed_kmh.tolist()))
    source_ds = ogr.Open(str(extract_path))
    source = source_ds.GetLayerByName("roads")
    fields = {"road_fid": ogr.OFTInteger64, "highway": ogr.OFTString, "walk_kmh": ogr.OFTReal}
    kept = 0
    with new_layer(path, "walk_roads", ogr.wkbLineString, fields, srs=source.GetSpatialRef()) as layer:
        definition = layer.GetLayerDefn()
        for feature in source:
            if feature.GetFID() not in speeds:
                continue
            out = ogr.Feature(definition)
            out.SetField(0, feature.GetFID())
            out.SetField(1, feature.GetField("highway"))
            out.SetField(2, float(speeds[feature.GetFID()]))
            out.SetGeometry(feature.GetGeometryRef())
            layer.CreateFeature(out)
            kept += 1
    assert kept == len(np.unique(network.way))
    return path


def reprojected(path, crs):
    """A copy of a GeoPackage's first layer in ``crs`` (EPSG code), written once."""
    target = path.with_name(f"{path.stem}_{crs.replace(':', '').lower()}.gpkg")
    if target.exists():
        return target
    from osgeo import gdal

    gdal.UseExceptions()
    temporary = target.with_suffix(".tmp.gpkg")
    remove(temporary)
    gdal.VectorTranslate(str(temporary), str(path), options=gdal.VectorTranslateOptions(
        format="GPKG", dstSRS=crs, reproject=True))
    os.replace(temporary, target)
    return target


def seychelles_data(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    extract_path = extract(data_dir)
    network = WalkNetwork(extract_path)
    shelters, shelter_info = make_shelters(data_dir, extract_path)
    households = make_households(data_dir, network, HOUSEHOLDS, 2, HOUSEHOLD_OFFSET_M)
    return {
        "extract": extract_path,
        "roads": f"{extract_path}|layername=roads",
        "walk_roads": walk_roads_for_native(data_dir, extract_path, network),
        "walk_roads_metric": reprojected(data_dir / "walk_roads.gpkg", NATIVE_CRS),
        "shelters": shelters,
        "shelter_info": shelter_info,
        "households": households,
        "depth": make_depth(data_dir, network),
        "walk": network,
        "network": {"nodes": network.node_count, "segments": len(network.a), "ways": network.line_count,
                    "length_km": float(network.length_m.sum() / 1000)},
    }


def read_points(path, id_field):
    """lon, lat and an integer id column of a point layer (OGR)."""
    import numpy as np
    from osgeo import ogr

    ogr.UseExceptions()
    dataset = ogr.Open(str(path))
    layer = dataset.GetLayer(0)
    lon, lat, ids = [], [], []
    for feature in layer:
        point = feature.GetGeometryRef()
        lon.append(point.GetX())
        lat.append(point.GetY())
        ids.append(feature.GetField(id_field))
    return np.array(lon), np.array(lat), np.array(ids, dtype=np.int64)


def make_samples(data_dir, households, shelters, n_households, n_shelters):
    """Seeded samples for the native approach: households (``hid`` = position in the sample,
    ``orig_hid`` = hid in the full set) and a subset of the shelters (same ``sid``)."""
    import numpy as np

    h_path = data_dir / f"households_sample_{n_households}_s{SEED}.gpkg"
    s_path = data_dir / f"shelters_sample_{n_shelters}_s{SEED}.gpkg"
    rng = np.random.default_rng([SEED, 4])
    lon, lat, hid = read_points(households, "hid")
    chosen = np.sort(rng.choice(len(hid), min(n_households, len(hid)), replace=False))
    s_lon, s_lat, sid = read_points(shelters, "sid")
    subset = np.sort(rng.choice(len(sid), min(n_shelters, len(sid)), replace=False))
    if not h_path.exists():
        write_points(h_path, "households", lon[chosen], lat[chosen],
                     {"hid": np.arange(len(chosen), dtype=np.int64), "orig_hid": hid[chosen],
                      "population": np.ones(len(chosen), dtype=np.int64)})
    if not s_path.exists():
        names = shelter_names(shelters)
        write_points(s_path, "shelters", s_lon[subset], s_lat[subset],
                     {"sid": sid[subset],
                      "name": np.array([names[int(i)] for i in sid[subset]], dtype=object)})
    return h_path, s_path, hid[chosen], sid[subset]


def shelter_names(path):
    with read_only(path) as db:
        return dict(db.execute(f'SELECT sid, name FROM "{gpkg_table(path)}"').fetchall())

