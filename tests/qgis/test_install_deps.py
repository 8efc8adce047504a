"""The load check (refuge.core.deps): what it covers, and what it reports on fakes of broken installs.

The fakes replace modules in sys.modules (a package set to None cannot be
imported; a module object lacking an attribute is an old release), so each
case is one that users met: pyosmium 3.x that imports but has no osmium.area,
scipy missing, shapely 1.8, numpy 2 under a GDAL built for numpy 1, a shapely
or pyproj wheel bringing its own GEOS or PROJ.
"""

import ast
import importlib
import json
import os
import subprocess
import sys
import types

import pytest
from conftest import ROOT
from refuge.core import deps

CORE = os.path.join(ROOT, "core")


def requirement(package):
    (found,) = [r for r in deps.REQUIREMENTS if r.package == package]
    return found


def problem_of(problems, package):
    found = [p for p in problems if p.package == package]
    assert len(found) == 1, problems
    return found[0]


@pytest.fixture
def fake_modules(monkeypatch):
    """fake(name, module or None): replace ``name`` and hide its submodules for the test."""

    def fake(name, module):
        for loaded in list(sys.modules):
            if loaded == name or loaded.startswith(name + "."):
                monkeypatch.delitem(sys.modules, loaded)
        monkeypatch.setitem(sys.modules, name, module)
        return module

    return fake


def fake_module(name, **attributes):
    module = types.ModuleType(name)
    for key, value in attributes.items():
        setattr(module, key, value)
    return module


# -- What the check covers ---------------------------------------------------------------


def _core_imports_and_names():
    """(third-party modules imported by core/, dotted names of them used), core/deps.py aside."""
    roots = {r.modules[0].split(".")[0] for r in deps.REQUIREMENTS}
    imported, names = set(), set()
    for folder, _, files in os.walk(CORE):
        for file_name in files:
            path = os.path.join(folder, file_name)
            if not file_name.endswith(".py") or path == os.path.join(CORE, "deps.py"):
                continue
            tree = ast.parse(open(path, encoding="utf-8").read(), path)
            alias = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for item in node.names:
                        imported.add(item.name)
                        alias[item.asname or item.name.split(".")[0]] = item.name if item.asname \
                            else item.name.split(".")[0]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    for item in node.names:
                        full = f"{node.module}.{item.name}"
                        imported.add(full if importlib.util.find_spec(node.module) and _is_module(full)
                                     else node.module)
                        alias[item.asname or item.name] = full
                elif isinstance(node, ast.ImportFrom) and node.level:
                    for item in node.names:  # a package re-exported by one of ours (from .graph import scipy)
                        if item.name in roots:
                            alias[item.asname or item.name] = item.name
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute):
                    parts, value = [], node
                    while isinstance(value, ast.Attribute):
                        parts.append(value.attr)
                        value = value.value
                    if not isinstance(value, ast.Name):
                        continue
                    parts = [value.id, *reversed(parts)]
                    if parts[0] in alias:
                        dotted = alias[parts[0]].split(".") + parts[1:]
                    else:  # pbf.osmium.geom.WKBFactory: a package reached through one of our modules
                        at = [i for i, part in enumerate(parts) if i and part in roots]
                        if not at:
                            continue
                        dotted = parts[at[0]:]
                    names.add(".".join(dotted))
                elif isinstance(node, ast.Name) and "." in alias.get(node.id, ""):
                    names.add(alias[node.id])
    third_party = {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names}
    return third_party, {name for name in names if name.split(".")[0] in roots}


def _is_module(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def test_every_module_core_imports_is_checked():
    imported, _ = _core_imports_and_names()
    checked = {module for r in deps.REQUIREMENTS for module in r.modules}
    assert imported - checked == set(), "add them to refuge.core.deps.REQUIREMENTS"
    assert {"scipy.sparse.csgraph", "scipy.spatial", "scipy.optimize", "osmium.area", "osmium.filter",
            "osgeo.gdal_array"} <= checked


def test_every_attribute_core_uses_is_checked():
    """`osmium.FileProcessor` & co.: a new API used by core/ must be listed, so the check tests it."""
    _, names = _core_imports_and_names()
    missing = []
    for name in sorted(names):
        if name.split(".")[0] == "numpy":
            continue  # numpy's API used here is much older than the minimum
        owners = [r for r in deps.REQUIREMENTS if name.split(".")[0] == r.modules[0].split(".")[0]]
        (owner,) = owners
        module = max((m for m in owner.modules if name == m or name.startswith(m + ".")), key=len)
        rest = name[len(module) + 1:]
        if rest and not any(use == f"{module}:{rest}" or use.startswith(f"{module}:{rest}.")
                            for use in owner.uses):
            missing.append(f"{module}:{rest}")
    assert missing == [], "add them to the uses of refuge.core.deps.REQUIREMENTS"


def test_the_environment_of_the_tests_has_no_problem():
    assert deps.check() == []


def test_every_minimum_is_a_version_and_every_hint_says_what_to_install():
    for r in deps.REQUIREMENTS:
        assert deps._version_tuple(r.minimum) and r.install and r.modules, r


# -- Fakes of broken installs --------------------------------------------------------------


def test_pyosmium_3_is_reported_with_the_version_it_needs(fake_modules):
    """Debian 12's python3-pyosmium: osmium 3.6 imports, but has no osmium.area."""
    osmium = fake_modules("osmium", fake_module("osmium", apply=object, NodeLocationsForWays=object))
    osmium.version = fake_modules("osmium.version", fake_module("osmium.version", pyosmium_release="3.6.0"))
    problem = problem_of(deps.check(), "osmium")
    assert "3.6.0" in problem.detail and "4.0" in problem.detail
    assert "osmium" in problem.install and "4.0" in problem.install


def test_pyosmium_without_a_version_is_judged_by_what_it_has(fake_modules):
    """No version to read and no osmium.area: the submodule is named, and the minimum."""
    fake_modules("osmium", fake_module("osmium"))
    problem = problem_of(deps.check(), "osmium")
    assert "osmium.area" in problem.detail and "4.0" in problem.detail


def test_a_missing_attribute_is_named(monkeypatch):
    import osmium

    monkeypatch.delattr(osmium, "OsmFileIterator")
    problem = problem_of(deps.check(), "osmium")
    assert "osmium.OsmFileIterator" in problem.detail and "4.0" in problem.detail


def test_missing_scipy_is_reported_with_what_to_install(fake_modules):
    fake_modules("scipy", None)
    problem = problem_of(deps.check(), "scipy")
    assert "not installed" in problem.detail and "1.6" in problem.detail
    assert "python3-scipy" in problem.install


def test_missing_scipy_submodule_is_reported(fake_modules):
    import scipy

    fake_modules("scipy.optimize", None)
    assert scipy
    problem = problem_of(deps.check(), "scipy")
    assert "scipy.optimize" in problem.detail and "1.6" in problem.detail


def test_shapely_1_is_too_old(fake_modules):
    fake_modules("shapely", fake_module("shapely", __version__="1.8.5"))
    problem = problem_of(deps.check(), "shapely")
    assert "1.8.5" in problem.detail and "2.0" in problem.detail
    assert "GEOS" in problem.install


def test_shapely_of_another_geos_than_the_host():
    problem = problem_of(deps.check("2.0.0-CAPI-1.0"), "shapely")
    assert "GEOS" in problem.detail and "2.0.0" in problem.detail


def test_pyproj_of_another_proj_than_the_host():
    problem = problem_of(deps.check(host_proj_version=(4, 9)), "pyproj")
    assert "PROJ" in problem.detail and "4.9" in problem.detail
    assert "python3-pyproj" in problem.install


def test_numpy_2_under_a_gdal_built_for_numpy_1(fake_modules, monkeypatch):
    """What `pip install --target` without --no-deps did on Debian 12: numpy 2 first on the path."""

    class NumpyAbiFinder:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name == "osgeo.gdal_array":
                raise ImportError("numpy.core.multiarray failed to import")
            return None

    fake_modules("osgeo.gdal_array", None)
    monkeypatch.delitem(sys.modules, "osgeo.gdal_array")
    monkeypatch.setattr(sys, "meta_path", [NumpyAbiFinder(), *sys.meta_path])
    import numpy

    monkeypatch.setattr(numpy, "__version__", "2.2.6")
    problems = deps.check()
    assert problem_of(problems, "GDAL").detail.startswith("cannot import osgeo.gdal_array")
    numpy_problem = problem_of(problems, "numpy")
    assert "2.2.6" in numpy_problem.detail and "python3-numpy" in numpy_problem.install


def test_two_copies_of_geos_are_reported(tmp_path):
    maps = tmp_path / "maps"
    maps.write_text(
        "7f0-7f1 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/libgeos_c.so.1.17.1\n"
        "7f2-7f3 r-xp 0 08:01 2 /home/u/site-packages/shapely.libs/libgeos_c-1e72bdae.so.1.17.4\n"
        "7f4-7f5 r-xp 0 08:01 3 /usr/lib/x86_64-linux-gnu/libproj.so.25.9.1.1\n"
        "7f6-7f7 r-xp 0 08:01 4 /usr/lib/x86_64-linux-gnu/libgeos.so.3.11.1\n", encoding="utf-8")
    if not sys.platform.startswith("linux"):
        pytest.skip("the copies are read from /proc/self/maps on Linux only")
    problems = deps.check(maps=str(maps))
    assert problem_of(problems, "shapely").detail.startswith("two copies of GEOS")
    assert [p for p in problems if p.package == "pyproj"] == []


def test_problems_read_as_package_detail_install():
    problem = deps.Problem("osmium", "not installed", "pyosmium")
    package, detail, install = problem
    assert (package, detail, install) == ("osmium", "not installed", "pyosmium")
    assert problem[0] == "osmium" and problem[1] == "not installed"


def test_dependency_message_is_translated_and_says_what_to_install(qgis_app, monkeypatch):
    from refuge.processing import messages

    monkeypatch.setattr(messages, "tr", lambda text: "[" + text + "]")
    problem = deps.Problem("scipy", "not installed (Refuge needs scipy 1.6 or later)",
                           "scipy (python3-scipy on Debian/Ubuntu)")
    text = messages.dependency_message([problem])
    lines = text.splitlines()
    assert lines[0].startswith("[") and lines[-1].startswith("[")
    assert "scipy" in lines[1] and "1.6" in lines[1] and "python3-scipy" in lines[1]
    assert lines[1].startswith("[")  # the line's sentence is translated too


def test_the_qgis_side_checks_once(qgis_app, monkeypatch):
    from refuge.processing import dependencies

    calls = []
    monkeypatch.setattr(dependencies, "_problems", None)
    monkeypatch.setattr(dependencies.deps, "check", lambda *args: calls.append(args) or [])
    assert dependencies.dependency_problems() == [] and dependencies.dependency_problems() == []
    (args,) = calls
    from qgis.core import Qgis

    assert args[0] == Qgis.geosVersion() and len(args[1]) == 2


# -- The minimum of pyosmium, on the real releases ----------------------------------------


def _check_with(target):
    code = ("import json, sys; from refuge.core import deps; "
            "print(json.dumps([p for p in deps.check() if p.package == 'osmium']))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(target), *sys.path]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _pip_install_osmium(spec, target):
    """`pip install spec` (wheels only) into ``target``; the CompletedProcess."""
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--only-binary", ":all:",
               "--target", str(target), spec]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_pyosmium_minimum_is_enough(tmp_path):
    """pip's osmium==<minimum> has everything the check looks for."""
    done = _pip_install_osmium(f"osmium=={requirement('osmium').minimum}", tmp_path)
    assert done.returncode == 0, done.stderr
    assert _check_with(tmp_path) == []


@pytest.mark.slow
def test_pyosmium_release_before_the_minimum_is_reported(tmp_path):
    """The newest pyosmium below the minimum (3.7.0) is refused, naming the minimum."""
    minimum = requirement("osmium").minimum
    done = _pip_install_osmium(f"osmium<{minimum}", tmp_path)
    if done.returncode != 0 and "No matching distribution" in done.stderr:
        pytest.skip(f"no pyosmium wheel older than {minimum} for Python {sys.version.split()[0]}")
    assert done.returncode == 0, done.stderr
    (problem,) = _check_with(tmp_path)
    assert "too old" in problem[1] and minimum in problem[1], problem
