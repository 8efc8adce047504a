"""Names of the result columns Refuge adds to a copy of an input's attributes.

An input may already have a field called ``hazard_class`` or ``status``: the user's field is kept
as it is and Refuge's column is renamed ``refuge_hazard_class`` (again while that is taken too).
Field names compare without case, as GeoPackage, shapefiles and QGIS compare them.
"""

PREFIX = "refuge_"


def unique_names(names, taken):
    """``names`` renamed with :data:`PREFIX` where they clash with ``taken`` or with each other.

    ``taken``: the names already in the table (any case). The result keeps the order of ``names``.
    """
    used = {name.lower() for name in taken}
    result = []
    for name in names:
        unique = name
        while unique.lower() in used:
            unique = PREFIX + unique
        used.add(unique.lower())
        result.append(unique)
    return result


# The one vocabulary of column kinds, from the engine's results to every writer: the GeoPackage
# writer (core/io/gpkg.py), the joined writer (SQL types) and QGIS feature sinks (field types).
TEXT = "text"
INTEGER = "integer"  # 64-bit
REAL = "real"
BOOLEAN = "boolean"
KINDS = (TEXT, INTEGER, REAL, BOOLEAN)


def plain(kind, value):
    """``value`` as the plain Python value a writer stores for ``kind``; None (NULL) for a
    missing value, NaN included (a NaN would be written as a number, or refused)."""
    if value is None:
        return None
    if kind == REAL:
        value = float(value)
        return None if value != value else value
    if kind == INTEGER:
        return int(value)
    if kind == BOOLEAN:
        return bool(value)
    return str(value)


def plain_values(kind, values):
    """:func:`plain` of every value of a column (a list, or a numpy array of any dtype)."""
    if hasattr(values, "tolist"):
        values = values.tolist()  # numpy scalars become Python numbers first
    return [plain(kind, value) for value in values]
