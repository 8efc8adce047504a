"""1,000,000 buildings: Refuge and the floor, each in a fresh process of its own.

The child (``bench/exposure --big CASE SIZE OUT``) runs one case and reports its own
``ru_maxrss``: the peak of that whole process.
"""

import json
import subprocess
import time

from harness.load import OtherLoad
from harness.memory import max_rss_kib, rss_kib
from harness.processes import bench_command, child_env
from harness.qgis import start_qgis
from harness.report import fmt_mib, fmt_n

from exposure.config import BIG
from exposure.data import class_counts, make_data
from exposure.floor import run_floor
from exposure.qgis_cases import check_refuge_outputs, run_refuge
from exposure.timers import PhaseTimers


def big_child(case, size, out):
    """Run one case in this fresh process and print its report (peak: the whole process)."""
    data = make_data(out.parent / "data", [size])
    report = {"case": case, "size": size}
    if case == "floor":
        started = time.perf_counter()
        per_building, timings = run_floor(data, size)
        report.update(timings, seconds=time.perf_counter() - started)
        report["baseline_kib"] = 0
    elif case == "refuge":
        app, plugin = start_qgis(("refuge:exposure",))  # noqa: F841 (kept alive)
        timers = PhaseTimers()
        timers.install()
        report["baseline_kib"] = rss_kib()
        started = time.perf_counter()
        _, parameters = run_refuge(data, size, out)
        report["seconds"] = time.perf_counter() - started
        report["peak_before_check_kib"] = max_rss_kib()
        report["phases"] = timers.take()
        per_building, json_counts, unit_totals = check_refuge_outputs(parameters, size)
        report["json_counts"] = json_counts
        report["unit_totals"] = unit_totals
    else:
        raise ValueError(case)
    report["peak_kib"] = report.get("peak_before_check_kib", max_rss_kib())
    import numpy as np

    np.save(out / f"big_{case}_{size}.npy", per_building)
    print(json.dumps(report))


def run_big(case, size, out, timeout):
    import numpy as np

    started = time.perf_counter()
    load = OtherLoad().start()
    try:
        proc = subprocess.run(bench_command("exposure", "--big", case, size, out), capture_output=True,
                              text=True, env=child_env(), timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, {"error": f"did not finish within {timeout} s"}
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        return None, {"error": f"exited with {proc.returncode}: {proc.stderr.strip()[-1500:]}"}
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    report["process_seconds"] = wall
    report["other_cores"] = load.cores()
    return np.load(out / f"big_{case}_{size}.npy"), report



def big_step(out, timeout, problems, phases):
    """The floor, then Refuge, on BIG buildings in their own processes; returns their reports and
    adds to ``problems`` and ``phases`` (Refuge's, at BIG)."""
    per_building, big = {}, {}
    for case in ("floor", "refuge"):
        print(f"{fmt_n(BIG)} buildings, {case} in its own process", flush=True)
        array, report = run_big(case, BIG, out, timeout)
        if array is not None:
            report["counts"] = class_counts(array)
            per_building[case] = array
            print(f"  {case}: {report.get('seconds', report.get('compute_seconds')):.2f} s, "
                  f"peak {fmt_mib(report['peak_kib'], grouped=False)} MiB", flush=True)
        else:
            print(f"  {case}: FAILED {report['error']}", flush=True)
        big[case] = report
    if "floor" in per_building and "refuge" in per_building:
        problems += big_problems(per_building, big["refuge"])
    if "phases" in big.get("refuge", {}):
        phases[BIG] = (big["refuge"]["seconds"], [(tuple(p), t) for p, t in big["refuge"]["phases"]])
    if "refuge" in big and "error" in big["refuge"]:
        problems.append(f"{BIG}: refuge: failed: {big['refuge']['error']}")
    return big


def big_problems(per_building, refuge_report):
    """Refuge against the floor, building by building, and against its own SUMMARY_JSON."""
    import numpy as np

    problems = []
    differ = np.flatnonzero(per_building["floor"] != per_building["refuge"])
    if len(differ):
        problems.append(f"{BIG}: refuge: {len(differ)} buildings differ from the floor "
                        f"(first bids {differ[:10].tolist()})")
    json_counts = {int(c): int(round(v)) for c, v in refuge_report["json_counts"].items()}
    if json_counts != refuge_report["counts"]:
        problems.append(f"{BIG}: refuge: SUMMARY_JSON counts {json_counts} differ from its buildings "
                        f"output {refuge_report['counts']}")
    return problems
