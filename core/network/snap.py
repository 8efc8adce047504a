"""Joining points (households, shelters, facilities) to the network.

A point joins at the nearest point of the nearest usable segment, as QGIS's
network analysis tools tie their start and end points, not at the nearest
junction: on long rural roads the nearest junction can be kilometres away.
The nearest point is found in the network's local transverse Mercator
projection (conformal, so the nearest segment is the nearest on the ground);
the reported distance takes the projection's scale factor out.
"""

from dataclasses import dataclass

import numpy as np

from .graph import require, shapely

try:
    from scipy.spatial import cKDTree
except ImportError:  # pragma: no cover - require() reports it
    pass


PIECE_M = 20.0  # short pieces make the KD-tree's answer certain for almost every point


@dataclass
class Anchors:
    """Where points join the network.

    ``segment``: segment index (-1: no usable segment within the distance);
    ``t``: position along the segment from its first node, 0 to 1;
    ``distance_m``: from the point to the network, in metres on the ground
    (the projection's scale factor taken out); ``xy``: the joined point.
    """

    segment: np.ndarray
    t: np.ndarray
    distance_m: np.ndarray
    xy: np.ndarray

    def __len__(self):
        return len(self.segment)

    @property
    def joined(self):
        return self.segment >= 0

    def lonlat(self, network):
        return network.projector.to_lonlat(self.xy)


def snap(network, points_xy, usable, max_distance_m, step_m=None):
    """:class:`Anchors` of ``points_xy`` ((N, 2) local metres; NaN rows never join).

    ``usable``: per segment, whether points may join it (open in at least one
    direction once the flood cut applies).

    Segments are cut into pieces of at most ``step_m`` (default 20 m) whose
    centres go into a KD-tree; the exact
    point-to-segment distance is then computed for the segments of the 8
    nearest pieces. That answer is certain when it is shorter than the 8th
    piece's distance minus half a piece; points left uncertain look at the 64
    nearest pieces, and the very few still uncertain are answered by a GEOS
    nearest query over all segments.
    """
    require()
    points_xy = np.asarray(points_xy, dtype=np.float64).reshape(-1, 2)
    count = len(points_xy)
    segment = np.full(count, -1, dtype=np.int64)
    t = np.full(count, np.nan)
    distance = np.full(count, np.nan)
    xy = np.full((count, 2), np.nan)
    candidates = np.flatnonzero(usable)
    finite = np.flatnonzero(np.isfinite(points_xy).all(axis=1))
    if not len(candidates) or not len(finite):
        return Anchors(segment, t, distance, xy)
    start = network.xy[network.seg_a[candidates]]
    vector = network.xy[network.seg_b[candidates]] - start
    length = np.hypot(vector[:, 0], vector[:, 1])
    step = float(step_m) if step_m else PIECE_M
    pieces = np.maximum(np.ceil(length / step), 1).astype(np.int64)
    piece_owner = np.repeat(np.arange(len(candidates)), pieces)
    rank = np.arange(len(piece_owner)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    centre = start[piece_owner] + ((rank + 0.5) / pieces[piece_owner])[:, None] * vector[piece_owner]
    half = float((length / pieces / 2.0).max())
    tree = cKDTree(centre, balanced_tree=False, compact_nodes=False)
    limit = float(max_distance_m)
    query = points_xy[finite]
    best = np.full(len(query), np.inf)
    chosen = np.zeros(len(query), dtype=np.int64)
    chosen_t = np.zeros(len(query))
    doubt = np.arange(len(query))
    # The 8 nearest pieces settle almost every point; the rest look at 64, then at all.
    for k in (8, 64):
        k = min(k, len(centre))
        uncertain = []
        for first in range(0, len(doubt), 250_000):  # bounds the (points x k) arrays
            rows = doubt[first:first + 250_000]
            best[rows], chosen[rows], chosen_t[rows], sure = _nearest(
                tree, piece_owner, start, vector, length, query[rows], k, limit, half)
            uncertain.append(rows[~sure])
        doubt = np.concatenate(uncertain) if uncertain else doubt[:0]
        if not len(doubt) or k == len(centre):
            doubt = doubt[:0]
            break
    if len(doubt):
        lines = shapely.linestrings(np.stack((start, start + vector), axis=1))
        found, index = shapely.STRtree(lines).query_nearest(shapely.points(query[doubt]),
                                                            max_distance=max(limit, 1e-9), all_matches=False)
        best[doubt] = np.inf
        along_d, gap_d = _project(query[doubt[found]], start[index], vector[index], length[index])
        best[doubt[found]], chosen[doubt[found]], chosen_t[doubt[found]] = gap_d, index, along_d
    joined = np.isfinite(best) & (best <= limit)
    which = finite[joined]
    segment[which] = candidates[chosen[joined]]
    t[which] = chosen_t[joined]
    xy[which] = start[chosen[joined]] + chosen_t[joined][:, None] * vector[chosen[joined]]
    # Planar distances in the projection, back to true metres on the ground.
    scale = network.projector.scale(points_xy[which]) if network.projector is not None else 1.0
    distance[which] = best[joined] / scale
    return Anchors(segment, t, distance, xy)


def _nearest(tree, piece_owner, start, vector, length, points, k, limit, half):
    """(distance, segment, position, certain) from the ``k`` nearest pieces of each point."""
    centre_distance, nearest = tree.query(points, k=k, distance_upper_bound=limit + half + 1e-9, workers=-1)
    centre_distance = centre_distance.reshape(len(points), k)
    nearest = nearest.reshape(len(points), k)
    valid = nearest < len(piece_owner)
    owner = np.where(valid, piece_owner[np.minimum(nearest, len(piece_owner) - 1)], 0)
    along, gap = _project(points[:, None, :], start[owner], vector[owner], length[owner])
    gap = np.where(valid, gap, np.inf)
    pick = np.argmin(gap, axis=1)
    rows = np.arange(len(points))
    best = gap[rows, pick]
    # Certain when no piece beyond the k nearest can hold a closer segment.
    certain = best <= centre_distance[:, -1] - half
    return best, owner[rows, pick], along[rows, pick], certain


def _project(points, start, vector, length):
    """(position 0..1 along each segment, distance) of the nearest segment point to each point."""
    squared = length ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        along = np.where(squared > 0, ((points - start) * vector).sum(axis=-1) / squared, 0.0)
    along = np.clip(along, 0.0, 1.0)
    offset = points - (start + along[..., None] * vector)
    return along, np.hypot(offset[..., 0], offset[..., 1])
