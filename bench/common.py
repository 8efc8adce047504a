"""Helpers shared by the benchmark scripts: machine facts, memory readings, formatting.

The scripts run as ``python bench/<script>.py``, so this folder is on ``sys.path``.
"""

import contextlib
import math
import os
import platform
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def busy_seconds():
    """Busy CPU time of the whole machine since boot (all cores), from /proc/stat."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest is already in user)
    busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields[7] if len(fields) > 7 else 0)
    return busy / os.sysconf("SC_CLK_TCK")


def metres_per_degree(lat):
    phi = math.radians(lat)
    lat_m = 111132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    lon_m = 111412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi)
    return lon_m, lat_m


def gpkg_table(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()[0]


def fmt_n(n):
    return f"{n:,}".replace(",", " ")


def git_revision(folder=ROOT):
    """Commit of the Refuge under test, and whether files outside bench/ differ from it."""
    def git(*args):
        proc = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    if commit is None:
        return "not a git checkout"
    changed = git("status", "--porcelain", "--", ".", ":(exclude)bench")
    return f"commit {commit}" + (", with uncommitted changes outside bench/" if changed else "")


def machine():
    cpu = "?"
    with contextlib.suppress(OSError, StopIteration):
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    ram_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system()) \
        if hasattr(platform, "freedesktop_os_release") else platform.system()
    return f"{os.cpu_count()} cores ({cpu}), {ram_gib:.0f} GiB RAM, {system}"


def peak_reset():
    """Reset this process's peak RSS to its current RSS; False if the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def rss_kib():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def max_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def start_qgis(required=()):
    """A headless QgsApplication with Processing and the native provider.

    With ``required`` algorithm ids, Refuge's provider is loaded too (returns
    (app, plugin): both must stay referenced) and every id is checked.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    registry = QgsApplication.processingRegistry()
    if registry.providerById("native") is None:
        from qgis.analysis import QgsNativeAlgorithms

        registry.addProvider(QgsNativeAlgorithms())
    if not required:
        return app
    import refuge

    plugin = refuge.classFactory(None)
    plugin.initProcessing()
    for algorithm in required:
        if registry.algorithmById(algorithm) is None:
            raise SystemExit(f"{algorithm} is not registered")
    return app, plugin


def write_section(path, text, start_mark, end_mark, new_file=""):
    """Replace the text between a benchmark's markers in ``path``, or append it; the rest is kept.

    A missing file is created with ``new_file`` (a heading) before the section.
    """
    if not path.exists():
        path.write_text((new_file + "\n" if new_file else "") + text + "\n")
        return
    current = path.read_text()
    start, end = current.find(start_mark), current.find(end_mark)
    if start >= 0 and end > start:
        current = current[:start] + text + current[end + len(end_mark):]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(current)
