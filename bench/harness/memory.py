"""Memory readings of the benchmark's own process (Linux), for cases run inside it."""

import contextlib
import ctypes
import gc
import resource


def _status_kib(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def rss_kib():
    """Current resident set size (VmRSS)."""
    return _status_kib("VmRSS:")


def vm_hwm_kib():
    """Peak RSS of this process's own memory since exec (VmHWM), as a cross-check."""
    return _status_kib("VmHWM:")


def max_rss_kib():
    """This process's peak RSS as ``getrusage`` reports it (``ru_maxrss``, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_reset():
    """Reset this process's peak RSS to its current RSS (``echo 5 > /proc/self/clear_refs``,
    Linux >= 4.0), so that the next ``ru_maxrss`` is the peak of what follows; False if the
    kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def trim_memory():
    """Give freed memory back to the system so that the next case starts lower."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
