"""refuge.core.wkb.from_wkb: any WKB becomes a geometry GEOS computes with safely, or a reason code.

Before the fix, curves ("Unknown WKB type 10"), EMPTY parts (a segmentation fault in
point_on_surface or union) and NaN coordinates reached GEOS. Every call of from_wkb on a
hostile input here, and every GEOS operation on what it returns, runs in a separate worker
process: a segmentation fault makes the test fail with the input that caused it instead of
killing the test session. Expectations come from hand computation (areas of circles, lengths
of arcs), shapely on the plain parts, and OGR.
"""

import math
import os
import pickle
import struct
import subprocess
import sys

import pytest
import shapely
from conftest import ROOT
from geometry_strategies import Node, encode, is_clean, wkb_geometries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from osgeo import ogr
from refuge.core import wkb

NAN, INF = math.nan, math.inf
POINT, LINE, POLYGON = wkb.POINT, wkb.LINE, wkb.POLYGON

# -- the worker process ---------------------------------------------------------------------------

WORKER = r'''
import pickle, resource, struct, sys, traceback
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a runaway allocation fails, not the machine
import numpy as np
import shapely
from refuge.core import wkb

BOX = shapely.box(-5.0, -5.0, 5.0, 5.0)


def check(geometry, reason, dimensions):
    """Problems of one result of from_wkb (an empty list when it is safe and consistent)."""
    if geometry is None:
        return [] if reason in wkb.REASONS else [f"no geometry but reason {reason!r}"]
    problems = []
    if reason is not None:
        problems.append(f"a geometry and a reason {reason!r}")
    if not isinstance(geometry, shapely.Geometry):
        return problems + [f"not a shapely geometry: {geometry!r}"]
    if geometry.is_empty:
        problems.append("an EMPTY geometry")
    if shapely.has_z(geometry):
        problems.append("a Z coordinate kept")
    if not np.isfinite(shapely.get_coordinates(geometry)).all():
        problems.append("coordinates that are not finite")
    if dimensions is not None and shapely.get_dimensions(geometry) not in dimensions:
        problems.append(f"dimension {shapely.get_dimensions(geometry)} not in {sorted(dimensions)}")
    for name, operation, overlay in OPERATIONS:
        if overlay and dimensions is None:
            continue  # a raw collection of overlapping polygons is no valid input to an overlay
        try:
            operation(geometry)
        except Exception as exc:
            problems.append(f"{name} raised {type(exc).__name__}: {exc}")
    return problems


def tree_query(geometry):
    tree = shapely.STRtree([geometry])
    tree.query(BOX)
    tree.query(shapely.point_on_surface(geometry))


def repaired_query(geometry):
    tree = shapely.STRtree([shapely.make_valid(geometry)])
    tree.query(BOX, predicate="intersects")


# (name, operation, is an overlay or predicate: run on what from_wkb gives for an input of known
# dimensions only, as the engine does, after make_valid where the engine repairs)
OPERATIONS = [
    ("point_on_surface", shapely.point_on_surface, False),
    ("make_valid", shapely.make_valid, False),
    ("union_all with a box", lambda g: shapely.union_all([shapely.make_valid(g), BOX]), False),
    ("intersection with a box", lambda g: shapely.intersection(shapely.make_valid(g), BOX), True),
    ("STRtree query", tree_query, False),
    ("STRtree intersects query", repaired_query, True),
    ("area and length", lambda g: (shapely.area(g), shapely.length(g)), False),
    ("get_coordinates", shapely.get_coordinates, False),
    ("bounds", shapely.bounds, False),
    ("WKB round trip", lambda g: shapely.from_wkb(shapely.to_wkb(g)), False),
]


def run(items, dimensions):
    try:
        result = wkb.from_wkb(items, dimensions)
    except Exception:
        return {"error": traceback.format_exc()}
    if len(result.geometries) != len(items) or len(result.reasons) != len(items):
        return {"error": f"{len(result.geometries)} results for {len(items)} inputs"}
    rows = []
    for geometry, reason in zip(result.geometries, result.reasons):
        problems = check(geometry, reason, dimensions)
        rows.append((None if geometry is None else shapely.to_wkb(geometry), reason, problems))
    return {"rows": rows}


while True:
    header = sys.stdin.buffer.read(8)
    if len(header) < 8:
        break
    items, dimensions = pickle.loads(sys.stdin.buffer.read(struct.unpack("<Q", header)[0]))
    reply = pickle.dumps(run(items, dimensions))
    sys.stdout.buffer.write(struct.pack("<Q", len(reply)) + reply)
    sys.stdout.buffer.flush()
'''


class Worker:
    """A Python process running from_wkb and the GEOS battery; restarted after it dies."""

    def __init__(self):
        self.process = None

    def start(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [os.path.join(ROOT, "build", "pythonpath"), env.get("PYTHONPATH")])
        )
        env["CPL_LOG"] = os.devnull  # GDAL's messages about damaged curves are not under test here
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )

    def run(self, items, dimensions=None):
        """{"rows": [(WKB or None, reason, problems)]} or {"error": text}; fails the test on a crash."""
        if self.process is None or self.process.poll() is not None:
            self.start()
        message = pickle.dumps((list(items), None if dimensions is None else set(dimensions)))
        try:
            self.process.stdin.write(struct.pack("<Q", len(message)) + message)
            self.process.stdin.flush()
            header = self.process.stdout.read(8)
            reply = self.process.stdout.read(struct.unpack("<Q", header)[0]) if len(header) == 8 else b""
        except BrokenPipeError:
            header = reply = b""
        if not reply:
            code = self.process.wait(timeout=30)
            self.process = None
            shown = [None if item is None else bytes(item).hex() for item in items]
            pytest.fail(
                f"from_wkb or a GEOS operation on its result killed the process (exit code "
                f"{code}{', a segmentation fault' if code == -11 else ''}) on the WKB {shown} "
                f"with dimensions {dimensions}"
            )
        return pickle.loads(reply)

    def close(self):
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def worker():
    process = Worker()
    yield process
    process.close()


def read(worker, items, dimensions=None):
    """[(shapely geometry or None, reason)] of from_wkb, after the battery found no problem."""
    answer = worker.run(items, dimensions)
    assert "error" not in answer, answer.get("error")
    rows = answer["rows"]
    problems = [(i, p) for i, (_, _, p) in enumerate(rows) if p]
    assert not problems, problems
    return [(None if data is None else shapely.from_wkb(data), reason) for data, reason, _ in rows]


def one(worker, item, dimensions=None):
    return read(worker, [item], dimensions)[0]


def from_wkt(text):
    """ISO WKB of ``text`` written by OGR (curves, Z, M and EMPTY parts included)."""
    geometry = ogr.CreateGeometryFromWkt(text)
    assert geometry is not None, text
    return bytes(geometry.ExportToIsoWkb(ogr.wkbNDR))


# -- the encoder the property tests use -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, node, dims",
    [
        ("POINT (1 2)", Node("Point", (1.0, 2.0)), ""),
        ("LINESTRING Z (0 0 1, 1 1 2)", Node("LineString", ((0.0, 0.0, 1.0), (1.0, 1.0, 2.0))), "Z"),
        (
            "POLYGON M ((0 0 5, 1 0 5, 1 1 5, 0 0 5))",
            Node("Polygon", (((0.0, 0.0, 5.0), (1.0, 0.0, 5.0), (1.0, 1.0, 5.0), (0.0, 0.0, 5.0)),)),
            "M",
        ),
        (
            "CIRCULARSTRING ZM (0 0 1 2, 1 1 1 2, 2 0 1 2)",
            Node("CircularString", ((0.0, 0.0, 1.0, 2.0), (1.0, 1.0, 1.0, 2.0), (2.0, 0.0, 1.0, 2.0))),
            "ZM",
        ),
        (
            "MULTIPOINT (EMPTY, (1 1))",
            Node("MultiPoint", (Node("Point", None), Node("Point", (1.0, 1.0)))),
            "",
        ),
        (
            "GEOMETRYCOLLECTION (CURVEPOLYGON (CIRCULARSTRING (0 0, 2 0, 0 0)), MULTICURVE ((0 0, 1 1)))",
            Node(
                "GeometryCollection",
                (
                    Node("CurvePolygon", (Node("CircularString", ((0.0, 0.0), (2.0, 0.0), (0.0, 0.0))),)),
                    Node("MultiCurve", (Node("LineString", ((0.0, 0.0), (1.0, 1.0))),)),
                ),
            ),
            "",
        ),
    ],
)
def test_encoder_writes_the_wkb_ogr_writes(text, node, dims):
    assert encode(node, dims) == from_wkt(text)
    big = encode(node, dims, big_endian=True)
    assert bytes(ogr.CreateGeometryFromWkb(big).ExportToIsoWkb(ogr.wkbNDR)) == from_wkt(text)


# -- curves ----------------------------------------------------------------------------------------

CIRCLE = "CIRCULARSTRING (0 0, 2 0, 0 0)"  # a full circle of radius 1 centred on (1, 0)


def test_curve_polygon_is_linearised_to_its_circle(worker):
    geometry, reason = one(worker, from_wkt(f"CURVEPOLYGON ({CIRCLE})"), {POINT, POLYGON})
    assert reason is None and geometry.geom_type == "Polygon"
    assert geometry.area == pytest.approx(math.pi, rel=0.01)
    assert geometry.centroid.x == pytest.approx(1.0, abs=1e-6)


def test_curve_polygon_with_a_curved_hole_keeps_the_hole(worker):
    text = "CURVEPOLYGON (CIRCULARSTRING (0 0, 10 0, 0 0), CIRCULARSTRING (4 0, 6 0, 4 0))"
    geometry, reason = one(worker, from_wkt(text), {POLYGON})
    assert reason is None and len(geometry.interiors) == 1
    assert geometry.area == pytest.approx(math.pi * (25 - 1), rel=0.01)


def test_circular_string_is_linearised_along_its_arc(worker):
    geometry, reason = one(worker, from_wkt("CIRCULARSTRING (0 0, 1 1, 2 0)"), {LINE})
    assert reason is None and geometry.geom_type == "LineString"
    assert geometry.length == pytest.approx(math.pi, rel=0.01)  # half a circle of radius 1
    assert geometry.coords[0] == (0.0, 0.0) and geometry.coords[-1] == pytest.approx((2.0, 0.0))


def test_compound_curve_adds_its_straight_and_curved_parts(worker):
    text = "COMPOUNDCURVE ((-5 0, 0 0), CIRCULARSTRING (0 0, 1 1, 2 0), (2 0, 2 -3))"
    geometry, reason = one(worker, from_wkt(text), {LINE})
    assert reason is None and geometry.geom_type == "LineString"
    assert geometry.length == pytest.approx(5 + math.pi + 3, rel=0.01)


def test_multi_surface_becomes_a_multipolygon_of_every_part(worker):
    text = f"MULTISURFACE (CURVEPOLYGON ({CIRCLE}), ((10 10, 12 10, 12 12, 10 12, 10 10)))"
    geometry, reason = one(worker, from_wkt(text), {POINT, POLYGON})
    assert reason is None and geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 2
    assert geometry.area == pytest.approx(math.pi + 4, rel=0.01)


def test_multi_curve_becomes_a_multilinestring_of_every_part(worker):
    text = "MULTICURVE ((10 0, 10 4), CIRCULARSTRING (0 0, 1 1, 2 0), COMPOUNDCURVE ((20 0, 21 0)))"
    geometry, reason = one(worker, from_wkt(text), {LINE})
    assert reason is None and geometry.geom_type == "MultiLineString" and len(geometry.geoms) == 3
    assert geometry.length == pytest.approx(4 + math.pi + 1, rel=0.01)


@pytest.mark.parametrize(
    "text, dimensions",
    [
        ("CIRCULARSTRING (0 0, 1 1, 2 0)", {POINT, POLYGON}),
        ("MULTICURVE (CIRCULARSTRING (0 0, 1 1, 2 0))", {POLYGON}),
        (f"CURVEPOLYGON ({CIRCLE})", {LINE}),
        (f"MULTISURFACE (CURVEPOLYGON ({CIRCLE}))", {POINT}),
    ],
)
def test_curve_of_another_dimension_is_the_wrong_type(worker, text, dimensions):
    assert one(worker, from_wkt(text), dimensions) == (None, wkb.WRONG_TYPE)


def test_surface_types_become_polygons(worker):
    triangle = "TRIANGLE ((0 0, 4 0, 0 4, 0 0))"
    tin = "TIN (((0 0, 4 0, 0 4, 0 0)), ((4 0, 4 4, 0 4, 4 0)))"
    surface = "POLYHEDRALSURFACE Z (((0 0 0, 2 0 0, 2 2 0, 0 2 0, 0 0 0)))"
    (a, ra), (b, rb), (c, rc) = read(
        worker, [from_wkt(triangle), from_wkt(tin), from_wkt(surface)], {POLYGON}
    )
    assert (ra, rb, rc) == (None, None, None)
    assert a.area == pytest.approx(8.0) and b.area == pytest.approx(16.0) and c.area == pytest.approx(4.0)


def test_curve_polygon_with_an_open_ring_is_unreadable_not_missing(worker):
    """A feature whose curved ring does not close has a geometry, damaged: 'no geometry' would
    tell the user something false about the file."""
    item = encode(Node("CurvePolygon", (Node("CircularString", ((0.0, 0.0), (1.0, 1.0), (2.0, 0.0))),)))
    assert one(worker, item, {POLYGON}) == (None, wkb.UNREADABLE)


# -- EMPTY parts and degenerate rings ----------------------------------------------------------------


def test_multipolygon_with_an_empty_part_keeps_the_other(worker):
    geometry, reason = one(
        worker, from_wkt("MULTIPOLYGON (((0 0, 3 0, 3 3, 0 3, 0 0)), EMPTY)"), {POINT, POLYGON}
    )
    assert reason is None and geometry.area == pytest.approx(9.0)
    assert all(not part.is_empty for part in geometry.geoms)


def test_multilinestring_with_an_empty_part_keeps_the_other(worker):
    geometry, reason = one(worker, from_wkt("MULTILINESTRING ((0 0, 0 7), EMPTY)"), {LINE})
    assert reason is None and geometry.length == pytest.approx(7.0)
    assert all(not part.is_empty for part in geometry.geoms)


def test_multipoint_with_an_empty_part_is_the_other_point(worker):
    """Read as is, MULTIPOINT (EMPTY, (1 1)) crashed GEOS's point_on_surface (segfault)."""
    geometry, reason = one(worker, from_wkt("MULTIPOINT (EMPTY, (1 2))"), {POINT, POLYGON})
    assert reason is None
    assert [tuple(p.coords[0]) for p in geometry.geoms] == [(1.0, 2.0)]


def test_multipoint_of_empty_points_has_no_geometry(worker):
    assert one(worker, from_wkt("MULTIPOINT (EMPTY, EMPTY)"), {POINT}) == (None, wkb.NO_GEOMETRY)


def test_polygon_with_an_empty_ring_keeps_its_exterior(worker):
    geometry, reason = one(worker, from_wkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), EMPTY)"), {POLYGON})
    assert reason is None and len(geometry.interiors) == 0 and geometry.area == pytest.approx(100.0)


def test_polygon_with_a_degenerate_hole_drops_the_hole(worker):
    item = encode(
        Node(
            "Polygon",
            (
                ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)),
                ((2.0, 2.0), (3.0, 3.0), (2.0, 2.0)),
            ),
        )
    )
    geometry, reason = one(worker, item, {POLYGON})
    assert reason is None and len(geometry.interiors) == 0 and geometry.area == pytest.approx(100.0)


def test_polygon_with_a_degenerate_exterior_is_degenerate(worker):
    item = encode(Node("Polygon", (((0.0, 0.0), (1.0, 1.0), (0.0, 0.0)),)))
    assert one(worker, item, {POLYGON}) == (None, wkb.DEGENERATE)


def test_multipolygon_of_degenerate_parts_is_degenerate_and_one_good_part_is_kept(worker):
    bad = Node("Polygon", (((0.0, 0.0), (1.0, 1.0), (0.0, 0.0)),))
    good = Node("Polygon", (((5.0, 5.0), (7.0, 5.0), (7.0, 7.0), (5.0, 5.0)),))
    (a, ra), (b, rb) = read(
        worker,
        [encode(Node("MultiPolygon", (bad, bad))), encode(Node("MultiPolygon", (bad, good)))],
        {POLYGON},
    )
    assert (a, ra) == (None, wkb.DEGENERATE)
    assert rb is None and b.area == pytest.approx(2.0)


def test_unclosed_ring_is_closed(worker):
    item = encode(Node("Polygon", (((0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)),)))
    geometry, reason = one(worker, item, {POLYGON})
    assert reason is None and geometry.area == pytest.approx(16.0)


# -- Z, M and ZM ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dims", ["Z", "M", "ZM"])
@pytest.mark.parametrize("kind", ["POINT", "LINESTRING", "POLYGON", "MULTIPOLYGON", "CURVEPOLYGON"])
def test_z_and_m_are_dropped(worker, dims, kind):
    extra = {"Z": " 7", "M": " 8", "ZM": " 7 8"}[dims]

    def xy(x, y):
        return f"{x} {y}{extra}"

    square = ", ".join(xy(x, y) for x, y in ((0, 0), (2, 0), (2, 2), (0, 2), (0, 0)))
    text = {
        "POINT": f"POINT {dims} ({xy(3, 4)})",
        "LINESTRING": f"LINESTRING {dims} ({xy(0, 0)}, {xy(3, 4)})",
        "POLYGON": f"POLYGON {dims} (({square}))",
        "MULTIPOLYGON": f"MULTIPOLYGON {dims} ((({square})), EMPTY)",
        "CURVEPOLYGON": f"CURVEPOLYGON {dims} (CIRCULARSTRING {dims} ({xy(0, 0)}, {xy(2, 0)}, {xy(0, 0)}))",
    }[kind]
    geometry, reason = one(worker, from_wkt(text))
    assert reason is None and not shapely.has_z(geometry)
    expected = {
        "POINT": 0.0,
        "LINESTRING": 0.0,
        "POLYGON": 4.0,
        "MULTIPOLYGON": 4.0,
        "CURVEPOLYGON": math.pi,
    }[kind]
    assert geometry.area == pytest.approx(expected, rel=0.01)
    if kind == "LINESTRING":
        assert geometry.length == pytest.approx(5.0)
    if kind == "POINT":
        assert (geometry.x, geometry.y) == (3.0, 4.0)


# -- NaN and infinite coordinates -------------------------------------------------------------------


@pytest.mark.parametrize(
    "node",
    [
        Node("Point", (NAN, 1.0)),
        Node("Point", (INF, 1.0)),
        Node("Point", (1.0, -INF)),
        Node("LineString", ((0.0, 0.0), (NAN, 1.0), (2.0, 2.0))),
        Node("LineString", ((0.0, 0.0), (1.0, INF))),
        Node("Polygon", (((0.0, 0.0), (INF, 0.0), (1.0, 1.0), (0.0, 0.0)),)),
        Node("MultiPoint", (Node("Point", (1.0, 1.0)), Node("Point", (2.0, NAN)))),
        Node("MultiPolygon", (Node("Polygon", (((0.0, 0.0), (1.0, 0.0), (1.0, NAN), (0.0, 0.0)),)),)),
    ],
    ids=lambda node: node.kind,
)
def test_nan_or_infinite_coordinates_are_invalid_coordinates(worker, node):
    assert one(worker, encode(node)) == (None, wkb.BAD_COORDINATES)
    assert one(worker, encode(node), {POINT, LINE, POLYGON}) == (None, wkb.BAD_COORDINATES)


def test_nan_on_a_ring_closing_vertex_is_rejected(worker):
    """Closing vertices of NaN never compare equal: the ring cannot close; rejected either way."""
    item = encode(Node("Polygon", (((NAN, 0.0), (1.0, 0.0), (1.0, 1.0), (NAN, 0.0)),)))
    geometry, reason = one(worker, item, {POLYGON})
    assert geometry is None and reason in (wkb.BAD_COORDINATES, wkb.UNREADABLE)


def test_point_nan_nan_is_the_wkb_of_point_empty(worker):
    """WKB writes POINT EMPTY as POINT (NaN NaN): both mean no geometry."""
    item = encode(Node("Point", (NAN, NAN)))
    assert item == from_wkt("POINT EMPTY")
    assert one(worker, item, {POINT, POLYGON}) == (None, wkb.NO_GEOMETRY)


def test_z_nan_is_dropped_with_z(worker):
    geometry, reason = one(worker, encode(Node("Point", (1.0, 2.0, NAN)), "Z"), {POINT})
    assert reason is None and (geometry.x, geometry.y) == (1.0, 2.0)


# -- collections ------------------------------------------------------------------------------------

MIXED = "GEOMETRYCOLLECTION (POINT (50 50), LINESTRING (0 0, 0 9), POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0)))"


@pytest.mark.parametrize(
    "dimensions, kind, size",
    [
        ({POINT, POLYGON}, "Polygon", 4.0),
        ({POLYGON}, "Polygon", 4.0),
        ({LINE}, "LineString", 9.0),
        ({POINT}, "Point", 0.0),
    ],
)
def test_collection_keeps_its_parts_of_the_highest_accepted_dimension(worker, dimensions, kind, size):
    geometry, reason = one(worker, from_wkt(MIXED), dimensions)
    assert reason is None and geometry.geom_type == kind
    assert (geometry.area if kind == "Polygon" else geometry.length) == pytest.approx(size)


def test_nested_collection_with_curves_and_empty_parts(worker):
    text = (
        "GEOMETRYCOLLECTION (GEOMETRYCOLLECTION (POINT EMPTY, CURVEPOLYGON (CIRCULARSTRING (10 0, 12 0, "
        "10 0))), MULTIPOLYGON (EMPTY, ((0 0, 2 0, 2 2, 0 2, 0 0))), LINESTRING EMPTY)"
    )
    geometry, reason = one(worker, from_wkt(text), {POINT, POLYGON})
    assert reason is None and geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 2
    assert geometry.area == pytest.approx(4.0 + math.pi, rel=0.01)


def test_collection_of_overlapping_polygons_is_their_union(worker):
    a = shapely.box(0, 0, 4, 4)
    b = shapely.box(2, 2, 6, 6)
    item = shapely.to_wkb(shapely.GeometryCollection([a, b]))
    geometry, reason = one(worker, item, {POLYGON})
    assert reason is None and geometry.area == pytest.approx(shapely.union(a, b).area)


def test_collection_of_self_intersecting_polygons_is_read_not_raised(worker):
    """Two bow-tie polygons in a collection: from_wkb must give a geometry (repaired later, as any
    invalid polygon) or a reason, not raise GEOS's TopologyException out of the reader."""
    text = (
        "GEOMETRYCOLLECTION (POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0)), "
        "POLYGON ((5 0, 15 10, 15 0, 5 10, 5 0)))"
    )
    answer = worker.run([from_wkt(text)], {POINT, POLYGON})
    assert "error" not in answer, answer.get("error")
    ((data, reason, problems),) = answer["rows"]
    assert not problems
    assert (data is None) != (reason is None)


def test_collection_of_zero_area_polygons_is_not_returned_empty(worker):
    """The union of a collection's polygons that enclose nothing is EMPTY: the feature must be
    rejected, not handed on as a usable EMPTY geometry (found by the property test below)."""
    flat = "GEOMETRYCOLLECTION (POLYGON ((0 0, 0 0, 0 0, 0 0)), POLYGON ((1 0, 2 0, 3 0, 1 0)))"
    answer = worker.run([from_wkt(flat)], {POINT, POLYGON})
    assert "error" not in answer, answer.get("error")
    ((data, reason, problems),) = answer["rows"]
    assert not problems
    assert data is None and reason in wkb.REASONS


@pytest.mark.parametrize(
    "text, dimensions, reason",
    [
        ("GEOMETRYCOLLECTION (LINESTRING (0 0, 1 1), POINT (3 3))", {POLYGON}, wkb.WRONG_TYPE),
        ("GEOMETRYCOLLECTION EMPTY", {POLYGON}, wkb.NO_GEOMETRY),
        ("GEOMETRYCOLLECTION (POINT EMPTY, POLYGON EMPTY)", {POLYGON}, wkb.NO_GEOMETRY),
        ("GEOMETRYCOLLECTION (POINT EMPTY, POLYGON EMPTY)", None, wkb.NO_GEOMETRY),
    ],
)
def test_collection_without_a_usable_part(worker, text, dimensions, reason):
    assert one(worker, from_wkt(text), dimensions) == (None, reason)


def test_collection_without_dimensions_keeps_its_parts(worker):
    geometry, reason = one(worker, from_wkt(MIXED))
    assert reason is None and geometry.geom_type == "GeometryCollection" and len(geometry.geoms) == 3


# -- unreadable or missing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item, reason",
    [
        (None, wkb.NO_GEOMETRY),
        (b"", wkb.NO_GEOMETRY),
        (
            b"\x01\x02\x00\x00\x00\x01\x00\x00\x00" + struct.pack("<dd", 1.0, 2.0),
            wkb.UNREADABLE,
        ),  # 1-point line
        (b"not wkb at all", wkb.UNREADABLE),
        (b"\x01\x03\x00\x00\x00\xff\xff\xff\xff", wkb.UNREADABLE),  # 4 billion rings announced, none there
        (b"\x01\x63\x00\x00\x00", wkb.UNREADABLE),  # type 99
        (from_wkt("POLYGON ((0 0, 1 0, 1 1, 0 0))")[:-5], wkb.UNREADABLE),  # cut short
        (from_wkt("POINT EMPTY"), wkb.NO_GEOMETRY),
        (from_wkt("POLYGON EMPTY"), wkb.NO_GEOMETRY),
        (from_wkt("LINESTRING EMPTY"), wkb.NO_GEOMETRY),
    ],
    ids=[
        "none",
        "no_bytes",
        "one_point_line",
        "text",
        "huge_count",
        "unknown_type",
        "truncated",
        "point_empty",
        "polygon_empty",
        "linestring_empty",
    ],
)
def test_items_without_a_usable_geometry(worker, item, reason):
    assert one(worker, item) == (None, reason)


def test_wrong_dimension_of_plain_geometries(worker):
    items = [
        from_wkt("POINT (1 1)"),
        from_wkt("LINESTRING (0 0, 1 1)"),
        from_wkt("POLYGON ((0 0, 1 0, 1 1, 0 0))"),
    ]
    assert [r for _, r in read(worker, items, {LINE})] == [wkb.WRONG_TYPE, None, wkb.WRONG_TYPE]
    assert [r for _, r in read(worker, items, {POINT, POLYGON})] == [None, wkb.WRONG_TYPE, None]


def test_results_stay_in_input_order_across_fast_and_slow_paths(worker):
    items = [
        from_wkt("POINT (1 1)"),
        None,
        from_wkt(f"CURVEPOLYGON ({CIRCLE})"),
        b"junk",
        from_wkt("MULTIPOINT (EMPTY, (5 5))"),
        from_wkt("POINT (2 2)"),
        encode(Node("Point", (INF, 0.0))),
    ]
    rows = read(worker, items, {POINT, POLYGON})
    assert [r for _, r in rows] == [
        None,
        wkb.NO_GEOMETRY,
        None,
        wkb.UNREADABLE,
        None,
        None,
        wkb.BAD_COORDINATES,
    ]
    assert rows[0][0].equals(shapely.Point(1, 1)) and rows[5][0].equals(shapely.Point(2, 2))
    assert rows[2][0].area == pytest.approx(math.pi, rel=0.01)
    assert rows[4][0].equals(shapely.MultiPoint([(5, 5)]))


def test_arrow_batches_masked_and_fixed_size(worker):
    """GDAL's Arrow columns: masked arrays (masked: no geometry), or fixed-size voids."""
    import numpy as np

    points = [from_wkt(f"POINT ({i} {i})") for i in range(3)]
    masked = np.ma.masked_array(np.array(points, dtype=object), mask=[False, True, False])
    result = wkb.from_wkb(masked, {POINT})  # plain points only: safe in this process
    assert list(result.reasons) == [None, wkb.NO_GEOMETRY, None]
    assert result.geometries[2].equals(shapely.Point(2, 2))
    voids = np.array(points, dtype=f"V{len(points[0])}")
    result = wkb.from_wkb(voids, {POINT})
    assert list(result.reasons) == [None] * 3 and result.geometries[1].equals(shapely.Point(1, 1))


# -- properties ---------------------------------------------------------------------------------------

DIMENSION_SETS = st.sampled_from([None, {POINT}, {LINE}, {POLYGON}, {POINT, POLYGON}, {LINE, POLYGON}])


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(
    items=st.lists(st.one_of(wkb_geometries().map(lambda g: g[2]), st.none()), min_size=1, max_size=12),
    damaged=st.lists(st.binary(max_size=64), max_size=2),
    dimensions=DIMENSION_SETS,
)
def test_any_wkb_gives_a_safe_geometry_or_a_reason(worker, items, damaged, dimensions):
    """Random geometries of every type (see geometry_strategies), and random bytes: each result is
    a reason of wkb.REASONS, or a 2D, finite, non-empty geometry of an accepted dimension that
    every GEOS operation the engine uses accepts, all in a process a crash cannot take down."""
    answer = worker.run(items + damaged, dimensions)
    assert "error" not in answer, answer.get("error")
    problems = [(i, p) for i, (_, _, p) in enumerate(answer["rows"]) if p]
    assert not problems, problems


def _corrupt(data, edits):
    data = bytearray(data)
    for position, value in edits:
        if data:
            data[position % len(data)] = value
    cut = len(data) if not edits else max(0, len(data) - edits[0][0] % 5)
    return bytes(data[:cut])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(
    geometries=st.lists(wkb_geometries(), min_size=1, max_size=8),
    edits=st.lists(
        st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=3),
        min_size=8,
        max_size=8,
    ),
    dimensions=DIMENSION_SETS,
)
def test_corrupted_wkb_gives_a_safe_geometry_or_a_reason(worker, geometries, edits, dimensions):
    """Valid WKB with bytes replaced and cut short (counts, type codes, byte orders damaged)."""
    items = [_corrupt(data, edit) for (_, _, data), edit in zip(geometries, edits)]
    answer = worker.run(items, dimensions)
    assert "error" not in answer, answer.get("error")
    problems = [(i, p) for i, (_, _, p) in enumerate(answer["rows"]) if p]
    assert not problems, problems


def _dimension(node):
    return {
        "Point": POINT,
        "MultiPoint": POINT,
        "LineString": LINE,
        "MultiLineString": LINE,
        "Polygon": POLYGON,
        "MultiPolygon": POLYGON,
    }[node.kind]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(geometry=wkb_geometries(hostile=False), dimensions=DIMENSION_SETS)
def test_plain_geometries_are_kept_exactly(worker, geometry, dimensions):
    """Plain linear WKB (no EMPTY part, rings closed, finite coordinates) comes back as GEOS reads
    it, without Z; of another dimension than those accepted, it is the wrong type."""
    node, dims, data = geometry
    assert is_clean(node, dims)
    ((out, reason, problems),) = worker.run([data], dimensions)["rows"]
    assert not problems
    if dimensions is not None and _dimension(node) not in dimensions:
        assert (out, reason) == (None, wkb.WRONG_TYPE)
        return
    expected = shapely.force_2d(shapely.from_wkb(data))
    if _dimension(node) == POLYGON and shapely.area(expected) == 0 and \
            shapely.area(shapely.make_valid(expected)) == 0:
        # Rings folded onto a line or a point: closed, yet enclosing nothing, even once repaired.
        assert (out, reason) == (None, wkb.DEGENERATE)
        return
    assert reason is None
    assert shapely.equals_exact(shapely.from_wkb(out), expected, tolerance=0.0), (out.hex(), expected.wkt)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    geometry=wkb_geometries(hostile=False),
    choice=st.integers(0, 10_000),
    axis=st.integers(0, 1),
    value=st.sampled_from([NAN, INF, -INF]),
)
def test_one_coordinate_not_finite_rejects_the_geometry(worker, geometry, choice, axis, value):
    """A plain geometry with one x or y made NaN or infinite is rejected as invalid coordinates
    (or, when that coordinate closes a ring, which then cannot close, as unreadable)."""
    node, dims, _ = geometry
    positions = list(_positions(node))
    path, closing = positions[choice % len(positions)]
    broken = _replace(node, path, axis, value)
    if broken.kind == "Point" and all(math.isnan(v) for v in broken.items[:2]):
        return  # POINT (NaN NaN) is POINT EMPTY (tested above)
    data = encode(broken, dims)
    ((out, reason, problems),) = worker.run([data])["rows"]
    assert not problems
    allowed = {wkb.BAD_COORDINATES, wkb.UNREADABLE} if closing else {wkb.BAD_COORDINATES}
    assert out is None and reason in allowed, (broken, out, reason)


def _positions(node, path=()):
    """(path to a coordinate, whether it is a ring's first or last) of every coordinate."""
    if node.kind == "Point":
        yield path, False
    elif node.kind == "LineString":
        for i in range(len(node.items)):
            yield (*path, i), False
    elif node.kind == "Polygon":
        for r, ring in enumerate(node.items):
            for i in range(len(ring)):
                yield (*path, r, i), i in (0, len(ring) - 1)
    else:
        for c, child in enumerate(node.items):
            yield from _positions(child, (*path, c))


def _replace(node, path, axis, value):
    def swap(point):
        point = list(point)
        point[axis] = value
        return tuple(point)

    if node.kind == "Point":
        return Node("Point", swap(node.items))
    if node.kind == "LineString":
        items = list(node.items)
        items[path[0]] = swap(items[path[0]])
        return Node("LineString", tuple(items))
    if node.kind == "Polygon":
        rings = [list(ring) for ring in node.items]
        rings[path[0]][path[1]] = swap(rings[path[0]][path[1]])
        return Node("Polygon", tuple(tuple(ring) for ring in rings))
    children = list(node.items)
    children[path[0]] = _replace(children[path[0]], path[1:], axis, value)
    return Node(node.kind, tuple(children))
