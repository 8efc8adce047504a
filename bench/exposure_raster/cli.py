"""The raster benchmark's command line: Jakarta, the synthetic sizes, the experiments, the section."""

import argparse
import sys

from harness import cli
from harness.load import wait_idle
from harness.memory import trim_memory
from harness.paths import WORK
from harness.qgis import require_refuge, start_qgis
from harness.report import fmt_n

import exposure_raster
from exposure_raster.config import BIG, JAKARTA_BUILDINGS, JAKARTA_DEPTH, MID_SIZE, SECTION
from exposure_raster.data import make_data
from exposure_raster.experiments import copy_experiment, other_heavy_processes, read_experiment
from exposure_raster.jakarta import jakarta
from exposure_raster.report import section, versions
from exposure_raster.synthetic import synthetic_big, synthetic_mid


def parse(argv):
    parser = argparse.ArgumentParser(prog="bench/exposure_raster",
                                     description=exposure_raster.__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions in the shared process (default 3)")
    parser.add_argument("--mid", type=int, default=MID_SIZE, help=argparse.SUPPRESS)  # for quick tries
    parser.add_argument("--big-size", type=int, default=BIG, help=argparse.SUPPRESS)
    parser.add_argument("--no-big", action="store_true", help=f"skip the {fmt_n(BIG)} buildings step")
    parser.add_argument("--zonal-timeout", type=int, default=1200,
                        help=f"seconds allowed to zonal statistics on {fmt_n(BIG)} buildings (default 1200)")
    parser.add_argument("--sample", type=int, default=2000,
                        help="synthetic buildings checked against GDAL all-touched (default 2000, 0: none)")
    parser.add_argument("--wait-idle", type=int, default=0, metavar="S",
                        help="wait up to S seconds for other processes to leave the machine idle first")
    return cli.parse(parser, argv, WORK / "raster")


def prepare(args):
    """Inputs checked and written, the machine waited for; returns (files, busy processes)."""
    require_refuge()
    for path in (JAKARTA_DEPTH, JAKARTA_BUILDINGS):
        if not path.exists():
            raise SystemExit(f"{path} not found")
    files = make_data(args.work / "data", [args.mid] + ([] if args.no_big else [args.big_size]))
    if args.wait_idle:
        wait_idle(args.wait_idle)
    busy_before = other_heavy_processes()
    for row in busy_before:
        print(f"note: another process is busy: {row}", flush=True)
    return files, busy_before


def run(argv=None):
    args = parse(argv)
    out = args.work / "out"
    out.mkdir(parents=True, exist_ok=True)
    files, busy_before = prepare(args)
    app, plugin = start_qgis(("refuge:exposure", "native:zonalstatisticsfb"))  # noqa: F841 (both must stay alive)
    vers = versions()
    problems = []
    results = [jakarta(out, args.repeat, problems)]
    trim_memory()
    mid = synthetic_mid(files, out, args.mid, args.repeat, args.sample, problems, 0)
    results.append(mid)
    trim_memory()
    print("Refuge's raster read alone, in fresh processes", flush=True)
    reads = read_experiment(files["depth"])
    copies = copy_experiment(files, [args.mid] + ([] if args.no_big else [args.big_size]), out)
    big = None
    if not args.no_big:
        big = synthetic_big(files, args.work, args.big_size, args.zonal_timeout, mid, problems)
    for problem in problems:
        print(f"PROBLEM {problem}", file=sys.stderr, flush=True)
    text = section(results, big, vers, args.repeat, problems, busy_before, args.zonal_timeout, reads, copies)
    SECTION.publish(args.results, text)
    return 1 if problems else 0
