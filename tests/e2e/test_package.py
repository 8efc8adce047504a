"""`make package` builds a zip valid for the plugin repository, and it works."""

import configparser
import os
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT
from osgeo import ogr
from qgis_process_helper import make_profile, qgis_process, run_json

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def package():
    completed = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "package.py")],
                               capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip().splitlines()[-1]


def test_zip_layout(package):
    from refuge import plugin_version

    assert os.path.basename(package) == f"refuge-{plugin_version()}.zip"
    names = zipfile.ZipFile(package).namelist()
    assert all(name.startswith("refuge/") for name in names)
    for required in ("refuge/__init__.py", "refuge/metadata.txt", "refuge/LICENSE",
                     "refuge/i18n/refuge_fr.qm", "refuge/resources/icons/refuge.svg",
                     "refuge/processing/provider.py", "refuge/core/osm/extract.py"):
        assert required in names
    forbidden = ("refuge/tests/", "refuge/bench/", "refuge/build/", "refuge/.git", "refuge/scripts/",
                 "refuge/.ci/", "__pycache__", ".pyc")
    assert not [n for n in names if any(f in n for f in forbidden)]


def test_metadata_has_every_required_field(package):
    metadata = zipfile.ZipFile(package).read("refuge/metadata.txt").decode("utf-8")
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(metadata)
    general = parser["general"]
    for field in ("name", "description", "about", "version", "qgisMinimumVersion",
                  "qgisMaximumVersion", "author", "email", "repository", "tracker", "homepage",
                  "tags", "category", "icon", "hasProcessingProvider"):
        assert general.get(field), field
    assert general["qgisMinimumVersion"] == "3.22"
    assert general["qgisMaximumVersion"] == "4.99"
    assert general["hasProcessingProvider"] == "yes"
    assert "shapely" in general["about"] and "osmium" in general["about"]
    assert f"refuge/{general['icon']}" in zipfile.ZipFile(package).namelist()


def test_installed_zip_loads_and_runs_under_qgis_process(package, tmp_path, monaco_pbf):
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(package).extractall(unpacked)
    profile = make_profile(str(tmp_path / "profile"), str(unpacked / "refuge"))
    alone = {"PYTHONPATH": ""}  # as a user's QGIS: the checkout's refuge (build/pythonpath) out of sight
    listed = qgis_process("list", config=profile, extra_env=alone)
    assert "refuge:osm_extract_pbf" in listed.stdout, listed.stderr + _why_not_loaded(unpacked)
    output = tmp_path / "shelters.gpkg"
    results, completed = run_json("refuge:osm_extract_pbf",
                                  {"INPUT": monaco_pbf, "THEMES": [3], "OUTPUT": str(output)},
                                  config=profile, extra_env=alone)
    assert results is not None, completed.stdout + completed.stderr
    dataset = ogr.Open(str(output))
    assert dataset.GetLayerByName("shelters").GetFeatureCount() > 0
    assert dataset.GetLayerByName("buildings") is None


def _why_not_loaded(unpacked):
    """The traceback of loading the unpacked plugin as QGIS does (qgis_process only says "error
    starting plugin")."""
    script = (f"import sys; sys.path.insert(0, {str(unpacked)!r})\n"
              "from qgis.core import QgsApplication\n"
              "app = QgsApplication([], False); app.initQgis()\n"
              "import refuge; print(refuge.__file__)\n"
              "plugin = refuge.classFactory(None); plugin.initProcessing()\n"
              "print([a.id() for a in plugin.provider.algorithms()])\n")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=""), cwd=str(unpacked), timeout=300)
    return f"\nloading it by hand:\n{completed.stdout}{completed.stderr}"
