"""Parsers that turn free-form OSM tag values into typed column values.

Every parser takes the tag dictionary of one object and returns a Python
value or ``None`` when the tag is absent or unparseable; the raw value always
stays available in the ``tags`` JSON column, so nothing is lost.
"""

import re

_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)")
_MPH = 1.609344  # km per mile
_FOOT = 0.3048  # metres per foot

TRUE_VALUES = frozenset(("yes", "true", "1"))
FALSE_VALUES = frozenset(("no", "false", "0"))


def text(key):
    """Parser returning the raw value of ``key`` (or ``None``)."""

    def parse(tags):
        value = tags.get(key)
        return value if value not in (None, "") else None

    parse.__doc__ = f"raw value of `{key}`"
    return parse


def first_text(*keys):
    """Parser returning the first present value among ``keys``."""

    def parse(tags):
        for key in keys:
            value = tags.get(key)
            if value not in (None, ""):
                return value
        return None

    parse.__doc__ = "first of " + ", ".join(f"`{k}`" for k in keys)
    return parse


def parse_number(value):
    """Leading number of a tag value as float: '2', '2.5', '3,5 m' -> 3.5.

    Returns ``None`` for absent or non-numeric values ('many', 'FR:urban').
    The first value of a ';'-separated list is used.
    """
    if value is None:
        return None
    match = _NUMBER.match(str(value).split(";")[0])
    if not match:
        return None
    return float(match.group(1).replace(",", "."))


def real(key):
    """Parser returning the leading number of ``key`` as float."""

    def parse(tags):
        return parse_number(tags.get(key))

    parse.__doc__ = f"number in `{key}`"
    return parse


def integer(*keys):
    """Parser returning the leading number of the first present key, as int.

    Values with a fraction are truncated only when they are whole numbers;
    '2.5' gives ``None`` rather than a wrong integer.
    """

    def parse(tags):
        for key in keys:
            number = parse_number(tags.get(key))
            if number is not None:
                return int(number) if number == int(number) else None
        return None

    parse.__doc__ = "integer in " + ", ".join(f"`{k}`" for k in keys)
    return parse


def flag(key):
    """Parser for yes/no-like keys: 1 when present and not 'no', else 0.

    ``bridge=viaduct`` or ``tunnel=culvert`` count as 1; absent gives 0,
    because an untagged way is, by OSM convention, not a bridge.
    """

    def parse(tags):
        value = tags.get(key)
        if value is None:
            return 0
        return 0 if value.strip().lower() in FALSE_VALUES else 1

    parse.__doc__ = f"1 if `{key}` is set and not 'no', else 0"
    return parse


def maxspeed_kmh(tags):
    """Speed limit in km/h from ``maxspeed`` ('50', '30 mph', '50;30').

    Zone codes ('FR:urban'), 'none', 'walk' and 'signals' give ``None``: their
    meaning depends on national rules, which the routing profiles apply.
    """
    value = tags.get("maxspeed")
    if value is None:
        return None
    number = parse_number(value)
    if number is None:
        return None
    if "mph" in value.lower():
        return number * _MPH
    if "knots" in value.lower():
        return number * 1.852
    return number


def height_m(tags):
    """Building height in metres from ``height`` ('12', '12 m', "40'")."""
    value = tags.get("height")
    if value is None:
        return None
    number = parse_number(value)
    if number is None:
        return None
    if "ft" in value or "'" in value:
        return number * _FOOT
    return number


def oneway(tags):
    """Direction of travel for vehicles: 1 forward only, -1 backward only, 0 both.

    Follows OSM conventions: ``oneway=yes|true|1`` -> 1, ``oneway=-1|reverse``
    -> -1; roundabouts and motorways are one-way unless tagged ``oneway=no``.
    ``oneway=reversible`` and ``alternating`` change over time and give 0.
    """
    value = (tags.get("oneway") or "").strip().lower()
    if value in TRUE_VALUES:
        return 1
    if value in ("-1", "reverse"):
        return -1
    if value in FALSE_VALUES or value in ("reversible", "alternating"):
        return 0
    if tags.get("junction") in ("roundabout", "circular"):
        return 1
    if tags.get("highway") in ("motorway", "motorway_link"):
        return 1
    return 0
