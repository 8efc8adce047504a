"""Runs of the raster benchmark in fresh processes (each under the probe), and two experiments
that explain Refuge's figures: its raster read alone, and GDAL's GeoPackage copy."""

import os
import subprocess
import time

from harness.data import remove
from harness.load import Measure
from harness.processes import bench_command, last_json, launch
from harness.report import fmt_n

from exposure_raster.cases import refuge_results, zonal_results


def launch_child(argv, timeout=None):
    """Run ``argv`` under a fresh probe; returns (child's JSON report or None, error text, timed out).

    The child's own ``ru_maxrss``, read by the probe as RUSAGE_CHILDREN, is ``ru_maxrss_kib``.
    """
    outer = launch([argv], timeout=timeout)
    if outer.get("timeout"):
        return None, f"did not finish within {timeout} s", True
    if "returncode" not in outer:  # the probe itself failed
        return None, outer["error"], False
    if outer["returncode"] != 0:
        return None, f"exited with {outer['returncode']}: {outer['stderr'].strip()[-1500:]}", False
    report = last_json(outer["stdout"])
    report["ru_maxrss_kib"] = outer["peak_kib"]
    return report, None, False


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


def read_experiment(path):
    """Peak memory of Refuge's raster read with GDAL's default block cache and with 64 MiB."""
    reports = {}
    for cache in (0, 64):
        report, error, _ = launch_child(bench_command("exposure_raster", "--read", path, cache))
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


def run_big(case, size, work, timeout):
    with Measure() as measure:
        report, error, timed_out = launch_child(bench_command("exposure_raster", "--big", case, size, work),
                                                timeout)
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

