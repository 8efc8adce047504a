"""One pass over a .pbf file: the objects of each theme, with their raw geometry or a reject.

:func:`collect` reads the file once through :func:`refuge.core.osm.pbf.iter_objects`
(nodes, ways, relations and the areas osmium assembles from closed ways and
multipolygon relations) and sorts each object into the themes it belongs to.
It keeps *raw* geometries (coordinates, WKB) rather than shapely objects:
creating a shapely object per feature in the loop would cost more than the
whole read, so :mod:`refuge.core.osm.extract` converts them in bulk afterwards.

An object that needs an area (a closed way of a polygon theme, a
multipolygon relation) gets its geometry from osmium's assembler; when the
assembler gives none, the way's own ring is used (and repaired later), or the
object is rejected with the reason why (:data:`REASONS`).
"""

from dataclasses import dataclass, field

from ..errors import AreaOutsideDataError, EmptyAreaError
from ..progress import SubFeedback, check_canceled
from . import pbf
from .members import MemberPoints
from .themes import LINE, POINT

try:
    import shapely
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    shapely = None

# Stable reason codes for the rejects layer, with the English text used when
# the caller does not provide translated labels.
REASONS = {
    "missing_nodes": "some nodes of the way are missing from the file (clipped extract)",
    "too_few_points": "fewer than two distinct points",
    "not_closed": "the way is not a closed ring, so it cannot be an area",
    "assembly_failed": "the multipolygon could not be assembled "
    "(member ways missing from the file or rings not closed)",
    "invalid_geometry": "invalid geometry that could not be repaired",
    "not_an_area": "a relation that is not a multipolygon (or a boundary) has no area of its own; "
    "its member ways that are areas are extracted on their own",
    "members_missing": "none of the relation's member nodes and ways are in the file",
}


@dataclass
class Reject:
    """An object that belongs to a theme but got no usable geometry."""

    theme: str
    osm_type: str
    osm_id: int
    reason: str  # a key of REASONS
    tags: dict
    location: tuple = None  # (lon, lat) of a known node, to find it on a map


class Collector:
    """Per-theme accumulation of raw geometries before bulk conversion."""

    def __init__(self, theme):
        self.theme = theme
        self.osm_ids, self.osm_types, self.categories, self.tags = [], [], [], []
        # Raw geometry per feature, by kind: ('point', (x, y)),
        # ('line', coords), ('wkb', hex), ('ring', coords: repaired polygon),
        # ('members', (x, y): the point of a relation's members, see members.py).
        self.raw = []
        self.node_ids = []

    def add(self, osm_type, osm_id, category, tags, raw, node_ids=None):
        self.osm_ids.append(osm_id)
        self.osm_types.append(osm_type)
        self.categories.append(category)
        self.tags.append(tags)
        self.raw.append(raw)
        if self.theme.keep_node_ids:
            self.node_ids.append(node_ids)


@dataclass
class Collected:
    """What one pass over the file gathered, before geometries are built."""

    collectors: dict  # theme name -> Collector
    rejects: list  # [Reject]
    header: object
    area: object  # the (repaired, prepared) area, or None
    warnings: list = field(default_factory=list)  # [(code of pbf.COMPLETENESS, {fact: value})]
    area_covers_data: bool = False


def way_nodes(way):
    """(coords, node ids, any node missing) of a way, consecutive repeats removed.

    Consecutive nodes at the same location are dropped (with their ids), as
    GIS tools consider repeated vertices invalid; ``node_ids[i]`` is the OSM
    node at ``coords[i]``.
    """
    coords, refs, missing = [], [], False
    last = None
    for node in way.nodes:
        location = node.location
        if not location.valid():
            missing = True
            continue
        point = (location.lon, location.lat)
        if point != last:
            coords.append(point)
            refs.append(node.ref)
            last = point
    return coords, refs, missing


def _first_location(coords):
    return coords[0] if coords else None


def prepared_area(area, header):
    """(area, covers the whole file): the area repaired, checked against the file's bounds, prepared."""
    if area is None:
        return None, False
    if area.is_empty:
        raise EmptyAreaError()
    if not area.is_valid:
        area = shapely.make_valid(area)
    covers = False
    if header.bounds is not None:
        data_box = shapely.box(*header.bounds)
        if not shapely.intersects(area, data_box):
            raise AreaOutsideDataError(area.bounds, header.bounds)
        covers = bool(shapely.covers(area, data_box))
    shapely.prepare(area)
    return area, covers


def _line_reason(theme, coords, missing):
    """Why a way of a line (or open-way point) theme has no geometry, or None."""
    if missing:
        return "missing_nodes"
    if not coords or (len(coords) < 2 and theme.geometry == LINE):
        return "too_few_points"
    return None


class _Pass:
    """The state of one read: what each kind of object adds to the collectors."""

    def __init__(self, themes):
        self.collectors = {theme.name: Collector(theme) for theme in themes}
        self.rejects = []
        self.node_themes = [t for t in themes if t.from_nodes]
        self.way_themes = [t for t in themes if t.from_ways]
        self.relation_themes = [t for t in themes if t.from_relations]
        # (osm_type, id) -> [(theme, category)] for objects that need an area;
        # their geometry comes from the assembler (or the fallback in reconcile()).
        self.expected = {}
        self.way_info = {}  # way id -> (line WKB or None, missing, first location) for the fallback
        self.object_tags = {}
        self.areas = {}  # (osm_type, id) -> multipolygon WKB (hex)
        self.sites = MemberPoints()  # relations of point themes that are not areas
        self.theme_ways = self.incomplete_ways = 0
        self.factory = pbf.osmium.geom.WKBFactory()

    def area(self, obj):
        key = ("way" if obj.from_way() else "relation", obj.orig_id())
        if key[0] == "way" and key not in self.expected:
            return
        try:
            self.areas[key] = self.factory.create_multipolygon(obj)
        except RuntimeError:
            pass  # reported by reconcile() as a failed assembly

    def node(self, obj, tags):
        for theme in self.node_themes:
            category = theme.category(tags)
            if category is not None:
                location = obj.location
                self.collectors[theme.name].add(
                    "node", obj.id, category, tags, ("point", (location.lon, location.lat)))

    def way(self, obj, tags):
        matches = [(t, c) for t in self.way_themes if (c := t.category(tags)) is not None]
        if not matches:
            return
        self.theme_ways += 1
        closed = obj.is_closed() and len(obj.nodes) >= 4
        if closed and all(t.geometry != LINE for t, _ in matches):
            self._area_way(obj, tags, matches)
            return
        coords, refs, missing = way_nodes(obj)
        self.incomplete_ways += missing
        for theme, category in matches:
            if theme.geometry == LINE or (theme.geometry == POINT and not closed):
                reason = _line_reason(theme, coords, missing)
                if reason:
                    self.rejects.append(Reject(theme.name, "way", obj.id, reason, tags,
                                               _first_location(coords)))
                    continue
                raw = ("line", coords) if theme.geometry == LINE else ("midline", coords)
                self.collectors[theme.name].add("way", obj.id, category, tags, raw, refs)
            elif closed:
                self.expected.setdefault(("way", obj.id), []).append((theme, category))
                self.way_info[obj.id] = (None, missing, _first_location(coords))
                if not missing:
                    self.way_info[obj.id] = (shapely.to_wkb(shapely.LineString(coords), hex=True),
                                             False, None)
                self.object_tags[("way", obj.id)] = tags
            elif not theme.ignore_open_ways:
                self.rejects.append(Reject(theme.name, "way", obj.id, "not_closed", tags,
                                           _first_location(coords)))

    def _area_way(self, obj, tags, matches):
        """A closed way wanted only as an area: the assembler gives its geometry; keep only what a
        fallback needs, computed in C++ (iterating nodes in Python is slow)."""
        for theme, category in matches:
            self.expected.setdefault(("way", obj.id), []).append((theme, category))
        try:
            self.way_info[obj.id] = (self.factory.create_linestring(obj), False, None)
        except (RuntimeError, pbf.osmium.InvalidLocationError):
            coords, _, missing = way_nodes(obj)
            self.way_info[obj.id] = (None, missing, _first_location(coords))
            self.incomplete_ways += missing
        self.object_tags[("way", obj.id)] = tags

    def relation(self, obj, tags):
        relation_type = tags.get("type")
        for theme in self.relation_themes:
            category = theme.category(tags)
            if category is None:
                continue
            if relation_type in theme.relation_types:
                self.expected.setdefault(("relation", obj.id), []).append((theme, category))
                self.object_tags[("relation", obj.id)] = tags
            elif theme.geometry == POINT:
                self.sites.add(theme, category, obj, tags)  # a point from its members, resolve_sites()
            else:
                self.rejects.append(Reject(theme.name, "relation", obj.id, "not_an_area", tags))

    def resolve_sites(self, path, locations):
        """Relations of point themes: one point from their members, read in a second pass."""
        if not self.sites:
            return
        for site, point in self.sites.resolve(path, locations):
            if point is None:
                self.rejects.append(Reject(site.theme.name, "relation", site.osm_id, "members_missing",
                                           site.tags))
            else:
                self.collectors[site.theme.name].add("relation", site.osm_id, site.category, site.tags,
                                                     ("members", point))

    def reconcile(self):
        """Objects that needed an area, matched with what the assembler produced."""
        for key, matches in self.expected.items():
            osm_type, osm_id = key
            tags = self.object_tags[key]
            raw, reason, location = self._area_geometry(key)
            for theme, category in matches:
                if reason:
                    self.rejects.append(Reject(theme.name, osm_type, osm_id, reason, tags, location))
                else:
                    self.collectors[theme.name].add(osm_type, osm_id, category, tags, raw)

    def _area_geometry(self, key):
        """(raw geometry, reject reason, location) of an object that needed an area."""
        osm_type, osm_id = key
        wkb = self.areas.get(key)
        if wkb is not None:
            return ("wkb", wkb), None, None
        if osm_type != "way":
            return None, "assembly_failed", None
        line_wkb, missing, location = self.way_info[osm_id]
        if missing:
            return None, "missing_nodes", location
        ring = shapely.get_coordinates(shapely.from_wkb(line_wkb))
        location = tuple(ring[0]) if len(ring) else None
        if len(ring) < 4:
            return None, "too_few_points", location
        return ("ring", ring), None, location  # the assembler refuses self-intersecting rings: repaired later


def collect(path, themes, area=None, feedback=None):
    """One pass over ``path``: a :class:`Collected` of the objects of ``themes`` (progress 0-85%).

    ``area`` (shapely, EPSG:4326) is repaired and checked against the file's
    bounds here; features are filtered by it later, when their geometries exist.
    """
    blobs = pbf.scan_blobs(path)  # cheap structural check before anything else
    header = pbf.read_header(path)
    warnings = [(code, {}) for code in pbf.completeness(path, blobs)]
    area, area_covers_data = prepared_area(area, header)
    state = _Pass(themes)
    keys = tuple(dict.fromkeys(k for t in themes for k in t.keys))
    area_keys = tuple(dict.fromkeys(k for t in state.relation_themes for k in t.keys)) or ("type",)
    locations = pbf.location_index()
    handlers = {"n": state.node, "w": state.way, "r": state.relation}
    count = 0
    for obj in pbf.iter_objects(path, keys, area_keys, SubFeedback(feedback, 0, 85), locations=locations):
        count += 1
        if count & 0x3FF == 0:
            check_canceled(feedback)
        kind = obj.type_str()
        if kind == "a":
            state.area(obj)
        elif kind in handlers:
            handlers[kind](obj, {tag.k: tag.v for tag in obj.tags})
    check_canceled(feedback)
    if state.theme_ways and 2 * state.incomplete_ways > state.theme_ways:
        warnings.append((pbf.WAYS_MISSING_NODES, {"count": state.incomplete_ways, "total": state.theme_ways}))
    state.resolve_sites(path, locations)
    del locations  # frees the node index before the geometries are built
    state.reconcile()
    return Collected(state.collectors, state.rejects, header, area, warnings, area_covers_data)
