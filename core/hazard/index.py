"""The zone index: features (buildings, road lines, units) against classified hazard zones or units.

Zones come as {class code: MultiPolygon}, disjoint (see
:func:`refuge.core.hazard.zones.resolve_overlaps`). They are exploded into
single polygons and indexed once in an STRtree; every feature is then matched
in one bulk query, without a Python loop per feature.
"""

import functools
from dataclasses import dataclass

import numpy as np

from .. import threads
from ..errors import MissingDependencyError

try:
    import shapely
except ImportError as exc:  # pragma: no cover
    shapely = None
    _ERROR = str(exc)


class ZoneIndex:
    """Zone polygons (exploded), their codes and an STRtree over them.

    The union of all zones, needed only to cut lines, is computed on first use.
    """

    def __init__(self, parts, codes):
        if shapely is None:
            raise MissingDependencyError("shapely", _ERROR)
        self.parts = np.asarray(parts, dtype=object)
        self.codes = np.asarray(codes, dtype=np.int64)
        self.tree = shapely.STRtree(self.parts)
        self._union = None
        self._zone_sets = {}

    @classmethod
    def build(cls, zones):
        """From {code: (Multi)Polygon}."""
        parts, codes = [], []
        for code, geometry in zones.items():
            pieces = shapely.get_parts(geometry)
            parts.extend(pieces)
            codes.extend([code] * len(pieces))
        return cls(parts, codes)

    @classmethod
    def from_polygons(cls, polygons, codes):
        """From parallel arrays of (Multi)Polygons and codes; multipolygons are exploded."""
        parts, owner = shapely.get_parts(np.asarray(polygons, dtype=object), return_index=True)
        return cls(parts, np.asarray(codes)[owner])

    def zone_sets(self, code, count):
        """``count`` equal arrays of the zones of one class code, one per thread.

        The first holds the zones themselves, the others copies, made on first
        use and kept: their prepared indexes serve every later query.
        """
        sets = self._zone_sets.setdefault(code, [self.parts[self.codes == code]])
        if len(sets) < count:
            sets.extend(threads.private_copies(sets[0], count - len(sets) + 1)[1:])
        return sets[:count]

    @property
    def union(self):
        if self._union is None:
            self._union = shapely.union_all(self.parts) if len(self.parts) else shapely.MultiPolygon()
            shapely.prepare(self._union)
        return self._union


def max_class(geometries, index):
    """Highest class code of the zones each geometry intersects (0: none).

    A building touching zones of several classes takes the highest; a
    geometry that only touches a zone's boundary counts as intersecting it.
    """
    geometries = np.asarray(geometries, dtype=object)
    result = np.zeros(len(geometries), dtype=np.int8)
    remaining = np.arange(len(geometries))
    # Highest class first: a feature in a high zone is settled and is not tested against lower ones
    # (on the benchmark's buildings, half of the pair tests).
    for code in np.unique(index.codes[index.codes > 0])[::-1]:
        if not len(remaining):
            break
        found = np.zeros(len(remaining), dtype=bool)
        zone_sets = functools.partial(index.zone_sets, code)
        for _, feature in intersecting_pairs(zone_sets, geometries[remaining]):
            found[feature] = True
        result[remaining[found]] = code
        remaining = remaining[~found]
    return result


def intersecting_pairs(zones, features):
    """[(zone index, feature index)] arrays of every intersecting zone and feature, in chunks.

    The features go into an STRtree and the zones are the queries: GEOS then
    prepares each zone once (an indexed polygon) and tests every feature in
    its bounding box against it in logarithmic time, where preparing each
    feature would test it against every vertex of a large zone (for zones of
    a few thousand vertices, 80 times slower). From 20,000 features, the
    features are cut into one chunk per thread; each thread builds the tree
    of its own chunk and queries it with its own copy of the zones, so that
    no geometry is used by two threads at once (see :mod:`refuge.core.threads`).
    ``zones``: an array of polygons, or a function returning ``count`` equal
    arrays of them (such as :meth:`ZoneIndex.zone_sets`, which keeps its
    copies). Features of any geometry type; empty and missing ones match
    nothing.
    """
    sets = zones if callable(zones) else functools.partial(threads.private_copies, zones)
    features = np.asarray(features, dtype=object)
    if not len(features) or not len(sets(1)[0]):
        return []
    bounds = threads.chunk_bounds(len(features), 10_000)
    zone_sets = sets(len(bounds))

    def query(index, start, stop):
        tree = shapely.STRtree(features[start:stop])
        zone, feature = tree.query(zone_sets[index], predicate="intersects")
        return zone, feature + start

    return threads.map_chunks(query, bounds)


def containing_unit(geometries, units):
    """Index of the unit polygon holding each geometry's representative point (-1: none).

    A feature straddling two units is counted once, in the unit that holds
    the point GEOS guarantees inside it (``point_on_surface``); where units
    overlap, the first unit wins.
    """
    geometries = np.asarray(geometries, dtype=object)
    result = np.full(len(geometries), -1, dtype=np.int64)
    if not len(geometries) or not len(units):
        return result
    points = threads.elementwise(shapely.point_on_surface, geometries)
    units = np.asarray(units, dtype=object)
    # Points against a unit of a few vertices: one bulk query, each point tested directly. Units
    # with more vertices (real admin boundaries) are the queries instead, prepared once each.
    simple = shapely.get_num_coordinates(units) <= 64
    found = []
    if simple.any():
        position = np.flatnonzero(simple)
        feature, unit = shapely.STRtree(units[position]).query(points, predicate="intersects")
        found.append((position[unit], feature))
    if not simple.all():
        position = np.flatnonzero(~simple)
        found.extend((position[unit], feature)
                     for unit, feature in intersecting_pairs(units[position], points))
    unit = np.concatenate([pair[0] for pair in found])
    feature = np.concatenate([pair[1] for pair in found])
    # Keep the lowest unit index per feature: reverse so the first write wins last.
    order = np.lexsort((-unit, feature))
    result[feature[order]] = unit[order]
    return result


@dataclass
class LinePieces:
    """Lines split at zone boundaries: piece geometry, source line, zone code (0: outside)."""

    geometries: np.ndarray
    line_index: np.ndarray
    codes: np.ndarray


def split_lines(lines, index, prefer_highest=True):
    """Split lines at zone boundaries into exposed pieces and unexposed remainders.

    Every point of every line ends in exactly one piece; pieces keep the
    index of their line. Lines touching no zone stay whole, class 0. A
    stretch of line running along the boundary between two zones belongs to
    both zones' closures: it goes to the zone of highest code
    (``prefer_highest``, as a building touching two classes takes the
    highest) or of lowest code (units: the first unit wins), once.
    """
    lines = np.asarray(lines, dtype=object)
    count = len(lines)
    if count == 0:
        return LinePieces(np.empty(0, dtype=object), np.zeros(0, np.int64), np.zeros(0, np.int64))
    pieces, owners, codes = [], [], []
    touched = np.zeros(count, dtype=bool)
    line = np.zeros(0, dtype=np.int64)
    if len(index.parts):
        line, part = index.tree.query(lines, predicate="intersects")
        touched[line] = True
    outside_index = np.flatnonzero(touched)
    rest = shapely.difference(lines[outside_index], index.union) if len(outside_index) else None
    if len(line):
        cut = shapely.intersection(lines[line], index.parts[part])
        outside_length = np.zeros(count)
        outside_length[outside_index] = shapely.length(rest)
        cut = _once_along_boundaries(lines, line, index.codes[part], cut, outside_length, prefer_highest)
        linear, owner = _linear_parts(cut)
        pieces.append(linear)
        owners.append(line[owner])
        codes.append(index.codes[part][owner])
    if len(outside_index):
        linear, owner = _linear_parts(rest)
        pieces.append(linear)
        owners.append(outside_index[owner])
        codes.append(np.zeros(len(linear), dtype=np.int64))
    untouched = np.flatnonzero(~touched)
    pieces.append(lines[untouched])
    owners.append(untouched)
    codes.append(np.zeros(len(untouched), dtype=np.int64))
    return LinePieces(np.concatenate(pieces), np.concatenate(owners).astype(np.int64),
                      np.concatenate(codes))


def _once_along_boundaries(lines, line, codes, cut, outside_length, prefer_highest):
    """``cut`` (one overlay result per line and zone pair) with each stretch of line in one piece.

    Zones touch along their boundaries, and a line running along one gets a
    piece from each zone. Those lines are found by their lengths (pieces of a
    line that do not overlap, with the part outside every zone,
    ``outside_length``, add up to the line's length); for them only, each
    piece loses what the pieces of preferred zones of the same line hold.
    """
    lengths = np.bincount(line, weights=shapely.length(cut), minlength=len(lines))
    total = shapely.length(lines)
    overlapping = np.flatnonzero(lengths + outside_length > total * (1 + 1e-9) + 1e-12)
    if not len(overlapping):
        return cut
    cut = cut.copy()
    pairs = np.flatnonzero(np.isin(line, overlapping))
    # Preferred pieces first, each line's pieces in turn.
    rank_codes = -codes[pairs] if prefer_highest else codes[pairs]
    pairs = pairs[np.lexsort((rank_codes, line[pairs]))]
    # Only the linear parts carry length (an overlay may add points where a line touches a corner),
    # and line-on-line overlays are supported by every GEOS version.
    members, member_owner = shapely.get_parts(cut[pairs], return_index=True)
    parts, part_member = shapely.get_parts(members, return_index=True)  # multi-lines -> lines
    part_owner = member_owner[part_member]
    linear = shapely.get_type_id(parts) == 1
    for position, pair in enumerate(pairs.tolist()):
        cut[pair] = shapely.MultiLineString(list(parts[linear & (part_owner == position)]))
    held = {}
    for pair in pairs.tolist():
        owner = int(line[pair])
        if owner in held:
            piece = cut[pair]
            cut[pair] = shapely.difference(piece, held[owner])
            held[owner] = shapely.union(held[owner], piece)
        else:
            held[owner] = cut[pair]
    return cut


def _linear_parts(geometries):
    """Non-empty LineString parts of overlay results, with their source index.

    Overlays can return points (a line touching a zone corner) or collections;
    only the linear parts carry length.
    """
    parts, owner = shapely.get_parts(geometries, return_index=True)
    lines, sub_owner = shapely.get_parts(parts, return_index=True)  # MultiLineString -> lines
    owner = owner[sub_owner]
    keep = (shapely.get_type_id(lines) == 1) & ~shapely.is_empty(lines)
    return lines[keep], owner[keep]

