"""What plain ``sqlite3`` needs to work on a GeoPackage GDAL wrote: quoting, file URIs, the
ST_* functions of its R-tree triggers, and column values it can bind.

A GeoPackage is an SQLite database, and a bulk SQL update of a copy is far faster than writing
features one by one; but GDAL registers functions in its own connections that a GeoPackage's
triggers name, and SQLite stores whatever it is given in any column, so both sides need care.
"""

import os
import sqlite3
from urllib.parse import quote as url_quote

import numpy as np

from .columns import REAL, plain_values

try:
    import shapely
except ImportError:  # pragma: no cover - reported by the dependency check
    shapely = None


def quote(identifier):
    """An SQL identifier (table, column, trigger name), quoted whatever characters it holds."""
    return '"' + identifier.replace('"', '""') + '"'


def uri_path(path):
    """``path`` for an SQLite ``file:`` URI (``#``, ``?`` and ``%`` in folder names kept literal)."""
    text = os.path.abspath(path).replace(os.sep, "/")
    return url_quote(text if text.startswith("/") else "/" + text, safe="/:")


def connect_read_only(path):
    """An sqlite3 connection that cannot change the file ``path`` (nor create it)."""
    return sqlite3.connect(f"file:{uri_path(path)}?mode=ro", uri=True)


def primary_keys(connection, table):
    """Names of the primary key columns of ``table``, in their order."""
    return [row[1] for row in connection.execute(f"PRAGMA table_info({quote(table)})") if row[5]]


def text_in_numeric_column(path, layer_name, column):
    """fids of the rows of a GeoPackage layer whose numeric ``column`` holds text (SQLite allows it)."""
    connection = connect_read_only(path)
    try:
        table = layer_name or connection.execute(
            "SELECT table_name FROM gpkg_contents LIMIT 1").fetchone()[0]
        keys = primary_keys(connection, table)
        fid = keys[0] if keys else "rowid"
        return [row[0] for row in connection.execute(
            f"SELECT {quote(fid)} FROM {quote(table)} WHERE typeof({quote(column)}) IN ('text', 'blob')")]
    except sqlite3.Error:
        return []
    finally:
        connection.close()


def register_gpkg_functions(connection):
    """The ST_* functions GeoPackage R-tree triggers name (GDAL registers them in its own
    connections; plain sqlite3 needs them to prepare an UPDATE or DELETE on the table)."""

    def geometry(blob):
        if blob is None:
            return None
        flags = blob[3]
        envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 7, 0)
        return shapely.from_wkb(bytes(blob[8 + envelope:]))

    def is_empty(blob):
        return None if blob is None else int(bool(blob[3] & 0x10) or geometry(blob).is_empty)

    def bound(index):
        def function(blob):
            shape = geometry(blob)
            return None if shape is None or shape.is_empty else float(shape.bounds[index])
        return function

    connection.create_function("ST_IsEmpty", 1, is_empty, deterministic=True)
    for name, index in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
        connection.create_function(name, 1, bound(index), deterministic=True)


def sql_values(kind, data):
    """Python values sqlite binds for one column: None for nulls (and NaN), bools as 0/1.

    numpy columns of numbers take vectorised paths (a million rows per block); anything else is
    :func:`refuge.core.io.columns.plain_values`, the coercion every writer shares.
    """
    if isinstance(data, np.ndarray) and data.dtype.kind in "iub":
        return data.astype(np.int64).tolist()
    if kind == REAL and isinstance(data, np.ndarray) and data.dtype.kind == "f":
        values = data.astype(object)
        values[np.isnan(data)] = None
        return values.tolist()
    return [int(v) if isinstance(v, bool) else v for v in plain_values(kind, data)]
