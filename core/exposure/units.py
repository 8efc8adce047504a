"""Exposure per aggregation unit: the per-unit tables, the columns of the units output, the summary rows.

Every table is an array ``[unit, class code]`` (see
:func:`~.analysis.summary_by_unit`) whose last row holds what lies outside
every unit, so that each column adds up to the class total of the summary.
Units without a geometry (listed in the rejects) hold nothing and get no row.
"""

from dataclasses import dataclass, field

from ..hazard.definitions import CLASS_BY_CODE, CLASSES

# (table, column prefix) of the units output, in column order; a table is there when its layer was given.
UNIT_COLUMNS = (("buildings", "bldg"), ("buildings_m2", "bldg_m2"), ("population", "pop"),
                ("facilities", "fac"), ("roads_m", "road_m"))


@dataclass
class UnitTables:
    """The per-unit tables of a run, by table name (see UNIT_COLUMNS)."""

    names: list  # unit name by unit index (None for a NULL name)
    tables: dict = field(default_factory=dict)  # {table name: array [unit_count + 1, class code]}
    skip: frozenset = frozenset()  # indices of units without geometry

    def present(self):
        """[(table, prefix)] of the tables present, in the units output's column order."""
        return [(table, prefix) for table, prefix in UNIT_COLUMNS if table in self.tables]

    def column_names(self):
        """Names of the numeric columns of the units output: ``bldg_not_exposed``, ..., ``road_m_high``."""
        return [f"{prefix}_{c.key}" for _, prefix in self.present() for c in CLASSES]

    def values(self, position):
        """The numbers of unit ``position`` for :meth:`column_names`, as floats."""
        return [float(v) for table, _ in self.present() for v in self.tables[table][position]]

    def rows(self, outside_label):
        """Summary-table rows per unit and class (see :mod:`.features`), then ``outside_label``'s.

        One row per exposure type present: buildings (count, footprint area,
        people), or population alone for a population raster without buildings,
        facilities (count) and roads (length).
        """
        rows = []
        for position, name in enumerate(list(self.names) + [outside_label]):
            if position in self.skip:
                continue
            for column, code in enumerate(CLASS_BY_CODE):
                rows.extend(self._rows_of(position, name, column, code))
        return rows

    def _rows_of(self, position, name, column, code):
        def value(table):
            return float(self.tables[table][position][column]) if table in self.tables else None

        rows = []
        if "buildings" in self.tables:
            rows.append(["buildings", name, code, value("buildings"), value("buildings_m2"), None,
                         value("population")])
        elif "population" in self.tables:  # a population raster without buildings
            rows.append(["population", name, code, None, None, None, value("population")])
        if "facilities" in self.tables:
            rows.append(["facilities", name, code, value("facilities"), None, None, None])
        if "roads_m" in self.tables:
            rows.append(["roads", name, code, None, None, value("roads_m"), None])
        return rows
