"""Children of a benchmark: their environment, and measured runs under a fresh probe process."""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from harness.load import busy_seconds
from harness.paths import BENCH, ROOT

PROBE = Path(__file__).resolve().parent / "probe.py"


def child_env(pythonpath=True):
    """Environment of a child: our PYTHONPATH made absolute (so that ``refuge`` is found whatever
    the working directory), or none at all: qgis_process must load Refuge from its QGIS profile, as
    a user's QGIS would (scripts/qgis_process adds the .venv's packages itself)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        paths = [str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        paths = paths or [str(ROOT / "build" / "pythonpath")]
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def bench_command(package, *args):
    """argv running one role of a benchmark package in a fresh interpreter, by path (so that the
    checkout's root, whose ``processing/`` would hide QGIS's, never lands on ``sys.path``)."""
    return [sys.executable, str(BENCH / package), *map(str, args)]


def last_json(text):
    """The JSON report a child prints as its last line."""
    return json.loads(text.strip().splitlines()[-1])


def launch(steps, timeout=None, env=None):
    """Run ``steps`` (argv lists, one after the other) under a fresh probe, from the checkout's root.

    Returns the probe's report (see ``harness/probe.py``) with ``ok`` (every step exited with 0),
    ``error`` when not, and ``other_cores``: the CPU other processes used meanwhile, in cores.
    """
    busy = busy_seconds()
    proc = subprocess.run([sys.executable, str(PROBE), json.dumps(steps), str(timeout or 0)],
                          capture_output=True, text=True, env=env or child_env(), cwd=ROOT)
    if proc.returncode != 0:
        return {"ok": False, "error": f"probe exited with {proc.returncode}: {proc.stderr[-2000:]}"}
    report = last_json(proc.stdout)
    own = report["user_seconds"] + report["sys_seconds"]
    report["other_cores"] = max(0.0, (busy_seconds() - busy - own) / max(report["seconds"], 1e-9))
    report["ok"] = not report.get("timeout") and report["returncode"] == 0
    if report.get("timeout"):
        report["error"] = f"did not finish within {timeout} s"
    elif report["returncode"] != 0:
        report["error"] = (f"exited with {report['returncode']}: "
                           + (report["stderr"].strip() or report["stdout"].strip())[-3000:])
    return report


def summarize_runs(reports, key="seconds"):
    """Median time, every run's time, the largest peak (MiB), the largest other load and the median
    CPU times of a case's probe reports; None if any run failed."""
    ok = [r for r in reports if r.get("ok")]
    if not ok or len(ok) != len(reports):
        return None
    return {"seconds": statistics.median(r[key] for r in ok), "runs": [r[key] for r in ok],
            "peak_mib": max(r["peak_kib"] for r in ok) / 1024,
            "other_cores": max(r.get("other_cores", 0.0) for r in ok),
            "user_seconds": statistics.median(r["user_seconds"] for r in ok),
            "sys_seconds": statistics.median(r["sys_seconds"] for r in ok)}
