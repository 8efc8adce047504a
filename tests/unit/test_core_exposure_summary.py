"""ExposureResult: the SUMMARY_JSON document, the summary-table rows and the per-unit tables."""

import json

import numpy as np
import pytest
from refuge.core.exposure import analysis, features, needs
from refuge.core.exposure.population_raster import RasterPopulation
from refuge.core.exposure.summary import ExposureResult
from refuge.core.exposure.units import UnitTables


def buildings(population=None, unplaced=None):
    exposure = analysis.FeatureExposure(classes=np.array([0, 3, 2], dtype=np.int8), unit=np.array([0, 1, -1]),
                                        size=np.array([10.0, 20.0, 30.0]))
    return features.BuildingsExposure(exposure, population, unplaced=unplaced)


def roads():
    return features.RoadsExposure(geometries=np.array([None, None], dtype=object),
                                  line_index=np.array([0, 0]), classes=np.array([3, 0]),
                                  unit=np.array([1, 1]),
                                  length_m=np.array([7.0, 3.0]))


def test_document_keys_in_order_with_schema_version():
    result = ExposureResult("Refuge 9.9", "raster", (0.5, 1.5), ["A", None],
                            buildings=buildings(np.array([1.0, 2.0, 4.0]), unplaced=5.0), roads=roads())
    result.add_needs({0: 0.0, 1: 0.0, 2: 0.5, 3: 1.0}, {"women": 0.5}, dict(needs.NEEDS))
    document = result.summary()
    assert list(document) == ["schema_version", "generator", "hazard", "thresholds_m", "classes", "units",
                              "population_unplaced", "buildings", "roads", "displaced"]
    assert document["schema_version"] == 1 and document["generator"] == "Refuge 9.9"
    assert document["thresholds_m"] == [0.5, 1.5] and document["units"] == ["A", None]
    assert document["classes"][3] == {"key": "high", "en": "High", "fr": "Fort"}
    assert document["population_unplaced"] == 5.0
    assert document["buildings"]["population"] == {0: 1.0, 1: 0.0, 2: 4.0, 3: 2.0}
    assert document["roads"] == {"length_m": {0: 3.0, 1: 0.0, 2: 0.0, 3: 7.0}}
    displaced = document["displaced"]
    assert displaced["people"] == pytest.approx(0.5 * 4 + 2)  # medium at 0.5, high at 1
    assert displaced["groups"] == {"women": pytest.approx(2.0)}
    assert displaced["needs"]["water_l_day"] == pytest.approx(4 * 15)
    assert displaced["needs"]["household_kits"] == pytest.approx(4 / 5)
    assert displaced["displacement_rates"] == {0: 0.0, 1: 0.0, 2: 0.5, 3: 1.0}
    assert displaced["needs_per_person"]["people_per_toilet"] == 20.0
    assert json.loads(json.dumps(document))["buildings"]["count"] == {"0": 1, "1": 0, "2": 1, "3": 1}


def test_without_population_there_are_no_needs():
    result = ExposureResult("Refuge", "zones", unit_names=None, buildings=buildings())
    assert result.add_needs() is None
    document = result.summary()
    assert document["thresholds_m"] is None and document["units"] is None
    assert "displaced" not in document and "population_unplaced" not in document
    assert result.unit_tables() is None
    assert result.table_rows("outside") == buildings().table_rows()  # no unit rows without units


def test_a_raster_population_wins_over_buildings_and_fills_the_unit_population():
    raster = RasterPopulation({0: 1.0, 1: 2.0, 2: 0.0, 3: 3.0},
                              np.array([[1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 3.0], [0.0, 0.0, 0.0, 0.0]]))
    result = ExposureResult("Refuge", "zones", unit_names=["A", "B"], buildings=buildings(),
                            population_raster=raster)
    assert result.population_by_class() == raster.by_class
    assert list(result.summary())[-1] == "population_raster"
    units = result.unit_tables()
    assert [table for table, _ in units.present()] == ["buildings", "buildings_m2", "population"]
    rows = result.table_rows("outside")
    assert rows[:4] == buildings().table_rows()
    assert rows[4:8] == raster.table_rows()
    # Per unit: buildings rows carry the raster's people of their unit and class.
    assert rows[8] == ["buildings", "A", 0, 1.0, 10.0, None, 1.0]
    assert rows[8 + 4 + 3] == ["buildings", "B", 3, 1.0, 20.0, None, 3.0]
    assert rows[-2] == ["buildings", "outside", 2, 1.0, 30.0, None, 0.0]
    assert len(rows) == 8 + 3 * 4


def test_unit_tables_columns_values_and_rows():
    tables = {"roads_m": np.array([[1.0, 0, 0, 2], [0, 0, 0, 0], [5, 0, 0, 0]]),
              "population": np.array([[3.0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]])}
    units = UnitTables(["A", "B"], tables, frozenset({1}))
    assert units.column_names() == ["pop_not_exposed", "pop_low", "pop_medium", "pop_high",
                                    "road_m_not_exposed", "road_m_low", "road_m_medium", "road_m_high"]
    assert units.values(0) == [3.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 2.0]
    rows = units.rows("outside")
    assert [row[1] for row in rows] == ["A"] * 8 + ["outside"] * 8  # unit B has no geometry: no rows
    assert rows[:2] == [["population", "A", 0, None, None, None, 3.0],
                        ["roads", "A", 0, None, None, 1.0, None]]
    assert rows[-1] == ["roads", "outside", 3, None, None, 0.0, None]
    assert rows[8 + 1] == ["roads", "outside", 0, None, None, 5.0, None]
