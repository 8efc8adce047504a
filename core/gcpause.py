"""Python's cyclic garbage collector paused during array work.

Every 700 new container objects the collector runs, and now and then it walks
every object of the process. Building 100,000 shapely geometries triggers it
hundreds of times; inside QGIS, whose process holds many Python objects, that
doubles the time of ``shapely.from_wkb`` or ``point_on_surface``. Memory freed
by reference counting is still freed while the collector is paused; cycles
left behind are collected once it runs again.
"""

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    """Pause the collector in this block (it is left as found: a nested or disabled one stays off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
