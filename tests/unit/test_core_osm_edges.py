"""The .pbf engine at the edges: every GeoPackage write checked, files that end too early,
relations that are not multipolygons, areas of any WKB."""

import glob
import os
import struct
import subprocess

import pytest
import shapely
from osgeo import ogr
from refuge.core import errors
from refuge.core.io import gpkg
from refuge.core.osm import pbf
from refuge.core.osm.area import area_from_wkb
from refuge.core.osm.extract import REASONS, extract_pbf, read_pbf


def nothing_left(folder, output):
    return not os.path.exists(output) and glob.glob(os.path.join(str(folder), ".refuge-*")) == []


# --- every write checked ----------------------------------------------------------------------------

def test_failed_commit_is_a_write_failure_and_leaves_nothing(monaco_pbf, tmp_path, monkeypatch):
    monkeypatch.setattr(ogr.Layer, "CommitTransaction", lambda layer: 1)  # OGRERR_NOT_ENOUGH_DATA
    output = tmp_path / "out.gpkg"
    with pytest.raises(errors.OutputError) as info:
        extract_pbf(monaco_pbf, str(output), groups=["shelters"])
    assert (info.value.reason, info.value.path) == ("write_failed", str(output))
    assert "shelters" in info.value.detail
    assert nothing_left(tmp_path, output)


def test_refused_field_is_a_write_failure(monaco_pbf, tmp_path, monkeypatch):
    monkeypatch.setattr(ogr.Layer, "CreateField", lambda layer, definition, approx=1: 6)  # OGRERR_FAILURE
    output = tmp_path / "out.gpkg"
    with pytest.raises(errors.OutputError) as info:
        extract_pbf(monaco_pbf, str(output), groups=["shelters"])
    assert info.value.reason == "write_failed"
    assert nothing_left(tmp_path, output)


def test_file_read_back_without_its_rows_is_incomplete(monaco_pbf, tmp_path, monkeypatch):
    monkeypatch.setattr(gpkg, "_row_count", lambda dataset, table: 0)
    output = tmp_path / "out.gpkg"
    with pytest.raises(errors.OutputError) as info:
        extract_pbf(monaco_pbf, str(output), groups=["shelters"])
    assert info.value.reason == "incomplete"
    assert "rows readable" in info.value.detail
    assert nothing_left(tmp_path, output)


def test_output_naming_a_folder(monaco_pbf, tmp_path):
    folder = tmp_path / "out.gpkg"
    folder.mkdir()
    with pytest.raises(errors.OutputError) as info:
        extract_pbf(monaco_pbf, str(folder), groups=["shelters"])
    assert info.value.reason == "is_directory"


def test_full_disk_is_no_space(monaco_pbf, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {mounted.stderr.strip()}")
    try:
        output = disk / "out.gpkg"
        with pytest.raises(errors.OutputError) as info:
            extract_pbf(monaco_pbf, str(output))
        assert info.value.reason == "no_space"
        assert os.listdir(disk) == []
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


# --- files that end too early -----------------------------------------------------------------------

def cut_files(path, folder):
    """{last block's types: file cut after the last block of those types}, and the header alone."""
    data = open(path, "rb").read()
    blobs = pbf.scan_blobs(path)
    files = {"header": data[:blobs[0].end]}
    for blob in blobs[1:]:
        chunk = data[:blobs[0].end] + data[blob.start:blob.end]
        kinds = "".join(sorted({o.type_str() for o in pbf.osmium.FileProcessor(
            pbf.osmium.io.FileBuffer(chunk, "pbf"))}))
        files[kinds] = data[:blob.end]
    paths = {}
    for name, content in files.items():
        paths[name] = folder / f"cut-{name}.osm.pbf"
        paths[name].write_bytes(content)
    return paths


def test_completeness_of_cut_files(monaco_pbf, tmp_path):
    cuts = cut_files(monaco_pbf, tmp_path)
    with pytest.raises(errors.NoOsmDataError):
        read_pbf(cuts["header"])
    assert pbf.completeness(cuts["n"]) == [pbf.ENDS_AFTER_NODES]
    assert pbf.completeness(cuts["w"]) == [pbf.ENDS_AFTER_WAYS]
    assert pbf.completeness(monaco_pbf) == []
    result = read_pbf(cuts["w"], groups=["roads"])
    assert result.warnings == [(pbf.ENDS_AFTER_WAYS, {})]
    assert len(result.layers["roads"]) > 0
    with pytest.raises(errors.NoOsmDataError):
        extract_pbf(cuts["header"], str(tmp_path / "out.gpkg"))
    assert nothing_left(tmp_path, tmp_path / "out.gpkg")


def test_most_ways_without_their_nodes_warn(tmp_path):
    import osmium

    path = tmp_path / "ways-only.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    writer.add_node(osmium.osm.mutable.Node(id=1, location=(1.0, 1.0), tags={}))
    writer.add_node(osmium.osm.mutable.Node(id=2, location=(1.001, 1.0), tags={}))
    writer.add_way(osmium.osm.mutable.Way(id=10, nodes=[1, 2], tags={"highway": "residential"}))
    for way in (11, 12):
        writer.add_way(osmium.osm.mutable.Way(id=way, nodes=[100 + way, 200 + way],
                                              tags={"highway": "residential"}))
    writer.close()
    result = read_pbf(path, groups=["roads"])
    assert result.warnings == [(pbf.WAYS_MISSING_NODES, {"count": 2, "total": 3})]
    assert result.layers["roads"].osm_ids == [10]


# --- relations that are not multipolygons -----------------------------------------------------------

def test_site_relations(tmp_path):
    import osmium

    path = tmp_path / "sites.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    for ref, location in {1: (0.0, 0.0), 2: (0.001, 0.0), 3: (0.001, 0.001), 4: (0.0, 0.001),
                          5: (0.01, 0.01)}.items():
        writer.add_node(osmium.osm.mutable.Node(id=ref, location=location, tags={}))
    writer.add_way(osmium.osm.mutable.Way(id=10, nodes=[1, 2, 3, 4, 1], tags={}))
    writer.add_way(osmium.osm.mutable.Way(id=11, nodes=[3, 5], tags={}))
    writer.add_relation(osmium.osm.mutable.Relation(  # a polygon, a line and a node: inside the polygon
        id=1, members=[("w", 10, ""), ("w", 11, ""), ("n", 5, "")],
        tags={"type": "site", "amenity": "school", "emergency": "assembly_point"}))
    writer.add_relation(osmium.osm.mutable.Relation(id=2, members=[("w", 11, "")],
                                                    tags={"amenity": "police"}))  # no type
    writer.add_relation(osmium.osm.mutable.Relation(id=3, members=[("r", 1, "")],
                                                    tags={"type": "site", "amenity": "clinic"}))
    writer.add_relation(osmium.osm.mutable.Relation(id=4, members=[("w", 10, "")],
                                                    tags={"type": "site", "natural": "water"}))
    writer.close()
    result = read_pbf(path, groups=["facilities", "shelters", "waterways"])
    facilities = result.layers["facilities"]
    assert facilities.osm_ids == [1, 2] and facilities.osm_types == ["relation", "relation"]
    assert facilities.extra["geom_source"] == ["members", "members"]
    assert shapely.box(0, 0, 0.001, 0.001).contains(facilities.geometries[0])
    assert shapely.LineString([(0.001, 0.001), (0.01, 0.01)]).distance(facilities.geometries[1]) < 1e-12
    assert result.layers["shelters"].osm_ids == [1]
    assert sorted((r.theme, r.osm_id, r.reason) for r in result.rejects) == [
        ("facilities", 3, "members_missing"), ("water_areas", 4, "not_an_area")]
    assert {"members_missing", "not_an_area"} <= set(REASONS)


# --- areas of any WKB -------------------------------------------------------------------------------

def test_area_from_curves_empty_parts_and_overlaps():
    curve = ogr.CreateGeometryFromWkt(
        "CURVEPOLYGON(CIRCULARSTRING(0 0, 1 1, 2 0, 1 -1, 0 0))").ExportToIsoWkb()
    area = area_from_wkb([bytes(curve)])
    assert area.geometry.area == pytest.approx(3.14159, rel=1e-2) and area.unusable == 0
    ring = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
    polygon = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", 5) + b"".join(
        struct.pack("<dd", x, y) for x, y in ring)
    empty_part = struct.pack("<BII", 1, 6, 2) + struct.pack("<BII", 1, 3, 0) + polygon
    assert area_from_wkb([empty_part, None, shapely.Point(5, 5).wkb]).geometry.area == pytest.approx(1)
    assert area_from_wkb([empty_part, None, shapely.Point(5, 5).wkb]).unusable == 2
    overlapping = shapely.MultiPolygon([shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3)])
    assert area_from_wkb([overlapping.wkb]).geometry.area == pytest.approx(7)
    with pytest.raises(errors.EmptyAreaError):
        area_from_wkb([shapely.Polygon().wkb, None])
