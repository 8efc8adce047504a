"""refuge:osm_extract_pbf at the edges, through the real qgis_process binary, as a user meets them.

A full disk, files cut short, extents and area layers that cannot mean
anything, outputs that are not GeoPackages or cannot be written, THEMES in
both of qgis_process's forms, relations that are not multipolygons: each run
either works or stops with a message saying what to fix, never a traceback.
"""

import os
import struct
import subprocess

import osmium
import pytest
import shapely
from osgeo import ogr
from qgis_process_helper import run_json

pytestmark = pytest.mark.slow

ALGORITHM = "refuge:osm_extract_pbf"
BOX = shapely.box(7.415, 43.728, 7.425, 43.735)  # a part of Monaco


def output_text(completed):
    return completed.stdout + completed.stderr


def assert_refused(completed, *fragments):
    text = output_text(completed)
    assert completed.returncode != 0, text
    assert "Traceback" not in text, text
    for fragment in fragments:
        assert fragment in text, (fragment, text)


def run_ok(parameters):
    results, completed = run_json(ALGORITHM, parameters)
    assert results is not None, output_text(completed)
    assert "Traceback" not in output_text(completed)
    return results, output_text(completed)


def ids(path, layer):
    dataset = ogr.Open(str(path))
    return {(f.GetField("osm_type"), f.GetField("osm_id")) for f in dataset.GetLayerByName(layer)}


@pytest.fixture
def mount_tmpfs(tmp_path):
    """mount(options) -> a folder on a new tmpfs (unmounted afterwards); skips where mounting is refused."""
    mounted = []

    def mount(options):
        folder = tmp_path / f"tmpfs{len(mounted)}"
        folder.mkdir()
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs needs root (a full or read-only disk is simulated with one)")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", str(folder)], capture_output=True)


# --- 1. a full disk --------------------------------------------------------------------------------

def test_full_disk_is_an_error_and_leaves_nothing(monaco_pbf, mount_tmpfs):
    disk = mount_tmpfs("size=1m")
    output = disk / "monaco.gpkg"
    results, completed = run_json(ALGORITHM, {"INPUT": monaco_pbf, "OUTPUT": str(output)})
    assert results is None
    assert_refused(completed, str(output), "Not enough space on the disk")
    assert ".refuge-" not in output_text(completed)  # the path the user chose, not the staged one
    assert not output.exists()
    assert os.listdir(disk) == []


# --- 2. files that end too early -------------------------------------------------------------------

def varint(data, index):
    value = shift = 0
    while True:
        byte = data[index]
        index += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, index


def blob_ends(path):
    """(file bytes, byte offset where each block ends), read from the blob headers."""
    data = open(path, "rb").read()
    ends, position = [], 0
    while position < len(data):
        (size,) = struct.unpack(">I", data[position:position + 4])
        header = data[position + 4:position + 4 + size]
        datasize, index = None, 0
        while index < len(header):  # BlobHeader: 1 type (bytes), 2 indexdata (bytes), 3 datasize
            key, index = varint(header, index)
            value, index = varint(header, index)
            if key & 7 == 2:
                index += value
            elif key >> 3 == 3:
                datasize = value
        position += 4 + size + datasize
        ends.append(position)
    return data, ends


def block_types(data, ends):
    """The OSM object types of each data block (decoded with the header block in front)."""
    types = []
    for start, end in zip(ends[:-1], ends[1:]):
        chunk = data[:ends[0]] + data[start:end]
        types.append({obj.type_str() for obj in osmium.FileProcessor(osmium.io.FileBuffer(chunk, "pbf"))})
    return types


def test_header_only_is_an_error(monaco_pbf, tmp_path):
    data, ends = blob_ends(monaco_pbf)
    cut = tmp_path / "header-only.osm.pbf"
    cut.write_bytes(data[:ends[0]])
    output = tmp_path / "out.gpkg"
    results, completed = run_json(ALGORITHM, {"INPUT": str(cut), "OUTPUT": str(output)})
    assert results is None
    assert_refused(completed, "holds a header but no OpenStreetMap data", str(cut))
    assert not output.exists()


@pytest.mark.parametrize("last_type, warning", [
    ("n", "The file ends after its nodes"),
    ("w", "The file ends after its ways"),
    (None, None),  # the whole file: no warning
])
def test_file_cut_at_a_block_boundary_warns(monaco_pbf, tmp_path, last_type, warning):
    data, ends = blob_ends(monaco_pbf)
    types = block_types(data, ends)
    if last_type is None:
        cut_at = ends[-1]
    else:  # the end of the last block holding objects of that type
        cut_at = ends[1 + max(i for i, kinds in enumerate(types) if kinds == {last_type})]
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(data[:cut_at])
    output = tmp_path / "out.gpkg"
    results, text = run_ok({"INPUT": str(cut), "OUTPUT": str(output)})
    for message in ("The file ends after its nodes", "The file ends after its ways"):
        assert (message in text) == (message == warning), text
    if last_type == "n":
        assert ids(output, "roads") == set() and len(ids(output, "facilities")) > 0
    if last_type == "w":
        assert len(ids(output, "roads")) > 0
        assert not {kind for kind, _ in ids(output, "buildings")} & {"relation"}


# --- 3. extents ------------------------------------------------------------------------------------

@pytest.mark.parametrize("extent, message", [
    ("7.41,7.41,43.73,43.73 [EPSG:4326]", "has no width or no height"),
    ("nan,nan,nan,nan [EPSG:4326]", "is not a number"),
    ("7.41,nan,43.72,43.74 [EPSG:4326]", "is not a number"),
    ("7.41,7.43,43.72,43.74 [EPSG:999999]", "coordinate reference system of the extent"),
])
def test_extents_that_mean_nothing_are_refused(monaco_pbf, tmp_path, extent, message):
    output = tmp_path / "out.gpkg"
    results, completed = run_json(ALGORITHM, {"INPUT": monaco_pbf, "EXTENT": extent, "THEMES": 2,
                                              "OUTPUT": str(output)})
    assert results is None
    assert_refused(completed, message, extent)
    assert not output.exists()


def test_whole_world_extent_extracts_the_file_and_says_so(monaco_pbf, tmp_path):
    world, whole = tmp_path / "world.gpkg", tmp_path / "whole.gpkg"
    _, text = run_ok({"INPUT": monaco_pbf, "EXTENT": "-180,180,-90,90 [EPSG:4326]", "THEMES": 2,
                      "OUTPUT": str(world)})
    assert "covers the whole extent of the file" in text
    _, plain = run_ok({"INPUT": monaco_pbf, "THEMES": 2, "OUTPUT": str(whole)})
    assert "covers the whole extent" not in plain
    assert ids(world, "facilities") == ids(whole, "facilities") != set()


# --- 4. outputs that are not GeoPackages -----------------------------------------------------------

@pytest.mark.parametrize("name", ["o.shp", "o.geojson", "o"])
def test_output_that_is_not_a_geopackage_is_refused(monaco_pbf, tmp_path, name):
    output = tmp_path / name
    results, completed = run_json(ALGORITHM, {"INPUT": monaco_pbf, "THEMES": 2, "OUTPUT": str(output)})
    assert results is None
    assert_refused(completed, str(output), ".gpkg")
    assert not output.exists()


def test_gpkg_extension_in_capitals_is_a_geopackage(monaco_pbf, tmp_path):
    output = tmp_path / "O.GPKG"
    run_ok({"INPUT": monaco_pbf, "THEMES": 2, "OUTPUT": str(output)})
    assert len(ids(output, "facilities")) > 0


# --- 5. area layers --------------------------------------------------------------------------------

def write_area(path, wkts, epsg=4326):
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = None
    if epsg:
        from osgeo import osr

        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
    layer = dataset.CreateLayer("area", srs, ogr.wkbUnknown, ["SPATIAL_INDEX=NO"])  # see set_wkb
    for wkt in wkts:
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt) if isinstance(wkt, str) else None)
        layer.CreateFeature(feature)
    dataset = None
    return str(path)


def set_wkb(path, wkb):
    """Store ``wkb`` as every geometry of the layer (OGR drops EMPTY parts from WKT; plain SQLite
    lacks the functions of the spatial index's triggers, hence a layer without one)."""
    import sqlite3

    connection = sqlite3.connect(path)
    connection.execute("UPDATE area SET geom = ?", (b"GP\x00\x01" + struct.pack("<i", 4326) + wkb,))
    connection.commit()
    connection.close()


def box_ring_wkb(polygon):
    coords = list(polygon.exterior.coords)
    return struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(coords)) + b"".join(
        struct.pack("<dd", x, y) for x, y in coords)


CIRCLE = "CIRCULARSTRING(7.415 43.73, 7.42 43.735, 7.425 43.73, 7.42 43.725, 7.415 43.73)"
BOX_RINGS = "((" + ", ".join(f"{x} {y}" for x, y in BOX.exterior.coords) + "))"


@pytest.fixture(scope="module")
def monaco_facilities(monaco_pbf):
    from refuge.core.osm.extract import read_pbf

    layer = read_pbf(monaco_pbf, groups=["facilities"]).layers["facilities"]
    return list(zip(layer.osm_types, layer.osm_ids, layer.geometries))


def touching(facilities, area):
    return {(kind, osm_id) for kind, osm_id, geometry in facilities if area.intersects(geometry)}


def test_area_layers_without_crs_are_refused(monaco_pbf, tmp_path):
    undefined = write_area(tmp_path / "no-crs.gpkg", [BOX.wkt], epsg=None)  # GeoPackage srs_id 0
    shapefile = tmp_path / "no-crs.shp"
    ogr.GetDriverByName("ESRI Shapefile").CopyDataSource(ogr.Open(undefined), str(shapefile))
    prj = tmp_path / "no-crs.prj"
    if prj.exists():
        prj.unlink()
    for area in (undefined, str(shapefile)):
        results, completed = run_json(ALGORITHM, {"INPUT": monaco_pbf, "AREA": area, "THEMES": 2,
                                                  "OUTPUT": str(tmp_path / "out.gpkg")})
        assert results is None
        assert_refused(completed, "has no coordinate reference system. Set its CRS in the layer "
                                  "properties, then run again.")
    assert not (tmp_path / "out.gpkg").exists()


def test_curved_and_empty_part_areas_are_read(monaco_pbf, monaco_facilities, tmp_path):
    circle = shapely.Point(7.42, 43.73).buffer(0.005, quad_segs=64)
    cases = {
        "curve": ([f"CURVEPOLYGON({CIRCLE})"], circle),
        "multisurface": ([f"MULTISURFACE(CURVEPOLYGON({CIRCLE}),{BOX_RINGS})"],
                         circle.union(BOX)),
    }
    for name, (wkts, exact) in cases.items():
        area = write_area(tmp_path / f"{name}.gpkg", wkts)
        output = tmp_path / f"{name}-out.gpkg"
        run_ok({"INPUT": monaco_pbf, "AREA": area, "THEMES": 2, "OUTPUT": str(output)})
        found = ids(output, "facilities")
        # The curve is linearised: only facilities within 10 m of its edge may differ.
        assert touching(monaco_facilities, exact.buffer(-1e-4)) <= found, name
        assert found <= touching(monaco_facilities, exact.buffer(1e-4)), name
        assert found, name
    # MULTIPOLYGON(EMPTY, box): the EMPTY part is dropped, the box is the area.
    area = write_area(tmp_path / "empty-part.gpkg", [BOX.wkt])
    set_wkb(area, struct.pack("<BII", 1, 6, 2) + struct.pack("<BII", 1, 3, 0) + box_ring_wkb(BOX))
    output = tmp_path / "empty-part-out.gpkg"
    run_ok({"INPUT": monaco_pbf, "AREA": area, "THEMES": 2, "OUTPUT": str(output)})
    assert ids(output, "facilities") == touching(monaco_facilities, BOX) != set()


def test_area_without_usable_polygon_is_the_empty_area_message(monaco_pbf, tmp_path):
    area = write_area(tmp_path / "empty.gpkg", ["MULTIPOLYGON EMPTY", "POLYGON EMPTY", None])
    results, completed = run_json(ALGORITHM, {"INPUT": monaco_pbf, "AREA": area, "THEMES": 2,
                                              "OUTPUT": str(tmp_path / "out.gpkg")})
    assert results is None
    assert_refused(completed, "The area to extract is empty")


# --- 6. THEMES in both forms -----------------------------------------------------------------------

def test_themes_as_repeated_values_and_as_a_list(monaco_pbf, tmp_path):
    layers = []
    for form, value in (("repeated", ["0", "1"]), ("list", "0,1")):
        output = tmp_path / f"{form}.gpkg"
        results, _ = run_ok({"INPUT": monaco_pbf, "THEMES": value, "OUTPUT": str(output)})
        assert {"BUILDINGS", "ROADS"} <= set(results["results"])
        assert "FACILITIES" not in results["results"]
        dataset = ogr.Open(str(output))
        layers.append(sorted(dataset.GetLayerByIndex(i).GetName() for i in range(dataset.GetLayerCount())))
    assert layers[0] == layers[1] == ["buildings", "layer_styles", "rejects", "roads"]


# --- 7. relations that are not multipolygons -------------------------------------------------------

def write_site_file(path):
    """A school mapped as a type=site relation (as r9994380 in the Maldives), and two others."""
    writer = osmium.SimpleWriter(str(path))
    corners = {1: (73.500, 4.170), 2: (73.501, 4.170), 3: (73.501, 4.171), 4: (73.500, 4.171)}
    for ref, location in corners.items():
        writer.add_node(osmium.osm.mutable.Node(id=ref, location=location, tags={}))
    writer.add_node(osmium.osm.mutable.Node(id=5, location=(73.5005, 4.1695), tags={"entrance": "main"}))
    writer.add_node(osmium.osm.mutable.Node(id=6, location=(73.502, 4.172), tags={}))
    writer.add_way(osmium.osm.mutable.Way(id=10, nodes=[1, 2, 3, 4, 1], tags={}))
    writer.add_relation(osmium.osm.mutable.Relation(
        id=9994380, members=[("w", 10, "perimeter"), ("n", 5, "entrance")],
        tags={"type": "site", "amenity": "school", "name": "School"}))
    writer.add_relation(osmium.osm.mutable.Relation(  # an assembly point made of a node only
        id=9994381, members=[("n", 6, "")], tags={"type": "site", "emergency": "assembly_point"}))
    writer.add_relation(osmium.osm.mutable.Relation(  # members outside the file
        id=9994382, members=[("w", 999, ""), ("n", 998, "")], tags={"type": "site", "amenity": "clinic"}))
    writer.add_relation(osmium.osm.mutable.Relation(  # a polygon theme: no area of its own
        id=9994383, members=[("w", 10, "")], tags={"type": "site", "building": "school"}))
    writer.close()


def test_relations_that_are_not_multipolygons_end_in_a_layer_or_rejects(tmp_path):
    pbf = tmp_path / "site.osm.pbf"
    write_site_file(pbf)
    output = tmp_path / "out.gpkg"
    results, text = run_ok({"INPUT": str(pbf), "OUTPUT": str(output)})
    dataset = ogr.Open(str(output))
    facilities = {f.GetField("osm_id"): f for f in dataset.GetLayerByName("facilities")}
    assert set(facilities) == {9994380}
    school = facilities[9994380]
    assert (school.GetField("osm_type"), school.GetField("category"), school.GetField("geom_source")) == (
        "relation", "school", "members")
    point = shapely.from_wkb(bytes(school.GetGeometryRef().ExportToWkb()))
    assert shapely.box(73.500, 4.170, 73.501, 4.171).contains(point)  # inside the perimeter
    shelters = [(f.GetField("osm_id"), f.GetField("geom_source")) for f in dataset.GetLayerByName("shelters")]
    assert shelters == [(9994381, "members")]
    rejects = {(f.GetField("theme"), f.GetField("osm_id")): f.GetField("reason_code")
               for f in dataset.GetLayerByName("rejects")}
    assert rejects == {("facilities", 9994382): "members_missing", ("buildings", 9994383): "not_an_area"}
    assert results["results"]["REJECTED_COUNT"] == 2


# --- 8. outputs that cannot be written as asked -----------------------------------------------------

def test_missing_output_folder_is_created(monaco_pbf, tmp_path):
    output = tmp_path / "new" / "folder" / "out.gpkg"
    run_ok({"INPUT": monaco_pbf, "THEMES": 2, "OUTPUT": str(output)})
    assert len(ids(output, "facilities")) > 0


def test_read_only_folder_is_refused(monaco_pbf, mount_tmpfs):
    folder = mount_tmpfs("size=1m,ro")
    for output in (folder / "out.gpkg", folder / "sub" / "out.gpkg"):
        results, completed = run_json(ALGORITHM, {"INPUT": monaco_pbf, "THEMES": 2, "OUTPUT": str(output)})
        assert results is None
        assert_refused(completed, str(output), "does not allow writing")
    assert os.listdir(folder) == []


def test_output_naming_a_folder_is_refused(monaco_pbf, tmp_path):
    folder = tmp_path / "existing.gpkg"
    folder.mkdir()
    results, completed = run_json(ALGORITHM, {"INPUT": monaco_pbf, "THEMES": 2, "OUTPUT": str(folder)})
    assert results is None
    assert_refused(completed, str(folder), "is a folder")
    assert os.listdir(folder) == []


@pytest.mark.parametrize("folder, name", [("a#b", "out#1.gpkg"), ("a?b", "out?.gpkg")])
def test_paths_with_hash_or_question_mark_work(monaco_pbf, tmp_path, folder, name):
    output = tmp_path / folder / name
    results, _ = run_ok({"INPUT": monaco_pbf, "THEMES": 2, "OUTPUT": str(output)})
    assert results["results"]["FACILITIES"] == f"{output}|layername=facilities"
    # Before the test reads it: GDAL 3.10 itself leaves a .aux.xml beside such a path it opens.
    assert sorted(os.listdir(output.parent)) == [name]
    assert len(ids(output, "facilities")) > 0
