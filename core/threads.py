"""Run vectorised shapely work on every core with threads.

Most shapely 2 functions release Python's lock while GEOS works, so chunks of
one array can run in threads at once. One rule keeps this safe: **no GEOS
geometry is used by two threads at once**, not even to read it. GEOS caches
facts about a geometry on first use, without locking: its envelope (lazily
before GEOS 3.12, libgeos/geos#824; still for collections after), the indexes
of a prepared geometry (libgeos/geos#825). Two threads filling the same cache
race, and one of them may read an envelope being replaced: a building then
silently misses the zone it touches. So:

- each thread works on its own slice of the input (:func:`elementwise`,
  :func:`chunk_bounds`);
- geometries every thread needs (hazard zones, units) are given to each thread
  as its own copy (:func:`private_copies`);
- no work on an array runs in a thread while another thread uses that array.
"""

import os

import numpy as np

try:
    import shapely
except ImportError:  # pragma: no cover - reported by refuge.core.deps
    shapely = None

MAX_THREADS = 4


def thread_count():
    """Threads worth starting here: the cores this process may use, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_THREADS, cores))


def chunk_bounds(count, min_chunk, pieces_per_thread=1):
    """(start, stop) slices cutting ``count`` items into one or more chunks.

    One chunk when the work is small (below ``2 * min_chunk``) or there is one
    core; otherwise ``thread_count() * pieces_per_thread`` chunks of at least
    ``min_chunk`` items (more pieces per thread even out uneven work).
    """
    threads = thread_count()
    pieces = min(threads * pieces_per_thread, count // max(1, min_chunk))
    if threads == 1 or pieces < 2:
        return [(0, count)]
    edges = np.linspace(0, count, pieces + 1).astype(np.int64)
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def map_chunks(function, bounds):
    """``[function(index, start, stop) for index, (start, stop) in enumerate(bounds)]``.

    In threads when there are several chunks, at most one chunk per thread at
    a time: ``index`` may pick a thread's private copy of shared inputs.
    """
    if len(bounds) <= 1:
        return [function(index, start, stop) for index, (start, stop) in enumerate(bounds)]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(bounds)) as pool:
        return list(pool.map(lambda item: function(item[0], *item[1]), enumerate(bounds)))


def elementwise(function, array, min_chunk=20_000):
    """``function(array)`` for an element-wise shapely function, computed in chunks in threads."""
    array = np.asarray(array, dtype=object)
    bounds = chunk_bounds(len(array), min_chunk)
    if len(bounds) == 1:
        return function(array)
    return np.concatenate(map_chunks(lambda _, start, stop: function(array[start:stop]), bounds))


def private_copies(geometries, count):
    """``count`` equal arrays of ``geometries``: the array itself, then deep copies (via WKB).

    Give copy *i* to thread *i* only: see the module's rule.
    """
    geometries = np.asarray(geometries, dtype=object)
    return [geometries] + [shapely.from_wkb(shapely.to_wkb(geometries)) for _ in range(count - 1)]
