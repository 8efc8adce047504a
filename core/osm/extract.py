"""Turn an OpenStreetMap .pbf file into analysis-ready theme layers.

Entry points: :func:`read_pbf` (in memory, no writing) and
:func:`extract_pbf` (read, then write one GeoPackage atomically).
Geometries are EPSG:4326. Objects that belong to a theme but cannot get a
valid geometry are never dropped silently: they are returned as
:class:`Reject` records with a stable ``reason`` code (see :data:`REASONS`).
"""

import json
import os
from dataclasses import dataclass, field

import numpy as np

from ..errors import AreaOutsideDataError, EmptyAreaError, MissingDependencyError
from ..io.columns import BOOLEAN, INTEGER, TEXT
from ..polygons import repaired_polygonal
from ..progress import NullFeedback, SubFeedback, check_canceled
from . import pbf
from .members import MemberPoints
from .themes import COMMON_COLUMNS, LINE, POINT, POLYGON, TAGS_COLUMN, attributes

try:
    import shapely
except ImportError as exc:  # pragma: no cover
    shapely = None
    _SHAPELY_ERROR = str(exc)

ATTRIBUTION = "© OpenStreetMap contributors"
LICENSE = "ODbL-1.0"

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


@dataclass
class ThemeLayer:
    """Features of one theme: parallel lists plus a shapely geometry array."""

    theme: object
    osm_ids: list = field(default_factory=list)
    osm_types: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    geometries: object = None  # numpy array of shapely geometries
    extra: dict = field(default_factory=dict)  # column name -> list

    def __len__(self):
        return len(self.osm_ids)


@dataclass
class ReadResult:
    """Everything read from one file: layers by theme name, rejects, header."""

    layers: dict
    rejects: list
    header: object
    source: str
    # What the file's content says is missing: [(code of pbf.COMPLETENESS, {fact: value})].
    warnings: list = field(default_factory=list)
    area_covers_data: bool = False  # the area covers the file's bounds: the whole file is extracted


def _require_shapely():
    if shapely is None:
        raise MissingDependencyError("shapely", _SHAPELY_ERROR)


class _Collector:
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


def _way_nodes(way):
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


def read_pbf(path, groups=None, themes=None, area=None, feedback=None):
    """Read theme layers from a .pbf file.

    ``themes``: :class:`~refuge.core.osm.themes.Theme` objects (default: all,
    or those of ``groups``). ``area``: optional shapely geometry in EPSG:4326;
    features that intersect it are kept whole (not clipped), so buildings and
    roads are never cut at the area's edge. Raises
    :class:`AreaOutsideDataError` when the area misses the file's bounds, and
    :class:`~refuge.core.errors.NoOsmDataError` when the file holds no data.
    A file that ends before what its content implies (see
    :func:`pbf.completeness`), or whose theme ways mostly miss their nodes,
    is read, with ``warnings`` saying so.
    """
    _require_shapely()
    feedback = feedback or NullFeedback()
    if themes is None:
        from .themes import themes_for_groups

        themes = themes_for_groups(groups)
    blobs = pbf.scan_blobs(path)  # cheap structural check before anything else
    header = pbf.read_header(path)
    warnings = [(code, {}) for code in pbf.completeness(path, blobs)]
    area_covers_data = False
    if area is not None:
        if area.is_empty:
            raise EmptyAreaError()
        if not area.is_valid:
            area = shapely.make_valid(area)
        if header.bounds is not None:
            data_box = shapely.box(*header.bounds)
            if not shapely.intersects(area, data_box):
                raise AreaOutsideDataError(area.bounds, header.bounds)
            area_covers_data = bool(shapely.covers(area, data_box))
        shapely.prepare(area)

    collectors = {theme.name: _Collector(theme) for theme in themes}
    rejects = []
    node_themes = [t for t in themes if t.from_nodes]
    way_themes = [t for t in themes if t.from_ways]
    relation_themes = [t for t in themes if t.from_relations]
    keys = tuple(dict.fromkeys(k for t in themes for k in t.keys))
    area_keys = tuple(dict.fromkeys(k for t in relation_themes for k in t.keys)) or ("type",)

    # (osm_type, id) -> [(theme, category)] for objects that need an area;
    # their geometry comes from the assembler (or the fallback below).
    expected = {}
    way_info = {}  # way id -> (coords, missing) kept for the fallback
    object_tags = {}
    areas = {}  # (osm_type, id) -> multipolygon WKB (hex)
    sites = MemberPoints()  # relations of point themes that are not areas
    theme_ways = incomplete_ways = 0
    locations = pbf.location_index()
    factory = pbf.osmium.geom.WKBFactory()

    read_feedback = SubFeedback(feedback, 0, 85)
    count = 0
    for obj in pbf.iter_objects(path, keys, area_keys, read_feedback, locations=locations):
        count += 1
        if count & 0x3FF == 0:
            check_canceled(feedback)
        kind = obj.type_str()
        if kind == "a":
            key = ("way" if obj.from_way() else "relation", obj.orig_id())
            if key[0] == "way" and key not in expected:
                continue
            try:
                areas[key] = factory.create_multipolygon(obj)
            except RuntimeError:
                pass  # reported below as a failed assembly
            continue
        tags = {tag.k: tag.v for tag in obj.tags}
        if kind == "n":
            for theme in node_themes:
                category = theme.category(tags)
                if category is not None:
                    location = obj.location
                    collectors[theme.name].add(
                        "node", obj.id, category, tags, ("point", (location.lon, location.lat))
                    )
        elif kind == "w":
            matches = [(t, c) for t in way_themes if (c := t.category(tags)) is not None]
            if not matches:
                continue
            theme_ways += 1
            closed = obj.is_closed() and len(obj.nodes) >= 4
            if closed and all(t.geometry != LINE for t, _ in matches):
                # Areas come from the assembler; keep only what a fallback
                # needs, computed in C++ (iterating nodes in Python is slow).
                for theme, category in matches:
                    expected.setdefault(("way", obj.id), []).append((theme, category))
                try:
                    way_info[obj.id] = (factory.create_linestring(obj), False, None)
                except (RuntimeError, pbf.osmium.InvalidLocationError):
                    coords, _, missing = _way_nodes(obj)
                    way_info[obj.id] = (None, missing, _first_location(coords))
                    incomplete_ways += missing
                object_tags[("way", obj.id)] = tags
                continue
            coords, refs, missing = _way_nodes(obj)
            incomplete_ways += missing
            for theme, category in matches:
                if theme.geometry == LINE or (theme.geometry == POINT and not closed):
                    if missing:
                        reason = "missing_nodes"
                    elif len(coords) < 2 and theme.geometry == LINE:
                        reason = "too_few_points"
                    elif not coords:
                        reason = "too_few_points"
                    else:
                        reason = None
                    if reason:
                        rejects.append(Reject(theme.name, "way", obj.id, reason, tags,
                                              _first_location(coords)))
                        continue
                    raw = ("line", coords) if theme.geometry == LINE else ("midline", coords)
                    collectors[theme.name].add("way", obj.id, category, tags, raw, refs)
                elif closed:
                    expected.setdefault(("way", obj.id), []).append((theme, category))
                    way_info[obj.id] = (None, missing, _first_location(coords))
                    if not missing:
                        way_info[obj.id] = (shapely.to_wkb(shapely.LineString(coords), hex=True),
                                            False, None)
                    object_tags[("way", obj.id)] = tags
                elif not theme.ignore_open_ways:
                    rejects.append(Reject(theme.name, "way", obj.id, "not_closed", tags,
                                          _first_location(coords)))
        elif kind == "r":
            relation_type = tags.get("type")
            for theme in relation_themes:
                category = theme.category(tags)
                if category is None:
                    continue
                if relation_type in theme.relation_types:
                    expected.setdefault(("relation", obj.id), []).append((theme, category))
                    object_tags[("relation", obj.id)] = tags
                elif theme.geometry == POINT:
                    sites.add(theme, category, obj, tags)  # a point from its members, below
                else:
                    rejects.append(Reject(theme.name, "relation", obj.id, "not_an_area", tags))

    check_canceled(feedback)
    if theme_ways and 2 * incomplete_ways > theme_ways:
        warnings.append((pbf.WAYS_MISSING_NODES, {"count": incomplete_ways, "total": theme_ways}))
    if sites:
        for site, point in sites.resolve(path, locations):
            if point is None:
                rejects.append(Reject(site.theme.name, "relation", site.osm_id, "members_missing",
                                      site.tags))
            else:
                collectors[site.theme.name].add("relation", site.osm_id, site.category, site.tags,
                                                ("members", point))
    locations = None  # frees the node index
    # Reconcile objects that needed an area with what the assembler produced.
    for key, matches in expected.items():
        osm_type, osm_id = key
        tags = object_tags[key]
        wkb = areas.get(key)
        raw, reason, location = None, None, None
        if wkb is not None:
            raw = ("wkb", wkb)
        elif osm_type == "way":
            line_wkb, missing, location = way_info[osm_id]
            if missing:
                reason = "missing_nodes"
            else:
                ring = shapely.get_coordinates(shapely.from_wkb(line_wkb))
                location = tuple(ring[0]) if len(ring) else None
                if len(ring) < 4:
                    reason = "too_few_points"
                else:
                    # The assembler refuses self-intersecting rings: repair them.
                    raw = ("ring", ring)
        else:
            reason = "assembly_failed"
        for theme, category in matches:
            if reason:
                rejects.append(Reject(theme.name, osm_type, osm_id, reason, tags, location))
            else:
                collectors[theme.name].add(osm_type, osm_id, category, tags, raw)

    feedback.setProgress(88)
    layers = {}
    for theme in themes:
        check_canceled(feedback)
        layers[theme.name] = _build_layer(collectors[theme.name], area, rejects)
    if area is not None:
        rejects = [r for r in rejects if r.location is None
                   or shapely.intersects(area, shapely.points(r.location))]
    feedback.setProgress(100)
    return ReadResult(layers, rejects, header, str(path), warnings, area_covers_data)


def _polygons(raws):
    """Shapely (Multi)Polygons from raw polygon inputs, plus a repaired flag."""
    geometries = np.empty(len(raws), dtype=object)
    repaired = np.zeros(len(raws), dtype=bool)
    wkb_index = [i for i, (kind, _) in enumerate(raws) if kind == "wkb"]
    if wkb_index:
        geometries[wkb_index] = shapely.from_wkb([raws[i][1] for i in wkb_index])
    for i, (kind, value) in enumerate(raws):
        if kind == "ring":
            geometries[i] = shapely.Polygon(value)
            repaired[i] = True
    if len(raws):
        invalid = ~shapely.is_valid(geometries)
        if invalid.any():
            geometries[invalid] = [repaired_polygonal(g) for g in geometries[invalid]]
            repaired |= invalid
    return geometries, repaired


def _as_multipolygons(geometries):
    return np.array(
        [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g]) for g in geometries],
        dtype=object,
    )


def _build_layer(collector, area, rejects):
    """Convert raw geometries in bulk, repair, filter by area, attach columns."""
    theme = collector.theme
    raws = collector.raw
    n = len(raws)
    geometries = np.empty(n, dtype=object)
    extra = {}
    keep = np.ones(n, dtype=bool)
    if theme.geometry == POLYGON:
        geometries, repaired = _polygons(raws)
        if n:
            geometries = _as_multipolygons(geometries)
        extra["geom_fixed"] = repaired.astype(int)
    elif theme.geometry == LINE:
        if n:
            lengths = np.fromiter((len(r[1]) for r in raws), dtype=np.int64, count=n)
            coords = np.array([xy for r in raws for xy in r[1]], dtype=float).reshape(-1, 2)
            geometries = shapely.linestrings(coords, indices=np.repeat(np.arange(n), lengths))
            geometries = np.asarray(geometries, dtype=object)
    else:  # POINT: from nodes, areas (a point inside) or open ways (mid-line)
        sources = []
        polygon_index = [i for i, r in enumerate(raws) if r[0] in ("wkb", "ring")]
        if polygon_index:
            polygons, _ = _polygons([raws[i] for i in polygon_index])
            geometries[polygon_index] = shapely.point_on_surface(polygons)
        for i, (kind, value) in enumerate(raws):
            if kind == "point":
                geometries[i] = shapely.Point(value)
                sources.append("node")
            elif kind == "members":
                geometries[i] = shapely.Point(value)
                sources.append("members")
            elif kind == "midline":
                line = shapely.LineString(value) if len(value) > 1 else shapely.Point(value[0])
                geometries[i] = (shapely.line_interpolate_point(line, 0.5, normalized=True)
                                 if len(value) > 1 else line)
                sources.append("line")
            else:
                sources.append("polygon")
        extra["geom_source"] = sources
    if n:
        empty = shapely.is_empty(geometries)
        for i in np.flatnonzero(empty):
            rejects.append(Reject(theme.name, collector.osm_types[i], collector.osm_ids[i],
                                  "invalid_geometry", collector.tags[i]))
        keep &= ~empty
        if area is not None:
            keep &= shapely.intersects(area, geometries)
    if theme.keep_node_ids:
        extra["node_ids"] = [json.dumps(ids, separators=(",", ":")) for ids in collector.node_ids]
    index = np.flatnonzero(keep)
    layer = ThemeLayer(
        theme=theme,
        osm_ids=[collector.osm_ids[i] for i in index],
        osm_types=[collector.osm_types[i] for i in index],
        categories=[collector.categories[i] for i in index],
        tags=[collector.tags[i] for i in index],
        geometries=geometries[index] if n else geometries,
        extra={name: [values[i] for i in index] for name, values in extra.items()},
    )
    return layer


def layer_rows(layer):
    """Attribute rows of a :class:`ThemeLayer`, in :func:`layer_fields` order."""
    theme = layer.theme
    extra_names = list(layer.extra)
    for i in range(len(layer)):
        tags = layer.tags[i]
        values = attributes(theme, tags)
        row = [layer.osm_ids[i], layer.osm_types[i], tags.get("name"), layer.categories[i]]
        row.extend(values[column.name] for column in theme.columns)
        row.extend(layer.extra[name][i] for name in extra_names)
        row.append(json.dumps(tags, ensure_ascii=False, sort_keys=True))
        yield row


def layer_fields(theme):
    """[(name, kind)] of a theme layer, in the order of :func:`layer_rows`."""
    fields = [(c.name, c.kind) for c in COMMON_COLUMNS]
    fields += [(c.name, c.kind) for c in theme.columns]
    if theme.geometry == POLYGON:
        fields.append(("geom_fixed", BOOLEAN))
    elif theme.geometry == POINT:
        fields.append(("geom_source", TEXT))
    if theme.keep_node_ids:
        fields.append(("node_ids", TEXT))
    fields.append((TAGS_COLUMN.name, TAGS_COLUMN.kind))
    return fields


REJECT_FIELDS = [
    ("theme", TEXT), ("osm_type", TEXT), ("osm_id", INTEGER),
    ("reason_code", TEXT), ("reason", TEXT), ("tags", TEXT),
]


def _reject_rows(rejects, labels):
    for r in rejects:
        yield [r.theme, r.osm_type, r.osm_id, r.reason, labels.get(r.reason, REASONS[r.reason]),
               json.dumps(r.tags, ensure_ascii=False, sort_keys=True)]


def extract_pbf(path, output, groups=None, area=None, feedback=None, reason_labels=None,
                generator="Refuge", layer_documents=None):
    """Read themes from a .pbf file and write them to one GeoPackage.

    Layers: one per theme (named as the theme), plus ``rejects``, a point
    layer (null geometry where no node location is known) listing every
    object that belongs to a theme but got no usable geometry. Returns
    ``{"output": path, "counts": {theme: n}, "rejects": n, "header": PbfHeader,
    "reject_reasons": {(theme, reason): n}, "warnings": [(code, facts)],
    "area_covers_data": bool}`` (see :class:`ReadResult`).
    Progress: reading 0-80 %, writing 80-100 %.

    ``layer_documents``: optional callable ``(layer_name, header) -> dict``
    with the :class:`~refuge.core.io.gpkg.LayerSpec` fields ``style_qml``,
    ``style_name`` and ``qgis_metadata_xml`` (the QGIS adapter provides them).
    """
    from ..io.gpkg import LayerSpec, write_geopackage

    feedback = feedback or NullFeedback()
    result = read_pbf(path, groups=groups, area=area, feedback=SubFeedback(feedback, 0, 80))
    labels = reason_labels or {}
    source_name = os.path.basename(os.fspath(path))
    metadata = {
        "SOURCE_FILE": source_name,
        "OSM_TIMESTAMP": result.header.timestamp or "",
        "ATTRIBUTION": ATTRIBUTION,
        "LICENSE": LICENSE,
        "GENERATOR": generator,
    }
    specs = []
    for name, layer in result.layers.items():
        theme = layer.theme
        specs.append(LayerSpec(
            name=name,
            geometry=theme.geometry,
            fields=layer_fields(theme),
            rows=layer_rows(layer),
            geometries=shapely.to_wkb(layer.geometries) if len(layer) else (),
            count=len(layer),
            description=f"{theme.description} Source: {source_name}"
            f" ({result.header.timestamp or 'no timestamp'}). {ATTRIBUTION}, {LICENSE}.",
            metadata=metadata,
        ))
    reject_points = [shapely.to_wkb(shapely.Point(r.location)) if r.location else None
                     for r in result.rejects]
    rejects_spec = LayerSpec(
        name="rejects",
        geometry="point",
        fields=REJECT_FIELDS,
        rows=_reject_rows(result.rejects, labels),
        geometries=reject_points,
        count=len(result.rejects),
        description="OSM objects of the chosen themes that got no usable geometry, with the reason.",
        metadata=metadata,
    )
    specs.append(rejects_spec)
    if layer_documents is not None:
        for spec in specs:
            for key, value in layer_documents(spec.name, result.header).items():
                setattr(spec, key, value)
    written = write_geopackage(output, specs, feedback=SubFeedback(feedback, 80, 100),
                               dataset_metadata=metadata, inputs=[path])
    return {
        "output": written,
        "counts": {name: len(layer) for name, layer in result.layers.items()},
        "rejects": len(result.rejects),
        "header": result.header,
        "reject_reasons": _count_reasons(result.rejects),
        "warnings": result.warnings,
        "area_covers_data": result.area_covers_data,
    }


def _count_reasons(rejects):
    counts = {}
    for r in rejects:
        counts[(r.theme, r.reason)] = counts.get((r.theme, r.reason), 0) + 1
    return counts
