"""Run vectorised shapely work on every core with threads.

Most shapely 2 functions release Python's lock while GEOS works, so chunks of
one array can run in threads at once. Two rules keep this safe:

- each thread works on its own slice of the input;
- a GEOS *prepared* geometry is never shared between threads (GEOS's lazy
  prepared structures are not thread-safe, libgeos/geos#825). Callers that
  query with predicates pass geometries that nobody has prepared, and each
  query prepares its own inputs.
"""

import os

import numpy as np

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
    """``[function(start, stop) for (start, stop) in bounds]``, in threads when there are several."""
    if len(bounds) <= 1:
        return [function(start, stop) for start, stop in bounds]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(len(bounds), thread_count())) as pool:
        return list(pool.map(lambda edge: function(*edge), bounds))


def elementwise(function, array, min_chunk=20_000):
    """``function(array)`` for an element-wise shapely function, computed in chunks in threads."""
    array = np.asarray(array, dtype=object)
    bounds = chunk_bounds(len(array), min_chunk)
    if len(bounds) == 1:
        return function(array)
    return np.concatenate(map_chunks(lambda start, stop: function(array[start:stop]), bounds))


def background(function):
    """Start ``function()`` in a thread of its own; ``.result()`` of the returned future waits for it."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1)
    future = pool.submit(function)
    pool.shutdown(wait=False)
    return future
