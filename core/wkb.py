"""Input geometries made safe for GEOS: every valid WKB becomes a 2D linear geometry or a reason.

Readers hand the engine WKB written by QGIS or GDAL, and valid WKB is wider
than what GEOS 3.11 can safely compute with:

- curves (CIRCULARSTRING, COMPOUNDCURVE, CURVEPOLYGON, MULTISURFACE...) and
  the surface types (TRIANGLE, TIN, POLYHEDRALSURFACE) are not read at all
  ("Unknown WKB type 10"); they are linearised by OGR, as QGIS does to draw them;
- an EMPTY part inside a collection (``MULTIPOINT(EMPTY, (1 1))``) or an EMPTY
  interior ring is read, and then crashes the process in
  ``point_on_surface`` or ``union`` (a segmentation fault: no exception to
  catch); such parts are dropped;
- rings that are not closed, or lines of one point, are refused by GEOS's reader;
  OGR closes the rings, and what still cannot be read is rejected;
- a ring of fewer than four coordinates encloses nothing, and GEOS's overlay
  refuses it: dropped (a polygon left with nothing is :data:`DEGENERATE`, as is
  a polygon folded onto a line, whose repair has no area either);
- NaN or infinite coordinates have no place on a map and make envelopes and
  indexes meaningless;
- Z and M are of no use to a 2D analysis and are dropped (GEOS 3.11's reader
  drops M itself; GEOS 3.12 and later keep it).

:func:`from_wkb` returns, for each input, a geometry or ``None`` with the
reason code (one of :data:`REASONS`). The fast path (plain 2D polygons, lines
and points, the vast majority) costs a few vectorised shapely calls; only
the items that need it go through Python.
"""

from dataclasses import dataclass

import numpy as np

from .polygons import polygonal

try:
    import shapely
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    shapely = None

try:
    from osgeo import gdal, ogr
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    gdal = ogr = None

# Reason codes of an input geometry the engine cannot use (the label table translates them).
NO_GEOMETRY = "no_geometry"
UNREADABLE = "unreadable_geometry"
BAD_COORDINATES = "invalid_coordinates"
WRONG_TYPE = "wrong_geometry_type"
DEGENERATE = "degenerate_geometry"
REASONS = (NO_GEOMETRY, UNREADABLE, BAD_COORDINATES, WRONG_TYPE, DEGENERATE)
_MIN_RING = 4  # coordinates of the smallest ring (a closed triangle); GEOS's overlay refuses fewer

POINT, LINE, POLYGON = 0, 1, 2  # topological dimensions

_MULTI_TYPES = (4, 5, 6)  # MultiPoint, MultiLineString, MultiPolygon (shapely type ids)
_COLLECTION = 7
_CHUNK = 200_000


@dataclass
class Geometries:
    """Geometries read from WKB: ``geometries[i]`` is None exactly where ``reasons[i]`` is a code."""

    geometries: np.ndarray  # object array of shapely geometries or None
    reasons: np.ndarray  # object array of reason codes (None where the geometry is usable)

    def rejected(self):
        """Positions of the inputs without a usable geometry."""
        return np.flatnonzero(self.reasons != None)  # noqa: E711 - elementwise on an object array


def from_wkb(items, dimensions=None):
    """:class:`Geometries` of WKB ``items`` (bytes or None), each safe for GEOS or rejected.

    ``dimensions``: the topological dimensions the caller accepts (for
    example ``{POINT, POLYGON}`` for buildings); a geometry of another
    dimension is rejected as :data:`WRONG_TYPE`, and a geometry collection
    keeps only its parts of the highest accepted dimension.
    """
    wkb = _wkb_array(items)
    reasons = np.full(len(wkb), None, dtype=object)
    geometries = _parse(wkb)
    # GEOS 3.13 reads curves itself (shapely 2.1 then gives CircularString, CurvePolygon...), but
    # most of its operations refuse them: they are linearised by OGR as on older GEOS.
    types = shapely.get_type_id(geometries)
    geometries[types > _COLLECTION] = None
    for i in np.flatnonzero(types == _COLLECTION):
        if _holds_curve(geometries[i]):
            geometries[i] = None  # a collection of curves: linearised by OGR too
    for i in np.flatnonzero(shapely.is_missing(geometries)):
        if wkb[i] is None:
            continue  # no geometry
        geometries[i] = _through_ogr(wkb[i]) if len(wkb[i]) else None
        if geometries[i] is None and len(wkb[i]):
            reasons[i] = UNREADABLE
    _drop_z(geometries)
    empty = shapely.is_empty(geometries)  # EMPTY from the start: without geometry (False where None)
    changed = _drop_empty_parts(geometries)
    if len(changed):
        degenerate = changed[shapely.is_empty(geometries[changed]) & ~empty[changed]]
        geometries[degenerate] = None
        reasons[degenerate] = DEGENERATE
    bad = _bad_coordinates(geometries)
    geometries[bad] = None
    reasons[bad] = BAD_COORDINATES
    if dimensions is not None:
        _keep_dimensions(geometries, reasons, set(dimensions), empty)
    flat = _enclose_nothing(geometries)
    geometries[flat] = None
    reasons[flat] = DEGENERATE
    missing = (shapely.is_missing(geometries) | empty) & (reasons == None)  # noqa: E711
    geometries[missing] = None
    reasons[missing] = NO_GEOMETRY
    return Geometries(geometries, reasons)


def _parse(wkb):
    """shapely geometries of a WKB array, None where GEOS cannot read one.

    shapely 2.1 refuses a whole array holding one curve (NotImplementedError, whatever
    ``on_invalid`` says): the curves are then found by their WKB header and left to OGR, and
    if a collection still hides one, the array is read item by item.
    """
    if not len(wkb):
        return np.empty(0, dtype=object)
    try:
        return np.asarray(shapely.from_wkb(wkb, on_invalid="ignore"), dtype=object)
    except NotImplementedError:
        pass
    geometries = np.full(len(wkb), None, dtype=object)
    linear = np.array([item is not None and _linear_header(item) for item in wkb], dtype=bool)
    try:
        geometries[linear] = shapely.from_wkb(wkb[linear], on_invalid="ignore")
    except NotImplementedError:
        for i in np.flatnonzero(linear):
            try:
                geometries[i] = shapely.from_wkb(wkb[i], on_invalid="ignore")
            except NotImplementedError:
                geometries[i] = None
    return geometries


def _holds_curve(collection):
    """True when a collection GEOS read holds a curve at any depth (shapely 2.1 cannot take its
    parts: NotImplementedError)."""
    try:
        parts = shapely.get_parts(collection)
    except NotImplementedError:
        return True
    types = shapely.get_type_id(parts)
    return bool((types > _COLLECTION).any()) or any(
        _holds_curve(part) for part in parts[types == _COLLECTION])


def _linear_header(item):
    """True when a WKB (ISO or EWKB) announces a linear type: not a curve nor a surface."""
    if len(item) < 5:
        return True  # let GEOS say it cannot read it
    code = int.from_bytes(item[1:5], "little" if item[0] == 1 else "big")
    return 1 <= (code & 0x0FFFFFFF) % 1000 <= _COLLECTION


def _wkb_array(items):
    """An object array of WKB bytes (None for no geometry) from a list or a GDAL Arrow column.

    GDAL's Arrow batches are masked arrays (masked: no geometry) of bytes, or
    of fixed-size numpy voids when every WKB of the batch has the same size.
    """
    mask = np.ma.getmaskarray(items) if isinstance(items, np.ma.MaskedArray) else None
    data = np.ma.getdata(items) if isinstance(items, np.ma.MaskedArray) else items
    if isinstance(data, np.ndarray) and data.dtype.kind == "V":
        data = data.tolist()
    if isinstance(data, np.ndarray) and data.dtype == object and mask is None:
        return data
    wkb = np.empty(len(data), dtype=object)
    wkb[:] = data if isinstance(data, np.ndarray) and data.dtype == object else list(data)
    if mask is not None:
        wkb[mask] = None
    return wkb


def _through_ogr(wkb):
    """A shapely geometry from WKB GEOS refuses (curves, surfaces, open rings), or None."""
    if ogr is None:
        return None
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # the reason code says it; no GDAL noise in the log
    try:
        return _linear_through_ogr(wkb)
    except RuntimeError:  # OGR's exceptions are on where the host turned them on (QGIS 3.40)
        return None
    finally:
        gdal.PopErrorHandler()


def _linear_through_ogr(wkb):
    geometry = ogr.CreateGeometryFromWkb(wkb)
    if geometry is None:
        return None
    was_empty = geometry.IsEmpty()
    if geometry.HasCurveGeometry():
        geometry = geometry.GetLinearGeometry()
        if geometry is None or (geometry.IsEmpty() and not was_empty):
            return None  # a curve OGR cannot linearise (an open curved ring): damaged, not empty
    flat = ogr.GT_Flatten(geometry.GetGeometryType())
    if flat == ogr.wkbTriangle:
        geometry = ogr.ForceToPolygon(geometry)
    elif flat in (ogr.wkbTIN, ogr.wkbPolyhedralSurface):
        geometry = ogr.ForceToMultiPolygon(geometry)
    geometry.Set3D(False)
    geometry.SetMeasured(False)
    geometry.CloseRings()
    return shapely.from_wkb(bytes(geometry.ExportToIsoWkb()), on_invalid="ignore")


def _drop_z(geometries):
    """Z (and M, which GEOS 3.12+ keeps) dropped: force_2d drops both."""
    extra = shapely.has_z(geometries)
    has_m = getattr(shapely, "has_m", None)  # shapely 2.1+ (older ones read no M)
    if has_m is not None:
        extra |= has_m(geometries)
    if extra.any():
        geometries[extra] = shapely.force_2d(geometries[extra])


def _drop_empty_parts(geometries):
    """Remove EMPTY parts and EMPTY or degenerate rings, in place (only where there are some);
    returns the positions changed.

    A ring of fewer than four coordinates encloses nothing: as an interior
    ring it is dropped; as an exterior ring it drops its polygon.
    """
    types = shapely.get_type_id(geometries)
    collection = np.flatnonzero(types == _COLLECTION)
    for i in collection:  # rare: handled one by one, recursively
        geometries[i] = _clean(geometries[i])
    multi = np.flatnonzero(np.isin(types, _MULTI_TYPES))
    dirty = set()
    if len(multi):
        parts, owner = shapely.get_parts(geometries[multi], return_index=True)
        dirty.update(multi[np.unique(owner[shapely.is_empty(parts)])].tolist())
        polygon_parts = shapely.get_type_id(parts) == 3
        dirty.update(multi[np.unique(owner[polygon_parts][_has_bad_ring(parts[polygon_parts])])].tolist())
    polygons = np.flatnonzero(types == 3)
    if len(polygons):
        dirty.update(polygons[_has_bad_ring(geometries[polygons])].tolist())
    for i in dirty:
        geometries[i] = _clean(geometries[i])
    return np.array(sorted(dirty | set(collection.tolist())), dtype=np.int64)


def _has_bad_ring(polygons):
    """Boolean per polygon: one of its rings is EMPTY (interior) or has fewer than four coordinates.

    A polygon without holes has one ring, whose coordinates are the polygon's:
    only polygons with holes (few) need their rings taken apart.
    """
    empty = shapely.is_empty(polygons)
    holes = shapely.get_num_interior_rings(polygons)
    result = ~empty & (holes == 0) & (shapely.get_num_coordinates(polygons) < _MIN_RING)
    holed = np.flatnonzero(~empty & (holes > 0))
    if len(holed):
        rings, owner = shapely.get_rings(polygons[holed], return_index=True)
        bad = shapely.get_num_coordinates(rings) < _MIN_RING
        result[holed[np.unique(owner[bad])]] = True
    return result


def _clean(geometry):
    """``geometry`` without EMPTY parts or rings (an EMPTY geometry when nothing is left)."""
    kind = shapely.get_type_id(geometry)
    if kind == 3:
        if geometry.is_empty or len(geometry.exterior.coords) < _MIN_RING:
            return shapely.Polygon()
        holes = [ring for ring in geometry.interiors if len(ring.coords) >= _MIN_RING]
        return shapely.Polygon(geometry.exterior, holes)
    if kind in _MULTI_TYPES or kind == _COLLECTION:
        parts = [_clean(part) for part in shapely.get_parts(geometry)]
        parts = [part for part in parts if not part.is_empty]
        if kind == _COLLECTION:
            return shapely.GeometryCollection(parts)
        return {4: shapely.MultiPoint, 5: shapely.MultiLineString, 6: shapely.MultiPolygon}[kind](parts)
    return geometry


def _bad_coordinates(geometries):
    """Boolean per geometry: one of its coordinates is NaN or infinite."""
    bad = np.zeros(len(geometries), dtype=bool)
    for start in range(0, len(geometries), _CHUNK):
        chunk = geometries[start:start + _CHUNK]
        coordinates, owner = shapely.get_coordinates(chunk, return_index=True)
        wrong = ~np.isfinite(coordinates).all(axis=1)
        if wrong.any():
            bad[start + np.unique(owner[wrong])] = True
    return bad


def _enclose_nothing(geometries):
    """Positions of polygons of zero area that no repair gives an area (a ring folded onto a line).

    A bow-tie also has zero area by the shoelace formula, but make_valid gives it two triangles:
    only polygons whose repair has no area at all are degenerate.
    """
    types = shapely.get_type_id(geometries)
    areal = np.flatnonzero(np.isin(types, (3, 6)))
    if not len(areal):
        return areal
    flat = areal[shapely.area(geometries[areal]) == 0]
    flat = flat[~shapely.is_empty(geometries[flat])]
    if not len(flat):
        return flat
    return flat[shapely.area(shapely.make_valid(geometries[flat])) == 0]


def _keep_dimensions(geometries, reasons, dimensions, empty):
    """Reject geometries of a dimension not in ``dimensions``; collections keep their best parts."""
    present = ~shapely.is_missing(geometries) & ~empty
    types = shapely.get_type_id(geometries)
    for i in np.flatnonzero(present & (types == _COLLECTION)):
        geometries[i] = _best_parts(geometries[i], dimensions)
        if geometries[i] is not None and geometries[i].is_empty:
            geometries[i] = None
            reasons[i] = DEGENERATE  # polygons that together enclose nothing
    # None (a collection with no part of a wanted dimension) has dimension -1: rejected too.
    wrong = present & (reasons == None) & ~np.isin(shapely.get_dimensions(geometries),  # noqa: E711
                                                   sorted(dimensions))
    geometries[wrong] = None
    reasons[wrong] = WRONG_TYPE


def _best_parts(collection, dimensions):
    """The parts of ``collection`` of its highest dimension in ``dimensions``, as one geometry, or None."""
    parts = _flat_parts(collection)
    if not parts:
        return collection  # empty: rejected as without geometry
    for dimension in sorted(dimensions, reverse=True):
        chosen = [part for part in parts if shapely.get_dimensions(part) == dimension]
        if len(chosen) == 1:
            return chosen[0]
        if dimension == POLYGON and chosen:
            # United, as one footprint, after each part is repaired: a union of invalid parts raises
            # GEOS's TopologyException. Parts that enclose nothing leave an EMPTY union.
            united = shapely.union_all(shapely.make_valid(np.array(chosen, dtype=object)))
            return polygonal(united, single=True)
        if chosen:
            kind = {POINT: shapely.MultiPoint, LINE: shapely.MultiLineString}[dimension]
            return kind([leaf for part in chosen for leaf in shapely.get_parts(part)])
    return None


def _flat_parts(geometry):
    """Single geometries of a (nested) collection, EMPTY ones left out."""
    if shapely.get_type_id(geometry) in (*_MULTI_TYPES, _COLLECTION):
        return [leaf for part in shapely.get_parts(geometry) for leaf in _flat_parts(part)]
    return [] if geometry.is_empty else [geometry]
