"""The result of one exposure run and the documents made from it (SUMMARY_JSON, the summary table).

The adapter fills an :class:`ExposureResult` layer by layer (each layer's
result comes from :mod:`.features`, :mod:`.blocks`, :mod:`.population` or
:mod:`.population_raster`); every number of the outputs is added up here,
never in the adapter, so the JSON document, the summary table and the units
output cannot disagree.
"""

from dataclasses import dataclass

from ..hazard.definitions import CLASSES
from .needs import displaced_needs
from .units import UnitTables

SCHEMA_VERSION = 1
# The layers of a run, in the order of the document and of the summary table.
_LAYERS = ("buildings", "facilities", "roads", "population_raster")


@dataclass
class ExposureResult:
    """Everything an exposure run found, and :meth:`summary`, the SUMMARY_JSON document.

    The document (schema version 1; numbers unrounded; ``{class}`` maps a
    class code, 0 not exposed to 3 high, written as a JSON string "0".."3",
    to a number, with every class present):

    - ``schema_version``: 1, raised when a key changes meaning or goes away.
    - ``generator``: "Refuge <version>".
    - ``hazard``: "zones" (hazard class polygons) or "raster" (a depth raster).
    - ``thresholds_m``: [upper bound of low depths, upper bound of medium depths]
      in metres for a raster, null for zones.
    - ``classes``: {code: {"key": "not_exposed"|"low"|"medium"|"high", "en": label, "fr": label}}.
    - ``units``: unit names in unit order (null for a NULL name), or null without units.
    - ``population_unplaced`` (census population only): people of the units'
      census placed in no building, their unit having no residential building.
    - ``buildings`` (with buildings): ``count`` {class} buildings,
      ``footprint_m2`` {class} m² of footprint on the WGS 84 ellipsoid (0 for
      points), ``population`` {class} people (with a population source on the
      buildings), ``by_type`` {type: {class} buildings} (with a type field;
      "" for NULL).
    - ``facilities`` (with facilities): ``count`` {class}, ``critical`` {class}
      critical facilities, ``by_category`` {category: {class}} facilities.
    - ``roads`` (with roads): ``length_m`` {class} metres, geodesic on WGS 84.
    - ``population_raster`` (with a population raster): {class} people,
      adding up to the raster's total.
    - ``displaced`` (when the population is known, from buildings or a raster):
      ``people`` displaced; ``groups`` {women, under5, aged60, disability:
      people}; ``needs`` {water_l_day: litres per day, food_kcal_day: kcal per
      day, food_kg_week: kg per week, shelter_m2: m², toilets, household_kits};
      ``displacement_rates`` {class: share 0-1}; ``ratios`` {group: share 0-1};
      ``needs_per_person`` {water_l_day, food_kcal_day, food_kg_week, shelter_m2,
      people_per_toilet, household_size} (see :mod:`.needs`).
    """

    generator: str
    hazard: str  # "zones" or "raster"
    thresholds_m: tuple = None  # raster only
    unit_names: list = None  # None without aggregation units
    units_without_geometry: frozenset = frozenset()
    buildings: object = None  # features.BuildingsExposure
    facilities: object = None  # features.FacilitiesExposure
    roads: object = None  # features.RoadsExposure
    population_raster: object = None  # population_raster.RasterPopulation
    displaced: object = None  # needs.NeedsReport

    def population_by_class(self):
        """{class code: exposed people} from the raster or the buildings, or None when unknown."""
        if self.population_raster is not None:
            return self.population_raster.by_class
        return self.buildings.population_by_class() if self.buildings is not None else None

    def add_needs(self, displacement=None, demographics=None, needs=None):
        """Set ``displaced`` (see :func:`.needs.displaced_needs`) when the population is known."""
        population = self.population_by_class()
        if population is not None:
            self.displaced = displaced_needs(population, displacement, demographics, needs)
        return self.displaced

    def summary(self):
        """The SUMMARY_JSON document (see the class docstring), keys in a stable order."""
        document = {
            "schema_version": SCHEMA_VERSION,
            "generator": self.generator,
            "hazard": self.hazard,
            "thresholds_m": None if self.thresholds_m is None else list(self.thresholds_m),
            "classes": {c.code: {"key": c.key, "en": c.label_en, "fr": c.label_fr} for c in CLASSES},
            "units": self.unit_names,
        }
        if self.buildings is not None and self.buildings.unplaced is not None:
            document["population_unplaced"] = float(self.buildings.unplaced)
        for name in _LAYERS:
            layer = getattr(self, name)
            if layer is not None:
                document[name] = layer.summary()
        if self.displaced is not None:
            document["displaced"] = self.displaced.summary()
        return document

    def unit_tables(self):
        """:class:`~.units.UnitTables` of every layer, or None without aggregation units."""
        if self.unit_names is None:
            return None
        tables = {}
        for name in _LAYERS:
            layer = getattr(self, name)
            if layer is not None:
                tables.update(layer.unit_tables(len(self.unit_names)))
        return UnitTables(self.unit_names, tables, frozenset(self.units_without_geometry))

    def table_rows(self, outside_label):
        """Rows of the summary table (see :mod:`.features`): totals, then per unit and class.

        ``outside_label`` names the row of what lies outside every unit.
        """
        rows = []
        for name in _LAYERS:
            layer = getattr(self, name)
            if layer is not None:
                rows.extend(layer.table_rows())
        units = self.unit_tables()
        if units is not None:
            rows.extend(units.rows(outside_label))
        return rows
