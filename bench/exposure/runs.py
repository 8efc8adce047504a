"""One size of the exposure benchmark: every case in turn, repeated, summarized and checked."""

import statistics
import sys

from harness.load import Measure
from harness.memory import trim_memory
from harness.report import fmt_mib, fmt_n

from exposure.config import GRID, PROFILE_SIZE, REFUGE_CASES, cases_for
from exposure.data import class_counts
from exposure.floor import run_floor
from exposure.geopandas_case import run_geopandas
from exposure.qgis_cases import (
    aggregate_per_building,
    check_refuge_memory_outputs,
    check_refuge_outputs,
    run_aggregate,
    run_native,
    run_refuge,
    run_summary,
    summary_per_building,
)


def execute(case, files, size, out):
    """Run one case (the measured part); returns what it produced, read back afterwards."""
    if case in REFUGE_CASES:
        return run_refuge(files, size, out, memory=case == "refuge_memory")
    if case == "floor":
        return run_floor(files, size)
    if case == "native":
        return run_native(files, size)
    if case == "summary":
        return run_summary(files, size)
    if case == "aggregate":
        return run_aggregate(files, size)
    if case == "geopandas":
        return run_geopandas(files, size, out)
    raise ValueError(case)


def read_back(case, produced, size, record, measure):
    """Per-building classes of a finished case (not timed), and its details into ``record``."""
    if case in REFUGE_CASES:
        results, parameters = produced
        if case == "refuge":
            per_building, record["json_counts"], record["unit_totals"] = check_refuge_outputs(
                parameters, size)
        else:
            per_building, record["json_counts"], record["unit_totals"] = check_refuge_memory_outputs(
                results, parameters, size)
        return per_building
    if case == "floor":
        per_building, timings = produced
        record.update(timings)
        record["seconds"] = timings["compute_seconds"]  # loading is shown apart
        return per_building
    if case == "native":
        per_building, record["steps"], record["seconds"], details = produced
        record.update(details)  # reading the tables back is not timed
        return per_building
    if case == "summary":
        return summary_per_building(produced, size)
    if case == "aggregate":
        layer, record["steps"] = produced
        return aggregate_per_building(layer, size)
    per_building, report = produced  # geopandas
    # The peak is the child's own; the time includes its start-up and imports.
    record["peak_kib"], record["start_kib"], record["peak_exact"] = report["peak_kib"], 0, True
    record["child"] = report
    record["seconds"] = report["compute_seconds"]  # sjoin + groupby; the rest is shown apart
    record["process_seconds"] = measure.seconds
    return per_building


def run_case(case, files, size, out):
    """Run one case once; returns a record (seconds, peak, per-building, details)."""
    with Measure() as measure:
        produced = execute(case, files, size, out)
    record = {"ok": True, "seconds": measure.seconds, "peak_kib": measure.peak_kib,
              "start_kib": measure.start_kib, "peak_exact": measure.exact,
              "other_cores": measure.other_cores}
    per_building = read_back(case, produced, size, record, measure)
    del produced
    record["per_building"] = per_building
    record["counts"] = class_counts(per_building)
    return record


def summarize(records):
    """Median time over repetitions, largest peak; per-building result of the last run."""
    last = records[-1]
    summary = {k: v for k, v in last.items() if k not in ("seconds", "peak_kib")}
    summary["seconds"] = statistics.median(r["seconds"] for r in records)
    summary["runs"] = [r["seconds"] for r in records]
    summary["peak_kib"] = max(r["peak_kib"] for r in records)
    summary["start_kib"] = min(r["start_kib"] for r in records)
    summary["other_cores"] = max(r["other_cores"] for r in records)
    for key in ("load_seconds", "compute_seconds", "process_seconds"):
        if key in last:
            summary[key] = statistics.median(r[key] for r in records)
    if "child" in last:
        for key in ("read_seconds", "sjoin_seconds", "groupby_seconds", "compute_seconds",
                    "read_compute_seconds", "import_seconds"):
            summary[key] = statistics.median(r["child"][key] for r in records)
    if "steps" in last:
        summary["steps"] = {k: statistics.median(r["steps"][k] for r in records) for k in last["steps"]}
    # Every repetition must give the same answer.
    summary["stable"] = all((r["per_building"] == last["per_building"]).all() for r in records)
    return summary


def compare_with_floor(size, summaries):
    """Problems found when comparing every case with the floor, building by building."""
    import numpy as np

    problems = []
    reference = summaries["floor"]["per_building"]
    for case, summary in summaries.items():
        if not summary["stable"]:
            problems.append(f"{size}: {case} gave different results across repetitions")
        if case == "floor":
            continue
        per_building = summary["per_building"]
        if (per_building < 0).any():
            problems.append(f"{size}: {case} is missing {(per_building < 0).sum()} buildings")
        differ = np.flatnonzero(per_building != reference)
        if summary["counts"] != summaries["floor"]["counts"] or len(differ):
            problems.append(f"{size}: {case} counts {summary['counts']} vs floor "
                            f"{summaries['floor']['counts']}; "
                            f"{len(differ)} buildings differ (first bids {differ[:10].tolist()})")
    return problems


def compare_totals(size, summaries):
    """Problems in Refuge's own totals (SUMMARY_JSON, UNITS_OUTPUT) and in the native chain's."""
    problems = []
    for case in REFUGE_CASES:
        refuge = summaries.get(case)
        if not refuge:
            continue
        json_counts = {code: int(round(value)) for code, value in refuge["json_counts"].items()}
        if json_counts != refuge["counts"]:
            problems.append(f"{size}: {case} SUMMARY_JSON counts {json_counts} differ from its buildings "
                            f"output {refuge['counts']}")
        unit = refuge["unit_totals"]
        unit_counts = {code: int(round(value)) for code, value in unit["by_class"].items()}
        if unit["units"] != GRID * GRID or unit_counts != refuge["counts"]:
            problems.append(f"{size}: {case} UNITS_OUTPUT ({unit['units']} units) sums to {unit_counts}, "
                            f"not {refuge['counts']}")
    native = summaries.get("native")
    if native and native["table_counts"] != native["counts"]:
        problems.append(f"{size}: the native chain's count table {native['table_counts']} differs from its "
                        f"max-per-building table {native['counts']}")
    return problems


def counts_cell(counts):
    return " / ".join(fmt_n(counts[c]) for c in range(4))


def run_size(size, files, out, repeat, timers, use_geopandas):
    """Every case at one size, ``repeat`` times, interleaved; returns (summaries, problems, phases
    of Refuge's run of median time or None)."""
    cases = [c for c in cases_for(size) if c != "geopandas" or use_geopandas]
    records = {case: [] for case in cases}
    refuge_phases = []
    for rep in range(repeat):
        for case in cases:
            timers.take()
            record = run_case(case, files, size, out)
            if case == "refuge":
                refuge_phases.append((record["seconds"], timers.take()))
            records[case].append(record)
            print(f"  {fmt_n(size)} run {rep + 1}/{repeat} {case}: {record['seconds']:.2f} s, "
                  f"peak {fmt_mib(record['peak_kib'], grouped=False)} MiB, "
                  f"counts {counts_cell(record['counts'])}", flush=True)
    summaries = {case: summarize(records[case]) for case in cases}
    problems = compare_with_floor(size, summaries) + compare_totals(size, summaries)
    for problem in problems:
        print(f"MISMATCH {problem}", file=sys.stderr, flush=True)
    phases = None
    if size == PROFILE_SIZE and refuge_phases:
        phases = sorted(refuge_phases, key=lambda item: item[0])[len(refuge_phases) // 2]
    return summaries, problems, phases


def run_sizes(sizes, files, out, repeat, timers, use_geopandas):
    """Every size in turn; returns (results, problems, phases, geopandas versions)."""
    results, problems, phases, gpd_versions = [], [], {}, {}
    for size in sizes:
        summaries, size_problems, size_phases = run_size(size, files, out, repeat, timers, use_geopandas)
        if "geopandas" in summaries:
            gpd_versions = summaries["geopandas"]["child"]["versions"]
        problems += size_problems
        results.append((size, summaries, size_problems))
        if size_phases is not None:
            phases[size] = size_phases
        # Free this size's arrays before the next one.
        for summary in summaries.values():
            summary.pop("per_building", None)
        trim_memory()
    return results, problems, phases, gpd_versions
