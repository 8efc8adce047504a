"""The area an extract is restricted to, from the user's polygons (any WKB a layer can hold)."""

import math
import re
from dataclasses import dataclass

from .. import wkb
from ..errors import EmptyAreaError, ExtentError
from ..polygons import polygonal

try:
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    shapely = None


@dataclass(frozen=True)
class Area:
    """The union of the usable polygons, and how many input geometries were not usable."""

    geometry: object
    unusable: int


def area_from_wkb(items):
    """:class:`Area` of WKB ``items`` (EPSG:4326), read with :func:`refuge.core.wkb.from_wkb`.

    Curves are linearised, Z/M, EMPTY parts and degenerate rings dropped,
    invalid polygons repaired, and everything united; a geometry that is not a polygon, or has no
    usable part, is counted in ``unusable``. Raises :class:`EmptyAreaError`
    when no polygon with an area is left.
    """
    read = wkb.from_wkb(list(items), {wkb.POLYGON})
    usable = [g for g in read.geometries if g is not None]
    if not usable:
        raise EmptyAreaError()
    # Each polygon repaired alone, then all united: overlapping parts of one multipolygon (invalid)
    # add up, where repairing the multipolygon as a whole would cut their overlap out.
    area = shapely.union_all(shapely.make_valid(shapely.get_parts(usable)))
    area = polygonal(area, single=True)
    if area.is_empty or area.area == 0:
        raise EmptyAreaError()
    return Area(area, len(read.geometries) - len(usable))


def intersection(first, second):
    """The area common to two areas (an extent and polygons); EmptyAreaError when they do not meet."""
    if first is None:
        return second
    if second is None:
        return first
    area = polygonal(shapely.intersection(first, second), single=True)
    if area.is_empty or area.area == 0:
        raise EmptyAreaError()
    return area


# An extent typed as text: xmin,xmax,ymin,ymax, then an optional [CRS].
_EXTENT_TEXT = re.compile(r"^\s*([^,\[\]]+),([^,\[\]]+),([^,\[\]]+),([^,\[\]]+?)\s*(?:\[(.*)\])?\s*$")


def extent_text(text):
    """(xmin, xmax, ymin, ymax), whether a [CRS] follows, of an extent typed as text; None when the
    text is not of that form (a layer's name, for instance).

    Raises :class:`ExtentError` when the numbers cannot mean an extent (see
    :func:`check_extent_numbers`), or are not numbers (``unreadable``).
    """
    match = _EXTENT_TEXT.match(text)
    if match is None:
        return None
    try:
        numbers = tuple(float(match.group(i)) for i in range(1, 5))
    except ValueError:
        raise ExtentError(text, "unreadable") from None
    check_extent_numbers(text, numbers)
    return numbers, match.group(5) is not None


def check_extent_numbers(value, numbers):
    """Raise :class:`ExtentError` unless xmin, xmax, ymin, ymax are finite and span a width and a height."""
    if not all(math.isfinite(n) for n in numbers):
        raise ExtentError(value, "not_finite")
    xmin, xmax, ymin, ymax = numbers
    if xmin == xmax or ymin == ymax:
        raise ExtentError(value, "zero_size")
