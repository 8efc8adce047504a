"""The GDAL reader and the joined GeoPackage writer of core/io, without QGIS.

Each test writes a real input file with OGR, reads it with refuge.core.io.arrow.FileArrays,
writes an output with refuge.core.io.joined, reads the output back with OGR and sqlite3 and
compares it with what the test itself expects.
"""

import datetime
import os
import sqlite3

import numpy as np
import pytest
from osgeo import ogr, osr

ROWS = [  # (name, count, ratio, flag, day, polygon corner or None for no geometry)
    ("Saint-Étienne", 3, 0.5, True, datetime.date(2024, 5, 1), (0.0, 0.0)),
    ("b", None, None, False, None, (1.0, 0.0)),
    ("c", 7, 2.25, None, datetime.date(2023, 1, 31), None),
    ("東京", 12, -1.0, True, None, (2.0, 1.0)),
    ("e", 0, 10.0, False, datetime.date(2000, 2, 29), (3.0, 3.0)),
]


def square(x, y):
    ring = f"{x} {y}, {x + 1} {y}, {x + 1} {y + 1}, {x} {y + 1}, {x} {y}"
    return ogr.CreateGeometryFromWkt(f"POLYGON (({ring}))")


def write_input(path, driver="GPKG", extra_layer=False, style=False):
    """The ROWS as a polygon layer ``things`` (EPSG:4326) of ``driver``; returns the fids written."""
    data = ogr.GetDriverByName(driver).CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    layer = data.CreateLayer("things", srs, ogr.wkbPolygon)
    for name, kind in (("name", ogr.OFTString), ("count", ogr.OFTInteger64), ("ratio", ogr.OFTReal),
                       ("flag", ogr.OFTInteger), ("day", ogr.OFTDate)):
        definition = ogr.FieldDefn(name, kind)
        if name == "flag":
            definition.SetSubType(ogr.OFSTBoolean)
        layer.CreateField(definition)
    fids = []
    for name, count, ratio, flag, day, corner in ROWS:
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("name", name)
        for field, value in (("count", count), ("ratio", ratio), ("flag", flag)):
            if value is None:
                feature.SetFieldNull(field)
            else:
                feature.SetField(field, int(value) if field != "ratio" else value)
        if day is not None:
            feature.SetField("day", day.year, day.month, day.day, 0, 0, 0, 0)
        if corner is not None:
            feature.SetGeometry(square(*corner))
        assert layer.CreateFeature(feature) == 0
        fids.append(feature.GetFID())
    if extra_layer:
        data.CreateLayer("other", srs, ogr.wkbPoint)
    layer = data = None
    if style:
        connection = sqlite3.connect(str(path))
        connection.execute("CREATE TABLE layer_styles (id INTEGER PRIMARY KEY, f_table_name TEXT)")
        connection.execute("INSERT INTO layer_styles (f_table_name) VALUES ('things')")
        connection.commit()
        connection.close()
    return fids


def read_output(path):
    """{fid: {field: value}} and the geometry WKT of each row of the (one) layer of ``path``."""
    connection = sqlite3.connect(str(path))
    tables = [row[0] for row in connection.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
    connection.close()
    assert len(tables) == 1, tables
    data = ogr.Open(str(path))
    layer = data.GetLayerByName(tables[0])
    definition = layer.GetLayerDefn()
    names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    rows = {}
    for feature in layer:
        row = {name: feature.GetField(name) if feature.IsFieldSetAndNotNull(name) else None
               for name in names}
        geometry = feature.GetGeometryRef()
        row["wkt"] = geometry.ExportToWkt() if geometry is not None else None
        rows[feature.GetFID()] = row
    return rows


@pytest.fixture
def gpkg(tmp_path):
    path = tmp_path / "things.gpkg"
    return str(path), write_input(path, style=True)


def file_arrays(path, layer_name=None):
    from refuge.core.io.arrow import FileArrays

    return FileArrays(path, layer_name, "EPSG:4326")


def test_file_arrays_read_what_ogr_wrote(gpkg):
    from refuge.core import wkb

    path, fids = gpkg
    arrays = file_arrays(path)
    assert len(arrays) == len(ROWS)
    assert [arrays.feature_id(i) for i in range(len(arrays))] == fids
    assert arrays.is_gpkg and arrays.path == path and arrays.layer_name is None
    assert arrays.values("name") == [row[0] for row in ROWS]
    assert arrays.values("count") == [row[1] for row in ROWS]
    assert arrays.values("flag") == [row[3] for row in ROWS]
    assert arrays.values("day") == [row[4] for row in ROWS]
    assert arrays.null_geometry == [2]
    assert arrays.reason(2) == wkb.NO_GEOMETRY and arrays.reason(0) is None
    assert arrays.geometries[3].bounds == (2.0, 1.0, 3.0, 2.0)
    assert set(arrays.field_names) >= {"name", "count", "ratio", "flag", "day"}
    assert arrays.has_field("ratio") and not arrays.has_field("nothing")
    with pytest.raises(KeyError):
        arrays.values("nothing")


def test_numbers_take_numeric_text_and_report_the_rest(gpkg):
    path, _ = gpkg
    arrays = file_arrays(path)
    values, bad = arrays.numbers("ratio")
    expected = np.array([row[2] if row[2] is not None else np.nan for row in ROWS])
    np.testing.assert_array_equal(values, expected)
    assert bad == []
    values, bad = arrays.numbers("name")
    assert bad == [0, 1, 2, 3, 4] and np.isnan(values).all()


def test_joined_writer_adds_columns_block_by_block_and_drops_unwritten_rows(gpkg, tmp_path):
    from refuge.core.io.joined import JoinedWriter

    path, fids = gpkg
    arrays = file_arrays(path)
    target = str(tmp_path / "out.gpkg")
    writer = JoinedWriter(arrays, target, [("name", "text"), ("score", "real"), ("rank", "integer"),
                                           ("wet", "boolean"), ("never", "text")])
    writer.write([3, 0], {"score": np.array([2.5, np.nan]), "name": ["three", None],
                          "wet": np.array([True, False])})
    writer.write([4, 1], {"rank": np.array([40, 10]), "score": [1.0, None]})
    assert writer.close() == target
    assert not os.path.exists(target + ".refuge-tmp.gpkg")
    rows = read_output(target)
    kept = {fids[i]: i for i in (0, 1, 3, 4)}  # row 2 (no geometry) was written by no block
    assert sorted(rows) == sorted(kept)
    expected = {
        fids[3]: ("three", 2.5, None, 1), fids[0]: (None, None, None, 0),
        fids[4]: (None, 1.0, 40, None), fids[1]: (None, None, 10, None),
    }
    for fid, (name, score, rank, wet) in expected.items():
        row = rows[fid]
        assert row["name"] == ROWS[kept[fid]][0]  # the input's own field, untouched
        assert (row["refuge_name"], row["score"], row["rank"], row["wet"], row["never"]) == \
            (name, score, rank, wet, None), fid
    assert rows[fids[4]]["wkt"] == square(3.0, 3.0).ExportToWkt()
    connection = sqlite3.connect(target)
    triggers = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    styles = connection.execute("SELECT count(*) FROM layer_styles").fetchone()[0]
    rtree = connection.execute('SELECT count(*) FROM "rtree_things_geom"').fetchone()[0]
    connection.close()
    source = sqlite3.connect(path)
    source_triggers = {row[0] for row in source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    source.close()
    assert triggers == source_triggers and triggers  # set aside during the updates, then put back
    assert styles == 0  # the input's style describes the input
    assert rtree == 4  # the deletion went through the restored R-tree triggers


def test_write_joined_writes_the_kept_rows_with_nan_as_null(gpkg, tmp_path):
    from refuge.core.io.joined import write_joined

    path, fids = gpkg
    arrays = file_arrays(path)
    target = str(tmp_path / "joined.gpkg")
    keep = np.array([0, 1, 3, 4])
    write_joined(arrays, target, keep, [("score", "real", [1.5, 2.0, None, float("nan")]),
                                        ("label", "text", ["a", "b", "c", "d"])])
    rows = read_output(target)
    assert {fid: (row["score"], row["label"]) for fid, row in rows.items()} == {
        fids[0]: (1.5, "a"), fids[1]: (2.0, "b"), fids[3]: (None, "c"), fids[4]: (None, "d")}


def test_a_shapefile_input_is_copied_by_gdal_and_numbered_in_reading_order(tmp_path):
    from refuge.core.io.joined import write_joined

    source = tmp_path / "things.shp"
    write_input(source, driver="ESRI Shapefile")
    arrays = file_arrays(str(source))
    assert not arrays.is_gpkg
    target = str(tmp_path / "from_shape.gpkg")
    write_joined(arrays, target, np.array([0, 4]), [("score", "real", np.array([0.5, 4.5]))])
    rows = read_output(target)
    assert sorted(rows) == [1, 5]
    assert (rows[1]["name"], rows[1]["score"], rows[5]["name"], rows[5]["score"]) == \
        (ROWS[0][0], 0.5, ROWS[4][0], 4.5)


def test_a_geopackage_of_several_layers_gives_an_output_of_one(tmp_path):
    from refuge.core.io.joined import write_joined

    source = tmp_path / "two.gpkg"
    fids = write_input(source, extra_layer=True)
    arrays = file_arrays(str(source), "things")
    target = str(tmp_path / "single.gpkg")
    write_joined(arrays, target, np.arange(5), [("rank", "integer", np.arange(5))])
    connection = sqlite3.connect(target)
    assert [row[0] for row in connection.execute("SELECT table_name FROM gpkg_contents")] == ["single"]
    connection.close()
    assert {fid: row["rank"] for fid, row in read_output(target).items()} == dict(zip(fids, range(5)))


def test_discard_and_a_failed_block_leave_nothing(gpkg, tmp_path):
    from refuge.core.io.joined import JoinedWriter

    path, _ = gpkg
    arrays = file_arrays(path)
    discarded = str(tmp_path / "discarded.gpkg")
    writer = JoinedWriter(arrays, discarded, [("score", "real")])
    writer.write([0], {"score": np.array([1.0])})
    writer.discard()
    writer.discard()  # twice is harmless
    failing = str(tmp_path / "failing.gpkg")
    writer = JoinedWriter(arrays, failing, [("score", "real")])
    writer.write([0], {"no_such_column": np.array([1.0])})
    writer.write([1], {"score": np.array([1.0])})  # after a failed block: not written
    with pytest.raises(KeyError):
        writer.close()
    assert sorted(os.listdir(tmp_path)) == ["things.gpkg"]


def test_the_copy_started_with_the_reading_is_taken_by_the_writer(gpkg, tmp_path):
    from refuge.core.io.copies import PendingCopy
    from refuge.core.io.joined import write_joined

    path, fids = gpkg
    arrays = file_arrays(path)
    target = str(tmp_path / "taken.gpkg")
    arrays.pending_copy = PendingCopy(path, None, target)
    write_joined(arrays, target, np.array([0]), [("score", "real", [3.0])])
    assert arrays.pending_copy is None
    assert {fid: row["score"] for fid, row in read_output(target).items()} == {fids[0]: 3.0}


def test_copies_no_writer_took_are_deleted_when_the_run_fails(gpkg, tmp_path):
    from refuge.core.io.copies import PendingCopy, input_copies_discarded_on_error

    path, _ = gpkg
    target = str(tmp_path / "never.gpkg")
    with pytest.raises(RuntimeError), input_copies_discarded_on_error():
        PendingCopy(path, None, target)
        raise RuntimeError("the run failed")
    assert sorted(os.listdir(tmp_path)) == ["things.gpkg"]
    kept = PendingCopy(path, None, target)
    assert kept.result() == ("things", "fid")
    assert os.path.exists(target + ".refuge-tmp.gpkg")
    os.unlink(target + ".refuge-tmp.gpkg")
