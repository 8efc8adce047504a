"""The machine and the versions every section states, so that its figures can be compared."""

import contextlib
import os
import platform
import subprocess

from harness.paths import ROOT


def machine():
    """Cores, CPU model, RAM and system of this machine, in one line."""
    cpu = "?"
    with contextlib.suppress(OSError, StopIteration):
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    ram_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system()) \
        if hasattr(platform, "freedesktop_os_release") else platform.system()
    return f"{os.cpu_count()} cores ({cpu}), {ram_gib:.0f} GiB RAM, {system}"


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


def refuge_version(folder=ROOT):
    """Version of the Refuge in ``folder``, from its metadata.txt (the single source)."""
    metadata = (folder / "metadata.txt").read_text().splitlines()
    return next((line.split("=", 1)[1] for line in metadata if line.startswith("version=")), "?")


def qgis_version(version_text):
    """QGIS's version from the text of ``qgis_process --version``."""
    line = next((line for line in version_text.splitlines() if line.startswith("QGIS ")), "QGIS ?")
    return line.split()[1]


def first_line(argv):
    """First line a command prints (stdout and stderr), or "not found"."""
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError:
        return "not found"
    return proc.stdout.decode(errors="replace").strip().splitlines()[0]


def python_version():
    return platform.python_version()


def shapely_with_geos():
    import shapely

    return f"{shapely.__version__} (GEOS {'.'.join(map(str, shapely.geos_version))})"


def load_average():
    """1-minute load average, stated at the start and the end of a long benchmark."""
    return os.getloadavg()[0]
