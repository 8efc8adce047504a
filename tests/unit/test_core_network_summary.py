"""SUMMARY_JSON documents (core/network/summary.py), road sections and output tables, by hand and networkx."""

import json

import networkx as nx
import numpy as np
import pytest
import shapely
from refuge.core.network.access import Access, UnitAccess
from refuge.core.network.assignment import Assignment
from refuge.core.network.evacuation import Evacuation
from refuge.core.network.flood import cut_by_zones
from refuge.core.network.graph import build_network
from refuge.core.network.profiles import WALK
from refuge.core.network.roads import RoadAttributes, build_roads
from refuge.core.network.sections import road_sections
from refuge.core.network.summary import EvacuationResult, FacilityResult, component_count
from refuge.core.network.tables import facility_columns, household_columns, section_columns

D = 1e-3


def three_roads():
    """West (0,0)-(1,0)-(2,0) as two roads, one more road far away; the middle one flooded (low)."""
    lines = [shapely.LineString([(0, 0), (D, 0)]), shapely.LineString([(D, 0), (2 * D, 0), (3 * D, 0)]),
             shapely.LineString([(9 * D, 9 * D), (10 * D, 9 * D)])]
    road = build_roads(lines, "EPSG:4326", RoadAttributes(node_ids=["[1,2]", "[2,3,4]", "[7,8]"]), WALK,
                       [100, 101, 102])
    flood = shapely.box(1.2 * D, -D, 1.8 * D, D)  # the first segment of the second road only
    road.cut = cut_by_zones(road.network, "walk", [flood], [1])
    return road


@pytest.mark.parametrize("seed", range(5))
def test_component_count_against_networkx(seed):
    rng = np.random.default_rng(seed)
    nodes, edges = 30, 25
    position = rng.uniform(0, 0.01, (nodes, 2))
    a = rng.integers(0, nodes, edges)
    b = (a + rng.integers(1, nodes, edges)) % nodes  # never a loop
    lines = np.array([shapely.LineString([position[i], position[j]]) for i, j in zip(a, b)], dtype=object)
    network, _ = build_network(lines, [np.array([i, j]) for i, j in zip(a, b)], np.full(edges, 5.0))
    open_segments = rng.random(network.segment_count) < 0.6
    graph = nx.MultiGraph()
    ids = np.unique(np.r_[a, b])  # network node k is the k-th smallest id
    graph.add_edges_from((ids[i], ids[j]) for i, j in zip(network.seg_a[open_segments],
                                                          network.seg_b[open_segments]))
    assert component_count(network, open_segments) == nx.number_connected_components(graph)
    assert component_count(network, np.zeros(network.segment_count, bool)) == 0


def test_road_sections_merge_runs_of_equal_status():
    sections = road_sections(three_roads())
    # Road 101 has a flooded segment then a dry one: two sections; the others one each.
    assert sections.road_fid.tolist() == [100, 101, 101, 102]
    assert sections.hazard_class.tolist() == [0, 1, 0, 0]
    walk = WALK.speed_kmh("road")
    assert sections.flood_speed_kmh.tolist() == [walk, walk / 2, walk, walk]
    assert sections.passable.all() and not sections.bridge.any()
    assert np.isnan(sections.max_depth_m).all()  # no depth raster
    assert shapely.get_num_coordinates(sections.lines).tolist() == [2, 2, 2, 2]
    assert [name for name, _, _ in section_columns(sections)] == [
        "road_fid", "hazard_class", "max_depth_m", "speed_kmh", "flood_speed_kmh", "passable", "bridge",
        "length_m"]


def households():
    status = np.array(["reachable"] * 5 + ["at_shelter", "isolated_by_flood", "no_road", "no_geometry"],
                      dtype=object)
    times = np.r_[[50.0, 10.0, 40.0, 20.0, 30.0], 0.0, np.nan, np.nan, np.nan]
    nan = np.full(len(status), np.nan)
    return Evacuation(status=status, shelter=np.r_[[0, 0, 1, 1, 1], 2, -1, -1, -1], time_s=times,
                      distance_m=nan, snap_distance_m=nan, dry_time_s=nan,
                      shelter_status=np.array(["safe", "safe", "safe", "flooded"], dtype=object),
                      shelter_snap_distance_m=np.zeros(4), shelter_households=np.array([2, 3, 1, 0]),
                      shelter_population=np.array([2.0, 3.0, 1.0, 0.0]))


def test_evacuation_summary():
    people = np.array([1.0, 2.0, 1.0, 1.0, 1.0, 4.0, 3.0, 5.0, 7.0])
    units = UnitAccess(names=["u"], households=np.array([9]), population=np.array([25.0]),
                       by_status={s: np.array([1]) for s in ("reachable", "at_shelter", "isolated_by_flood",
                                                             "no_shelter_reachable", "no_road")},
                       households_beyond_threshold=np.array([0]), population_beyond_threshold=np.array([0.0]),
                       population_cut_off=np.array([8.0]), median_time_s=np.array([25.0]),
                       max_time_s=np.array([50.0]))
    assigned = Assignment(shelter=np.zeros(9, int), time_s=np.zeros(9), placed=np.r_[np.ones(8), 0.0],
                          unplaced=np.r_[np.zeros(8), 2.5], shelter_households=np.zeros(4),
                          shelter_population=np.zeros(4))
    summary = EvacuationResult(road=three_roads(), evacuation=households(), people=people, shelter_count=5,
                               generator="Refuge 9.9", assignment=assigned, units=units,
                               rejected_features=3).summary()
    assert json.loads(json.dumps(summary)) == summary  # plain JSON types only
    assert summary["schema_version"] == 1 and summary["generator"] == "Refuge 9.9"
    assert summary["profile"] == "walk" and summary["hazard"] == "zones"
    assert summary["network"] == {"nodes": 6, "segments": 4, "segments_cut": 0, "segments_slowed": 1,
                                  "lines_not_for_profile": 0, "components_dry": 2, "components_flooded": 2}
    assert summary["households"]["count"] == 9
    assert summary["households"]["by_status"] == {"reachable": 5, "at_shelter": 1, "isolated_by_flood": 1,
                                                  "no_shelter_reachable": 0, "no_road": 1}
    assert summary["households"]["population_by_status"] == {
        "reachable": 6.0, "at_shelter": 4.0, "isolated_by_flood": 3.0, "no_shelter_reachable": 0.0,
        "no_road": 5.0}
    # Reachable times 10..50 s: median 30; p90 at rank 0.9 * 4 = 3.6, between 40 and 50.
    assert summary["households"]["travel_time_s"] == {"median": 30.0, "p90": pytest.approx(46.0),
                                                      "max": 50.0}
    assert summary["shelters"] == {"count": 5, "by_status": {"safe": 3, "flooded": 1, "no_road": 0}}
    assert summary["units"]["u"]["population_cut_off"] == 8.0
    assert summary["rejected_features"] == 3
    assert summary["capacity_assignment"] == {"people_placed": 8.0, "people_without_place": 2.5}
    assert set(summary) == {"schema_version", "generator", "profile", "hazard", "network", "households",
                            "shelters", "units", "rejected_features", "capacity_assignment"}


def test_evacuation_summary_without_reachable_households_units_or_assignment():
    result = households()
    result.status[:5] = "no_road"
    summary = EvacuationResult(road=three_roads(), evacuation=result, people=np.ones(9), shelter_count=4,
                               generator="Refuge 0").summary()
    assert summary["households"]["travel_time_s"] is None
    assert summary["units"] is None and "capacity_assignment" not in summary


def facility_access_result():
    nan = np.nan
    return Access(status=np.array(["unchanged", "delayed", "loses_access", "no_geometry"], dtype=object),
                  dry_facility=np.array([0, 1, 0, -1]), dry_time_s=np.array([10.0, 20.0, 30.0, nan]),
                  dry_distance_m=np.array([100.0, 200.0, 300.0, nan]),
                  flood_facility=np.array([0, 0, -1, -1]),
                  flood_time_s=np.array([12.0, 400.0, nan, nan]),
                  flood_distance_m=np.array([120.0, 4000.0, nan, nan]),
                  delay_s=np.array([2.0, 380.0, nan, nan]))


def test_facility_summary():
    summary = FacilityResult(road=three_roads(), access=facility_access_result(), delay_threshold_s=300.0,
                             generator="Refuge 1", rejected_features=2).summary()
    assert summary == {
        "schema_version": 1, "generator": "Refuge 1", "profile": "walk", "hazard": "zones", "households": 4,
        "by_status": {"unchanged": 1, "delayed": 1, "loses_access": 1, "no_access_dry": 0, "no_road": 0,
                      "no_geometry": 1},
        "delay_threshold_s": 300.0, "median_delay_s": 191.0, "rejected_features": 2}
    access = facility_access_result()
    access.delay_s[:] = np.nan
    assert FacilityResult(three_roads(), access, 300.0, "Refuge 1").summary()["median_delay_s"] is None


def test_facility_and_household_columns():
    labels = {s: s.upper() for s in ("unchanged", "delayed", "loses_access", "no_geometry")}
    keep = np.arange(4)
    columns = facility_columns(facility_access_result(), keep, np.array([70, 71]), ["north", None], labels)
    by_name = {name: values for name, _, values in columns}
    assert [name for name, _, _ in columns] == [
        "facility_fid_dry", "facility_name_dry", "time_dry_s", "distance_dry_m", "facility_fid_flood",
        "facility_name_flood", "time_flood_s", "distance_flood_m", "delay_s", "access_status", "access_label"]
    assert by_name["facility_fid_dry"] == [70, 71, 70, None]
    assert by_name["facility_name_flood"] == ["north", "north", None, None]
    assert by_name["access_label"] == ["UNCHANGED", "DELAYED", "LOSES_ACCESS", "NO_GEOMETRY"]
    result = households()
    keep = np.arange(8)
    labels = {s: s for s in ("reachable", "at_shelter", "isolated_by_flood", "no_road")}
    columns = {name: values for name, _, values in household_columns(
        result, keep, np.array([5, 6, 7, 8]), ["a", "b", "c", "d"], labels)}
    assert columns["shelter_fid"] == [5, 5, 6, 6, 6, 7, None, None]
    assert columns["shelter_name"] == ["a", "a", "b", "b", "b", "c", None, None]
