"""Children of the raster benchmark, each in a fresh process started by the probe: one case on the
big buildings (``--big``), and Refuge's raster read alone (``--read``)."""

import json
import time

from harness.memory import max_rss_kib, rss_kib, vm_hwm_kib
from harness.qgis import start_qgis

from exposure_raster.cases import run_algorithm
from exposure_raster.data import make_data

PHASES = (("refuge.core.raster.sampling", "read_raster"), ("refuge.core.raster.sampling", "max_touched"),
          ("refuge.core.io.copies", "copy_source"), ("refuge.core.io.joined", "JoinedWriter._update"),
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

