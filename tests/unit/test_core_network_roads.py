"""A roads layer made a network (core/network/roads.py): rejects, node ids, multi-part roads, flood cut.

Expectations are counted by hand from the few lines of each case; distances come from pyproj's
geodesic in the test, not from the network code.
"""

import numpy as np
import pyproj
import shapely
from refuge.core.network.flood import FloodCut
from refuge.core.network.profiles import DRIVE, WALK
from refuge.core.network.roads import RoadAttributes, build_roads

GEOD = pyproj.Geod(ellps="WGS84")
D = 1e-3  # degrees, about 111 m at the equator


def line(*points):
    return shapely.LineString([(x * D, y * D) for x, y in points])


def test_closed_roads_missing_geometries_and_counts():
    lines = [line((0, 0), (1, 0)), line((1, 0), (2, 0)), None, line((2, 0), (3, 0))]
    attributes = RoadAttributes(highway=["residential", "motorway", "residential", None],
                                speed_kmh=[None, None, None, 30.0],
                                node_ids=["[1,2]", "[2,3]", None, "[3,4]"])
    road = build_roads(lines, "EPSG:4326", attributes, WALK, [10, 11, 12, 13], rejects=[(2, "no_geometry")])
    # The motorway is closed to walking; the missing geometry keeps the reason it was given.
    assert sorted(road.rejects) == [(1, "closed_to_profile"), (2, "no_geometry")]
    assert road.lines_left_out == 1
    assert road.default_class_lines == 1  # the last road has no class
    assert road.roads_without_speed == 1  # the first road: no speed value, open to walking
    # A missing geometry has no part, so the parts no longer match the roads one to one: as with
    # multi-part roads, the node ids are not used and the roads are noded by their coordinates.
    assert road.node_ids_ignored
    network = road.network
    assert network.segment_count == 2 and network.node_count == 4  # the motorway between them is out
    assert network.speed_kmh.tolist() == [WALK.speed_kmh("residential"), 30.0]
    expected = GEOD.inv(0, 0, D, 0)[2]
    assert np.allclose(network.length_m, expected, rtol=1e-9)
    assert sorted(road.reject_rows()) == [("roads", 11, "closed_to_profile"), ("roads", 12, "no_geometry")]
    # Without a hazard the cut keeps every speed.
    assert road.hazard_kind is None and np.array_equal(road.cut_speed_kmh, network.speed_kmh)
    assert road.bounds_lonlat is not None and np.allclose(road.bounds_lonlat, (0, 0, 3 * D, 0), atol=1e-9)


def test_node_ids_that_do_not_match_the_vertices_set_the_road_aside():
    lines = [line((0, 0), (1, 0)), line((1, 0), (2, 0), (3, 0)), line((3, 0), (4, 0))]
    attributes = RoadAttributes(node_ids=["[1,2]", "[2,3]", "[4,5]"])
    road = build_roads(lines, "EPSG:4326", attributes, DRIVE, [1, 2, 3])
    assert road.rejects == [(1, "node_ids_mismatch")]
    # The third road's ids share nothing with the first's: two pieces, one segment each.
    assert road.network.segment_count == 2 and road.network.node_count == 4


def test_multi_part_roads_are_noded_by_their_coordinates():
    multi = shapely.MultiLineString([[(0, 0), (D, 0)], [(D, 0), (2 * D, 0)]])
    lines = [multi, line((2, 0), (2, 1))]
    attributes = RoadAttributes(node_ids=["[1,2,3,4]", "[9,10]"])
    road = build_roads(lines, "EPSG:4326", attributes, WALK, [5, 6])
    assert road.node_ids_ignored
    assert road.part_line.tolist() == [0, 0, 1]
    # Noded by coordinates: the parts meet at (D, 0) and the second road at (2D, 0).
    assert road.network.segment_count == 3 and road.network.node_count == 4
    assert sorted(road.network.line.tolist()) == [0, 1, 2]


def test_crossing_roads_meet_unless_one_is_a_bridge():
    lines = [line((0, 0), (2, 0)), line((1, -1), (1, 1))]
    crossing = build_roads(lines, "EPSG:4326", RoadAttributes(), WALK, [1, 2])
    assert crossing.network.segment_count == 4 and crossing.network.node_count == 5
    bridged = build_roads(lines, "EPSG:4326", RoadAttributes(bridge=[0, "yes"]), WALK, [1, 2])
    assert bridged.network.segment_count == 2 and bridged.network.node_count == 4
    assert bridged.network.bridge.tolist() == [False, True]


def test_oneway_counts_for_driving_only():
    lines = [line((0, 0), (1, 0))]
    attributes = RoadAttributes(highway=["residential"], oneway=["-1"])
    drive = build_roads(lines, "EPSG:4326", attributes, DRIVE, [1])
    assert drive.network.forward.tolist() == [False] and drive.network.backward.tolist() == [True]
    walk = build_roads(lines, "EPSG:4326", attributes, WALK, [1])
    assert walk.network.forward.tolist() == [True] and walk.network.backward.tolist() == [True]


def test_roads_in_a_projected_crs_are_reprojected():
    transformer = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    x, y = transformer.transform([0.0, D], [0.0, 0.0])
    road = build_roads([shapely.LineString(list(zip(x, y)))], "EPSG:3857", RoadAttributes(), WALK, [1])
    assert np.allclose(road.network.lonlat, [[0, 0], [D, 0]], atol=1e-12)
    assert isinstance(road.cut, FloodCut)
