"""The output tables of the access algorithms: result arrays as [(column, kind, values)].

The adapters write these lists as they are (``processing/sinks.py``), so the
name, kind and unit of every output column is decided here, once. ``keep``:
positions of the input features written (those with a geometry);
``labels``: {status code: translated sentence}, given by the adapter, since
translation belongs to Processing. Integers that mean "none" (-1 for no
shelter) are written as NULL.
"""

import numpy as np

from ..io.columns import BOOLEAN, INTEGER, REAL, TEXT


def _fids(fids, positions):
    """Feature ids of ``positions`` in ``fids``; None (NULL) where a position is -1 (none)."""
    return [int(fids[p]) if p >= 0 else None for p in positions]


def _names(names, positions):
    """Names of ``positions`` in ``names``; None where a position is -1 (none)."""
    return [names[p] if p >= 0 else None for p in positions]


def household_columns(result, keep, shelter_fids, shelter_names, labels, assigned=None):
    """Columns of the evacuation households: status, shelter, distance_m, travel_time_s, snap and dry time.

    With a capacity ``assigned`` (:class:`.assignment.Assignment`), the
    assigned shelter and time, people placed and people without a place.
    """
    shelter_of = result.shelter[keep]
    columns = [
        ("status", TEXT, result.status[keep]),
        ("status_label", TEXT, [labels[s] for s in result.status[keep]]),
        ("shelter_fid", INTEGER, _fids(shelter_fids, shelter_of)),
        ("shelter_name", TEXT, _names(shelter_names, shelter_of)),
        ("distance_m", REAL, result.distance_m[keep]),
        ("travel_time_s", REAL, result.time_s[keep]),
        ("snap_distance_m", REAL, result.snap_distance_m[keep]),
        ("dry_time_s", REAL, result.dry_time_s[keep]),
    ]
    if assigned is not None:
        columns += [
            ("assigned_shelter_fid", INTEGER, _fids(shelter_fids, assigned.shelter[keep])),
            ("assigned_time_s", REAL, assigned.time_s[keep]),
            ("people_placed", REAL, assigned.placed[keep]),
            ("people_without_place", REAL, assigned.unplaced[keep]),
        ]
    return columns


def shelter_columns(result, load, keep, hazard_class, max_depth_m, labels, assigned=None):
    """Columns of the shelters: status, hazard class and depth (m), snap distance (m), load and capacity.

    ``load``: :class:`.access.ShelterLoad`; ``hazard_class``, ``max_depth_m``:
    of every shelter (:meth:`.flood.FloodCut.points_hazard`).
    """
    columns = [
        ("shelter_status", TEXT, result.shelter_status[keep]),
        ("shelter_status_label", TEXT, [labels[s] for s in result.shelter_status[keep]]),
        ("hazard_class", INTEGER, hazard_class[keep]),
        ("max_depth_m", REAL, max_depth_m[keep]),
        ("snap_distance_m", REAL, result.shelter_snap_distance_m[keep]),
        ("households", INTEGER, load.households[keep]),
        ("population", REAL, load.population[keep]),
        ("capacity", REAL, load.capacity[keep]),
        ("overflow", REAL, load.overflow[keep]),
        ("load_ratio", REAL, load.load_ratio[keep]),
    ]
    if assigned is not None:
        columns += [("assigned_households", INTEGER, assigned.shelter_households[keep]),
                    ("assigned_population", REAL, assigned.shelter_population[keep])]
    return columns


def route_columns(result, chosen, household_fids, shelter_fids):
    """Columns of the routes of households ``chosen``: their fid and shelter's, distance_m, travel_time_s."""
    return [
        ("household_fid", INTEGER, list(household_fids)),
        ("shelter_fid", INTEGER, np.asarray(shelter_fids)[result.shelter[chosen]]),
        ("distance_m", REAL, result.distance_m[chosen]),
        ("travel_time_s", REAL, result.time_s[chosen]),
    ]


def section_columns(sections):
    """Columns of the road sections (:class:`.sections.RoadSections`), in their output order."""
    return [(name, kind, getattr(sections, name)) for name, kind in (
        ("road_fid", INTEGER), ("hazard_class", INTEGER), ("max_depth_m", REAL), ("speed_kmh", REAL),
        ("flood_speed_kmh", REAL), ("passable", BOOLEAN), ("bridge", BOOLEAN), ("length_m", REAL))]


def facility_columns(access, keep, facility_fids, facility_names, labels):
    """Columns of facility access: nearest facility, time (s) and distance (m) dry and flooded, delay (s)."""
    columns = []
    for suffix, facility, time_s, distance_m in (
            ("dry", access.dry_facility, access.dry_time_s, access.dry_distance_m),
            ("flood", access.flood_facility, access.flood_time_s, access.flood_distance_m)):
        columns += [
            (f"facility_fid_{suffix}", INTEGER, _fids(facility_fids, facility[keep])),
            (f"facility_name_{suffix}", TEXT, _names(facility_names, facility[keep])),
            (f"time_{suffix}_s", REAL, time_s[keep]),
            (f"distance_{suffix}_m", REAL, distance_m[keep]),
        ]
    return columns + [
        ("delay_s", REAL, access.delay_s[keep]),
        ("access_status", TEXT, access.status[keep]),
        ("access_label", TEXT, [labels[s] for s in access.status[keep]]),
    ]
