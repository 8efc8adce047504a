"""The one depth->class rule, on hand-computed depths (the flood bands 0.5 m and 1.5 m)."""

import numpy as np
import pytest
from refuge.core.hazard.definitions import FLOOD, classify_value, depth_classes


@pytest.mark.parametrize("depth, expected", [
    (float("nan"), 0), (-1.0, 0), (0.0, 0), (0.05, 0), (0.0500001, 1), (0.4999, 1), (0.5, 2),
    (1.4999, 2), (1.5, 3), (12.0, 3), (float("inf"), 3), (-float("inf"), 0)])
def test_each_band_and_its_bounds(depth, expected):
    assert depth_classes([depth], (0.5, 1.5), 0.05).tolist() == [expected]
    assert classify_value(depth, (0.5, 1.5), 0.05) == expected


def test_grids_keep_their_shape_and_none_is_dry():
    grid = np.array([[0.0, 0.2], [0.7, np.nan], [2.0, 1.5]])
    assert depth_classes(grid, FLOOD.thresholds).tolist() == [[0, 1], [2, 0], [3, 3]]
    assert depth_classes(grid, FLOOD.thresholds).dtype == np.int8
    assert classify_value(None, FLOOD.thresholds) == 0


def test_more_bands_than_three():
    assert depth_classes([0.1, 1.0, 2.0, 3.0], (0.5, 1.5, 2.5)).tolist() == [1, 2, 3, 4]


def test_the_raster_classifier_and_the_exposure_rule_are_this_rule():
    """Rasters (prepare_hazard) and sampled depths (exposure) give the same classes."""
    from refuge.core.exposure.analysis import Hazard
    from refuge.core.raster.sampling import RasterGrid, classify

    depths = np.array([[0.0, 0.01, 0.3, 0.5], [0.9, 1.5, np.nan, 40.0]])
    grid = RasterGrid(depths, (0.0, 1.0, 0.0, 0.0, 0.0, -1.0), "", None)
    expected = depth_classes(depths, FLOOD.thresholds, 0.01)
    assert classify(grid, FLOOD.thresholds, 0.01).tolist() == expected.tolist()
    hazard = Hazard(grid=grid, thresholds=FLOOD.thresholds, min_value=0.01)
    assert hazard.classify_depths(depths.ravel()).tolist() == expected.ravel().tolist()
