"""The flood cut of a network and the hazard of points (core/network/flood.py: FloodCut), by hand."""

import numpy as np
import pyproj
import shapely
from refuge.core.network.flood import FloodCut, cut_by_depth, cut_by_zones, lonlat_to, no_cut
from refuge.core.network.profiles import DRIVE, WALK
from refuge.core.network.roads import RoadAttributes, build_roads
from refuge.core.raster.sampling import RasterGrid

D = 1e-3


def two_segments(profile=WALK, bridge=None):
    """(0,0)-(1,0)-(2,0) in units of D: segment 0 west, segment 1 east."""
    lines = [shapely.LineString([(0, 0), (D, 0)]), shapely.LineString([(D, 0), (2 * D, 0)])]
    attributes = RoadAttributes(highway=["residential"] * 2, node_ids=["[1,2]", "[2,3]"], bridge=bridge)
    return build_roads(lines, "EPSG:4326", attributes, profile, [1, 2]).network


def test_no_cut_keeps_the_speeds_and_classifies_nothing():
    network = two_segments()
    cut = no_cut(network)
    assert cut.kind is None and np.array_equal(cut.cut_speed_kmh, network.speed_kmh)
    classes, depth = cut.points_hazard(np.array([[0.0, 0.0]]))
    assert classes.tolist() == [0] and np.isnan(depth).all()


def test_zones_cut_the_segments_they_touch_with_the_profile_factors():
    network = two_segments()
    east = shapely.box(1.5 * D, -D, 3 * D, D)  # touches the east segment only
    far = shapely.box(10 * D, 10 * D, 11 * D, 11 * D)
    walk = network.speed_kmh[0]
    cut = cut_by_zones(network, "walk", [east, far], [1, 3])
    assert cut.kind == "zones" and cut.segment_class.tolist() == [0, 1]
    assert cut.cut_speed_kmh.tolist() == [walk, 0.5 * walk]  # walking, low class: half speed
    cut = cut_by_zones(network, "walk", [east], [1], factors={1: 0.0})
    assert cut.cut_speed_kmh.tolist() == [walk, 0.0]
    cut = cut_by_zones(network, "walk", [east], [0])  # class 0 is not a zone
    assert cut.segment_class.tolist() == [0, 0]
    classes, depth = cut_by_zones(network, "walk", [east, far], [2, 3]).points_hazard(
        np.array([[2 * D, 0], [10.5 * D, 10.5 * D], [0, 0], [np.nan, np.nan]]))
    assert classes.tolist() == [2, 3, 0, 0] and np.isnan(depth).all()


def test_zones_in_a_projected_crs_and_bridges():
    network = two_segments(bridge=[0, 1])
    transformer = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    (x0, x1), (y0, y1) = transformer.transform([-D, 3 * D], [-D, D])
    cut = cut_by_zones(network, "drive", [shapely.box(x0, y0, x1, y1)], [1], crs="EPSG:3857")
    assert cut.segment_class.tolist() == [1, 1]
    # Driving: impassable; but a bridge is never cut.
    assert cut.cut_speed_kmh.tolist() == [0.0, network.speed_kmh[1]]


def grid():
    """2 x 2 pixels of D degrees from (0, 2D) down to (2D, 0): depths 0.2 | 1.0 / NaN | 2.0 m."""
    values = np.array([[0.2, 1.0], [np.nan, 2.0]])
    return RasterGrid(values, (0.0, D, 0.0, 2 * D, 0.0, -D), pyproj.CRS("EPSG:4326").to_wkt(), None)


def test_points_take_the_depth_and_class_of_their_pixel():
    network = two_segments(DRIVE)
    cut = cut_by_depth(network, "drive", grid(), "EPSG:4326", thresholds_m=(0.5, 1.5), min_depth_m=0.0)
    assert cut.kind == "raster"
    points = np.array([[0.5, 1.5], [1.5, 1.5], [1.5, 0.5], [0.5, 0.5], [5, 5]]) * D
    classes, depth = cut.points_hazard(np.vstack((points, [[np.nan, np.nan]])))
    assert classes.tolist() == [1, 2, 3, 0, 0, 0]
    assert np.allclose(depth[:3], [0.2, 1.0, 2.0]) and np.isnan(depth[3:]).all()
    shallow = FloodCut(**{**cut.__dict__, "min_depth_m": 0.3})
    assert shallow.points_hazard(points[:1])[0].tolist() == [0]  # 0.2 m is dry above a 0.3 m minimum


def test_lonlat_to_matches_pyproj():
    lonlat = np.array([[2.35, 48.85], [7.42, 43.73]])
    expected = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True).transform(
        lonlat[:, 0], lonlat[:, 1])
    assert np.allclose(lonlat_to("EPSG:2154")(lonlat), np.column_stack(expected))
