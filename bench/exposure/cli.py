"""The exposure benchmark's command line: every size, the profile, the 1,000,000 step, the section."""

import argparse
import sys

from harness import cli
from harness.load import wait_idle
from harness.machine import load_average
from harness.paths import WORK
from harness.qgis import require_refuge, start_qgis
from harness.report import fmt_n

import exposure
from exposure.big import big_step
from exposure.config import BIG, PROFILE_SIZE, SECTION, SIZES
from exposure.data import make_data
from exposure.geopandas_case import ensure_geopandas_venv
from exposure.profile import profile_run
from exposure.report import section, versions
from exposure.runs import run_sizes
from exposure.timers import PhaseTimers


def parse(argv):
    parser = argparse.ArgumentParser(prog="bench/exposure", description=exposure.__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per size (default 3)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="building counts, comma-separated")
    parser.add_argument("--no-big", action="store_true", help=f"skip the {fmt_n(BIG)} buildings step")
    parser.add_argument("--no-geopandas", action="store_true", help="skip the geopandas case")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run")
    parser.add_argument("--big-timeout", type=int, default=3600, help="seconds allowed per 1M case")
    parser.add_argument("--wait-idle", type=int, default=0, metavar="SECONDS",
                        help="first wait up to SECONDS for other processes to leave the CPU idle")
    return cli.parse(parser, argv, WORK / SECTION.name)


def geopandas_wanted(args):
    use_geopandas = not args.no_geopandas and ensure_geopandas_venv()
    if not args.no_geopandas and not use_geopandas:
        print("geopandas venv could not be created: the geopandas case is skipped", file=sys.stderr)
    return use_geopandas


def run(argv=None):
    load_start = load_average()
    args = parse(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    out = args.work / "out"
    out.mkdir(parents=True, exist_ok=True)
    require_refuge()
    use_geopandas = geopandas_wanted(args)
    files = make_data(args.work / "data", sizes + ([] if args.no_big else [BIG]))
    if args.wait_idle:
        wait_idle(args.wait_idle)
    app, plugin = start_qgis(("refuge:exposure",))  # noqa: F841 (both must stay alive)
    vers = versions()
    timers = PhaseTimers()
    timers.install()

    results, problems, phases, gpd_versions = run_sizes(sizes, files, out, args.repeat, timers, use_geopandas)
    profile_rows = None
    if not args.no_profile and PROFILE_SIZE in files:
        profile_rows = profile_run(files, PROFILE_SIZE, out, args.work, timers)
    big = {} if args.no_big else big_step(out, args.big_timeout, problems, phases)

    run_data = {"results": results, "big": big, "problems": problems, "phases": phases,
                "profile_rows": profile_rows, "gpd_versions": gpd_versions}
    SECTION.publish(args.results, section(run_data, vers, args.repeat, load_start))
    if problems:
        print("\nCHECK FAILED:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    return 0
