"""The OSM benchmark's section of bench/RESULTS.md: its table, ratios and method text."""

import platform
import subprocess

from harness.machine import first_line, machine, qgis_version, refuge_version
from harness.report import Section, fmt_n, join_runs, ratio, utc_now, versions_text

from osm_extract.cases import ALGORITHM, CASES, LABELS

SECTION = Section("osm_extract_pbf")


def versions(qgis_version_text):
    import osmium.version
    import shapely

    osmium_tool = subprocess.run(["osmium", "--version"], stdout=subprocess.PIPE).stdout.decode().splitlines()
    return {
        "Refuge": refuge_version(),
        "QGIS": qgis_version(qgis_version_text),
        "GDAL (ogr2ogr)": first_line(["ogr2ogr", "--version"]).replace("GDAL ", ""),
        "osmium-tool": " ".join(osmium_tool[0].split()[2:]) + f" ({osmium_tool[1].split()[0]} "
                       f"{osmium_tool[1].split()[-1]})",
        "pyosmium": f"{osmium.version.pyosmium_release} (libosmium {osmium.version.libosmium_version})",
        "shapely": shapely.__version__,
        "Python": platform.python_version(),
    }


def fmt_count(n):
    return fmt_n(n) if isinstance(n, int) else str(n)


def case_row(case, cell, s, reference, start_seconds):
    """One row of the table: a case on one file."""
    if s is None:
        return f"| {cell} | {LABELS[case]} | failed | | | | | |"
    time_cell, ratio_cell = f"{s['seconds']:.2f}", ratio(s["seconds"], reference)
    if case == "refuge":
        time_cell += f" (call {s['call_seconds']:.2f})"
    if case == "qgis":
        net = s["seconds"] - start_seconds
        time_cell += f" (net {net:.2f})"
        ratio_cell += f" (net {ratio(net, reference)})"
    return (f"| {cell} | {LABELS[case]} | {time_cell} | {join_runs(s['runs'])} | {ratio_cell} "
            f"| {s['peak_mib']:.0f} | {s['user_seconds']:.2f} / {s['sys_seconds']:.2f} "
            f"| {fmt_count(s['features'])} ({s['note']}) |")


def table(results, start_seconds):
    lines = [
        "| File (size) | Tool | Median time (s) | Runs (s) | Time ÷ Refuge engine | Peak RSS (MiB) "
        "| CPU user / sys (s) | Features out |",
        "|---|---|--:|---|--:|--:|--:|--:|",
    ]
    for pbf, max_id, summaries in results:
        reference = summaries["refuge"]["seconds"] if summaries["refuge"] else None
        for position, case in enumerate(CASES):
            cell = ""
            if position == 0:
                ids = f"; node IDs up to {max_id / 1e9:.1f} billion" if max_id else ""
                cell = f"{pbf.name} ({pbf.stat().st_size / 1e6:.1f} MB{ids})"
            lines.append(case_row(case, cell, summaries[case], reference, start_seconds))
    return "\n".join(lines)


def ratio_summary(results, start_seconds):
    """One line per peer: range of its time ratio to the engine across files."""
    lines = []
    for case in ("gdal", "osmium", "qgis"):
        values, nets = [], []
        for _, _, summaries in results:
            ref, s = summaries["refuge"], summaries[case]
            if ref and s:
                values.append(s["seconds"] / ref["seconds"])
                nets.append((s["seconds"] - start_seconds) / ref["seconds"])
        if not values:
            continue
        text = f"- {LABELS[case]}: {min(values):.2f}× to {max(values):.2f}× the engine's time"
        if case == "qgis":
            text += f" ({min(nets):.2f}× to {max(nets):.2f}× without QGIS start-up)"
        lines.append(text + f" over {len(values)} files.")
    return "\n".join(lines)


def method(start, repeat, keys):
    """What each row runs, as the section states it."""
    text = f"""
What each row runs (inputs read from the page cache; {repeat} repetitions with the cases interleaved;
median wall time; peak RSS is the largest of the {repeat} runs and CPU time the median, both read with
`getrusage(RUSAGE_CHILDREN)` in a fresh probe process per run):

- **Refuge engine**: `extract_pbf(pbf, gpkg)`, all themes, in a fresh Python process. The time is the
  whole process (interpreter start-up, imports, extraction, writing the GeoPackage), like the
  command-line peers; "call" is `extract_pbf` alone.
- **Refuge via `qgis_process run`**: `scripts/qgis_process run {ALGORITHM} -- INPUT=… OUTPUT=…`,
  QGIS start-up included. "net" subtracts the start-up alone, measured as `qgis_process list`, which
  loads the same providers and plugins as `run`: median {start['list']['seconds']:.2f} s, peak
  {start['list']['peak_mib']:.0f} MiB (bare `qgis_process --version`: {start['version']['seconds']:.2f} s,
  {start['version']['peak_mib']:.0f} MiB).
- **GDAL `ogr2ogr -f GPKG out.gpkg in.pbf`**: GDAL's OSM driver with its default `osmconf.ini` and all five
  default layers (points, lines, multilinestrings, multipolygons, other_relations): what QGIS reads when a
  .pbf is opened, and what QuickOSM's file reader relies on.
- **osmium `tags-filter` + `export`**: `osmium tags-filter in.pbf KEYS -o filtered.osm.pbf` with the keys
  of Refuge's themes as KEYS ({', '.join(keys)}), then
  `osmium export filtered.osm.pbf -f geojsonseq`; the two steps are timed together and the peak is
  that of the larger step."""
    return text[1:]


NOTES = """Feature counts give the size of each tool's output. The outputs are **not** the same features, so
the counts differ: Refuge keeps only objects of its themes, with one geometry each, and lists the
objects it could not build in a `rejects` layer (counted apart). GDAL converts every tagged object of
the file, whatever its theme. osmium keeps the objects with the theme keys plus what they reference
(way nodes, relation members, which are exported when they carry tags of their own), and by default
exports each closed way twice, as a linestring and as a polygon.

osmium's peak memory follows the largest node ID in the file (first column) rather than the file's
size: to add the nodes of the ways it keeps, `tags-filter` marks their IDs in a bitmap over the ID
range, and much of its time is then system CPU time spent by the kernel providing that memory.
`tags-filter -R` avoids it but leaves ways without their nodes, so no geometries."""


def section(results, start, vers, repeat, keys, skipped):
    skipped_text = f"\n\nSkipped (file absent): {', '.join(skipped)}." if skipped else ""
    return f"""{SECTION.start}
## OSM .pbf extraction: Refuge vs GDAL and osmium-tool

Run on {utc_now()} · machine: {machine()}.
Versions: {versions_text(vers)}.
Written by `bench/osm_extract/` (`make bench`).

{method(start, repeat, keys)}

{table(results, start['list']['seconds'])}

Time ratios (peer ÷ Refuge engine; above 1 means slower than Refuge):

{ratio_summary(results, start['list']['seconds'])}

{NOTES}

Absolute numbers are from one run on this machine.{skipped_text}
{SECTION.end}"""


def header():
    return f"""# Refuge benchmarks

Each section below is written by one benchmark package in `bench/` (all run by `make bench`) and replaced
in place, between its own markers, when that benchmark runs again; the rest of this file is kept.

Method common to all sections:

- Machine: the one the benchmark ran on; when this file was created: {machine()}.
  Each section states the machine, date and tool versions of its own run.
- Time: wall-clock time of the measured command(s) (`time.perf_counter()` around the child processes),
  median of several repetitions; CPU time (user / system) from the same `getrusage` call as memory.
- Memory: peak resident set size (RSS) of the measured processes. Each run happens under a fresh probe
  process that reads `resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` once its children have exited:
  the figure is that of the largest process of the run, the probe itself not included.
- The numbers are from one run on this machine: read them as orders of magnitude and ratios, not as
  guarantees; absolute values will differ elsewhere.
"""
