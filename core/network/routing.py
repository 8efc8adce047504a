"""Shortest paths from many sources at once, to or from points anywhere on segments.

One multi-source Dijkstra (scipy.sparse.csgraph) answers, for every node,
"which source is nearest in travel time, and how far is it": never one search
per household. Sources (shelters, facilities) joined in the middle of a
segment split it there, so a household on the same segment reaches them
directly. A point on a segment then takes the cheaper of its two ends.

Direction: ``to_sources=True`` gives the cost *from* each point *to* its
nearest source (evacuation: households walk to shelters), searching the
reversed graph; ``False`` the cost from the nearest source to each point
(emergency services driving out). Oneway segments make the two differ.

Times in seconds, distances in metres (geodesic): the distance reported is
the length of the fastest route, not the shortest distance.
"""

from dataclasses import dataclass

import numpy as np

from .graph import require, scipy, shapely

_END = 1e-9  # a source closer than this to a segment end is at that end


@dataclass
class Result:
    """Per point: ``time_s``, ``distance_m`` (inf/NaN when unreachable), ``source``
    (index into the sources, -1 when none reachable), ``via`` (first network
    node on the way, -1 when none)."""

    time_s: np.ndarray
    distance_m: np.ndarray
    source: np.ndarray
    via: np.ndarray

    @property
    def reached(self):
        return self.source >= 0


def _part(fraction, time):
    """Time over a fraction of a piece: nothing at all when the fraction is 0, even if closed."""
    with np.errstate(invalid="ignore"):
        return np.where(fraction > 0, fraction * time, 0.0)


class Router:
    """Multi-source shortest paths over a network split at the sources.

    ``time_ab``/``time_ba``: seconds per segment in each direction (inf:
    closed); ``sources``: :class:`~.snap.Anchors` of the sources (unjoined
    ones are ignored).
    """

    def __init__(self, network, time_ab, time_ba, sources, to_sources=True):
        require()
        self.network = network
        self.to_sources = to_sources
        self.time_ab = np.asarray(time_ab, dtype=np.float64)
        self.time_ba = np.asarray(time_ba, dtype=np.float64)
        self._matrix = None
        self._split(sources)
        self._search()

    # -- graph -----------------------------------------------------------------------------

    def _split(self, sources):
        net = self.network
        n = net.node_count
        count = len(sources)
        self.source_node = np.full(count, -1, dtype=np.int64)
        joined = np.flatnonzero(sources.segment >= 0)
        seg, t = sources.segment[joined], sources.t[joined]
        at_a, at_b = t <= _END, t >= 1.0 - _END
        self.source_node[joined[at_a]] = net.seg_a[seg[at_a]]
        self.source_node[joined[at_b & ~at_a]] = net.seg_b[seg[at_b & ~at_a]]
        inner = joined[~at_a & ~at_b]
        # Breakpoints of split segments: {segment: (fractions 0..1, node per fraction)}.
        self.breaks = {}
        extra_lonlat, extra_xy = [], []
        next_node = n
        order = np.lexsort((sources.t[inner], sources.segment[inner]))
        for position in inner[order]:
            s, fraction = int(sources.segment[position]), float(sources.t[position])
            fractions, nodes = self.breaks.setdefault(s, ([0.0], [int(net.seg_a[s])]))
            if abs(fractions[-1] - fraction) <= _END:
                self.source_node[position] = nodes[-1]
                continue
            fractions.append(fraction)
            nodes.append(next_node)
            self.source_node[position] = next_node
            a, b = net.seg_a[s], net.seg_b[s]
            extra_lonlat.append(net.lonlat[a] + fraction * (net.lonlat[b] - net.lonlat[a]))
            extra_xy.append(net.xy[a] + fraction * (net.xy[b] - net.xy[a]))
            next_node += 1
        for s, (fractions, nodes) in self.breaks.items():
            fractions.append(1.0)
            nodes.append(int(net.seg_b[s]))
        self.node_count = next_node
        self.lonlat = np.concatenate((net.lonlat, np.reshape(extra_lonlat, (-1, 2))))
        self.xy = np.concatenate((net.xy, np.reshape(extra_xy, (-1, 2))))

        whole = np.ones(net.segment_count, dtype=bool)
        split = np.fromiter(self.breaks.keys(), dtype=np.int64, count=len(self.breaks))
        whole[split] = False
        tails = [net.seg_a[whole], net.seg_b[whole]]
        heads = [net.seg_b[whole], net.seg_a[whole]]
        times = [self.time_ab[whole], self.time_ba[whole]]
        lengths = [net.length_m[whole], net.length_m[whole]]
        for s, (fractions, nodes) in self.breaks.items():
            share = np.diff(fractions)
            first, second = np.asarray(nodes[:-1]), np.asarray(nodes[1:])
            tails += [first, second]
            heads += [second, first]
            times += [self.time_ab[s] * share, self.time_ba[s] * share]
            lengths += [net.length_m[s] * share, net.length_m[s] * share]
        tail, head = np.concatenate(tails), np.concatenate(heads)
        time, length = np.concatenate(times), np.concatenate(lengths)
        keep = np.isfinite(time) & (tail != head)
        tail, head, time, length = tail[keep], head[keep], time[keep], length[keep]
        # Parallel edges: the fastest wins, as a shortest path would take it.
        order = np.lexsort((time, head, tail))
        tail, head, time, length = tail[order], head[order], time[order], length[order]
        first = np.ones(len(tail), dtype=bool)
        first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
        self.edge_tail, self.edge_head = tail[first], head[first]
        self.edge_time, self.edge_length = time[first], length[first]
        self._edge_key = self.edge_tail * self.node_count + self.edge_head  # sorted

    # -- search ----------------------------------------------------------------------------

    @property
    def matrix(self):
        """CSR matrix of the edge times (tail -> head), built once."""
        if self._matrix is None:
            n = self.node_count
            # Zero-time edges would vanish from a sparse matrix: keep them as a tiny cost.
            weight = np.maximum(self.edge_time, 1e-12)
            self._matrix = scipy.sparse.csr_matrix((weight, (self.edge_tail, self.edge_head)), shape=(n, n))
        return self._matrix

    def _search(self):
        n = self.node_count
        matrix = self.matrix
        if self.to_sources:
            matrix = matrix.T.tocsr()
        sources = np.unique(self.source_node[self.source_node >= 0])
        self.cost = np.full(n, np.inf)
        self.predecessor = np.full(n, -9999, dtype=np.int64)
        self.origin = np.full(n, -1, dtype=np.int64)
        self.distance = np.full(n, np.nan)
        self.source_of_node = np.full(n, -1, dtype=np.int64)
        if not len(sources):
            return
        cost, predecessor, origin = scipy.sparse.csgraph.dijkstra(
            matrix, directed=True, indices=sources, min_only=True, return_predecessors=True)
        self.cost, self.predecessor = cost, predecessor.astype(np.int64)
        self.origin = np.where(np.isfinite(cost), origin, -1).astype(np.int64)
        # Source index of each origin node: the first source joined there.
        self.source_of_node = np.full(n, -1, dtype=np.int64)
        joined = np.flatnonzero(self.source_node >= 0)[::-1]
        self.source_of_node[self.source_node[joined]] = joined
        self.distance = self._tree_distances()

    def _tree_distances(self):
        """Length of each node's route along the shortest-path tree (pointer jumping)."""
        n = self.node_count
        parent = self.predecessor.copy()
        has_parent = parent >= 0
        nodes = np.arange(n)
        step = np.zeros(n)
        if has_parent.any():
            child, up = nodes[has_parent], parent[has_parent]
            step[has_parent] = self._lengths(*((child, up) if self.to_sources else (up, child)))
        parent = np.where(has_parent, parent, nodes)
        total = step
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            total = total + total[parent] * (parent != nodes)
            parent = grand
        distance = np.where(np.isfinite(self.cost), total, np.nan)
        return distance

    def _lengths(self, tail, head):
        position = np.searchsorted(self._edge_key, tail * self.node_count + head)
        return self.edge_length[position]

    # -- points ----------------------------------------------------------------------------

    def pieces(self, anchors):
        """Per point: (node a, node b, fraction from a, piece time a->b, b->a, piece length)."""
        net = self.network
        seg = anchors.segment
        ok = seg >= 0
        safe = np.where(ok, seg, 0)
        a, b = net.seg_a[safe].astype(np.int64), net.seg_b[safe].astype(np.int64)
        t = np.where(ok, anchors.t, 0.0)
        time_ab, time_ba, length = self.time_ab[safe].copy(), self.time_ba[safe].copy(), \
            net.length_m[safe].copy()
        if self.breaks:
            split = np.flatnonzero(ok & np.isin(seg, np.fromiter(self.breaks, dtype=np.int64)))
            for i in split:
                fractions, nodes = self.breaks[int(seg[i])]
                k = min(max(int(np.searchsorted(fractions, t[i], "right")) - 1, 0), len(fractions) - 2)
                share = fractions[k + 1] - fractions[k]
                a[i], b[i] = nodes[k], nodes[k + 1]
                t[i] = min(max((t[i] - fractions[k]) / share, 0.0), 1.0)
                time_ab[i] *= share
                time_ba[i] *= share
                length[i] *= share
        return a, b, t, time_ab, time_ba, length, ok

    def evaluate(self, anchors):
        """:class:`Result` for points joined by ``anchors``."""
        a, b, t, time_ab, time_ba, length, ok = self.pieces(anchors)
        if self.to_sources:  # leaving the point towards a runs b->a
            via_a = self.cost[a] + _part(t, time_ba)
            via_b = self.cost[b] + _part(1.0 - t, time_ab)
        else:  # arriving at the point from a runs a->b
            via_a = self.cost[a] + _part(t, time_ab)
            via_b = self.cost[b] + _part(1.0 - t, time_ba)
        with np.errstate(invalid="ignore"):
            use_a = via_a <= via_b
        time = np.where(use_a, via_a, via_b)
        time[~ok] = np.inf
        via = np.where(use_a, a, b)
        distance = np.where(use_a, self.distance[a] + t * length, self.distance[b] + (1.0 - t) * length)
        reached = np.isfinite(time)
        distance[~reached] = np.nan
        origin = np.where(reached, self.origin[via], -1)
        source = np.where(origin >= 0, self.source_of_node[np.maximum(origin, 0)], -1)
        return Result(time, distance, source, np.where(reached, via, -1))

    def routes(self, anchors, result, which):
        """Route lines (EPSG:4326) for the points ``which``: joined point, then nodes to the source.

        For ``to_sources`` the line runs from the point to the source, else from
        the source to the point.
        """
        which = np.asarray(which, dtype=np.int64)
        which = which[result.reached[which]]
        start = anchors.lonlat(self.network)[which] if len(which) else np.zeros((0, 2))
        coords = [start]
        owner = [np.arange(len(which))]
        current = result.via[which].copy()
        active = np.arange(len(which))
        while len(active):
            coords.append(self.lonlat[current])
            owner.append(active)
            parent = self.predecessor[current]
            more = parent >= 0
            active, current = active[more], parent[more]
        coords, owner = np.concatenate(coords), np.concatenate(owner)
        order = np.argsort(owner, kind="stable")
        coords, owner = coords[order], owner[order]
        # A point exactly on its first node repeats it: drop the repeat.
        repeat = np.zeros(len(owner), dtype=bool)
        repeat[1:] = (owner[1:] == owner[:-1]) & (np.abs(coords[1:] - coords[:-1]).max(axis=1) == 0)
        coords, owner = coords[~repeat], owner[~repeat]
        counts = np.bincount(owner, minlength=len(which))
        lines = np.empty(len(which), dtype=object)
        single = counts < 2  # the point is the source itself
        if (~single).any():
            keep = ~single[owner]
            # Consecutive indices from 0, as shapely wants them.
            _, renumbered = np.unique(owner[keep], return_inverse=True)
            lines[~single] = shapely.linestrings(coords[keep], indices=renumbered)
        for i in np.flatnonzero(single):
            point = coords[owner == i][0]
            lines[i] = shapely.linestrings([point, point])
        if not self.to_sources:
            lines = shapely.reverse(lines) if len(lines) else lines
        return which, lines
