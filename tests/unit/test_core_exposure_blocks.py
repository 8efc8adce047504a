"""Buildings in blocks: the plan of the blocks and the block loop, against hand-computed cases."""

import numpy as np
import pytest
import shapely
from refuge.core.errors import Canceled
from refuge.core.exposure import analysis, blocks


@pytest.mark.parametrize("count, sizes", [
    (0, [0]),
    (49_999, [49_999]),  # below two blocks' worth: one block
    (50_000, [25_000, 25_000]),
    (200_000, [25_000] * 8),
    (1_000_000, [125_000] * 8),
    (1_250_000, [125_000] * 10),  # past 8 blocks: blocks of 125,000
])
def test_blocks_are_few_and_cover_every_feature(count, sizes):
    plan = blocks.plan_blocks(count)
    assert [stop - start for start, stop in plan] == sizes
    assert plan[0][0] == 0 and plan[-1][1] == count
    assert all(a[1] == b[0] for a, b in zip(plan[:-1], plan[1:]))


class Feedback:
    def __init__(self, cancel_after=None):
        self.progress, self.cancel_after = [], cancel_after

    def setProgress(self, percent):  # noqa: N802
        self.progress.append(percent)

    def isCanceled(self):  # noqa: N802
        return self.cancel_after is not None and len(self.progress) >= self.cancel_after


ZONES = {1: shapely.box(106.80, -6.20, 106.81, -6.19), 3: shapely.box(106.81, -6.20, 106.82, -6.19)}


def buildings():
    bowtie = shapely.Polygon([(106.805, -6.195), (106.806, -6.194), (106.806, -6.195),
                              (106.805, -6.194), (106.805, -6.195)])  # invalid, in the low zone
    return np.array([shapely.box(106.801, -6.199, 106.802, -6.198),  # low
                     shapely.box(106.8095, -6.199, 106.8105, -6.198),  # low and high: high
                     shapely.box(106.83, -6.199, 106.831, -6.198),  # outside
                     bowtie,
                     shapely.Point(106.815, -6.195)], dtype=object)  # high


def test_blocks_give_what_one_computation_gives(monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_MIN", 2)  # 5 buildings: two blocks (2 and 3)
    seen = []
    feedback = Feedback()
    done = blocks.buildings_in_blocks(buildings(), "EPSG:4326", analysis.Hazard(zones=ZONES),
                                      feedback=feedback,
                                      on_block=lambda start, stop, part: seen.append((start, stop,
                                                                                      len(part.classes))))
    assert seen == [(0, 2, 2), (2, 5, 3)]
    assert feedback.progress == [50.0, 100.0]
    assert done.repaired == 1
    assert done.exposure.classes.tolist() == [1, 3, 0, 1, 3]
    assert done.exposure.unit.tolist() == [-1] * 5
    assert done.exposure.size[4] == 0.0 and (done.exposure.size[:4] > 0).all()


def test_cancel_stops_between_blocks(monkeypatch):
    monkeypatch.setattr(blocks, "BLOCK_MIN", 2)
    seen = []
    with pytest.raises(Canceled):
        blocks.buildings_in_blocks(buildings(), "EPSG:4326", analysis.Hazard(zones=ZONES),
                                   feedback=Feedback(cancel_after=1),
                                   on_block=lambda start, stop, part: seen.append(start))
    assert seen == [0]  # the first block was done, the second never started
