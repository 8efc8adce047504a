"""Demographic breakdown and minimum needs of the displaced population.

Defaults are documented choices, every one configurable:

- displacement rate per hazard class (share of exposed people who must leave
  their home): low 0, medium 0.5, high 1 (Refuge's default; set your own);
- demographic ratios: women 0.50, children under 5 0.08 and people aged 60+
  0.14 (UN World Population Prospects 2022, world averages), people with
  disabilities 0.16 (WHO, Global report on health equity for persons with
  disabilities, 2022);
- minimum needs per displaced person, from the Sphere Handbook (2018): water
  15 litres/day, food 2,100 kcal/day, covered shelter 3.5 m², one toilet per
  20 people, one household kit per household of 5 people; and staple food
  2.8 kg/week, the weekly rice ration of InaSAFE's default (Indonesian)
  minimum-needs profile, for stock planning in kilograms (Sphere gives energy,
  not weight: set the ration of your own food basket).

Numbers are never rounded here; reports round for display only.
"""

from dataclasses import dataclass, field

from ..hazard.definitions import CLASS_BY_KEY
from ..settings import key_value_pairs

DISPLACEMENT = {0: 0.0, 1: 0.0, 2: 0.5, 3: 1.0}
DEMOGRAPHICS = {"women": 0.50, "under5": 0.08, "aged60": 0.14, "disability": 0.16}
NEEDS = {"water_l_day": 15.0, "food_kcal_day": 2100.0, "food_kg_week": 2.8, "shelter_m2": 3.5,
         "people_per_toilet": 20.0, "household_size": 5.0}


def parse_pairs(text, defaults, key_type=str):
    """{key: float} from 'key=value; key=value' (';' or new lines), over ``defaults``.

    A decimal comma is accepted ('0,5'). ``key_type`` converts each key
    (lower-cased) to a key of ``defaults``; unknown keys and values that are
    not numbers raise ValueError naming them.
    """
    result = dict(defaults)
    for key, value in key_value_pairs(text):
        try:
            key = key_type(key.lower())
        except (KeyError, ValueError):
            raise ValueError(f"unknown key '{key}'") from None
        if key not in defaults:
            raise ValueError(f"unknown key '{key}'")
        try:
            result[key] = float(value.replace(",", "."))
        except ValueError:
            raise ValueError(f"'{value}' is not a number") from None
    return result


def parse_displacement(text):
    """Displacement rates by class code from 'low=0; medium=0.5; high=1'."""
    rates = parse_pairs(text, DISPLACEMENT, key_type=lambda key: CLASS_BY_KEY[key].code)
    for code, rate in rates.items():
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"the displacement rate of class {code} must be between 0 and 1")
    return rates


@dataclass
class NeedsReport:
    exposed: dict  # class code -> people
    displaced: float
    groups: dict = field(default_factory=dict)  # demographic key -> displaced people
    needs: dict = field(default_factory=dict)  # need key -> quantity


def displaced_needs(population_by_class, displacement=None, demographics=None, needs=None):
    """Displaced people, their demographic breakdown and minimum needs.

    ``population_by_class``: {class code: exposed people}. Needs are per day
    (water in litres, food in kcal), per week (food in kg) or totals (shelter
    in m², toilets, household kits).
    """
    displacement = DISPLACEMENT if displacement is None else displacement
    demographics = DEMOGRAPHICS if demographics is None else demographics
    needs = NEEDS if needs is None else needs
    displaced = sum(people * displacement.get(code, 0.0) for code, people in population_by_class.items())
    return NeedsReport(
        exposed=dict(population_by_class),
        displaced=displaced,
        groups={key: displaced * ratio for key, ratio in demographics.items()},
        needs={
            "water_l_day": displaced * needs["water_l_day"],
            "food_kcal_day": displaced * needs["food_kcal_day"],
            "food_kg_week": displaced * needs["food_kg_week"],
            "shelter_m2": displaced * needs["shelter_m2"],
            "toilets": displaced / needs["people_per_toilet"],
            "household_kits": displaced / needs["household_size"],
        },
    )
