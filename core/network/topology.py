"""Node ids for road lines that carry none (any line layer, not from OSM).

Lines meet where they share a vertex, where one ends on or near another
(within the tolerance, in metres), and where two lines at the same level
cross. Bridges and tunnels sit on their own level: they cross what lies under
or over them without meeting it, but their ends join the roads that continue
them. Crossing and end points are inserted as vertices into the lines they
lie on; vertices closer than the tolerance then share one node id.
"""

import numpy as np

from .graph import require, shapely

try:
    import scipy.sparse
    import scipy.sparse.csgraph
    from scipy.spatial import cKDTree
except ImportError:  # pragma: no cover - require() reports it
    pass


def node_lines(lines_xy, tolerance_m, level=None):
    """(lines with junction vertices inserted, node id array per line).

    ``lines_xy``: LineStrings in a metric CRS. ``level``: integer per line
    (0 at ground level; bridges and tunnels another value each), lines at
    different levels meet only end to end. The returned lines keep their
    order; every returned vertex has one node id.
    """
    require()
    lines = np.asarray(lines_xy, dtype=object)
    count = len(lines)
    level = np.zeros(count, dtype=np.int64) if level is None else np.asarray(level, dtype=np.int64)
    tolerance_m = max(float(tolerance_m), 0.0)
    extra_line, extra_xy = [], []
    tree = shapely.STRtree(lines)

    # Crossings of lines at the same level.
    left, right = tree.query(lines, predicate="intersects")
    keep = (left < right) & (level[left] == level[right])
    left, right = left[keep], right[keep]
    if len(left):
        meeting = shapely.intersection(lines[left], lines[right])
        parts, pair = shapely.get_parts(meeting, return_index=True)
        # Overlapping stretches meet at their ends.
        points = np.where(shapely.get_type_id(parts) == 0, parts, shapely.boundary(parts))
        coords, point_of = shapely.get_coordinates(points, return_index=True)
        pair = pair[point_of]
        extra_line += [left[pair], right[pair]]
        extra_xy += [coords, coords]

    # Line ends on or near another line at the same level (T-junctions, undershoots).
    starts = shapely.get_point(lines, 0)
    ends = shapely.get_point(lines, -1)
    tips = np.concatenate((starts, ends))
    tip_line = np.tile(np.arange(count), 2)
    tip_index, near = tree.query(shapely.buffer(tips, max(tolerance_m, 1e-9), quad_segs=2))
    keep = (near != tip_line[tip_index]) & (level[near] == level[tip_line[tip_index]])
    tip_index, near = tip_index[keep], near[keep]
    close = shapely.distance(tips[tip_index], lines[near]) <= max(tolerance_m, 1e-9)
    tip_index, near = tip_index[close], near[close]
    if len(near):
        on_line = shapely.line_interpolate_point(lines[near], shapely.line_locate_point(
            lines[near], tips[tip_index]))
        extra_line.append(near)
        extra_xy.append(shapely.get_coordinates(on_line))

    lines = _insert_vertices(lines, extra_line, extra_xy)
    coords, vertex_line = shapely.get_coordinates(lines, return_index=True)
    is_tip = np.zeros(len(coords), dtype=bool)
    if len(coords):
        is_tip[0] = is_tip[-1] = True
        change = np.flatnonzero(vertex_line[1:] != vertex_line[:-1])
        is_tip[change] = is_tip[change + 1] = True
    ids = _cluster(coords, vertex_line, is_tip, level, tolerance_m)
    bounds = np.searchsorted(vertex_line, np.arange(count + 1))
    return lines, [ids[bounds[i]:bounds[i + 1]] for i in range(count)]


def _insert_vertices(lines, extra_line, extra_xy):
    """Lines with the extra points inserted in order along them."""
    if not extra_line:
        return lines
    extra_line = np.concatenate(extra_line)
    extra_xy = np.concatenate(extra_xy)
    if not len(extra_line):
        return lines
    coords, vertex_line = shapely.get_coordinates(lines, return_index=True)
    step = np.zeros(len(coords))
    same = vertex_line[1:] == vertex_line[:-1]
    step[1:] = np.where(same, np.hypot(*(coords[1:] - coords[:-1]).T), 0.0)
    # Running length along each line, restarting at each line's first vertex.
    total = np.cumsum(step)
    first = np.searchsorted(vertex_line, vertex_line)
    measure = total - total[first]
    extra_measure = shapely.line_locate_point(lines[extra_line], shapely.points(extra_xy))
    all_line = np.concatenate((vertex_line, extra_line))
    all_measure = np.concatenate((measure, extra_measure))
    all_xy = np.concatenate((coords, extra_xy))
    is_extra = np.concatenate((np.zeros(len(coords), bool), np.ones(len(extra_line), bool)))
    order = np.lexsort((is_extra, all_measure, all_line))
    all_line, all_measure = all_line[order], all_measure[order]
    all_xy, is_extra = all_xy[order], is_extra[order]
    # An extra point on an existing vertex (or a repeated one) adds nothing.
    duplicate = np.zeros(len(all_line), dtype=bool)
    duplicate[1:] = (all_line[1:] == all_line[:-1]) & (np.abs(all_xy[1:] - all_xy[:-1]).max(axis=1) < 1e-9)
    drop = duplicate & is_extra
    all_line, all_xy = all_line[~drop], all_xy[~drop]
    return shapely.linestrings(all_xy, indices=all_line)


def _cluster(coords, vertex_line, is_tip, level, tolerance_m):
    """Node id of each vertex: vertices within the tolerance share one.

    Vertices of lines at different levels merge only when both are line ends.
    """
    count = len(coords)
    if not count:
        return np.zeros(0, dtype=np.int64)
    # Exact duplicates first (the usual case), then near ones.
    _, exact = np.unique(coords, axis=0, return_inverse=True)
    exact = exact.reshape(-1)
    pairs = [np.column_stack((np.arange(count), exact + count))]
    if tolerance_m > 0:
        near = cKDTree(coords).query_pairs(tolerance_m, output_type="ndarray")
        if len(near):
            pairs.append(near)
    edges = np.concatenate(pairs)
    i, j = edges[:, 0], edges[:, 1]
    real = j < count
    allowed = ~real.copy()
    ri, rj = i[real], j[real]
    allowed[real] = (level[vertex_line[ri]] == level[vertex_line[rj]]) | (is_tip[ri] & is_tip[rj])
    # Exact duplicates at different levels: join through the shared coordinate only for tips.
    dup = ~real
    di = i[dup]
    tip_or_ground = is_tip[di] | (level[vertex_line[di]] == 0)
    allowed[dup] = tip_or_ground
    i, j = i[allowed], j[allowed]
    size = count + int(exact.max()) + 1
    matrix = scipy.sparse.coo_matrix((np.ones(len(i)), (i, j)), shape=(size, size))
    _, labels = scipy.sparse.csgraph.connected_components(matrix, directed=False)
    return labels[:count].astype(np.int64)
