"""Dasymetric population and minimum needs, hand-computed."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from refuge.core.exposure import needs, population


def test_census_shared_by_floor_area():
    weights = population.floor_weights([100, 300, 50, 80], levels=[2, None, "x", 0.5],
                                       is_residential=[True, True, False, True])
    assert list(weights) == [200, 300, 0, 80]
    people, unplaced = population.distribute([1000, 70, 5], building_unit=[0, 0, 0, 1],
                                             weights=weights)
    assert list(people) == pytest.approx([400, 600, 0, 70])
    assert list(unplaced) == [0, 0, 5]  # unit 2 has no building: its people stay on record


@given(st.lists(st.floats(0, 1e4), min_size=1, max_size=30), st.integers(1, 5))
def test_distribution_keeps_every_person(areas, unit_count):
    units = np.arange(len(areas)) % unit_count
    totals = np.linspace(100, 900, unit_count)
    people, unplaced = population.distribute(totals, units, population.floor_weights(areas))
    assert people.sum() + unplaced.sum() == pytest.approx(totals.sum())


def test_displaced_needs_follow_sphere_defaults():
    report = needs.displaced_needs({0: 1000, 1: 100, 2: 40, 3: 60})
    assert report.displaced == pytest.approx(40 * 0.5 + 60)
    assert report.needs["water_l_day"] == pytest.approx(80 * 15)
    assert report.needs["toilets"] == pytest.approx(80 / 20)
    assert report.needs["household_kits"] == pytest.approx(80 / 5)
    assert report.needs["food_kcal_day"] == pytest.approx(80 * 2100)
    assert report.needs["food_kg_week"] == pytest.approx(80 * 2.8)
    assert report.needs["shelter_m2"] == pytest.approx(80 * 3.5)
    assert report.groups["women"] == pytest.approx(40)


def test_settings_are_parsed_and_checked():
    assert needs.parse_displacement("low=0.1; medium = 0,6") == {0: 0.0, 1: 0.1, 2: 0.6, 3: 1.0}
    assert needs.parse_needs("water_l_day=20")["water_l_day"] == 20
    for bad in ("high=2", "extreme=1", "low=a lot", "low"):
        with pytest.raises(ValueError):
            needs.parse_displacement(bad)
