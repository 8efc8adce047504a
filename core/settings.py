"""The one grammar of the 'key=value; key=value' settings users type in algorithm parameters.

Pairs are separated by ``;`` or a new line, or by a comma followed by the
next ``key=`` (``low=0.25, medium=0.1``); any other comma is a decimal
comma (``medium=0,5``). Keys ignore case and spacing. Class keys are the
class words in English or French, or the class codes (:func:`class_key`).
Every problem raises :class:`SettingError`, which names the part of the text
at fault and what would be right, and never lets a Python error through.
"""

import math
import re

from .errors import RefugeError

_SEPARATOR = re.compile(r"[;\n]|,(?=[^,;=\n]*=)")

# Words naming the hazard classes, in both languages (a value map's right-hand side, class keys).
CLASS_WORDS = {
    "not_exposed": 0, "not exposed": 0, "none": 0, "dry": 0, "no": 0, "non": 0, "sec": 0,
    "non exposé": 0, "non expose": 0, "0": 0,
    "low": 1, "faible": 1, "1": 1,
    "medium": 2, "moyen": 2, "moyenne": 2, "moderate": 2, "modéré": 2, "modere": 2, "2": 2,
    "high": 3, "fort": 3, "forte": 3, "élevé": 3, "élevée": 3, "eleve": 3, "elevee": 3, "3": 3,
}


class SettingError(RefugeError, ValueError):
    """A setting text that cannot be read.

    ``problem``: not_pair, unknown_key, not_number, out_of_range, duplicate_key,
    not_class or empty; ``part``: the text at fault; ``allowed``: the keys or
    words that would be right; ``low``/``high``: the allowed range (``low``
    excluded when ``low_open``). ``parameter`` is set by the algorithm that
    read it (its description), for the message.
    """

    def __init__(self, problem, part="", allowed=(), low=None, high=None, low_open=False):
        self.problem, self.part, self.allowed = problem, part, tuple(allowed)
        self.low, self.high, self.low_open = low, high, low_open
        self.parameter = None
        super().__init__(f"{problem}: '{part}'" + (f" (allowed: {', '.join(map(str, allowed))})"
                                                    if allowed else ""))


def normalise(text):
    """Case- and spacing-insensitive form of a key or value: ' Flood  Prone ' -> 'flood prone'.

    A whole number read from a numeric field (3.0) is written as a map writes it (3).
    """
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def pairs(text, split_at_last=False):
    """[(key, value, part)] of ``text``, both stripped; ``split_at_last`` splits at the last '='."""
    result = []
    for part in _SEPARATOR.split(text or ""):
        if not part.strip():
            continue
        if "=" not in part:
            raise SettingError("not_pair", part.strip())
        key, _, value = part.rpartition("=") if split_at_last else part.partition("=")
        result.append((key.strip(), value.strip(), part.strip()))
    return result


def number(text, part=None):
    """A finite float from ``text`` (decimal point or comma), else SettingError ``not_number``."""
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise SettingError("not_number", part if part is not None else str(text))
    return value


def class_key(key):
    """The class code a class key names ('low', 'faible', '1'...), else None."""
    return CLASS_WORDS.get(normalise(key))


def numbers(text, defaults, key=None, ranges=None):
    """{key: float} from ``text`` over ``defaults`` (keys not given keep their default).

    ``key(text) -> key of defaults or None`` reads a key (default: the
    normalised text); ``ranges``: {key: (low, high, low_open)} with None for
    no bound. A key given twice, a key not in ``defaults``, a value that is not
    a finite number or out of its range raise :class:`SettingError`.
    """
    read = key or normalise
    result = dict(defaults)
    seen = set()
    for raw_key, raw_value, part in pairs(text):
        name = read(raw_key)
        if name is None or name not in defaults:
            raise SettingError("unknown_key", raw_key, allowed=_key_names(defaults, key))
        if name in seen:
            raise SettingError("duplicate_key", part)
        seen.add(name)
        value = number(raw_value, part)
        low, high, low_open = (ranges or {}).get(name, (None, None, False))
        if (low is not None and (value < low or (low_open and value == low))) or \
                (high is not None and value > high):
            raise SettingError("out_of_range", part, low=low, high=high, low_open=low_open)
        result[name] = value
    return result


def class_map(text):
    """[(normalised value, class code)] from a value map 'YES=high; no = dry' (value=class pairs).

    Values are matched ignoring case and spacing; a value given twice, or a
    class word that is not one, raise :class:`SettingError`; so does an empty map.
    """
    result, seen = [], set()
    for value, target, part in pairs(text, split_at_last=True):
        code = class_key(target)
        if code is None:
            raise SettingError("not_class", target, allowed=("low", "medium", "high", "dry"))
        normalised = normalise(value)
        if normalised in seen:
            raise SettingError("duplicate_key", part)
        seen.add(normalised)
        result.append((normalised, code))
    if not result:
        raise SettingError("empty")
    return result


def number_list(text, low=0.0):
    """Sorted distinct numbers from '5, 10, 15' (commas, semicolons or spaces), all above ``low``."""
    items = [item for item in re.split(r"[;,\s]+", text or "") if item]
    values = sorted({number(item) for item in items})
    if not values:
        raise SettingError("empty")
    if values[0] <= low:
        raise SettingError("out_of_range", f"{values[0]:g}", low=low, low_open=True)
    return values


def _key_names(defaults, key):
    if key is class_key:
        return ("low", "medium", "high")
    return tuple(str(name) for name in defaults)
