"""Emergency access: travel time from the nearest facility to every household, dry and flooded.

Fire stations, ambulances and rescue teams drive *out* to households, so the
search runs from the facilities (oneway streets count in that direction).
Comparing the dry network with the flood-cut one tells which households lose
access and which are reached later.

Statuses: ``unchanged`` (reached, no longer than the delay threshold),
``delayed`` (reached, but more than the threshold later), ``loses_access``
(reached dry, not reached once flooded), ``no_access_dry`` (not reached
even on the dry network), ``no_road`` (no usable road within the snapping
distance).
"""

from dataclasses import dataclass

import numpy as np

from .routing import Router
from .snap import snap

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
