"""The read contract: what every reader of an input layer gives the engine and the adapters.

Two readers exist (a file read with GDAL's Arrow stream, :mod:`.arrow`; any
layer read feature by feature through QGIS, ``processing/sources.py``) and
callers must not care which one read a layer: both implement
:class:`FeatureArrays`, and share :class:`ArraysBase` for what does not depend
on where the values came from (setting geometries aside, numbers from fields).
"""

from typing import List, Optional, Protocol, Tuple

import numpy as np

from .. import crs as crs_tools

OUTSIDE_CRS = "outside_crs"  # reason code: coordinates the layer's CRS cannot place


class FeatureArrays(Protocol):
    """One input layer as arrays: geometries safe for GEOS, a reason for each missing one, attributes.

    ``geometries`` (a numpy object array of shapely geometries) holds None
    where ``reasons`` holds a code of :data:`refuge.core.wkb.REASONS` or
    :data:`OUTSIDE_CRS`; ``null_geometry`` lists those positions. ``crs``: a
    CRS string pyproj understands. ``path`` and ``layer_name``: the file the
    layer was read from, when known (else None). Attribute values are plain
    Python values (None, bool, int, float, str, datetime.date,
    datetime.datetime), the same whichever reader read them.
    """

    crs: str
    geometries: np.ndarray
    reasons: np.ndarray
    null_geometry: List[int]
    path: Optional[str]
    layer_name: Optional[str]

    def __len__(self) -> int: ...

    def feature_id(self, position: int) -> int:
        """The layer's id (fid) of the feature at ``position``."""

    def values(self, field_name: str) -> list:
        """Values of one field in feature order (None when null)."""

    def numbers(self, field_name: str) -> Tuple[np.ndarray, List[int]]:
        """(float64 values with NaN for NULL, positions of values that are not numbers)."""

    def reason(self, position: int) -> Optional[str]:
        """The reason code of a feature without a usable geometry (None when it has one)."""


class ArraysBase:
    """The part of :class:`FeatureArrays` both readers share.

    Subclasses set ``crs`` and call :meth:`_set_geometries`, and implement
    ``__len__``, ``feature_id`` and ``values``; :meth:`_text_positions` is the
    hook for values a reader reads as numbers although they are not.
    """

    def _set_geometries(self, read):
        """Take what :func:`refuge.core.wkb.from_wkb` read; ``self.crs`` must be set.

        Geometries whose coordinates the layer's CRS cannot place (see
        :func:`refuge.core.crs.placeable`) are set aside too, as ``outside_crs``.
        """
        self.geometries = read.geometries
        self.reasons = read.reasons
        outside = np.flatnonzero(~crs_tools.placeable(self.geometries, self.crs))
        self.geometries[outside] = None
        self.reasons[outside] = OUTSIDE_CRS
        self.null_geometry = [int(i) for i in read.rejected()]

    def reason(self, position):
        """The reason code of a feature without a usable geometry (None when it has one)."""
        return self.reasons[position]

    def numbers(self, field_name):
        """(float64 values with NaN for NULL, positions of values that are not numbers)."""
        values = self.values(field_name)
        result = np.full(len(values), np.nan)
        bad = []
        for position, value in enumerate(values):
            number = as_number(value)
            if number is None:
                if value is not None:
                    bad.append(position)
            else:
                result[position] = number
        bad.extend(position for position in self._text_positions(field_name) if position not in bad)
        result[bad] = np.nan
        return result, sorted(bad)

    def _text_positions(self, field_name):
        """Positions whose value is stored as text although read as a number (none by default)."""
        return []


def as_number(value):
    """``value`` as a float (numbers, numeric text with a decimal point or comma), None when not one."""
    if value is None or isinstance(value, bool):
        return None if value is None else float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None
