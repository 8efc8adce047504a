"""People per hazard class (and per aggregation unit) from a population raster.

Each pixel's people are shared among the zones covering it in proportion to
the area each zone covers (:func:`refuge.core.raster.sampling.area_weighted_sum`),
so a zone covering half a pixel of 10 people gets 5: the exposed population
does not depend on how the zone edges fall on the pixel grid. The people of
class 0 (not exposed) are the rest of the raster's total, so the classes add
up to every person of the raster, inside the hazard's extent or not.
"""

from dataclasses import dataclass

import numpy as np

from .. import crs as crs_tools
from ..hazard.definitions import CLASS_BY_CODE
from ..polygons import polygonal
from ..raster.sampling import area_weighted_sum

try:
    import shapely
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    shapely = None


@dataclass
class RasterPopulation:
    """People of a population raster per hazard class and, with units, per unit and class."""

    by_class: dict  # {class code: people}, every class, adding up to the raster's total
    unit_table: np.ndarray = None  # [unit, class code] people; the last row: outside every unit

    def summary(self):
        """{class code: people} (the document's "population_raster")."""
        return dict(self.by_class)

    def table_rows(self):
        return [["population", None, code, None, None, None, people]
                for code, people in self.by_class.items()]

    def unit_tables(self, unit_count):
        return {} if self.unit_table is None else {"population": self.unit_table}


def raster_population(grid, grid_crs, hazard, units=None, units_crs=None):
    """:class:`RasterPopulation` of ``grid`` (people per pixel, nodata as NaN) in ``grid_crs``.

    ``hazard``: a :class:`~.analysis.Hazard` (its disjoint zones are used);
    ``units``: aggregation unit polygons in ``units_crs``, or None.
    """
    zones = hazard.zones_wgs84()
    codes = sorted(zones)
    local = crs_tools.reproject([zones[c] for c in codes], crs_tools.WGS84, grid_crs)
    exposed = area_weighted_sum(grid, local) if codes else np.zeros(0)
    total = float(np.nansum(grid.values, dtype=np.float64))
    by_class = {code: 0.0 for code in CLASS_BY_CODE}
    for code, people in zip(codes, exposed):
        by_class[code] = float(people)
    by_class[0] = total - sum(by_class[c] for c in codes)
    table = None
    if units is not None:
        table = _unit_table(grid, grid_crs, codes, local, units, units_crs, by_class)
    return RasterPopulation(by_class, table)


def _unit_table(grid, grid_crs, codes, zones_local, units, units_crs, by_class):
    """[unit, class] people; the last row (outside every unit) makes the columns add up to ``by_class``."""
    unit_local = crs_tools.reproject(units, units_crs, grid_crs)
    table = np.zeros((len(unit_local) + 1, len(CLASS_BY_CODE)))
    unit_totals = np.nan_to_num(area_weighted_sum(grid, unit_local))
    for code, zone in zip(codes, zones_local):
        # Polygonal parts only: a unit touching a zone along an edge shares a line with it.
        shares = [polygonal(g) for g in shapely.intersection(unit_local, zone)]
        table[:-1, code] = np.nan_to_num(area_weighted_sum(grid, shares))
    table[:-1, 0] = unit_totals - table[:-1, 1:].sum(axis=1)
    table[-1] = [by_class[code] for code in CLASS_BY_CODE] - table[:-1].sum(axis=0)
    return table
