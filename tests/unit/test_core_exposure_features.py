"""Per-layer exposure results (buildings, facilities, roads), against values computed by hand."""

import numpy as np
import pyproj
import pytest
import shapely
from refuge.core.exposure import analysis, features

GEOD = pyproj.Geod(ellps="WGS84")
ZONES = {1: shapely.box(106.80, -6.20, 106.81, -6.19), 3: shapely.box(106.81, -6.20, 106.82, -6.19)}
UNITS = [shapely.box(106.79, -6.21, 106.815, -6.18), shapely.box(106.815, -6.21, 106.84, -6.18)]


def test_critical_rule_ignores_case_and_spaces():
    categories = [" Hospital ", "shop", None, "EVACUATION_CENTRE", "assembly_point", "shelter", "police"]
    assert features.critical_mask(categories).tolist() == [True, False, False, True, True, False, True]
    assert features.critical_mask([]).tolist() == []


def test_facilities_per_class_category_and_unit():
    points = [shapely.Point(106.805, -6.195),  # low, unit 0
              shapely.Point(106.812, -6.195),  # high, unit 0
              shapely.Point(106.818, -6.195),  # high, unit 1
              shapely.Point(106.850, -6.195)]  # dry, outside every unit
    categories = ["school", "shop", "Hospital", None]
    result = features.facilities_exposure(points, "EPSG:4326", analysis.Hazard(zones=ZONES), UNITS,
                                          "EPSG:4326", categories)
    assert result.exposure.classes.tolist() == [1, 3, 3, 0]
    assert result.exposure.unit.tolist() == [0, 0, 1, -1]
    summary = result.summary()
    assert summary["count"] == {0: 1, 1: 1, 2: 0, 3: 2}
    assert summary["critical"] == {0: 0, 1: 1, 2: 0, 3: 1}
    assert summary["by_category"] == {"": {0: 1, 1: 0, 2: 0, 3: 0}, "Hospital": {0: 0, 1: 0, 2: 0, 3: 1},
                                      "school": {0: 0, 1: 1, 2: 0, 3: 0}, "shop": {0: 0, 1: 0, 2: 0, 3: 1}}
    assert result.table_rows() == [["facilities", None, 0, 1.0, None, None, None],
                                   ["facilities", None, 1, 1.0, None, None, None],
                                   ["facilities", None, 2, 0.0, None, None, None],
                                   ["facilities", None, 3, 2.0, None, None, None]]
    table = result.unit_tables(2)["facilities"]
    assert table.tolist() == [[0, 1, 0, 1], [0, 0, 0, 1], [1, 0, 0, 0]]  # last row: outside
    none = features.facilities_exposure(points, "EPSG:4326", analysis.Hazard(zones=ZONES))
    assert none.critical.tolist() == [False] * 4 and none.exposure.unit.tolist() == [-1] * 4


def test_buildings_summaries_from_their_columns():
    exposure = analysis.FeatureExposure(classes=np.array([0, 3, 3, 1], dtype=np.int8),
                                        unit=np.array([0, 1, -1, 1]),
                                        size=np.array([100.0, 50.0, 20.0, 5.0]))
    result = features.BuildingsExposure(exposure, np.array([4.0, 2.0, 1.0, 0.0]),
                                        ["house", "house", None, "school"])
    assert result.summary() == {
        "count": {0: 1, 1: 1, 2: 0, 3: 2}, "footprint_m2": {0: 100, 1: 5, 2: 0, 3: 70},
        "population": {0: 4, 1: 0, 2: 0, 3: 3},
        "by_type": {"": {0: 0, 1: 0, 2: 0, 3: 1}, "house": {0: 1, 1: 0, 2: 0, 3: 1},
                    "school": {0: 0, 1: 1, 2: 0, 3: 0}}}
    assert result.population_by_class() == {0: 4, 1: 0, 2: 0, 3: 3}
    assert result.table_rows()[3] == ["buildings", None, 3, 2.0, 70.0, None, 3.0]
    tables = result.unit_tables(2)
    assert sorted(tables) == ["buildings", "buildings_m2", "population"]
    assert tables["buildings_m2"].tolist() == [[100, 0, 0, 0], [0, 5, 0, 50], [0, 0, 0, 20]]
    assert tables["population"].tolist() == [[4, 0, 0, 0], [0, 0, 0, 2], [0, 0, 0, 1]]
    bare = features.BuildingsExposure(exposure)
    assert sorted(bare.summary()) == ["count", "footprint_m2"] and bare.population_by_class() is None
    assert bare.table_rows()[0] == ["buildings", None, 0, 1.0, 100.0, None, None]
    assert sorted(bare.unit_tables(2)) == ["buildings", "buildings_m2"]


def test_road_sections_per_class_and_unit():
    road = shapely.LineString([(106.795, -6.195), (106.825, -6.195)])
    result = features.road_sections([road], "EPSG:4326", analysis.Hazard(zones=ZONES), UNITS, "EPSG:4326")

    def length(x0, x1):
        return GEOD.geometry_length(shapely.LineString([(x0, -6.195), (x1, -6.195)]))

    expected = {0: length(106.795, 106.80) + length(106.82, 106.825), 1: length(106.80, 106.81),
                2: 0.0, 3: length(106.81, 106.82)}
    assert result.summary()["length_m"] == pytest.approx(expected, rel=1e-9)
    assert [row[5] for row in result.table_rows()] == pytest.approx(list(expected.values()), rel=1e-9)
    table = result.unit_tables(2)["roads_m"]
    assert table[0] == pytest.approx([length(106.795, 106.80), length(106.80, 106.81), 0,
                                      length(106.81, 106.815)], rel=1e-9)
    assert table[1] == pytest.approx([length(106.82, 106.825), 0, 0, length(106.815, 106.82)], rel=1e-9)
    assert table[2].tolist() == [0, 0, 0, 0]
    assert set(result.line_index.tolist()) == {0}
