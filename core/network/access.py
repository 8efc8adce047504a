"""Emergency access: travel time from the nearest facility to every household, dry and flooded.

Fire stations, ambulances and rescue teams drive *out* to households, so the
search runs from the facilities (oneway streets count in that direction).
Comparing the dry network with the flood-cut one tells which households lose
access and which are reached later.

Also here, the statistics of evacuation access read per shelter and per
aggregation unit (:func:`shelter_load`, :func:`unit_access`).

Statuses: ``unchanged`` (reached, no longer than the delay threshold),
``delayed`` (reached, but more than the threshold later), ``loses_access``
(reached dry, not reached once flooded), ``no_access_dry`` (not reached
even on the dry network), ``no_road`` (no usable road within the snapping
distance).
"""

from dataclasses import dataclass

import numpy as np

from .. import crs as crs_tools
from ..hazard.index import containing_unit
from ..io.columns import INTEGER, REAL
from .evacuation import STATUSES
from .routing import Router
from .snap import snap

try:
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    shapely = None

ACCESS_STATUSES = ("unchanged", "delayed", "loses_access", "no_access_dry", "no_road")


@dataclass
class Access:
    status: np.ndarray
    dry_facility: np.ndarray
    dry_time_s: np.ndarray
    dry_distance_m: np.ndarray
    flood_facility: np.ndarray
    flood_time_s: np.ndarray
    flood_distance_m: np.ndarray
    delay_s: np.ndarray


def facility_access(network, cut_speed_kmh, households_xy, facilities_xy, max_snap_m, delay_threshold_s):
    """:class:`Access` per household; points in the network's local metres."""
    cut_speed_kmh = np.asarray(cut_speed_kmh, dtype=np.float64)
    results = []
    for speeds in (network.speed_kmh, cut_speed_kmh):
        if results and np.array_equal(speeds, network.speed_kmh):
            results.append(results[0])  # the flood touches no road: the same answer
            continue
        time_ab, time_ba = network.times(speeds)
        usable = np.isfinite(time_ab) | np.isfinite(time_ba)
        facilities = snap(network, facilities_xy, usable, max_snap_m)
        households = snap(network, households_xy, usable, max_snap_m)
        router = Router(network, time_ab, time_ba, facilities, to_sources=False)
        results.append((households, router.evaluate(households)))
    (dry_anchors, dry), (_, flood) = results
    both = dry.reached & flood.reached
    delay = np.full(len(dry.time_s), np.nan)
    delay[both] = flood.time_s[both] - dry.time_s[both]
    status = np.full(len(dry.time_s), "unchanged", dtype=object)
    status[dry.reached & flood.reached & (delay > delay_threshold_s)] = "delayed"
    status[dry.reached & ~flood.reached] = "loses_access"
    status[~dry.reached] = "no_access_dry"
    status[~dry_anchors.joined] = "no_road"

    def finite(values, reached):
        return np.where(reached, values, np.nan)

    return Access(status=status,
                  dry_facility=dry.source, dry_time_s=finite(dry.time_s, dry.reached),
                  dry_distance_m=finite(dry.distance_m, dry.reached),
                  flood_facility=flood.source, flood_time_s=finite(flood.time_s, flood.reached),
                  flood_distance_m=finite(flood.distance_m, flood.reached), delay_s=delay)


def people_per_household(population, count):
    """People of each of ``count`` households: 1 each without a population field, 0 for a NULL (NaN)."""
    return np.ones(count) if population is None else np.nan_to_num(np.asarray(population, dtype=np.float64))


@dataclass
class ShelterLoad:
    """Per shelter: ``households`` and ``population`` (people) sent there by the nearest-shelter
    search, ``capacity`` (people; NaN when unknown), ``overflow`` = max(population - capacity, 0)
    (NaN without capacity) and ``load_ratio`` = population / capacity (NaN unless capacity > 0)."""

    households: np.ndarray
    population: np.ndarray
    capacity: np.ndarray
    overflow: np.ndarray
    load_ratio: np.ndarray


def shelter_load(evacuation, capacity=None):
    """The :class:`ShelterLoad` of an :class:`.evacuation.Evacuation` (``capacity``: people per shelter)."""
    load = evacuation.shelter_population
    cap = np.full(len(load), np.nan) if capacity is None else np.asarray(capacity, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cap > 0, load / cap, np.nan)
    overflow = np.where(np.isfinite(cap), np.maximum(load - cap, 0.0), np.nan)
    return ShelterLoad(households=evacuation.shelter_households, population=load, capacity=cap,
                       overflow=overflow, load_ratio=ratio)


def unit_of_points(lonlat, polygons, crs):
    """Index of the unit polygon (in ``crs``) holding each (lon, lat) point; -1 for none or NaN points."""
    lonlat = np.asarray(lonlat, dtype=np.float64).reshape(-1, 2)
    polygons = crs_tools.reproject(polygons, crs, crs_tools.WGS84)
    unit = containing_unit(shapely.points(np.where(np.isnan(lonlat), 0.0, lonlat)), polygons)
    unit[np.isnan(lonlat).any(axis=1)] = -1
    return unit


# Households who reach no shelter: the people cut off.
CUT_OFF_STATUSES = ("isolated_by_flood", "no_shelter_reachable", "no_road")


@dataclass
class UnitAccess:
    """Evacuation access per aggregation unit; every array has one value per unit.

    ``households``, ``population`` (people) inside the unit; ``by_status``:
    {household status: households}, for every status of
    :data:`.evacuation.STATUSES`; ``households_beyond_threshold`` and
    ``population_beyond_threshold``: reachable households (people) whose
    travel time exceeds the threshold; ``population_cut_off``: people of the
    :data:`CUT_OFF_STATUSES`; ``median_time_s`` and ``max_time_s``: of the
    households with a travel time (reachable or at a shelter; NaN when none).
    """

    names: list
    households: np.ndarray
    population: np.ndarray
    by_status: dict
    households_beyond_threshold: np.ndarray
    population_beyond_threshold: np.ndarray
    population_cut_off: np.ndarray
    median_time_s: np.ndarray
    max_time_s: np.ndarray

    def columns(self):
        """[(column name, kind, values)] in the order of the units output (name column excluded)."""
        return [("households", INTEGER, self.households), ("population", REAL, self.population)] + \
            [(status, INTEGER, self.by_status[status]) for status in STATUSES] + [
            ("households_beyond_threshold", INTEGER, self.households_beyond_threshold),
            ("population_beyond_threshold", REAL, self.population_beyond_threshold),
            ("population_cut_off", REAL, self.population_cut_off),
            ("median_time_s", REAL, self.median_time_s), ("max_time_s", REAL, self.max_time_s)]

    def summary(self):
        """{unit name: {column: value}} for SUMMARY_JSON (counts int, people and seconds float).

        Units with the same name share one entry: the last one wins.
        """
        columns = self.columns()
        return {name: {key: (float(values[i]) if kind == REAL else int(values[i]))
                       for key, kind, values in columns} for i, name in enumerate(self.names)}


def unit_access(unit, names, status, time_s, people, threshold_s):
    """The :class:`UnitAccess` of households in units.

    ``unit``: unit index of each household (-1 outside every unit, see
    :func:`unit_of_points`); ``names``: one per unit; ``status``,
    ``time_s``: of the evacuation (per household); ``people``: per household;
    ``threshold_s``: the travel time beyond which a household is counted.
    """
    unit = np.asarray(unit, dtype=np.int64)
    count = len(names)
    inside = unit >= 0

    def per_unit(mask, weights=None):
        chosen = inside & mask
        return np.bincount(unit[chosen], weights=None if weights is None else weights[chosen],
                           minlength=count)[:count]

    every = np.ones(len(unit), dtype=bool)
    beyond = (status == "reachable") & (time_s > threshold_s)
    median, maximum = _time_statistics(unit, inside, time_s, count)
    return UnitAccess(
        names=list(names), households=per_unit(every), population=per_unit(every, people),
        by_status={s: per_unit(status == s) for s in STATUSES},
        households_beyond_threshold=per_unit(beyond), population_beyond_threshold=per_unit(beyond, people),
        population_cut_off=per_unit(np.isin(status, CUT_OFF_STATUSES), people),
        median_time_s=median, max_time_s=maximum)


def _time_statistics(unit, inside, time_s, count):
    """(median, max) travel time per unit of the households with a finite time; NaN for none."""
    median, maximum = np.full(count, np.nan), np.full(count, np.nan)
    timed = inside & np.isfinite(time_s)
    order = np.lexsort((time_s[timed], unit[timed]))
    unit_sorted, time_sorted = unit[timed][order], time_s[timed][order]
    bounds = np.searchsorted(unit_sorted, np.arange(count + 1))
    for u in range(count):
        times = time_sorted[bounds[u]:bounds[u + 1]]
        if len(times):
            median[u], maximum[u] = float(np.median(times)), float(times[-1])
    return median, maximum
