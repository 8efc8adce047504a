"""Evacuation access: the nearest reachable safe shelter of every household.

Everything in one pass over arrays: households and shelters join the network
(:mod:`.snap`), one multi-source search from all safe shelters on the
flood-cut network and one on the dry network (:mod:`.routing`), then each
household gets a status:

* ``at_shelter``: a safe shelter lies within the at-shelter distance;
* ``reachable``: a safe shelter is reachable on the flood-cut network;
* ``isolated_by_flood``: none is, but one would be on the dry network: the
  flood cuts this household off;
* ``no_shelter_reachable``: none is reachable even without the flood (an
  island or a network fragment without a shelter);
* ``no_road``: no usable road within the snapping distance.

A shelter is ``flooded`` when the hazard reaches it (the caller decides),
``no_road`` when no usable road is near it, else ``safe``. Flooded shelters
are not destinations.
"""

from dataclasses import dataclass, field

import numpy as np

from ..progress import NullFeedback, check_canceled
from .graph import require

try:
    from scipy.spatial import cKDTree
except ImportError:  # pragma: no cover - require() reports it
    pass
from .routing import Router
from .snap import snap

STATUSES = ("reachable", "at_shelter", "isolated_by_flood", "no_shelter_reachable", "no_road")
SHELTER_STATUSES = ("safe", "flooded", "no_road")


@dataclass
class Evacuation:
    """Results per household and per shelter (arrays in input order)."""

    status: np.ndarray
    shelter: np.ndarray
    time_s: np.ndarray
    distance_m: np.ndarray
    snap_distance_m: np.ndarray
    dry_time_s: np.ndarray
    shelter_status: np.ndarray
    shelter_snap_distance_m: np.ndarray
    shelter_households: np.ndarray
    shelter_population: np.ndarray
    anchors: object = None
    router: object = None
    extra: dict = field(default_factory=dict)


def evacuation_access(network, cut_speed_kmh, households_xy, shelters_xy, shelter_flooded, max_snap_m,
                      at_shelter_m=0.0, population=None, feedback=None):
    """Nearest reachable safe shelter of each household; see the module docstring.

    ``cut_speed_kmh``: segment speeds once the flood applies (0 impassable;
    the network's own speeds when there is no hazard). ``households_xy``,
    ``shelters_xy``: (N, 2) points in the network's local metres.
    ``population``: people per household (1 each by default). ``feedback``: progress and
    cancel as everywhere in the engine (:mod:`refuge.core.progress`); cancel raises Canceled.
    """
    require()
    feedback = feedback or NullFeedback()

    def progress(share):
        feedback.setProgress(100.0 * share)
        check_canceled(feedback)

    households_xy = np.asarray(households_xy, dtype=np.float64).reshape(-1, 2)
    shelters_xy = np.asarray(shelters_xy, dtype=np.float64).reshape(-1, 2)
    count = len(households_xy)
    population = np.ones(count) if population is None else np.nan_to_num(
        np.asarray(population, dtype=np.float64), nan=0.0)
    dry_ab, dry_ba = network.times()
    cut_ab, cut_ba = network.times(np.asarray(cut_speed_kmh, dtype=np.float64))
    usable_dry = np.isfinite(dry_ab) | np.isfinite(dry_ba)
    usable_cut = np.isfinite(cut_ab) | np.isfinite(cut_ba)

    flooded = np.asarray(shelter_flooded, dtype=bool)
    safe_xy = np.where(flooded[:, None], np.nan, shelters_xy)
    same = bool(np.array_equal(usable_cut, usable_dry))  # no segment closed: join once
    shelter_cut = snap(network, safe_xy, usable_cut, max_snap_m)
    shelter_dry = shelter_cut if same else snap(network, safe_xy, usable_dry, max_snap_m)
    shelter_status = np.where(flooded, "flooded",
                              np.where(shelter_cut.joined, "safe", "no_road")).astype(object)
    progress(0.2)

    anchors = snap(network, households_xy, usable_cut, max_snap_m)
    dry_anchors = anchors if same else snap(network, households_xy, usable_dry, max_snap_m)
    progress(0.45)
    router = Router(network, cut_ab, cut_ba, shelter_cut, to_sources=True)
    result = router.evaluate(anchors)
    progress(0.65)
    if same and np.array_equal(cut_ab, dry_ab) and np.array_equal(cut_ba, dry_ba):
        dry_router, dry = router, result  # no flood on the roads: the dry network is the same
    else:
        dry_router = Router(network, dry_ab, dry_ba, shelter_dry, to_sources=True)
        dry = dry_router.evaluate(dry_anchors)
    progress(0.8)

    status = np.full(count, "no_shelter_reachable", dtype=object)
    status[dry.reached] = "isolated_by_flood"
    status[~dry_anchors.joined] = "no_road"
    status[result.reached] = "reachable"
    shelter = result.source.copy()
    time_s = np.where(result.reached, result.time_s, np.nan)
    distance_m = np.where(result.reached, result.distance_m, np.nan)

    # Households at a safe shelter need no road.
    usable_shelters = np.flatnonzero(~flooded & np.isfinite(shelters_xy).all(axis=1))
    if len(usable_shelters) and at_shelter_m > 0 and count:
        finite = np.flatnonzero(np.isfinite(households_xy).all(axis=1))
        gap, nearest = cKDTree(shelters_xy[usable_shelters]).query(households_xy[finite],
                                                                   distance_upper_bound=at_shelter_m)
        found = np.flatnonzero(np.isfinite(gap))
        nearest = nearest[found]
        at = finite[found]
        status[at] = "at_shelter"
        shelter[at] = usable_shelters[nearest]
        time_s[at] = 0.0
        distance_m[at] = 0.0

    served = shelter >= 0
    shelter_households = np.bincount(shelter[served], minlength=len(shelters_xy)).astype(np.int64)
    shelter_population = np.bincount(shelter[served], weights=population[served], minlength=len(shelters_xy))
    progress(1.0)
    return Evacuation(
        status=status, shelter=shelter, time_s=time_s, distance_m=distance_m,
        snap_distance_m=np.where(anchors.joined, anchors.distance_m, np.nan),
        dry_time_s=np.where(dry.reached, dry.time_s, np.nan),
        shelter_status=shelter_status,
        shelter_snap_distance_m=np.where(shelter_cut.joined, shelter_cut.distance_m,
                                         np.where(shelter_dry.joined, shelter_dry.distance_m, np.nan)),
        shelter_households=shelter_households, shelter_population=shelter_population,
        anchors=anchors, router=router,
        extra={"result": result, "dry": dry, "dry_anchors": dry_anchors},
    )
