"""Benchmark ``refuge:evacuation_access`` against networkx, scipy and QGIS's native network tools.

The question: for every household, the walking time (and distance) to the
nearest shelter along the road network, households and shelters snapped onto
the nearest point of the nearest road (not the nearest junction).

Cases, on the Seychelles walk network (OSM, ``../shared/data/osm``) with
100,000 households and 89 shelters:

* ``refuge``: ``scripts/qgis_process run refuge:evacuation_access`` (walk
  profile, GeoPackage outputs, SUMMARY_JSON), the real binary, QGIS start-up
  included; "net" subtracts the start-up measured alone (``qgis_process list``,
  which loads the same providers and plugins);
* ``flood``: the same with a depth raster (DEPTH), so every road segment is
  sampled and cut where too deep to walk;
* ``networkx``: a peer written here with networkx: read the roads (OGR), build
  an undirected graph of the same walkable segments (OSM node ids), snap
  households and shelters onto the nearest segment (shapely STRtree), split
  the shelters' segments with a node per shelter, ``multi_source_dijkstra``
  from all shelters, then each household's time from the two ends of its
  segment;
* ``scipy``: ``scipy.sparse.csgraph.dijkstra(min_only=True)`` on the same
  graph as a CSR matrix: the raw search alone, the floor;
* ``native``: QGIS's ``native:shortestpathlayertopoint`` (fastest, walk speeds
  in a field, WGS 84 ellipsoid), run once per shelter with the households as
  start points, keeping the minimum per household: on a sample (default 1,000
  households x 20 shelters), extrapolated to 100,000 x 89;
* ``scale``: a synthetic city of about 1,000,000 road segments, 1,000,000
  households and 1,000 shelters through ``qgis_process`` end to end.

Every process measured runs under a fresh probe process (this script with
``--probe``) that reads ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` after the
child exited: the child's own peak RSS, not inherited from this big process.

Data (seeded, written once to bench/work/evacuation/data, git-ignored): the
extract of the .pbf (``refuge.core.osm.extract.extract_pbf``, roads, shelters
and facilities), the shelters, the households, a synthetic depth raster over
Mahé and the synthetic city.

Usage (``bench/run.sh evacuation [ARGS]``)::

    PYTHONPATH=build/pythonpath .venv/bin/python bench/bench_evacuation.py [--repeat N]
        [--no-scale] [--native-households N] [--native-shelters N]

Prints a Markdown section and writes it into bench/RESULTS.md between the
markers of this benchmark, leaving any other section untouched. Exits with 1
when Refuge fails or disagrees with the peers beyond the tolerances stated.
"""

import argparse
import datetime
import json
import math
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import (
    busy_seconds,
    fmt_n,
    git_revision,
    gpkg_table,
    machine,
    metres_per_degree,
    start_qgis,
    write_section,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
QGIS_PROCESS = ROOT / "scripts" / "qgis_process"
ALGORITHM = "refuge:evacuation_access"
SECTION = "evacuation"
START_MARK = f"<!-- {SECTION}:start -->"
END_MARK = f"<!-- {SECTION}:end -->"

PBF = (ROOT / ".." / "shared" / "data" / "osm" / "seychelles-latest.osm.pbf").resolve()
SEED = 20240613
HOUSEHOLDS = 100_000
SHELTERS = 89
HOUSEHOLD_OFFSET_M = (0.0, 100.0)
# Shelters: every object of Refuge's shelters theme but bus shelters, plus schools and community centres.
SHELTER_FACILITIES = ("school", "community_centre")
NOT_SHELTERS = ("transport_shelter",)
# Walk profile speeds, as refuge.core.network.profiles.WALK (read from there when importable).
WALK_KMH_DEFAULT = 4.5
CLOSED_ACCESS = ("no", "private")

# Depth raster over Mahé: pixel size (degrees), nodata, and the flood's shape.
DEPTH_PIXEL = 0.0001
DEPTH_NODATA = -9999.0

# Synthetic city.
CITY_SIDE = 708  # nodes per side: 2 * 708 * 707 = 1,001,112 grid segments
CITY_SPACING_M = 80.0
CITY_LON0, CITY_LAT0 = 36.60, -1.45  # south-west corner
CITY_NODE_ID0 = 10_000_000_000  # OSM-style ids above 2**32
CITY_HOUSEHOLDS = 1_000_000
CITY_SHELTERS = 1_000

# Targets from the issue.
TARGET_SECONDS, TARGET_MIB = 5.0, 1024
TARGET_SPEEDUP = 10_000
SCALE_TARGET_SECONDS, SCALE_TARGET_MIB = 30.0, 2048
AGREE_REL = 0.001  # Refuge vs native: identical within 0.1 %
# QGIS's network tools snap points in the network layer's CRS: a metric one (UTM 40 S, Mahé) rather
# than degrees, whose plane is stretched (1 degree of longitude is 0.3 % shorter than one of latitude
# at Mahé), so that QGIS and Refuge snap the same way.
NATIVE_CRS = "EPSG:32740"
DISTURBED_CORES = 0.3  # other processes' load above which a Refuge run is redone
MAX_SNAP_M = 500.0  # Refuge's default MAX_SNAP_DISTANCE
WGS84_E2 = 0.00669437999014  # first eccentricity squared
# Outputs not written: ROUTES_OUTPUT is off by default; UNITS_OUTPUT needs AGGREGATION (not given).
SKIPPED_OUTPUTS = ("ROUTES_OUTPUT", "UNITS_OUTPUT")


# --------------------------------------------------------------------------
# Child roles. The probe imports only the standard library.


def probe(argv_json, timeout):
    """Run one child command; print its exit status, output, time and own peak RSS as JSON."""
    report = {}
    started = time.perf_counter()
    try:
        proc = subprocess.run(json.loads(argv_json), capture_output=True, text=True,
                              timeout=float(timeout) if float(timeout) > 0 else None)
        report.update(returncode=proc.returncode, stdout=proc.stdout[-200_000:], stderr=proc.stderr[-5000:])
    except subprocess.TimeoutExpired:
        report.update(timeout=True, returncode=None)
    report["seconds"] = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report["peak_kib"] = usage.ru_maxrss
    report["user_seconds"], report["sys_seconds"] = usage.ru_utime, usage.ru_stime
    print(json.dumps(report))


def launch(argv, timeout=None, env=None):
    """Run ``argv`` under a fresh probe; returns the probe's report (``ok`` True when it exited with 0)
    with ``other_cores``, the CPU other processes used meanwhile, in cores."""
    busy = busy_seconds()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--probe", json.dumps(argv),
                           str(timeout or 0)], capture_output=True, text=True, env=env or child_env(),
                          cwd=ROOT)
    if proc.returncode != 0:
        return {"ok": False, "error": f"probe exited with {proc.returncode}: {proc.stderr[-2000:]}"}
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    own = report.get("user_seconds", 0.0) + report.get("sys_seconds", 0.0)
    report["other_cores"] = max(0.0, (busy_seconds() - busy - own) / max(report["seconds"], 1e-9))
    if report.get("timeout"):
        report.update(ok=False, error=f"did not finish within {timeout} s")
    elif report["returncode"] != 0:
        report.update(ok=False, error=f"exited with {report['returncode']}: "
                      + (report["stderr"].strip() or report["stdout"].strip())[-3000:])
    else:
        report["ok"] = True
    return report


def child_env(pythonpath=True):
    """Environment of a child: our PYTHONPATH made absolute, or none at all (qgis_process must load
    Refuge from its QGIS profile, as a user's QGIS would; scripts/qgis_process adds .venv itself)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        paths = [str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        paths = paths or [str(ROOT / "build" / "pythonpath")]
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def last_json(text):
    return json.loads(text.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# Geometry helpers.


def walk_speeds():
    """Walk speed per highway class (km/h), Refuge's own table when importable."""
    try:
        from refuge.core.network.profiles import WALK

        return dict(WALK.speeds_kmh)
    except ImportError:  # pragma: no cover
        return {}


def remove(*paths):
    for path in paths:
        for candidate in (Path(path), Path(str(path) + "-wal"), Path(str(path) + "-shm"),
                          Path(str(path) + ".aux.xml")):
            if candidate.is_dir():
                shutil.rmtree(candidate)
            elif candidate.exists():
                candidate.unlink()


def write_points(path, layer_name, lon, lat, fields, srs_epsg=4326):
    """Points with integer/real/string attribute columns, written with OGR in one transaction."""
    import numpy as np
    from osgeo import ogr, osr

    ogr.UseExceptions()
    temporary = path.with_suffix(".tmp.gpkg")
    remove(temporary)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(srs_epsg)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(temporary))
    layer = dataset.CreateLayer(layer_name, srs, ogr.wkbPoint)
    kinds = {}
    for name, values in fields.items():
        values = np.asarray(values)
        kind = ogr.OFTInteger64 if values.dtype.kind in "iu" else ogr.OFTReal if values.dtype.kind == "f" \
            else ogr.OFTString
        kinds[name] = kind
        layer.CreateField(ogr.FieldDefn(name, kind))
    definition = layer.GetLayerDefn()
    columns = [(index, name, np.asarray(values).tolist())
               for index, (name, values) in enumerate(fields.items())]
    layer.StartTransaction()
    for i, (x, y) in enumerate(zip(np.asarray(lon).tolist(), np.asarray(lat).tolist())):
        feature = ogr.Feature(definition)
        for index, _, values in columns:
            if values[i] is not None:
                feature.SetField(index, values[i])
        point = ogr.Geometry(ogr.wkbPoint)
        point.AddPoint_2D(x, y)
        feature.SetGeometryDirectly(point)
        layer.CreateFeature(feature)
    layer.CommitTransaction()
    dataset = None
    os.replace(temporary, path)
    return path


# --------------------------------------------------------------------------
# The walk network, read the same way by the peers and by the data preparation.


class WalkNetwork:
    """Walkable segments of a roads layer: one per pair of consecutive vertices, joined by OSM node id.

    ``a``, ``b``: node indices of each segment's ends; ``xy_a``, ``xy_b``: their lon/lat;
    ``length_m``: geodesic length (WGS 84); ``speed_kmh``; ``way``: fid of the road.
    """

    def __init__(self, gpkg, layer="roads", timings=None):
        import numpy as np
        import pyproj
        import shapely
        from osgeo import ogr

        timings = {} if timings is None else timings
        started = time.perf_counter()
        speeds = walk_speeds()
        ogr.UseExceptions()
        dataset = ogr.Open(str(gpkg))
        source = dataset.GetLayerByName(layer)
        names = [source.GetLayerDefn().GetFieldDefn(i).GetName()
                 for i in range(source.GetLayerDefn().GetFieldCount())]
        has_access = "access" in names
        wkbs, ids, way_speeds, fids = [], [], [], []
        for feature in source:
            highway = feature.GetField("highway")
            access = feature.GetField("access") if has_access else None
            speed = speeds.get(highway, None) if speeds else WALK_KMH_DEFAULT
            if speed is None or (access is not None and access.strip().lower() in CLOSED_ACCESS):
                continue
            geometry = feature.GetGeometryRef()
            if geometry is None:
                continue
            wkbs.append(bytes(geometry.ExportToWkb()))
            ids.append(feature.GetField("node_ids"))
            way_speeds.append(speed)
            fids.append(feature.GetFID())
        dataset = None
        timings["read"] = time.perf_counter() - started
        started = time.perf_counter()
        lines = shapely.from_wkb(wkbs)
        coords, owner = shapely.get_coordinates(lines, return_index=True)
        node_ids = np.fromstring(",".join(s[1:-1] for s in ids), sep=",", dtype=np.int64) \
            if ids else np.zeros(0, np.int64)
        if len(node_ids) != len(coords):
            raise ValueError(f"{len(coords)} vertices but {len(node_ids)} node ids")
        same_line = owner[1:] == owner[:-1]
        first = np.flatnonzero(same_line)
        a_ids, b_ids = node_ids[first], node_ids[first + 1]
        keep = a_ids != b_ids
        first = first[keep]
        unique, inverse = np.unique(node_ids, return_inverse=True)
        self.node_ids = unique
        self.node_xy = np.zeros((len(unique), 2))
        self.node_xy[inverse] = coords
        self.a, self.b = inverse[first], inverse[first + 1]
        self.xy_a, self.xy_b = coords[first], coords[first + 1]
        geod = pyproj.Geod(ellps="WGS84")
        _, _, self.length_m = geod.inv(self.xy_a[:, 0], self.xy_a[:, 1], self.xy_b[:, 0], self.xy_b[:, 1])
        self.speed_kmh = np.asarray(way_speeds, dtype=float)[owner[first]]
        self.time_s = self.length_m / (self.speed_kmh / 3.6)
        self.way = np.asarray(fids)[owner[first]]
        self.line_count = len(wkbs)
        timings["build_arrays"] = time.perf_counter() - started

    @property
    def node_count(self):
        return len(self.node_ids)

    def snap(self, lon, lat):
        """Nearest segment of each point and where on it (fraction from ``a``), with the snap distance.

        Nearest in the Mercator plane of the WGS 84 ellipsoid (conformal: true to shape around every
        point, whatever the extent), as Refuge and QGIS snap in a plane; the distance is that plane's
        distance divided by the local scale factor. Returns (segment, fraction, distance_m).
        """
        import numpy as np
        import pyproj
        import shapely

        transformer = pyproj.Transformer.from_crs("EPSG:4326", "+proj=merc +datum=WGS84 +units=m",
                                                  always_xy=True)

        def mercator(lon, lat):
            return transformer.transform(lon, lat)

        ax, ay = mercator(self.xy_a[:, 0], self.xy_a[:, 1])
        bx, by = mercator(self.xy_b[:, 0], self.xy_b[:, 1])
        ends = [np.column_stack((ax, ay)), np.column_stack((bx, by))]
        tree = shapely.STRtree(shapely.linestrings(np.stack(ends, axis=1)))
        px, py = mercator(np.asarray(lon), np.asarray(lat))
        (point_index, segment), distance = tree.query_nearest(shapely.points(px, py), return_distance=True,
                                                              all_matches=False)
        order = np.argsort(point_index)
        phi = np.radians(np.asarray(lat))
        scale = np.sqrt(1 - WGS84_E2 * np.sin(phi) ** 2) / np.cos(phi)  # Mercator's scale factor
        segment, distance = segment[order], distance[order] / scale
        dx, dy = bx[segment] - ax[segment], by[segment] - ay[segment]
        squared = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = ((px - ax[segment]) * dx + (py - ay[segment]) * dy) / squared
        t = np.clip(np.nan_to_num(t, nan=0.0), 0.0, 1.0)
        return segment, t, distance

    def components(self):
        """Connected component label of each node (the walk network is undirected)."""
        import numpy as np
        import scipy.sparse
        import scipy.sparse.csgraph

        n = self.node_count
        matrix = scipy.sparse.coo_matrix((np.ones(len(self.a)), (self.a, self.b)), shape=(n, n)).tocsr()
        return scipy.sparse.csgraph.connected_components(matrix, directed=False)[1]


# --------------------------------------------------------------------------
# Data, written once.


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
    temporary = path.with_suffix(".tmp.gpkg")
    remove(temporary)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(temporary))
    layer = dataset.CreateLayer("walk_roads", source.GetSpatialRef(), ogr.wkbLineString)
    for name, kind in (("road_fid", ogr.OFTInteger64), ("highway", ogr.OFTString), ("walk_kmh", ogr.OFTReal)):
        layer.CreateField(ogr.FieldDefn(name, kind))
    definition = layer.GetLayerDefn()
    layer.StartTransaction()
    kept = 0
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
    layer.CommitTransaction()
    dataset = None
    os.replace(temporary, path)
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
    import shapely
    from osgeo import gdal, osr

    gdal.UseExceptions()
    labels = network.components()
    largest = np.bincount(labels).argmax()
    xy = network.node_xy[labels == largest]
    kx, ky = metres_per_degree(float(xy[:, 1].mean()))
    hull = shapely.concave_hull(shapely.multipoints(np.column_stack((xy[:, 0] * kx, xy[:, 1] * ky))),
                                ratio=0.02)
    margin = 0.006
    x0 = math.floor((xy[:, 0].min() - margin) / DEPTH_PIXEL) * DEPTH_PIXEL
    y1 = math.ceil((xy[:, 1].max() + margin) / DEPTH_PIXEL) * DEPTH_PIXEL
    width = int(math.ceil((xy[:, 0].max() + margin - x0) / DEPTH_PIXEL))
    height = int(math.ceil((y1 - (xy[:, 1].min() - margin)) / DEPTH_PIXEL))
    # Signed distance to the outline (metres, positive inland) on a coarse grid, then smoothed up.
    step = 5
    cols, rows = np.arange(0, width + step, step), np.arange(0, height + step, step)
    gx, gy = np.meshgrid(x0 + (cols + 0.5) * DEPTH_PIXEL, y1 - (rows + 0.5) * DEPTH_PIXEL)
    points = shapely.points(gx.ravel() * kx, gy.ravel() * ky)
    boundary = shapely.boundary(hull)
    shapely.prepare(hull)
    distance = shapely.distance(points, boundary)
    inside = shapely.contains(hull, points)
    signed = np.where(inside, distance, -distance).reshape(gx.shape)
    rng = np.random.default_rng([SEED, 3])
    noise = rng.random((len(rows) // 20 + 2, len(cols) // 20 + 2))
    fine_rows, fine_cols = np.arange(height) / step, np.arange(width) / step

    def interpolate(grid, r, c):
        r0 = np.minimum(r.astype(int), grid.shape[0] - 2)
        c0 = np.minimum(c.astype(int), grid.shape[1] - 2)
        tr, tc = (r - r0)[:, None], (c - c0)[None, :]
        top = grid[r0][:, c0] * (1 - tc) + grid[r0][:, c0 + 1] * tc
        bottom = grid[r0 + 1][:, c0] * (1 - tc) + grid[r0 + 1][:, c0 + 1] * tc
        return top * (1 - tr) + bottom * tr

    d = interpolate(signed, fine_rows, fine_cols)
    n = interpolate(noise, fine_rows / 20, fine_cols / 20)
    surge, decay = 1.6, 250.0
    depth = surge * np.exp(-np.maximum(d, 0.0) / decay) - 0.35 + 0.7 * (n - 0.5)
    depth = np.clip(depth, 0.0, None).astype(np.float32)
    depth[d < -500.0] = DEPTH_NODATA
    print(f"writing {path.name} ({width} x {height} px)", flush=True)
    temporary = path.with_suffix(".tmp.tif")
    dataset = gdal.GetDriverByName("GTiff").Create(
        str(temporary), width, height, 1, gdal.GDT_Float32,
        ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=3"])
    dataset.SetGeoTransform((x0, DEPTH_PIXEL, 0.0, y1, 0.0, -DEPTH_PIXEL))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    dataset.SetProjection(srs.ExportToWkt())
    band = dataset.GetRasterBand(1)
    band.SetNoDataValue(DEPTH_NODATA)
    band.WriteArray(depth)
    band.FlushCache()
    dataset = None
    os.replace(temporary, path)
    return path


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


# --------------------------------------------------------------------------
# The synthetic city.


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


def make_city(data_dir):
    """Roads (OSM-like columns, ``node_ids`` as JSON), households and shelters of the synthetic city."""
    roads = data_dir / f"city_roads_{CITY_SIDE}_s{SEED}.gpkg"
    households = data_dir / f"city_households_{CITY_HOUSEHOLDS}_s{SEED}.gpkg"
    shelters = data_dir / f"city_shelters_{CITY_SHELTERS}_s{SEED}.gpkg"
    info_path = roads.with_suffix(".json")
    if roads.exists() and households.exists() and shelters.exists() and info_path.exists():
        return roads, households, shelters, json.loads(info_path.read_text())
    import numpy as np
    from osgeo import ogr, osr

    ogr.UseExceptions()
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
    temporary = roads.with_suffix(".tmp.gpkg")
    remove(temporary)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(temporary))
    layer = dataset.CreateLayer("roads", srs, ogr.wkbLineString)
    for name, kind in (("osm_id", ogr.OFTInteger64), ("highway", ogr.OFTString), ("oneway", ogr.OFTInteger64),
                       ("maxspeed_kmh", ogr.OFTReal), ("bridge", ogr.OFTInteger), ("tunnel", ogr.OFTInteger),
                       ("access", ogr.OFTString), ("node_ids", ogr.OFTString)):
        layer.CreateField(ogr.FieldDefn(name, kind))
    definition = layer.GetLayerDefn()
    layer.StartTransaction()
    segments = 0
    seg_a, seg_b = [], []
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
        segments += len(ids) - 1
        seg_a.append(ids[:-1])
        seg_b.append(ids[1:])
    layer.CommitTransaction()
    dataset = None
    os.replace(temporary, roads)
    seg_a, seg_b = np.concatenate(seg_a), np.concatenate(seg_b)
    # Households: a random point of a random segment, 5-40 m to either side.
    count = CITY_HOUSEHOLDS
    pick = rng.integers(0, len(seg_a), count)
    xy_a = np.column_stack((lon[seg_a[pick]], lat[seg_a[pick]]))
    xy_b = np.column_stack((lon[seg_b[pick]], lat[seg_b[pick]]))
    offset = rng.uniform(5, 40, count) * rng.choice((-1.0, 1.0), count)
    h_lon, h_lat = household_positions(xy_a, xy_b, rng.random(count), offset)
    print(f"writing {households.name}", flush=True)
    write_points(households, "households", h_lon, h_lat, {"hid": np.arange(count, dtype=np.int64),
                                                          "population": rng.integers(1, 7, count)})
    nodes = rng.choice(n * n, CITY_SHELTERS, replace=False)
    angle = rng.uniform(0, 2 * np.pi, CITY_SHELTERS)
    radius = rng.uniform(0, 30, CITY_SHELTERS)
    write_points(shelters, "shelters", lon[nodes] + radius * np.cos(angle) / kx,
                 lat[nodes] + radius * np.sin(angle) / ky,
                 {"sid": np.arange(CITY_SHELTERS, dtype=np.int64),
                  "name": np.array([f"shelter {i}" for i in range(CITY_SHELTERS)], dtype=object)})
    info = {"ways": len(ways), "segments": int(segments), "nodes": int(len(np.unique(np.r_[seg_a, seg_b]))),
            "classes": {c: classes.count(c) for c in sorted(set(classes))},
            "extent_km": round(n * CITY_SPACING_M / 1000, 1), "oneway_ways": int(oneway.sum())}
    info_path.write_text(json.dumps(info))
    return roads, households, shelters, info

# --------------------------------------------------------------------------
# Peers: networkx and scipy, in one child process.


def peers_child(roads, households, shelters, out_npz, subset_json, repeat_searches):
    """The networkx peer end to end, then the raw scipy search on the same graph; prints JSON."""
    import numpy as np

    timings = {}
    started = time.perf_counter()
    import networkx as nx
    import scipy.sparse
    import scipy.sparse.csgraph

    timings["import"] = time.perf_counter() - started
    network = WalkNetwork(roads, timings=timings)
    t = time.perf_counter()
    h_lon, h_lat, hid = read_points(households, "hid")
    s_lon, s_lat, sid = read_points(shelters, "sid")
    subset = json.loads(subset_json)
    if subset:
        keep = np.isin(sid, subset)
        s_lon, s_lat, sid = s_lon[keep], s_lat[keep], sid[keep]
    timings["read_points"] = time.perf_counter() - t
    t = time.perf_counter()
    h_seg, h_t, h_snap = network.snap(h_lon, h_lat)
    s_seg, s_t, s_snap = network.snap(s_lon, s_lat)
    # As Refuge's MAX_SNAP_DISTANCE (default): farther shelters are not used, farther households get
    # no route.
    near = s_snap <= MAX_SNAP_M
    all_shelters_snap = s_snap
    s_lon, s_lat, sid, s_seg, s_t, s_snap = (v[near] for v in (s_lon, s_lat, sid, s_seg, s_t, s_snap))
    timings["snap"] = time.perf_counter() - t

    # The graph: segments (cheapest of parallel ones) + one node per shelter splitting its segment.
    t = time.perf_counter()
    n, k = network.node_count, len(sid)
    a, b, cost, length = network.a, network.b, network.time_s, network.length_m
    shelter_nodes = n + np.arange(k)
    ea = np.concatenate((a, a[s_seg], b[s_seg]))
    eb = np.concatenate((b, shelter_nodes, shelter_nodes))
    ecost = np.concatenate((cost, s_t * cost[s_seg], (1 - s_t) * cost[s_seg]))
    elength = np.concatenate((length, s_t * length[s_seg], (1 - s_t) * length[s_seg]))
    lo, hi = np.minimum(ea, eb), np.maximum(ea, eb)
    order = np.lexsort((ecost, hi, lo))
    first = np.ones(len(order), dtype=bool)
    first[1:] = (lo[order][1:] != lo[order][:-1]) | (hi[order][1:] != hi[order][:-1])
    order = order[first]
    lo, hi, ecost, elength = lo[order], hi[order], ecost[order], elength[order]
    timings["edges"] = time.perf_counter() - t
    t = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(range(n + k))
    graph.add_weighted_edges_from(zip(lo.tolist(), hi.tolist(), ecost.tolist()))
    timings["nx_build"] = time.perf_counter() - t
    searches = []
    for _ in range(repeat_searches):
        t = time.perf_counter()
        dist, paths = nx.multi_source_dijkstra(graph, set(shelter_nodes.tolist()))
        searches.append(time.perf_counter() - t)
    timings["nx_search"] = statistics.median(searches)
    timings["nx_search_runs"] = searches
    t = time.perf_counter()
    node_time = np.full(n + k, np.inf)
    node_origin = np.full(n + k, -1)
    nodes = np.fromiter(dist.keys(), dtype=np.int64, count=len(dist))
    node_time[nodes] = np.fromiter(dist.values(), dtype=float, count=len(dist))
    node_origin[nodes] = np.fromiter((paths[v][0] for v in dist), dtype=np.int64, count=len(dist)) - n
    best_time, best_shelter = household_costs(node_time, node_origin, a, b, cost, h_seg, h_t, s_seg, s_t)
    timings["nx_households"] = time.perf_counter() - t
    timings["nx_total"] = sum(timings[key] for key in ("read", "build_arrays", "read_points", "snap", "edges",
                                                       "nx_build", "nx_search", "nx_households"))

    # scipy: the same graph as a symmetric CSR matrix, raw multi-source search.
    t = time.perf_counter()
    size = n + k
    matrix = scipy.sparse.csr_matrix((np.concatenate((ecost, ecost)), (np.concatenate((lo, hi)),
                                      np.concatenate((hi, lo)))), shape=(size, size))
    timings["csr_build"] = time.perf_counter() - t
    searches = []
    for _ in range(repeat_searches):
        t = time.perf_counter()
        sp_time, predecessors, sp_origin = scipy.sparse.csgraph.dijkstra(
            matrix, directed=True, indices=shelter_nodes, min_only=True, return_predecessors=True)
        searches.append(time.perf_counter() - t)
    timings["scipy_search"] = statistics.median(searches)
    timings["scipy_search_runs"] = searches
    sp_origin = np.where(np.isfinite(sp_time), sp_origin - n, -1)
    sp_best, sp_shelter = household_costs(sp_time, sp_origin, a, b, cost, h_seg, h_t, s_seg, s_t)
    # Length along the fastest path found by scipy (not timed: for the comparison with Refuge).
    lengths = dict(zip(zip(lo.tolist(), hi.tolist()), elength.tolist()))
    node_length = np.full(size, np.inf)
    node_length[shelter_nodes] = 0.0
    for v in np.argsort(sp_time).tolist():
        p = predecessors[v]
        if p >= 0:
            node_length[v] = node_length[p] + lengths[(min(p, v), max(p, v))]
    best_length = household_lengths(node_time, node_length, a, b, cost, length, h_seg, h_t, s_seg, s_t,
                                     best_time)
    far = h_snap > MAX_SNAP_M
    best_time[far], sp_best[far], best_length[far] = np.inf, np.inf, np.nan
    best_shelter[far], sp_shelter[far] = -1, -1
    np.savez(out_npz, hid=hid, nx_time=best_time, nx_shelter=np.where(best_shelter >= 0,
             sid[np.maximum(best_shelter, 0)], -1), scipy_time=sp_best,
             scipy_shelter=np.where(sp_shelter >= 0, sid[np.maximum(sp_shelter, 0)], -1),
             length=best_length, snap=h_snap, shelter_snap=all_shelters_snap, sid=sid)
    junctions = junction_searches(lo, hi, ecost, shelter_nodes, repeat_searches, timings)
    print(json.dumps({"timings": timings, "junctions": junctions, "nodes": n, "segments": len(a),
                      "graph_edges": len(lo),
                      "shelters": k, "households": len(hid),
                      "networkx": nx.__version__, "scipy": scipy.__version__}))


def junction_searches(lo, hi, cost, shelter_nodes, repeat, timings):
    """The raw searches again on the junction graph (not part of the peer): nodes of degree 2 merged
    into the edge through them, as the issue counted the network (6,234 junctions, 6,906 edges); the
    shelter nodes are kept. Times ``scipy_junction_search`` and ``nx_junction_search``."""
    import networkx as nx
    import numpy as np
    import scipy.sparse
    import scipy.sparse.csgraph

    size = int(max(lo.max(), hi.max())) + 1
    adjacency = scipy.sparse.csr_matrix((np.r_[cost, cost], (np.r_[lo, hi], np.r_[hi, lo])),
                                        shape=(size, size))
    degree = np.diff(adjacency.indptr)
    keep = (degree != 2) & (degree > 0)
    keep[shelter_nodes] = True
    indptr, indices, data = adjacency.indptr, adjacency.indices, adjacency.data
    edges = {}
    for start in np.flatnonzero(keep).tolist():
        for k in range(indptr[start], indptr[start + 1]):
            previous, node, total = start, int(indices[k]), float(data[k])
            while not keep[node]:
                first, second = indptr[node], indptr[node] + 1
                step = first if indices[first] != previous else second
                previous, node, total = node, int(indices[step]), total + float(data[step])
            if node != start:
                key = (min(start, node), max(start, node))
                edges[key] = min(edges.get(key, np.inf), total)
    kept = np.flatnonzero(keep)
    new_index = np.full(size, -1)
    new_index[kept] = np.arange(len(kept))
    pairs = np.array(list(edges.keys()), dtype=np.int64).reshape(-1, 2)
    weights = np.array(list(edges.values()))
    a, b = new_index[pairs[:, 0]], new_index[pairs[:, 1]]
    count = len(kept)
    matrix = scipy.sparse.csr_matrix((np.r_[weights, weights], (np.r_[a, b], np.r_[b, a])),
                                     shape=(count, count))
    sources = new_index[shelter_nodes]
    searches = []
    for _ in range(repeat):
        started = time.perf_counter()
        scipy.sparse.csgraph.dijkstra(matrix, directed=True, indices=sources, min_only=True)
        searches.append(time.perf_counter() - started)
    timings["scipy_junction_search"] = statistics.median(searches)
    graph = nx.Graph()
    graph.add_nodes_from(range(count))
    graph.add_weighted_edges_from(zip(a.tolist(), b.tolist(), weights.tolist()))
    searches = []
    for _ in range(repeat):
        started = time.perf_counter()
        nx.multi_source_dijkstra(graph, set(sources.tolist()))
        searches.append(time.perf_counter() - started)
    timings["nx_junction_search"] = statistics.median(searches)
    return {"nodes": int(count - len(shelter_nodes)), "edges": int(len(weights))}


def household_costs(node_time, node_origin, a, b, cost, h_seg, h_t, s_seg, s_t):
    """Each household's cost to its nearest shelter: through either end of its segment, or straight
    along the segment to a shelter on the same segment; returns (cost, shelter position)."""
    import numpy as np

    via_a = node_time[a[h_seg]] + h_t * cost[h_seg]
    via_b = node_time[b[h_seg]] + (1 - h_t) * cost[h_seg]
    best = np.minimum(via_a, via_b)
    shelter = np.where(via_a <= via_b, node_origin[a[h_seg]], node_origin[b[h_seg]])
    for j, (segment, t) in enumerate(zip(s_seg.tolist(), s_t.tolist())):
        same = np.flatnonzero(h_seg == segment)
        direct = np.abs(h_t[same] - t) * cost[segment]
        better = direct < best[same]
        best[same[better]] = direct[better]
        shelter[same[better]] = j
    shelter = np.where(np.isfinite(best), shelter, -1)
    return best, shelter


def household_lengths(node_time, node_length, a, b, cost, length, h_seg, h_t, s_seg, s_t, best):
    """Length (m) of the route chosen by :func:`household_costs`."""
    import numpy as np

    via_a = node_time[a[h_seg]] + h_t * cost[h_seg]
    result = np.where(via_a <= node_time[b[h_seg]] + (1 - h_t) * cost[h_seg],
                      node_length[a[h_seg]] + h_t * length[h_seg],
                      node_length[b[h_seg]] + (1 - h_t) * length[h_seg])
    for segment, t in zip(s_seg.tolist(), s_t.tolist()):
        same = np.flatnonzero(h_seg == segment)
        direct = np.abs(h_t[same] - t) * cost[segment]
        hit = np.isclose(direct, best[same])
        result[same[hit]] = np.abs(h_t[same[hit]] - t) * length[segment]
    return np.where(np.isfinite(best), result, np.nan)



# --------------------------------------------------------------------------
# QGIS: the native per-shelter approach, in a QGIS Python process.


def native_child(walk_roads, households, shelters, sids_json, out_json):
    """``native:shortestpathlayertopoint`` once per shelter of ``sids_json``, the households as start
    points; fastest path with the walk speed of each line, costs on the WGS 84 ellipsoid.

    Writes {sid: {hid: cost_s}} and the time of each run to ``out_json``. The first shelter is also
    run with the first 10 households alone, to split a run's time into a fixed part (building the
    graph) and a part per start point.
    """
    app = start_qgis()  # noqa: F841 (kept alive)
    import processing  # noqa: I001 (QGIS's Processing plugin, importable once QGIS has started)
    from qgis.core import (
        QgsFeatureRequest,
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProject,
        QgsVectorLayer,
    )

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    context.setEllipsoid("EPSG:7030")  # WGS 84: edge lengths in metres, as Refuge's geodesic lengths
    feedback = QgsProcessingFeedback()
    s_lon, s_lat, sid = read_points(shelters, "sid")
    wanted = json.loads(sids_json)
    base = {
        "INPUT": str(walk_roads),
        "STRATEGY": 1,  # fastest: cost = length / speed, in hours
        "DIRECTION_FIELD": "",
        "DEFAULT_DIRECTION": 2,  # both directions (walking)
        "SPEED_FIELD": "walk_kmh",
        "DEFAULT_SPEED": WALK_KMH_DEFAULT,
        "TOLERANCE": 0,
        "START_POINTS": str(households),
        "OUTPUT": "TEMPORARY_OUTPUT",
    }
    small = QgsVectorLayer(str(households), "first10", "ogr")
    small.setSubsetString("fid <= 10")
    costs, runs, calibration = {}, [], None
    for position, s in enumerate(wanted):
        j = int((sid == s).nonzero()[0][0])
        parameters = dict(base, END_POINT=f"{s_lon[j]!r},{s_lat[j]!r} [EPSG:4326]")
        if position == 0:
            started = time.perf_counter()
            processing.run("native:shortestpathlayertopoint", dict(parameters, START_POINTS=small),
                           context=context, feedback=feedback)
            calibration = {"seconds": time.perf_counter() - started, "starts": small.featureCount()}
        started = time.perf_counter()
        result = processing.run("native:shortestpathlayertopoint", parameters, context=context,
                                feedback=feedback)
        runs.append(time.perf_counter() - started)
        layer = result["OUTPUT"]
        if isinstance(layer, str):
            layer = context.getMapLayer(layer)
        request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry)
        # Start points without a route get a NULL cost (a QVariant): left out.
        costs[str(s)] = {str(f["hid"]): float(f["cost"]) for f in layer.getFeatures(request)
                         if isinstance(f["cost"], (int, float))}
        context.temporaryLayerStore().removeAllMapLayers()
        print(f"  native, shelter {s} ({position + 1}/{len(wanted)}): {runs[-1]:.2f} s, "
              f"{len(costs[str(s)])} routes", file=sys.stderr, flush=True)
    with open(out_json, "w") as handle:
        json.dump({"costs": costs, "runs": runs, "calibration": calibration}, handle)
    print(json.dumps({"runs": runs, "calibration": calibration}))


def profile_child(parameters_json, top, plain_run):
    """``processing.run(ALGORITHM)`` in this QGIS process, once plain (if ``plain_run``) and once under
    cProfile; prints both wall times and the ``top`` entries by cumulative time as JSON."""
    import cProfile
    import pstats

    app = start_qgis()  # noqa: F841 (kept alive)
    import processing  # noqa: I001
    import refuge

    plugin = refuge.classFactory(None)
    plugin.initProcessing()
    parameters = json.loads(parameters_json)
    for name, value in parameters.items():
        if name.endswith("_OUTPUT") or name in ("REJECTS", "SUMMARY_JSON"):
            remove(value)
    plain = None
    if plain_run:
        started = time.perf_counter()
        processing.run(ALGORITHM, parameters)
        plain = time.perf_counter() - started
        for name, value in parameters.items():
            if name.endswith("_OUTPUT") or name in ("REJECTS", "SUMMARY_JSON"):
                remove(value)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(processing.run, ALGORITHM, parameters)
    profiled = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    root = str(ROOT) + os.sep
    entries = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():
        name = filename.replace(root, "")
        name = name.split("site-packages/")[-1].split("/usr/share/qgis/python/")[-1]
        label = f"{name}:{line} `{function}`" if line else f"`{function}`"
        entries.append({"function": label, "calls": calls, "own": own, "cumulative": cumulative})
    entries.sort(key=lambda e: -e["cumulative"])
    print(json.dumps({"plain": plain, "profiled": profiled, "entries": entries[:top],
                      "by_own": sorted(entries, key=lambda e: -e["own"])[:top]}))


def read_pbf_child():
    """``read_pbf`` of the roads group alone, in this fresh process; prints JSON."""
    started = time.perf_counter()
    from refuge.core.osm.extract import read_pbf

    imported = time.perf_counter()
    result = read_pbf(PBF, groups=["roads"])
    done = time.perf_counter()
    print(json.dumps({"import_seconds": imported - started, "call_seconds": done - imported,
                      "roads": len(result.layers["roads"])}))


# --------------------------------------------------------------------------
# Refuge through qgis_process.


def qgis(*args, timeout=None):
    return subprocess.run([str(QGIS_PROCESS), *args], capture_output=True, text=True, cwd=ROOT,
                          env=child_env(pythonpath=False), timeout=timeout)


def algorithm_available():
    proc = qgis("list")
    return proc.returncode == 0 and ALGORITHM in proc.stdout


def destinations():
    """Destination parameters of the algorithm created by default: {name: parameter type}."""
    proc = qgis("help", ALGORITHM, "--json")
    text = proc.stdout[proc.stdout.find("{"):]
    parameters = json.loads(text)["parameters"]
    result = {}
    for name, definition in parameters.items():
        raw = definition.get("raw_definition", {})
        if definition.get("is_destination") and raw.get("create_by_default", True):
            result[name] = raw.get("parameter_type", "sink")
    return result


def startup(repeat):
    """qgis_process start-up alone: ``--version`` and ``list`` (which loads every provider and plugin,
    as ``run`` does)."""
    result = {}
    for name, argv in (("version", [str(QGIS_PROCESS), "--version"]), ("list", [str(QGIS_PROCESS), "list"])):
        reports = [launch(argv, env=child_env(pythonpath=False)) for _ in range(repeat)]
        failed = [r for r in reports if not r["ok"]]
        if failed:
            raise SystemExit(f"qgis_process {name} failed: {failed[0]['error']}")
        result[name] = {"seconds": statistics.median(r["seconds"] for r in reports),
                        "peak_mib": max(r["peak_kib"] for r in reports) / 1024,
                        "stdout": reports[-1]["stdout"]}
    return result


def refuge_parameters(tag, roads, households, shelters, out, sinks, depth=None):
    parameters = {"ROADS": str(roads), "HOUSEHOLDS": str(households), "SHELTERS": str(shelters),
                  "PROFILE": "0", "POPULATION_FIELD": "population", "SHELTER_NAME_FIELD": "name"}
    if depth is not None:
        parameters["DEPTH"] = str(depth)
    for name, kind in sinks.items():
        if name in SKIPPED_OUTPUTS:
            continue
        suffix = ".json" if kind == "fileDestination" or name == "SUMMARY_JSON" else ".gpkg"
        parameters[name] = str(out / f"{tag}_{name.lower()}{suffix}")
    return parameters


def run_refuge(parameters, timeout=None, retries=2):
    """One ``qgis_process run`` under a fresh probe; outputs removed first. A run during which other
    processes used more than DISTURBED_CORES is redone (at most ``retries`` times)."""
    argv = [str(QGIS_PROCESS), "run", ALGORITHM, "--"] + [f"{k}={v}" for k, v in parameters.items()]
    for attempt in range(retries + 1):
        for name, value in parameters.items():
            if name.endswith("_OUTPUT") or name in ("REJECTS", "SUMMARY_JSON"):
                remove(value)
        report = launch(argv, timeout=timeout, env=child_env(pythonpath=False))
        if not report["ok"] or report["other_cores"] <= DISTURBED_CORES or attempt == retries:
            return report
        print(f"    {report['seconds']:.2f} s with other load {report['other_cores']:.2f} cores: redone",
              flush=True)
    return report


def read_households(path, size):
    """Refuge's household output, as arrays indexed by ``hid``."""
    import numpy as np

    columns = ["status", "shelter_fid", "distance_m", "travel_time_s", "snap_distance_m", "dry_time_s"]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        table = gpkg_table(path)
        present = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
        wanted = [c for c in columns if c in present]
        rows = db.execute(f'SELECT hid, {", ".join(wanted)} FROM "{table}"').fetchall()
    hid = np.array([r[0] for r in rows], dtype=np.int64)
    if len(rows) != size or len(np.unique(hid)) != size:
        raise RuntimeError(f"{path}: {len(rows)} rows, {len(np.unique(hid))} distinct hid, expected {size}")
    result = {"status": np.empty(size, dtype=object)}
    for position, column in enumerate(wanted, start=1):
        if column == "status":
            result["status"][hid] = [r[position] for r in rows]
            continue
        values = np.full(size, np.nan)
        values[hid] = [np.nan if r[position] is None else r[position] for r in rows]
        result[column] = values
    return result


def shelter_sid_by_fid(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        table = gpkg_table(path)
        return dict(db.execute(f'SELECT fid, sid FROM "{table}"').fetchall())


def status_counts(status):
    counts = {}
    for value in status.tolist():
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


# --------------------------------------------------------------------------
# Comparisons.


def relative(a, b, floor=1.0):
    """|a - b| / max(|b|, floor): times in seconds, distances in metres; the floor keeps a few
    centimetres of difference on a route of a few metres from counting as a large relative error."""
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        return np.abs(a - b) / np.maximum(np.abs(b), floor)


def describe_rel(rel):
    import numpy as np

    if len(rel) == 0:
        return {"n": 0}
    return {"n": int(len(rel)), "median": float(np.median(rel)), "p99": float(np.percentile(rel, 99)),
            "max": float(rel.max()), "above": int((rel > AGREE_REL).sum())}


def compare_peer(refuge, peer, sid_of_fid, prefix="nx", network=None, points=None):
    """Refuge's travel times vs a peer's, household by household; with ``network`` and ``points``
    (lon, lat), the households beyond the tolerance are explained (see :func:`explain`)."""
    import numpy as np

    status = refuge["status"]
    peer_time = peer[f"{prefix}_time"]
    reachable = status == "reachable"
    finite = np.isfinite(peer_time)
    both = reachable & finite
    rel = relative(refuge["travel_time_s"][both], peer_time[both])
    shelter = np.array([sid_of_fid.get(int(f), -2) if f == f else -1 for f in refuge["shelter_fid"]])
    same_shelter = int((shelter[both] == peer[f"{prefix}_shelter"][both]).sum())
    length_rel = relative(refuge["distance_m"][both], peer["length"][both])
    explained = None
    if network is not None:
        index = np.flatnonzero(both)[rel > AGREE_REL]
        explained = explain(network, points[0][index], points[1][index], index,
                            refuge["travel_time_s"][index], peer_time[index])
    return {
        "explained": explained,
        "time": describe_rel(rel),
        "length": describe_rel(length_rel[np.isfinite(length_rel)]),
        "same_shelter": same_shelter,
        "both": int(both.sum()),
        "refuge_reachable_peer_not": int((reachable & ~finite).sum()),
        "peer_reachable_refuge_not": status_counts(status[finite & ~reachable]),
    }


def snap_scale(refuge, peer, points, network):
    """Refuge's ``snap_distance_m`` over the peer's (true to about 1e-4, see WalkNetwork.snap), for
    households on the inner islands (east of 55 E) and on the outer ones: a local projection centred
    far away inflates planar distances by its scale factor."""
    import numpy as np

    lon = points[0]
    valid = np.isfinite(refuge["snap_distance_m"]) & (peer["snap"] > 1.0)
    ratio = refuge["snap_distance_m"] / np.where(valid, peer["snap"], np.nan)
    parts = []
    for label, where in (("inner islands (east of 55° E)", lon >= 55), ("outer islands", lon < 55)):
        chosen = valid & where
        if chosen.any():
            values = ratio[chosen]
            parts.append(f"{label}: median {np.median(values):.4f}, range {values.min():.4f}–"
                         f"{values.max():.4f} ({fmt_n(int(chosen.sum()))})")
    lo, hi = network.node_xy.min(axis=0), network.node_xy.max(axis=0)
    return (f"Refuge's `snap_distance_m` ÷ the true snapping distance (peer's, households over 1 m from "
            f"their road): {'; '.join(parts)}. The roads span {lo[0]:.1f}–{hi[0]:.1f}° E, "
            f"{lo[1]:.1f}–{hi[1]:.1f}° N, so a transverse Mercator centred on their middle is far from "
            "the main islands.")


def explain(network, lon, lat, index, refuge_time, peer_time, limit=2000):
    """Sort households whose times differ beyond the tolerance into

    * ``short``: less than 0.5 s apart (a route of a few metres; the snapped points differ by
      centimetres between Refuge's projection and the peer's plane);
    * ``tie``: another segment lies within 5 cm of the nearest one, elsewhere (two ways on top of
      each other, a way folding back): either is "the nearest road", and the two tools pick
      differently;
    * ``other``: neither; listed for a closer look.
    """
    import numpy as np

    diff = np.abs(refuge_time - peer_time)
    result = {"short": 0, "tie": 0, "other": [], "checked": 0}
    for position in range(min(len(index), limit)):
        if diff[position] < 0.5:
            result["short"] += 1
            continue
        # A plane around this household (metres): its own scale, exact enough within a few km.
        kx, ky = metres_per_degree(float(lat[position]))
        a, b = network.xy_a * (kx, ky), network.xy_b * (kx, ky)
        d = b - a
        squared = np.maximum((d * d).sum(axis=1), 1e-12)
        point = np.array([lon[position] * kx, lat[position] * ky])
        t = np.clip(((point - a) * d).sum(axis=1) / squared, 0, 1)
        nearest = a + t[:, None] * d
        distance = np.hypot(*(point - nearest).T)
        best = int(distance.argmin())
        close = (distance <= distance[best] + 0.05) & (np.hypot(*(nearest - nearest[best]).T) > 0.01)
        if close.any():
            result["tie"] += 1
        else:
            result["other"].append({"hid": int(index[position]), "refuge_s": float(refuge_time[position]),
                                    "peer_s": float(peer_time[position]),
                                    "snap_m": float(distance[best])})
    result["checked"] = min(len(index), limit)
    return result


def compare_native(native_costs, refuge, sample_hids, peer):
    """Native minimum over the sample's shelters vs Refuge (same shelters) and the networkx peer."""
    import numpy as np

    native = np.full(len(sample_hids), np.inf)
    for costs in native_costs.values():
        for h, c in costs.items():
            i = int(h)
            native[i] = min(native[i], c * 3600.0)  # hours -> seconds
    result = {"native_routes": int(np.isfinite(native).sum()), "households": len(sample_hids)}
    if refuge is not None:
        reachable = refuge["status"] == "reachable"
        both = reachable & np.isfinite(native)
        rel = relative(refuge["travel_time_s"], native)
        result["refuge"] = describe_rel(rel[both])
        beyond = np.flatnonzero(both & (rel > AGREE_REL))
        # QGIS reports "no route" when a start point joins the graph at the very vertex where the end
        # point joins (the search tree has no edge into its own root): such a household, 0 s from its
        # shelter for Refuge, gets the next shelter from the native tool.
        same = beyond[refuge["travel_time_s"][beyond] < 1e-6]
        result["same_vertex"] = int(len(same))
        result["beyond"] = [{"hid": int(i), "refuge_s": float(refuge["travel_time_s"][i]),
                             "native_s": float(native[i]),
                             "networkx_s": float(peer["nx_time"][i]) if peer is not None else None}
                            for i in np.setdiff1d(beyond, same)[:8]]
        result["beyond_other"] = int(len(beyond) - len(same))
        result["refuge_only"] = int((reachable & ~np.isfinite(native)).sum())
        result["native_only"] = status_counts(refuge["status"][np.isfinite(native) & ~reachable])
    if peer is not None:
        finite = np.isfinite(peer["nx_time"]) & np.isfinite(native)
        result["networkx"] = describe_rel(relative(peer["nx_time"][finite], native[finite]))
        result["networkx_only"] = int((np.isfinite(peer["nx_time"]) != np.isfinite(native)).sum())
    return result, native




def summary_json(parameters):
    path = parameters.get("SUMMARY_JSON")
    if not path or not Path(path).exists():
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def flood_checks(dry, flood, safe_fids, problems):
    """The flood run against the dry run: its ``dry_time_s`` is the dry run's time, and no household
    gets faster with the flood."""
    import numpy as np

    result = {}
    if dry is None:
        return result
    dry_reachable = dry["status"] == "reachable"
    if "dry_time_s" in flood:
        # dry_time_s leaves flooded shelters out: compare where the dry run's shelter stayed safe.
        safe = np.isin(dry["shelter_fid"], list(safe_fids))
        both = np.isfinite(flood["dry_time_s"]) & dry_reachable & safe
        rel = relative(flood["dry_time_s"][both], dry["travel_time_s"][both])
        result["dry_time"] = describe_rel(rel)
        result["dry_time_flooded_shelter"] = int((dry_reachable & ~safe).sum())
        if len(rel) and rel.max() > 1e-6:
            problems.append(f"flood run: dry_time_s differs from the dry run's travel_time_s for "
                            f"{int((rel > 1e-6).sum())} households whose shelter is safe (max relative "
                            f"difference {rel.max():.2e})")
    reachable = (flood["status"] == "reachable") & dry_reachable
    # With the flood, a household next to a flooded road joins the nearest usable one instead,
    # possibly farther away; the snapping distance is not part of the cost, so its time may drop.
    same_snap = np.isclose(flood["snap_distance_m"], dry["snap_distance_m"], rtol=0, atol=1e-6)
    faster = reachable & (flood["travel_time_s"] < dry["travel_time_s"] * (1 - 1e-9))
    result["faster"] = int(faster.sum())
    result["faster_same_snap"] = int((faster & same_snap).sum())
    result["faster_moved"] = int((faster & ~same_snap).sum())
    moved = faster & ~same_snap
    if moved.any():
        gain = dry["travel_time_s"][moved] - flood["travel_time_s"][moved]
        extra = flood["snap_distance_m"][moved] - dry["snap_distance_m"][moved]
        worst = np.argmax(gain)
        result["faster_example"] = {"gain_s": float(gain[worst]), "extra_snap_m": float(extra[worst]),
                                    "max_extra_snap_m": float(extra.max())}
    if result["faster_same_snap"]:
        problems.append(f"flood run: {result['faster_same_snap']} households reach a shelter faster than "
                        "when dry from the same snapped point")
    slower = reachable & (flood["travel_time_s"] > dry["travel_time_s"] * (1 + 1e-9))
    result["slower"] = int(slower.sum())
    result["lost"] = status_counts(flood["status"][(dry["status"] == "reachable")
                                                   & (flood["status"] != "reachable")])
    return result


def safe_shelters(path):
    """sids of the shelters whose shelter_status is safe, and the count per status."""
    if not path or not Path(path).exists():
        return {"sids": set(), "counts": {}}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(f'SELECT sid, shelter_status FROM "{gpkg_table(path)}"').fetchall()
    counts = {}
    for _, status in rows:
        counts[status] = counts.get(status, 0) + 1
    return {"sids": {sid for sid, status in rows if status == "safe"}, "counts": counts}


def flood_roads(parameters):
    """Segments of the flood run's road output, and how many are impassable."""
    path = parameters.get("ROADS_OUTPUT")
    if not path or not Path(path).exists():
        return None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        table = gpkg_table(path)
        columns = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
        total = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        result = {"segments": total}
        if "passable" in columns:
            query = f'SELECT COUNT(*) FROM "{table}" WHERE NOT passable'
            result["impassable"] = db.execute(query).fetchone()[0]
        if "max_depth_m" in columns:
            result["wet"] = db.execute(f'SELECT COUNT(*) FROM "{table}" WHERE max_depth_m > 0').fetchone()[0]
    return result


def full_vs_native(refuge, sid_of_fid, orig_hid, subset, native_cost):
    """Households of the sample whose nearest shelter in Refuge's full run (89 shelters) is one of the
    sample's shelters: then the native minimum over the sample's shelters is that same route."""
    import numpy as np

    status = refuge["status"][orig_hid]
    fid = refuge["shelter_fid"][orig_hid]
    sid = np.array([sid_of_fid.get(int(f), -1) if f == f else -1 for f in fid])
    chosen = (status == "reachable") & np.isin(sid, subset) & np.isfinite(native_cost)
    time_s = refuge["travel_time_s"][orig_hid][chosen]
    rel = relative(time_s, native_cost[chosen])
    result = describe_rel(rel)
    result["same_vertex"] = int(((rel > AGREE_REL) & (time_s < 1e-6)).sum())
    return result


def check_native(native, problems):
    comparison = native.get("comparison", {})
    for name in ("refuge", "networkx"):
        stats = comparison.get(name)
        unexplained = stats["above"] - comparison.get("same_vertex", 0) if stats and stats["n"] else 0
        if unexplained > 0.01 * stats["n"]:
            problems.append(f"{name} vs native on the sample: {stats['above']} of {stats['n']} households "
                            f"differ by more than {AGREE_REL:.1%} (max {stats['max']:.2%})")
    if comparison.get("refuge_only") or comparison.get("native_only"):
        problems.append(f"Refuge vs native on the sample: {comparison.get('refuge_only')} households routed "
                        f"by Refuge only, {comparison.get('native_only')} (Refuge status) by native only")


def native_model(native):
    """Time per household-shelter pair and the extrapolation to the full set (see the notes)."""
    runs = native["runs"]
    h, k = native["households"], native["shelters"]
    per_pair = sum(runs) / (h * k)
    calibration = native["calibration"]
    per_start = (statistics.median(runs) - calibration["seconds"]) / max(h - calibration["starts"], 1)
    fixed = max(calibration["seconds"] - per_start * calibration["starts"], 0.0)
    return {"total": sum(runs), "per_pair": per_pair, "linear": per_pair * HOUSEHOLDS * SHELTERS,
            "per_start": per_start, "fixed": fixed, "model": SHELTERS * (fixed + per_start * HOUSEHOLDS)}


# --------------------------------------------------------------------------
# Markdown.


def fmt_s(seconds):
    if seconds is None:
        return "—"
    if seconds < 0.1:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def fmt_rel(stats):
    if not stats or not stats.get("n"):
        return "no household to compare"
    return (f"median {stats['median']:.1e}, 99th percentile {stats['p99']:.1e}, max {stats['max']:.1e} "
            f"over {fmt_n(stats['n'])} households ({fmt_n(stats['above'])} above {AGREE_REL:.1%})")


def join_runs(values):
    return " / ".join(f"{v:.2f}" for v in values)


def verdict(value, target):
    return f"{'✅' if value <= target else '❌'} {value / target:.2f}× the budget"



def describe_run(report):
    if not report["ok"]:
        return f"FAILED {report['error']}"
    return (f"{report['seconds']:.2f} s, {report['peak_kib'] / 1024:.0f} MiB, other load "
            f"{report['other_cores']:.2f} cores")


def refuge_row(label, data_text, summary, startup_seconds, target_seconds, target_mib, error=None):
    if summary is None:
        return f"| {label} | {data_text} | {error or 'failed'} | | | | |"
    net = summary["seconds"] - startup_seconds
    runs = " / ".join(f"{t:.2f}" for t in summary["runs"]) + f" (other load ≤ {summary['other_cores']:.2f})"
    return (f"| {label} | {data_text} | **{summary['seconds']:.2f} s** (net {net:.2f}) | {runs} "
            f"| {summary['peak_mib']:.0f} | < {target_seconds:g} s, < {target_mib / 1024:g} GiB "
            f"| time {verdict(summary['seconds'], target_seconds)} (net {net / target_seconds:.2f}×); "
            f"memory {verdict(summary['peak_mib'], target_mib)} |")


def section(results, vers, args, loads, problems):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    data, runs, start = results["data"], results["runs"], results["start"]
    net_info = data["network"]
    startup_s = start["list"]["seconds"]
    version_text = " · ".join(f"{k} {v}" for k, v in vers.items())
    refuge = summarize(runs["refuge"]) if results["available"] else None
    flood = summarize(runs["flood"]) if results["available"] else None
    missing = None if results["available"] else f"`{ALGORITHM}` not registered in qgis_process"
    seychelles = f"Seychelles, {fmt_n(HOUSEHOLDS)} households × {SHELTERS} shelters"
    rows = [
        "| Case | Data | Median time | Runs (s) | Peak RSS (MiB) | Target | Against the target |",
        "|---|---|--:|---|--:|---|---|",
        refuge_row(f"Refuge `qgis_process run {ALGORITHM}` (walk, GPKG outputs)", seychelles, refuge,
                   startup_s, TARGET_SECONDS, TARGET_MIB, missing),
        refuge_row("Refuge, same + DEPTH raster (flood cut, every segment sampled)", seychelles, flood,
                   startup_s, TARGET_SECONDS, TARGET_MIB, missing),
    ]
    peers = [r for r in runs["peers"] if r.get("ok")]
    if peers:
        def med(key):
            return statistics.median(r["timings"][key] for r in peers)

        peer_peak = max(r["peak_kib"] for r in peers) / 1024
        nx_total = med("nx_total")
        ratio = f"{nx_total / (refuge['seconds'] - startup_s):.2f}× Refuge's net time" if refuge else ""
        rows.append(f"| networkx peer end to end (read, graph, snap, `multi_source_dijkstra`, households; "
                    f"no output written) | {seychelles} | {fmt_s(nx_total)} | "
                    f"{join_runs(r['timings']['nx_total'] for r in peers)} | {peer_peak:.0f} "
                    f"(both peers) | — | {ratio} |")
        rows.append(f"| ↳ networkx `multi_source_dijkstra` alone | {fmt_n(peers[-1]['nodes'])} nodes + "
                    f"{SHELTERS} shelter nodes, {fmt_n(peers[-1]['graph_edges'])} edges | "
                    f"{fmt_s(med('nx_search'))} | median of 5 per run | | — | |")
        rows.append(f"| scipy `csgraph.dijkstra(min_only=True)` alone (same graph, CSR) | same graph | "
                    f"{fmt_s(med('scipy_search'))} | median of 5 per run | | — | |")
        if "scipy_junction_search" in peers[-1]["timings"]:
            junctions = peers[-1]["junctions"]
            rows.append(f"| context: the same two searches on the junction graph (degree-2 nodes merged, "
                        f"as the issue counted the network) | {fmt_n(junctions['nodes'])} junctions + "
                        f"{SHELTERS} shelter nodes, {fmt_n(junctions['edges'])} edges | scipy "
                        f"{fmt_s(med('scipy_junction_search'))}, networkx {fmt_s(med('nx_junction_search'))} "
                        f"| median of 5 per run | | — | |")
    native = results.get("native")
    model = None
    if native and native["report"]["ok"]:
        model = native_model(native)
        pairs = native["households"] * native["shelters"]
        rows.append(f"| QGIS `native:shortestpathlayertopoint`, once per shelter, minimum kept (sample) | "
                    f"{fmt_n(native['households'])} households × {native['shelters']} shelters "
                    f"({fmt_n(pairs)} pairs) | {fmt_s(model['total'])} "
                    f"({model['per_pair'] * 1000:.2f} ms per pair) | {native['shelters']} runs of "
                    f"{min(native['runs']):.2f}–{max(native['runs']):.2f} | "
                    f"{native['report']['peak_kib'] / 1024:.0f} | — | |")
        speedup = ""
        if refuge:
            ratio = model["linear"] / refuge["seconds"]
            speedup = (f"Refuge is **{fmt_n(round(ratio))}×** faster "
                       f"({fmt_n(round(model['model'] / refuge['seconds']))}× by the two-part model): "
                       f"{'✅' if ratio >= TARGET_SPEEDUP else '❌'}")
        rows.append(f"| ↳ extrapolated to the full set | {seychelles} | **{fmt_s(model['linear'])}** "
                    f"per pair (two-part model: {fmt_s(model['model'])}) | | "
                    f"| Refuge ≥ {fmt_n(TARGET_SPEEDUP)}× faster | {speedup} |")
    scale = results.get("scale")
    if scale is not None:
        info = scale["info"]
        city_text = (f"synthetic city, {fmt_n(info['segments'])} segments, {fmt_n(CITY_HOUSEHOLDS)} "
                     f"households × {fmt_n(CITY_SHELTERS)} shelters")
        report = scale["report"]
        if report is None:
            rows.append(f"| Refuge `qgis_process run` (scale) | {city_text} | {missing} | | | | |")
        else:
            summary = summarize([report])
            rows.append(refuge_row("Refuge `qgis_process run` (scale, walk, GPKG outputs)", city_text,
                                   summary, startup_s, SCALE_TARGET_SECONDS, SCALE_TARGET_MIB,
                                   report.get("error", "failed")[:200] if not report["ok"] else None))
    pbf_ok = [r for r in results["pbf"] if r.get("ok")]
    if pbf_ok:
        rows.append(f"| context: `read_pbf` of the roads alone, fresh Python process | "
                    f"{PBF.name} ({PBF.stat().st_size / 1e6:.1f} MB) | "
                    f"{statistics.median(r['call_seconds'] for r in pbf_ok):.2f} s (process "
                    f"{statistics.median(r['seconds'] for r in pbf_ok):.2f}) | "
                    f"{join_runs(r['call_seconds'] for r in pbf_ok)} | "
                    f"{max(r['peak_kib'] for r in pbf_ok) / 1024:.0f} | — | |")
    rows.append(f"| context: `qgis_process list` (start-up, subtracted as \"net\") | — | {startup_s:.2f} s | "
                f"`--version`: {start['version']['seconds']:.2f} s | {start['list']['peak_mib']:.0f} | — | |")
    table = "\n".join(rows)
    checks = check_lines(results)
    if problems:
        problem_text = "\n\n**Problems found** (the script exits with 1):\n\n" \
            + "\n".join(f"- {p}" for p in problems)
    else:
        problem_text = "\n\nNo problem found: Refuge agrees with the peers within the tolerances above."
    shelters = data["shelter_info"]
    by_category = ", ".join(f"{v} {k.split(':')[1].replace('_', ' ')}"
                            for k, v in shelters["by_category"].items())
    native_text = ""
    if model:
        native_text = f"""
- **Extrapolating the native approach**: "per pair" spreads the sample's total time evenly over its
  {fmt_n(native['households'] * native['shelters'])} household-shelter pairs and multiplies by
  {fmt_n(HOUSEHOLDS)} × {SHELTERS} (the issue's method). The two-part model separates a fixed part per
  run (building the graph from the {fmt_n(net_info['ways'])} lines: {model['fixed']:.2f} s, from a run
  with {native['calibration']['starts']} start points) from a part per start point
  ({model['per_start'] * 1000:.2f} ms: snapping it and one Dijkstra search over the whole graph), then
  counts {SHELTERS} runs of
  {fmt_n(HOUSEHOLDS)} start points. Both assume that a run grows linearly with its start points (QGIS runs
  one Dijkstra search over the whole graph per start point), measured here only up to
  {fmt_n(native['households'])} start points per run."""
    junction_text = ""
    if peers and "junctions" in peers[-1]:
        j = peers[-1]["junctions"]
        junction_text = (f"; the merge done here gives {fmt_n(j['nodes'])} junctions and {fmt_n(j['edges'])} "
                         "edges (a junction row in the table times the searches on it)")
    written = ", ".join(f"`{name}`" for name in results.get("sinks", {})
                        if name not in SKIPPED_OUTPUTS and name != "SUMMARY_JSON") or "its outputs"
    profile_text = profile_table(results.get("profile"), f"{seychelles}") + profile_table(
        (scale or {}).get("profile"), "synthetic city (scale)")
    return f"""{START_MARK}
## Evacuation access: `{ALGORITHM}` vs networkx, scipy and QGIS's native per-shelter approach

Run on {now} · machine: {machine()} · load average (1 min) at the start {loads[0]:.2f}, at the end
{loads[1]:.2f}.
Versions: {version_text}.
Written by `bench/bench_evacuation.py` (`bench/run.sh evacuation`).

**Question asked of every tool**: the walking time (and distance) from every household to its nearest
shelter along the road network; households and shelters snap onto the nearest point of the nearest
walkable road segment (not the nearest junction), and the snapping distance is not part of the cost.

**Data** (seeded `{SEED}`, written once to `bench/work/evacuation/data/`, EPSG:4326 GeoPackages):

- Roads: `refuge.core.osm.extract.extract_pbf` of `{PBF.name}` (roads, shelters, facilities). The walk
  network: {fmt_n(net_info['ways'])} walkable ways ({fmt_n(net_info['nodes'])} vertex nodes joined by OSM
  node id, {fmt_n(net_info['segments'])} segments, {net_info['length_km']:.0f} km); Refuge and both peers
  search this
  full vertex graph. The issue counted junctions instead (6 234 junctions, 6 906 edges: degree-2 vertices
  merged into their edges){junction_text}.
- Shelters: {shelters['chosen']} points, a seeded sample of the {shelters['candidates']} shelter-like
  objects of the extract ({by_category}; bus shelters left out): the extract has no natural set of
  exactly {SHELTERS}.
- Households: {fmt_n(HOUSEHOLDS)} points, each at a random position of a walkable segment (segments drawn in
  proportion to their length) moved {HOUSEHOLD_OFFSET_M[0]:.0f}–{HOUSEHOLD_OFFSET_M[1]:.0f} m sideways;
  `population` 1–6.
- Depth raster (flood cut): synthetic coastal flood over Mahé, {DEPTH_PIXEL} degree pixels (≈ 11 m), float32,
  nodata at sea beyond 500 m: depth 1.6 m × exp(−d / 250 m) − 0.35 m + smooth noise (±0.35 m), d the distance
  inland from Mahé's outline (concave hull of its road nodes); dry hills, a flooded coastal strip.
- Scale: a synthetic city, {CITY_SIDE} × {CITY_SIDE} jittered grid junctions {CITY_SPACING_M:.0f} m apart
  ({scale['info']['extent_km'] if scale else '?'} km across), 4 % of the grid segments missing and as many
  footway diagonals,
  streets cut into OSM-like ways (1–20 segments) with `node_ids` (ids above 2³²), `highway`
  residential / secondary / primary / footway, a few oneway; {fmt_n(CITY_HOUSEHOLDS)} households 5–40 m
  beside random segments; {fmt_n(CITY_SHELTERS)} shelters near random junctions.

**Cases**: Refuge runs through the real `scripts/qgis_process` binary (`run {ALGORITHM} --
ROADS=…|layername=roads HOUSEHOLDS=… SHELTERS=… PROFILE=0 POPULATION_FIELD=population
SHELTER_NAME_FIELD=name` + every output created by default written to a GeoPackage, SUMMARY_JSON to a
file; ROUTES_OUTPUT off, no AGGREGATION), QGIS start-up included; "net" subtracts the start-up alone
(`qgis_process list`, which loads the same providers and plugins). The networkx peer reads the same
roads layer with OGR, keeps the ways Refuge's walk profile keeps, builds an undirected graph of the
segments (geodesic lengths, walk speeds), snaps with a shapely STRtree in the WGS 84 Mercator plane
(conformal), adds one node per shelter splitting its segment, runs `multi_source_dijkstra` from all
shelters, then takes each household's best end of its segment (or the straight way to a shelter on the
same segment). scipy runs `dijkstra(indices=shelters, min_only=True)` on that graph as a CSR matrix: the
search alone. The native approach runs `native:shortestpathlayertopoint` (STRATEGY fastest, the walk
speed in a field, both directions, tolerance 0, the walkable roads in a metric CRS (see the notes),
WGS 84 ellipsoid so costs are geodesic, as Refuge's) once per shelter with the sampled households as
start points, in one QGIS Python process (`processing.run`, memory outputs), and keeps each household's
minimum. {args.repeat} repetition(s) of the Seychelles cases, interleaved (median); the native sample and
the scale case run once. Peak RSS: `getrusage(RUSAGE_CHILDREN).ru_maxrss` of a fresh probe process per
run (the process's own peak, QGIS included). A run during which other processes used more than
{DISTURBED_CORES} core is redone (twice at most); "other load" is the most any kept run saw.

{table}

Checks:

{checks}{problem_text}
{profile_text}

Notes:
{native_text}
- Refuge does more than the peers: the flood-free search as well (for statuses), shelter loads, and
  {written} written to GeoPackages (and the JSON summary); the networkx peer writes nothing and the scipy
  row is the search alone.
- Native CRS: QGIS's network tools snap start and end points in the network layer's CRS. The native
  case gets the walkable roads reprojected to {results.get('native', {}).get('crs', NATIVE_CRS)} (metric,
  conformal, like Refuge's local projection); END_POINT and the households stay in EPSG:4326 and QGIS
  transforms them. With the roads left in EPSG:4326 (`--native-degrees`), QGIS snaps in degrees, a
  plane stretched by 0.3 % at Mahé: in a run on this sample, 7 of 790 households then differed from
  Refuge and networkx by 0.1 % to 1.7 % (snapped points sliding by decimetres along the road, or the
  other of two roads at nearly equal distance).
- Times are wall-clock on this machine: read them as ratios and orders of magnitude.
{END_MARK}"""


def profile_table(profile, title):
    if not profile:
        return ""
    if "error" in profile:
        return f"\nThe cProfile run ({title}) failed: {profile['error'][-500:]}\n"
    entries = profile["entries"]
    # From processAlgorithm on: the rows above it are QGIS's Processing plumbing.
    first = next((i for i, e in enumerate(entries) if "processAlgorithm" in e["function"]), 0)
    entries = entries[first:]
    total = entries[0]["cumulative"] if entries else 1.0
    rows = ["| Function | Calls | Own time (s) | Cumulative (s) | Share |", "|---|--:|--:|--:|--:|"]
    for entry in entries:
        if entry["cumulative"] < 0.04 * total:
            break
        rows.append(f"| {entry['function']} | {fmt_n(entry['calls'])} | {entry['own']:.2f} "
                    f"| {entry['cumulative']:.2f} | {entry['cumulative'] / total:.0%} |")
    own = ", ".join(f"{e['function']} {e['own']:.2f} s" for e in profile["by_own"][:6])
    plain = f"{profile['plain']:.2f} s plain, " if profile.get("plain") is not None else ""
    return f"""
Where Refuge's time goes, {title}: `processing.run('{ALGORITHM}')` in a QGIS Python process (same
parameters; no qgis_process start-up), {plain}{profile['profiled']:.2f} s under cProfile. Entries by
cumulative time from `processAlgorithm` down to 4 % of it (calls into C++ count as their caller's own
time):

{chr(10).join(rows)}

Largest own times: {own}.
"""


def check_lines(results):
    lines = []
    if results.get("refuge_status"):
        lines.append(f"- Refuge's household statuses (dry): {format_counts(results['refuge_status'])}.")
    if results.get("vs_peer"):
        c = results["vs_peer"]
        e = c.get("explained")
        detail = ""
        if e and c["time"].get("above"):
            others = ", ".join(f"hid {o['hid']} ({o['refuge_s']:.1f} s vs {o['peer_s']:.1f} s)"
                               for o in e["other"][:5])
            detail = (f" Of the {fmt_n(c['time']['above'])} households beyond {AGREE_REL:.1%} "
                      f"({e['checked']} checked): {e['short']} are less than 0.5 s apart (routes of a few "
                      f"metres), {e['tie']} sit at a tie between two road segments within 5 cm of each "
                      f"other (overlapping or folded OSM ways: each tool takes one), "
                      f"{len(e['other'])} unexplained" + (f": {others}" if others else "") + ".")
        lines.append(f"- Refuge vs the networkx peer, every household reachable in both "
                     f"({fmt_n(c['both'])}): travel time relative difference {fmt_rel(c['time'])}; same "
                     f"nearest shelter for {fmt_n(c['same_shelter'])}; distance along the route: "
                     f"{fmt_rel(c['length'])}. Reachable by Refuge only: {c['refuge_reachable_peer_not']}; "
                     f"by the peer only, by Refuge's status: "
                     f"{format_counts(c['peer_reachable_refuge_not']) or 'none'}.{detail}")
    if results.get("vs_scipy"):
        lines.append(f"- Refuge vs scipy (same graph): {fmt_rel(results['vs_scipy']['time'])}.")
    native = results.get("native")
    if native and native.get("comparison"):
        c = native["comparison"]
        native_only = format_counts(c.get("native_only", {})) or "none"
        beyond = ""
        if c.get("same_vertex") or c.get("beyond_other"):
            listed = ", ".join(f"hid {b['hid']}: Refuge {b['refuge_s']:.1f} s, native {b['native_s']:.1f} s, "
                               f"networkx {b['networkx_s']:.1f} s" for b in c.get("beyond", []))
            beyond = (f" Beyond {AGREE_REL:.1%}: {c.get('same_vertex', 0)} household(s) joining the road "
                      f"at the very vertex where its shelter joins (0 s for Refuge; QGIS reports \"no "
                      f"route\" when start and end share a graph vertex, so the native minimum is the next "
                      f"shelter), "
                      f"{c.get('beyond_other', 0)} other(s)" + (f": {listed}" if listed else "") + ".")
        lines.append(f"- Native sample ({fmt_n(c['households'])} households × {native['shelters']} "
                     f"shelters, minimum per household): {fmt_n(c['native_routes'])} households get a route. "
                     f"Refuge run on the same households and shelters: {fmt_rel(c.get('refuge'))}; routed "
                     f"by Refuge only: {c.get('refuge_only', '—')}, by native only: {native_only}. "
                     f"networkx peer on the same: {fmt_rel(c.get('networkx'))}.{beyond}")
    if native and native.get("full_check"):
        lines.append(f"- Refuge's full run ({SHELTERS} shelters) vs native, for the sampled households "
                     f"whose nearest shelter is one of the {native['shelters']} sampled: "
                     f"{fmt_rel(native['full_check'])}"
                     + (f", of which {native['full_check']['same_vertex']} at their shelter's vertex (above)"
                        if native["full_check"].get("same_vertex") else "") + ".")
    if results.get("flood_status"):
        checks = results.get("flood_checks", {})
        text = f"- Flood run statuses: {format_counts(results['flood_status'])}"
        if checks.get("lost"):
            text += f"; of the households reachable when dry, {format_counts(checks['lost'])}"
        if "slower" in checks:
            text += (f"; {fmt_n(checks['slower'])} reach a shelter later than when dry, "
                     f"{checks['faster']} sooner")
        if checks.get("faster_moved"):
            example = checks["faster_example"]
            text += (f" ({checks['faster_moved']} of them because the flood moves their snapped point to "
                     f"another, usable road farther away, and the snapping distance is not part of the "
                     f"cost: up to {example['gain_s']:.0f} s sooner for {example['extra_snap_m']:.0f} m more "
                     f"off-road)")
        if checks.get("dry_time"):
            text += (f"; `dry_time_s` vs the dry run's time, households whose dry-run shelter stays safe: "
                     f"{fmt_rel(checks['dry_time'])}")
        if results.get("flood_shelters"):
            text += f"; shelters: {format_counts(results['flood_shelters'])}"
        roads = results.get("flood_roads")
        if roads:
            text += (f"; road output: {fmt_n(roads['segments'])} segments, "
                     f"{fmt_n(roads.get('wet', 0))} wet, {fmt_n(roads.get('impassable', 0))} impassable")
        lines.append(text + ".")
    scale = results.get("scale")
    if results.get("snap_scale"):
        lines.append(f"- Refuge's network projection: {results['snap_scale']}")
    if scale and scale.get("status"):
        lines.append(f"- Scale run statuses: {format_counts(scale['status'])}.")
    return "\n".join(lines) or "- none (Refuge did not run)"


def format_counts(counts):
    return ", ".join(f"{k} {fmt_n(v)}" for k, v in counts.items())


# --------------------------------------------------------------------------
# The benchmark proper.


def run_profile(parameters, plain, timeout=None):
    report = launch([sys.executable, str(Path(__file__).resolve()), "--profile", json.dumps(parameters), "60",
                     "1" if plain else "0"], timeout=timeout)
    return last_json(report["stdout"]) if report["ok"] else {"error": report["error"]}


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
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return dict(db.execute(f'SELECT sid, name FROM "{gpkg_table(path)}"').fetchall())


def run_peers(roads, households, shelters, out_npz, subset=(), searches=5):
    import numpy as np

    argv = [sys.executable, str(Path(__file__).resolve()), "--peers", str(roads), str(households),
            str(shelters), str(out_npz), json.dumps([int(s) for s in subset]), str(searches)]
    report = launch(argv)
    if not report["ok"]:
        return report, None
    report.update(last_json(report["stdout"]))
    with np.load(out_npz) as arrays:
        peer = {k: arrays[k] for k in arrays.files}
    return report, peer


def summarize(reports, key="seconds"):
    ok = [r for r in reports if r.get("ok")]
    if not ok or len(ok) != len(reports):
        return None
    return {"seconds": statistics.median(r[key] for r in ok), "runs": [r[key] for r in ok],
            "peak_mib": max(r["peak_kib"] for r in ok) / 1024,
            "other_cores": max(r.get("other_cores", 0.0) for r in ok),
            "user_seconds": statistics.median(r["user_seconds"] for r in ok),
            "sys_seconds": statistics.median(r["sys_seconds"] for r in ok)}


def versions(qgis_version_text, peer_report):
    import numpy
    import pyproj
    import shapely
    from osgeo import gdal

    qgis_line = next((line for line in qgis_version_text.splitlines() if line.startswith("QGIS ")), "QGIS ?")
    metadata = (ROOT / "metadata.txt").read_text().splitlines()
    refuge_version = next((line.split("=", 1)[1] for line in metadata if line.startswith("version=")), "?")
    result = {"Refuge": f"{refuge_version} ({git_revision()})", "QGIS": qgis_line.split()[1],
              "GDAL": gdal.__version__, "shapely": shapely.__version__, "pyproj": pyproj.__version__,
              "numpy": numpy.__version__}
    if peer_report:
        result["scipy"] = peer_report.get("scipy", "?")
        result["networkx"] = peer_report.get("networkx", "?")
    result["Python"] = platform.python_version()
    return result


def wait_idle(limit):
    """Wait (at most ``limit`` s) until other processes use under DISTURBED_CORES for 30 s in a row;
    returns the other load seen last, in cores."""
    deadline, quiet, other = time.monotonic() + limit, 0, 0.0
    while time.monotonic() < deadline:
        busy = busy_seconds()
        time.sleep(10)
        other = (busy_seconds() - busy) / 10
        quiet = quiet + 1 if other < DISTURBED_CORES else 0
        if quiet >= 3:
            break
        if quiet == 0:
            print(f"waiting for the machine to be idle (other load {other:.2f} cores)", flush=True)
    return other


def wait_for_algorithm(minutes):
    """Poll ``qgis_process list`` until the algorithm is registered (``make install-plugin`` first)."""
    deadline = time.monotonic() + minutes * 60
    while True:
        subprocess.run(["make", "install-plugin"], cwd=ROOT, capture_output=True)
        if algorithm_available():
            return True
        if time.monotonic() >= deadline:
            return False
        print(f"{ALGORITHM} not available yet: waiting", flush=True)
        time.sleep(180)


def main(argv=None):
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3,
                        help="repetitions of the Seychelles cases (default 3)")
    parser.add_argument("--native-households", type=int, default=1000, help="native sample: households")
    parser.add_argument("--native-shelters", type=int, default=20, help="native sample: shelters")
    parser.add_argument("--no-native", action="store_true", help="skip the native per-shelter case")
    parser.add_argument("--native-degrees", action="store_true",
                        help=f"give the native tool the roads in EPSG:4326 instead of {NATIVE_CRS}")
    parser.add_argument("--no-scale", action="store_true", help="skip the 1,000,000-edge synthetic city")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run of Refuge")
    parser.add_argument("--scale-timeout", type=float, default=900, help="time limit of the scale run (s)")
    parser.add_argument("--wait-idle", type=float, default=600,
                        help="seconds to wait at most for other processes to go quiet before the "
                        "Seychelles runs and before the scale run (0: do not wait)")
    parser.add_argument("--wait", type=float, default=0,
                        help=f"minutes to wait for {ALGORITHM} to be installed (polls every 3 minutes)")
    parser.add_argument("--work", type=Path, default=BENCH / "work" / SECTION, help="scratch folder")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        import refuge  # noqa: F401
    except ImportError as exc:
        raise SystemExit(f"cannot import refuge ({exc}): run with PYTHONPATH=build/pythonpath") from exc

    load_start = os.getloadavg()[0]
    data_dir, out = args.work / "data", args.work / "out"
    out.mkdir(parents=True, exist_ok=True)
    data = seychelles_data(data_dir)
    city = None if args.no_scale else make_city(data_dir)
    sample = make_samples(data_dir, data["households"], data["shelters"], args.native_households,
                          args.native_shelters)
    available = algorithm_available() or (args.wait > 0 and wait_for_algorithm(args.wait))
    if not available:
        print(f"{ALGORITHM} is not registered in qgis_process: its rows will say so", flush=True)
    sinks = destinations() if available else {}
    problems = []

    print("qgis_process start-up", flush=True)
    start = startup(args.repeat)
    print("read_pbf (roads) alone", flush=True)
    pbf_reports = []
    for _ in range(args.repeat):
        report = launch([sys.executable, str(Path(__file__).resolve()), "--read-pbf"])
        if report["ok"]:
            report.update(last_json(report["stdout"]))
        pbf_reports.append(report)

    if args.wait_idle:
        wait_idle(args.wait_idle)
    runs = {"refuge": [], "flood": [], "peers": []}
    params = {}
    peer = None
    for rep in range(args.repeat):
        if available:
            for case, depth in (("refuge", None), ("flood", data["depth"])):
                params[case] = refuge_parameters(case, data["roads"], data["households"], data["shelters"],
                                                 out, sinks, depth)
                report = run_refuge(params[case])
                runs[case].append(report)
                print(f"  run {rep + 1}/{args.repeat} {case}: {describe_run(report)}", flush=True)
        report, peer = run_peers(data["extract"], data["households"], data["shelters"], out / "peers.npz")
        runs["peers"].append(report)
        if report["ok"]:
            t = report["timings"]
            print(f"  run {rep + 1}/{args.repeat} peers: networkx end to end {t['nx_total']:.2f} s "
                  f"(search {t['nx_search'] * 1000:.0f} ms), scipy search {t['scipy_search'] * 1000:.1f} ms",
                  flush=True)
        else:
            print(f"  peers FAILED {report['error']}", flush=True)
            problems.append(f"networkx/scipy peer failed: {report['error'][-500:]}")

    results = {"start": start, "pbf": pbf_reports, "runs": runs, "data": data, "available": available,
               "sinks": sinks}
    sid_of_fid = shelter_sid_by_fid(data["shelters"])
    refuge_out = flood_out = None
    if available and runs["refuge"] and runs["refuge"][-1]["ok"]:
        refuge_out = read_households(params["refuge"]["HOUSEHOLDS_OUTPUT"], HOUSEHOLDS)
        results["refuge_status"] = status_counts(refuge_out["status"])
        if peer is not None:
            points = read_points(data["households"], "hid")
            order = np.argsort(points[2])
            points = (points[0][order], points[1][order])
            results["vs_peer"] = compare_peer(refuge_out, peer, sid_of_fid, network=data["walk"],
                                              points=points)
            results["snap_scale"] = snap_scale(refuge_out, peer, points, data["walk"])
            results["vs_scipy"] = compare_peer(refuge_out, peer, sid_of_fid, prefix="scipy")
        results["summary_json"] = summary_json(params["refuge"])
    elif available:
        problems.append(f"Refuge failed: {runs['refuge'][-1]['error'][-1500:]}")
    if available and runs["flood"] and runs["flood"][-1]["ok"]:
        flood_out = read_households(params["flood"]["HOUSEHOLDS_OUTPUT"], HOUSEHOLDS)
        results["flood_status"] = status_counts(flood_out["status"])
        safe = safe_shelters(params["flood"].get("SHELTERS_OUTPUT"))
        results["flood_shelters"] = safe["counts"]
        safe_fids = {fid for fid, sid in sid_of_fid.items() if sid in safe["sids"]}
        results["flood_checks"] = flood_checks(refuge_out, flood_out, safe_fids, problems)
        results["flood_roads"] = flood_roads(params["flood"])
    elif available:
        problems.append(f"Refuge with DEPTH failed: {runs['flood'][-1]['error'][-1500:]}")

    if available and not args.no_profile:
        print("profile: one in-process run under cProfile", flush=True)
        profile_params = refuge_parameters("profile", data["roads"], data["households"], data["shelters"],
                                           out, sinks)
        results["profile"] = run_profile(profile_params, plain=True)

    # The native approach on the sample, Refuge and the networkx peer on the same sample.
    if not args.no_native:
        h_sample, s_sample, orig_hid, subset = sample
        native_json = out / "native.json"
        if args.wait_idle:
            wait_idle(args.wait_idle)
        print(f"native:shortestpathlayertopoint, {len(orig_hid)} households x {len(subset)} shelters",
              flush=True)
        native_roads = data["walk_roads"] if args.native_degrees else data["walk_roads_metric"]
        report = launch([sys.executable, str(Path(__file__).resolve()), "--native", str(native_roads),
                         str(h_sample), str(data["shelters"]), json.dumps(subset.tolist()), str(native_json)])
        native = {"report": report, "households": len(orig_hid), "shelters": len(subset),
                  "crs": "EPSG:4326" if args.native_degrees else NATIVE_CRS}
        if report["ok"]:
            with open(native_json) as handle:
                native.update(json.load(handle))
            sample_refuge = None
            if available:
                sample_params = refuge_parameters("sample", data["roads"], h_sample, s_sample, out, sinks)
                sample_report = run_refuge(sample_params)
                native["refuge_report"] = sample_report
                if sample_report["ok"]:
                    sample_refuge = read_households(sample_params["HOUSEHOLDS_OUTPUT"], len(orig_hid))
                else:
                    problems.append(f"Refuge on the native sample failed: {sample_report['error'][-800:]}")
            peer_report, sample_peer = run_peers(data["extract"], h_sample, data["shelters"],
                                                 out / "peers_sample.npz", subset, 1)
            native["comparison"], native_cost = compare_native(native["costs"], sample_refuge,
                                                               orig_hid, sample_peer)
            if refuge_out is not None:
                native["full_check"] = full_vs_native(refuge_out, sid_of_fid, orig_hid, subset, native_cost)
            check_native(native, problems)
        else:
            problems.append(f"native case failed: {report['error'][-800:]}")
        results["native"] = native

    if city is not None and available:
        roads, households, shelters, info = city
        print(f"scale: synthetic city, {info['segments']:,} segments, {CITY_HOUSEHOLDS:,} households",
              flush=True)
        if args.wait_idle:
            wait_idle(args.wait_idle)
        scale_params = refuge_parameters("city", f"{roads}|layername=roads", households, shelters, out, sinks)
        report = run_refuge(scale_params, timeout=args.scale_timeout, retries=1)
        print(f"  {describe_run(report)}", flush=True)
        scale = {"report": report, "info": info}
        if report["ok"]:
            city_out = read_households(scale_params["HOUSEHOLDS_OUTPUT"], CITY_HOUSEHOLDS)
            scale["status"] = status_counts(city_out["status"])
            del city_out
            if not args.no_profile:
                print("profile: the scale run under cProfile", flush=True)
                scale["profile"] = run_profile(refuge_parameters("cityprofile", f"{roads}|layername=roads",
                                                                 households, shelters, out, sinks),
                                               plain=False, timeout=args.scale_timeout)
        else:
            problems.append(f"scale run failed: {report['error'][-800:]}")
        results["scale"] = scale
    elif city is not None:
        results["scale"] = {"info": city[3], "report": None}

    load_end = os.getloadavg()[0]
    peer_report = runs["peers"][-1] if runs["peers"] else None
    text = section(results, versions(start["version"]["stdout"], peer_report), args, (load_start, load_end),
                   problems)
    print()
    print(text)
    write_section(args.results, text, START_MARK, END_MARK, new_file="# Refuge benchmarks\n")
    print(f"\nwritten to {args.results}")
    if problems:
        print("\nPROBLEMS:\n" + "\n".join(f"- {p}" for p in problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--probe":
        probe(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 8 and sys.argv[1] == "--peers":
        peers_child(*sys.argv[2:7], int(sys.argv[7]))
    elif len(sys.argv) == 5 and sys.argv[1] == "--profile":
        profile_child(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1")
    elif len(sys.argv) == 2 and sys.argv[1] == "--read-pbf":
        read_pbf_child()
    elif len(sys.argv) == 7 and sys.argv[1] == "--native":
        native_child(*sys.argv[2:7])
    else:
        main()
