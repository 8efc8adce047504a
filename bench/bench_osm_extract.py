"""Benchmark Refuge's OSM .pbf extraction against the tools a user would otherwise use.

Cases, each run on every input file:

* ``refuge``: the engine, ``refuge.core.osm.extract.extract_pbf`` with all themes,
  in a fresh Python process;
* ``qgis``: the same algorithm end to end through
  ``scripts/qgis_process run refuge:osm_extract_pbf`` (QGIS start-up included;
  start-up alone is measured separately so the table can show the net time);
* ``gdal``: ``ogr2ogr -f GPKG out.gpkg in.pbf``, GDAL's OSM driver with its
  default layers (what QGIS uses when a .pbf is opened, and what QuickOSM's
  file reader relies on);
* ``osmium``: ``osmium tags-filter`` on Refuge's theme keys, then
  ``osmium export`` to GeoJSON text sequence, both steps reported together.

How it measures: every single run goes through a fresh *probe* process (this
script with ``--probe``) that starts the case's command(s) as its children,
times them with ``time.perf_counter`` and then reads
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``. ``ru_maxrss`` is a maximum,
not a sum, so reading it in one long-lived process would let a big earlier
case hide a smaller later one; a fresh probe per run makes each figure that
run's own peak (largest process among the case's commands and their children).

Usage (``bench/run.sh`` passes the input files)::

    PYTHONPATH=build/pythonpath .venv/bin/python bench/bench_osm_extract.py [--repeat N] PBF...

Prints a Markdown section and writes it into bench/RESULTS.md between the
markers of this benchmark, leaving any other section untouched.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import write_section

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
QGIS_PROCESS = ROOT / "scripts" / "qgis_process"
ALGORITHM = "refuge:osm_extract_pbf"
SECTION = "osm_extract_pbf"
START_MARK = f"<!-- {SECTION}:start -->"
END_MARK = f"<!-- {SECTION}:end -->"

# Display order and labels of the cases in the table.
CASES = ("refuge", "qgis", "gdal", "osmium")
LABELS = {
    "refuge": "Refuge engine (`extract_pbf`)",
    "qgis": "Refuge via `qgis_process run`",
    "gdal": "GDAL `ogr2ogr -f GPKG`",
    "osmium": "osmium `tags-filter` + `export`",
}


# --------------------------------------------------------------------------
# Child roles: the probe (measures one run) and the engine runner.
# Both are started as separate processes by the benchmark itself.


def probe(steps_json):
    """Run the given commands one after the other; print time and peak RSS as JSON.

    Only the standard library is imported here, and this process's own memory
    is not part of RUSAGE_CHILDREN, so the probe adds nothing to the figure.
    """
    steps = json.loads(steps_json)
    report = {"ok": True, "stdout": ""}
    start = time.perf_counter()
    for argv in steps:
        proc = subprocess.run(argv, capture_output=True)
        if proc.returncode != 0:
            report = {"ok": False, "error": f"{' '.join(argv)} exited with {proc.returncode}: "
                      + proc.stderr.decode(errors="replace")[-2000:]}
            break
        # Only the last step's output is kept: it is the engine's JSON report or
        # the version text of `qgis_process --version`.
        report["stdout"] = proc.stdout.decode(errors="replace")
    report["seconds"] = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report["peak_kib"] = usage.ru_maxrss  # KiB on Linux
    # CPU time shows what wall time hides: threads (more CPU than wall time)
    # and time spent in the kernel, e.g. to provide freshly allocated memory.
    report["user_seconds"], report["sys_seconds"] = usage.ru_utime, usage.ru_stime
    print(json.dumps(report))


def engine(pbf, output):
    """Run extract_pbf with all themes and report what a table needs as JSON.

    The import is timed apart so the table can show the call alone next to the
    whole process (Python start-up + imports + call), which is what is compared.
    """
    start = time.perf_counter()
    from refuge.core.osm.extract import extract_pbf

    imported = time.perf_counter()
    result = extract_pbf(pbf, output)
    done = time.perf_counter()
    print(json.dumps({
        "import_seconds": imported - start,
        "call_seconds": done - imported,
        "counts": result["counts"],
        "rejects": result["rejects"],
    }))


# --------------------------------------------------------------------------
# The benchmark proper.


def theme_keys():
    """Every tag key Refuge's themes look at: the osmium filter must use the same."""
    from refuge.core.osm.themes import THEMES

    return list(dict.fromkeys(key for theme in THEMES for key in theme.keys))


def case_commands(case, pbf, out):
    """Command lines of one case, and the files to delete before each run."""
    if case == "refuge":
        target = out / "refuge.gpkg"
        return [[sys.executable, str(Path(__file__).resolve()), "--engine", str(pbf), str(target)]], [target]
    if case == "qgis":
        target = out / "refuge-qgis.gpkg"
        return [[str(QGIS_PROCESS), "run", ALGORITHM, "--", f"INPUT={pbf}", f"OUTPUT={target}"]], [target]
    if case == "gdal":
        target = out / "gdal.gpkg"
        return [["ogr2ogr", "-f", "GPKG", str(target), str(pbf)]], [target]
    if case == "osmium":
        filtered, target = out / "osmium-filtered.osm.pbf", out / "osmium.geojsonseq"
        return [
            ["osmium", "tags-filter", "--overwrite", "-o", str(filtered), str(pbf), *theme_keys()],
            ["osmium", "export", "--overwrite", "-f", "geojsonseq", "-o", str(target), str(filtered)],
        ], [filtered, target]
    raise ValueError(case)


def child_env(case):
    """Environment of a case.

    Only the engine needs the `refuge` package on PYTHONPATH. qgis_process must
    load Refuge from its QGIS profile, as a user's QGIS would, so it does not
    get ours (scripts/qgis_process adds the .venv's packages itself).
    """
    env = dict(os.environ)
    if case == "refuge":
        # Made absolute so the engine finds `refuge` whatever the working directory.
        env["PYTHONPATH"] = os.pathsep.join(
            str(Path(p).resolve()) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)
    else:
        env.pop("PYTHONPATH", None)
    return env


def measure(steps, env):
    """One run in a fresh probe process; returns its JSON report."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--probe", json.dumps(steps)],
        capture_output=True, env=env, cwd=ROOT, check=True)
    return json.loads(proc.stdout)


def gpkg_counts(path):
    """Feature count of each feature table of a GeoPackage (plain SQLite, no GDAL)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


def count_features(case, out, stdout):
    """Features produced by a case's run: (count, note)."""
    if case == "refuge":
        report = json.loads(stdout)
        return sum(report["counts"].values()), f"+{report['rejects']} rejects"
    if case == "qgis":
        counts = gpkg_counts(out / "refuge-qgis.gpkg")
        rejects = counts.pop("rejects", 0)
        return sum(counts.values()), f"+{rejects} rejects"
    if case == "gdal":
        counts = gpkg_counts(out / "gdal.gpkg")
        return sum(counts.values()), f"{len(counts)} layers"
    if case == "osmium":
        with open(out / "osmium.geojsonseq", "rb") as lines:
            return sum(1 for line in lines if line.strip()), "GeoJSONSeq lines"
    raise ValueError(case)


def max_node_id(pbf):
    """Largest node ID in the file, which osmium's memory use follows (see the notes)."""
    proc = subprocess.run(["osmium", "fileinfo", "--extended", "--get", "data.maxid.nodes", str(pbf)],
                          capture_output=True, text=True)
    return int(proc.stdout) if proc.returncode == 0 and proc.stdout.strip().isdigit() else None


def remove(paths):
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def run_file(pbf, work, repeat):
    """All cases on one file, `repeat` times, cases interleaved within a repetition
    so that slow drifts of the machine (heat, other load) spread over all of them."""
    out = work / pbf.name.split(".")[0]
    out.mkdir(parents=True, exist_ok=True)
    # Read the file once, untimed, so that whichever case comes first does not
    # pay for bringing it into the page cache.
    pbf.read_bytes()
    runs = {case: [] for case in CASES}
    for rep in range(repeat):
        for case in CASES:
            steps, outputs = case_commands(case, pbf, out)
            remove(outputs)
            report = measure(steps, child_env(case))
            if report["ok"]:
                report["features"], report["note"] = count_features(case, out, report["stdout"])
                if case == "refuge":
                    engine_report = json.loads(report["stdout"])
                    report["call_seconds"] = engine_report["call_seconds"]
                print(f"  {pbf.name} run {rep + 1}/{repeat} {case}: {report['seconds']:.2f} s, "
                      f"{report['peak_kib'] / 1024:.0f} MiB, {report['features']} features", flush=True)
            else:
                print(f"  {pbf.name} run {rep + 1}/{repeat} {case}: FAILED {report['error']}", flush=True)
            runs[case].append(report)
    return runs


def summarize(reports):
    """Median time and the largest peak RSS over a case's runs, or None if any run failed."""
    if not reports or not all(r["ok"] for r in reports):
        return None
    features = {r["features"] for r in reports}
    summary = {
        "seconds": statistics.median(r["seconds"] for r in reports),
        "runs": [r["seconds"] for r in reports],
        "peak_mib": max(r["peak_kib"] for r in reports) / 1024,
        "user_seconds": statistics.median(r["user_seconds"] for r in reports),
        "sys_seconds": statistics.median(r["sys_seconds"] for r in reports),
        # The outputs are deterministic; if they were not, show the range.
        "features": min(features) if len(features) == 1 else f"{min(features)}–{max(features)}",
        "note": reports[-1]["note"],
    }
    if "call_seconds" in reports[0]:
        summary["call_seconds"] = statistics.median(r["call_seconds"] for r in reports)
    return summary


def startup(repeat):
    """qgis_process start-up alone: `--version` (bare binary) and `list`, which
    also loads every Processing provider and Python plugin, as `run` does."""
    env = child_env("qgis")
    result = {}
    for name, argv in (("version", [str(QGIS_PROCESS), "--version"]), ("list", [str(QGIS_PROCESS), "list"])):
        reports = [measure([argv], env) for _ in range(repeat)]
        failed = [r for r in reports if not r["ok"]]
        if failed:
            raise SystemExit(f"qgis_process {name} failed: {failed[0]['error']}")
        result[name] = {
            "seconds": statistics.median(r["seconds"] for r in reports),
            "peak_mib": max(r["peak_kib"] for r in reports) / 1024,
            "stdout": reports[-1]["stdout"],
        }
    return result


def first_line(argv):
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError:
        return "not found"
    return proc.stdout.decode(errors="replace").strip().splitlines()[0]


def versions(qgis_version_text):
    import osmium.version
    import shapely

    osmium_tool = subprocess.run(["osmium", "--version"], stdout=subprocess.PIPE).stdout.decode().splitlines()
    qgis = next((line for line in qgis_version_text.splitlines() if line.startswith("QGIS ")), "QGIS ?")
    refuge_version = next((line.split("=", 1)[1] for line in (ROOT / "metadata.txt").read_text().splitlines()
                           if line.startswith("version=")), "?")
    return {
        "Refuge": refuge_version,
        "QGIS": qgis.split()[1],
        "GDAL (ogr2ogr)": first_line(["ogr2ogr", "--version"]).replace("GDAL ", ""),
        "osmium-tool": " ".join(osmium_tool[0].split()[2:]) + f" ({osmium_tool[1].split()[0]} "
                       f"{osmium_tool[1].split()[-1]})",
        "pyosmium": f"{osmium.version.pyosmium_release} (libosmium {osmium.version.libosmium_version})",
        "shapely": shapely.__version__,
        "Python": platform.python_version(),
    }


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system()) \
        if hasattr(platform, "freedesktop_os_release") else platform.system()
    return f"{os.cpu_count()} cores ({cpu}), {ram_gib:.0f} GiB RAM, {system}"


# --------------------------------------------------------------------------
# Markdown output.


def fmt_count(n):
    return f"{n:,}".replace(",", " ") if isinstance(n, int) else str(n)


def ratio(value, reference):
    return f"{value / reference:.2f}×" if reference else "n/a"


def table(results, start_seconds):
    lines = [
        "| File (size) | Tool | Median time (s) | Runs (s) | Time ÷ Refuge engine | Peak RSS (MiB) "
        "| CPU user / sys (s) | Features out |",
        "|---|---|--:|---|--:|--:|--:|--:|",
    ]
    for pbf, max_id, summaries in results:
        reference = summaries["refuge"]["seconds"] if summaries["refuge"] else None
        first = True
        for case in CASES:
            s = summaries[case]
            cell = ""
            if first:
                ids = f"; node IDs up to {max_id / 1e9:.1f} billion" if max_id else ""
                cell = f"{pbf.name} ({pbf.stat().st_size / 1e6:.1f} MB{ids})"
            first = False
            if s is None:
                lines.append(f"| {cell} | {LABELS[case]} | failed | | | | | |")
                continue
            time_cell, ratio_cell = f"{s['seconds']:.2f}", ratio(s["seconds"], reference)
            if case == "refuge":
                time_cell += f" (call {s['call_seconds']:.2f})"
            if case == "qgis":
                net = s["seconds"] - start_seconds
                time_cell += f" (net {net:.2f})"
                ratio_cell += f" (net {ratio(net, reference)})"
            runs = " / ".join(f"{t:.2f}" for t in s["runs"])
            lines.append(f"| {cell} | {LABELS[case]} | {time_cell} | {runs} | {ratio_cell} "
                         f"| {s['peak_mib']:.0f} | {s['user_seconds']:.2f} / {s['sys_seconds']:.2f} "
                         f"| {fmt_count(s['features'])} ({s['note']}) |")
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


def section(results, start, vers, repeat, keys, skipped):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    version_text = " · ".join(f"{name} {value}" for name, value in vers.items())
    skipped_text = f"\n\nSkipped (file absent): {', '.join(skipped)}." if skipped else ""
    return f"""{START_MARK}
## OSM .pbf extraction: Refuge vs GDAL and osmium-tool

Run on {now} · machine: {machine()}.
Versions: {version_text}.
Written by `bench/bench_osm_extract.py` (`make bench`).

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
  that of the larger step.

{table(results, start['list']['seconds'])}

Time ratios (peer ÷ Refuge engine; above 1 means slower than Refuge):

{ratio_summary(results, start['list']['seconds'])}

Feature counts give the size of each tool's output. The outputs are **not** the same features, so
the counts differ: Refuge keeps only objects of its themes, with one geometry each, and lists the
objects it could not build in a `rejects` layer (counted apart). GDAL converts every tagged object of
the file, whatever its theme. osmium keeps the objects with the theme keys plus what they reference
(way nodes, relation members, which are exported when they carry tags of their own), and by default
exports each closed way twice, as a linestring and as a polygon.

osmium's peak memory follows the largest node ID in the file (first column) rather than the file's
size: to add the nodes of the ways it keeps, `tags-filter` marks their IDs in a bitmap over the ID
range, and much of its time is then system CPU time spent by the kernel providing that memory.
`tags-filter -R` avoids it but leaves ways without their nodes, so no geometries.

Absolute numbers are from one run on this machine.{skipped_text}
{END_MARK}"""


def header():
    return f"""# Refuge benchmarks

Each section below is written by one script in `bench/` (all run by `make bench`) and replaced in place,
between its own markers, when that script runs again; the rest of this file is kept.

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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pbf", nargs="+", type=Path, help="OSM .pbf files (absent ones are skipped)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per case and file (default 3)")
    parser.add_argument("--work", type=Path, default=BENCH / "work" / SECTION, help="scratch folder")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    try:
        keys = theme_keys()
    except ImportError as exc:
        raise SystemExit(f"cannot import refuge ({exc}): run with PYTHONPATH=build/pythonpath") from exc
    for tool in ("ogr2ogr", "osmium"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: bench/run.sh installs it")

    present = [p.resolve() for p in args.pbf if p.is_file()]
    skipped = [p.name for p in args.pbf if not p.is_file()]
    for name in skipped:
        print(f"skipping {name}: file not found", file=sys.stderr)
    if not present:
        raise SystemExit("no input file found")

    print(f"qgis_process start-up, {args.repeat} runs each", flush=True)
    start = startup(args.repeat)
    results = []
    for pbf in present:
        print(f"{pbf.name} ({pbf.stat().st_size / 1e6:.1f} MB)", flush=True)
        runs = run_file(pbf, args.work, args.repeat)
        summaries = {case: summarize(reports) for case, reports in runs.items()}
        results.append((pbf, max_node_id(pbf), summaries))

    text = section(results, start, versions(start["version"]["stdout"]), args.repeat, keys, skipped)
    print()
    print(text)
    write_section(args.results, text, START_MARK, END_MARK, new_file=header())
    print(f"\nwritten to {args.results}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        probe(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "--engine":
        engine(sys.argv[2], sys.argv[3])
    else:
        main()
