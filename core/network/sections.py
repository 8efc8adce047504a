"""Road sections with their flood status: the ROADS_OUTPUT of evacuation access.

A network has one segment per pair of consecutive vertices; written as is, a
road would become hundreds of features. A *section* is a run of consecutive
segments of one line that share their hazard class, both speeds and the
bridge flag (:meth:`.graph.Network.sections`), so a road keeps one feature per
stretch of equal flood status.
"""

from dataclasses import dataclass

import numpy as np


@dataclass
class RoadSections:
    """One row per section; arrays aligned with ``lines`` (EPSG:4326 LineStrings).

    ``road_fid``: feature id of the input road; ``hazard_class``: highest class
    the section touches (0 without zones); ``max_depth_m``: deepest pixel
    along it (NaN when dry or without a depth raster); ``speed_kmh``: dry
    speed; ``flood_speed_kmh``: speed once the flood applies (0 impassable);
    ``passable``: ``flood_speed_kmh > 0``; ``bridge``; ``length_m``: geodesic
    length, the sum of its segments'.
    """

    lines: np.ndarray
    road_fid: np.ndarray
    hazard_class: np.ndarray
    max_depth_m: np.ndarray
    speed_kmh: np.ndarray
    flood_speed_kmh: np.ndarray
    passable: np.ndarray
    bridge: np.ndarray
    length_m: np.ndarray


def road_sections(road):
    """The :class:`RoadSections` of a :class:`.roads.RoadNetwork` and its flood cut."""
    network, cut = road.network, road.cut
    count = network.segment_count
    classes = cut.segment_class if cut.segment_class is not None else np.zeros(count, dtype=np.int64)
    depth = cut.segment_depth_m if cut.segment_depth_m is not None else np.full(count, np.nan)
    first, run, lines = network.sections(classes, cut.cut_speed_kmh, network.speed_kmh, network.bridge)
    sections = len(first)
    run_depth = np.full(sections, np.nan)
    wet = np.isfinite(depth)
    np.fmax.at(run_depth, run[wet], depth[wet])
    road_of_line = road.road_fids[road.part_line]
    return RoadSections(
        lines=lines, road_fid=road_of_line[network.line[first]], hazard_class=classes[first],
        max_depth_m=run_depth, speed_kmh=network.speed_kmh[first], flood_speed_kmh=cut.cut_speed_kmh[first],
        passable=cut.cut_speed_kmh[first] > 0, bridge=network.bridge[first],
        length_m=np.bincount(run, weights=network.length_m, minlength=sections))
