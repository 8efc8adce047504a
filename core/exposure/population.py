"""Population per building: from census totals per unit, by footprint x levels.

Dasymetric distribution: each unit's census total is shared among its
residential buildings in proportion to floor area (footprint area in m² times
the number of levels, 1 when unknown). People are only placed where people
live, so a flooded warehouse district holds no residents.
"""

import re
from dataclasses import dataclass

import numpy as np

# building=* values counted as residential by default. 'yes' (type unknown) is
# included because in many informal settlements most homes are mapped so.
RESIDENTIAL_VALUES = ("residential", "house", "apartments", "detached", "semidetached_house",
                      "terrace", "bungalow", "hut", "dormitory", "farm", "static_caravan",
                      "cabin", "yes")


def floor_weights(footprint_m2, levels=None, is_residential=None):
    """Weight of each building: footprint area x levels (levels < 1 or unknown -> 1)."""
    footprint = np.nan_to_num(np.asarray(footprint_m2, dtype=float))
    if levels is None:
        levels = np.ones(len(footprint))
    levels = np.asarray([_level(v) for v in levels], dtype=float)
    weights = footprint * levels
    if is_residential is not None:
        weights = np.where(np.asarray(is_residential, dtype=bool), weights, 0.0)
    return weights


def _level(value):
    """Levels as a number: '3' -> 3, '10+' -> 10; unknown or below 1 -> 1."""
    match = re.match(r"\s*(\d+(?:[.,]\d+)?)", str(value)) if value is not None else None
    number = float(match.group(1).replace(",", ".")) if match else 1.0
    return number if number >= 1 else 1.0


def distribute(unit_totals, building_unit, weights):
    """People per building from census totals per unit.

    ``unit_totals[u]``: population of unit u; ``building_unit[i]``: unit of
    building i (-1: outside every unit, gets 0). A unit with people but no
    residential building keeps its people unplaced; they are returned in
    ``unplaced`` so that no one disappears from the totals.
    """
    unit_totals = np.nan_to_num(np.asarray(unit_totals, dtype=float))
    building_unit = np.asarray(building_unit, dtype=np.int64)
    weights = np.asarray(weights, dtype=float)
    inside = building_unit >= 0
    weight_per_unit = np.zeros(len(unit_totals))
    np.add.at(weight_per_unit, building_unit[inside], weights[inside])
    people = np.zeros(len(weights))
    # Fraction of the unit's floor area first (always <= 1), so tiny weights stay finite.
    unit_weight = weight_per_unit[building_unit[inside]]
    fraction = np.divide(weights[inside], unit_weight, out=np.zeros(int(inside.sum())),
                         where=unit_weight > 0)
    people[inside] = fraction * unit_totals[building_unit[inside]]
    unplaced = np.where(weight_per_unit > 0, 0.0, unit_totals)
    return people, unplaced


def parse_residential(text):
    """The residential building types of 'residential, house, yes' (lower case, spaces trimmed)."""
    return frozenset(v.strip().lower() for v in (text or "").split(",") if v.strip())


def residential_flags(types, residential):
    """True for each building whose type is in ``residential`` (see :func:`parse_residential`).

    A building without a type (NULL) counts as 'yes': in OSM, building=yes
    says "a building, type unknown", and that is what a missing type says too.
    """
    return [str(t).strip().lower() in residential if t is not None else "yes" in residential
            for t in types]


@dataclass
class Dasymetric:
    """Census people placed in buildings (:func:`dasymetric`)."""

    people: np.ndarray  # per building
    unplaced_by_unit: np.ndarray  # per unit: its census people when it has no residential building

    @property
    def unplaced(self):
        """People of the census placed in no building (units without a residential building)."""
        return float(self.unplaced_by_unit.sum())


def dasymetric(census, footprint_m2, building_unit, levels=None, types=None,
               residential=frozenset(RESIDENTIAL_VALUES)):
    """:class:`Dasymetric` people per building from the census ``census[u]`` of each unit.

    ``levels``: per building (None: one level each); ``types``: per building
    (None: every building is residential), kept when in ``residential``. NULL
    census totals count as 0 people.
    """
    totals = np.nan_to_num(np.asarray(census, dtype=float), nan=0.0)
    flags = None if types is None else residential_flags(types, residential)
    weights = floor_weights(footprint_m2, levels, flags)
    people, unplaced = distribute(totals, building_unit, weights)
    return Dasymetric(people, unplaced)
