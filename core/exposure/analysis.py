"""Exposure of buildings, facilities, roads and people to a classified hazard.

A :class:`Hazard` is either classified zones ({class code: MultiPolygon}) or a
depth raster with thresholds. Every exposure function takes geometries with
their CRS and returns per-feature results (class codes, depths in metres,
areas in m², lengths in m), never rounded; the summaries add them up per
hazard class and per aggregation unit.
"""

from dataclasses import dataclass, field

import numpy as np

from .. import crs as crs_tools
from .. import measure
from ..hazard import index as overlay
from ..hazard import zones as zone_tools
from ..hazard.definitions import CLASSES, FLOOD, NOT_EXPOSED, depth_classes

try:
    import shapely
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    shapely = None

CLASS_CODES = tuple(c.code for c in CLASSES)


@dataclass
class Hazard:
    """The hazard: classified polygons, resolved zones, or a depth raster.

    - ``polygons`` + ``codes`` (in ``crs``): classified polygons as given, overlaps
      allowed. Features are classified against them directly (the highest class
      among the polygons a feature touches equals its class among the resolved
      zones, and the raw polygons are cheaper to query); resolved zones are
      derived only when lines must be cut or people counted per class.
    - ``zones``: {class code: MultiPolygon}, disjoint, in ``crs``.
    - ``grid``: a depth raster with ``thresholds`` and ``min_value`` (metres for
      floods); its zones come from polygonising the classes.
    """

    zones: dict = None
    crs: str = crs_tools.WGS84
    grid: object = None  # refuge.core.raster.sampling.RasterGrid
    thresholds: tuple = FLOOD.thresholds
    min_value: float = FLOOD.min_value
    polygons: object = None
    codes: object = None
    _index: object = field(default=None, repr=False)
    _class_index: object = field(default=None, repr=False)

    @property
    def is_raster(self):
        return self.grid is not None

    def zones_wgs84(self):
        """{class code: MultiPolygon} in EPSG:4326, disjoint (resolved or polygonised)."""
        if self.zones is None:
            if self.polygons is not None:
                self.zones = zone_tools.resolve_overlaps(self.polygons, self.codes)
            else:
                from ..raster.sampling import classify

                self.zones = zone_tools.polygonize_classes(
                    classify(self.grid, self.thresholds, self.min_value), self.grid.geotransform)
                self.crs = self.grid.crs_wkt or crs_tools.WGS84
        if not crs_tools.same_crs(self.crs, crs_tools.WGS84):
            codes = list(self.zones)
            projected = crs_tools.reproject([self.zones[c] for c in codes], self.crs, crs_tools.WGS84)
            self.zones, self.crs = dict(zip(codes, projected)), crs_tools.WGS84
            self.polygons = None  # now in another CRS than the zones; the zones suffice
        return self.zones

    def index(self):
        """Index of the disjoint zones (to cut lines at class boundaries)."""
        if self._index is None:
            self._index = overlay.ZoneIndex.build(self.zones_wgs84())
        return self._index

    def class_index(self):
        """Index to classify points and polygons: raw polygons when given, else the zones."""
        if self._class_index is None:
            if self.polygons is not None:
                exposed = np.asarray(self.codes) > NOT_EXPOSED
                polygons = crs_tools.reproject(np.asarray(self.polygons, dtype=object)[exposed],
                                               self.crs, crs_tools.WGS84)
                self._class_index = overlay.ZoneIndex.from_polygons(
                    polygons, np.asarray(self.codes)[exposed])
            else:
                self._class_index = self.index()
        return self._class_index

    def classify_depths(self, depths):
        """Class codes of depths (NaN: not exposed)."""
        return depth_classes(depths, self.thresholds, self.min_value)


@dataclass
class FeatureExposure:
    """Per-feature results, in input order."""

    classes: np.ndarray  # int8 class codes (0 not exposed)
    depth_m: np.ndarray = None  # max depth (polygons, all-touched) or depth under points
    unit: np.ndarray = None  # aggregation unit index, -1 outside every unit
    size: np.ndarray = None  # footprint area m2 (polygons) or length m (lines)

    @classmethod
    def concatenate(cls, parts):
        """One FeatureExposure of consecutive blocks' results, in order."""

        def joined(name):
            arrays = [getattr(part, name) for part in parts]
            return None if any(a is None for a in arrays) else np.concatenate(arrays)

        if len(parts) == 1:
            return parts[0]
        return cls(joined("classes"), joined("depth_m"), joined("unit"), joined("size"))


def classify_features(geometries, source_crs, hazard):
    """Hazard class (and depth for a raster) of each point or polygon feature."""
    geometries = np.asarray(geometries, dtype=object)
    if hazard.is_raster:
        from ..raster.sampling import max_touched, sample_points

        grid = hazard.grid
        local = crs_tools.reproject(geometries, source_crs, grid.crs_wkt or crs_tools.WGS84)
        depth = np.full(len(local), np.nan)
        kind = shapely.get_type_id(local)
        is_point = kind == 0
        is_polygon = (kind == 3) | (kind == 6)
        if is_point.any():
            depth[is_point] = sample_points(grid, shapely.get_x(local[is_point]),
                                            shapely.get_y(local[is_point]))
        if is_polygon.any():
            depth[is_polygon] = max_touched(grid, local[is_polygon])
        classes = hazard.classify_depths(depth)
        other = ~(is_point | is_polygon)  # multipoints, lines: against the polygonised classes
        if other.any():
            wgs84 = crs_tools.reproject(geometries[other], source_crs, crs_tools.WGS84)
            classes[other] = overlay.max_class(wgs84, hazard.class_index())
        return classes, depth
    wgs84 = crs_tools.reproject(geometries, source_crs, crs_tools.WGS84)
    return overlay.max_class(wgs84, hazard.class_index()), None


def buildings_exposure(geometries, source_crs, hazard, units=None, units_crs=None, rings=None):
    """Class, depth, footprint area (m², 0 for points) and unit of each building.

    ``rings``: the buildings' :class:`~refuge.core.polygons.SimpleRings` when the
    caller has them (from :func:`refuge.core.geometry.repair`); used for the
    areas when the buildings are in EPSG:4326.
    """
    geometries = np.asarray(geometries, dtype=object)
    wgs84 = crs_tools.reproject(geometries, source_crs, crs_tools.WGS84)
    if not crs_tools.same_crs(source_crs, crs_tools.WGS84):
        rings = None  # measured in another CRS

    # One step after the other: each runs in threads over its own slices of the buildings, and
    # two steps at once would use the same buildings in two threads (see refuge.core.threads).
    if hazard.is_raster:  # sampled in the raster's CRS
        classes, depth = classify_features(geometries, source_crs, hazard)
    else:  # already in WGS 84, the zones' CRS
        classes, depth = classify_features(wgs84, crs_tools.WGS84, hazard)
    area = measure.areas_m2(wgs84, rings=rings) if len(wgs84) else np.zeros(0)
    unit = units_of(wgs84, crs_tools.WGS84, units, units_crs)
    return FeatureExposure(classes, depth, unit, area)


def units_of(geometries, source_crs, units, units_crs):
    """Index of the unit holding each feature (see overlay.containing_unit); -1 without units."""
    if units is None:
        return np.full(len(geometries), -1, dtype=np.int64)
    if crs_tools.same_crs(source_crs, units_crs):
        return overlay.containing_unit(geometries, units)
    return overlay.containing_unit(crs_tools.reproject(geometries, source_crs, crs_tools.WGS84),
                                   crs_tools.reproject(units, units_crs, crs_tools.WGS84))


def roads_exposure(lines, source_crs, hazard, units=None, units_crs=None):
    """Lines split at class (and unit) boundaries: pieces, source line, class, unit, length m.

    Lengths are geodesic on the WGS 84 ellipsoid, so the CRS of the input
    does not change them.
    """
    wgs84 = crs_tools.reproject(lines, source_crs, crs_tools.WGS84)
    pieces = overlay.split_lines(wgs84, hazard.index())
    geometries, owners, codes = pieces.geometries, pieces.line_index, pieces.codes.astype(np.int8)
    unit = np.full(len(geometries), -1, dtype=np.int64)
    if units is not None and len(geometries):
        units_wgs84 = crs_tools.reproject(units, units_crs, crs_tools.WGS84)
        # Split again at unit boundaries, with unit i as zone code i + 1 (0: outside).
        unit_index = overlay.ZoneIndex.from_polygons(units_wgs84, np.arange(1, len(units_wgs84) + 1))
        split = overlay.split_lines(geometries, unit_index, prefer_highest=False)
        geometries = split.geometries
        owners, codes = owners[split.line_index], codes[split.line_index]
        unit = split.codes - 1
    return {
        "geometries": geometries,
        "line_index": owners,
        "classes": codes,
        "unit": unit,
        "length_m": measure.lengths_m(geometries),
    }


def summary_by_class(classes, weights=None):
    """{class code: total} over features (count when ``weights`` is None)."""
    classes = np.asarray(classes)
    weights = np.ones(len(classes)) if weights is None else np.nan_to_num(np.asarray(weights, float))
    return {code: float(weights[classes == code].sum()) for code in CLASS_CODES}


def summary_by_unit(classes, units, unit_count, weights=None):
    """Array [unit, class code] of totals; row ``unit_count`` holds features outside every unit."""
    classes = np.asarray(classes, dtype=np.int64)
    units = np.asarray(units, dtype=np.int64)
    weights = np.ones(len(classes)) if weights is None else np.nan_to_num(np.asarray(weights, float))
    table = np.zeros((unit_count + 1, len(CLASS_CODES)))
    rows = np.where(units < 0, unit_count, units)
    np.add.at(table, (rows, classes), weights)
    return table


def summary_by_category(classes, categories, weights=None):
    """{category: {class code: total}} (e.g. buildings per type and class)."""
    classes = np.asarray(classes)
    categories = np.asarray([("" if c is None else str(c)) for c in categories], dtype=object)
    weights = np.ones(len(classes)) if weights is None else np.nan_to_num(np.asarray(weights, float))
    result = {}
    for category in sorted(set(categories)):
        mask = categories == category
        result[category] = {code: float(weights[mask & (classes == code)].sum()) for code in CLASS_CODES}
    return result


__all__ = ["Hazard", "FeatureExposure", "classify_features", "buildings_exposure", "roads_exposure",
           "summary_by_class", "summary_by_unit", "summary_by_category", "NOT_EXPOSED"]
