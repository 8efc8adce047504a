"""Benchmark the depth-raster path of ``refuge:exposure`` against QGIS's zonal statistics and GDAL.

The question every case answers: the maximum flood depth under each building
footprint, hence the number of buildings per depth class. Refuge gives a
footprint the maximum of **every pixel it touches** (GDAL's all-touched rule,
field ``max_depth_m``). Cases:

* ``refuge``: ``processing.run('refuge:exposure', ...)`` with DEPTH (the
  raster), BUILDINGS, BUILDINGS_OUTPUT (a GeoPackage) and SUMMARY_JSON: the
  whole algorithm, reading, sampling and writing included;
* ``zonal``: ``native:zonalstatisticsfb`` with STATISTICS=[6] (max), output to
  a GeoPackage. QGIS counts a pixel when its **centre** is inside the polygon;
  only when fewer than two pixel centres fall inside does it switch to the
  exact intersection with every pixel the polygon overlaps. So its maxima may
  be lower than all-touched ones (never higher) for buildings holding two or
  more pixel centres;
* ``gdal``: the reference for the all-touched rule, ``gdal.RasterizeLayer``
  with ``ALL_TOUCHED=TRUE``, one building at a time, on the raster's own grid
  (Jakarta only; a random sample of the synthetic buildings is also checked).

Data:

1. Jakarta (real): ``../shared/data/hazard/jakarta/jakarta_flood_design.tif``
   (66 x 55 pixels of about 50 m, nodata -9999) and
   ``../shared/data/exposure/jakarta/buildings.shp`` (181 polygons);
2. synthetic: a 10,000 x 10,000 float32 depth raster (EPSG:4326, pixel
   0.00001 degree, about 1.1 m; a smooth random field of depths 0-3 m with dry
   areas and a few nodata discs, tiled DEFLATE GeoTIFF) and rectangles of 5-30 m
   inside it, 100,000 and 1,000,000 of them (GeoPackages, 20 % axis-aligned,
   the rest rotated). Written once in bench/work/raster/data and kept.

Jakarta and 100,000 buildings run inside ONE QGIS process, the cases interleaved.
1,000,000 buildings run each case in a fresh process of its own (this script
with ``--big``) started by a small probe process (``--probe``), so that the
child's ``ru_maxrss`` is its own peak memory (a child started directly by this
big process would inherit this process's peak as its ``ru_maxrss``); zonal statistics
get ``--zonal-timeout`` seconds (default 1,200) there, and when they do not
finish, the table extrapolates the 100,000 case linearly (it works one
feature at a time).

Memory inside the shared process: before each run the process's peak RSS is
reset to its current RSS (``echo 5 > /proc/self/clear_refs``), then
``getrusage(RUSAGE_SELF).ru_maxrss`` is read after the run. Load from other
processes during each run is measured from /proc/stat (busy CPU time of the
machine minus this benchmark's own), in cores; the run is repeated when it is
above 0.3 core.

Usage::

    PYTHONPATH=build/pythonpath .venv/bin/python bench/bench_exposure_raster.py [--repeat N]
        [--no-big] [--zonal-timeout S] [--sample N]

Prints a Markdown section and writes it into bench/RESULTS.md between the
markers of this benchmark, leaving any other section untouched. Exits with 1
if Refuge disagrees with the GDAL reference or with its own summary.
"""

import argparse
import contextlib
import ctypes
import datetime
import gc
import json
import math
import os
import platform
import resource
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
    max_rss_kib,
    metres_per_degree,
    peak_reset,
    rss_kib,
    start_qgis,
    write_section,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SECTION = "exposure_raster"
START_MARK = f"<!-- {SECTION}:start -->"
END_MARK = f"<!-- {SECTION}:end -->"

SHARED = (ROOT / ".." / "shared" / "data").resolve()
JAKARTA_DEPTH = SHARED / "hazard" / "jakarta" / "jakarta_flood_design.tif"
JAKARTA_BUILDINGS = SHARED / "exposure" / "jakarta" / "buildings.shp"

# Synthetic raster: RASTER_SIZE x RASTER_SIZE pixels of PIXEL degrees, top-left at (LON0, LAT0).
SEED = 20240612
RASTER_SIZE = 10_000
PIXEL = 0.00001
LON0, LAT0 = 106.75, -6.15
NODATA = -9999.0
MID_SIZE = 100_000
BIG = 1_000_000
THRESHOLDS = (0.5, 1.5)  # Refuge's defaults (LOW_MAX, MEDIUM_MAX), MIN_DEPTH 0
DISTURBED_CORES = 0.3  # other processes' load above which a run is repeated
CLASS_NAMES = ("not exposed", "low", "medium", "high")

CASES = ("refuge", "zonal", "gdal")
LABELS = {
    "refuge": "Refuge `refuge:exposure` (DEPTH, GPKG + JSON out)",
    "zonal": "QGIS `native:zonalstatisticsfb` (max, GPKG out)",
    "gdal": "GDAL `RasterizeLayer` ALL_TOUCHED, per building (reference)",
}


# --------------------------------------------------------------------------
# Measuring: memory and other processes' load.


def vm_hwm_kib():
    """Peak RSS of this process's own memory since exec (VmHWM), as a cross-check."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def trim_memory():
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def own_seconds():
    """CPU time of this process and of its waited-for children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Measure:
    """Wall time, peak RSS and other processes' load of a block."""

    def __enter__(self):
        trim_memory()
        self.reset = peak_reset()
        self.start_kib = rss_kib()
        self.before_max = max_rss_kib()
        self.busy0, self.own0 = busy_seconds(), own_seconds()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.peak_kib = max_rss_kib()
        self.exact = self.reset or self.peak_kib > self.before_max
        own = own_seconds() - self.own0
        self.cpu_seconds = own
        self.other_cores = max(0.0, (busy_seconds() - self.busy0 - own) / max(self.seconds, 1e-9))
        return False


def other_heavy_processes():
    """Other processes using CPU now (from `ps`), to name them in the notes."""
    proc = subprocess.run(["ps", "-eo", "pid,ppid,pcpu,rss,args", "--sort=-pcpu"], capture_output=True,
                          text=True)
    me = {os.getpid(), os.getppid()}
    rows = []
    for line in proc.stdout.splitlines()[1:]:
        parts = line.split(None, 4)
        if len(parts) < 5 or int(parts[0]) in me or int(parts[1]) in me:
            continue
        if float(parts[2]) >= 20:
            rows.append(f"{parts[4][:90]} ({parts[2]} % CPU, {int(parts[3]) // 1024} MiB)")
    return rows


# --------------------------------------------------------------------------
# Synthetic data, written once.


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


def make_raster(path):
    """The 10,000 x 10,000 float32 depth raster (tiled DEFLATE GeoTIFF), unless present."""
    if path.exists():
        return path
    import numpy as np
    from osgeo import gdal, osr

    gdal.UseExceptions()
    rng = np.random.default_rng([SEED, 1])
    n = RASTER_SIZE
    # Three octaves: about 1.1 km, 110 m and 11 m between control points, so that
    # depth varies inside a building and the touched rule matters.
    octaves = [(rng.random((k, k)), w) for k, w in ((11, 1.0), (101, 0.35), (1001, 0.12))]
    total_weight = sum(w for _, w in octaves)
    discs = [(rng.uniform(500, n - 500), rng.uniform(500, n - 500), rng.uniform(150, 450)) for _ in range(6)]
    temporary = path.with_suffix(".tmp.tif")
    driver = gdal.GetDriverByName("GTiff")
    dataset = driver.Create(str(temporary), n, n, 1, gdal.GDT_Float32,
                            ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE",
                             "PREDICTOR=3", "BIGTIFF=IF_SAFER"])
    dataset.SetGeoTransform((LON0, PIXEL, 0.0, LAT0, 0.0, -PIXEL))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    dataset.SetProjection(srs.ExportToWkt())
    band = dataset.GetRasterBand(1)
    band.SetNoDataValue(NODATA)
    columns = np.arange(n)
    print(f"writing {path.name}", flush=True)
    for top in range(0, n, 256):
        bottom = min(n, top + 256)
        field = sum(w * _upsample_rows(g, top, bottom, n, n) for g, w in octaves) / total_weight
        depth = np.clip((field - 0.42) / 0.38 * 3.0, 0.0, 3.0).astype(np.float32)
        rows = np.arange(top, bottom)[:, None]
        for cx, cy, radius in discs:
            depth[(columns[None, :] - cx) ** 2 + (rows - cy) ** 2 < radius ** 2] = NODATA
        band.WriteArray(depth, 0, top)
    band.FlushCache()
    dataset = None
    os.replace(temporary, path)
    return path


def write_gpkg(path, geometries, bids):
    """Polygons (EPSG:4326) with an integer ``bid``, written with OGR, atomically."""
    import shapely
    from osgeo import ogr, osr

    ogr.UseExceptions()
    temporary = path.with_suffix(".tmp.gpkg")
    if temporary.exists():
        temporary.unlink()
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(temporary))
    layer = dataset.CreateLayer("buildings", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("bid", ogr.OFTInteger))
    definition = layer.GetLayerDefn()
    layer.StartTransaction()
    for bid, wkb in zip(bids, shapely.to_wkb(geometries)):
        feature = ogr.Feature(definition)
        feature.SetField(0, int(bid))
        feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(wkb))
        layer.CreateFeature(feature)
    layer.CommitTransaction()
    dataset = None
    os.replace(temporary, path)


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
    corners = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5]])
    dx = corners[None, :, 0] * widths[:, None]
    dy = corners[None, :, 1] * heights[:, None]
    cos, sin = np.cos(angles)[:, None], np.sin(angles)[:, None]
    x = cx[:, None] + dx * cos - dy * sin
    y = cy[:, None] + dx * sin + dy * cos
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
            write_gpkg(path, geometries[:size], np.arange(size))
    return files


# --------------------------------------------------------------------------
# QGIS and the cases.


def remove(*paths):
    for path in paths:
        for candidate in (Path(path), Path(str(path) + "-wal"), Path(str(path) + "-shm")):
            if candidate.exists():
                candidate.unlink()


def refuge_parameters(depth, buildings, out, tag):
    return {
        "DEPTH": str(depth),
        "BUILDINGS": str(buildings),
        "BUILDINGS_OUTPUT": str(out / f"refuge_{tag}.gpkg"),
        "SUMMARY_JSON": str(out / f"refuge_{tag}.json"),
    }


def zonal_parameters(depth, buildings, out, tag):
    return {
        "INPUT": str(buildings),
        "INPUT_RASTER": str(depth),
        "RASTER_BAND": 1,
        "COLUMN_PREFIX": "zs_",
        "STATISTICS": [6],  # max
        "OUTPUT": str(out / f"zonal_{tag}.gpkg"),
    }


def run_algorithm(case, depth, buildings, out, tag):
    """Run one case's algorithm (outputs removed first); returns its parameters."""
    import processing

    if case == "refuge":
        parameters = refuge_parameters(depth, buildings, out, tag)
        remove(parameters["BUILDINGS_OUTPUT"], parameters["SUMMARY_JSON"])
        processing.run("refuge:exposure", parameters)
    else:
        parameters = zonal_parameters(depth, buildings, out, tag)
        remove(parameters["OUTPUT"])
        processing.run("native:zonalstatisticsfb", parameters)
    return parameters


def read_by_bid(path, columns, size):
    """Columns of a GeoPackage output as float arrays indexed by the input's ``bid`` (NULL: NaN)."""
    import numpy as np

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(f'SELECT bid, {", ".join(columns)} FROM "{gpkg_table(path)}"').fetchall()
    result = {c: np.full(size, np.nan) for c in columns}
    bids = np.array([r[0] for r in rows], dtype=np.int64)
    if len(rows) != size or len(np.unique(bids)) != size:
        raise RuntimeError(f"{path}: {len(rows)} rows, {len(np.unique(bids))} distinct bids, expected {size}")
    for position, column in enumerate(columns, start=1):
        result[column][bids] = np.array([np.nan if r[position] is None else r[position] for r in rows])
    return result


def read_in_order(path, columns):
    """Columns and geometries (WKB) of any OGR layer, in feature order (Jakarta: no bid)."""
    import numpy as np
    from osgeo import ogr

    ogr.UseExceptions()
    dataset = ogr.Open(str(path))
    layer = dataset.GetLayer(0)
    values = {c: [] for c in columns}
    wkbs = []
    for feature in layer:
        for column in columns:
            value = feature.GetField(column)
            values[column].append(np.nan if value is None else float(value))
        wkbs.append(bytes(feature.GetGeometryRef().ExportToIsoWkb()))
    return {c: np.array(v) for c, v in values.items()}, wkbs


def classify_depths(depths):
    """Refuge's depth classes with its defaults: dry (or nodata) 0, < 0.5 low, < 1.5 medium, else high."""
    import numpy as np

    depths = np.asarray(depths, dtype=float)
    wet = np.nan_to_num(depths, nan=-np.inf) > 0.0
    codes = np.zeros(len(depths), dtype=np.int8)
    codes[wet] = 1
    codes[wet & (depths >= THRESHOLDS[0])] = 2
    codes[wet & (depths >= THRESHOLDS[1])] = 3
    return codes


def class_counts(codes):
    import numpy as np

    return [int(c) for c in np.bincount(np.asarray(codes, dtype=np.int64), minlength=4)[:4]]


def refuge_results(parameters, size=None):
    """max_depth_m and hazard_class per building, and the SUMMARY_JSON counts."""
    with open(parameters["SUMMARY_JSON"], encoding="utf-8") as handle:
        summary = json.load(handle)
    json_counts = [int(round(summary["buildings"]["count"][str(code)])) for code in range(4)]
    columns = ["max_depth_m", "hazard_class"]
    if size is None:
        values, wkbs = read_in_order(parameters["BUILDINGS_OUTPUT"], columns)
    else:
        values, wkbs = read_by_bid(parameters["BUILDINGS_OUTPUT"], columns, size), None
    return values["max_depth_m"], values["hazard_class"], json_counts, wkbs


def zonal_results(parameters, size=None):
    if size is None:
        values, wkbs = read_in_order(parameters["OUTPUT"], ["zs_max"])
        return values["zs_max"], wkbs
    return read_by_bid(parameters["OUTPUT"], ["zs_max"], size)["zs_max"], None


# --------------------------------------------------------------------------
# GDAL all-touched reference.


class GdalReference:
    """Max depth of each polygon over the pixels ``RasterizeLayer(ALL_TOUCHED=TRUE)`` burns."""

    def __init__(self, depth_path, window=False):
        from osgeo import gdal, ogr, osr

        gdal.UseExceptions()
        ogr.UseExceptions()
        self.gdal, self.ogr = gdal, ogr
        self.src = gdal.Open(str(depth_path))
        self.band = self.src.GetRasterBand(1)
        self.nodata = self.band.GetNoDataValue()
        self.gt = self.src.GetGeoTransform()
        self.width, self.height = self.src.RasterXSize, self.src.RasterYSize
        self.srs = osr.SpatialReference()
        self.srs.ImportFromWkt(self.src.GetProjection())
        self.srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        self.window = window  # True: a small raster around each polygon (grid shifted by whole pixels)
        self.mask = None
        if not window:
            self.mask = self._mem(self.width, self.height, self.gt)

    def _mem(self, width, height, gt):
        mask = self.gdal.GetDriverByName("MEM").Create("", width, height, 1, self.gdal.GDT_Byte)
        mask.SetGeoTransform(gt)
        mask.SetProjection(self.src.GetProjection())
        return mask

    def _window(self, minx, miny, maxx, maxy):
        """Pixel window (c0, r0, c1, r1) around an envelope, with a margin of two pixels."""
        x0, dx, _, y0, _, dy = self.gt
        c0 = max(0, int(math.floor((minx - x0) / dx)) - 2)
        c1 = min(self.width, int(math.ceil((maxx - x0) / dx)) + 2)
        r0 = max(0, int(math.floor((maxy - y0) / dy)) - 2)
        r1 = min(self.height, int(math.ceil((miny - y0) / dy)) + 2)
        return c0, r0, c1, r1

    def burned(self, wkb):
        """(window, boolean mask of the window) of the pixels GDAL burns with ALL_TOUCHED=TRUE."""
        ogr = self.ogr
        geometry = ogr.CreateGeometryFromWkb(wkb)
        source = ogr.GetDriverByName("Memory").CreateDataSource("")
        layer = source.CreateLayer("one", self.srs, ogr.wkbPolygon)
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(geometry)
        layer.CreateFeature(feature)
        minx, maxx, miny, maxy = geometry.GetEnvelope()
        c0, r0, c1, r1 = window = self._window(minx, miny, maxx, maxy)
        if c1 <= c0 or r1 <= r0:
            return window, None
        if self.window:
            x0, dx, _, y0, _, dy = self.gt
            mask = self._mem(c1 - c0, r1 - r0, (x0 + c0 * dx, dx, 0.0, y0 + r0 * dy, 0.0, dy))
            self.gdal.RasterizeLayer(mask, [1], layer, burn_values=[1], options=["ALL_TOUCHED=TRUE"])
            return window, mask.GetRasterBand(1).ReadAsArray() == 1
        self.gdal.RasterizeLayer(self.mask, [1], layer, burn_values=[1], options=["ALL_TOUCHED=TRUE"])
        mask_band = self.mask.GetRasterBand(1)
        burned = mask_band.ReadAsArray(c0, r0, c1 - c0, r1 - r0) == 1
        if int((mask_band.ReadAsArray() == 1).sum()) != int(burned.sum()):
            raise RuntimeError("GDAL burned pixels outside the polygon's envelope")
        mask_band.Fill(0)
        return window, burned

    def values(self, window):
        import numpy as np

        c0, r0, c1, r1 = window
        values = self.band.ReadAsArray(c0, r0, c1 - c0, r1 - r0).astype(np.float64)
        if self.nodata is not None:
            values[values == self.nodata] = np.nan
        return values

    def max_depth(self, wkb):
        """Max depth over the pixels GDAL burns (NaN if none or all nodata)."""
        import numpy as np

        window, burned = self.burned(wkb)
        if burned is None:
            return np.nan
        values = self.values(window)[burned]
        values = values[~np.isnan(values)]
        return float(values.max()) if values.size else np.nan

    def overlap_areas(self, wkb, window):
        """Area (in pixels) of polygon ∩ pixel for every pixel of ``window``: the geometric rule."""
        import numpy as np
        import shapely

        x0, dx, _, y0, _, dy = self.gt
        polygon = shapely.transform(shapely.from_wkb(wkb),
                                    lambda xy: np.column_stack(((xy[:, 0] - x0) / dx, (xy[:, 1] - y0) / dy)))
        c0, r0, c1, r1 = window
        cols, rows = np.meshgrid(np.arange(c0, c1), np.arange(r0, r1))
        boxes = shapely.box(cols, rows, cols + 1, rows + 1)
        # GEOS raises the floating-point "invalid" flag on empty intersections: harmless, silenced
        with np.errstate(invalid="ignore"):
            return shapely.area(shapely.intersection(polygon, boxes))

    def geometric_max(self, wkb):
        """Max depth over the pixels the polygon's interior overlaps (area > 1e-9 pixel)."""
        import numpy as np
        import shapely

        minx, miny, maxx, maxy = shapely.bounds(shapely.from_wkb(wkb))
        window = self._window(minx, miny, maxx, maxy)
        values = self.values(window)[self.overlap_areas(wkb, window) > 1e-9]
        values = values[~np.isnan(values)]
        return float(values.max()) if values.size else np.nan

    def explain(self, wkb, refuge_depth):
        """Compare GDAL's burned pixels with the geometric rule (overlap area > 1e-9 pixel) for one polygon.

        Returns {gdal, geometric: max depths, missed: overlap areas of the pixels the polygon
        enters that GDAL leaves out, extra: those GDAL burns without the polygon entering them}.
        """
        import numpy as np

        window, burned = self.burned(wkb)
        areas = self.overlap_areas(wkb, window)
        touched = areas > 1e-9
        values = self.values(window)

        def maximum(mask):
            v = values[mask]
            v = v[~np.isnan(v)]
            return float(v.max()) if v.size else float("nan")

        return {"refuge": float(refuge_depth), "gdal": maximum(burned), "geometric": maximum(touched),
                "missed": sorted(float(a) for a in areas[touched & ~burned]),
                "extra": int((burned & ~touched).sum())}


def same_depth(a, b):
    """Equal depths (both NaN counts as equal), compared as the raster's float32 values."""
    import numpy as np

    a32, b32 = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return (a32 == b32) | (np.isnan(a32) & np.isnan(b32))


# --------------------------------------------------------------------------
# 1,000,000 buildings: one fresh process per case.


PHASES = (("refuge.core.raster.sampling", "read_raster"), ("refuge.core.raster.sampling", "max_touched"),
          ("refuge.processing.fastio", "_copy_source"), ("refuge.processing.fastio", "JoinedWriter._update"),
          ("refuge.processing.exposure", "_Run.finish_writes"))


def time_phases():
    """Wrap a few Refuge functions (in this process's memory only) to time them; returns the totals.

    A name this Refuge version lacks is skipped. Keys are the last part of each name.
    """
    import functools
    import importlib

    totals = {}
    for module_name, name in PHASES:
        owner = importlib.import_module(module_name)
        *path, attribute = name.split(".")
        try:
            for part in path:
                owner = getattr(owner, part)
            original = getattr(owner, attribute)
        except AttributeError:
            continue

        def wrapper(*args, _original=original, _name=attribute, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_name] = totals.get(_name, 0.0) + time.perf_counter() - started

        setattr(owner, attribute, functools.wraps(original)(wrapper))
    return totals


def big_child(case, size, work):
    """Run one case in this fresh process and print a JSON report; nothing else runs here, so the
    process's ru_maxrss is the algorithm's peak (plus QGIS); the parent reads the outputs."""
    files = make_data(work / "data", [size])
    out = work / "out"
    app, plugin = start_qgis(("refuge:exposure", "native:zonalstatisticsfb"))  # noqa: F841 (kept alive)
    report = {"case": case, "size": size, "baseline_kib": rss_kib()}
    phases = time_phases() if case == "refuge" else None
    started = time.perf_counter()
    parameters = run_algorithm(case, files["depth"], files[size], out, f"{size}_big")
    report["seconds"] = time.perf_counter() - started
    report["peak_kib"] = max_rss_kib()
    report["hwm_kib"] = vm_hwm_kib()
    report["phases"] = phases
    from osgeo import gdal

    report["gdal_cache_used"], report["gdal_cache_max"] = gdal.GetCacheUsed(), gdal.GetCacheMax()
    report["parameters"] = parameters
    print(json.dumps(report))


def read_child(path, cache_mib):
    """``read_raster`` alone in this fresh process, GDAL cache limited to ``cache_mib`` (0: default)."""
    from osgeo import gdal

    if cache_mib:
        gdal.SetCacheMax(cache_mib * 2**20)
    from refuge.core.raster.sampling import read_raster

    baseline = rss_kib()
    started = time.perf_counter()
    grid = read_raster(path)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_kib": max_rss_kib(), "baseline_kib": baseline,
                      "after_kib": rss_kib(), "values_kib": grid.values.nbytes // 1024,
                      "dtype": str(grid.values.dtype),
                      "cache_max_mib": gdal.GetCacheMax() // 2**20}))


def probe(argv_json, timeout):
    """Run one child (``argv_json``) and print its output and its own peak as JSON.

    A process started by a big one inherits that process's peak as its own
    ``ru_maxrss`` (Linux carries the old memory's high-water mark over ``exec``,
    and fork or vfork start from the parent's memory). This small probe, which
    imports only the standard library, starts the child instead, so the
    child's ``ru_maxrss``, read here as RUSAGE_CHILDREN, is its own.
    """
    report = {}
    try:
        proc = subprocess.run(json.loads(argv_json), capture_output=True, text=True,
                              timeout=float(timeout) if float(timeout) > 0 else None)
        report.update(returncode=proc.returncode, stdout=proc.stdout, stderr=proc.stderr[-3000:])
    except subprocess.TimeoutExpired:  # the child is killed by subprocess.run
        report.update(timeout=True)
    report["children_maxrss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps(report))


def launch(argv, timeout=None):
    """Run ``argv`` under a fresh probe; returns (child's JSON report or None, error text, timed out)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in env.get("PYTHONPATH", "").split(
        os.pathsep) if p)
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--probe", json.dumps(argv),
                           str(timeout or 0)], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return None, f"probe exited with {proc.returncode}: {proc.stderr.strip()[-1500:]}", False
    outer = json.loads(proc.stdout.strip().splitlines()[-1])
    if outer.get("timeout"):
        return None, f"did not finish within {timeout} s", True
    if outer["returncode"] != 0:
        return None, f"exited with {outer['returncode']}: {outer['stderr'].strip()[-1500:]}", False
    report = json.loads(outer["stdout"].strip().splitlines()[-1])
    report["ru_maxrss_kib"] = outer["children_maxrss_kib"]
    return report, None, False


def read_experiment(path):
    """Peak memory of Refuge's raster read with GDAL's default block cache and with 64 MiB."""
    reports = {}
    for cache in (0, 64):
        report, error, _ = launch([sys.executable, str(Path(__file__).resolve()), "--read", str(path),
                                   str(cache)])
        if report is None:
            reports[cache] = {"error": error}
            continue
        report["peak_kib"] = report["ru_maxrss_kib"]
        reports[cache] = r = report
        print(f"  read_raster alone, GDAL cache {r['cache_max_mib']} MiB: {r['seconds']:.2f} s, peak "
              f"{r['peak_kib'] / 1024:.0f} MiB (values {r['values_kib'] / 1024:.0f} MiB, start "
              f"{r['baseline_kib'] / 1024:.0f} MiB, after {r['after_kib'] / 1024:.0f} MiB)", flush=True)
    return reports


def copy_experiment(files, sizes, out):
    """Time GDAL's GeoPackage copy of the buildings (what Refuge avoids for GeoPackage inputs), with
    and without the R-tree spatial index, which GDAL builds when the copy is closed."""
    from osgeo import gdal

    gdal.UseExceptions()
    result = {}
    for size in sizes:
        for index in (True, False):
            target = out / f"copy_{size}_{'index' if index else 'noindex'}.gpkg"
            remove(target)
            options = gdal.VectorTranslateOptions(
                format="GPKG", layerCreationOptions=[] if index else ["SPATIAL_INDEX=NO"])
            started = time.perf_counter()
            copied = gdal.VectorTranslate(str(target), str(files[size]), options=options)
            copied = None  # noqa: F841 (closing finishes the file, spatial index included)
            result[(size, index)] = time.perf_counter() - started
            remove(target)
        print(f"  GDAL GeoPackage copy of {fmt_n(size)} buildings: {result[(size, True)]:.2f} s, "
              f"{result[(size, False)]:.2f} s without spatial index", flush=True)
    return result


def wait_idle(limit):
    """Wait (at most ``limit`` s) until other processes use under DISTURBED_CORES for 30 s in a row."""
    deadline, quiet = time.monotonic() + limit, 0
    while time.monotonic() < deadline:
        busy0, own0 = busy_seconds(), own_seconds()
        time.sleep(10)
        other = (busy_seconds() - busy0 - (own_seconds() - own0)) / 10
        quiet = quiet + 1 if other < DISTURBED_CORES else 0
        if quiet >= 3:
            return True
        print(f"waiting for the machine to be idle (other load {other:.2f} cores)", flush=True)
    return False


def run_big(case, size, work, timeout):
    with Measure() as measure:
        report, error, timed_out = launch([sys.executable, str(Path(__file__).resolve()), "--big", case,
                                           str(size), str(work)], timeout)
    if report is None:
        return None, {"error": error, "timeout": timed_out, "other_cores": measure.other_cores}
    # The child's own ru_maxrss (read by the probe), not the figure the child read itself.
    report["self_reported_kib"] = report["peak_kib"]
    report["peak_kib"] = report["ru_maxrss_kib"]
    report["process_seconds"] = measure.seconds
    report["other_cores"] = measure.other_cores
    report["cpu_seconds"] = measure.cpu_seconds
    if case == "refuge":
        depth, codes, report["json_counts"], _ = refuge_results(report["parameters"], size)
        return {"depth": depth, "class": codes}, report
    return {"depth": zonal_results(report["parameters"], size)[0]}, report


# --------------------------------------------------------------------------
# Versions, machine.


def versions():
    import numpy
    import shapely
    from osgeo import gdal
    from qgis.core import Qgis

    metadata = (ROOT / "metadata.txt").read_text().splitlines()
    refuge_version = next((line.split("=", 1)[1] for line in metadata if line.startswith("version=")), "?")
    return {
        "Refuge": f"{refuge_version} ({git_revision()})",
        "QGIS": Qgis.QGIS_VERSION,
        "GDAL": gdal.__version__,
        "shapely": f"{shapely.__version__} (GEOS {'.'.join(map(str, shapely.geos_version))})",
        "numpy": numpy.__version__,
        "Python": platform.python_version(),
    }


# --------------------------------------------------------------------------
# The benchmark proper.


def timed_runs(case, depth, buildings, out, tag, repeat, max_extra):
    """``repeat`` measured runs of a case; a run disturbed by other processes is redone
    (at most ``max_extra`` times in all). Returns (records, parameters of the last run)."""
    records, extra = [], 0
    while len(records) < repeat:
        with Measure() as measure:
            parameters = run_algorithm(case, depth, buildings, out, tag)
        record = {"seconds": measure.seconds, "peak_kib": measure.peak_kib, "start_kib": measure.start_kib,
                  "exact": measure.exact, "other_cores": measure.other_cores}
        disturbed = measure.other_cores > DISTURBED_CORES
        redo = disturbed and extra < max_extra
        print(f"  {tag} {case}: {measure.seconds:.2f} s, peak {measure.peak_kib / 1024:.0f} MiB "
              f"(+{(measure.peak_kib - measure.start_kib) / 1024:.0f}), other load "
              f"{measure.other_cores:.2f} cores{' (disturbed: redone)' if redo else ''}", flush=True)
        if redo:
            extra += 1
            continue
        records.append(record)
    return records, parameters


def summarize(records):
    return {
        "seconds": statistics.median(r["seconds"] for r in records),
        "runs": [r["seconds"] for r in records],
        "peak_kib": max(r["peak_kib"] for r in records),
        "rise_kib": max(r["peak_kib"] - r["start_kib"] for r in records),
        "exact": all(r["exact"] for r in records),
        "other_cores": max(r["other_cores"] for r in records),
    }


def compare_refuge_zonal(refuge_depth, zonal_depth):
    """How the zonal maxima differ from Refuge's: counts, and any zonal max above Refuge's."""
    import numpy as np

    equal = same_depth(refuge_depth, zonal_depth)
    r32 = np.asarray(refuge_depth, dtype=np.float32)
    z32 = np.asarray(zonal_depth, dtype=np.float32)
    higher = np.nan_to_num(z32, nan=-np.inf) > np.nan_to_num(r32, nan=-np.inf)
    classes_r, classes_z = classify_depths(r32), classify_depths(z32)
    return {
        "differ": int((~equal).sum()),
        "zonal_higher": int(higher.sum()),
        "zonal_null_refuge_value": int((np.isnan(z32) & ~np.isnan(r32)).sum()),
        "class_differ": int((classes_r != classes_z).sum()),
        "zonal_counts": class_counts(classes_z),
        "first_higher": np.flatnonzero(higher)[:5].tolist(),
    }


def check_refuge(label, depth, codes, json_counts, problems):
    """SUMMARY_JSON counts = counts of the output's hazard_class = classes recomputed from max_depth_m."""
    import numpy as np

    recomputed = classify_depths(depth)
    output_counts = class_counts(np.nan_to_num(codes, nan=0).astype(np.int64))
    recomputed_counts = class_counts(recomputed)
    ok = json_counts == output_counts == recomputed_counts
    if not ok:
        problems.append(f"{label}: class counts disagree: SUMMARY_JSON {json_counts}, output hazard_class "
                        f"{output_counts}, recomputed from max_depth_m {recomputed_counts}")
    wrong_class = int((np.nan_to_num(codes, nan=-1).astype(np.int64) != recomputed).sum())
    if wrong_class:
        problems.append(f"{label}: {wrong_class} buildings have a hazard_class that does not match their "
                        "max_depth_m")
    return {"json": json_counts, "output": output_counts, "recomputed": recomputed_counts, "ok": ok}


def jakarta(out, repeat, problems):
    """Real data: Refuge vs zonal statistics vs GDAL, every building."""
    import numpy as np
    import shapely

    print(f"Jakarta: {JAKARTA_DEPTH.name} + {JAKARTA_BUILDINGS.name}", flush=True)
    records = {"refuge": [], "zonal": []}
    params = {}
    for _ in range(repeat):
        for case in ("refuge", "zonal"):
            runs, params[case] = timed_runs(case, JAKARTA_DEPTH, JAKARTA_BUILDINGS, out, "jakarta", 1, 3)
            records[case] += runs
    depth, codes, json_counts, refuge_wkbs = refuge_results(params["refuge"])
    zonal_depth, zonal_wkbs = zonal_results(params["zonal"])
    _, input_wkbs = read_in_order(JAKARTA_BUILDINGS, [])
    source = shapely.from_wkb(input_wkbs)
    for name, wkbs in (("refuge", refuge_wkbs), ("zonal", zonal_wkbs)):
        # zonal statistics write MultiPolygons: compare shapes, not types
        if len(wkbs) != len(source) or not shapely.equals(shapely.from_wkb(wkbs), source).all():
            problems.append(f"Jakarta: the {name} output is not in input order (geometries differ)")
    reference = GdalReference(JAKARTA_DEPTH)
    gdal_records = []
    for _ in range(repeat):
        with Measure() as measure:
            gdal_depth = np.array([reference.max_depth(w) for w in input_wkbs])
        gdal_records.append({"seconds": measure.seconds, "peak_kib": measure.peak_kib,
                             "start_kib": measure.start_kib, "exact": measure.exact,
                             "other_cores": measure.other_cores})
    print(f"  jakarta gdal: {gdal_records[-1]['seconds']:.2f} s", flush=True)
    agree = same_depth(depth, gdal_depth)
    details = [dict(reference.explain(input_wkbs[i], depth[i]), position=int(i))
               for i in np.flatnonzero(~agree)]
    classify_disagreements("Jakarta", details, problems)
    geometric = np.array([reference.geometric_max(w) for w in input_wkbs])
    geometric_agree = int(same_depth(depth, geometric).sum())
    if geometric_agree != len(depth):
        problems.append(f"Jakarta: Refuge's max_depth_m differs from the geometric all-touched maximum for "
                        f"{len(depth) - geometric_agree} buildings")
    counts = check_refuge("Jakarta", depth, codes, json_counts, problems)
    versus = compare_refuge_zonal(depth, zonal_depth)
    gdal_versus_zonal = compare_refuge_zonal(gdal_depth, zonal_depth)
    # Why they differ: pixel centres inside each building, as QGIS counts them.
    centres = pixel_centres_inside(JAKARTA_DEPTH, source)
    differ = ~same_depth(depth, zonal_depth)
    return {
        "name": f"Jakarta (real), {len(depth)} buildings",
        "raster": "66 × 55 px of ≈ 50 m, nodata −9999",
        "size": len(depth),
        "summaries": {"refuge": summarize(records["refuge"]), "zonal": summarize(records["zonal"]),
                      "gdal": summarize(gdal_records)},
        "counts": counts,
        "gdal_agree": int(agree.sum()),
        "geometric_agree": geometric_agree,
        "gdal_details": details,
        "gdal_counts": class_counts(classify_depths(gdal_depth)),
        "versus": versus,
        "gdal_versus_zonal": gdal_versus_zonal,
        "centres_of_differing": np.bincount(np.minimum(centres[differ], 3), minlength=4).tolist(),
        "centres_all": np.bincount(np.minimum(centres, 3), minlength=4).tolist(),
        "sample": None,
    }


def classify_disagreements(label, details, problems):
    """Refuge ≠ GDAL is a problem unless Refuge equals the geometric rule and GDAL only leaves out
    pixels the polygon enters by less than 0.01 pixel (GDAL's snapping, documented in
    refuge/core/raster/sampling.py)."""
    for d in details:
        geometric_ok = same_depth([d["refuge"]], [d["geometric"]])[0]
        snapping = d["extra"] == 0 and d["missed"] and max(d["missed"]) < 0.01
        d["kind"] = "gdal_snapping" if geometric_ok and snapping else "refuge_wrong"
        if d["kind"] == "refuge_wrong":
            problems.append(f"{label}: building {d.get('bid', d.get('position'))}: Refuge {d['refuge']}, "
                            f"GDAL {d['gdal']}, geometric all-touched {d['geometric']} (pixels GDAL "
                            f"leaves out: {len(d['missed'])}, overlap up to "
                            f"{max(d['missed'], default=0):.4f} px; pixels "
                            f"GDAL adds: {d['extra']})")


def pixel_centres_inside(depth_path, polygons):
    """Number of pixel centres strictly inside each polygon (what zonal statistics counts first)."""
    import numpy as np
    import shapely
    from osgeo import gdal

    dataset = gdal.Open(str(depth_path))
    x0, dx, _, y0, _, dy = dataset.GetGeoTransform()
    result = np.zeros(len(polygons), dtype=np.int64)
    for index, polygon in enumerate(polygons):
        minx, miny, maxx, maxy = polygon.bounds
        cols = np.arange(math.floor((minx - x0) / dx), math.ceil((maxx - x0) / dx) + 1)
        rows = np.arange(math.floor((maxy - y0) / dy), math.ceil((miny - y0) / dy) + 1)
        xs, ys = np.meshgrid(x0 + (cols + 0.5) * dx, y0 + (rows + 0.5) * dy)
        result[index] = int(shapely.contains_xy(polygon, xs.ravel(), ys.ravel()).sum())
    return result


def synthetic_mid(files, out, size, repeat, sample, problems, seed):
    """Synthetic raster, ``size`` buildings, both tools in this process, + a GDAL sample."""
    import numpy as np
    import shapely

    print(f"Synthetic: {fmt_n(size)} buildings", flush=True)
    records = {"refuge": [], "zonal": []}
    params = {}
    for _ in range(repeat):
        for case in ("refuge", "zonal"):
            runs, params[case] = timed_runs(case, files["depth"], files[size], out, str(size), 1, 2)
            records[case] += runs
            trim_memory()
    depth, codes, json_counts, _ = refuge_results(params["refuge"], size)
    zonal_depth, _ = zonal_results(params["zonal"], size)
    counts = check_refuge(f"{fmt_n(size)} buildings", depth, codes, json_counts, problems)
    versus = compare_refuge_zonal(depth, zonal_depth)
    if versus["zonal_higher"]:
        problems.append(f"{fmt_n(size)} buildings: zonal statistics found a higher max than Refuge for "
                        f"{versus['zonal_higher']} buildings (bids {versus['first_higher']}): Refuge misses "
                        "pixels a footprint touches")
    sample_report = None
    if sample:
        rng = np.random.default_rng([SEED, 3, seed])
        bids = np.sort(rng.choice(size, min(sample, size), replace=False))
        geometries = building_geometries(size)[bids]
        wkbs = shapely.to_wkb(geometries)
        reference = GdalReference(files["depth"], window=True)
        started = time.perf_counter()
        gdal_depth = np.array([reference.max_depth(w) for w in wkbs])
        seconds = time.perf_counter() - started
        disagree = np.flatnonzero(~same_depth(depth[bids], gdal_depth))
        # A window shifts GDAL's grid origin by whole pixels: explain every disagreement on the full grid.
        full = GdalReference(files["depth"], window=False) if len(disagree) else None
        details = [dict(full.explain(wkbs[i], depth[bids[i]]), bid=int(bids[i])) for i in disagree]
        details = [d for d in details if not same_depth([d["refuge"]], [d["gdal"]])[0]]
        geometric = np.array([reference.geometric_max(w) for w in wkbs])
        geometric_agree = int(same_depth(depth[bids], geometric).sum())
        if geometric_agree != len(bids):
            wrong = bids[~same_depth(depth[bids], geometric)]
            problems.append(f"{fmt_n(size)} buildings (sample): Refuge's max_depth_m differs from the "
                            f"geometric all-touched maximum for {len(wrong)} buildings "
                            f"(bids {wrong[:10].tolist()})")
        sample_report = {"n": len(bids), "agree": len(bids) - len(details), "seconds": seconds,
                         "details": details, "geometric_agree": geometric_agree}
        classify_disagreements(f"{fmt_n(size)} buildings (sample)", details, problems)
        print(f"  GDAL all-touched on {len(bids)} sampled buildings: {sample_report['agree']} agree "
              f"({seconds:.1f} s)", flush=True)
    centres = pixel_centres_inside(files["depth"], building_geometries(size)[:2000])
    return {
        "name": f"Synthetic, {fmt_n(size)} buildings",
        "raster": f"{RASTER_SIZE:,} × {RASTER_SIZE:,} px of ≈ 1.1 m".replace(",", " "),
        "size": size,
        "summaries": {"refuge": summarize(records["refuge"]), "zonal": summarize(records["zonal"])},
        "counts": counts,
        "versus": versus,
        "sample": sample_report,
        "centres_min": int(centres.min()),
        "depth": depth,
        "zonal_depth": zonal_depth,
    }


def synthetic_big(files, work, size, timeout, mid, problems):
    print(f"Synthetic: {fmt_n(size)} buildings, each case in its own process", flush=True)
    arrays, reports = {}, {}
    for case, limit in (("refuge", None), ("zonal", timeout)):
        for attempt in range(3):
            arrays[case], reports[case] = run_big(case, size, work, limit)
            disturbed = reports[case].get("other_cores", 0) > DISTURBED_CORES
            if arrays[case] is None or not disturbed or attempt == 2:
                break
            print(f"  {case}: {reports[case]['seconds']:.2f} s with other load "
                  f"{reports[case]['other_cores']:.2f} cores: disturbed, redone", flush=True)
        report = reports[case]
        if arrays[case] is None:
            print(f"  {case}: FAILED {report['error']}", flush=True)
            if case == "refuge" or not report.get("timeout"):
                problems.append(f"{fmt_n(size)} buildings: {case} failed: {report['error']}")
        else:
            print(f"  {case}: {report['seconds']:.2f} s (process {report['process_seconds']:.2f} s), "
                  f"peak {report['peak_kib'] / 1024:.0f} MiB (VmHWM {report['hwm_kib'] / 1024:.0f} MiB), "
                  f"other load {report['other_cores']:.2f} cores", flush=True)
    result = {"name": f"Synthetic, {fmt_n(size)} buildings", "size": size, "reports": reports,
              "counts": None, "versus": None}
    if arrays["refuge"] is not None:
        depth = arrays["refuge"]["depth"]
        result["counts"] = check_refuge(f"{fmt_n(size)} buildings", depth, arrays["refuge"]["class"],
                                        reports["refuge"]["json_counts"], problems)
        # The first buildings are those of the mid-size file: same depths expected.
        if mid is not None:
            n = mid["size"]
            same = same_depth(depth[:n], mid["depth"])
            if not same.all():
                problems.append(f"{fmt_n(size)} buildings: {int((~same).sum())} of the first {fmt_n(n)} "
                                f"buildings got another max_depth_m than in the {fmt_n(n)} run")
        if arrays["zonal"] is not None:
            result["versus"] = compare_refuge_zonal(depth, arrays["zonal"]["depth"])
            if result["versus"]["zonal_higher"]:
                problems.append(f"{fmt_n(size)} buildings: zonal statistics found a higher max than Refuge "
                                f"for {result['versus']['zonal_higher']} buildings")
    if arrays["zonal"] is None and mid is not None and reports["zonal"].get("timeout"):
        result["zonal_extrapolated"] = mid["summaries"]["zonal"]["seconds"] * size / mid["size"]
        result["extrapolated_from"] = mid["size"]
    return result


# --------------------------------------------------------------------------
# Markdown.


def fmt_mib(kib):
    return f"{kib / 1024:,.0f}".replace(",", " ")


def counts_cell(counts):
    return " / ".join(fmt_n(c) for c in counts)


def table(results, big):
    lines = [
        "| Data | Tool | Median time (s) | Runs (s) | Time ÷ Refuge | Peak RSS (MiB) | Rise (MiB) "
        "| Other load (cores) | Buildings per class (0 / 1 / 2 / 3) | Max ≠ Refuge |",
        "|---|---|--:|---|--:|--:|--:|--:|---|--:|",
    ]
    for result in results:
        ref = result["summaries"]["refuge"]["seconds"]
        first = True
        for case in CASES:
            s = result["summaries"].get(case)
            if s is None:
                continue
            cell = f"{result['name']}; {result['raster']}" if first else ""
            first = False
            if case == "refuge":
                classes = counts_cell(result["counts"]["json"]) + " (SUMMARY_JSON)"
                differ = "—"
            elif case == "zonal":
                classes = counts_cell(result["versus"]["zonal_counts"])
                differ = fmt_n(result["versus"]["differ"])
            else:
                classes = counts_cell(result["gdal_counts"])
                differ = fmt_n(result["size"] - result["gdal_agree"])
            runs = " / ".join(f"{t:.2f}" for t in s["runs"])
            peak = fmt_mib(s["peak_kib"]) + ("" if s["exact"] else " (≥)")
            rise = fmt_mib(max(0, s["rise_kib"]))
            lines.append(f"| {cell} | {LABELS[case]} | {s['seconds']:.2f} | {runs} "
                         f"| {s['seconds'] / ref:.2f}× "
                         f"| {peak} | +{rise} | {s['other_cores']:.2f} | {classes} | {differ} |")
    if big is not None:
        reports = big["reports"]
        refuge = reports["refuge"]
        ref = refuge.get("seconds")
        cell = f"{big['name']}; same raster, one process per tool"
        if "error" in refuge:
            lines.append(f"| {cell} | {LABELS['refuge']} | failed | | | | | | {refuge['error'][:200]} | |")
        else:
            rise = fmt_mib(refuge["peak_kib"] - refuge["baseline_kib"])
            lines.append(f"| {cell} | {LABELS['refuge']} | {ref:.2f} "
                         f"(process {refuge['process_seconds']:.2f}) | 1 run | 1.00× "
                         f"| {fmt_mib(refuge['peak_kib'])} | "
                         f"+{rise} | {refuge['other_cores']:.2f} "
                         f"| {counts_cell(big['counts']['json'])} (SUMMARY_JSON) | — |")
        zonal = reports["zonal"]
        if "error" not in zonal:
            ratio = f"{zonal['seconds'] / ref:.2f}×" if ref else "n/a"
            rise = fmt_mib(zonal["peak_kib"] - zonal["baseline_kib"])
            lines.append(f"| | {LABELS['zonal']} | {zonal['seconds']:.2f} "
                         f"(process {zonal['process_seconds']:.2f}) | 1 run | {ratio} "
                         f"| {fmt_mib(zonal['peak_kib'])} | "
                         f"+{rise} | {zonal['other_cores']:.2f} "
                         f"| {counts_cell(big['versus']['zonal_counts']) if big['versus'] else ''} "
                         f"| {fmt_n(big['versus']['differ']) if big['versus'] else ''} |")
        elif zonal.get("timeout"):
            guess = big.get("zonal_extrapolated")
            text = f"> {zonal['error'].split('within ')[-1]} (stopped)"
            ratio = f"≈ {guess / ref:.0f}× (extrapolated)" if guess and ref else ""
            lines.append(f"| | {LABELS['zonal']} | {text}; ≈ {guess:.0f} extrapolated from "
                         f"{fmt_n(big['extrapolated_from'])} "
                         f"| — | {ratio} | | | {zonal['other_cores']:.2f} | | |")
        else:
            lines.append(f"| | {LABELS['zonal']} | failed | | | | | | {zonal['error'][:200]} | |")
    return "\n".join(lines)


def area_range(areas):
    low, high = f"{min(areas):.4f}", f"{max(areas):.4f}"
    return low if low == high else f"{low}–{high}"


def plural(count, word, words=None):
    return f"{fmt_n(count)} {word if count == 1 else (words or word + 's')}"


def disagreement_text(details):
    if not details:
        return "."
    parts = []
    for d in details:
        name = f"bid {d['bid']}" if "bid" in d else f"feature {d['position']}"
        parts.append(f"{name}: Refuge {d['refuge']:.4f} m = geometric {d['geometric']:.4f} m, GDAL "
                     f"{d['gdal']:.4f} m, GDAL leaves out {len(d['missed'])} pixels the footprint overlaps "
                     f"by {area_range(d['missed'])} pixel"
                     if d["kind"] == "gdal_snapping" else
                     f"{name}: Refuge {d['refuge']}, geometric {d['geometric']}, GDAL {d['gdal']} "
                     "(**Refuge wrong**)")
    snapping = sum(d["kind"] == "gdal_snapping" for d in details)
    snapping = "all" if snapping == len(details) else snapping
    return (f". The {len(details)} GDAL disagreements ({snapping} of them GDAL's snapping of outlines within "
            "0.01 pixel of a grid line, as documented in `core/raster/sampling.py`, where Refuge keeps the "
            "geometric answer): " + "; ".join(parts) + ".")


def check_lines(results, big):
    lines = []
    for result in results:
        c, v = result["counts"], result["versus"]
        text = (f"- **{result['name']}**: SUMMARY_JSON counts {counts_cell(c['json'])}; counts of the "
                f"output's `hazard_class` {counts_cell(c['output'])}; classes recomputed from `max_depth_m` "
                f"{counts_cell(c['recomputed'])}: {'all equal' if c['ok'] else '**DIFFERENT**'}.")
        if "gdal_agree" in result:
            text += (f" `max_depth_m` equals the GDAL all-touched maximum for {result['gdal_agree']} of "
                     f"{result['size']} buildings, and the geometric all-touched maximum (pixels whose "
                     f"overlap with the footprint exceeds 1e-9 pixel, shapely) for "
                     f"{result['geometric_agree']}"
                     + disagreement_text(result["gdal_details"]))
        if result.get("sample"):
            s = result["sample"]
            text += (f" On a random sample of {fmt_n(s['n'])} buildings, `max_depth_m` equals the GDAL "
                     f"all-touched maximum for {fmt_n(s['agree'])} and the geometric one for "
                     f"{fmt_n(s['geometric_agree'])}" + disagreement_text(s["details"]))
        text += (f" Zonal statistics: {plural(v['differ'], 'maximum differs', 'maxima differ')} from "
                 f"Refuge's ({100 * v['differ'] / result['size']:.1f} %), all lower (zonal above Refuge: "
                 f"{v['zonal_higher']}); {plural(v['class_differ'], 'building changes', 'buildings change')} "
                 f"class; "
                 f"{v['zonal_null_refuge_value']} get no value (NULL) where Refuge has one.")
        lines.append(text)
    if big is not None and big["counts"] is not None:
        c, v = big["counts"], big["versus"]
        text = (f"- **{big['name']}**: SUMMARY_JSON {counts_cell(c['json'])}; output `hazard_class` "
                f"{counts_cell(c['output'])}; recomputed {counts_cell(c['recomputed'])}: "
                f"{'all equal' if c['ok'] else '**DIFFERENT**'}; the first {fmt_n(MID_SIZE)} buildings get "
                f"the same `max_depth_m` as in the {fmt_n(MID_SIZE)} run.")
        if v is not None:
            text += (f" Zonal statistics: {fmt_n(v['differ'])} maxima differ "
                     f"({100 * v['differ'] / big['size']:.1f} %), zonal above Refuge: {v['zonal_higher']}; "
                     f"{fmt_n(v['class_differ'])} change class.")
        lines.append(text)
    return "\n".join(lines)


def section(results, big, vers, repeat, problems, busy_before, timeout, reads, copies):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    version_text = " · ".join(f"{name} {value}" for name, value in vers.items())
    jakarta_result = next((r for r in results if "gdal_agree" in r), None)
    why = ""
    if jakarta_result is not None:
        d = jakarta_result["centres_of_differing"]
        a = jakarta_result["centres_all"]
        why = (f" In Jakarta (pixels of ≈ 50 m) {a[0] + a[1]} of the {jakarta_result['size']} buildings hold "
               f"fewer than two pixel centres, so QGIS intersects them exactly, like all-touched; "
               + (f"the building that differs holds {next(k for k, n in enumerate(d) if n)} centres."
                  if jakarta_result['versus']['differ'] == 1 else
                  f"the {fmt_n(jakarta_result['versus']['differ'])} that differ hold 0/1/2/3+ centres: "
                  f"{' / '.join(map(str, d))}."))
    mid = next((r for r in results if "centres_min" in r), None)
    if mid is not None:
        why += (f" On the synthetic raster (pixels of ≈ 1.1 m) every building holds at least "
                f"{mid['centres_min']} pixel centres (checked on 2 000 of them), so QGIS keeps only the "
                "pixels whose centre is inside and leaves out the ring of edge pixels a footprint only "
                "partly covers.")
    big_note = ""
    if big is not None:
        zonal = big["reports"]["zonal"]
        if zonal.get("timeout"):
            big_note = (f"\n- `native:zonalstatisticsfb` on {fmt_n(BIG)} buildings did not finish within "
                        f"{timeout} s and was stopped; its time is extrapolated linearly from the "
                        f"{fmt_n(MID_SIZE)} run (it handles one feature at a time, reading the raster block "
                        "under each).")
    read_note = ""
    if reads and all("error" not in r for r in reads.values()):
        default, small = reads[0], reads[64]
        tiles = fmt_mib(RASTER_SIZE * RASTER_SIZE * 4 / 1024)
        read_note = (
            f"\n- Reading the raster: `read_raster` alone, in a fresh process, takes "
            f"{default['seconds']:.2f} s and peaks {fmt_mib(default['peak_kib'] - default['baseline_kib'])} "
            f"MiB above the interpreter "
            f"for a {fmt_mib(default['values_kib'])} MiB {default['dtype']} grid: GDAL's block cache (limit "
            f"{default['cache_max_mib']} MiB, 5 % of RAM) keeps the decompressed float32 tiles (up to "
            f"{tiles} MiB) until the file is closed, and glibc keeps that memory in the process afterwards "
            f"(RSS after the read: {fmt_mib(default['after_kib'] - default['baseline_kib'])} MiB above the "
            f"start). With GDAL's cache limited to 64 MiB (`gdal.SetCacheMax`) the same read peaks "
            f"{fmt_mib(small['peak_kib'] - small['baseline_kib'])} MiB in {small['seconds']:.2f} s.")
    if big is not None and big["reports"]["refuge"].get("phases"):
        refuge = big["reports"]["refuge"]
        ph = refuge["phases"]
        main = ph.get("read_raster", 0) + ph.get("max_touched", 0) + ph.get("finish_writes", 0)
        big_note += (
            f"\n- Where Refuge's {refuge['seconds']:.1f} s go on {fmt_n(big['size'])} buildings "
            f"(functions timed by wrapping them in the child process): reading the raster "
            f"(`read_raster`) {ph.get('read_raster', 0):.1f} s, sampling the footprints block by block "
            f"(`max_touched`) {ph.get('max_touched', 0):.1f} s, waiting at the end for the output "
            f"writer (`finish_writes`) {ph.get('finish_writes', 0):.1f} s; the rest of the main thread "
            f"(reading the buildings, repairs, areas, units, QGIS plumbing) "
            f"{refuge['seconds'] - main:.1f} s. Beside it, in threads of their own: the page-by-page copy "
            f"of the buildings file for the output (`_copy_source`) {ph.get('_copy_source', 0):.1f} s, "
            f"started while the buildings are read, and the writer's block updates (`JoinedWriter._update`) "
            f"{ph.get('_update', 0):.1f} s, each block written while the next is sampled.")
    if copies:
        sizes = sorted({size for size, _ in copies})
        big_note += ("\n- Why a GeoPackage input is copied page by page (sqlite's backup, which keeps its "
                     "R-tree spatial index) rather than by GDAL: GDAL rebuilds the R-tree when the copy is "
                     "closed, and that grows faster than the number of buildings: `gdal.VectorTranslate` of "
                     "the buildings file to a GeoPackage takes "
                     + ", ".join(f"{copies[(size, True)]:.1f} s for {fmt_n(size)} buildings "
                                 f"({copies[(size, False)]:.1f} s with `SPATIAL_INDEX=NO`)" for size in sizes)
                     + ".")
    busy = ("; other processes were using the machine when it started: " + "; ".join(busy_before)
            if busy_before else "")
    problem_text = ("\n\n**Problems found:**\n\n" + "\n".join(f"- {p}" for p in problems)) if problems else \
        "\n\nNo problem found: Refuge agrees with the GDAL all-touched reference and with its own summary."
    plural = "repetitions" if repeat > 1 else "repetition"
    grid_text = "as float32 or float64"
    if reads and "dtype" in reads.get(0, {}):
        grid_text = f"as {reads[0]['dtype']}: {fmt_mib(reads[0]['values_kib'])} MiB for this raster"
    return f"""{START_MARK}
## Exposure to a depth raster: Refuge vs QGIS zonal statistics and GDAL all-touched

Run on {now} · machine: {machine()}{busy}.
Versions: {version_text}.
Written by `bench/bench_exposure_raster.py`.

The question: the maximum flood depth under each building footprint, hence the buildings per depth
class (0 not exposed or nodata only, 1 low < 0.5 m, 2 medium < 1.5 m, 3 high; Refuge's defaults).

- **Refuge**: `processing.run("refuge:exposure", {{DEPTH, BUILDINGS, BUILDINGS_OUTPUT: .gpkg,
  SUMMARY_JSON}})`, the whole algorithm (reading the raster and the buildings, sampling, classes,
  footprint areas, writing the GeoPackage and the JSON). A footprint takes the maximum of every
  pixel it touches (all-touched).
- **QGIS zonal statistics**: `native:zonalstatisticsfb`, `STATISTICS=[6]` (max), output to a GeoPackage.
- **GDAL**: `gdal.RasterizeLayer(..., ["ALL_TOUCHED=TRUE"])` of each building alone on the raster's grid,
  then the maximum of the non-nodata pixels it burned: the reference of the all-touched rule, one
  building at a time in Python (a reference, not a competitor).

Jakarta and {fmt_n(MID_SIZE)} buildings run in one QGIS process, {repeat} {plural} with the
tools interleaved (median time; peak RSS is the largest of the runs, read with `getrusage` after
resetting the process's peak through `/proc/self/clear_refs`; "rise" is the peak minus the RSS at the
start of the run). {fmt_n(BIG)} buildings: one run per tool, each in a fresh process (QGIS start-up
not timed; "process" includes it); its peak RSS is that process's own `ru_maxrss`, read by a small
probe process that starts it (a process started straight from the big benchmark process would
inherit that process's peak as its `ru_maxrss`), and "rise" is above its RSS after QGIS start-up.
"Other load" is the CPU used by other processes during the run, in cores (from `/proc/stat`); a run
above {DISTURBED_CORES} core was redone (up to twice). "Max ≠ Refuge" counts buildings
whose maximum differs from Refuge's `max_depth_m` (compared as float32, the raster's type).

{table(results, big)}

Class counts and checks:

{check_lines(results, big)}

Why zonal statistics differ: QGIS counts a pixel when its **centre** lies inside the polygon, and only
when fewer than two centres do falls back to the exact intersection with every pixel the polygon
overlaps. All-touched also counts the partly covered pixels along the outline, so its maximum is the
same or higher, never lower.{why} A deeper pixel along a wall is thus missed by zonal statistics,
which lowers the maximum and sometimes the class.

Notes:

- Synthetic data: a {RASTER_SIZE:,} × {RASTER_SIZE:,} float32 raster, EPSG:4326, pixel {PIXEL} degree,
  a smooth random field (three octaves, control points ≈ 1.1 km, 110 m and 11 m apart) mapped to
  0–3 m with dry areas and six nodata discs, tiled 256 × 256 DEFLATE GeoTIFF; rectangles of 5–30 m
  (20 % axis-aligned), the {fmt_n(MID_SIZE)} file being the first {fmt_n(MID_SIZE)} of the
  {fmt_n(BIG)}.
- Refuge reads the whole band into memory ({grid_text}); zonal statistics read the raster
  block under each feature (their "rise" is GDAL's block cache filling with the tiles under
  the buildings).{read_note}{big_note}
- Times are wall-clock, from one machine: read them as ratios and orders of magnitude.{problem_text}
{END_MARK}""".replace(f"{RASTER_SIZE:,}", fmt_n(RASTER_SIZE))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions in the shared process (default 3)")
    parser.add_argument("--mid", type=int, default=MID_SIZE, help=argparse.SUPPRESS)  # for quick tries
    parser.add_argument("--big-size", type=int, default=BIG, help=argparse.SUPPRESS)
    parser.add_argument("--no-big", action="store_true", help=f"skip the {fmt_n(BIG)} buildings step")
    parser.add_argument("--zonal-timeout", type=int, default=1200,
                        help=f"seconds allowed to zonal statistics on {fmt_n(BIG)} buildings (default 1200)")
    parser.add_argument("--sample", type=int, default=2000,
                        help="synthetic buildings checked against GDAL all-touched (default 2000, 0: none)")
    parser.add_argument("--wait-idle", type=int, default=0, metavar="S",
                        help="wait up to S seconds for other processes to leave the machine idle first")
    parser.add_argument("--work", type=Path, default=BENCH / "work" / "raster", help="scratch folder")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    out = args.work / "out"
    out.mkdir(parents=True, exist_ok=True)
    try:
        import refuge  # noqa: F401
    except ImportError as exc:
        raise SystemExit(f"cannot import refuge ({exc}): run with PYTHONPATH=build/pythonpath") from exc
    for path in (JAKARTA_DEPTH, JAKARTA_BUILDINGS):
        if not path.exists():
            raise SystemExit(f"{path} not found")

    files = make_data(args.work / "data", [args.mid] + ([] if args.no_big else [args.big_size]))
    if args.wait_idle and not wait_idle(args.wait_idle):
        print(f"the machine did not become idle within {args.wait_idle} s: running anyway", flush=True)
    busy_before = other_heavy_processes()
    for row in busy_before:
        print(f"note: another process is busy: {row}", flush=True)
    app, plugin = start_qgis(("refuge:exposure", "native:zonalstatisticsfb"))  # noqa: F841 (both must stay alive)
    vers = versions()
    problems = []
    results = [jakarta(out, args.repeat, problems)]
    trim_memory()
    mid = synthetic_mid(files, out, args.mid, args.repeat, args.sample, problems, 0)
    results.append(mid)
    trim_memory()
    print("Refuge's raster read alone, in fresh processes", flush=True)
    reads = read_experiment(files["depth"])
    copies = copy_experiment(files, [args.mid] + ([] if args.no_big else [args.big_size]), out)
    big = None
    if not args.no_big:
        big = synthetic_big(files, args.work, args.big_size, args.zonal_timeout, mid, problems)
    for problem in problems:
        print(f"PROBLEM {problem}", file=sys.stderr, flush=True)
    text = section(results, big, vers, args.repeat, problems, busy_before, args.zonal_timeout, reads,
                   copies)
    print()
    print(text)
    write_section(args.results, text, START_MARK, END_MARK)
    print(f"\nwritten to {args.results}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--big":
        big_child(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
    elif len(sys.argv) == 4 and sys.argv[1] == "--probe":
        probe(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "--read":
        read_child(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main())
