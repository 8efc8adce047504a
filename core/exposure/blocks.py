"""Buildings analysed in blocks: planning the blocks and running the exposure block by block.

Why blocks: writing one block's result columns (a GeoPackage update, done in
the background by the caller's writer) overlaps computing the next, and a
cancel takes effect between blocks instead of after the last building. Each
block queries every hazard zone again, so blocks are few: 8 up to 1,000,000
buildings, then blocks of 125,000; below two blocks' worth, one block.
"""

from dataclasses import dataclass

import numpy as np

from ..geometry import repair
from ..progress import check_canceled
from .analysis import FeatureExposure, buildings_exposure

BLOCK_MIN = 25_000  # fewer buildings than two of these: one block
BLOCK_MAX = 125_000  # past 8 blocks, blocks of at most this many buildings
BLOCK_COUNT = 8


def plan_blocks(count):
    """[(start, stop)] of consecutive blocks covering ``count`` features (see the module)."""
    pieces = max(1, min(count // BLOCK_MIN, max(BLOCK_COUNT, -(-count // BLOCK_MAX))))
    edges = np.linspace(0, count, pieces + 1).astype(np.int64)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]


@dataclass
class BlocksResult:
    """The exposure of every building (in input order) and how many footprints were repaired."""

    exposure: FeatureExposure
    repaired: int


def buildings_in_blocks(geometries, source_crs, hazard, units=None, units_crs=None, feedback=None,
                        on_block=None):
    """:class:`BlocksResult` of :func:`~.analysis.buildings_exposure`, block by block.

    Each block is repaired (GEOS make_valid where invalid) then analysed;
    ``on_block(start, stop, part)`` receives its :class:`FeatureExposure`
    (positions ``start:stop`` of ``geometries``) before the next block starts,
    so that a writer can store it meanwhile. ``feedback`` (see
    :mod:`refuge.core.progress`) gets 0-100 % over the blocks and may cancel
    between them (:class:`refuge.core.errors.Canceled`).
    """
    geometries = np.asarray(geometries, dtype=object)
    parts, repaired = [], 0
    blocks = plan_blocks(len(geometries))
    for number, (start, stop) in enumerate(blocks):
        check_canceled(feedback)
        block, count, rings = repair(geometries[start:stop])
        repaired += count
        part = buildings_exposure(block, source_crs, hazard, units, units_crs, rings=rings)
        if on_block is not None:
            on_block(start, stop, part)
        parts.append(part)
        if feedback is not None:
            feedback.setProgress(100.0 * (number + 1) / len(blocks))
    check_canceled(feedback)
    return BlocksResult(FeatureExposure.concatenate(parts), repaired)
