"""Random geometries of every WKB type, shared by tests/unit/test_core_wkb.py and
tests/e2e/test_property_algorithms.py, and the GeoPackage writer that stores any WKB.

A geometry is a small tree (:class:`Node`) encoded here as ISO WKB (the
encoder is checked against OGR's in test_core_wkb.py): points, lines,
polygons with holes, their multi- forms, nested collections, the curve types
(CIRCULARSTRING, COMPOUNDCURVE, CURVEPOLYGON, MULTICURVE, MULTISURFACE), the
surface types (TRIANGLE, POLYHEDRALSURFACE, TIN), in 2D, Z, M or ZM, with
EMPTY parts, degenerate rings, unclosed rings, lines of one point, duplicated
points, NaN and infinite coordinates. :func:`corrupted` damages valid WKB
byte by byte.

:func:`write_gpkg` writes features whose geometry blobs hold exactly the
given WKB bytes (SQLite, not OGR, writes the blobs: OGR would refuse or
rewrite the hostile ones), so QGIS and GDAL read what a damaged or exotic
file would give them.
"""

import dataclasses
import functools
import math
import os
import sqlite3
import struct

from hypothesis import strategies as st

# ISO WKB type codes.
CODES = {
    "Point": 1,
    "LineString": 2,
    "Polygon": 3,
    "MultiPoint": 4,
    "MultiLineString": 5,
    "MultiPolygon": 6,
    "GeometryCollection": 7,
    "CircularString": 8,
    "CompoundCurve": 9,
    "CurvePolygon": 10,
    "MultiCurve": 11,
    "MultiSurface": 12,
    "PolyhedralSurface": 15,
    "TIN": 16,
    "Triangle": 17,
}
DIMS = {"": 0, "Z": 1000, "M": 2000, "ZM": 3000}
WIDTH = {"": 2, "Z": 3, "M": 3, "ZM": 4}
SEQUENCES = ("LineString", "CircularString")  # a list of points
RINGED = ("Polygon", "Triangle")  # a list of rings, each a list of points
CURVED = ("CircularString", "CompoundCurve", "CurvePolygon", "MultiCurve", "MultiSurface")
SURFACES = ("Triangle", "PolyhedralSurface", "TIN")


@dataclasses.dataclass(frozen=True)
class Node:
    """One geometry: ``kind`` (a key of CODES) and ``items``.

    Point: a tuple of coordinates, or None for EMPTY; LineString and
    CircularString: a tuple of points; Polygon and Triangle: a tuple of rings
    (tuples of points); every other kind: a tuple of Nodes.
    """

    kind: str
    items: object

    def walk(self):
        """This node and every node under it."""
        yield self
        if self.kind not in ("Point", *SEQUENCES, *RINGED):
            for child in self.items:
                yield from child.walk()

    def coordinates(self):
        """Every coordinate tuple in the tree."""
        for node in self.walk():
            if node.kind == "Point" and node.items is not None:
                yield node.items
            elif node.kind in SEQUENCES:
                yield from node.items
            elif node.kind in RINGED:
                for ring in node.items:
                    yield from ring


def encode(node, dims="", big_endian=False):
    """ISO WKB of ``node`` with coordinates of ``dims`` ("", "Z", "M" or "ZM")."""
    order = ">" if big_endian else "<"
    width = WIDTH[dims]
    out = [struct.pack(order + "BI", 0 if big_endian else 1, CODES[node.kind] + DIMS[dims])]

    def points(sequence):
        out.append(struct.pack(order + "I", len(sequence)))
        for point in sequence:
            out.append(struct.pack(order + "d" * width, *point))

    if node.kind == "Point":
        coordinates = node.items if node.items is not None else (math.nan,) * width
        out.append(struct.pack(order + "d" * width, *coordinates))
    elif node.kind in SEQUENCES:
        points(node.items)
    elif node.kind in RINGED:
        out.append(struct.pack(order + "I", len(node.items)))
        for ring in node.items:
            points(ring)
    else:
        out.append(struct.pack(order + "I", len(node.items)))
        for child in node.items:
            out.append(encode(child, dims, big_endian))
    return b"".join(out)


def transformed(node, scale, dx, dy):
    """``node`` with x, y mapped to (dx + scale x, dy + scale y) (NaN and infinities stay so)."""

    def point(p):
        return (dx + scale * p[0], dy + scale * p[1], *p[2:])

    if node.kind == "Point":
        return Node("Point", None if node.items is None else point(node.items))
    if node.kind in SEQUENCES:
        return Node(node.kind, tuple(point(p) for p in node.items))
    if node.kind in RINGED:
        return Node(node.kind, tuple(tuple(point(p) for p in ring) for ring in node.items))
    return Node(node.kind, tuple(transformed(child, scale, dx, dy) for child in node.items))


# -- strategies -----------------------------------------------------------------------------------
# Built once (cached): strategies made afresh at each draw cost hypothesis a repr each time.


def _often(usual, rare, times=6):
    """``usual`` about ``times`` times as often as ``rare``.

    (Not one_of: hypothesis draws the first and last branches of a choice, and the smallest and
    largest integers, far more often than the others, which would make the rare branch common.)
    """
    cut = 1000 // (times + 1)
    return st.integers(0, 1000).flatmap(lambda k: rare if 400 <= k < 400 + cut else usual)


@functools.cache
def numbers(hostile=True):
    """Mostly finite coordinates (small whole numbers: shared vertices, duplicated points and
    collinear runs are frequent; or any finite float of a map's range), sometimes NaN or infinite."""
    finite = st.one_of(
        st.integers(-20, 20).map(float), st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
    )
    if not hostile:
        return finite
    return _often(finite, st.sampled_from([math.nan, math.inf, -math.inf]), times=40)


@functools.cache
def point_tuples(dims, hostile=True):
    return st.tuples(*[numbers(hostile) for _ in range(WIDTH[dims])])


@functools.cache
def sequence(dims, low, high, hostile=True):
    return st.lists(point_tuples(dims, hostile), min_size=low, max_size=high).map(tuple)


def _close(points):
    return points + (points[0],)


@functools.cache
def ring(dims, hostile=True):
    """A ring: usually closed with 4 or more points; when hostile, sometimes degenerate
    (fewer than 4 points), open, or EMPTY."""
    closed = sequence(dims, 3, 7, hostile).map(_close)
    if not hostile:
        return closed
    return _often(closed, sequence(dims, 0, 5, hostile), times=5)


@functools.cache
def points(dims, hostile=True):
    some = point_tuples(dims, hostile).map(lambda p: Node("Point", p))
    return _often(some, st.just(Node("Point", None))) if hostile else some


@functools.cache
def lines(dims, hostile=True):
    usual = sequence(dims, 2, 6, hostile).map(lambda p: Node("LineString", p))
    if not hostile:
        return usual
    return _often(usual, sequence(dims, 0, 1).map(lambda p: Node("LineString", p)))


@functools.cache
def polygons(dims, hostile=True):
    outer = ring(dims, hostile).map(lambda r: (r,))
    holed = st.tuples(ring(dims, hostile), st.lists(ring(dims, hostile), min_size=1, max_size=2)).map(
        lambda r: (r[0], *r[1])
    )
    usual = st.one_of(outer, outer, holed).map(lambda r: Node("Polygon", r))
    return _often(usual, st.just(Node("Polygon", ()))) if hostile else usual


@functools.cache
def circular_strings(dims):
    # An odd number of points (3, 5, 7), or, rarely, any number: a hostile file may hold anything.
    odd = st.sampled_from([3, 5, 7]).flatmap(lambda n: sequence(dims, n, n))
    return _often(odd, sequence(dims, 0, 4), times=4).map(lambda p: Node("CircularString", p))


@functools.cache
def compound_curves(dims):
    return st.lists(st.one_of(lines(dims), circular_strings(dims)), min_size=1, max_size=3).map(
        lambda parts: Node("CompoundCurve", tuple(parts))
    )


def _arc_ring(p):
    a, b, c = p
    return Node("CircularString", (a, b, a)) if c is None else Node("CircularString", (a, b, c, b, a))


@functools.cache
def closed_arcs(dims):
    """A closed CIRCULARSTRING (a circle, or two arcs), a ring of a CURVEPOLYGON."""
    return st.tuples(point_tuples(dims), point_tuples(dims), st.none() | point_tuples(dims)).map(_arc_ring)


@functools.cache
def curve_polygons(dims):
    ring_curve = st.one_of(
        closed_arcs(dims),
        closed_arcs(dims),
        ring(dims).map(lambda p: Node("LineString", p)),
        compound_curves(dims),
    )
    return st.lists(ring_curve, min_size=1, max_size=2).map(lambda r: Node("CurvePolygon", tuple(r)))


@functools.cache
def triangles(dims):
    return ring(dims).map(lambda r: Node("Triangle", (r,)))


def _multi(kind, part, high=4, hostile=True):
    return st.lists(part, min_size=0 if hostile else 1, max_size=high).map(
        lambda parts: Node(kind, tuple(parts))
    )


@functools.cache
def simple_geometries(dims, hostile=True):
    """One geometry of any kind but a collection."""
    base = [
        points(dims, hostile),
        lines(dims, hostile),
        polygons(dims, hostile),
        _multi("MultiPoint", points(dims, hostile), hostile=hostile),
        _multi("MultiLineString", lines(dims, hostile), hostile=hostile),
        _multi("MultiPolygon", polygons(dims, hostile), hostile=hostile),
    ]
    if hostile:
        base += [
            circular_strings(dims),
            compound_curves(dims),
            curve_polygons(dims),
            _multi("MultiCurve", st.one_of(lines(dims), circular_strings(dims), compound_curves(dims))),
            _multi("MultiSurface", st.one_of(polygons(dims), curve_polygons(dims))),
            triangles(dims),
            _multi("PolyhedralSurface", polygons(dims), high=3),
            _multi("TIN", triangles(dims), high=3),
        ]
    return st.one_of(*base)


@functools.cache
def trees(dims, hostile=True):
    """Any geometry; when hostile, geometry collections nested up to a few deep."""
    if not hostile:
        return simple_geometries(dims, False)
    collections = st.recursive(
        simple_geometries(dims), lambda children: _multi("GeometryCollection", children, high=3), max_leaves=5
    )
    return _often(simple_geometries(dims), collections, times=4)


@functools.cache
def wkb_geometries(hostile=True):
    """(Node, dims, WKB bytes): any geometry in any dimension ("", Z, M, ZM), in either byte order."""
    return (
        st.sampled_from(sorted(DIMS))
        .flatmap(lambda dims: st.tuples(trees(dims, hostile), st.just(dims), st.booleans()))
        .map(lambda t: (t[0], t[1], encode(t[0], t[1], t[2])))
    )


def _damage(data, edits):
    data = bytearray(data)
    for action, position, payload in edits:
        position = position % (len(data) + 1)
        if action == "replace" and position < len(data):
            data[position] = payload[0] if payload else 0
        elif action == "truncate":
            del data[position:]
        else:
            data[position:position] = payload
    return bytes(data)


@functools.cache
def corrupted():
    """Valid WKB with a few bytes replaced, inserted, or cut short."""
    edit = st.tuples(
        st.sampled_from(["replace", "replace", "truncate", "insert"]),
        st.integers(0, 4096),
        st.binary(min_size=1, max_size=8),
    )
    return st.tuples(wkb_geometries(), st.lists(edit, min_size=1, max_size=3)).map(
        lambda t: _damage(t[0][2], t[1])
    )


@functools.cache
def any_items():
    """One input item of a reader: WKB (mostly valid, sometimes damaged), None or b''."""
    valid = wkb_geometries().map(lambda g: g[2])
    return _often(valid, st.one_of(corrupted(), st.none(), st.just(b"")), times=5)


def is_clean(node, dims):
    """True when ``node`` is plain linear WKB GEOS reads as is: no curve or surface type, no EMPTY
    part, rings closed with 4 or more points, lines of 2 or more, every coordinate finite."""
    for item in node.walk():
        if item.kind in CURVED or item.kind in SURFACES or item.kind == "GeometryCollection":
            return False
        if item.kind == "Point" and item.items is None:
            return False
        if item.kind == "LineString" and len(item.items) < 2:
            return False
        if item.kind == "Polygon" and (
            not item.items or any(len(r) < 4 or r[0][:2] != r[-1][:2] for r in item.items)
        ):
            return False
        if item.kind in ("MultiPoint", "MultiLineString", "MultiPolygon") and not item.items:
            return False
    return all(math.isfinite(v) for p in node.coordinates() for v in p[:2])


# -- GeoPackage layers holding any WKB ------------------------------------------------------------


def gpkg_blob(data, srs_id):
    """A GeoPackage geometry blob (no envelope) around WKB ``data``; None stays None."""
    if data is None:
        return None
    return b"GP" + struct.pack("<BBi", 0, 1, srs_id) + data


def write_gpkg(path, name, geometry_type, rows, fields=(), epsg=4326):
    """A GeoPackage layer whose geometry blobs hold exactly the WKB given; returns its fids.

    ``rows``: (WKB bytes or None, {field: value}); ``fields``: [(name, OGR field type)];
    ``geometry_type``: an OGR type (ogr.wkbUnknown for a layer of any geometry). The layer
    has no spatial index (its triggers need GDAL's SQL functions).
    """
    from osgeo import ogr, osr

    path = str(path)
    data = ogr.Open(path, 1) if os.path.exists(path) else ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    layer = data.CreateLayer(name, srs, geometry_type, options=["SPATIAL_INDEX=NO"])
    for field, kind in fields:
        layer.CreateField(ogr.FieldDefn(field, kind))
    fids = []
    layer.StartTransaction()
    for _, values in rows:
        feature = ogr.Feature(layer.GetLayerDefn())
        for field, value in values.items():
            if value is None:
                feature.SetFieldNull(field)
            else:
                feature.SetField(field, value)
        layer.CreateFeature(feature)
        fids.append(feature.GetFID())
    layer.CommitTransaction()
    column = layer.GetGeometryColumn()
    data = None
    connection = sqlite3.connect(path)
    try:
        srs_id = connection.execute(
            "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (name,)
        ).fetchone()[0]
        connection.executemany(
            f'UPDATE "{name}" SET "{column}" = ? WHERE fid = ?',
            [(gpkg_blob(item, srs_id), fid) for (item, _), fid in zip(rows, fids)],
        )
        connection.commit()
    finally:
        connection.close()
    return fids
