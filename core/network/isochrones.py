"""Isochrone bands: the area within 5, 10, 15... minutes of the nearest safe shelter.

A band is the stretch of road from which a shelter is reached within its
time (partial segments cut at the exact point where the time runs out),
buffered by a walking distance from the road, minus the bands inside it.
Geometry is built in the network's local metres and returned in EPSG:4326.
"""

import numpy as np

from .graph import shapely


def reachable_pieces(router, limit_s):
    """(start xy, end xy) of the road stretches within ``limit_s`` of a source.

    For every directed edge tail -> head: a point at fraction f from the tail
    reaches the source through the head in (1 - f) * time + cost[head] when
    the search ran to the sources, and from the source in cost[tail] + f *
    time when it ran from them.
    """
    tail, head, time = router.edge_tail, router.edge_head, router.edge_time
    if router.to_sources:
        spare = limit_s - router.cost[head]
        ok = spare > 0
        share = np.clip(spare[ok] / np.maximum(time[ok], 1e-12), 0.0, 1.0)
        end = router.xy[head[ok]]
        start = end + share[:, None] * (router.xy[tail[ok]] - end)
    else:
        spare = limit_s - router.cost[tail]
        ok = spare > 0
        share = np.clip(spare[ok] / np.maximum(time[ok], 1e-12), 0.0, 1.0)
        start = router.xy[tail[ok]]
        end = start + share[:, None] * (router.xy[head[ok]] - start)
    return start, end


def isochrone_bands(router, limits_s, buffer_m, to_lonlat):
    """[(from_s, to_s, polygon in EPSG:4326)] for the increasing ``limits_s``.

    ``to_lonlat``: maps (N, 2) local metres to lon/lat. Empty bands are left out.
    """
    bands = []
    previous = None
    lower = 0.0
    for limit in sorted(float(v) for v in limits_s):
        start, end = reachable_pieces(router, limit)
        if len(start):
            lines = shapely.linestrings(np.stack((start, end), axis=1))
            area = shapely.union_all(shapely.buffer(lines, buffer_m, quad_segs=4))
        else:
            area = shapely.Polygon()
        ring = area if previous is None else shapely.difference(area, previous)
        if not shapely.is_empty(ring):
            bands.append((lower, limit, shapely.transform(ring, to_lonlat)))
        previous = area if previous is None else shapely.union(previous, area)
        lower = limit
    return bands
