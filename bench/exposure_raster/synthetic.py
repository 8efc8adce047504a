"""Synthetic data: the mid size in the shared QGIS process (with a GDAL sample), and the big size
with each tool in a fresh process."""

import time

from harness.load import DISTURBED_CORES
from harness.memory import trim_memory
from harness.report import fmt_n

from exposure_raster.cases import refuge_results, same_depth, zonal_results
from exposure_raster.checks import (
    check_refuge,
    classify_disagreements,
    compare_refuge_zonal,
    pixel_centres_inside,
    summarize,
    timed_runs,
)
from exposure_raster.config import RASTER_SIZE, SEED
from exposure_raster.data import building_geometries
from exposure_raster.experiments import run_big
from exposure_raster.reference import GdalReference


def mid_runs(files, out, size, repeat):
    """Refuge and zonal statistics, interleaved; returns (records, parameters of the last runs)."""
    records = {"refuge": [], "zonal": []}
    params = {}
    for _ in range(repeat):
        for case in ("refuge", "zonal"):
            runs, params[case] = timed_runs(case, files["depth"], files[size], out, str(size), 1, 2)
            records[case] += runs
            trim_memory()
    return records, params


def gdal_sample(files, size, depth, sample, seed, problems):
    """Refuge against GDAL all-touched (and the geometric rule) on a seeded sample of buildings."""
    import numpy as np
    import shapely

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
    report = {"n": len(bids), "agree": len(bids) - len(details), "seconds": seconds,
              "details": details, "geometric_agree": geometric_agree}
    classify_disagreements(f"{fmt_n(size)} buildings (sample)", details, problems)
    print(f"  GDAL all-touched on {len(bids)} sampled buildings: {report['agree']} agree "
          f"({seconds:.1f} s)", flush=True)
    return report


def synthetic_mid(files, out, size, repeat, sample, problems, seed):
    """Synthetic raster, ``size`` buildings, both tools in this process, + a GDAL sample."""
    print(f"Synthetic: {fmt_n(size)} buildings", flush=True)
    records, params = mid_runs(files, out, size, repeat)
    depth, codes, json_counts, _ = refuge_results(params["refuge"], size)
    zonal_depth, _ = zonal_results(params["zonal"], size)
    counts = check_refuge(f"{fmt_n(size)} buildings", depth, codes, json_counts, problems)
    versus = compare_refuge_zonal(depth, zonal_depth)
    if versus["zonal_higher"]:
        problems.append(f"{fmt_n(size)} buildings: zonal statistics found a higher max than Refuge for "
                        f"{versus['zonal_higher']} buildings (bids {versus['first_higher']}): Refuge misses "
                        "pixels a footprint touches")
    sample_report = gdal_sample(files, size, depth, sample, seed, problems) if sample else None
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


def big_runs(files, work, size, timeout, problems):
    """Each tool in a fresh process; a disturbed run is redone (three attempts in all)."""
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
    return arrays, reports


def big_checks(result, arrays, mid, problems):
    """Refuge's own totals, the first buildings against the mid run, and zonal against Refuge."""
    size = result["size"]
    depth = arrays["refuge"]["depth"]
    result["counts"] = check_refuge(f"{fmt_n(size)} buildings", depth, arrays["refuge"]["class"],
                                    result["reports"]["refuge"]["json_counts"], problems)
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


def synthetic_big(files, work, size, timeout, mid, problems):
    print(f"Synthetic: {fmt_n(size)} buildings, each case in its own process", flush=True)
    arrays, reports = big_runs(files, work, size, timeout, problems)
    result = {"name": f"Synthetic, {fmt_n(size)} buildings", "size": size, "reports": reports,
              "counts": None, "versus": None}
    if arrays["refuge"] is not None:
        big_checks(result, arrays, mid, problems)
    if arrays["zonal"] is None and mid is not None and reports["zonal"].get("timeout"):
        result["zonal_extrapolated"] = mid["summaries"]["zonal"]["seconds"] * size / mid["size"]
        result["extrapolated_from"] = mid["size"]
    return result
