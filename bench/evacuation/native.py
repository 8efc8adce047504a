"""QGIS's native per-shelter approach: ``native:shortestpathlayertopoint`` once per shelter, in a QGIS
Python process of its own (``bench/evacuation --native``), and its comparison with Refuge."""

import json
import statistics
import sys
import time

from harness.qgis import start_qgis

from evacuation.compare import describe_rel, relative, status_counts
from evacuation.config import AGREE_REL, HOUSEHOLDS, SHELTERS, WALK_KMH_DEFAULT
from evacuation.data import read_points


def native_parameters(walk_roads, households):
    """The parameters every run shares: fastest path, walk speed in a field, both directions."""
    return {
        "INPUT": str(walk_roads),
        "STRATEGY": 1,  # fastest: cost = length / speed, in hours
        "DIRECTION_FIELD": "",
        "DEFAULT_DIRECTION": 2,  # both directions (walking)
        "SPEED_FIELD": "walk_kmh",
        "DEFAULT_SPEED": WALK_KMH_DEFAULT,
        "TOLERANCE": 0,
        "START_POINTS": str(households),
        "OUTPUT": "TEMPORARY_OUTPUT",
    }


def route_costs(context, layer):
    """{hid: cost} of a run's output; start points without a route get a NULL cost (a QVariant):
    left out."""
    from qgis.core import QgsFeatureRequest

    if isinstance(layer, str):
        layer = context.getMapLayer(layer)
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry)
    return {str(f["hid"]): float(f["cost"]) for f in layer.getFeatures(request)
            if isinstance(f["cost"], (int, float))}


def native_child(walk_roads, households, shelters, sids_json, out_json):
    """``native:shortestpathlayertopoint`` once per shelter of ``sids_json``, the households as start
    points; fastest path with the walk speed of each line, costs on the WGS 84 ellipsoid.

    Writes {sid: {hid: cost_s}} and the time of each run to ``out_json``. The first shelter is also
    run with the first 10 households alone, to split a run's time into a fixed part (building the
    graph) and a part per start point.
    """
    app = start_qgis()  # noqa: F841 (kept alive)
    import processing  # noqa: I001 (QGIS's Processing plugin, importable once QGIS has started)
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsVectorLayer

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    context.setEllipsoid("EPSG:7030")  # WGS 84: edge lengths in metres, as Refuge's geodesic lengths
    feedback = QgsProcessingFeedback()
    s_lon, s_lat, sid = read_points(shelters, "sid")
    wanted = json.loads(sids_json)
    base = native_parameters(walk_roads, households)
    small = QgsVectorLayer(str(households), "first10", "ogr")
    small.setSubsetString("fid <= 10")
    costs, runs, calibration = {}, [], None
    for position, s in enumerate(wanted):
        j = int((sid == s).nonzero()[0][0])
        parameters = dict(base, END_POINT=f"{s_lon[j]!r},{s_lat[j]!r} [EPSG:4326]")
        if position == 0:
            started = time.perf_counter()
            processing.run("native:shortestpathlayertopoint", dict(parameters, START_POINTS=small),
                           context=context, feedback=feedback)
            calibration = {"seconds": time.perf_counter() - started, "starts": small.featureCount()}
        started = time.perf_counter()
        result = processing.run("native:shortestpathlayertopoint", parameters, context=context,
                                feedback=feedback)
        runs.append(time.perf_counter() - started)
        costs[str(s)] = route_costs(context, result["OUTPUT"])
        context.temporaryLayerStore().removeAllMapLayers()
        print(f"  native, shelter {s} ({position + 1}/{len(wanted)}): {runs[-1]:.2f} s, "
              f"{len(costs[str(s)])} routes", file=sys.stderr, flush=True)
    with open(out_json, "w") as handle:
        json.dump({"costs": costs, "runs": runs, "calibration": calibration}, handle)
    print(json.dumps({"runs": runs, "calibration": calibration}))


def compare_native(native_costs, refuge, sample_hids, peer):
    """Native minimum over the sample's shelters vs Refuge (same shelters) and the networkx peer."""
    import numpy as np

    native = np.full(len(sample_hids), np.inf)
    for costs in native_costs.values():
        for h, c in costs.items():
            i = int(h)
            native[i] = min(native[i], c * 3600.0)  # hours -> seconds
    result = {"native_routes": int(np.isfinite(native).sum()), "households": len(sample_hids)}
    if refuge is not None:
        reachable = refuge["status"] == "reachable"
        both = reachable & np.isfinite(native)
        rel = relative(refuge["travel_time_s"], native)
        result["refuge"] = describe_rel(rel[both])
        beyond = np.flatnonzero(both & (rel > AGREE_REL))
        # QGIS reports "no route" when a start point joins the graph at the very vertex where the end
        # point joins (the search tree has no edge into its own root): such a household, 0 s from its
        # shelter for Refuge, gets the next shelter from the native tool.
        same = beyond[refuge["travel_time_s"][beyond] < 1e-6]
        result["same_vertex"] = int(len(same))
        result["beyond"] = [{"hid": int(i), "refuge_s": float(refuge["travel_time_s"][i]),
                             "native_s": float(native[i]),
                             "networkx_s": float(peer["nx_time"][i]) if peer is not None else None}
                            for i in np.setdiff1d(beyond, same)[:8]]
        result["beyond_other"] = int(len(beyond) - len(same))
        result["refuge_only"] = int((reachable & ~np.isfinite(native)).sum())
        result["native_only"] = status_counts(refuge["status"][np.isfinite(native) & ~reachable])
    if peer is not None:
        finite = np.isfinite(peer["nx_time"]) & np.isfinite(native)
        result["networkx"] = describe_rel(relative(peer["nx_time"][finite], native[finite]))
        result["networkx_only"] = int((np.isfinite(peer["nx_time"]) != np.isfinite(native)).sum())
    return result, native


def full_vs_native(refuge, sid_of_fid, orig_hid, subset, native_cost):
    """Households of the sample whose nearest shelter in Refuge's full run (89 shelters) is one of the
    sample's shelters: then the native minimum over the sample's shelters is that same route."""
    import numpy as np

    status = refuge["status"][orig_hid]
    fid = refuge["shelter_fid"][orig_hid]
    sid = np.array([sid_of_fid.get(int(f), -1) if f == f else -1 for f in fid])
    chosen = (status == "reachable") & np.isin(sid, subset) & np.isfinite(native_cost)
    time_s = refuge["travel_time_s"][orig_hid][chosen]
    rel = relative(time_s, native_cost[chosen])
    result = describe_rel(rel)
    result["same_vertex"] = int(((rel > AGREE_REL) & (time_s < 1e-6)).sum())
    return result


def check_native(native, problems):
    comparison = native.get("comparison", {})
    for name in ("refuge", "networkx"):
        stats = comparison.get(name)
        unexplained = stats["above"] - comparison.get("same_vertex", 0) if stats and stats["n"] else 0
        if unexplained > 0.01 * stats["n"]:
            problems.append(f"{name} vs native on the sample: {stats['above']} of {stats['n']} households "
                            f"differ by more than {AGREE_REL:.1%} (max {stats['max']:.2%})")
    if comparison.get("refuge_only") or comparison.get("native_only"):
        problems.append(f"Refuge vs native on the sample: {comparison.get('refuge_only')} households routed "
                        f"by Refuge only, {comparison.get('native_only')} (Refuge status) by native only")


def native_model(native):
    """Time per household-shelter pair and the extrapolation to the full set (see the notes)."""
    runs = native["runs"]
    h, k = native["households"], native["shelters"]
    per_pair = sum(runs) / (h * k)
    calibration = native["calibration"]
    per_start = (statistics.median(runs) - calibration["seconds"]) / max(h - calibration["starts"], 1)
    fixed = max(calibration["seconds"] - per_start * calibration["starts"], 0.0)
    return {"total": sum(runs), "per_pair": per_pair, "linear": per_pair * HOUSEHOLDS * SHELTERS,
            "per_start": per_start, "fixed": fixed, "model": SHELTERS * (fixed + per_start * HOUSEHOLDS)}

