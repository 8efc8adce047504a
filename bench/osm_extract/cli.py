"""The OSM benchmark's command line: every case on every file, then its RESULTS.md section."""

import argparse
import shutil
import sys
from pathlib import Path

from harness import cli
from harness.paths import WORK
from harness.qgis import startup

import osm_extract
from osm_extract.cases import max_node_id, run_file, summarize, theme_keys
from osm_extract.report import SECTION, header, section, versions


def parse(argv):
    parser = argparse.ArgumentParser(prog="bench/osm_extract",
                                     description=osm_extract.__doc__.split("\n\n")[0])
    parser.add_argument("pbf", nargs="+", type=Path, help="OSM .pbf files (absent ones are skipped)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per case and file (default 3)")
    return cli.parse(parser, argv, WORK / SECTION.name, check_repeat=True)


def check_tools():
    """Refuge's theme keys (importing refuge), and the peers' binaries."""
    try:
        keys = theme_keys()
    except ImportError as exc:
        raise SystemExit(f"cannot import refuge ({exc}): run with PYTHONPATH=build/pythonpath") from exc
    for tool in ("ogr2ogr", "osmium"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: bench/run.sh installs it")
    return keys


def run(argv=None):
    args = parse(argv)
    keys = check_tools()
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
    SECTION.publish(args.results, text, new_file=header())
