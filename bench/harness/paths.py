"""Folders every benchmark refers to; the benchmarks run as ``python bench/<name>``."""

from pathlib import Path

BENCH = Path(__file__).resolve().parents[1]
ROOT = BENCH.parent
RESULTS = BENCH / "RESULTS.md"
WORK = BENCH / "work"
QGIS_PROCESS = ROOT / "scripts" / "qgis_process"
# Data shared between the projects' checkouts, beside this one (kept by relative path).
SHARED_DATA = (ROOT / ".." / "shared" / "data").resolve()
