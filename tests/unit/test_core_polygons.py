"""Facts read from polygon coordinates with numpy, checked against GEOS."""

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from refuge.core import measure
from refuge.core.geometry import repair
from refuge.core.polygons import simple_rings


def rectangles(count, seed, size=(1e-5, 1e-3)):
    """Rotated rectangles anywhere on Earth (degrees), in either orientation."""
    rng = np.random.default_rng(seed)
    result = []
    for _ in range(count):
        centre = rng.uniform((-180, -85), (180, 85))
        width, height = rng.uniform(*size, 2)
        angle = rng.uniform(0, np.pi)
        turn = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
        corners = np.array([[-width, -height], [width, -height], [width, height], [-width, height]]) / 2
        corners = corners @ turn + centre
        result.append(shapely.Polygon(corners if rng.random() < 0.5 else corners[::-1]))
    return np.array(result, dtype=object)


def test_rectangles_are_certainly_valid_and_measured_as_geos_does():
    polygons = rectangles(2000, seed=1)
    rings = simple_rings(polygons)
    assert rings.simple.all() and rings.certainly_valid.all()
    assert rings.area == pytest.approx(shapely.area(polygons), rel=1e-12)
    centroid_y = shapely.get_y(shapely.centroid(polygons))
    assert np.abs(rings.centroid_y - centroid_y).max() < 1e-12


def test_what_is_not_certified():
    square = [(0, 0), (1, 0), (1, 1), (0, 1)]
    cases = {
        "bowtie": shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]),
        "concave L": shapely.Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)]),
        "repeated point": shapely.Polygon(square[:2] + square[1:]),
        "flat corner": shapely.Polygon([(0, 0), (0.5, 0), (1, 0), (1, 1), (0, 1)]),
        "pentagram": shapely.Polygon([(np.cos(a), np.sin(a)) for a in np.arange(5) * 4 * np.pi / 5]),
        "hole": shapely.Polygon(square, [[(0.2, 0.2), (0.4, 0.2), (0.4, 0.4)]]),
        "nearly flat": shapely.Polygon([(100, 100), (101, 100 + 1e-15), (102, 100)]),
        "not finite": shapely.Polygon([(0, 0), (np.nan, 0), (1, 1)]),
    }
    rings = simple_rings(list(cases.values()))
    certified = np.zeros(len(cases), dtype=bool)
    certified[np.flatnonzero(rings.simple)] = rings.certainly_valid
    assert not certified.any(), [name for name, c in zip(cases, certified) if c]
    others = [shapely.MultiPolygon([shapely.box(0, 0, 1, 1)]), shapely.Point(0, 0), shapely.Polygon(), None]
    assert not simple_rings(others).simple.any()
    assert simple_rings(shapely.Polygon([(0, 0), (2, 0), (1, 1e-6)])).certainly_valid.all()


coordinate = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(points=st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=9),
       offset=st.tuples(st.floats(-180, 180), st.floats(-85, 85)),
       scale=st.sampled_from([1.0, 1e-3, 1e-5]),
       snap=st.booleans())
def test_certified_rings_are_valid_for_geos(points, offset, scale, snap):
    """Random rings (most self-intersecting, some with repeated or collinear points)."""
    xy = np.array(points)
    if snap:  # repeated points, collinear edges and touching vertices become likely
        xy = np.round(xy * 2) / 2
    polygon = shapely.Polygon(xy * scale + offset)
    rings = simple_rings([polygon])
    if rings.simple.all() and rings.certainly_valid.all():
        assert shapely.is_valid(polygon)
    if rings.simple.all() and shapely.is_valid(polygon):
        assert rings.area[0] == pytest.approx(shapely.area(polygon), rel=1e-9, abs=1e-300)


def test_repair_counts_and_fixes_only_invalid_geometries():
    polygons = list(rectangles(50, seed=2))
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    concave = shapely.Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])
    given = np.array(polygons + [bowtie, concave, shapely.Point(1, 1), None], dtype=object)
    before = given.copy()
    repaired, count, rings = repair(given)
    assert count == 1
    assert all(a is b for a, b in zip(given, before))  # the input array is left alone
    assert shapely.is_valid(repaired[:-1]).all() and repaired[-1] is None
    assert shapely.equals(repaired[50], shapely.make_valid(bowtie))
    assert all(repaired[i] is given[i] for i in range(len(given)) if i != 50)
    # The rings describe the returned geometries: the repaired bow-tie is not simple any more.
    assert list(np.flatnonzero(rings.simple)) == list(range(50)) + [51]
    assert rings.area == pytest.approx(shapely.area(repaired[rings.simple]), rel=1e-12)


def test_areas_from_rings_equal_areas_from_geos():
    concave = shapely.Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])
    two_parts = shapely.MultiPolygon([shapely.box(10, 10, 11, 11), shapely.box(12, 10, 13, 11)])
    holed = shapely.box(0, 0, 1, 1).difference(shapely.box(0.2, 0.2, 0.4, 0.4))
    polygons = np.concatenate([rectangles(500, seed=3, size=(1e-4, 0.5)), [concave, two_parts, holed]])
    rings = simple_rings(polygons)
    assert not rings.simple[-2:].any()
    none = simple_rings(np.array([None] * len(polygons), dtype=object))  # forces GEOS for all
    assert measure.areas_m2(polygons) == pytest.approx(measure.areas_m2(polygons, rings=none), rel=1e-11)


def test_polygonal_keeps_the_areas_of_any_repair_result():
    """A repair, union or intersection may leave lines and points beside the polygons, nested."""
    import shapely
    from refuge.core.polygons import polygon_parts, polygonal, repaired_polygonal

    square = shapely.box(0, 0, 1, 1)
    other = shapely.box(2, 0, 3, 1)
    mixed = shapely.GeometryCollection([shapely.LineString([(5, 5), (6, 6)]), square,
                                        shapely.GeometryCollection([shapely.Point(9, 9), other,
                                                                    shapely.Polygon()])])
    assert [p.bounds for p in polygon_parts(mixed)] == [(0, 0, 1, 1), (2, 0, 3, 1)]
    assert polygonal(mixed).geom_type == "MultiPolygon" and polygonal(mixed).area == 2
    assert polygonal(square, single=True) is square
    assert polygonal(shapely.LineString([(0, 0), (1, 1)])).is_empty
    assert polygon_parts(None) == []
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # two triangles of area 1 each
    repaired = repaired_polygonal(bowtie)
    assert repaired.geom_type == "MultiPolygon" and len(repaired.geoms) == 2 and repaired.area == 2
