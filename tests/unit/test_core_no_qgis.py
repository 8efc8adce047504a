"""core/ must never import qgis (directly or through a dependency)."""

import ast
import os
import subprocess
import sys

from conftest import ROOT

CORE = os.path.join(ROOT, "core")


def core_modules():
    for folder, _, files in os.walk(CORE):
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def test_no_core_module_names_qgis_or_qt():
    offenders = []
    for path in core_modules():
        tree = ast.parse(open(path, encoding="utf-8").read(), path)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in ("qgis", "PyQt5", "PyQt6", "processing"):
                    offenders.append(f"{os.path.relpath(path, ROOT)}: {name}")
    assert offenders == []


def test_importing_every_core_module_loads_no_qgis():
    modules = []
    for path in core_modules():
        relative = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
        modules.append("refuge." + relative.removesuffix(".__init__"))
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('qgis', 'PyQt5', 'PyQt6'))\n"
        "print(len(sys.modules)); assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert len(modules) >= 8


def test_the_network_and_the_hazard_do_not_import_exposure():
    """Shared pieces live where both sides find them (core/raster, core/hazard/index.py): the
    network and hazard preparation never reach into core/exposure."""
    offenders = []
    for path in core_modules():
        relative = os.path.relpath(path, CORE)
        if relative.split(os.sep)[0] not in ("network", "hazard", "raster"):
            continue
        for node in ast.walk(ast.parse(open(path, encoding="utf-8").read(), path)):
            if isinstance(node, ast.ImportFrom) and node.module and "exposure" in node.module.split("."):
                offenders.append(f"{relative}: from {'.' * node.level}{node.module}")
    assert offenders == []
