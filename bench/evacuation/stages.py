"""The stages of the evacuation benchmark after the data: each runs its cases and checks them."""

import json

from harness.load import wait_idle
from harness.processes import bench_command, launch

from evacuation.compare import compare_peer, flood_checks, snap_scale, status_counts
from evacuation.config import CITY_HOUSEHOLDS, HOUSEHOLDS, NATIVE_CRS
from evacuation.data import read_points
from evacuation.native import check_native, compare_native, full_vs_native
from evacuation.peers import run_peers
from evacuation.profile import run_profile
from evacuation.refuge_runs import (
    flood_roads,
    read_households,
    refuge_parameters,
    run_refuge,
    safe_shelters,
    shelter_sid_by_fid,
    summary_json,
)
from evacuation.table import describe_run


def peers_run(data, out, rep, repeat, problems):
    """The networkx and scipy peers once, in their own process; returns (report, peer arrays)."""
    report, peer = run_peers(data["extract"], data["households"], data["shelters"], out / "peers.npz")
    if report["ok"]:
        t = report["timings"]
        print(f"  run {rep + 1}/{repeat} peers: networkx end to end {t['nx_total']:.2f} s "
              f"(search {t['nx_search'] * 1000:.0f} ms), scipy search {t['scipy_search'] * 1000:.1f} ms",
              flush=True)
    else:
        print(f"  peers FAILED {report['error']}", flush=True)
        problems.append(f"networkx/scipy peer failed: {report['error'][-500:]}")
    return report, peer


def seychelles_stage(run_ctx, problems):
    """Refuge dry, Refuge with the flood cut and the peers, ``repeat`` times, interleaved."""
    args, data, out, sinks = run_ctx["args"], run_ctx["data"], run_ctx["out"], run_ctx["sinks"]
    runs = {"refuge": [], "flood": [], "peers": []}
    params, peer = {}, None
    for rep in range(args.repeat):
        if run_ctx["available"]:
            for case, depth in (("refuge", None), ("flood", data["depth"])):
                params[case] = refuge_parameters(case, data["roads"], data["households"], data["shelters"],
                                                 out, sinks, depth)
                report = run_refuge(params[case])
                runs[case].append(report)
                print(f"  run {rep + 1}/{args.repeat} {case}: {describe_run(report)}", flush=True)
        report, peer = peers_run(data, out, rep, args.repeat, problems)
        runs["peers"].append(report)
    return runs, params, peer


def dry_outputs(results, params, peer, sid_of_fid):
    """Refuge's dry run against the peers; returns its households output."""
    data = results["data"]
    refuge_out = read_households(params["refuge"]["HOUSEHOLDS_OUTPUT"], HOUSEHOLDS)
    results["refuge_status"] = status_counts(refuge_out["status"])
    if peer is not None:
        import numpy as np

        points = read_points(data["households"], "hid")
        order = np.argsort(points[2])
        points = (points[0][order], points[1][order])
        results["vs_peer"] = compare_peer(refuge_out, peer, sid_of_fid, network=data["walk"], points=points)
        results["snap_scale"] = snap_scale(refuge_out, peer, points, data["walk"])
        results["vs_scipy"] = compare_peer(refuge_out, peer, sid_of_fid, prefix="scipy")
    results["summary_json"] = summary_json(params["refuge"])
    return refuge_out


def flood_outputs(results, params, refuge_out, sid_of_fid, problems):
    """Refuge's flood run against its dry run."""
    flood_out = read_households(params["flood"]["HOUSEHOLDS_OUTPUT"], HOUSEHOLDS)
    results["flood_status"] = status_counts(flood_out["status"])
    safe = safe_shelters(params["flood"].get("SHELTERS_OUTPUT"))
    results["flood_shelters"] = safe["counts"]
    safe_fids = {fid for fid, sid in sid_of_fid.items() if sid in safe["sids"]}
    results["flood_checks"] = flood_checks(refuge_out, flood_out, safe_fids, problems)
    results["flood_roads"] = flood_roads(params["flood"])


def outputs_stage(results, params, peer, problems):
    """The last Seychelles runs' outputs read back and checked; returns Refuge's dry households."""
    available, runs = results["available"], results["runs"]
    sid_of_fid = shelter_sid_by_fid(results["data"]["shelters"])
    refuge_out = None
    if available and runs["refuge"] and runs["refuge"][-1]["ok"]:
        refuge_out = dry_outputs(results, params, peer, sid_of_fid)
    elif available:
        problems.append(f"Refuge failed: {runs['refuge'][-1]['error'][-1500:]}")
    if available and runs["flood"] and runs["flood"][-1]["ok"]:
        flood_outputs(results, params, refuge_out, sid_of_fid, problems)
    elif available:
        problems.append(f"Refuge with DEPTH failed: {runs['flood'][-1]['error'][-1500:]}")
    return refuge_out


def profile_stage(run_ctx):
    print("profile: one in-process run under cProfile", flush=True)
    data = run_ctx["data"]
    profile_params = refuge_parameters("profile", data["roads"], data["households"], data["shelters"],
                                       run_ctx["out"], run_ctx["sinks"])
    return run_profile(profile_params, plain=True)


def native_sample_refuge(run_ctx, h_sample, s_sample, count, problems):
    """Refuge on the native sample's households and shelters; its households output, or None."""
    data = run_ctx["data"]
    sample_params = refuge_parameters("sample", data["roads"], h_sample, s_sample, run_ctx["out"],
                                      run_ctx["sinks"])
    sample_report = run_refuge(sample_params)
    if sample_report["ok"]:
        return sample_report, read_households(sample_params["HOUSEHOLDS_OUTPUT"], count)
    problems.append(f"Refuge on the native sample failed: {sample_report['error'][-800:]}")
    return sample_report, None


def native_compare(run_ctx, native, refuge_out, problems):
    """Refuge and the networkx peer on the native sample, against the native minimum."""
    data, out = run_ctx["data"], run_ctx["out"]
    h_sample, s_sample, orig_hid, subset = run_ctx["sample"]
    sample_refuge = None
    if run_ctx["available"]:
        native["refuge_report"], sample_refuge = native_sample_refuge(run_ctx, h_sample, s_sample,
                                                                      len(orig_hid), problems)
    peer_report, sample_peer = run_peers(data["extract"], h_sample, data["shelters"],
                                         out / "peers_sample.npz", subset, 1)
    native["comparison"], native_cost = compare_native(native["costs"], sample_refuge, orig_hid, sample_peer)
    if refuge_out is not None:
        sid_of_fid = shelter_sid_by_fid(data["shelters"])
        native["full_check"] = full_vs_native(refuge_out, sid_of_fid, orig_hid, subset, native_cost)
    check_native(native, problems)


def native_stage(run_ctx, refuge_out, problems):
    """The native approach on the sample, in a QGIS process of its own, then the comparisons."""
    args, data, out = run_ctx["args"], run_ctx["data"], run_ctx["out"]
    h_sample, s_sample, orig_hid, subset = run_ctx["sample"]
    native_json = out / "native.json"
    if args.wait_idle:
        wait_idle(args.wait_idle)
    print(f"native:shortestpathlayertopoint, {len(orig_hid)} households x {len(subset)} shelters",
          flush=True)
    native_roads = data["walk_roads"] if args.native_degrees else data["walk_roads_metric"]
    report = launch([bench_command("evacuation", "--native", native_roads, h_sample, data["shelters"],
                                   json.dumps(subset.tolist()), native_json)])
    native = {"report": report, "households": len(orig_hid), "shelters": len(subset),
              "crs": "EPSG:4326" if args.native_degrees else NATIVE_CRS}
    if report["ok"]:
        with open(native_json) as handle:
            native.update(json.load(handle))
        native_compare(run_ctx, native, refuge_out, problems)
    else:
        problems.append(f"native case failed: {report['error'][-800:]}")
    return native


def scale_stage(run_ctx, problems):
    """Refuge on the synthetic city through qgis_process, then under cProfile."""
    if not run_ctx["available"]:
        return {"info": run_ctx["city"][3], "report": None}
    args, out, sinks = run_ctx["args"], run_ctx["out"], run_ctx["sinks"]
    roads, households, shelters, info = run_ctx["city"]
    print(f"scale: synthetic city, {info['segments']:,} segments, {CITY_HOUSEHOLDS:,} households",
          flush=True)
    if args.wait_idle:
        wait_idle(args.wait_idle)
    scale_params = refuge_parameters("city", f"{roads}|layername=roads", households, shelters, out, sinks)
    report = run_refuge(scale_params, timeout=args.scale_timeout, retries=1)
    print(f"  {describe_run(report)}", flush=True)
    scale = {"report": report, "info": info}
    if not report["ok"]:
        problems.append(f"scale run failed: {report['error'][-800:]}")
        return scale
    city_out = read_households(scale_params["HOUSEHOLDS_OUTPUT"], CITY_HOUSEHOLDS)
    scale["status"] = status_counts(city_out["status"])
    del city_out
    if not args.no_profile:
        print("profile: the scale run under cProfile", flush=True)
        scale["profile"] = run_profile(refuge_parameters("cityprofile", f"{roads}|layername=roads",
                                                         households, shelters, out, sinks),
                                       plain=False, timeout=args.scale_timeout)
    return scale
