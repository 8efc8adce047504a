"""A routable road network as numpy arrays: nodes, undirected segments, directed costs.

Every pair of consecutive vertices of a road line is one *segment*, with its
geodesic length in metres (WGS 84 ellipsoid) and a travel time in seconds in
each direction (``inf`` where the profile may not go, e.g. against a oneway).
Nodes are shared between lines when the lines share a node id: OSM node ids
from Refuge's roads layer, or ids made by :mod:`.topology` for other layers.
So a bridge that crosses a road without sharing a node does not connect to it.

Coordinates: ``lonlat`` (EPSG:4326) for lengths and outputs, ``xy`` in a local
transverse Mercator projection (metres, scale error below 1e-4 within 100 km
of the centre) for snapping and buffers.
"""

from dataclasses import dataclass, replace

import numpy as np

from ..errors import MissingDependencyError

try:
    import pyproj
    import scipy.sparse
    import scipy.sparse.csgraph
    import shapely
except ImportError as exc:  # pragma: no cover
    scipy = pyproj = shapely = None
    _ERROR = str(exc)

_GEOD = None
EARTH_RADIUS_M = 6371008.8  # mean radius (IUGG)


def require():
    if scipy is None:
        raise MissingDependencyError("scipy / pyproj / shapely", _ERROR)


def geod():
    global _GEOD
    require()
    if _GEOD is None:
        _GEOD = pyproj.Geod(ellps="WGS84")
    return _GEOD


def _pointwise(function, *arrays):
    """``function(*arrays)`` (a pyproj transform or inverse geodesic) as 1-D arrays.

    pyproj first tries its single-point path, which turns a 1-element array into
    a float: deprecated since numpy 1.25 (a DeprecationWarning on numpy 2). One
    point is passed as floats instead, and every result comes back as an array.
    """
    arrays = [np.asarray(a, dtype=np.float64).reshape(-1) for a in arrays]
    if len(arrays[0]) == 1:
        return tuple(np.array([value]) for value in function(*(float(a[0]) for a in arrays)))
    return function(*arrays)


def local_crs(lonlat):
    """A transverse Mercator CRS (metres) centred on points given as (lon, lat) rows."""
    require()
    finite = lonlat[np.isfinite(lonlat).all(axis=1)] if len(lonlat) else lonlat
    if len(finite):
        lon = float((finite[:, 0].min() + finite[:, 0].max()) / 2)
        lat = float((finite[:, 1].min() + finite[:, 1].max()) / 2)
    else:
        lon = lat = 0.0
    return pyproj.CRS.from_proj4(f"+proj=tmerc +lat_0={lat:.6f} +lon_0={lon:.6f} +k=1 +datum=WGS84 "
                                 "+units=m +no_defs")


class Projector:
    """lon/lat <-> local metres, for one network."""

    def __init__(self, crs):
        self.crs = crs
        self._forward = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self._inverse = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def to_xy(self, lonlat):
        lonlat = np.asarray(lonlat, dtype=np.float64).reshape(-1, 2)
        x, y = _pointwise(self._forward.transform, lonlat[:, 0], lonlat[:, 1])
        return np.column_stack((x, y))

    def to_lonlat(self, xy):
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        lon, lat = _pointwise(self._inverse.transform, xy[:, 0], xy[:, 1])
        return np.column_stack((lon, lat))

    def scale(self, xy):
        """Point scale factor of the projection at local coordinates ``xy``.

        A transverse Mercator stretches distances by about 1 + x^2 / 2R^2 at x
        metres from its central meridian (0.26 % at 450 km): planar distances
        divided by it are true within about 1e-5 of themselves.
        """
        x = np.asarray(xy, dtype=np.float64).reshape(-1, 2)[:, 0]
        return 1.0 + x * x / (2.0 * EARTH_RADIUS_M ** 2)

    def geometries_to_xy(self, geometries):
        return shapely.transform(np.asarray(geometries, dtype=object), self.to_xy)

    def geometries_to_lonlat(self, geometries):
        return shapely.transform(np.asarray(geometries, dtype=object), self.to_lonlat)


@dataclass
class Network:
    """Road segments between nodes.

    ``lonlat``, ``xy``: (N, 2) node coordinates; ``seg_a``, ``seg_b``: node
    index of each segment's ends (in the line's digitizing order);
    ``length_m``: geodesic length; ``speed_kmh``: speed on the segment;
    ``forward``/``backward``: whether the profile may go a->b / b->a;
    ``line``: index of the input line; ``bridge``: never flooded.
    """

    lonlat: np.ndarray
    xy: np.ndarray
    seg_a: np.ndarray
    seg_b: np.ndarray
    length_m: np.ndarray
    speed_kmh: np.ndarray
    forward: np.ndarray
    backward: np.ndarray
    line: np.ndarray
    bridge: np.ndarray
    projector: object = None

    @property
    def node_count(self):
        return len(self.lonlat)

    @property
    def segment_count(self):
        return len(self.seg_a)

    def times(self, speed_kmh=None):
        """(time a->b, time b->a) in seconds per segment; inf where closed or speed is 0."""
        speed = self.speed_kmh if speed_kmh is None else speed_kmh
        with np.errstate(divide="ignore", invalid="ignore"):
            time_s = np.where(speed > 0, self.length_m / (speed / 3.6), np.inf)
        return np.where(self.forward, time_s, np.inf), np.where(self.backward, time_s, np.inf)

    def with_speeds(self, speed_kmh):
        return replace(self, speed_kmh=np.asarray(speed_kmh, dtype=np.float64))

    def segment_lines_xy(self, which=None):
        """Segments as shapely LineStrings in local metres."""
        a, b = self.seg_a, self.seg_b
        if which is not None:
            a, b = a[which], b[which]
        coords = np.stack((self.xy[a], self.xy[b]), axis=1)
        return shapely.linestrings(coords)

    def segment_lines_lonlat(self, which=None):
        a, b = self.seg_a, self.seg_b
        if which is not None:
            a, b = a[which], b[which]
        return shapely.linestrings(np.stack((self.lonlat[a], self.lonlat[b]), axis=1))

    def sections(self, *keys):
        """Runs of consecutive segments of one line that share every array of ``keys``.

        Returns (first segment of each run, run index of each segment, run
        lines in EPSG:4326): a road keeps one feature per stretch of equal
        flood status instead of one per vertex pair.
        """
        count = self.segment_count
        new_run = np.ones(count, dtype=bool)
        if count > 1:
            same = (self.line[1:] == self.line[:-1]) & (self.seg_a[1:] == self.seg_b[:-1])
            for key in keys:
                key = np.asarray(key)
                same &= (key[1:] == key[:-1]) | ((key[1:] != key[1:]) & (key[:-1] != key[:-1]))
            new_run[1:] = ~same
        first = np.flatnonzero(new_run)
        run = np.cumsum(new_run) - 1
        # Each run: the first node of every segment, then the last segment's end.
        last = np.r_[first[1:], count] - 1
        nodes = np.concatenate((self.seg_a, self.seg_b[last]))
        owner = np.concatenate((run, np.arange(len(first))))
        order = np.argsort(owner, kind="stable")
        lines = shapely.linestrings(self.lonlat[nodes[order]], indices=owner[order]) if count else \
            np.empty(0, dtype=object)
        return first, run, lines

    def components(self, usable=None):
        """Connected component label of each node, over segments open in some direction."""
        usable = (self.forward | self.backward) if usable is None else usable
        n = self.node_count
        ends = (self.seg_a[usable], self.seg_b[usable])
        matrix = scipy.sparse.csr_matrix((np.ones(len(ends[0])), ends), shape=(n, n))
        _, labels = scipy.sparse.csgraph.connected_components(matrix, directed=False)
        return labels


def line_speeds(profile, count, highway=None, maxspeed_kmh=None, access=None, speed_kmh=None):
    """Speed in km/h of each line for ``profile``; NaN where the profile may not use it.

    ``highway``: class per line (None when the layer has no class: the
    profile's default class). ``speed_kmh``: explicit speeds that win over the
    class speed where set and positive. Computed once per distinct attribute
    combination, not per line.
    """
    def column(values):
        return [None] * count if values is None else list(values)

    highway, maxspeed_kmh, access = column(highway), column(maxspeed_kmh), column(access)
    cache = {}
    result = np.empty(count)
    for i, key in enumerate(zip(highway, maxspeed_kmh, access)):
        speed = cache.get(key, 0)
        if speed == 0:
            road_class = profile.default_class if key[0] is None else str(key[0]).strip().lower()
            maxspeed = _as_float(key[1])
            speed = profile.speed_kmh(road_class, maxspeed, key[2])
            speed = np.nan if speed is None else float(speed)
            cache[key] = speed
        result[i] = speed
    if speed_kmh is not None:
        explicit = np.array([_as_float(v) for v in speed_kmh], dtype=np.float64)
        # An explicit speed replaces the class speed; it never opens a way the
        # profile closes (a footway for driving, a private road).
        result = np.where(np.isfinite(result) & np.isfinite(explicit) & (explicit > 0), explicit, result)
    return result


def _as_float(value):
    if value is None:
        return np.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        return np.nan
    return number if np.isfinite(number) else np.nan


def build_network(lines_lonlat, node_ids, speeds_kmh, oneway=None, bridge=None, respects_oneway=True,
                  projector=None):
    """Network of ``lines_lonlat`` (LineStrings in EPSG:4326).

    ``node_ids``: per line, one integer id per vertex (lines sharing an id
    meet there), or one flat array for the vertices of all lines in order.
    ``speeds_kmh``: per line, NaN for lines left out.
    ``oneway``: per line 1 (forward only), -1 (backward only) or 0.
    Returns (network, per-line reason code or None): ``zero_length`` for a
    line whose every segment joins a node to itself or has no length.
    """
    require()
    lines = np.asarray(lines_lonlat, dtype=object)
    count = len(lines)
    speeds = np.asarray(speeds_kmh, dtype=np.float64)
    oneway = np.zeros(count, dtype=np.int8) if oneway is None or not respects_oneway \
        else np.asarray(oneway, dtype=np.int8)
    bridge = np.zeros(count, dtype=bool) if bridge is None else np.asarray(bridge, dtype=bool)
    reasons = [None] * count
    usable = np.isfinite(speeds) & ~shapely.is_missing(lines)
    used = np.flatnonzero(usable)
    if isinstance(node_ids, np.ndarray):
        # One flat array for the vertices of every line, in order (unused lines included).
        coords, vertex_line = shapely.get_coordinates(lines, return_index=True)
        if len(node_ids) != len(coords):
            raise ValueError(f"{len(coords)} vertices but {len(node_ids)} node ids")
        kept = usable[vertex_line]
        coords, vertex_line, ids = coords[kept], vertex_line[kept], node_ids[kept].astype(np.int64)
    else:
        coords, vertex_line = shapely.get_coordinates(lines[used], return_index=True)
        vertex_line = used[vertex_line]
        ids = np.concatenate([np.asarray(node_ids[i], dtype=np.int64).reshape(-1) for i in used]) \
            if len(used) else np.zeros(0, np.int64)
    if len(ids) != len(coords):
        raise ValueError(f"{len(coords)} vertices but {len(ids)} node ids")
    same_line = vertex_line[1:] == vertex_line[:-1]
    start = np.flatnonzero(same_line)
    a_ids, b_ids = ids[start], ids[start + 1]
    seg_line = vertex_line[start]
    length = _pointwise(geod().inv, coords[start, 0], coords[start, 1],
                        coords[start + 1, 0], coords[start + 1, 1])[2] if len(start) else np.zeros(0)
    keep = (a_ids != b_ids) & (length > 0)
    for i in np.setdiff1d(seg_line[~keep], seg_line[keep]):
        reasons[int(i)] = "zero_length"
    for i in np.setdiff1d(used, vertex_line[np.r_[start, start + 1]] if len(start) else np.zeros(0, int)):
        reasons[int(i)] = "zero_length"  # a single vertex
    start, a_ids, b_ids = start[keep], a_ids[keep], b_ids[keep]
    seg_line, length = seg_line[keep], length[keep]
    unique_ids, first = np.unique(np.r_[a_ids, b_ids], return_index=True)
    vertex_of = np.r_[start, start + 1][first]
    lonlat = coords[vertex_of]
    if projector is None:
        projector = Projector(local_crs(lonlat))
    direction = oneway[seg_line]
    network = Network(
        lonlat=lonlat,
        xy=projector.to_xy(lonlat) if len(lonlat) else np.zeros((0, 2)),
        seg_a=np.searchsorted(unique_ids, a_ids),
        seg_b=np.searchsorted(unique_ids, b_ids),
        length_m=length,
        speed_kmh=speeds[seg_line],
        forward=direction >= 0,
        backward=direction <= 0,
        line=seg_line,
        bridge=bridge[seg_line],
        projector=projector,
    )
    return network, reasons
