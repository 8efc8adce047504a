"""Depth and population raster sampling for exposure analysis.

A raster is read once into a :class:`RasterGrid` (float64, nodata as NaN) and
then sampled for many features at once: points (:func:`sample_points`), the
deepest pixel a building touches (:func:`max_touched`), people living in a
building or an area (:func:`area_weighted_sum`), and hazard classes
(:func:`classify`). Geometries must already be in the raster's CRS.

How polygons are sampled
------------------------
Everything happens in *pixel space*: coordinates go through the inverse
geotransform exactly as GDAL computes it (``col = -x0/dx + x * (1/dx)``), so
pixel ``(row, col)`` is the unit square ``[col, col+1] x [row, row+1]``.
Each polygon outline is cut where it crosses a grid line; every piece then
lies in one pixel. The exact area of polygon ∩ pixel follows from the line
integral of the outline (Green's theorem), row by row: a piece adds its
trapezoid to its own pixel and its height to every pixel right of it in the
same row; the running sum along a row ("how much of this pixel's left edge
is inside") is a segmented cumulative sum. Pixels between two outline pixels
of a row are wholly inside or wholly outside, and that running sum says
which, so interior pixels are never tested one by one: they come out as
runs, contiguous in memory. Everything is numpy on flat arrays, in batches
that bound memory; there is no Python loop per feature or per pixel.

The touched rule of :func:`max_touched`
---------------------------------------
A pixel counts when the polygon's *interior* overlaps the pixel square: the
polygon enters the square, however little, but a polygon that only shares an
edge or a corner with the square does not count. This is GDAL's
``ALL_TOUCHED=TRUE`` rasterization as GDAL itself treats an outline lying on
pixel edges: a polygon covering exactly one pixel burns that one pixel, not
its eight neighbours, although it "intersects" them in the shapely sense.
Checked against ``gdal.RasterizeLayer(..., ["ALL_TOUCHED=TRUE"])`` (GDAL
3.6.2), this rule and GDAL agree on every building of the Jakarta test data.
Elsewhere GDAL departs from any geometric rule in three situations, where we
keep the geometric answer (other GDAL versions may differ):

* an edge within 0.01 pixel of a grid line, or one nearly horizontal or
  vertical (its ends less than 0.01 pixel apart across it) that crosses one,
  is taken as lying on the line: GDAL misses pixels the polygon enters by
  less than 0.01 pixel;
* an edge lying on a grid line, unless it runs from grid corner to grid
  corner, makes GDAL burn the pixel right of (or below, in the image) that
  line, outside the polygon when the polygon is on the other side;
* an edge through a grid corner can make GDAL burn a pixel it only touches
  at that corner, or miss one it crosses (we saw a pixel 40% covered by the
  polygon left out).

Overlaps thinner than ``_SLIVER_PIXELS`` (1e-9 pixel) are round-off, not
overlaps: an outline that close to a pixel's edge is taken as lying on it.

Polygons are expected to be valid (``shapely.make_valid`` otherwise): rings
are oriented here, but self-intersections are not repaired.
"""

import math
import os
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ..errors import (
    FileNotFound,
    MissingDependencyError,
    RasterBandError,
    RasterReadError,
    RotatedRasterError,
    UngeoreferencedRasterError,
    UnreadableFileError,
)
from ..hazard.definitions import depth_classes

try:
    import shapely
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    shapely = None

try:
    from osgeo import gdal
except ImportError as exc:  # pragma: no cover
    gdal = None
    _GDAL_ERROR = str(exc)

# Memory budgets. An outline piece costs about 400 bytes while a batch is
# processed, an interior pixel about 40: these keep a batch near 150 MB
# whatever the number of polygons or the size of the raster (larger batches
# are no faster).
_PIECES_PER_BATCH = 1 << 18
_PIXELS_PER_BATCH = 1 << 22
_POLYGONS_PER_BATCH = 1 << 16
_VALUES_PER_READ = 1 << 20
# An outline closer than this to a pixel's edge, in pixels, is on the edge:
# round-off, not a real entry into the pixel. An edge through a grid corner
# crosses the row line and the column line at parameters an ulp apart, and
# an edge on a pixel edge in map units lands ~1e-14 pixel off it once in
# pixel space.
_SLIVER_PIXELS = 1e-9

_POLYGON_TYPES = (3, 6)  # shapely type ids of Polygon and MultiPolygon
_FLOAT32_EXACT_TYPES = (gdal.GDT_Byte, gdal.GDT_UInt16, gdal.GDT_Int16, gdal.GDT_Float32) \
    if gdal is not None else ()
_GMF_ALL_VALID = 0x01
_GMF_NODATA = 0x08


@dataclass(frozen=True, eq=False)
class RasterGrid:
    """One raster band in memory.

    ``values``: 2-D float32 (bands of Float32, 8 or 16 bits, which it holds exactly)
    or float64 (other types, or scaled bands), rows top to bottom, nodata as NaN.
    ``geotransform``: GDAL's ``(x0, dx, 0, y0, 0, dy)`` in CRS units, no rotation.
    ``crs_wkt``: the raster's CRS as WKT, ``""`` when it has none.
    ``nodata``: the file's nodata value, ``None`` when the file declares none
    (callers may then warn that every pixel, zeros included, counts as data).
    """

    values: np.ndarray
    geotransform: tuple
    crs_wkt: str
    nodata: object


def require_gdal():
    if gdal is None:
        raise MissingDependencyError("osgeo (GDAL Python bindings)", _GDAL_ERROR)


def _require_shapely():
    if shapely is None:
        raise MissingDependencyError("shapely", "shapely 2 is required")


# ---------------------------------------------------------------- reading


@contextmanager
def _quiet_gdal():
    """Silence GDAL's printed errors; we report them as typed exceptions."""
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    gdal.ErrorReset()
    try:
        yield
    finally:
        gdal.PopErrorHandler()


def read_raster(path, band=1):
    """Read band ``band`` (1-based) of the raster at ``path`` into a :class:`RasterGrid`.

    Nodata pixels (the band's nodata value or its mask) become NaN and the
    band's scale and offset are applied. Raises :class:`FileNotFound`,
    :class:`UnreadableFileError` (it exists but cannot be read),
    :class:`RasterReadError` (not a raster, unreadable),
    :class:`RasterBandError`, :class:`UngeoreferencedRasterError` or
    :class:`RotatedRasterError`.
    """
    require_gdal()
    path = os.fspath(path)
    # GDAL virtual paths (/vsizip/, /vsicurl/...) do not exist on disk.
    if not path.startswith("/vsi") and not os.path.exists(path):
        raise FileNotFound(path)
    if not path.startswith("/vsi") and (os.path.isdir(path) and not _is_raster_folder(path)
                                        or not os.access(path, os.R_OK)):
        raise UnreadableFileError(path)
    with _quiet_gdal():
        try:
            return _read_raster(path, band)
        except RuntimeError as exc:  # raised instead of None when the host called gdal.UseExceptions()
            raise RasterReadError(path, str(exc)) from exc


def _is_raster_folder(path):
    """Some raster formats are folders (an Arc/Info binary grid, a Zarr store)."""
    return any(os.path.exists(os.path.join(path, name)) for name in ("hdr.adf", ".zarray", ".zgroup"))


def _read_raster(path, band):
    dataset = gdal.OpenEx(path, gdal.OF_RASTER)
    if dataset is None:
        raise RasterReadError(path, gdal.GetLastErrorMsg())
    if dataset.RasterCount == 0:
        raise RasterReadError(path, "the file has no raster band")
    if not 1 <= band <= dataset.RasterCount:
        raise RasterBandError(path, band, dataset.RasterCount)
    geotransform = dataset.GetGeoTransform(can_return_null=True)
    if geotransform is None:
        raise UngeoreferencedRasterError(path)
    geotransform = tuple(float(v) for v in geotransform)
    if geotransform[2] != 0.0 or geotransform[4] != 0.0:
        raise RotatedRasterError(path, geotransform)
    if geotransform[1] == 0.0 or geotransform[5] == 0.0:
        raise RasterReadError(path, f"zero pixel size in geotransform {geotransform}")
    raster_band = dataset.GetRasterBand(band)
    nodata = raster_band.GetNoDataValue()
    values = _read_band_values(path, raster_band, nodata)
    return RasterGrid(values, geotransform, dataset.GetProjection() or "", nodata)


def _nodata_as_read(nodata, data_type):
    """The float64 value a nodata pixel has once read: GDAL compares Float32 in float32."""
    if nodata is None or math.isnan(nodata):
        return None  # NaN pixels are NaN already
    if data_type == gdal.GDT_Float32:
        with np.errstate(over="ignore"):
            return float(np.float32(nodata))
    return float(nodata)


def _read_band_values(path, band, nodata):
    """Band pixels as floats with invalid pixels as NaN, read in row blocks.

    Reading straight into the result avoids holding a second copy of the
    raster in its file type.
    """
    width, height = band.XSize, band.YSize
    nodata_value = _nodata_as_read(nodata, band.DataType)
    flags = band.GetMaskFlags()
    # A mask other than "all valid" or "nodata" is an alpha band or a .msk file.
    mask_band = None if flags & (_GMF_ALL_VALID | _GMF_NODATA) else band.GetMaskBand()
    scale = band.GetScale()
    offset = band.GetOffset()
    rescale = (scale not in (None, 1.0)) or (offset not in (None, 0.0))
    # float32 holds Float32, 8- and 16-bit pixels exactly, in half the memory of
    # float64 (a 10,000 x 10,000 flood raster: 381 MiB instead of 763 MiB).
    exact_in_float32 = band.DataType in _FLOAT32_EXACT_TYPES and not rescale
    values = np.empty((height, width), dtype=np.float32 if exact_in_float32 else np.float64)
    rows_per_read = max(1, _VALUES_PER_READ // max(width, 1))
    for top in range(0, height, rows_per_read):
        rows = min(rows_per_read, height - top)
        block = values[top:top + rows]
        if band.ReadAsArray(0, top, width, rows, buf_obj=block) is None:
            raise RasterReadError(path, gdal.GetLastErrorMsg() or f"cannot read rows {top}-{top + rows}")
        if nodata_value is not None:
            block[block == nodata_value] = np.nan
        if mask_band is not None:
            valid = mask_band.ReadAsArray(0, top, width, rows)
            if valid is None:
                raise RasterReadError(path, gdal.GetLastErrorMsg() or "cannot read the mask band")
            block[valid == 0] = np.nan
        if rescale:
            block *= 1.0 if scale is None else scale
            block += 0.0 if offset is None else offset
    return values


# ---------------------------------------------------------- pixel space


def _pixel_transform(geotransform):
    """(col0, cols_per_unit, row0, rows_per_unit) mapping CRS coordinates to pixels.

    The same arithmetic as GDALInvGeoTransform for a north-up geotransform,
    so a coordinate lands on the same side of a pixel edge as it does for
    GDAL's rasterizer and for a GDAL pixel lookup.
    """
    x0, dx, rx, y0, ry, dy = (float(v) for v in geotransform)
    if rx != 0.0 or ry != 0.0:
        raise ValueError(f"rotated geotransform {tuple(geotransform)}: only north-up grids are supported")
    if dx == 0.0 or dy == 0.0:
        raise ValueError(f"zero pixel size in geotransform {tuple(geotransform)}")
    return -x0 / dx, 1.0 / dx, -y0 / dy, 1.0 / dy


def _to_pixel(grid, x, y):
    """Fractional (col, row) of CRS coordinates ``x``, ``y`` (arrays)."""
    col0, cols_per_unit, row0, rows_per_unit = _pixel_transform(grid.geotransform)
    return col0 + x * cols_per_unit, row0 + y * rows_per_unit


def _flat_values(grid):
    """The grid's values as a flat C-ordered view in their own dtype (a copy only if
    not contiguous); gathered pixels are combined with float64 weights downstream."""
    return np.ascontiguousarray(grid.values).reshape(-1)


def sample_points(grid, x, y):
    """Value of the pixel under each point; NaN outside the grid or on nodata.

    ``x``, ``y``: arrays (or scalars) of coordinates in the grid's CRS. A
    point on a pixel edge belongs to the pixel to its right and below it in
    the image, as in GDAL (``floor`` of the pixel coordinate).
    """
    x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    height, width = grid.values.shape
    col, row = _to_pixel(grid, x, y)
    inside = (col >= 0) & (col < width) & (row >= 0) & (row < height)  # False for NaN
    sampled = np.full(x.shape, np.nan)
    # Non-negative, so truncation is floor.
    sampled[inside] = grid.values[row[inside].astype(np.intp), col[inside].astype(np.intp)]
    return sampled


# ------------------------------------------------------ polygon outlines


@dataclass
class _Outline:
    """Directed outline edges of polygons, in pixel space, sorted by polygon.

    ``owner``: polygon index of each edge; ``x0, y0, x1, y1``: edge ends as
    (col, row); ``sign``: +1 or -1 so that exterior rings add area and holes
    remove it whatever the ring orientation in the data.
    """

    owner: np.ndarray
    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    sign: np.ndarray


def _as_polygons(polygons):
    """1-D object array of polygons; TypeError for other geometry types."""
    _require_shapely()
    polygons = np.asarray(polygons, dtype=object).reshape(-1)
    type_ids = shapely.get_type_id(polygons)
    wrong = (type_ids >= 0) & ~np.isin(type_ids, _POLYGON_TYPES)
    if wrong.any():
        first = polygons[np.flatnonzero(wrong)[0]]
        raise TypeError(f"polygons expected, got {first.geom_type} (and {int(wrong.sum()) - 1} more)")
    return polygons


def _outline(grid, polygons):
    """The :class:`_Outline` of ``polygons``, and which polygons have no usable outline.

    A polygon is unusable when it is missing, empty, or has a non-finite
    coordinate; its result is NaN.
    """
    parts, part_owner = shapely.get_parts(polygons, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    col, row = _to_pixel(grid, coords[:, 0], coords[:, 1])

    start = np.flatnonzero(coord_ring[:-1] == coord_ring[1:])  # edge start; its end is start + 1
    edge_ring = coord_ring[start]
    owner = part_owner[ring_part[edge_ring]]

    # Ring orientation from the shoelace formula, relative to the ring's first
    # vertex so that large pixel coordinates do not swamp small rings.
    ring_first = np.searchsorted(coord_ring, np.arange(len(rings)))[edge_ring]
    ref_col, ref_row = col[ring_first], row[ring_first]
    twice_area = np.bincount(
        edge_ring,
        weights=(col[start] - ref_col) * (row[start + 1] - ref_row)
        - (col[start + 1] - ref_col) * (row[start] - ref_row),
        minlength=len(rings),
    )
    is_exterior = np.ones(len(rings), dtype=bool)
    is_exterior[1:] = ring_part[1:] != ring_part[:-1]
    ring_sign = np.where(twice_area >= 0, 1.0, -1.0) * np.where(is_exterior, 1.0, -1.0)

    unusable = np.ones(len(polygons), dtype=bool)
    unusable[owner] = False
    finite = np.isfinite(col[start]) & np.isfinite(row[start]) & np.isfinite(col[start + 1]) \
        & np.isfinite(row[start + 1])
    if not finite.all():
        unusable[owner[~finite]] = True
        keep = ~unusable[owner]
        start, edge_ring, owner = start[keep], edge_ring[keep], owner[keep]
    outline = _Outline(owner, col[start], row[start], col[start + 1], row[start + 1], ring_sign[edge_ring])
    return outline, unusable


def _grid_lines_crossed(a0, a1, last_line):
    """Grid lines ``k`` (integers in ``[0, last_line]``) strictly between ``a0`` and ``a1``.

    Returns (first k, count) per edge. Lines beyond the grid are not needed:
    pieces outside it are either dropped (rows) or pooled (columns).
    """
    low = np.clip(np.minimum(a0, a1), -1.0, last_line + 1.0)
    high = np.clip(np.maximum(a0, a1), -1.0, last_line + 1.0)
    first = np.maximum(np.floor(low) + 1.0, 0.0)
    last = np.minimum(np.ceil(high) - 1.0, float(last_line))
    return first, np.maximum(last - first + 1.0, 0.0).astype(np.int64)


def _pieces_per_edge(outline, width, height):
    """Upper bound of the number of pieces :func:`_outline_pieces` cuts each edge into."""
    _, col_lines = _grid_lines_crossed(outline.x0, outline.x1, width)
    _, row_lines = _grid_lines_crossed(outline.y0, outline.y1, height)
    return col_lines + row_lines + 1


def _split_at_lines(a0, b0, a1, b1, last_line):
    """Cut segments (a0, b0)-(a1, b1) where they cross the lines a = k.

    ``k``: integers in ``[0, last_line]``. Returns (segment index, a, b at
    the piece's start, a, b at its end) of the pieces, in travel order.
    Crossing points get the exact integer ``a`` so that a piece lying along
    a grid line has its midpoint exactly on it.
    """
    first, count = _grid_lines_crossed(a0, a1, last_line)
    n_slots = count + 2  # start, crossings, end
    slot0 = np.cumsum(n_slots) - n_slots
    slot_a = np.empty(int(n_slots.sum()))
    slot_b = np.empty_like(slot_a)
    last_slot = slot0 + n_slots - 1
    slot_a[slot0], slot_b[slot0] = a0, b0
    slot_a[last_slot], slot_b[last_slot] = a1, b1
    segment = np.repeat(np.arange(len(count)), count)
    rank = np.arange(segment.size) - np.repeat(np.cumsum(count) - count, count)
    forward = a1[segment] > a0[segment]
    line = np.where(forward, first[segment] + rank, first[segment] + (count[segment] - 1 - rank))
    t = (line - a0[segment]) / (a1[segment] - a0[segment])
    crossing_slot = slot0[segment] + 1 + rank
    slot_a[crossing_slot] = line
    slot_b[crossing_slot] = b0[segment] + t * (b1[segment] - b0[segment])
    is_start = np.ones(slot_a.size, dtype=bool)
    is_start[last_slot] = False
    start = np.flatnonzero(is_start)
    return (np.repeat(np.arange(len(count)), count + 1), slot_a[start], slot_b[start],
            slot_a[start + 1], slot_b[start + 1])


def _outline_pieces(outline, width, height):
    """Cut the outline where it crosses grid lines, keeping the rows of the grid.

    Edges are cut at row lines first; the pieces in the grid's rows are then
    cut at column lines, so both cuts come in travel order without sorting.
    Returns (edge index, row, xa, ya, xb, yb) of pieces that each lie in one
    pixel, or left or right of the grid.
    """
    edge, ya, xa, yb, xb = _split_at_lines(outline.y0, outline.x0, outline.y1, outline.x1, height)
    row = np.floor(0.5 * (ya + yb))
    in_rows = (row >= 0) & (row < height)  # rows are independent: the others do not matter
    edge, row, xa, ya, xb, yb = (v[in_rows] for v in (edge, row, xa, ya, xb, yb))
    piece, xa, ya, xb, yb = _split_at_lines(xa, ya, xb, yb, width)
    return edge[piece], row[piece].astype(np.int64), xa, ya, xb, yb


@dataclass
class _Cover:
    """What a batch of polygons covers, in pixels.

    Boundary pixels (those an outline passes through or along), sorted by
    polygon: ``owner``, ``row``, ``col``, ``area`` (fraction of the pixel
    inside the polygon, 0-1) and ``touched`` (the interior enters the pixel).
    Interior runs, pixels wholly inside between two boundary pixels of a
    row, sorted by polygon: ``run_owner``, ``run_row``, ``run_start``,
    ``run_stop`` (columns, stop exclusive). ``first_owner``/``n_owners``: the
    contiguous range of polygon indices of the batch.
    """

    first_owner: int
    n_owners: int
    owner: np.ndarray
    row: np.ndarray
    col: np.ndarray
    area: np.ndarray
    touched: np.ndarray
    run_owner: np.ndarray
    run_row: np.ndarray
    run_start: np.ndarray
    run_stop: np.ndarray


def _cover_batch(outline, first_owner, n_owners, width, height):
    """The :class:`_Cover` of the polygons of one batch of outline edges.

    The sweep runs along image rows, so that interior runs are contiguous
    in memory: within one row ("lane"), pixels are visited by column.
    """
    edge, row, xa, ya, xb, yb = _outline_pieces(outline, width, height)
    if edge.size == 0:  # the whole batch is above or below the grid
        nothing = np.zeros(0, dtype=np.int64)
        return _Cover(first_owner, n_owners, nothing, nothing, nothing, np.zeros(0), np.zeros(0, dtype=bool),
                      nothing, nothing, nothing, nothing)
    mid_x = 0.5 * (xa + xb)
    mid_y = 0.5 * (ya + yb)
    col = np.floor(mid_x)
    # A piece between two consecutive crossings is inside one open pixel
    # unless it runs along a grid line, where its midpoint is on the line
    # (up to round-off, hence the tolerance).
    enters = (mid_x - col > _SLIVER_PIXELS) & (col + 1 - mid_x > _SLIVER_PIXELS) \
        & (mid_y - row > _SLIVER_PIXELS) & (row + 1 - mid_y > _SLIVER_PIXELS)
    # Columns are not independent (a piece adds its height to every pixel
    # right of it), so pieces left of the grid are pooled in a virtual
    # column -1 and pieces right of it in a virtual column `width`, which
    # keeps every row's sum closed (it returns to 0).
    col = np.clip(col, -1, width).astype(np.int64)

    # Green's theorem along a row: the part of pixel (r, c) inside the
    # polygon is sum(dy * (c + 1 - x)) over the pieces in the pixel plus
    # sum(dy) over the pieces left of it in the row, with signed dy (the
    # sign makes exterior rings count positive, holes negative).
    dy = (ya - yb) * outline.sign[edge]
    own_area = dy * (col + 1 - mid_x)

    cols_per_lane = width + 2  # columns -1 .. width
    # n_owners * height * (width + 2) stays far below 2**63 for any real grid.
    lane = (outline.owner[edge] - first_owner) * height + row
    key = lane * cols_per_lane + (col + 1)
    order = np.argsort(key)
    key = key[order]
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    cell_key = key[starts]
    cell_dy = np.add.reduceat(dy[order], starts)
    cell_own_area = np.add.reduceat(own_area[order], starts)
    cell_enters = np.logical_or.reduceat(enters[order], starts)
    cell_col = cell_key % cols_per_lane - 1
    cell_lane = cell_key // cols_per_lane

    # Exclusive cumulative sum of dy within each (polygon, row). Each closed
    # row sums to 0, so the running total stays small and the subtraction
    # loses nothing.
    new_lane = np.concatenate(([True], cell_lane[1:] != cell_lane[:-1]))
    running = np.cumsum(cell_dy) - cell_dy
    left = running - running[new_lane][np.cumsum(new_lane) - 1]
    area = cell_own_area + left
    right = left + cell_dy  # how much of the pixel's right edge is inside

    # A pixel the outline only runs along is wholly in or out (area 1 or 0).
    in_grid = (cell_col >= 0) & (cell_col < width)
    touched = (cell_enters | (area > 0.5))[in_grid]

    # Pixels between two boundary pixels of a row share the coverage of the
    # first one's right edge: 1 inside, 0 outside.
    next_same_lane = cell_lane[1:] == cell_lane[:-1]
    is_run = next_same_lane & (cell_col[1:] - cell_col[:-1] > 1) & (right[:-1] > 0.5)
    run_lane = cell_lane[:-1][is_run]

    cell_lane = cell_lane[in_grid]
    return _Cover(
        first_owner=first_owner,
        n_owners=n_owners,
        owner=cell_lane // height + first_owner,
        row=cell_lane % height,
        col=cell_col[in_grid],
        area=np.clip(area[in_grid], 0.0, 1.0),
        touched=touched,
        run_owner=run_lane // height + first_owner,
        run_row=run_lane % height,
        run_start=cell_col[:-1][is_run] + 1,
        run_stop=cell_col[1:][is_run],
    )


def _covers(grid, polygons, unusable):
    """Yield the :class:`_Cover` of ``polygons`` in batches of whole polygons.

    Polygons are read ``_POLYGONS_PER_BATCH`` at a time and their outlines
    cut into batches of about ``_PIECES_PER_BATCH`` pieces. ``unusable``
    (boolean, one per polygon) is set for polygons without a usable outline.
    """
    height, width = grid.values.shape
    for first in range(0, len(polygons), _POLYGONS_PER_BATCH):
        outline, unusable_here = _outline(grid, polygons[first:first + _POLYGONS_PER_BATCH])
        unusable[first:first + len(unusable_here)] = unusable_here
        outline.owner += first
        yield from _split_covers(outline, width, height)


def _split_covers(outline, width, height):
    """Covers of one outline, split between polygons into batches of bounded size."""
    if outline.owner.size == 0:
        return
    pieces = _pieces_per_edge(outline, width, height)
    pieces_before = np.cumsum(pieces) - pieces
    polygon_start = np.flatnonzero(np.concatenate(([True], outline.owner[1:] != outline.owner[:-1])))
    bucket = pieces_before[polygon_start] // _PIECES_PER_BATCH
    cut = polygon_start[np.concatenate(([True], bucket[1:] != bucket[:-1]))]
    bounds = np.concatenate((cut, [outline.owner.size]))
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        part = _Outline(*(getattr(outline, name)[lo:hi] for name in ("owner", "x0", "y0", "x1", "y1",
                                                                      "sign")))
        first_owner = int(part.owner[0])
        yield _cover_batch(part, first_owner, int(part.owner[-1]) - first_owner + 1, width, height)


def _run_pixels(cover, width):
    """Yield (owner, flat pixel index) of the interior runs, a bounded number at a time."""
    length = cover.run_stop - cover.run_start
    if length.size == 0:
        return
    total = np.cumsum(length)
    # Cut between runs; one run is at most a row long.
    cut = np.searchsorted(total, np.arange(_PIXELS_PER_BATCH, total[-1], _PIXELS_PER_BATCH), "left")
    bounds = np.unique(np.concatenate(([0], cut, [length.size])))
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        n = length[lo:hi]
        first_pixel = cover.run_row[lo:hi] * width + cover.run_start[lo:hi]
        offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        yield np.repeat(cover.run_owner[lo:hi], n), np.repeat(first_pixel, n) + offset


def _fold_max(result, owner, values):
    """result[o] = fmax(result[o], max of values of o) for ``owner`` sorted."""
    if owner.size == 0:
        return
    starts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
    which = owner[starts]
    result[which] = np.fmax(result[which], np.fmax.reduceat(values, starts))


# -------------------------------------------------------------- sampling


def max_touched(grid, polygons):
    """Per polygon, the largest valid value of the pixels it touches; NaN when none.

    ``polygons``: array of shapely (Multi)Polygons in the grid's CRS (None
    allowed). A pixel is touched when the polygon's interior overlaps the
    pixel square (GDAL's ALL_TOUCHED rule; see the module docstring for how
    edge and corner contacts are treated). NaN for missing or empty polygons,
    polygons outside the grid, or touching only nodata.
    """
    polygons = _as_polygons(polygons)
    result = np.full(len(polygons), np.nan)
    width = grid.values.shape[1]
    flat = _flat_values(grid)
    unusable = np.zeros(len(polygons), dtype=bool)
    for cover in _covers(grid, polygons, unusable):
        touched = cover.touched
        _fold_max(result, cover.owner[touched], flat[cover.row[touched] * width + cover.col[touched]])
        for owner, pixel in _run_pixels(cover, width):
            _fold_max(result, owner, flat[pixel])
    result[unusable] = np.nan
    return result


def area_weighted_sum(grid, polygons):
    """Per polygon, sum of value * (area of polygon ∩ pixel) / pixel area.

    The exact share of each partly covered pixel, for count rasters such as
    population per pixel: a polygon covering half a pixel of 10 people gets
    5. Nodata pixels and the outside of the grid contribute 0; NaN only for
    missing or empty polygons. ``polygons`` as for :func:`max_touched`.
    """
    polygons = _as_polygons(polygons)
    result = np.zeros(len(polygons))
    width = grid.values.shape[1]
    flat = _flat_values(grid)
    unusable = np.zeros(len(polygons), dtype=bool)
    for cover in _covers(grid, polygons, unusable):
        lo, hi = cover.first_owner, cover.first_owner + cover.n_owners
        values = np.nan_to_num(flat[cover.row * width + cover.col], nan=0.0)
        result[lo:hi] += np.bincount(cover.owner - lo, weights=values * cover.area, minlength=cover.n_owners)
        for owner, pixel in _run_pixels(cover, width):
            values = np.nan_to_num(flat[pixel], nan=0.0)
            result[lo:hi] += np.bincount(owner - lo, weights=values, minlength=cover.n_owners)
    result[unusable] = np.nan
    return result


def classify(grid, thresholds, min_value=0.0):
    """Hazard class of each pixel as an int8 grid of the grid's shape.

    0 where the value is NaN or <= ``min_value`` (dry, not exposed); 1 for
    ``min_value < v < thresholds[0]``; k + 1 for ``thresholds[k-1] <= v <
    thresholds[k]``; ``len(thresholds) + 1`` for ``v >= thresholds[-1]``.
    ``thresholds`` (grid units, e.g. metres of depth) must be finite, strictly
    increasing and above ``min_value``; ValueError otherwise.
    """
    bounds = np.asarray(thresholds, dtype=np.float64).reshape(-1)
    if not np.isfinite(bounds).all() or (np.diff(bounds) <= 0).any():
        raise ValueError(f"thresholds must be finite and strictly increasing, got {list(bounds)}")
    if math.isnan(min_value) or (bounds.size and not min_value < bounds[0]):
        raise ValueError(f"min_value {min_value} must be below the first threshold {bounds[:1]}")
    if bounds.size + 1 > np.iinfo(np.int8).max:
        raise ValueError(f"too many thresholds ({bounds.size}) for int8 classes")
    values = grid.values
    classes = np.zeros(values.shape, dtype=np.int8)
    rows_per_block = max(1, _VALUES_PER_READ // max(values.shape[1], 1))
    for top in range(0, values.shape[0], rows_per_block):
        classes[top:top + rows_per_block] = depth_classes(values[top:top + rows_per_block], bounds, min_value)
    return classes


def max_along_segments(grid, x0, y0, x1, y1):
    """Per straight segment, the largest valid value of the pixels it passes through.

    Segments run from (x0, y0) to (x1, y1) (arrays, grid CRS). A pixel counts
    when the segment crosses its interior or runs along it (a segment on a
    pixel edge takes the pixel right of or below it, as a point lookup does);
    a segment through a corner does not take the diagonal pixels. NaN where
    the segment meets only nodata or lies outside the grid.
    """
    x0, y0, x1, y1 = (np.asarray(v, dtype=np.float64).reshape(-1) for v in (x0, y0, x1, y1))
    count = len(x0)
    result = np.full(count, np.nan)
    if not count:
        return result
    height, width = grid.values.shape
    col0, row0 = _to_pixel(grid, x0, y0)
    col1, row1 = _to_pixel(grid, x1, y1)
    finite = np.isfinite(col0) & np.isfinite(row0) & np.isfinite(col1) & np.isfinite(row1)
    which = np.flatnonzero(finite)
    flat = _flat_values(grid)
    for start in range(0, len(which), 262144):  # bounds memory on long lines over fine grids
        batch = which[start:start + 262144]
        segment, ra, ca, rb, cb = _split_at_lines(row0[batch], col0[batch], row1[batch], col1[batch], height)
        piece, ca, ra, cb, rb = _split_at_lines(ca, ra, cb, rb, width)
        segment = segment[piece]
        col = np.floor(0.5 * (ca + cb))
        row = np.floor(0.5 * (ra + rb))
        inside = (col >= 0) & (col < width) & (row >= 0) & (row < height)
        values = np.full(len(segment), np.nan)
        values[inside] = flat[row[inside].astype(np.intp) * width + col[inside].astype(np.intp)]
        # Pieces come in segment order: one reduction per segment.
        starts = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]])
        result[batch[segment[starts]]] = np.fmax.reduceat(values, starts)
    return result
