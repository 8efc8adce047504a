"""The SUMMARY_JSON documents of evacuation access and facility access.

Each algorithm's result is a dataclass with a ``summary()`` method that
returns the document written as SUMMARY_JSON: plain JSON types only (int,
float, str, None, dicts), so that ``json.dump`` needs no help, and the same
keys from run to run, so that scripts and reports can read them. A key is
never removed or renamed without raising ``schema_version``.
"""

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .access import ACCESS_STATUSES, Access, UnitAccess
from .assignment import Assignment
from .evacuation import SHELTER_STATUSES, STATUSES, Evacuation
from .roads import RoadNetwork

SCHEMA_VERSION = 1


def component_count(network, open_segments):
    """Connected pieces of the network made of ``open_segments`` (isolated junctions left out)."""
    open_segments = np.asarray(open_segments, dtype=bool)
    if not open_segments.any():
        return 0
    labels = network.components(open_segments)
    return int(len(np.unique(labels[network.seg_a[open_segments]])))


def network_summary(road):
    """The ``network`` part of the evacuation summary (counts of nodes, segments and pieces)."""
    network, cut_speed = road.network, road.cut_speed_kmh
    return {"nodes": int(network.node_count), "segments": int(network.segment_count),
            "segments_cut": int((cut_speed <= 0).sum()),
            "segments_slowed": int(((cut_speed > 0) & (cut_speed < network.speed_kmh)).sum()),
            "lines_not_for_profile": road.lines_left_out,
            "components_dry": component_count(network, np.ones(network.segment_count, bool)),
            "components_flooded": component_count(network, cut_speed > 0)}


@dataclass
class EvacuationResult:
    """Everything refuge:evacuation_access found, as its outputs and summary read it.

    ``people``: people per household (1 each without a population field,
    0 for a missing value); ``shelter_count``: shelters in the input, with
    or without a geometry; ``assignment``: the capacity-constrained
    assignment, when asked for; ``units``: access per aggregation unit, when
    units are given; ``rejected_features``: rows of the REJECTS output;
    ``generator``: "Refuge <version>".
    """

    road: RoadNetwork
    evacuation: Evacuation
    people: np.ndarray
    shelter_count: int
    generator: str
    assignment: Optional[Assignment] = None
    units: Optional[UnitAccess] = None
    rejected_features: int = 0

    def summary(self):
        """The SUMMARY_JSON document of evacuation access.

        Keys (counts are ints, people are floats):

        * ``schema_version``: 1, raised when a key changes meaning or goes;
        * ``generator``: "Refuge <version>"; ``profile``: "walk" or "drive";
        * ``hazard``: "zones" (hazard classes), "raster" (flood depths) or None;
        * ``network``: ``nodes``, ``segments``; ``segments_cut`` (flood speed
          0 km/h), ``segments_slowed`` (slower than dry, not cut);
          ``lines_not_for_profile`` (roads closed to the profile);
          ``components_dry`` and ``components_flooded`` (connected pieces of
          the dry network and of the passable segments once flooded);
        * ``households``: ``count`` (households read, those without a
          geometry included), ``by_status`` {status: households} and
          ``population_by_status`` {status: people} for the five statuses of
          :data:`.evacuation.STATUSES`; ``travel_time_s`` of the reachable
          households, seconds: {``median``, ``p90``, ``max``}, None when none;
        * ``shelters``: ``count`` and ``by_status`` {safe, flooded, no_road: shelters};
        * ``units``: {unit name: access per unit (:meth:`.access.UnitAccess.summary`)},
          None without aggregation units;
        * ``rejected_features``: features set aside (rows of REJECTS);
        * ``capacity_assignment`` (only with the assignment): ``people_placed``
          and ``people_without_place``.
        """
        result, people = self.evacuation, self.people
        times = result.time_s[result.status == "reachable"]
        summary = {
            "schema_version": SCHEMA_VERSION,
            "generator": self.generator,
            "profile": self.road.profile.name,
            "hazard": self.road.hazard_kind,
            "network": network_summary(self.road),
            "households": {
                "count": int(len(result.status)),
                "by_status": {s: int((result.status == s).sum()) for s in STATUSES},
                "population_by_status": {s: float(people[result.status == s].sum()) for s in STATUSES},
                "travel_time_s": None if not len(times) else {
                    "median": float(np.median(times)), "p90": float(np.percentile(times, 90)),
                    "max": float(times.max())},
            },
            "shelters": {
                "count": self.shelter_count,
                "by_status": {s: int((result.shelter_status == s).sum()) for s in SHELTER_STATUSES},
            },
            "units": None if self.units is None else self.units.summary(),
            "rejected_features": self.rejected_features,
        }
        if self.assignment is not None:
            summary["capacity_assignment"] = {"people_placed": float(self.assignment.placed.sum()),
                                              "people_without_place": float(self.assignment.unplaced.sum())}
        return summary


@dataclass
class FacilityResult:
    """Everything refuge:facility_access found, as its summary reads it.

    ``access``: per household, its status set to ``no_geometry`` where the
    household has no geometry; ``delay_threshold_s``: the delay beyond which a
    household is ``delayed``; ``rejected_features``: rows of REJECTS.
    """

    road: RoadNetwork
    access: Access
    delay_threshold_s: float
    generator: str
    rejected_features: int = 0

    def summary(self):
        """The SUMMARY_JSON document of facility access.

        Keys: ``schema_version`` (1); ``generator`` ("Refuge <version>");
        ``profile`` ("walk" or "drive"); ``hazard`` ("zones", "raster" or
        None); ``households`` (households read, int); ``by_status``
        {status: households} for :data:`.access.ACCESS_STATUSES` and
        ``no_geometry``; ``delay_threshold_s`` (seconds); ``median_delay_s``
        (seconds, median flooded minus dry time of the households reached
        both ways; None when none is); ``rejected_features`` (rows of REJECTS).
        """
        access = self.access
        return {
            "schema_version": SCHEMA_VERSION,
            "generator": self.generator,
            "profile": self.road.profile.name,
            "hazard": self.road.hazard_kind,
            "households": int(len(access.status)),
            "by_status": {s: int((access.status == s).sum()) for s in ACCESS_STATUSES + ("no_geometry",)},
            "delay_threshold_s": self.delay_threshold_s,
            "median_delay_s": float(np.nanmedian(access.delay_s)) if np.isfinite(access.delay_s).any()
            else None,
            "rejected_features": self.rejected_features,
        }
