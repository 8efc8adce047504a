"""Where Refuge's time goes: the phase table (timing wrappers) and one cProfile run."""

import contextlib
from pathlib import Path

from harness.paths import ROOT
from harness.report import fmt_n

from exposure.qgis_cases import run_refuge
from exposure.timers import PhaseTimers


def refuge_dir():
    """Folder of the Refuge package under test (what PYTHONPATH makes `import refuge` find)."""
    import refuge

    return Path(refuge.__file__).resolve().parent


def top_cumulative(profile, count):
    import pstats

    stats = pstats.Stats(profile)
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():
        if filename == "~":
            where = function
        else:
            path, where = Path(filename).resolve(), None
            for base in (refuge_dir(), ROOT):
                with contextlib.suppress(ValueError):
                    where = where or f"{path.relative_to(base)}:{line} `{function}`"
            where = where or f"{'/'.join(path.parts[-2:])}:{line} `{function}`"
        rows.append((cumulative, own, calls, where))
    rows.sort(reverse=True)
    return rows[:count], stats


def phase_rows(total, timed):
    """Rows (key, indented label, seconds) of the phase table of one Refuge run.

    After each row that has rows inside it comes a "rest" row: its time spent
    outside them (its own code, the functions not wrapped, freeing memory).
    """
    def indent(depth):
        return "" if depth == 0 else "\u2003" * (depth - 1) + "↳ "

    other = PhaseTimers.OTHER_THREADS
    rows, later = [], []
    for path, seconds in timed:
        target = later if path[0] == other else rows
        target.append((path, indent(len(path) - 1) + path[-1], seconds))
        children = [s for p, s in timed if len(p) == len(path) + 1 and p[:len(path)] == path]
        if children and path != (other,):
            target.append((path + ("rest",), indent(len(path)) + "rest of the row above (its own code, "
                           "unwrapped calls)", seconds - sum(children)))
    top = sum(seconds for path, seconds in timed if len(path) == 1 and path[0] != other)
    rows.append((("qgis",), "QGIS around it (parameters, opening sources, closing the GeoPackage sinks)",
                 total - top))
    return rows + later


def phase_table(phases):
    """Markdown rows of the phase table, one pair of columns per size."""
    sizes = sorted(phases)
    labels, values = {}, {}
    for size in sizes:
        total, timed = phases[size]
        for key, label, seconds in phase_rows(total, timed):
            labels.setdefault(key, label)
            values[key, size] = seconds
    lines = ["| Part | " + " | ".join(f"{fmt_n(size)}: s | share" for size in sizes) + " |",
             "|---|" + "--:|--:|" * len(sizes)]
    for key, label in labels.items():
        cells = []
        for size in sizes:
            seconds = values.get((key, size))
            share = None if seconds is None else 100 * seconds / phases[size][0]
            cells.append("| " if seconds is None else f"{seconds:.2f} | {share:.0f} %")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| **`processing.run('refuge:exposure')`** | " + " | ".join(
        f"**{phases[size][0]:.2f}** | 100 %" for size in sizes) + " |")
    return lines


def profile_run(files, size, out, work, timers):
    """One more run of Refuge under cProfile, without the timing wrappers; returns the top 20
    entries by cumulative time, and writes the top 60 to ``work``/exposure_profile.txt."""
    import cProfile

    print(f"cProfile run on {fmt_n(size)} buildings", flush=True)
    profile = cProfile.Profile()
    timers.uninstall()  # profile Refuge as it is, without the timing wrappers
    run_refuge(files, size, out, profile=profile)
    rows, stats = top_cumulative(profile, 20)
    with open(work / "exposure_profile.txt", "w") as handle:
        stats.stream = handle
        stats.sort_stats("cumulative").print_stats(60)
    return rows
