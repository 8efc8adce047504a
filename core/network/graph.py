"""A routable graph in compressed sparse row arrays (scipy), from road lines.

Nodes are the OSM nodes of the road vertices (``node_ids`` of Refuge's roads
layer), so ways that share a node are connected and ways that merely cross
(a bridge over a road) are not. Every pair of consecutive vertices is one
edge, with its geodesic length in metres (WGS 84) and its travel time in
seconds for a profile; two-way roads give one edge per direction.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import MissingDependencyError

try:
    import pyproj
    import scipy.sparse
    import scipy.sparse.csgraph
    import shapely
except ImportError as exc:  # pragma: no cover
    scipy = pyproj = shapely = None
    _ERROR = str(exc)

_GEOD = None


@dataclass
class Graph:
    """Directed graph: edge i goes from ``source[i]`` to ``target[i]`` (node indices).

    ``node_ids``: OSM id of each node index; ``xy``: lon/lat of each node;
    ``length_m`` and ``time_s`` per edge; ``way`` the input line of each edge.
    """

    node_ids: np.ndarray
    xy: np.ndarray
    source: np.ndarray
    target: np.ndarray
    length_m: np.ndarray
    time_s: np.ndarray
    way: np.ndarray

    @property
    def node_count(self):
        return len(self.node_ids)

    def matrix(self, weight="time_s"):
        """CSR matrix of the cheapest edge between each ordered pair of nodes."""
        values = getattr(self, weight)
        # Parallel edges: keep the cheapest, as shortest paths would.
        order = np.lexsort((values, self.target, self.source))
        source, target, values = self.source[order], self.target[order], values[order]
        first = np.ones(len(source), dtype=bool)
        first[1:] = (source[1:] != source[:-1]) | (target[1:] != target[:-1])
        return scipy.sparse.csr_matrix((values[first], (source[first], target[first])),
                                       shape=(self.node_count, self.node_count))

    def components(self):
        """Weakly connected component label of each node."""
        _, labels = scipy.sparse.csgraph.connected_components(self.matrix("length_m"), directed=True,
                                                              connection="weak")
        return labels


def build_graph(lines, node_ids, highways, profile, oneway=None, maxspeed_kmh=None, access=None):
    """Graph of ``lines`` (EPSG:4326) for ``profile``; ways it may not use are left out.

    ``node_ids[i]``: OSM node id of each vertex of line i (as many as its
    coordinates). ``oneway[i]``: 1 forward only, -1 backward only, 0 both
    (used only by profiles that respect oneway).
    """
    if scipy is None:
        raise MissingDependencyError("scipy / pyproj", _ERROR)
    global _GEOD
    if _GEOD is None:
        _GEOD = pyproj.Geod(ellps="WGS84")
    count = len(lines)
    oneway = np.zeros(count, dtype=int) if oneway is None else np.asarray(oneway)
    sources, targets, ways, speeds, starts, ends = [], [], [], [], [], []
    all_ids, all_xy = [], []
    for i in range(count):
        speed = profile.speed_kmh(highways[i], None if maxspeed_kmh is None else maxspeed_kmh[i],
                                  None if access is None else access[i])
        if speed is None:
            continue
        coords = shapely.get_coordinates(lines[i])
        ids = np.asarray(node_ids[i], dtype=np.int64)
        if len(ids) != len(coords):
            raise ValueError(f"line {i} has {len(coords)} vertices but {len(ids)} node ids")
        if len(ids) < 2:
            continue
        all_ids.append(ids)
        all_xy.append(coords)
        direction = int(oneway[i]) if profile.respects_oneway else 0
        a, b = ids[:-1], ids[1:]
        pa, pb = coords[:-1], coords[1:]
        if direction >= 0:
            sources.append(a), targets.append(b), starts.append(pa), ends.append(pb)
            ways.append(np.full(len(a), i)), speeds.append(np.full(len(a), speed))
        if direction <= 0:
            sources.append(b), targets.append(a), starts.append(pb), ends.append(pa)
            ways.append(np.full(len(a), i)), speeds.append(np.full(len(a), speed))
    if not all_ids:
        empty = np.zeros(0)
        return Graph(np.zeros(0, np.int64), np.zeros((0, 2)), empty.astype(np.int64),
                     empty.astype(np.int64), empty, empty, empty.astype(np.int64))
    ids = np.concatenate(all_ids)
    xy = np.concatenate(all_xy)
    node_ids_unique, first = np.unique(ids, return_index=True)
    source_ids, target_ids = np.concatenate(sources), np.concatenate(targets)
    start, end = np.concatenate(starts), np.concatenate(ends)
    _, _, length = _GEOD.inv(start[:, 0], start[:, 1], end[:, 0], end[:, 1])
    speed_ms = np.concatenate(speeds) / 3.6
    keep = source_ids != target_ids  # a repeated node gives a zero-length self-loop
    return Graph(
        node_ids=node_ids_unique,
        xy=xy[first],
        source=np.searchsorted(node_ids_unique, source_ids[keep]),
        target=np.searchsorted(node_ids_unique, target_ids[keep]),
        length_m=length[keep],
        time_s=length[keep] / speed_ms[keep],
        way=np.concatenate(ways)[keep],
    )


def nearest_source_times(graph, sources, weight="time_s"):
    """(cost to the nearest source, index of that source) for every node.

    One multi-source Dijkstra from all ``sources`` (node indices) at once;
    unreachable nodes get cost inf and source -1.
    """
    matrix = graph.matrix(weight)
    # Costs *to* the sources: search the reversed graph from them.
    cost, _, origin = scipy.sparse.csgraph.dijkstra(matrix.T.tocsr(), directed=True,
                                                    indices=np.asarray(sources), min_only=True,
                                                    return_predecessors=True)
    origin = np.where(np.isfinite(cost), origin, -1)
    lookup = {int(node): position for position, node in enumerate(sources)}
    return cost, np.array([lookup.get(int(o), -1) for o in origin])
