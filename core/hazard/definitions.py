"""Hazard types and classification schemes, declared as data.

Classes are integers so that "the highest class wins" is a plain maximum:
0 is *not exposed* (dry, outside every zone), then 1 low, 2 medium, 3 high.
Labels are given in English and French; colours come from the Okabe-Ito
palette, readable with the common forms of colour-blindness.
"""

from dataclasses import dataclass

import numpy as np

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


def depth_classes(values, thresholds, min_value=0.0):
    """Class codes (int8, the shape of ``values``) of values such as depths in metres: the one
    depth->class rule of Refuge, for rasters, buildings, shelters and road sections alike.

    0 (not exposed) where the value is NaN or at most ``min_value`` (dry); then 1 below
    ``thresholds[0]``, k + 1 from ``thresholds[k-1]`` up to ``thresholds[k]`` (excluded), and
    ``len(thresholds) + 1`` from the last one up (infinity included). A bound belongs to the
    class above it, as in the hazard tables it comes from ("0.5 m and more: medium").
    """
    values = np.asarray(values, dtype=np.float64)
    bounds = np.asarray(thresholds, dtype=np.float64).reshape(-1)
    wet = values > min_value  # False for NaN
    return np.where(wet, np.searchsorted(bounds, values, "right") + 1, NOT_EXPOSED).astype(np.int8)


def classify_value(value, thresholds, min_value=0.0):
    """Class code of one value (see :func:`depth_classes`); None and NaN are not exposed."""
    return int(depth_classes(np.nan if value is None else value, thresholds, min_value))


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
