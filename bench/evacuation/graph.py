"""Graph searches of the peers: repeated timings, the junction graph, and households' costs."""

import statistics
import time


def timed_repeats(repeat, function, *args):
    """Call ``function(*args)`` ``repeat`` times; returns (every wall time, the last result)."""
    runs, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        runs.append(time.perf_counter() - started)
    return runs, result


def merged_edges(adjacency, keep):
    """Edges between the kept nodes, each path through degree-2 nodes merged into one edge (the
    cheapest of parallel ones): {(low, high): cost}."""
    import numpy as np

    indptr, indices, data = adjacency.indptr, adjacency.indices, adjacency.data
    edges = {}
    for start in np.flatnonzero(keep).tolist():
        for k in range(indptr[start], indptr[start + 1]):
            previous, node, total = start, int(indices[k]), float(data[k])
            while not keep[node]:
                first, second = indptr[node], indptr[node] + 1
                step = first if indices[first] != previous else second
                previous, node, total = node, int(indices[step]), total + float(data[step])
            if node != start:
                key = (min(start, node), max(start, node))
                edges[key] = min(edges.get(key, np.inf), total)
    return edges


def junction_searches(lo, hi, cost, shelter_nodes, repeat, timings):
    """The raw searches again on the junction graph (not part of the peer): nodes of degree 2 merged
    into the edge through them, as the issue counted the network (6,234 junctions, 6,906 edges); the
    shelter nodes are kept. Times ``scipy_junction_search`` and ``nx_junction_search``."""
    import networkx as nx
    import numpy as np
    import scipy.sparse
    import scipy.sparse.csgraph

    size = int(max(lo.max(), hi.max())) + 1
    adjacency = scipy.sparse.csr_matrix((np.r_[cost, cost], (np.r_[lo, hi], np.r_[hi, lo])),
                                        shape=(size, size))
    degree = np.diff(adjacency.indptr)
    keep = (degree != 2) & (degree > 0)
    keep[shelter_nodes] = True
    edges = merged_edges(adjacency, keep)
    kept = np.flatnonzero(keep)
    new_index = np.full(size, -1)
    new_index[kept] = np.arange(len(kept))
    pairs = np.array(list(edges.keys()), dtype=np.int64).reshape(-1, 2)
    weights = np.array(list(edges.values()))
    a, b = new_index[pairs[:, 0]], new_index[pairs[:, 1]]
    count = len(kept)
    matrix = scipy.sparse.csr_matrix((np.r_[weights, weights], (np.r_[a, b], np.r_[b, a])),
                                     shape=(count, count))
    sources = new_index[shelter_nodes]
    runs, _ = timed_repeats(repeat, lambda: scipy.sparse.csgraph.dijkstra(
        matrix, directed=True, indices=sources, min_only=True))
    timings["scipy_junction_search"] = statistics.median(runs)
    graph = nx.Graph()
    graph.add_nodes_from(range(count))
    graph.add_weighted_edges_from(zip(a.tolist(), b.tolist(), weights.tolist()))
    runs, _ = timed_repeats(repeat, nx.multi_source_dijkstra, graph, set(sources.tolist()))
    timings["nx_junction_search"] = statistics.median(runs)
    return {"nodes": int(count - len(shelter_nodes)), "edges": int(len(weights))}


def household_costs(node_time, node_origin, a, b, cost, h_seg, h_t, s_seg, s_t):
    """Each household's cost to its nearest shelter: through either end of its segment, or straight
    along the segment to a shelter on the same segment; returns (cost, shelter position)."""
    import numpy as np

    via_a = node_time[a[h_seg]] + h_t * cost[h_seg]
    via_b = node_time[b[h_seg]] + (1 - h_t) * cost[h_seg]
    best = np.minimum(via_a, via_b)
    shelter = np.where(via_a <= via_b, node_origin[a[h_seg]], node_origin[b[h_seg]])
    for j, (segment, t) in enumerate(zip(s_seg.tolist(), s_t.tolist())):
        same = np.flatnonzero(h_seg == segment)
        direct = np.abs(h_t[same] - t) * cost[segment]
        better = direct < best[same]
        best[same[better]] = direct[better]
        shelter[same[better]] = j
    shelter = np.where(np.isfinite(best), shelter, -1)
    return best, shelter


def household_lengths(node_time, node_length, a, b, cost, length, h_seg, h_t, s_seg, s_t, best):
    """Length (m) of the route chosen by :func:`household_costs`."""
    import numpy as np

    via_a = node_time[a[h_seg]] + h_t * cost[h_seg]
    result = np.where(via_a <= node_time[b[h_seg]] + (1 - h_t) * cost[h_seg],
                      node_length[a[h_seg]] + h_t * length[h_seg],
                      node_length[b[h_seg]] + (1 - h_t) * length[h_seg])
    for segment, t in zip(s_seg.tolist(), s_t.tolist()):
        same = np.flatnonzero(h_seg == segment)
        direct = np.abs(h_t[same] - t) * cost[segment]
        hit = np.isclose(direct, best[same])
        result[same[hit]] = np.abs(h_t[same[hit]] - t) * length[segment]
    return np.where(np.isfinite(best), result, np.nan)

