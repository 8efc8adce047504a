"""Hazard types and classification schemes, declared as data.

Classes are integers so that "the highest class wins" is a plain maximum:
0 is *not exposed* (dry, outside every zone), then 1 low, 2 medium, 3 high.
Labels are given in English and French; colours come from the Okabe-Ito
palette, readable with the common forms of colour-blindness.
"""

from dataclasses import dataclass

from .. import settings

NOT_EXPOSED = 0


@dataclass(frozen=True)
class HazardClass:
    code: int
    key: str
    label_en: str
    label_fr: str
    colour: str


CLASSES = (
    HazardClass(0, "not_exposed", "Not exposed", "Non exposé", "#ffffff"),
    HazardClass(1, "low", "Low", "Faible", "#f0e442"),
    HazardClass(2, "medium", "Medium", "Moyen", "#e69f00"),
    HazardClass(3, "high", "High", "Fort", "#d55e00"),
)
CLASS_BY_CODE = {c.code: c for c in CLASSES}
CLASS_BY_KEY = {c.key: c for c in CLASSES}
EXPOSED_CODES = tuple(c.code for c in CLASSES if c.code != NOT_EXPOSED)


@dataclass(frozen=True)
class HazardType:
    """A kind of hazard: its name, unit and default depth thresholds.

    ``thresholds``: upper bounds of the low and medium classes, in ``unit``
    (flood: depth in metres; low < 0.5 m <= medium < 1.5 m <= high).
    ``min_value``: values at or below it are dry / not exposed.
    """

    key: str
    label_en: str
    label_fr: str
    unit: str
    thresholds: tuple
    min_value: float = 0.0


FLOOD = HazardType("flood", "Flood", "Inondation", "m", (0.5, 1.5), 0.0)
GENERIC = HazardType("generic", "Classified hazard", "Aléa classé", "", (), 0.0)
HAZARD_TYPES = {h.key: h for h in (FLOOD, GENERIC)}


def check_thresholds(thresholds):
    """Return thresholds as a tuple of two increasing floats, or raise ValueError."""
    values = tuple(float(t) for t in thresholds)
    if len(values) != 2 or not values[0] < values[1]:
        raise ValueError("two increasing thresholds are needed (upper bounds of low and medium)")
    return values


def classify_value(value, thresholds, min_value=0.0):
    """Class code of one value (e.g. a depth in metres); NaN and None are not exposed."""
    if value is None or value != value or value <= min_value:
        return NOT_EXPOSED
    low, medium = thresholds
    if value < low:
        return 1
    if value < medium:
        return 2
    return 3


normalise = settings.normalise


@dataclass(frozen=True)
class ValueMap:
    """Maps the values of a zone layer's class field to hazard classes.

    Matching ignores case and repeated or surrounding spaces, so 'YES', 'yes'
    and ' Yes ' are one value.
    """

    mapping: tuple  # ((normalised value, class code), ...)

    @classmethod
    def parse(cls, text):
        """From 'YES=high; no = dry' (separators ';' or ',' or new lines).

        Raises :class:`refuge.core.settings.SettingError` (a ValueError) naming the part that
        cannot be read, also for a value given twice.
        """
        return cls(tuple(settings.class_map(text)))

    def classify(self, value):
        """Class code of a field value, or None when the map does not cover it."""
        if value is None:
            return None
        key = normalise(value)
        for candidate, code in self.mapping:
            if candidate == key:
                return code
        return None


DEFAULT_VALUE_MAP = "yes=high; wet=high; flood prone=high; no=dry; dry=dry"
