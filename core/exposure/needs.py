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

from .. import settings

DISPLACEMENT = {0: 0.0, 1: 0.0, 2: 0.5, 3: 1.0}
DEMOGRAPHICS = {"women": 0.50, "under5": 0.08, "aged60": 0.14, "disability": 0.16}
NEEDS = {"water_l_day": 15.0, "food_kcal_day": 2100.0, "food_kg_week": 2.8, "shelter_m2": 3.5,
         "people_per_toilet": 20.0, "household_size": 5.0}


# Allowed ranges (low, high, low excluded): rates and ratios are shares of people; needs are
# quantities per person, and the two "people per ..." divide the displaced people.
DISPLACEMENT_RANGE = (0.0, 1.0, False)
DEMOGRAPHICS_RANGE = (0.0, 1.0, False)
NEEDS_RANGES = {key: (0.0, None, key in ("people_per_toilet", "household_size")) for key in NEEDS}


def parse_displacement(text):
    """Displacement rates by class code from 'low=0; medium=0.5; high=1' (see refuge.core.settings)."""
    return settings.numbers(text, DISPLACEMENT, key=settings.class_key,
                            ranges={code: DISPLACEMENT_RANGE for code in DISPLACEMENT})


def parse_demographics(text):
    """Demographic ratios (shares of the displaced, 0 to 1) from 'women=0.5; under5=0.08'."""
    return settings.numbers(text, DEMOGRAPHICS, ranges={key: DEMOGRAPHICS_RANGE for key in DEMOGRAPHICS})


def parse_needs(text):
    """Minimum needs per displaced person from 'water_l_day=15; household_size=5' (see NEEDS_RANGES)."""
    return settings.numbers(text, NEEDS, ranges=NEEDS_RANGES)


@dataclass
class NeedsReport:
    """The displaced people, their breakdown and needs, and the settings that gave them."""

    exposed: dict  # class code -> people
    displaced: float
    groups: dict = field(default_factory=dict)  # demographic key -> displaced people
    needs: dict = field(default_factory=dict)  # need key -> quantity
    displacement_rates: dict = field(default_factory=dict)  # class code -> share leaving home
    ratios: dict = field(default_factory=dict)  # demographic key -> share of the displaced
    needs_per_person: dict = field(default_factory=dict)  # need key -> quantity per displaced person

    def summary(self):
        """The summary document's "displaced" block (see refuge.core.exposure.summary)."""
        return {"people": self.displaced, "groups": self.groups, "needs": self.needs,
                "displacement_rates": self.displacement_rates, "ratios": self.ratios,
                "needs_per_person": self.needs_per_person}


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
        displacement_rates=displacement,
        ratios=demographics,
        needs_per_person=needs,
    )
