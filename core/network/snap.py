"""Joining points (households, shelters, facilities) to the network.

A point joins at the nearest point of the nearest usable segment, as QGIS's
network analysis tools tie their start and end points, not at the nearest
junction: on long rural roads the nearest junction can be kilometres away.
Distances are planar in the network's local transverse Mercator projection
(metres).
"""

from dataclasses import dataclass

import numpy as np

from .graph import require, shapely


@dataclass
class Anchors:
    """Where points join the network.

    ``segment``: segment index (-1: no usable segment within the distance);
    ``t``: position along the segment from its first node, 0 to 1;
    ``distance_m``: from the point to the network; ``xy``: the joined point.
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


def snap(network, points_xy, usable, max_distance_m):
    """:class:`Anchors` of ``points_xy`` ((N, 2) local metres; NaN rows never join).

    ``usable``: per segment, whether points may join it (open in at least one
    direction once the flood cut applies).
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
    tree = shapely.STRtree(network.segment_lines_xy(candidates))
    found, nearest = tree.query_nearest(shapely.points(points_xy[finite]),
                                        max_distance=max(float(max_distance_m), 1e-9), all_matches=False)
    which = finite[found]
    chosen = candidates[nearest]
    a, b = network.xy[network.seg_a[chosen]], network.xy[network.seg_b[chosen]]
    direction = b - a
    squared = (direction ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        along = np.where(squared > 0, ((points_xy[which] - a) * direction).sum(axis=1) / squared, 0.0)
    along = np.clip(along, 0.0, 1.0)
    joined = a + along[:, None] * direction
    segment[which] = chosen
    t[which] = along
    xy[which] = joined
    distance[which] = np.hypot(*(points_xy[which] - joined).T)
    return Anchors(segment, t, distance, xy)
