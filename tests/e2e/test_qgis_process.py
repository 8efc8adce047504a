"""refuge:osm_extract_pbf through the real qgis_process binary, on real extracts.

Library clashes between QGIS's own GEOS/GDAL/PROJ and Python wheels appear
only here, never in plain pytest.
"""

import os
import subprocess

import pytest
from conftest import ROOT
from osgeo import ogr
from osm_reference import reference
from qgis_process_helper import make_profile, qgis_process, run_json

pytestmark = pytest.mark.slow

THEME_OUTPUTS = ("BUILDINGS", "ROADS", "FACILITIES", "SHELTERS", "WATERWAYS", "WATER_AREAS",
                 "BOUNDARIES")


def layer_ids(path, layer_name):
    dataset = ogr.Open(path)
    return [(f.GetField("osm_type"), f.GetField("osm_id"))
            for f in dataset.GetLayerByName(layer_name)]


def reject_ids(path, theme):
    dataset = ogr.Open(path)
    return [(f.GetField("osm_type"), f.GetField("osm_id"))
            for f in dataset.GetLayerByName("rejects") if f.GetField("theme") == theme]


def test_algorithm_is_listed():
    completed = qgis_process("list")
    assert completed.returncode == 0, completed.stderr
    assert "refuge:osm_extract_pbf" in completed.stdout


@pytest.mark.parametrize("pbf_fixture", ["monaco_pbf", "seychelles_pbf"])
def test_every_theme_matches_independent_count(pbf_fixture, request, tmp_path):
    pbf = request.getfixturevalue(pbf_fixture)
    output = str(tmp_path / "out.gpkg")
    results, completed = run_json("refuge:osm_extract_pbf", {"INPUT": pbf, "OUTPUT": output})
    assert results is not None, completed.stdout + completed.stderr
    ref = reference(pbf)
    for name in THEME_OUTPUTS:
        theme = name.lower()
        assert results["results"][name] == f"{output}|layername={theme}"
        extracted = layer_ids(output, theme)
        rejected = reject_ids(output, theme)
        assert len(extracted) == len(set(extracted)), theme
        assert set(extracted) | set(rejected) == ref.members[theme], theme
        assert not set(extracted) & set(rejected), theme
    dataset = ogr.Open(output)
    assert results["results"]["REJECTED_COUNT"] == dataset.GetLayerByName("rejects").GetFeatureCount()
    # Every layer carries its default style and QGIS metadata inside the file.
    styles = dataset.ExecuteSQL("SELECT f_table_name FROM layer_styles WHERE useAsDefault")
    assert sorted(f.GetField(0) for f in styles) == sorted(
        [n.lower() for n in THEME_OUTPUTS] + ["rejects"])
    dataset.ReleaseResultSet(styles)
    documents = dataset.ExecuteSQL(
        "SELECT r.table_name, m.metadata FROM gpkg_metadata m JOIN gpkg_metadata_reference r "
        "ON r.md_file_id = m.id WHERE m.md_standard_uri = 'http://mrcc.com/qgis.dtd'")
    rows = {f.GetField(0): f.GetField(1) for f in documents}
    dataset.ReleaseResultSet(documents)
    assert set(rows) == {n.lower() for n in THEME_OUTPUTS} | {"rejects"}
    assert all("© OpenStreetMap contributors" in xml and "ODbL-1.0" in xml for xml in rows.values())


def test_clipped_extract_through_qgis_process(helsinki_pbf, tmp_path):
    output = str(tmp_path / "h.gpkg")
    results, completed = run_json("refuge:osm_extract_pbf",
                                  {"INPUT": helsinki_pbf, "THEMES": [1], "OUTPUT": output})
    assert results is not None, completed.stdout + completed.stderr
    ref = reference(helsinki_pbf)
    missing = {("way", i) for i in ref.missing_node_ways} & ref.members["roads"]
    assert set(reject_ids(output, "roads")) == missing
    assert len(layer_ids(output, "roads")) == len(ref.members["roads"]) - len(missing)
    assert "rejected" in completed.stdout + completed.stderr


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"<osm version='0.6'/>", "is not an OpenStreetMap .pbf file"),
])
def test_bad_input_fails_with_clear_message(tmp_path, content, message):
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(content)
    output = tmp_path / "out.gpkg"
    results, completed = run_json("refuge:osm_extract_pbf", {"INPUT": str(bad), "OUTPUT": str(output)})
    assert results is None and completed.returncode != 0
    assert message in completed.stdout + completed.stderr
    assert not output.exists()


def test_truncated_file_fails_and_writes_nothing(monaco_pbf, tmp_path):
    data = open(monaco_pbf, "rb").read()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(data[: len(data) * 2 // 3])
    output = tmp_path / "out.gpkg"
    results, completed = run_json("refuge:osm_extract_pbf", {"INPUT": str(cut), "OUTPUT": str(output)})
    assert results is None
    assert "is truncated" in completed.stdout + completed.stderr
    assert not output.exists()
    assert list(tmp_path.glob(".refuge-*")) == []


def test_french_interface_under_qgis_process(tmp_path, monaco_pbf):
    profile = make_profile(str(tmp_path / "profile"), ROOT, locale="fr")
    completed = qgis_process("help", "refuge:osm_extract_pbf", config=profile)
    assert completed.returncode == 0, completed.stderr
    assert "Extraire les couches OSM d’un fichier .pbf" in completed.stdout
    assert "Polygones de la zone" in completed.stdout
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"")
    _, failed = run_json("refuge:osm_extract_pbf",
                         {"INPUT": str(bad), "OUTPUT": str(tmp_path / "o.gpkg")}, config=profile)
    assert "est vide" in failed.stdout + failed.stderr


def test_installing_twice_is_fine(tmp_path):
    """`make test` then `make demo` install the plugin twice into the same profile."""
    script = os.path.join(ROOT, "scripts", "install_plugin.sh")
    env = {k: v for k, v in os.environ.items() if k != "QGIS_CUSTOM_CONFIG_PATH"}
    for _ in range(2):
        completed = subprocess.run(["bash", script, "--config", str(tmp_path)], capture_output=True,
                                   text=True, env=env, timeout=300)
        assert completed.returncode == 0, completed.stderr
    completed = qgis_process("list", config=tmp_path)
    assert "refuge:evacuation_access" in completed.stdout
