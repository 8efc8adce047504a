"""Opening a vector file with GDAL for reading only, leaving nothing beside it; closing a
dataset so that a failure of its last writes is seen.

GDAL keeps metadata it cannot store in a file in a side file ``<file>.aux.xml``
(its "persistent auxiliary metadata"). Since GDAL 3.10 closing a GeoPackage
opened read-only can write one, so reading an input would leave a new file
beside it, and reading back an output before publishing it would publish one
more file. Refuge's own reads turn that off.
"""

from contextlib import contextmanager

try:
    from osgeo import gdal
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    gdal = None


@contextmanager
def no_side_files():
    """GDAL writes no ``.aux.xml`` in this block (the setting is restored after)."""
    before = gdal.GetConfigOption("GDAL_PAM_ENABLED")
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    try:
        yield
    finally:
        gdal.SetConfigOption("GDAL_PAM_ENABLED", before)


def open_vector(path):
    """The GDAL dataset of vector file ``path``, read-only (None when GDAL cannot open it).

    Use inside :func:`no_side_files`, up to the dataset's closing.
    """
    try:
        return gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError:  # raised instead of None where the host turned GDAL's exceptions on
        return None


def close_dataset(dataset):
    """Close a GDAL dataset now; False when closing failed.

    GDAL 3.8+ has ``Close()``, which says whether the last writes failed (an exception when the
    bindings' exceptions are on, as in QGIS 3.40); left to the destructor, that exception
    would only be printed ("Exception ignored in delete_Dataset") and the failure lost. Older
    GDAL closes on the last reference and reports through the error handler.
    """
    close = getattr(dataset, "Close", None)  # GDAL 3.8+
    if close is None:
        return True
    try:
        result = close()
    except RuntimeError:
        return False
    return result in (None, 0)
