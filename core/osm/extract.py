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

from ..errors import MissingDependencyError
from ..io.columns import BOOLEAN, INTEGER, TEXT
from ..polygons import repaired_polygonal
from ..progress import NullFeedback, SubFeedback, check_canceled
from . import reader
from .reader import REASONS, Reject
from .themes import COMMON_COLUMNS, LINE, POINT, POLYGON, TAGS_COLUMN, attributes

try:
    import shapely
except ImportError as exc:  # pragma: no cover
    shapely = None
    _SHAPELY_ERROR = str(exc)

ATTRIBUTION = "© OpenStreetMap contributors"
LICENSE = "ODbL-1.0"


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
    is read, with ``warnings`` saying so. The pass over the file is
    :func:`refuge.core.osm.reader.collect`; this builds the geometries.
    """
    _require_shapely()
    feedback = feedback or NullFeedback()
    if themes is None:
        from .themes import themes_for_groups

        themes = themes_for_groups(groups)
    collected = reader.collect(path, themes, area, feedback)
    area, rejects = collected.area, collected.rejects
    feedback.setProgress(88)
    layers = {}
    for theme in themes:
        check_canceled(feedback)
        layers[theme.name] = _build_layer(collected.collectors[theme.name], area, rejects)
    if area is not None:
        rejects = [r for r in rejects if r.location is None
                   or shapely.intersects(area, shapely.points(r.location))]
    feedback.setProgress(100)
    return ReadResult(layers, rejects, collected.header, str(path), collected.warnings,
                      collected.area_covers_data)


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
