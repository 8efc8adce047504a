"""Run commands one after the other and print, as JSON, their time and their own peak memory.

Started as a fresh process for every single measured run (``harness.processes.launch``):
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is a maximum, not a sum, so reading it in one long-lived
process would let a big earlier case hide a smaller later one, and a process started straight
from a big one inherits that process's peak as its own ``ru_maxrss`` (Linux carries the
high-water mark over ``exec``; fork and vfork start from the parent's memory). This probe imports
only the standard library and its own memory is not part of RUSAGE_CHILDREN, so the figure is the
largest process among the commands and their children.

Usage: ``python probe.py STEPS_JSON [TIMEOUT_S]``, STEPS_JSON a list of argv lists; a timeout of 0
or none means no limit (it applies to each step).
"""

import json
import resource
import subprocess
import sys
import time

STDOUT_CHARS = 200_000  # the last line is the child's JSON report; the rest is context
STDERR_CHARS = 5000


def run_steps(steps, timeout):
    report = {"returncode": 0, "stdout": "", "stderr": ""}
    started = time.perf_counter()
    for argv in steps:
        try:
            proc = subprocess.run(argv, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:  # the child is killed by subprocess.run
            report.update(timeout=True, returncode=None, failed_argv=argv)
            break
        # Only the last step's output is kept: the child's JSON report, or the version text.
        report["stdout"] = proc.stdout.decode(errors="replace")[-STDOUT_CHARS:]
        report["stderr"] = proc.stderr.decode(errors="replace")[-STDERR_CHARS:]
        if proc.returncode != 0:
            report.update(returncode=proc.returncode, failed_argv=argv)
            break
    report["seconds"] = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report["peak_kib"] = usage.ru_maxrss  # KiB on Linux
    # CPU time shows what wall time hides: threads (more CPU than wall time)
    # and time spent in the kernel, e.g. to provide freshly allocated memory.
    report["user_seconds"], report["sys_seconds"] = usage.ru_utime, usage.ru_stime
    return report


if __name__ == "__main__":
    limit = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    print(json.dumps(run_steps(json.loads(sys.argv[1]), limit if limit > 0 else None)))
