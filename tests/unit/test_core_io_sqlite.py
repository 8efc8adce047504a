"""core/io's SQL helpers, JSON summaries and shared reader code, without QGIS."""

import json
import math
import sqlite3

import numpy as np
import pytest
from osgeo import ogr, osr


def test_quote_and_uri_path():
    from refuge.core.io.sqlite import quote, uri_path

    assert quote('a "b" c') == '"a ""b"" c"'
    assert uri_path("/data/x#1/a?b%.gpkg") == "/data/x%231/a%3Fb%25.gpkg"


def test_sql_values_bind_nulls_and_zero_one():
    from refuge.core.io.sqlite import sql_values

    assert sql_values("integer", np.array([1, 2], dtype=np.int32)) == [1, 2]
    assert sql_values("boolean", np.array([True, False])) == [1, 0]
    assert sql_values("real", np.array([1.5, np.nan])) == [1.5, None]
    assert sql_values("boolean", [True, None, False]) == [1, None, 0]
    assert sql_values("text", ["a", None, 3]) == ["a", None, "3"]
    assert sql_values("real", [1, float("nan"), None]) == [1.0, None, None]


def _polygons(path, values):
    data = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    layer = data.CreateLayer("zones", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("depth", ogr.OFTReal))
    fids = []
    for i, value in enumerate(values):
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetField("depth", value)
        feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POLYGON (({i} 0, {i + 2} 0, {i + 2} 3, {i} 0))"))
        layer.CreateFeature(feature)
        fids.append(feature.GetFID())
    layer = data = None
    return fids


def test_text_in_a_numeric_geopackage_column_is_found(tmp_path):
    from refuge.core.io.sqlite import register_gpkg_functions, text_in_numeric_column

    path = tmp_path / "zones.gpkg"
    fids = _polygons(path, [1.0, 2.0, 3.0])
    connection = sqlite3.connect(str(path))
    register_gpkg_functions(connection)  # the table's R-tree triggers name them
    connection.execute("UPDATE zones SET depth = 'deep' WHERE fid = ?", (fids[1],))
    connection.commit()
    connection.close()
    assert text_in_numeric_column(str(path), "zones", "depth") == [fids[1]]
    assert text_in_numeric_column(str(path), None, "depth") == [fids[1]]
    assert text_in_numeric_column(str(path), "no_such_table", "depth") == []  # an SQL error: none


def test_gpkg_functions_give_the_bounds_of_geopackage_geometries(tmp_path):
    from refuge.core.io.sqlite import register_gpkg_functions

    path = tmp_path / "zones.gpkg"
    _polygons(path, [1.0, 2.0])
    connection = sqlite3.connect(str(path))
    register_gpkg_functions(connection)
    rows = connection.execute("SELECT ST_MinX(geom), ST_MinY(geom), ST_MaxX(geom), ST_MaxY(geom), "
                              "ST_IsEmpty(geom), ST_MinX(NULL) FROM zones ORDER BY fid").fetchall()
    connection.close()
    assert rows == [(0.0, 0.0, 2.0, 3.0, 0, None), (1.0, 0.0, 3.0, 3.0, 0, None)]


def test_write_json_writes_nan_as_null_and_numpy_as_numbers(tmp_path):
    from refuge.core.io.jsonfile import write_json

    path = str(tmp_path / "summary.json")
    write_json(path, {"a": np.float64("nan"), "b": [np.int64(3), np.bool_(True), math.inf], 4: "x",
                      "c": np.array([1.5, 2.5])})
    with open(path, encoding="utf-8") as handle:
        assert json.load(handle) == {"a": None, "b": [3, True, None], "4": "x", "c": [1.5, 2.5]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_write_json_refused_raises_output_error_and_leaves_nothing(tmp_path):
    from refuge.core.errors import OutputError
    from refuge.core.io.jsonfile import write_json

    with pytest.raises(OutputError):
        write_json(str(tmp_path / "missing" / "summary.json"), {})


class _Listed:
    """A minimal reader on ArraysBase: the shared code, whatever reads the values."""

    def __init__(self, values, geometries, crs="EPSG:4326"):
        from refuge.core import wkb
        from refuge.core.io.arrays import ArraysBase

        class Reader(ArraysBase):
            def __len__(self):
                return len(values)

            def feature_id(self, position):
                return position + 1

            def values(self, field_name):
                return list(values)

        self.reader = Reader()
        self.reader.crs = crs
        self.reader._set_geometries(wkb.from_wkb(geometries))


def test_arrays_base_numbers_and_reasons():
    import shapely
    from refuge.core import wkb
    from refuge.core.io.arrays import OUTSIDE_CRS, as_number

    point = shapely.to_wkb(shapely.Point(1, 2))
    far = shapely.to_wkb(shapely.Point(1e20, 2))
    reader = _Listed([1, "2,5", " 3.5 ", None, "many", True], [point, None, far, point, point, point]).reader
    values, bad = reader.numbers("any")
    np.testing.assert_array_equal(values, [1.0, 2.5, 3.5, np.nan, np.nan, 1.0])
    assert bad == [4]
    assert reader.null_geometry == [1, 2]
    assert (reader.reason(0), reader.reason(1), reader.reason(2)) == (None, wkb.NO_GEOMETRY, OUTSIDE_CRS)
    assert reader.geometries[2] is None
    assert as_number(np.int32(4)) == 4.0 and as_number(b"1") is None
