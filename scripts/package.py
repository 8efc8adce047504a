"""Build dist/refuge-<version>.zip for the QGIS plugin repository.

The zip holds one top folder ``refuge/`` with the tracked plugin files, the
compiled translations (.qm) and LICENSE; never tests, bench, build, scripts,
CI files or caches.
"""

import os
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXCLUDED_DIRS = ("tests/", "bench/", "build/", "dist/", "scripts/", ".ci/", ".venv/")
EXCLUDED_FILES = {".gitignore", "Makefile", "pyproject.toml", "requirements-dev.txt"}


def version():
    with open(os.path.join(ROOT, "metadata.txt"), encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("version="):
                return line.split("=", 1)[1].strip()
    raise SystemExit("metadata.txt has no version")


def plugin_files():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.split("\n")
    files = [f for f in tracked if f and not f.startswith(EXCLUDED_DIRS)
             and f not in EXCLUDED_FILES and "__pycache__" not in f]
    compiled = [os.path.join("i18n", f) for f in os.listdir(os.path.join(ROOT, "i18n"))
                if f.endswith(".qm")]
    if not compiled:
        raise SystemExit("no compiled translations in i18n/: run 'make translations' first")
    return sorted(set(files + compiled))


def main():
    target = os.path.join(ROOT, "dist", f"refuge-{version()}.zip")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    temporary = target + ".tmp"
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in plugin_files():
            archive.write(os.path.join(ROOT, name), f"refuge/{name}")
    os.replace(temporary, target)
    print(target)
    return target


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
