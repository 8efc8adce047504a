"""Former home of the output writers: names kept for the modules that still import them from here
(to be removed once none does). Write with :func:`.sinks.write_layer`."""

from ..core.io.jsonfile import json_safe as _json_safe
from ..core.io.jsonfile import write_json
from .sinks import _VARIANTS, InputRows, output_fields, write_layer

__all__ = ["_VARIANTS", "_json_safe", "output_fields", "write_json", "write_table", "write_with_columns"]


def write_with_columns(algorithm, parameters, name, context, feedback, source, arrays, keep, columns):
    """:func:`.sinks.write_layer` of the ``keep`` rows of an input plus ``columns``."""
    return write_layer(algorithm, parameters, name, context, feedback, columns,
                       rows_of=InputRows(source, arrays, keep))


def write_table(algorithm, parameters, name, context, feedback, columns, geometries=None, wkb_type=None,
                crs=None):
    """:func:`.sinks.write_layer` of a new layer of ``columns``, with optional shapely ``geometries``."""
    return write_layer(algorithm, parameters, name, context, feedback, columns, geometries=geometries,
                       wkb_type=wkb_type, crs=crs)
