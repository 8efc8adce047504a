"""Where Refuge's time goes: ``processing.run`` under cProfile in a QGIS process of its own
(``bench/evacuation --profile``), and ``read_pbf`` alone (``--read-pbf``)."""

import json
import os
import time

from harness.data import remove
from harness.paths import ROOT
from harness.processes import bench_command, last_json, launch
from harness.qgis import start_qgis
from harness.report import fmt_n

from evacuation.config import ALGORITHM, PBF


def remove_outputs(parameters):
    for name, value in parameters.items():
        if name.endswith("_OUTPUT") or name in ("REJECTS", "SUMMARY_JSON"):
            remove(value)


def profile_entries(profiler, top):
    """The ``top`` entries of a profile by cumulative time and by own time, paths shortened."""
    import pstats

    stats = pstats.Stats(profiler)
    root = str(ROOT) + os.sep
    entries = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():
        name = filename.replace(root, "")
        name = name.split("site-packages/")[-1].split("/usr/share/qgis/python/")[-1]
        label = f"{name}:{line} `{function}`" if line else f"`{function}`"
        entries.append({"function": label, "calls": calls, "own": own, "cumulative": cumulative})
    entries.sort(key=lambda e: -e["cumulative"])
    return entries[:top], sorted(entries, key=lambda e: -e["own"])[:top]


def profile_child(parameters_json, top, plain_run):
    """``processing.run(ALGORITHM)`` in this QGIS process, once plain (if ``plain_run``) and once under
    cProfile; prints both wall times and the ``top`` entries by cumulative time as JSON."""
    import cProfile

    app = start_qgis()  # noqa: F841 (kept alive)
    import processing  # noqa: I001
    import refuge

    plugin = refuge.classFactory(None)
    plugin.initProcessing()
    parameters = json.loads(parameters_json)
    remove_outputs(parameters)
    plain = None
    if plain_run:
        started = time.perf_counter()
        processing.run(ALGORITHM, parameters)
        plain = time.perf_counter() - started
        remove_outputs(parameters)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(processing.run, ALGORITHM, parameters)
    profiled = time.perf_counter() - started
    entries, by_own = profile_entries(profiler, top)
    print(json.dumps({"plain": plain, "profiled": profiled, "entries": entries, "by_own": by_own}))


def read_pbf_child():
    """``read_pbf`` of the roads group alone, in this fresh process; prints JSON."""
    started = time.perf_counter()
    from refuge.core.osm.extract import read_pbf

    imported = time.perf_counter()
    result = read_pbf(PBF, groups=["roads"])
    done = time.perf_counter()
    print(json.dumps({"import_seconds": imported - started, "call_seconds": done - imported,
                      "roads": len(result.layers["roads"])}))


def run_profile(parameters, plain, timeout=None):
    argv = bench_command("evacuation", "--profile", json.dumps(parameters), 60, "1" if plain else "0")
    report = launch([argv], timeout=timeout)
    return last_json(report["stdout"]) if report["ok"] else {"error": report["error"]}


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

