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
