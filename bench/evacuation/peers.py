"""The peers, in one child process (``bench/evacuation --peers``): a networkx peer end to end, then
scipy's raw search on the same graph; what they found is saved for the comparison with Refuge."""

import json
import statistics
import time

from harness.processes import bench_command, last_json, launch

from evacuation.config import MAX_SNAP_M
from evacuation.data import read_points
from evacuation.graph import household_costs, household_lengths, junction_searches, timed_repeats
from evacuation.network import WalkNetwork


def read_and_snap(network, households, shelters, subset_json, timings):
    """Households and shelters read and snapped; shelters beyond MAX_SNAP_M left out, as Refuge's
    MAX_SNAP_DISTANCE (default) does. Returns (households, shelters, every shelter's snap)."""
    import numpy as np

    t = time.perf_counter()
    h_lon, h_lat, hid = read_points(households, "hid")
    s_lon, s_lat, sid = read_points(shelters, "sid")
    subset = json.loads(subset_json)
    if subset:
        keep = np.isin(sid, subset)
        s_lon, s_lat, sid = s_lon[keep], s_lat[keep], sid[keep]
    timings["read_points"] = time.perf_counter() - t
    t = time.perf_counter()
    h_seg, h_t, h_snap = network.snap(h_lon, h_lat)
    s_seg, s_t, s_snap = network.snap(s_lon, s_lat)
    # Farther shelters are not used, farther households get no route.
    near = s_snap <= MAX_SNAP_M
    all_shelters_snap = s_snap
    s_lon, s_lat, sid, s_seg, s_t, s_snap = (v[near] for v in (s_lon, s_lat, sid, s_seg, s_t, s_snap))
    timings["snap"] = time.perf_counter() - t
    return {"hid": hid, "seg": h_seg, "t": h_t, "snap": h_snap}, {"sid": sid, "seg": s_seg, "t": s_t}, \
        all_shelters_snap


def graph_edges(network, shelters, timings):
    """The graph: segments (cheapest of parallel ones) + one node per shelter splitting its segment.
    Returns (low ends, high ends, costs, lengths, shelter nodes)."""
    import numpy as np

    t = time.perf_counter()
    s_seg, s_t = shelters["seg"], shelters["t"]
    n, k = network.node_count, len(shelters["sid"])
    a, b, cost, length = network.a, network.b, network.time_s, network.length_m
    shelter_nodes = n + np.arange(k)
    ea = np.concatenate((a, a[s_seg], b[s_seg]))
    eb = np.concatenate((b, shelter_nodes, shelter_nodes))
    ecost = np.concatenate((cost, s_t * cost[s_seg], (1 - s_t) * cost[s_seg]))
    elength = np.concatenate((length, s_t * length[s_seg], (1 - s_t) * length[s_seg]))
    lo, hi = np.minimum(ea, eb), np.maximum(ea, eb)
    order = np.lexsort((ecost, hi, lo))
    first = np.ones(len(order), dtype=bool)
    first[1:] = (lo[order][1:] != lo[order][:-1]) | (hi[order][1:] != hi[order][:-1])
    order = order[first]
    timings["edges"] = time.perf_counter() - t
    return lo[order], hi[order], ecost[order], elength[order], shelter_nodes


def networkx_peer(network, edges, households, shelters, repeat, timings):
    """networkx ``multi_source_dijkstra`` from all shelters, then each household's best end of its
    segment; returns (time per household, shelter position, time per node)."""
    import networkx as nx
    import numpy as np

    lo, hi, ecost, _, shelter_nodes = edges
    n, size = network.node_count, network.node_count + len(shelter_nodes)
    t = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(range(size))
    graph.add_weighted_edges_from(zip(lo.tolist(), hi.tolist(), ecost.tolist()))
    timings["nx_build"] = time.perf_counter() - t
    searches, (dist, paths) = timed_repeats(repeat, nx.multi_source_dijkstra, graph,
                                            set(shelter_nodes.tolist()))
    timings["nx_search"] = statistics.median(searches)
    timings["nx_search_runs"] = searches
    t = time.perf_counter()
    node_time = np.full(size, np.inf)
    node_origin = np.full(size, -1)
    nodes = np.fromiter(dist.keys(), dtype=np.int64, count=len(dist))
    node_time[nodes] = np.fromiter(dist.values(), dtype=float, count=len(dist))
    node_origin[nodes] = np.fromiter((paths[v][0] for v in dist), dtype=np.int64, count=len(dist)) - n
    best_time, best_shelter = household_costs(node_time, node_origin, network.a, network.b, network.time_s,
                                              households["seg"], households["t"], shelters["seg"],
                                              shelters["t"])
    timings["nx_households"] = time.perf_counter() - t
    timings["nx_total"] = sum(timings[key] for key in ("read", "build_arrays", "read_points", "snap", "edges",
                                                       "nx_build", "nx_search", "nx_households"))
    return best_time, best_shelter, node_time


def scipy_peer(network, edges, households, shelters, repeat, timings):
    """scipy: the same graph as a symmetric CSR matrix, raw multi-source search; returns (time per
    household, shelter position, time per node, predecessors)."""
    import numpy as np
    import scipy.sparse
    import scipy.sparse.csgraph

    lo, hi, ecost, _, shelter_nodes = edges
    n, size = network.node_count, network.node_count + len(shelter_nodes)
    t = time.perf_counter()
    matrix = scipy.sparse.csr_matrix((np.concatenate((ecost, ecost)), (np.concatenate((lo, hi)),
                                      np.concatenate((hi, lo)))), shape=(size, size))
    timings["csr_build"] = time.perf_counter() - t
    def search():
        return scipy.sparse.csgraph.dijkstra(matrix, directed=True, indices=shelter_nodes, min_only=True,
                                             return_predecessors=True)

    searches, (sp_time, predecessors, sp_origin) = timed_repeats(repeat, search)
    timings["scipy_search"] = statistics.median(searches)
    timings["scipy_search_runs"] = searches
    sp_origin = np.where(np.isfinite(sp_time), sp_origin - n, -1)
    sp_best, sp_shelter = household_costs(sp_time, sp_origin, network.a, network.b, network.time_s,
                                          households["seg"], households["t"], shelters["seg"], shelters["t"])
    return sp_best, sp_shelter, sp_time, predecessors


def route_lengths(network, edges, households, shelters, node_time, sp_time, predecessors, best_time):
    """Length along the fastest path found by scipy (not timed: for the comparison with Refuge)."""
    import numpy as np

    lo, hi, _, elength, shelter_nodes = edges
    lengths = dict(zip(zip(lo.tolist(), hi.tolist()), elength.tolist()))
    node_length = np.full(network.node_count + len(shelter_nodes), np.inf)
    node_length[shelter_nodes] = 0.0
    for v in np.argsort(sp_time).tolist():
        p = predecessors[v]
        if p >= 0:
            node_length[v] = node_length[p] + lengths[(min(p, v), max(p, v))]
    return household_lengths(node_time, node_length, network.a, network.b, network.time_s, network.length_m,
                             households["seg"], households["t"], shelters["seg"], shelters["t"], best_time)


def peers_child(roads, households, shelters, out_npz, subset_json, repeat_searches):
    """The networkx peer end to end, then the raw scipy search on the same graph; prints JSON."""
    import numpy as np

    timings = {}
    started = time.perf_counter()
    import networkx as nx
    import scipy.sparse
    import scipy.sparse.csgraph

    timings["import"] = time.perf_counter() - started
    network = WalkNetwork(roads, timings=timings)
    homes, places, all_shelters_snap = read_and_snap(network, households, shelters, subset_json, timings)
    edges = graph_edges(network, places, timings)
    best_time, best_shelter, node_time = networkx_peer(network, edges, homes, places, repeat_searches,
                                                       timings)
    sp_best, sp_shelter, sp_time, predecessors = scipy_peer(network, edges, homes, places, repeat_searches,
                                                            timings)
    best_length = route_lengths(network, edges, homes, places, node_time, sp_time, predecessors, best_time)
    far = homes["snap"] > MAX_SNAP_M
    best_time[far], sp_best[far], best_length[far] = np.inf, np.inf, np.nan
    best_shelter[far], sp_shelter[far] = -1, -1
    sid = places["sid"]
    np.savez(out_npz, hid=homes["hid"], nx_time=best_time, nx_shelter=np.where(best_shelter >= 0,
             sid[np.maximum(best_shelter, 0)], -1), scipy_time=sp_best,
             scipy_shelter=np.where(sp_shelter >= 0, sid[np.maximum(sp_shelter, 0)], -1),
             length=best_length, snap=homes["snap"], shelter_snap=all_shelters_snap, sid=sid)
    lo, hi, ecost, _, shelter_nodes = edges
    junctions = junction_searches(lo, hi, ecost, shelter_nodes, repeat_searches, timings)
    print(json.dumps({"timings": timings, "junctions": junctions, "nodes": network.node_count,
                      "segments": len(network.a), "graph_edges": len(lo),
                      "shelters": len(sid), "households": len(homes["hid"]),
                      "networkx": nx.__version__, "scipy": scipy.__version__}))


def run_peers(roads, households, shelters, out_npz, subset=(), searches=5):
    import numpy as np

    argv = bench_command("evacuation", "--peers", roads, households, shelters, out_npz,
                         json.dumps([int(s) for s in subset]), searches)
    report = launch([argv])
    if not report["ok"]:
        return report, None
    report.update(last_json(report["stdout"]))
    with np.load(out_npz) as arrays:
        peer = {k: arrays[k] for k in arrays.files}
    return report, peer
