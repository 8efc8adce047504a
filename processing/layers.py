"""Former home of the QGIS-feature reader: names kept for the modules that still import them from
here (to be removed once none does). Read with :mod:`.sources`, write with :mod:`.sinks`."""

from ..core.io.arrays import OUTSIDE_CRS, FeatureArrays
from ..core.io.arrays import as_number as _number
from .sinks import add_features
from .sources import (
    SourceArrays,
    _examples,
    count_values,
    crs_text,
    dimension_label,
    dimensions_of,
    geometry_dimension,
    plain_value,
)

__all__ = ["OUTSIDE_CRS", "FeatureArrays", "SourceArrays", "_examples", "_number", "add_features",
           "count_values", "crs_text", "dimension_label", "dimensions_of", "geometry_dimension",
           "plain_value"]
