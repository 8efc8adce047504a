"""Per-shelter load and per-unit access statistics (core/network/access.py), against plain Python loops."""

import numpy as np
import pytest
import shapely
from refuge.core.network.access import (
    people_per_household,
    shelter_load,
    unit_access,
    unit_of_points,
)
from refuge.core.network.evacuation import STATUSES, Evacuation


def evacuation(status, shelter, time_s, shelter_households, shelter_population):
    count = len(status)
    nan = np.full(count, np.nan)
    shelters = len(shelter_households)
    return Evacuation(status=np.array(status, dtype=object), shelter=np.array(shelter),
                      time_s=np.array(time_s), distance_m=nan, snap_distance_m=nan, dry_time_s=nan,
                      shelter_status=np.array(["safe"] * shelters, dtype=object),
                      shelter_snap_distance_m=np.zeros(shelters),
                      shelter_households=np.array(shelter_households),
                      shelter_population=np.array(shelter_population))


def test_people_per_household():
    assert people_per_household(None, 3).tolist() == [1.0, 1.0, 1.0]
    assert people_per_household(np.array([2.0, np.nan, 4.5]), 3).tolist() == [2.0, 0.0, 4.5]


def test_shelter_load_overflow_and_ratio():
    result = evacuation(["reachable"], [0], [1.0], [3, 2, 0, 1], [30.0, 5.0, 0.0, 4.0])
    load = shelter_load(result, np.array([20.0, 10.0, 0.0, np.nan]))
    assert load.households.tolist() == [3, 2, 0, 1]
    assert load.population.tolist() == [30.0, 5.0, 0.0, 4.0]
    assert load.overflow.tolist()[:3] == [10.0, 0.0, 0.0] and np.isnan(load.overflow[3])
    assert load.load_ratio.tolist()[:2] == [1.5, 0.5]
    assert np.isnan(load.load_ratio[2:]).all()  # no capacity, or none known
    unknown = shelter_load(result)
    assert np.isnan(unknown.capacity).all() and np.isnan(unknown.overflow).all()
    assert np.isnan(unknown.load_ratio).all()


def test_unit_of_points():
    units = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(0.5, 0, 1.5, 1)]
    lonlat = np.array([[0.25, 0.5], [1.75, 0.5], [5.0, 5.0], [np.nan, np.nan], [1.25, 0.5]])
    # Overlapping units: the first holding the point wins (1.25 lies in units 1 and 2).
    assert unit_of_points(lonlat, units, "EPSG:4326").tolist() == [0, 1, -1, -1, 1]


def test_unit_access_against_loops():
    rng = np.random.default_rng(7)
    count, units = 200, 4
    statuses = np.array(STATUSES + ("no_geometry",), dtype=object)
    status = statuses[rng.integers(0, len(statuses), count)]
    time_s = np.where(status == "reachable", rng.uniform(0, 1800, count),
                      np.where(status == "at_shelter", 0.0, np.nan))
    unit = rng.integers(-1, units, count)
    people = rng.integers(0, 6, count).astype(float)
    threshold_s = 900.0
    names = ["a", "b", "c", "d"]
    result = unit_access(unit, names, status, time_s, people, threshold_s)
    for u in range(units):
        rows = [i for i in range(count) if unit[i] == u]
        assert result.households[u] == len(rows)
        assert result.population[u] == pytest.approx(sum(people[i] for i in rows))
        for s in STATUSES:
            assert result.by_status[s][u] == sum(1 for i in rows if status[i] == s)
        beyond = [i for i in rows if status[i] == "reachable" and time_s[i] > threshold_s]
        assert result.households_beyond_threshold[u] == len(beyond)
        assert result.population_beyond_threshold[u] == pytest.approx(sum(people[i] for i in beyond))
        cut_off = [i for i in rows if status[i] in ("isolated_by_flood", "no_shelter_reachable", "no_road")]
        assert result.population_cut_off[u] == pytest.approx(sum(people[i] for i in cut_off))
        times = sorted(time_s[i] for i in rows if np.isfinite(time_s[i]))
        assert result.median_time_s[u] == pytest.approx(float(np.median(times)))
        assert result.max_time_s[u] == max(times)
    summary = result.summary()
    assert list(summary) == names
    assert list(summary["a"]) == ["households", "population", *STATUSES, "households_beyond_threshold",
                                  "population_beyond_threshold", "population_cut_off", "median_time_s",
                                  "max_time_s"]
    assert isinstance(summary["a"]["households"], int) and isinstance(summary["a"]["population"], float)


def test_unit_access_of_an_empty_unit():
    status = np.array(["reachable", "no_road"], dtype=object)
    result = unit_access(np.array([0, 0]), ["full", "empty"], status, np.array([60.0, np.nan]),
                         np.array([2.0, 3.0]), 30.0)
    assert result.households.tolist() == [2, 0] and result.population.tolist() == [5.0, 0.0]
    assert result.households_beyond_threshold.tolist() == [1, 0]
    assert result.population_cut_off.tolist() == [3.0, 0.0]
    assert result.median_time_s[0] == 60.0 and np.isnan(result.median_time_s[1])
    assert np.isnan(result.max_time_s[1])
    assert [name for name, _, _ in result.columns()][:2] == ["households", "population"]
