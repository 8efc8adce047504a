"""The evacuation benchmark's command line: data, start-up, the Seychelles cases, the profile, the
native sample, the synthetic city, then the section (exits with 1 when a check fails)."""

import argparse
import sys

from harness import cli
from harness.load import wait_idle
from harness.machine import load_average
from harness.paths import WORK
from harness.processes import bench_command, last_json, launch
from harness.qgis import require_refuge, startup

import evacuation
from evacuation.city import make_city
from evacuation.config import ALGORITHM, NATIVE_CRS, SECTION
from evacuation.data import make_samples, seychelles_data
from evacuation.refuge_runs import algorithm_available, destinations, wait_for_algorithm
from evacuation.report import section, versions
from evacuation.stages import native_stage, outputs_stage, profile_stage, scale_stage, seychelles_stage


def parse(argv):
    parser = argparse.ArgumentParser(prog="bench/evacuation", description=evacuation.__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3,
                        help="repetitions of the Seychelles cases (default 3)")
    parser.add_argument("--native-households", type=int, default=1000, help="native sample: households")
    parser.add_argument("--native-shelters", type=int, default=20, help="native sample: shelters")
    parser.add_argument("--no-native", action="store_true", help="skip the native per-shelter case")
    parser.add_argument("--native-degrees", action="store_true",
                        help=f"give the native tool the roads in EPSG:4326 instead of {NATIVE_CRS}")
    parser.add_argument("--no-scale", action="store_true", help="skip the 1,000,000-edge synthetic city")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run of Refuge")
    parser.add_argument("--scale-timeout", type=float, default=900, help="time limit of the scale run (s)")
    parser.add_argument("--wait-idle", type=float, default=600,
                        help="seconds to wait at most for other processes to go quiet before the "
                        "Seychelles runs and before the scale run (0: do not wait)")
    parser.add_argument("--wait", type=float, default=0,
                        help=f"minutes to wait for {ALGORITHM} to be installed (polls every 3 minutes)")
    return cli.parse(parser, argv, WORK / SECTION.name, check_repeat=True)


def prepare(args):
    """Data written once, and whether qgis_process has the algorithm; returns the run's context."""
    data_dir, out = args.work / "data", args.work / "out"
    out.mkdir(parents=True, exist_ok=True)
    data = seychelles_data(data_dir)
    city = None if args.no_scale else make_city(data_dir)
    sample = make_samples(data_dir, data["households"], data["shelters"], args.native_households,
                          args.native_shelters)
    available = algorithm_available() or (args.wait > 0 and wait_for_algorithm(args.wait))
    if not available:
        print(f"{ALGORITHM} is not registered in qgis_process: its rows will say so", flush=True)
    return {"args": args, "out": out, "data": data, "city": city, "sample": sample, "available": available,
            "sinks": destinations() if available else {}}


def startup_stage(repeat):
    """qgis_process start-up alone, and read_pbf of the roads alone, for context."""
    print("qgis_process start-up", flush=True)
    start = startup(repeat)
    print("read_pbf (roads) alone", flush=True)
    pbf_reports = []
    for _ in range(repeat):
        report = launch([bench_command("evacuation", "--read-pbf")])
        if report["ok"]:
            report.update(last_json(report["stdout"]))
        pbf_reports.append(report)
    return start, pbf_reports


def run(argv=None):
    args = parse(argv)
    require_refuge()
    load_start = load_average()
    run_ctx = prepare(args)
    problems = []
    start, pbf_reports = startup_stage(args.repeat)
    if args.wait_idle:
        wait_idle(args.wait_idle)
    runs, params, peer = seychelles_stage(run_ctx, problems)
    results = {"start": start, "pbf": pbf_reports, "runs": runs, "data": run_ctx["data"],
               "available": run_ctx["available"], "sinks": run_ctx["sinks"]}
    refuge_out = outputs_stage(results, params, peer, problems)
    if run_ctx["available"] and not args.no_profile:
        results["profile"] = profile_stage(run_ctx)
    if not args.no_native:
        results["native"] = native_stage(run_ctx, refuge_out, problems)
    if run_ctx["city"] is not None:
        results["scale"] = scale_stage(run_ctx, problems)

    loads = (load_start, load_average())
    peer_report = runs["peers"][-1] if runs["peers"] else None
    text = section(results, versions(start["version"]["stdout"], peer_report), args.repeat, loads, problems)
    SECTION.publish(args.results, text, new_file="# Refuge benchmarks\n")
    if problems:
        print("\nPROBLEMS:\n" + "\n".join(f"- {p}" for p in problems), file=sys.stderr)
        return 1
    return 0
