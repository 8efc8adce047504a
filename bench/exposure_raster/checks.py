"""Measured runs in the shared QGIS process, and the checks of Refuge against the others."""

import math
import statistics

from harness.load import DISTURBED_CORES, Measure

from exposure_raster.cases import class_counts, classify_depths, run_algorithm, same_depth


def timed_runs(case, depth, buildings, out, tag, repeat, max_extra):
    """``repeat`` measured runs of a case; a run disturbed by other processes is redone
    (at most ``max_extra`` times in all). Returns (records, parameters of the last run)."""
    records, extra = [], 0
    while len(records) < repeat:
        with Measure() as measure:
            parameters = run_algorithm(case, depth, buildings, out, tag)
        record = measure.record()
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

