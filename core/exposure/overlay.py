"""Vector overlay of exposure features with classified hazard zones.

Zones come as {class code: MultiPolygon}, disjoint (see
:func:`refuge.core.hazard.zones.resolve_overlaps`). They are exploded into
single polygons and indexed once in an STRtree; every feature is then matched
in one bulk query, without a Python loop per feature.
"""

import os
from dataclasses import dataclass

import numpy as np

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
    if len(geometries) and len(index.parts):
        for start, (feature, part) in query_in_threads(index.tree, geometries):
            codes = index.codes[part]
            # Codes are few: assigning them in rising order leaves the highest (faster than maximum.at).
            for code in np.unique(codes):
                hit = start + feature[codes == code]
                result[hit] = np.maximum(result[hit], code)
    return result


def query_in_threads(tree, geometries, predicate="intersects", chunk=25_000):
    """(offset, (input index, tree index)) pairs of a bulk STRtree query, run in threads.

    GEOS releases Python's lock during the query, so chunks of the input run
    on every core at once (up to four threads). Queries only read the tree;
    each thread has its own input geometries.
    """
    if len(geometries) <= chunk:
        return [(0, tree.query(geometries, predicate=predicate))]
    from concurrent.futures import ThreadPoolExecutor

    tree.query(shapely.Point(0.0, 0.0))  # the tree is built before any thread uses it
    starts = range(0, len(geometries), chunk)
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        results = pool.map(lambda start: tree.query(geometries[start:start + chunk], predicate=predicate),
                           starts)
        return list(zip(starts, results))


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
    points = shapely.point_on_surface(geometries)
    tree = shapely.STRtree(np.asarray(units, dtype=object))
    feature, unit = tree.query(points, predicate="intersects")
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


def split_lines(lines, index):
    """Split lines at zone boundaries into exposed pieces and unexposed remainders.

    Every point of every line ends in exactly one piece; pieces keep the
    index of their line. Lines touching no zone stay whole, class 0.
    """
    lines = np.asarray(lines, dtype=object)
    count = len(lines)
    if count == 0:
        return LinePieces(np.empty(0, dtype=object), np.zeros(0, np.int64), np.zeros(0, np.int64))
    pieces, owners, codes = [], [], []
    touched = np.zeros(count, dtype=bool)
    if len(index.parts):
        line, part = index.tree.query(lines, predicate="intersects")
        if len(line):
            cut = shapely.intersection(lines[line], index.parts[part])
            linear, owner = _linear_parts(cut)
            pieces.append(linear)
            owners.append(line[owner])
            codes.append(index.codes[part][owner])
            touched[line] = True
    outside_index = np.flatnonzero(touched)
    if len(outside_index):
        rest = shapely.difference(lines[outside_index], index.union)
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

