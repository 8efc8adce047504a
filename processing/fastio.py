"""Former home of the direct GDAL reader and the joined GeoPackage writer: names kept for the
modules that still import them from here (to be removed once none does).

Reading: :mod:`.sources` (read_arrays, check_source, require_crs, ArrowArrays...), on
:mod:`refuge.core.io.arrow`. Writing: :mod:`.sinks` (write_layer, joined_writer), on
:mod:`refuge.core.io.joined` (JoinedWriter), :mod:`refuge.core.io.copies` (input copies and
their run scope) and :mod:`refuge.core.io.sqlite` (SQL helpers).
"""

from ..core.io.arrow import BATCH as _BATCH
from ..core.io.copies import PendingCopy as _PendingCopy
from ..core.io.copies import copy_single_layer_geopackage as _copy_single_layer_geopackage
from ..core.io.copies import copy_source as _copy_source
from ..core.io.copies import input_copies_discarded_on_error
from ..core.io.joined import SQL_TYPES as _SQL_TYPES
from ..core.io.joined import JoinedWriter, write_joined
from ..core.io.sqlite import quote as _quote
from ..core.io.sqlite import register_gpkg_functions as _register_gpkg_functions
from ..core.io.sqlite import sql_values as _sql_values
from ..core.io.sqlite import text_in_numeric_column
from ..core.io.sqlite import uri_path as _uri_path
from .sources import (
    ArrowArrays,
    arrow_misreads_booleans,
    check_source,
    direct_source,
    gpkg_destination,
    has_crs,
    read_arrays,
    require_crs,
)

__all__ = [
    "_BATCH", "_SQL_TYPES", "ArrowArrays", "JoinedWriter", "_PendingCopy",
    "_copy_single_layer_geopackage", "_copy_source", "_quote", "_register_gpkg_functions",
    "_sql_values", "_uri_path", "arrow_misreads_booleans", "check_source", "direct_source",
    "gpkg_destination", "has_crs", "input_copies_discarded_on_error", "read_arrays",
    "require_crs", "text_in_numeric_column", "write_joined",
]
