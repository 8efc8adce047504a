"""Dasymetric population and population from a raster, against values computed by hand."""

import numpy as np
import pyproj
import pytest
import shapely
from refuge.core.exposure import analysis, population, population_raster
from refuge.core.raster.sampling import RasterGrid


def test_residential_types_read_like_a_list():
    assert population.parse_residential(" Residential, house ,,YES") == {"residential", "house", "yes"}
    assert population.parse_residential("") == frozenset()
    assert population.residential_flags(["House", None, "shop "], {"house"}) == [True, False, False]
    assert population.residential_flags([None], {"yes"}) == [True]  # no type: building=yes


def test_census_shared_among_residential_floor_area():
    census = [1000.0, np.nan, 50.0]  # unit 1: NULL census, 0 people; unit 2: no residential building
    footprint = [100.0, 300.0, 40.0, 80.0, 60.0]
    unit = [0, 0, 0, 2, -1]
    levels = ["2", None, "3", "1", "5"]
    types = ["house", "apartments", "shop", "shop", "house"]
    placed = population.dasymetric(census, footprint, unit, levels, types, {"house", "apartments"})
    # Unit 0: floor areas 200 and 300 (the shop holds nobody): 400 and 600 people.
    assert placed.people.tolist() == pytest.approx([400.0, 600.0, 0.0, 0.0, 0.0])
    assert placed.unplaced_by_unit.tolist() == [0.0, 0.0, 50.0]
    assert placed.unplaced == 50.0
    every = population.dasymetric(census, footprint, unit)  # no types: every building is residential
    assert every.people.tolist() == pytest.approx([1000 * 100 / 440, 1000 * 300 / 440, 1000 * 40 / 440,
                                                   50.0, 0.0])
    assert every.unplaced == 0.0


def grid():
    """4 x 4 pixels of 1 degree from (0, 0) to (4, 4), pixel (row r, column c) holding 10 r + c people."""
    values = np.array([[10.0 * r + c for c in range(4)] for r in range(4)])
    values[0, 0] = np.nan  # nodata
    return RasterGrid(values, (0.0, 1.0, 0.0, 4.0, 0.0, -1.0), pyproj.CRS("EPSG:4326").to_wkt(), None)


def test_raster_people_per_class_share_partial_pixels():
    values = np.nan_to_num(grid().values)
    zones = {3: shapely.box(0, 0, 2, 4), 1: shapely.box(2, 0, 3, 4), 2: shapely.box(3, 0, 3.5, 4)}
    result = population_raster.raster_population(grid(), grid().crs_wkt, analysis.Hazard(zones=zones))
    high, low, medium = values[:, :2].sum(), values[:, 2].sum(), values[:, 3].sum() / 2
    expected = {0: values.sum() - high - low - medium, 1: low, 2: medium, 3: high}
    assert result.by_class == pytest.approx(expected)
    assert list(result.by_class) == [0, 1, 2, 3] and result.unit_table is None
    assert result.summary() == result.by_class
    assert result.table_rows()[3] == ["population", None, 3, None, None, None, pytest.approx(high)]
    assert result.unit_tables(0) == {}


def test_raster_people_per_unit_add_up_to_the_classes():
    values = np.nan_to_num(grid().values)
    zones = {3: shapely.box(0, 0, 2, 4)}
    # One unit: the top half of the raster (rows 0 and 1); the rest is outside every unit.
    result = population_raster.raster_population(grid(), grid().crs_wkt, analysis.Hazard(zones=zones),
                                                 [shapely.box(0, 2, 4, 4)], "EPSG:4326")
    top = values[:2]
    assert result.unit_table[0] == pytest.approx([top[:, 2:].sum(), 0, 0, top[:, :2].sum()])
    assert result.unit_table[1] == pytest.approx([values[2:, 2:].sum(), 0, 0, values[2:, :2].sum()])
    assert result.unit_table.sum(axis=0) == pytest.approx([result.by_class[c] for c in range(4)])
    assert list(result.unit_tables(1)) == ["population"]
