"""Hazard classification and exposure overlay on hand-computed cases."""

import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from refuge.core import measure
from refuge.core.exposure import analysis
from refuge.core.hazard import index as overlay
from refuge.core.hazard.definitions import ValueMap, classify_value
from refuge.core.hazard.zones import classify_zones, resolve_overlaps

GEOD = pyproj.Geod(ellps="WGS84")


def test_value_map_ignores_case_and_spaces():
    value_map = ValueMap.parse("YES = high;  no=dry, Flood  Prone=medium")
    values = ("YES", "yes", " Yes ", "NO", "no", "flood prone", "FLOOD   PRONE", "maybe", None)
    assert [value_map.classify(v) for v in values] == [3, 3, 3, 0, 0, 2, 2, None, None]
    numbers = ValueMap.parse("3=high; 1 = low")  # a numeric class field reads 3.0
    assert [numbers.classify(v) for v in (3.0, 3, "3", 1.0, 2.0, 3.5)] == [3, 3, 3, 1, None, None]
    with pytest.raises(ValueError):
        ValueMap.parse("yes=catastrophic")
    with pytest.raises(ValueError):
        ValueMap.parse("")


def test_depth_classes_at_the_thresholds():
    thresholds = (0.5, 1.5)
    assert [classify_value(d, thresholds) for d in (None, float("nan"), -1, 0.0, 0.01, 0.49999,
                                                    0.5, 1.49, 1.5, 7)] == [0, 0, 0, 0, 1, 1, 2, 2, 3, 3]
    hazard = analysis.Hazard(grid=object(), thresholds=thresholds)
    assert list(hazard.classify_depths([np.nan, 0, 0.2, 0.5, 1.5])) == [0, 0, 1, 2, 3]


def test_overlaps_resolved_highest_class_wins():
    zones = [shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3), shapely.box(5, 5, 6, 6)]
    resolved = resolve_overlaps(zones, np.array([1, 3, 0]))
    assert sorted(resolved) == [1, 3]
    assert resolved[3].area == pytest.approx(4.0)
    assert resolved[1].area == pytest.approx(3.0)  # 4 minus the 1x1 overlap
    assert resolved[1].intersection(resolved[3]).area == pytest.approx(0.0)
    clipped = resolve_overlaps(zones, np.array([1, 3, 0]), area=shapely.box(0, 0, 1.5, 1.5))
    assert clipped[1].area + clipped[3].area == pytest.approx(1.5 * 1.5)


def test_zone_rejects_keep_every_feature():
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    result = classify_zones([shapely.box(0, 0, 1, 1), None, bowtie, shapely.box(2, 2, 3, 3)],
                            ["yes", "yes", "YES", "perhaps"], ValueMap.parse("yes=high"))
    assert list(result.classes) == [3, -1, 3, -1]
    assert [(i, r) for i, r, _ in result.rejects] == [(1, "empty_geometry"), (3, "unmapped_value")]
    assert result.repaired[2] and shapely.is_valid(result.geometries[2])


def test_building_takes_highest_class_it_touches():
    index = overlay.ZoneIndex.build({1: shapely.box(0, 0, 1, 1), 3: shapely.box(1, 0, 2, 1)})
    buildings = [shapely.box(0.2, 0.2, 0.4, 0.4),  # low only
                 shapely.box(0.9, 0.2, 1.1, 0.4),  # low and high -> high
                 shapely.box(3, 3, 4, 4),  # outside
                 shapely.Point(1.5, 0.5),  # point in high
                 shapely.box(-1, 0, 0, 1)]  # touches the low zone's edge -> low
    assert list(overlay.max_class(buildings, index)) == [1, 3, 0, 3, 1]


def test_lines_split_at_class_boundaries_keep_their_length():
    index = overlay.ZoneIndex.build({1: shapely.box(0, 0, 1, 1), 3: shapely.box(1, 0, 2, 1)})
    lines = [shapely.LineString([(-1, 0.5), (3, 0.5)]), shapely.LineString([(5, 5), (5, 6)])]
    pieces = overlay.split_lines(lines, index)
    by_class = {}
    for geometry, owner, code in zip(pieces.geometries, pieces.line_index, pieces.codes):
        by_class[(owner, code)] = by_class.get((owner, code), 0) + geometry.length
    assert by_class == pytest.approx({(0, 1): 1.0, (0, 3): 1.0, (0, 0): 2.0, (1, 0): 1.0})


def test_a_road_along_a_shared_boundary_counts_once():
    """Zones (and units) touch along their edges: a road on the edge belongs to one of them."""
    index = overlay.ZoneIndex.build({1: shapely.box(0, 0, 1, 1), 3: shapely.box(1, 0, 2, 1)})
    # Up the shared edge x = 1 (1 long), then out of both zones (1 long).
    road = shapely.LineString([(1, 0), (1, 1), (1, 2)])
    for prefer_highest, owner in ((True, 3), (False, 1)):
        pieces = overlay.split_lines([road], index, prefer_highest=prefer_highest)
        length = {}
        for geometry, code in zip(pieces.geometries, pieces.codes):
            length[int(code)] = length.get(int(code), 0) + geometry.length
        assert length == pytest.approx({owner: 1.0, 0: 1.0})
    # Along the edge, then touching the low zone's corner at a point and leaving: the overlay gives
    # the low zone a line and a point; only lengths count.
    road = shapely.LineString([(1, 0), (1, 1), (0.5, 2), (0, 1), (-1, 3)])
    pieces = overlay.split_lines([road], index)
    assert sorted((int(c), round(g.length, 9)) for g, c in zip(pieces.geometries, pieces.codes)) == [
        (0, round(2 * 5 ** 0.5 / 2, 9)), (0, round(5 ** 0.5, 9)), (3, 1.0)]
    # The same through the engine, with units meeting on the road: the first unit wins.
    hazard = analysis.Hazard(zones={1: shapely.box(106.80, -6.20, 106.81, -6.17),
                                    3: shapely.box(106.81, -6.20, 106.82, -6.17)})
    units = [shapely.box(106.79, -6.21, 106.81, -6.16), shapely.box(106.81, -6.21, 106.83, -6.16)]
    road = shapely.LineString([(106.81, -6.19), (106.81, -6.18)])
    result = analysis.roads_exposure([road], "EPSG:4326", hazard, units, "EPSG:4326")
    assert result["length_m"].sum() == pytest.approx(GEOD.geometry_length(road), rel=1e-9)
    assert set(result["classes"].tolist()) == {3} and set(result["unit"].tolist()) == {0}


def test_summaries_by_class_unit_and_category():
    classes = [0, 3, 3, 1, 2, 3]
    units = [0, 0, 1, -1, 1, 1]  # -1: outside every unit
    weights = [10.0, 1.0, 2.0, 4.0, None, float("nan")]  # missing weights count as 0
    assert analysis.summary_by_class(classes) == {0: 1, 1: 1, 2: 1, 3: 3}
    assert analysis.summary_by_class(classes, weights) == {0: 10.0, 1: 4.0, 2: 0.0, 3: 3.0}
    table = analysis.summary_by_unit(classes, units, 2, weights)
    assert table.tolist() == [[10.0, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 2.0], [0.0, 4.0, 0.0, 0.0]]
    by_type = analysis.summary_by_category(classes, ["house", "house", None, "school", "house", "school"])
    assert by_type == {"": {0: 0, 1: 0, 2: 0, 3: 1}, "house": {0: 1, 1: 0, 2: 1, 3: 1},
                       "school": {0: 0, 1: 1, 2: 0, 3: 1}}


def test_geodesic_lengths_and_equal_area_areas():
    line = shapely.LineString([(2.0, 48.0), (2.5, 48.2), (3.0, 48.1)])
    expected = GEOD.geometry_length(line)
    assert measure.lengths_m([line])[0] == pytest.approx(expected, rel=1e-9)
    polygon = shapely.box(106.80, -6.20, 106.83, -6.17)
    geodesic, _ = GEOD.geometry_area_perimeter(polygon)
    assert measure.areas_m2([polygon])[0] == pytest.approx(abs(geodesic), rel=1e-4)


def test_roads_per_unit_add_up(tmp_path):
    hazard = analysis.Hazard(zones={3: shapely.box(106.80, -6.20, 106.81, -6.17)})
    roads = [shapely.LineString([(106.79, -6.18), (106.83, -6.18)])]
    units = [shapely.box(106.78, -6.21, 106.805, -6.16), shapely.box(106.805, -6.21, 106.84, -6.16)]
    result = analysis.roads_exposure(roads, "EPSG:4326", hazard, units, "EPSG:4326")
    total = GEOD.geometry_length(roads[0])
    assert result["length_m"].sum() == pytest.approx(total, rel=1e-9)
    flooded = result["length_m"][result["classes"] == 3].sum()
    assert flooded == pytest.approx(GEOD.geometry_length(
        shapely.LineString([(106.80, -6.18), (106.81, -6.18)])), rel=1e-9)
    assert set(result["unit"]) == {0, 1}


rectangles = st.lists(st.tuples(st.floats(106.79, 106.84), st.floats(-6.21, -6.16),
                                st.floats(1e-5, 5e-4), st.floats(1e-5, 5e-4)), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(rectangles, st.randoms(use_true_random=False))
def test_counts_add_up_and_do_not_depend_on_order_or_crs(boxes, random):
    zones = {1: shapely.box(106.79, -6.21, 106.81, -6.16), 3: shapely.box(106.815, -6.19, 106.83, -6.17)}
    hazard = analysis.Hazard(zones=zones)
    buildings = np.array([shapely.box(x, y, x + w, y + h) for x, y, w, h in boxes], dtype=object)
    result = analysis.buildings_exposure(buildings, "EPSG:4326", hazard)
    counts = analysis.summary_by_class(result.classes)
    assert sum(counts.values()) == len(buildings)
    order = list(range(len(buildings)))
    random.shuffle(order)
    shuffled = analysis.buildings_exposure(buildings[order], "EPSG:4326", hazard)
    assert list(shuffled.classes) == list(result.classes[order])
    # The same buildings given in UTM 48S: same classes (away from zone edges by construction
    # of the check: compare only buildings farther than 1 m from every zone boundary).
    to_utm = pyproj.Transformer.from_crs(4326, 32748, always_xy=True)
    utm = shapely.transform(buildings, lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))
    projected = analysis.buildings_exposure(utm, "EPSG:32748", hazard)
    boundary = shapely.union_all([shapely.boundary(z) for z in zones.values()])
    far = shapely.distance(buildings, boundary) > 2e-5
    assert list(projected.classes[far]) == list(result.classes[far])
    assert np.allclose(projected.size, result.size, rtol=1e-6)


def test_threaded_query_equals_one_query():
    import numpy as np
    import shapely
    from refuge.core import threads
    from refuge.core.hazard import index as overlay

    rng = np.random.default_rng(2)
    corner = rng.uniform(0, 5000, (120_000, 2))
    buildings = shapely.box(corner[:, 0], corner[:, 1], corner[:, 0] + 15, corner[:, 1] + 10)
    buildings[::997] = None  # missing geometries match nothing
    zone_corner = rng.uniform(0, 5000, (3000, 2))
    zones = shapely.box(zone_corner[:, 0], zone_corner[:, 1], zone_corner[:, 0] + 150, zone_corner[:, 1] + 90)
    # A few large zones with many vertices, the case the zone-side query is for.
    angle = np.linspace(0, 2 * np.pi, 3000, endpoint=False)
    for k, (x, y) in enumerate(rng.uniform(500, 4500, (4, 2))):
        radius = 400 * (1 + 0.2 * np.sin(9 * angle))
        zones[k] = shapely.Polygon(np.c_[x + radius * np.cos(angle), y + radius * np.sin(angle)])
    index = overlay.ZoneIndex.from_polygons(zones, rng.integers(1, 4, len(zones)))
    feature, part = index.tree.query(buildings, predicate="intersects")  # one query, one thread
    expected = np.zeros(len(buildings), dtype=np.int8)
    np.maximum.at(expected, feature, index.codes[part])
    pairs = overlay.intersecting_pairs(index.parts, buildings)
    assert len(pairs) == threads.thread_count()  # one chunk of buildings per thread
    got = np.concatenate([np.stack(p) for p in pairs], axis=1)
    assert sorted(zip(got[0].tolist(), got[1].tolist())) == sorted(zip(part.tolist(), feature.tolist()))
    assert np.array_equal(overlay.max_class(buildings, index), expected)


def test_each_thread_gets_its_own_zones():
    """No geometry is used by two threads at once (see refuge.core.threads): copies, not views."""
    import numpy as np
    import shapely
    from refuge.core.hazard import index as overlay

    zones = shapely.box(np.arange(5.0), 0, np.arange(5.0) + 1, 1)
    index = overlay.ZoneIndex.from_polygons(zones, [1, 2, 1, 3, 1])
    sets = index.zone_sets(1, 3)
    assert len(sets) == 3 and sets[0] is index.zone_sets(1, 1)[0]
    assert index.zone_sets(1, 3)[2] is sets[2]  # kept, with whatever GEOS prepared in them
    for copy in sets[1:]:
        assert not {id(g) for g in copy} & {id(g) for g in sets[0]}
        assert shapely.equals_exact(copy, sets[0], tolerance=0).all()


def test_elementwise_threads_equal_one_call():
    import numpy as np
    import shapely
    from refuge.core import threads

    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 1000, (50_001, 2))
    polygons = shapely.buffer(shapely.points(xy), rng.uniform(1, 5, len(xy)), quad_segs=3)
    assert len(threads.chunk_bounds(len(polygons), 20_000)) == min(2, threads.thread_count())
    assert np.array_equal(threads.elementwise(shapely.is_valid, polygons), shapely.is_valid(polygons))
    assert shapely.equals_exact(threads.elementwise(shapely.point_on_surface, polygons),
                                shapely.point_on_surface(polygons)).all()


def test_areas_equal_geodesic_areas():
    import numpy as np
    import pyproj
    import shapely
    from refuge.core.measure import areas_m2

    geod = pyproj.Geod(ellps="WGS84")
    polygons = []
    for latitude in (-35.0, 0.0, 45.0, 70.0):
        for size_deg in (0.0003, 0.01, 0.1):
            polygons.append(shapely.box(10.0, latitude, 10.0 + size_deg, latitude + size_deg / 2))
    # Parts far apart are measured each at their own latitude.
    polygons.append(shapely.MultiPolygon([shapely.box(5, 0, 5.01, 0.01), shapely.box(5, 60, 5.01, 60.01)]))
    ours = areas_m2(np.array(polygons, dtype=object))
    expected = [abs(geod.geometry_area_perimeter(p)[0]) for p in polygons]
    assert ours == pytest.approx(expected, rel=1e-5)


def test_containing_unit_equals_point_in_polygon():
    import numpy as np
    import shapely
    from refuge.core.hazard import index as overlay

    rng = np.random.default_rng(8)
    corner = rng.uniform(-100, 1100, (30_000, 2))
    buildings = shapely.box(corner[:, 0], corner[:, 1], corner[:, 0] + 12, corner[:, 1] + 8)
    angle = np.linspace(0, 2 * np.pi, 2000, endpoint=False)
    wave = 1 + 0.3 * np.sin(7 * angle)
    units = [shapely.Polygon(np.c_[x + r * np.cos(angle), y + r * wave * np.sin(angle)])
             for x, y, r in rng.uniform((0, 0, 100), (1000, 1000, 300), (12, 3))]  # overlapping, wavy
    # and simple boxes
    units[3:3] = list(shapely.box(*rng.uniform(0, 800, (2, 6)), *rng.uniform(900, 1000, (2, 6))))
    points = shapely.point_on_surface(buildings)
    expected = np.full(len(buildings), -1)
    for position, unit in reversed(list(enumerate(units))):  # the first unit wins
        expected[shapely.intersects(unit, points)] = position
    assert (expected == -1).any() and (expected >= 0).any()
    assert np.array_equal(overlay.containing_unit(buildings, units), expected)
