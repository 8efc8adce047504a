"""Copies of an input file that an output starts from, made in the background.

An output that is an input plus result columns (see :mod:`.joined`) starts as a
copy of the input file: a one-layer GeoPackage is copied page by page by SQLite
(its spatial index included), anything else by GDAL. Both work without Python's
lock, so the copy is started as soon as the input is known and runs while the
input is read and analysed. A copy nobody takes (the run failed or was canceled)
is deleted: at once inside :func:`input_copies_discarded_on_error`, else when
its :class:`PendingCopy` is garbage collected.
"""

import dataclasses
import os
import sqlite3
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from . import staging
from .gdalread import close_dataset, no_side_files, open_vector
from .sqlite import connect_read_only, primary_keys

try:
    from osgeo import gdal
except ImportError:  # pragma: no cover - reported by the dependency check
    gdal = None

TEMPORARY_SUFFIX = ".refuge-tmp.gpkg"

_SCOPES = threading.local()


@dataclasses.dataclass
class RunScope:
    copies: list = dataclasses.field(default_factory=list)  # PendingCopy objects started


@contextmanager
def input_copies_discarded_on_error():
    """In this block, input copies started for outputs (see :class:`PendingCopy`) that no writer
    took are deleted as soon as the block fails, without waiting for the garbage collector."""
    stack = _SCOPES.__dict__.setdefault("stack", [])
    scope = RunScope()
    stack.append(scope)
    try:
        yield
    except BaseException:
        for copy in scope.copies:
            copy.discard()
        raise
    finally:
        stack.pop()


def _current_scope():
    stack = getattr(_SCOPES, "stack", None)
    return stack[-1] if stack else None


class PendingCopy:
    """An input file being copied, in a background thread, to the temporary file of an output.

    :meth:`result` waits for it. A copy nobody takes (the algorithm failed or
    was canceled) is deleted once this object is garbage collected.
    """

    def __init__(self, path, layer_name, destination):
        self.destination = destination
        self.temporary = destination + TEMPORARY_SUFFIX
        remove_temporary(self.temporary)
        table = os.path.splitext(os.path.basename(destination))[0]
        executor = ThreadPoolExecutor(1)
        self._future = executor.submit(copy_source, path, layer_name, table, self.temporary)
        executor.shutdown(wait=False)
        self._finalizer = weakref.finalize(self, _discard_copy, self._future, self.temporary)
        self._taken = False
        scope = _current_scope()
        if scope is not None:
            scope.copies.append(self)

    def result(self):
        """(table, fid column) of the finished copy; raises what the copy raised."""
        self._finalizer.detach()
        self._taken = True
        try:
            return self._future.result()
        except BaseException as exc:
            remove_temporary(self.temporary)
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise staging.output_error(self.destination, exc) from exc
            raise

    def discard(self):
        """Wait for the copy and delete it, unless a writer took it."""
        if not self._taken:
            self._finalizer.detach()
            _discard_copy(self._future, self.temporary)


def _discard_copy(future, temporary):
    try:
        future.result()
    except Exception:  # noqa: BLE001 - the copy is being thrown away anyway
        pass
    remove_temporary(temporary)


def remove_temporary(temporary):
    """Delete an SQLite file and the journals SQLite may have left beside it."""
    for leftover in (temporary, temporary + "-wal", temporary + "-shm", temporary + "-journal"):
        if os.path.exists(leftover):
            os.unlink(leftover)


def copy_source(path, layer_name, table, temporary):
    """(table, fid column) of a GeoPackage ``temporary`` holding a copy of the input layer.

    A one-layer GeoPackage is copied page by page; anything else by GDAL into
    a layer named ``table``. A GeoPackage source keeps its fids (as the
    feature-sink path keeps its fid column); other sources are numbered 1..n
    in reading order, the order of the arrays read from them.
    """
    with no_side_files():
        dataset = open_vector(path)
        is_gpkg = dataset.GetDriver().ShortName == "GPKG"
        dataset = None
    copied_table = copy_single_layer_geopackage(path, layer_name, temporary) if is_gpkg else None
    if copied_table is not None:
        return copied_table
    options = gdal.VectorTranslateOptions(
        format="GPKG", layers=[layer_name] if layer_name else None, layerName=table,
        options=[] if is_gpkg else ["-unsetFid"])
    copied = gdal.VectorTranslate(temporary, path, options=options)
    if copied is None:
        raise OSError(f"GDAL could not copy {path}: {gdal.GetLastErrorMsg()}")
    fid_column = copied.GetLayerByName(table).GetFIDColumn() or "fid"  # a GeoPackage keeps its own
    closed = close_dataset(copied)  # GDAL finishes the file (and its spatial index) here
    copied = None
    if not closed:
        raise OSError(f"GDAL could not finish the copy of {path}: {gdal.GetLastErrorMsg()}")
    return table, fid_column


def copy_single_layer_geopackage(path, layer_name, temporary):
    """(table, fid column) after copying a one-layer GeoPackage source page by page, else None.

    The copy keeps the source's spatial index, which GDAL would otherwise rebuild
    row by row (most of the time of a GDAL copy of a million features). Sources
    with other tables are copied by GDAL instead, so that the output holds one layer.
    """
    source = connect_read_only(path)
    try:
        tables = [row[0] for row in source.execute("SELECT table_name FROM gpkg_contents")]
        if len(tables) != 1 or (layer_name and tables[0] != layer_name):
            return None
        table = tables[0]
        keys = primary_keys(source, table)
        if len(keys) != 1:
            return None
        target = sqlite3.connect(temporary)
        try:
            source.backup(target)
            # The source's default style and metadata describe the source, not this output.
            names = {row[0] for row in target.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "layer_styles" in names:
                target.execute("DELETE FROM layer_styles")
            target.commit()
        finally:
            target.close()
    finally:
        source.close()
    return table, keys[0]
