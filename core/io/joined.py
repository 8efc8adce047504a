"""A GeoPackage output made of an input file plus result columns, written by SQL.

Writing features one by one through a feature sink costs seconds per 100,000
buildings, far more than the analysis. When an input was read from its file and
its output is a GeoPackage, the output starts as a copy of the input file
(:mod:`.copies`), the result columns are added with ``ALTER TABLE`` and filled
with bulk ``UPDATE``s, block by block, in a thread of the writer's own.
"""

import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from typing import Optional, Protocol, Sequence

import numpy as np

from . import staging
from .columns import BOOLEAN, INTEGER, REAL, TEXT, unique_names
from .copies import PendingCopy, remove_temporary
from .sqlite import quote, register_gpkg_functions, sql_values

SQL_TYPES = {INTEGER: "INTEGER", REAL: "REAL", TEXT: "TEXT", BOOLEAN: "BOOLEAN"}


class CopiedInput(Protocol):
    """What a joined output needs of the input it copies (the GDAL reader gives it).

    ``fids``: the input's feature ids in reading order; ``is_gpkg``: a GeoPackage
    keeps them in the copy, other files are numbered 1..n in reading order.
    ``pending_copy``: a copy already started for an output (taken by the writer).
    """

    path: str
    layer_name: Optional[str]
    is_gpkg: bool
    fids: np.ndarray
    field_names: Sequence[str]
    pending_copy: Optional[PendingCopy]

    def __len__(self) -> int: ...


def write_joined(arrays, destination, positions, columns):
    """Copy ``arrays``' source file to ``destination`` (GeoPackage) with extra columns.

    ``positions``: the source rows kept, in order; the others (features without
    geometry, reported apart) are not written. ``columns``: [(name, kind,
    values)] with one value per kept row; kinds of :data:`SQL_TYPES`. Names
    clashing with source fields get a ``refuge_`` prefix. Written to a
    temporary file first (the copy the reader may have started), then moved
    into place.
    """
    writer = JoinedWriter(arrays, destination, [(name, kind) for name, kind, _ in columns])
    try:
        writer.write(positions, {name: values for name, _, values in columns})
        return writer.close()
    except BaseException:
        writer.discard()
        raise


class JoinedWriter:
    """A GeoPackage output made of an input file plus result columns, filled block by block.

    The input (a :class:`CopiedInput`) is copied to a temporary file (or the
    copy already started is taken), the columns are added, and each
    :meth:`write` updates its rows, all in one thread of the writer's own: the
    caller goes on computing the next block meanwhile (sqlite works without
    Python's lock). :meth:`close` waits, deletes the input rows no block wrote
    (features without geometry, reported apart), and moves the file into place;
    :meth:`discard` throws it away. ``columns``: [(name, kind)], kinds of
    :data:`SQL_TYPES`; names clashing with source fields get a ``refuge_``
    prefix. Columns no block sets stay null.
    """

    def __init__(self, arrays: CopiedInput, destination, columns):
        pending = getattr(arrays, "pending_copy", None)
        if pending is None or pending.destination != destination:
            pending = PendingCopy(arrays.path, arrays.layer_name, destination)
        arrays.pending_copy = None
        self.destination = destination
        # What the writer needs of the input, not its arrays: those are freed once analysed.
        self._field_names = list(arrays.field_names)
        self._fids = arrays.fids if arrays.is_gpkg else np.arange(1, len(arrays) + 1)
        self._pending = pending
        self._kinds = dict(columns)
        self._written = []
        self._connection = None
        self._failed = None  # the first error of the writer's thread, or "discarded"
        self._closed = False
        self._executor = ThreadPoolExecutor(1)  # one thread: the sqlite connection lives in it
        self._executor.submit(self._open, [name for name, _ in columns])

    def write(self, positions, values):
        """Set ``values`` ({column name: one value per position}) on the rows at ``positions``.

        Returns at once; the update runs after the blocks written before it.
        """
        positions = np.asarray(positions, dtype=np.int64)
        self._written.append(positions)
        self._executor.submit(self._update, positions, dict(values))

    def close(self):
        """Wait for every block, finish the file and move it to its destination; returns its path.

        The destination of a Refuge algorithm's output is itself staged: the
        run guard publishes it with the run's other outputs (see
        :mod:`refuge.core.io.staging`). Raises what a block's update raised (the
        temporary file is then deleted).
        """
        try:
            self._executor.submit(self._finish).result()
        except BaseException as exc:
            self.discard()
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise staging.output_error(self.destination, exc) from exc
            raise
        self._executor.shutdown()
        self._closed = True
        os.replace(self._pending.temporary, self.destination)
        return self.destination

    def discard(self):
        """Stop after the block being written and delete the temporary file (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._failed = self._failed or "discarded"
        try:
            self._executor.submit(self._close_connection).result()
        except Exception:  # noqa: BLE001 - the file is being thrown away anyway
            pass
        self._executor.shutdown()
        remove_temporary(self._pending.temporary)

    # -- in the writer's thread -----------------------------------------------------------------

    def _open(self, columns):
        try:
            self._open_copy(columns)
        except BaseException as exc:
            self._failed = exc
            raise

    def _open_copy(self, columns):
        self._table, fid_column = self._pending.result()
        names = list(columns)
        self._names = dict(zip(names, unique_names(names, [*self._field_names, fid_column])))
        self._quoted = quote(self._table)
        self._fid = quote(fid_column)
        connection = sqlite3.connect(self._pending.temporary)
        self._connection = connection
        register_gpkg_functions(connection)
        # A private temporary copy, moved into place only when complete: no journal needed.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        for name, unique in self._names.items():
            connection.execute(f"ALTER TABLE {self._quoted} ADD COLUMN {quote(unique)} "
                               f"{SQL_TYPES[self._kinds[name]]}")
        # The table's triggers keep its R-tree (and GDAL's feature count) in step with changes to
        # geometries, fids and rows; the updates below only fill the new columns, yet an UPDATE
        # on a table with triggers costs half as much again per row. They are set aside until the
        # updates are done (the file is private until then) and put back exactly as they were.
        self._triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (self._table,)).fetchall()
        for name, _ in self._triggers:
            connection.execute(f"DROP TRIGGER {quote(name)}")

    def _update(self, positions, values):
        if self._failed:
            return
        try:
            kept = self._fids[positions]
            # New columns start null: only columns holding a value are set.
            bound, assigned = [], []
            for name, data in values.items():
                column = sql_values(self._kinds[name], data)
                if any(value is not None for value in column):
                    bound.append(column)
                    assigned.append(f"{quote(self._names[name])} = ?")
            if assigned:
                self._connection.executemany(
                    f"UPDATE {self._quoted} SET {', '.join(assigned)} WHERE {self._fid} = ?",
                    zip(*bound, kept.tolist()))
        except BaseException as exc:
            self._failed = exc
            raise

    def _finish(self):
        if self._failed is not None:
            raise self._failed if isinstance(self._failed, BaseException) else RuntimeError(self._failed)
        for _, sql in self._triggers:
            self._connection.execute(sql)
        written = np.concatenate(self._written) if self._written else np.zeros(0, dtype=np.int64)
        dropped = np.setdiff1d(self._fids, self._fids[np.unique(written)])
        if len(dropped):
            self._connection.executemany(f"DELETE FROM {self._quoted} WHERE {self._fid} = ?",
                                         ((int(f),) for f in dropped))
        self._connection.commit()
        self._close_connection()

    def _close_connection(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None
