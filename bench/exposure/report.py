"""The exposure section of bench/RESULTS.md: versions, the table, targets, phases and notes."""

import platform

from harness.machine import git_revision, refuge_version
from harness.paths import ROOT
from harness.report import fmt_mib, fmt_n, join_runs, mark

from exposure.config import BIG, CASES, LABELS, PROFILE_SIZE, REFUGE_CASES, SECTION
from exposure.method import method_lines
from exposure.profile import phase_table, refuge_dir
from exposure.runs import counts_cell
from exposure.timers import PhaseTimers

NOTES = [
    "Notes:",
    "",
    "- Refuge does more than any peer here: footprint areas, the unit of each building, a summary "
    "table, the JSON, and (first row) three GeoPackages written to disk; the QGIS chains keep their "
    "results in memory layers, the floor and geopandas in memory.",
    "- `qgis:statisticsbycategories` and `qgis:joinbylocationsummary` are Python algorithms in QGIS "
    "3.22; `native:joinattributesbylocation` and `native:aggregate` are C++.",
    "- Cores: Refuge uses both cores of this machine (blocks of 25 000 buildings at 100 000; in each "
    "block the validity checks, hazard queries and representative points in threads, each on its own "
    "slice of the buildings with its own copy of the zones; the GeoPackage writer in a thread of its "
    "own filling one block while the next is computed; GEOS and sqlite work without Python's lock). "
    "The floor, geopandas' `sjoin` and the QGIS chains use one core.",
    "- geopandas uses the GEOS bundled in its shapely wheel, not QGIS's (see versions above).",
    "- The RSS of the shared QGIS process creeps up by about 5–7 MiB per `processing.run`, for Refuge "
    "and for the native chain alike and whatever the number of buildings (checked apart with 5 runs "
    "in a row at 25 000 and 100 000): QGIS keeps something per run, Refuge keeps no features. This is "
    "why the peaks drift upwards from one repetition to the next; the \"+\" rise is the figure to "
    "compare.",
]


def mib(kib):
    return fmt_mib(kib, grouped=False)


def versions():
    import numpy
    import shapely
    from osgeo import gdal
    from qgis.core import Qgis

    folder = refuge_dir()
    where = "" if folder == ROOT else f", from {folder}"
    return {
        "Refuge": f"{refuge_version(folder)} ({git_revision(folder)}{where})",
        "QGIS": Qgis.QGIS_VERSION,
        "GEOS (QGIS)": Qgis.geosVersion(),
        "GDAL": gdal.__version__,
        "shapely": f"{shapely.__version__} (GEOS {'.'.join(map(str, shapely.geos_version))})",
        "numpy": numpy.__version__,
        "Python": platform.python_version(),
    }


def detail_cell(case, s, size, size_problems):
    """What the Detail column says of a case."""
    if case in REFUGE_CASES:
        bad_totals = any(p.startswith(f"{size}: {case} ") and
                         ("SUMMARY_JSON" in p or "UNITS_OUTPUT" in p) for p in size_problems)
        return f"JSON counts and unit totals {'DIFFER' if bad_totals else 'match'}"
    if case == "floor":
        return f"load {s['load_seconds']:.2f} s (not in time)"
    if case in ("native", "aggregate"):
        detail = " + ".join(f"{k} {v:.2f}" for k, v in s["steps"].items())
        if case == "native":
            detail += f"; {fmt_n(s['joined_rows'])} joined rows"
        return detail
    if case == "geopandas":
        return (f"sjoin {s['sjoin_seconds']:.2f} + groupby {s['groupby_seconds']:.2f}; "
                f"read + compute {s['read_compute_seconds']:.2f}; whole subprocess "
                f"{s['process_seconds']:.2f}")
    return ""


def size_rows(size, summaries, size_problems):
    """The table's rows of one size, shared QGIS process."""
    reference = summaries["refuge"]["seconds"]
    lines = []
    for case in (c for c in CASES if c in summaries):
        s = summaries[case]
        bad = [p for p in size_problems if f" {case} " in f" {p} " or p.startswith(f"{size}: {case}")]
        check = "**MISMATCH**" if bad else ("reference" if case == "floor" else "identical")
        memory = f"{mib(s['peak_kib'])}"
        if s["start_kib"]:
            memory += f" (+{mib(s['peak_kib'] - s['start_kib'])})"
        if not s.get("peak_exact", True):
            memory += " ≥"
        lines.append(f"| {fmt_n(size) if not lines else ''} | {LABELS[case]} | {s['seconds']:.2f} | "
                     f"{join_runs(s['runs'])} | "
                     f"{s['seconds'] / reference:.2f}× | {memory} | {s['other_cores']:.2f} "
                     f"| {detail_cell(case, s, size, size_problems)} "
                     f"| {counts_cell(s['counts'])} | {check} |")
    return lines


def big_rows(big, problems):
    """The table's rows of the BIG buildings, each case in a process of its own."""
    reference = big.get("refuge", {}).get("seconds")
    lines = []
    for case in (c for c in ("refuge", "floor") if big.get(c) is not None):
        report = big[case]
        label = f"| {fmt_n(BIG) if not lines else ''} | {LABELS[case]}, in a process of its own |"
        if "error" in report:
            lines.append(f"{label} failed | | | | | {report['error'][:300]} | | **FAILED** |")
            continue
        if case == "refuge":
            seconds = report["seconds"]
            detail = f"whole process {report['process_seconds']:.1f} s (QGIS start-up, data check)"
        else:
            seconds = report["compute_seconds"]
            detail = f"load {report['load_seconds']:.2f} s (not in time)"
        ratio = f"{seconds / reference:.2f}×" if reference else ""
        bad = [p for p in problems if p.startswith(f"{BIG}: {case}")]
        check = "**MISMATCH**" if bad else ("reference" if case == "floor" else "identical")
        lines.append(f"{label} {seconds:.2f} | 1 run | {ratio} | {mib(report['peak_kib'])} "
                     f"| {report['other_cores']:.2f} | {detail} | {counts_cell(report['counts'])} "
                     f"| {check} |")
    return lines


def speed_targets(summaries, phases):
    """The targets at PROFILE_SIZE: ratios to the QGIS chains, compute step against the floor."""
    lines = []
    refuge = summaries["refuge"]["seconds"]
    for case, factor in (("native", 10), ("summary", 50)):
        if case in summaries:
            peer = summaries[case]["seconds"]
            ratio = peer / refuge
            lines.append(f"- {fmt_n(PROFILE_SIZE)} buildings, whole `refuge:exposure` at least {factor}× "
                         f"faster than {LABELS[case]}: {ratio:.1f}× ({peer:.2f} s ÷ "
                         f"{refuge:.2f} s) {mark(ratio >= factor)}")
    compute = None
    if PROFILE_SIZE in phases:
        compute = sum(t for p, t in phases[PROFILE_SIZE][1]
                      if p[-1].startswith("buildings in blocks") and p[0] != PhaseTimers.OTHER_THREADS)
    if compute and "floor" in summaries:
        floor = summaries["floor"]["seconds"]
        lines.append(f"- its compute step (the buildings' blocks: repair, classes, areas, units; the "
                     f"run of median time) within 1.5× of the bare STRtree floor's compute: "
                     f"{compute:.2f} s = {compute / floor:.2f}× the floor's {floor:.2f} s "
                     f"{mark(compute <= 1.5 * floor)}")
    return lines


def targets(results, big, phases):
    """Markdown lines checking the issue's targets on this run."""
    lines = ["**Targets** (issue 10), on this run:", ""]
    by_size = {size: summaries for size, summaries, _ in results}
    summaries = by_size.get(PROFILE_SIZE)
    if summaries and "refuge" in summaries:
        lines += speed_targets(summaries, phases)
    report = big.get("refuge")
    if report and "error" not in report:
        gigabytes = report["peak_kib"] * 1024 / 1e9
        lines.append(f"- {fmt_n(BIG)} buildings end to end under 15 s and under 2 GB: "
                     f"{report['seconds']:.2f} s {mark(report['seconds'] < 15)}, peak {gigabytes:.2f} GB "
                     f"({mib(report['peak_kib'])} MiB, the whole QGIS process) {mark(gigabytes < 2)}")
    lines.append("")
    return lines


def profile_lines(phases, profile_rows):
    """The phase table and the cProfile table, when they were measured."""
    lines = []
    if phases:
        lines += ["### Where Refuge's time goes", "",
                  "Wall time inside Refuge's functions during a timed run (the run of median time at "
                  f"{fmt_n(PROFILE_SIZE)}; the {fmt_n(BIG)} run in its own process), measured by wrapping "
                  "them in memory from the benchmark (nothing changed on disk); a ↳ row is inside the "
                  "nearest row above it with less indentation.", ""]
        lines += phase_table(phases)
        lines.append("")
    if profile_rows:
        lines += [f"cProfile of one more run on {fmt_n(PROFILE_SIZE)} buildings (separate from the timed "
                  "runs, without the timing wrappers; profiling slows Python code down), top 20 entries by "
                  "cumulative time (the first four are QGIS's Processing plumbing around the algorithm; "
                  "calls into C++, such as the feature iterator or `addFeatures`, count as the caller's "
                  "own time unless they are listed):", "",
                  "| Function | Calls | Own time (s) | Cumulative (s) |", "|---|--:|--:|--:|"]
        for cumulative, own, calls, where in profile_rows:
            lines.append(f"| {where} | {fmt_n(calls)} | {own:.2f} | {cumulative:.2f} |")
        lines.append("")
    return lines


def section(run, vers, repeat, load_start):
    """The whole section; ``run``: results, big, problems, phases, profile_rows, gpd_versions."""
    lines = method_lines(vers, run["gpd_versions"], repeat, load_start)
    for size, summaries, size_problems in run["results"]:
        lines += size_rows(size, summaries, size_problems)
    lines += big_rows(run["big"], run["problems"])
    lines += [
        "",
        "Time ratios are peer ÷ Refuge (above 1: slower than Refuge). For the floor the ratio uses its "
        "compute time only.",
        "",
    ]
    lines += targets(run["results"], run["big"], run["phases"])
    if run["problems"]:
        lines += ["**Check FAILED**:", ""] + [f"- {p}" for p in run["problems"]] + [""]
    else:
        lines += ["**Check passed**: every tool gives every building the same class, at every size.", ""]
    lines += profile_lines(run["phases"], run["profile_rows"])
    lines += NOTES
    lines.append(SECTION.end)
    return "\n".join(lines)
