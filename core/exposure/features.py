"""What each exposure layer gives: buildings, facilities and road sections, with their summaries.

Each result holds its per-feature values (in the order of the features with
a geometry) and adds them up three ways: per hazard class for the summary
document, as rows of the summary table, and per aggregation unit (arrays
``[unit, class]`` whose last row holds the features outside every unit).
Summary-table rows are ``[exposure, unit, class code, count, area_m2,
length_m, population]`` with None where a column does not apply.
"""

from dataclasses import dataclass

import numpy as np

from ..osm.themes import CRITICAL_CATEGORIES, EMERGENCY_SHELTER_CATEGORIES
from .analysis import (
    FeatureExposure,
    classify_features,
    roads_exposure,
    summary_by_category,
    summary_by_class,
    summary_by_unit,
    units_of,
)

# Facilities a flood must not cut off: care, schools, emergency services, and the shelters designated
# for emergencies (a shelters layer analysed as facilities).
CRITICAL = CRITICAL_CATEGORIES | EMERGENCY_SHELTER_CATEGORIES


def critical_mask(categories):
    """True for each facility whose category (any case, spaces trimmed) is critical (see CRITICAL)."""
    return np.array([str(c).strip().lower() in CRITICAL for c in categories], dtype=bool)


@dataclass
class BuildingsExposure:
    """Buildings: class, depth, unit and footprint (``exposure.size``, m²), people when known."""

    exposure: FeatureExposure
    population: np.ndarray = None  # people per building (a field, or the dasymetric share)
    types: list = None  # building type per building, when a type field is given
    unplaced: float = None  # census people without a residential building in their unit (dasymetric)

    def summary(self):
        """{"count", "footprint_m2"[, "population"][, "by_type"]}: {class code: total} each."""
        classes = self.exposure.classes
        block = {"count": summary_by_class(classes),
                 "footprint_m2": summary_by_class(classes, self.exposure.size)}
        if self.population is not None:
            block["population"] = summary_by_class(classes, self.population)
        if self.types is not None:
            block["by_type"] = summary_by_category(classes, self.types)
        return block

    def population_by_class(self):
        """{class code: people}, or None without a population."""
        return None if self.population is None else summary_by_class(self.exposure.classes,
                                                                      self.population)

    def table_rows(self):
        block = self.summary()
        people = block.get("population", {})
        return [["buildings", None, code, count, block["footprint_m2"][code], None, people.get(code)]
                for code, count in block["count"].items()]

    def unit_tables(self, unit_count):
        classes, unit = self.exposure.classes, self.exposure.unit
        tables = {"buildings": summary_by_unit(classes, unit, unit_count),
                  "buildings_m2": summary_by_unit(classes, unit, unit_count, self.exposure.size)}
        if self.population is not None:
            tables["population"] = summary_by_unit(classes, unit, unit_count, self.population)
        return tables


@dataclass
class FacilitiesExposure:
    """Facilities: class, depth and unit (``exposure``), category and whether critical."""

    exposure: FeatureExposure
    categories: list
    critical: np.ndarray  # bool per facility

    def summary(self):
        """{"count", "critical": {class code: total}, "by_category": {category: {class code: count}}}."""
        classes = self.exposure.classes
        return {"count": summary_by_class(classes),
                "critical": summary_by_class(classes, self.critical.astype(float)),
                "by_category": summary_by_category(classes, self.categories)}

    def table_rows(self):
        return [["facilities", None, code, count, None, None, None]
                for code, count in summary_by_class(self.exposure.classes).items()]

    def unit_tables(self, unit_count):
        return {"facilities": summary_by_unit(self.exposure.classes, self.exposure.unit, unit_count)}


def facilities_exposure(geometries, source_crs, hazard, units=None, units_crs=None, categories=None):
    """:class:`FacilitiesExposure` of points or polygons; ``categories`` None: none is critical."""
    classes, depth = classify_features(geometries, source_crs, hazard)
    unit = units_of(geometries, source_crs, units, units_crs)
    categories = [None] * len(geometries) if categories is None else list(categories)
    return FacilitiesExposure(FeatureExposure(classes, depth, unit, None), categories,
                              critical_mask(categories))


@dataclass
class RoadsExposure:
    """Road sections, split at class and unit boundaries (see :func:`~.analysis.roads_exposure`)."""

    geometries: np.ndarray  # sections in EPSG:4326
    line_index: np.ndarray  # position of each section's road among the lines given
    classes: np.ndarray
    unit: np.ndarray  # -1 outside every unit
    length_m: np.ndarray  # geodesic, WGS 84 ellipsoid

    def summary(self):
        """{"length_m": {class code: metres}}."""
        return {"length_m": summary_by_class(self.classes, self.length_m)}

    def table_rows(self):
        return [["roads", None, code, None, None, length, None]
                for code, length in summary_by_class(self.classes, self.length_m).items()]

    def unit_tables(self, unit_count):
        return {"roads_m": summary_by_unit(self.classes, self.unit, unit_count, self.length_m)}


def road_sections(lines, source_crs, hazard, units=None, units_crs=None):
    """:class:`RoadsExposure` of lines."""
    return RoadsExposure(**roads_exposure(lines, source_crs, hazard, units, units_crs))
