"""Road network, snapping and multi-source routing, checked by hand and against networkx."""

import json

import networkx as nx
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from refuge.core.network.evacuation import evacuation_access
from refuge.core.network.flood import (
    pregnolato_speed_kmh,
    segment_classes,
    speeds_after_classes,
    speeds_after_depth,
)
from refuge.core.network.graph import build_network, line_speeds
from refuge.core.network.profiles import DRIVE, WALK
from refuge.core.network.routing import Router
from refuge.core.network.snap import snap
from refuge.core.network.topology import node_lines
from refuge.core.osm.extract import read_pbf

GEOD = pyproj.Geod(ellps="WGS84")
DEG = 1e-3  # about 111 m at the equator


def grid_network(lines, ids, speed=3.6, oneway=None, bridge=None):
    """Network of lon/lat lines with explicit node ids and one speed (3.6 km/h = 1 m/s)."""
    network, reasons = build_network(np.array([shapely.LineString(c) for c in lines], dtype=object), ids,
                                     np.full(len(lines), speed), oneway=oneway, bridge=bridge)
    return network, reasons


def anchors_at(network, lonlat, usable=None, max_m=1000.0):
    usable = np.ones(network.segment_count, bool) if usable is None else usable
    return snap(network, network.projector.to_xy(lonlat), usable, max_m)


def test_profiles():
    assert WALK.speed_kmh("footway") == 4.5 and WALK.speed_kmh("motorway") is None
    assert DRIVE.speed_kmh("footway") is None
    assert DRIVE.speed_kmh("primary", 50.0) == 50.0
    assert DRIVE.speed_kmh("service", 90.0) == 20.0  # capped: a legal limit, not a speed
    assert DRIVE.speed_kmh("residential", None, "private") is None
    speeds = line_speeds(DRIVE, 4, ["primary", "footway", None, "residential"], [None, None, None, None],
                         [None, None, None, "no"], speed_kmh=[55, 10, None, 20])
    # The explicit speed wins, but never opens a footway to cars or a closed road.
    assert speeds[0] == 55 and np.isnan(speeds[1]) and speeds[2] == DRIVE.speeds_kmh["road"]
    assert np.isnan(speeds[3])


def test_point_on_a_segment_takes_the_cheaper_end_and_oneway_matters():
    # a(0) -- b(1) -- c(2) along the equator, 1 m/s; the shelter at c.
    network, _ = grid_network([[(0, 0), (DEG, 0)], [(DEG, 0), (2 * DEG, 0)]], [[1, 2], [2, 3]])
    leg = GEOD.inv(0, 0, DEG, 0)[2]
    shelters = anchors_at(network, [(2 * DEG, 0)])
    router = Router(network, *network.times(), shelters)
    households = anchors_at(network, [(0.25 * DEG, 0.0001), (1.5 * DEG, -0.0001)])
    result = router.evaluate(households)
    assert result.distance_m == pytest.approx([1.75 * leg, 0.5 * leg], rel=1e-6)
    assert result.time_s == pytest.approx(result.distance_m, rel=1e-6)
    assert households.distance_m == pytest.approx([GEOD.inv(0, 0, 0, 0.0001)[2]] * 2, rel=1e-3)
    # The second line one way towards b: the household on it must walk back through b? No: c is
    # unreachable from the second line's interior.
    network, _ = grid_network([[(0, 0), (DEG, 0)], [(DEG, 0), (2 * DEG, 0)]], [[1, 2], [2, 3]],
                              oneway=[0, -1])
    router = Router(network, *network.times(), anchors_at(network, [(2 * DEG, 0)]))
    assert not router.evaluate(anchors_at(network, [(0.25 * DEG, 0.0001)])).reached[0]


def test_shelter_in_the_middle_of_a_segment_splits_it():
    network, _ = grid_network([[(0, 0), (4 * DEG, 0)]], [[1, 2]])
    router = Router(network, *network.times(), anchors_at(network, [(1 * DEG, 0), (3 * DEG, 0)]))
    result = router.evaluate(anchors_at(network, [(0.5 * DEG, 0), (1.9 * DEG, 0), (2.2 * DEG, 0)]))
    leg = GEOD.inv(0, 0, DEG, 0)[2]
    assert list(result.source) == [0, 0, 1]
    assert result.distance_m == pytest.approx([0.5 * leg, 0.9 * leg, 0.8 * leg], rel=1e-6)


def test_topology_without_node_ids_connects_crossings_but_not_bridges():
    lines = np.array([shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(50, -50), (50, 50)]),
                      shapely.LineString([(70, -50), (70, 50)]),  # a bridge over the first line
                      shapely.LineString([(100.4, 0.3), (150, 0)])], dtype=object)  # near the end
    noded, ids = node_lines(lines, tolerance_m=1.0, level=[0, 0, 1, 0])
    assert len(shapely.get_coordinates(noded[0])) == 3  # crossing inserted at x=50, not at the bridge
    assert ids[0][1] == ids[1][1]
    assert ids[2][0] not in ids[0] and ids[2][1] not in ids[0]
    assert ids[3][0] == ids[0][-1]  # undershoot within 1 m joins


def test_flood_rules_and_bridges():
    assert pregnolato_speed_kmh([0.0, 0.3]) == pytest.approx([86.9448, 0.0])
    assert pregnolato_speed_kmh(0.1) == pytest.approx(0.0009 * 100 ** 2 - 0.5529 * 100 + 86.9448)
    # A road through a flooded zone, and a bridge over it.
    network, _ = grid_network([[(0, 0), (2 * DEG, 0)], [(DEG, -DEG), (DEG, DEG)]], [[1, 2], [3, 4]],
                              speed=30.0, bridge=[False, True])
    from refuge.core.hazard.index import ZoneIndex

    zones = ZoneIndex.from_polygons([shapely.box(0.5 * DEG, -0.5 * DEG, 1.5 * DEG, 0.5 * DEG)], [2])
    classes = segment_classes(network, zones)
    assert list(classes) == [2, 2]
    speeds = speeds_after_classes(network, classes, {1: 0.5, 2: 0.0, 3: 0.0})
    assert list(speeds) == [0.0, 30.0]
    speeds = speeds_after_depth(network, np.array([0.1, 2.0]), "drive")
    assert speeds == pytest.approx([min(30.0, float(pregnolato_speed_kmh(0.1))), 30.0])
    assert list(speeds_after_depth(network, np.array([0.6, 0.6]), "walk")) == [0.0, 30.0]


def test_statuses_on_a_small_town():
    # Main street 0-1-2 with the shelter at 2; an island street 10-11 with no shelter;
    # a side street 1-5 whose only link is flooded.
    lines = [[(0, 0), (DEG, 0)], [(DEG, 0), (2 * DEG, 0)], [(DEG, 0), (DEG, DEG)],
             [(0, 5 * DEG), (DEG, 5 * DEG)]]
    network, _ = grid_network(lines, [[0, 1], [1, 2], [1, 5], [10, 11]])
    shelters = network.projector.to_xy([(2 * DEG, 0), (0.5 * DEG, 0)])
    cut = network.speed_kmh.copy()
    cut[2] = 0.0  # the side street is flooded
    households = network.projector.to_xy([(0.2 * DEG, 0.0001), (DEG + 0.0001, 0.9 * DEG),
                                          (0.5 * DEG, 5 * DEG), (0, 50 * DEG), (2 * DEG, 0.00001)])
    result = evacuation_access(network, cut, households, shelters, shelter_flooded=[False, True],
                               max_snap_m=50.0, at_shelter_m=5.0)
    assert list(result.status) == ["reachable", "isolated_by_flood", "no_shelter_reachable", "no_road",
                                   "at_shelter"]
    assert list(result.shelter) == [0, -1, -1, -1, 0]
    assert list(result.shelter_status) == ["safe", "flooded"]
    assert result.shelter_households.tolist() == [2, 0]
    assert np.isfinite(result.dry_time_s[1]) and np.isnan(result.time_s[1])


@pytest.fixture(scope="module")
def monaco_network(monaco_pbf):
    from refuge.core.osm.tags import maxspeed_kmh, oneway

    layer = read_pbf(monaco_pbf, groups=["roads"]).layers["roads"]
    tags = layer.tags
    speeds = line_speeds(WALK, len(tags), [t.get("highway") for t in tags], None,
                         [t.get("access") for t in tags])
    walk, _ = build_network(layer.geometries, [json.loads(v) for v in layer.extra["node_ids"]], speeds)
    speeds = line_speeds(DRIVE, len(tags), [t.get("highway") for t in tags], [maxspeed_kmh(t) for t in tags],
                         [t.get("access") for t in tags])
    drive, _ = build_network(layer.geometries, [json.loads(v) for v in layer.extra["node_ids"]], speeds,
                             oneway=[oneway(t) for t in tags])
    return {"walk": walk, "drive": drive}


def networkx_costs(network, households, shelters):
    """Independent reference: households and shelters as nodes inserted into their segments."""
    time_ab, time_ba = network.times()
    graph = nx.DiGraph()

    def add(u, v, time, length):
        if np.isfinite(time) and (not graph.has_edge(u, v) or graph[u][v]["time"] > time):
            graph.add_edge(u, v, time=time, length=length)

    points = {}
    for kind, anchors in (("h", households), ("s", shelters)):
        for i in np.flatnonzero(anchors.joined):
            points.setdefault(int(anchors.segment[i]), []).append((float(anchors.t[i]), (kind, int(i))))
    for s in range(network.segment_count):
        a, b = int(network.seg_a[s]), int(network.seg_b[s])
        stops = [(0.0, a)] + sorted(points.get(s, [])) + [(1.0, b)]
        for (t0, u), (t1, v) in zip(stops[:-1], stops[1:]):
            share = t1 - t0
            if share <= 0:
                graph.add_edge(u, v, time=0.0, length=0.0)
                graph.add_edge(v, u, time=0.0, length=0.0)
                continue
            add(u, v, time_ab[s] * share, network.length_m[s] * share)
            add(v, u, time_ba[s] * share, network.length_m[s] * share)
        for _, node in stops:
            graph.add_node(node)
    reverse = graph.reverse()
    targets = [("s", int(i)) for i in np.flatnonzero(shelters.joined)]
    time, paths = nx.multi_source_dijkstra(reverse, targets, weight="time")
    return time, paths, graph


@pytest.mark.parametrize("profile", ["walk", "drive"])
def test_routes_equal_networkx_on_monaco(monaco_network, profile):
    network = monaco_network[profile]
    assert network.node_count > 1000
    rng = np.random.default_rng(11)
    lo, hi = network.xy.min(axis=0), network.xy.max(axis=0)
    households = snap(network, rng.uniform(lo, hi, (300, 2)), np.ones(network.segment_count, bool), 150.0)
    shelters = snap(network, rng.uniform(lo, hi, (6, 2)), np.ones(network.segment_count, bool), 150.0)
    router = Router(network, *network.times(), shelters)
    result = router.evaluate(households)
    expected, paths, graph = networkx_costs(network, households, shelters)
    checked = 0
    for i in np.flatnonzero(households.joined):
        node = ("h", int(i))
        if node not in expected:
            assert not result.reached[i]
            continue
        checked += 1
        assert result.time_s[i] == pytest.approx(expected[node], rel=1e-9, abs=1e-9)
        path = paths[node][::-1]  # household -> shelter
        length = sum(graph[u][v]["length"] for u, v in zip(path[:-1], path[1:]))
        assert result.distance_m[i] == pytest.approx(length, rel=1e-6, abs=1e-6)
        assert ("s", int(result.source[i])) == path[-1] or expected[node] == pytest.approx(
            nx.dijkstra_path_length(graph, node, ("s", int(result.source[i])), weight="time"))
    assert checked > 80


def test_route_lines_have_the_reported_length(monaco_network):
    network = monaco_network["walk"]
    rng = np.random.default_rng(3)
    lo, hi = network.xy.min(axis=0), network.xy.max(axis=0)
    usable = np.ones(network.segment_count, bool)
    households = snap(network, rng.uniform(lo, hi, (200, 2)), usable, 200.0)
    router = Router(network, *network.times(), snap(network, rng.uniform(lo, hi, (4, 2)), usable, 200.0))
    result = router.evaluate(households)
    which, lines = router.routes(households, result, np.arange(len(households)))
    assert len(which) > 80
    lengths = np.array([GEOD.geometry_length(line) for line in lines])
    assert lengths == pytest.approx(result.distance_m[which], rel=1e-5, abs=1e-3)


# -- properties on random grid towns ------------------------------------------------------------


def random_town(data):
    size = data.draw(st.integers(3, 6))
    lines, ids = [], []
    for r in range(size):
        for c in range(size):
            node = r * size + c
            if c + 1 < size and data.draw(st.booleans()):
                lines.append([(c * DEG, r * DEG), ((c + 1) * DEG, r * DEG)])
                ids.append([node, node + 1])
            if r + 1 < size and data.draw(st.booleans()):
                lines.append([(c * DEG, r * DEG), (c * DEG, (r + 1) * DEG)])
                ids.append([node, node + size])
    if not lines:
        lines, ids = [[(0, 0), (DEG, 0)]], [[0, 1]]
    oneway = data.draw(st.lists(st.sampled_from([0, 0, 1, -1]), min_size=len(lines), max_size=len(lines)))
    network, _ = grid_network(lines, ids, speed=5.0, oneway=oneway)
    span = size * DEG
    points = st.tuples(st.floats(0, span), st.floats(0, span))
    households = np.array(data.draw(st.lists(points, min_size=1, max_size=15)))
    shelters = np.array(data.draw(st.lists(points, min_size=1, max_size=4)))
    return network, households, shelters


def evaluate(network, households, shelters, speeds=None):
    time_ab, time_ba = network.times(speeds)
    usable = np.isfinite(time_ab) | np.isfinite(time_ba)
    h = snap(network, network.projector.to_xy(households), usable, 1e6)
    s = snap(network, network.projector.to_xy(shelters), usable, 1e6)
    router = Router(network, time_ab, time_ba, s)
    return router, h, router.evaluate(h)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_adding_a_shelter_never_increases_a_time(data):
    network, households, shelters = random_town(data)
    _, _, before = evaluate(network, households, shelters[:-1] if len(shelters) > 1 else shelters)
    _, _, after = evaluate(network, households, shelters)
    assert (after.time_s <= before.time_s + 1e-9).all()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_closing_a_segment_never_decreases_a_time(data):
    network, households, shelters = random_town(data)
    closed = data.draw(st.integers(0, network.segment_count - 1))
    speeds = network.speed_kmh.copy()
    _, h, before = evaluate(network, households, shelters)
    speeds[closed] = 0.0
    # Keep the same joins, so that only the closure differs.
    time_ab, time_ba = network.times(speeds)
    s = snap(network, network.projector.to_xy(shelters), np.ones(network.segment_count, bool), 1e6)
    after = Router(network, time_ab, time_ba, s).evaluate(h)
    assert (after.time_s >= before.time_s - 1e-9).all()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_route_length_equals_distance(data):
    network, households, shelters = random_town(data)
    router, h, result = evaluate(network, households, shelters)
    which, lines = router.routes(h, result, np.arange(len(households)))
    lengths = np.array([GEOD.geometry_length(line) for line in lines])
    assert lengths == pytest.approx(result.distance_m[which], rel=1e-6, abs=1e-6)


def test_route_of_a_household_at_its_shelter_is_a_point_line():
    network, _ = grid_network([[(0, 0), (2 * DEG, 0)]], [[1, 2]])
    shelters = anchors_at(network, [(DEG, 0)])
    router = Router(network, *network.times(), shelters)
    households = anchors_at(network, [(DEG, 0), (0.5 * DEG, 0), (1.5 * DEG, 0)])
    result = router.evaluate(households)
    which, lines = router.routes(households, result, np.arange(3))
    assert list(which) == [0, 1, 2]
    assert [GEOD.geometry_length(line) for line in lines] == pytest.approx(
        [0.0, result.distance_m[1], result.distance_m[2]], abs=1e-6)


def test_sections_merge_consecutive_segments_with_the_same_status():
    network, _ = grid_network([[(0, 0), (DEG, 0), (2 * DEG, 0), (3 * DEG, 0)], [(3 * DEG, 0), (4 * DEG, 0)]],
                              [[1, 2, 3, 4], [4, 5]])
    cut = np.array([0.0, 3.6, 3.6, 3.6])  # the first segment flooded
    first, run, lines = network.sections(cut)
    assert first.tolist() == [0, 1, 3] and run.tolist() == [0, 1, 1, 2]
    assert [len(shapely.get_coordinates(line)) for line in lines] == [2, 3, 2]
    assert sum(GEOD.geometry_length(line) for line in lines) == pytest.approx(network.length_m.sum())


@pytest.mark.parametrize("step", [None, 5.0, 500.0])
def test_snapping_finds_the_nearest_segment_point(monaco_network, step):
    network = monaco_network["walk"]
    rng = np.random.default_rng(5)
    lo, hi = network.xy.min(axis=0), network.xy.max(axis=0)
    points = rng.uniform(lo - 200, hi + 200, (3000, 2))
    usable = rng.random(network.segment_count) > 0.2
    anchors = snap(network, points, usable, 120.0, step_m=step)
    lines = network.segment_lines_xy(np.flatnonzero(usable))
    _, distance = shapely.STRtree(lines).query_nearest(shapely.points(points), return_distance=True,
                                                       all_matches=False)
    expected = np.where(distance <= 120.0, distance, np.nan)
    planar = anchors.distance_m * network.projector.scale(points)  # snapping works in the plane
    assert np.array_equal(np.isnan(planar), np.isnan(expected))
    assert planar[~np.isnan(expected)] == pytest.approx(expected[~np.isnan(expected)], abs=1e-6)
    joined = anchors.joined
    assert usable[anchors.segment[joined]].all()
    gap = np.hypot(*(points[joined] - anchors.xy[joined]).T)
    assert gap == pytest.approx(planar[joined], abs=1e-9)


def test_snapping_distances_are_true_far_from_the_projection_centre():
    # Roads 10 degrees apart: the projection's centre is 5 degrees (550 km) from each.
    network, _ = grid_network([[(0, 0), (0, 0.01)], [(10, 0), (10, 0.01)]], [[1, 2], [3, 4]])
    lonlat = np.array([(0.001, 0.005), (10.002, 0.005)])
    anchors = snap(network, network.projector.to_xy(lonlat), np.ones(2, bool), 1000.0)
    joined = anchors.lonlat(network)
    true = GEOD.inv(lonlat[:, 0], lonlat[:, 1], joined[:, 0], joined[:, 1])[2]
    assert anchors.distance_m == pytest.approx(true, rel=1e-4)
    planar = np.hypot(*(network.projector.to_xy(lonlat) - anchors.xy).T)
    assert not planar == pytest.approx(true, rel=1e-3)  # the plane alone is 0.4 % off


def test_capacity_assignment_splits_a_household_tied_between_two_full_shelters():
    from refuge.core.network.assignment import assign_with_capacity

    # Shelters at both ends of a road; a household of 2 exactly in the middle (tied between them)
    # and a household of 1 near the west end.
    network, _ = grid_network([[(0, 0), (2 * DEG, 0)]], [[1, 2]])
    households = network.projector.to_xy([(DEG, 0.0), (0.1 * DEG, 0.0)])
    shelters = network.projector.to_xy([(0, 0), (2 * DEG, 0)])
    result = evacuation_access(network, network.speed_kmh, households, shelters, [False, False], 50.0)
    assigned = assign_with_capacity(result, np.array([2.0, 1.0]), np.array([1.0, 2.0]))
    # Optimum: the near household takes the west place; the pair goes east (2 places).
    assert assigned.shelter.tolist() == [1, 0]
    assert assigned.placed.tolist() == [2.0, 1.0] and assigned.unplaced.tolist() == [0.0, 0.0]
    assert assigned.shelter_population.tolist() == [1.0, 2.0]
    # One place each: the pair is split (one east), or one person has no place; never over capacity.
    assigned = assign_with_capacity(result, np.array([2.0, 1.0]), np.array([1.0, 1.0]))
    assert assigned.placed.sum() == 2.0 and assigned.unplaced.sum() == 1.0
    assert (assigned.shelter_population <= np.array([1.0, 1.0]) + 1e-9).all()
