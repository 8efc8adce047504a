"""Other processes' load, measured blocks, and the one rule for waiting until the machine is idle.

Load comes from ``/proc/stat``: the busy CPU time of the whole machine minus this process's and
its reaped children's, over the wall time, in cores. A run during which other processes used
more than ``DISTURBED_CORES`` is less reliable; the benchmarks that redo such runs use this
threshold.
"""

import os
import resource
import sys
import time

from harness.memory import max_rss_kib, peak_reset, rss_kib, trim_memory

DISTURBED_CORES = 0.3  # other processes' load above which a run is disturbed
IDLE_WINDOW_S = 10.0
IDLE_WINDOWS = 3  # in a row: 30 s


def busy_seconds():
    """Busy CPU time of the whole machine since boot (all cores), from /proc/stat."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest is already in user)
    busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields[7] if len(fields) > 7 else 0)
    return busy / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    """CPU seconds of this process and of its children that have been waited for."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


class OtherLoad:
    """Average number of cores used by *other* processes during a block."""

    def start(self):
        self.busy, self.own, self.wall = busy_seconds(), own_cpu_seconds(), time.perf_counter()
        return self

    def cpu_seconds(self):
        """CPU time of this process and its reaped children since ``start``."""
        return own_cpu_seconds() - self.own

    def cores(self):
        wall = time.perf_counter() - self.wall
        other = (busy_seconds() - self.busy) - self.cpu_seconds()
        return max(0.0, other / wall) if wall > 0 else 0.0


def wait_idle(limit_s):
    """Wait, at most ``limit_s`` seconds, until the machine is idle; True if it became idle.

    The one rule of every benchmark: idle means that other processes (see :class:`OtherLoad`)
    used under ``DISTURBED_CORES`` cores on average over ``IDLE_WINDOWS`` windows of
    ``IDLE_WINDOW_S`` seconds in a row (30 s). One quiet window alone could be a pause between
    two test files; 30 s of quiet is a machine whose other work has ended. When the limit
    passes first, the benchmark runs anyway and says so.
    """
    deadline, quiet, cores = time.monotonic() + limit_s, 0, 0.0
    while True:
        load = OtherLoad().start()
        time.sleep(IDLE_WINDOW_S)
        cores = load.cores()
        quiet = quiet + 1 if cores < DISTURBED_CORES else 0
        if quiet >= IDLE_WINDOWS:
            return True
        if time.monotonic() > deadline:
            print(f"machine still busy ({cores:.2f} other cores) after {limit_s:g} s: running anyway",
                  file=sys.stderr, flush=True)
            return False
        if quiet == 0:
            print(f"waiting for the machine to be idle ({cores:.2f} other cores busy)", flush=True)


class Measure:
    """Wall time, peak RSS and other processes' load of a block run inside this process.

    ``with Measure() as m: ...``, then ``m.seconds``, ``m.peak_kib`` (peak RSS during the block,
    exact when the kernel let the peak be reset first, ``m.exact``), ``m.start_kib`` (RSS at the
    start), ``m.other_cores`` and ``m.cpu_seconds`` (this process's and its children's).
    """

    def __enter__(self):
        trim_memory()
        self.reset = peak_reset()
        self.start_kib = rss_kib()
        self.before_max = max_rss_kib()
        self.load = OtherLoad().start()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.other_cores = self.load.cores()
        self.cpu_seconds = self.load.cpu_seconds()
        self.peak_kib = max_rss_kib()
        # Without a reset, the peak is only known if this block raised it.
        self.exact = self.reset or self.peak_kib > self.before_max
        return False

    def record(self):
        """The figures of the block as a dict, as the benchmarks keep them per run."""
        return {"seconds": self.seconds, "peak_kib": self.peak_kib, "start_kib": self.start_kib,
                "exact": self.exact, "other_cores": self.other_cores}
