"""The two readers of an input layer give the same values: GDAL's Arrow stream (sources.ArrowArrays,
for plain file layers) and QGIS's features (sources.SourceArrays, for everything else), and both
give what OGR's feature API reads.

GDAL before 3.8.3 misreads GeoPackage and FlatGeobuf Boolean fields in its Arrow stream
(OSGeo/gdal#8998, a bit shift): Refuge reads them feature by feature there. The layers below
hold a Boolean column of True, False and NULL in a pseudo-random pattern over 150 rows (the
shift shows), 64-bit integers beyond 2^31, dates, date-times, reals and text with NULLs and
non-ASCII characters.
"""

import datetime
import os
import random

import pytest
from conftest import shared_file
from osgeo import gdal, ogr, osr

ROWS = 150
DRIVERS = {"gpkg": "GPKG", "fgb": "FlatGeobuf"}


def pattern():
    """(flag, big, day, stamp, ratio, label, small, position) for each row; None is NULL."""
    chance = random.Random(8998)
    words = ["Saint-Étienne", "Đà Nẵng", "São Paulo", "東京", "Zürich", "plain", ""]
    rows = []
    for i in range(ROWS):
        flag = chance.choice([True, False, None, True, False])
        big = chance.choice([None, 2**31 + i, -(2**40) - i, 2**62 + i, i])
        day = None if i % 7 == 3 else datetime.date(1990 + i % 40, 1 + i % 12, 1 + i % 28)
        stamp = (
            None
            if i % 5 == 2
            else datetime.datetime(2000 + i % 30, 1 + i % 12, 1 + i % 27, i % 24, (7 * i) % 60, (13 * i) % 60)
        )
        ratio = None if i % 6 == 1 else (i - 75) / 7.0
        label = None if i % 4 == 0 else f"{chance.choice(words)} {i}"
        small = None if i % 9 == 4 else i - 70
        rows.append((flag, big, day, stamp, ratio, label, small, i))
    return rows


FIELDS = [
    ("flag", ogr.OFTInteger, ogr.OFSTBoolean),
    ("big", ogr.OFTInteger64, None),
    ("day", ogr.OFTDate, None),
    ("stamp", ogr.OFTDateTime, None),
    ("ratio", ogr.OFTReal, None),
    ("label", ogr.OFTString, None),
    ("small", ogr.OFTInteger, None),
    ("position", ogr.OFTInteger, None),
]
NAMES = [name for name, _, _ in FIELDS]


def write(path, driver):
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    data = ogr.GetDriverByName(driver).CreateDataSource(str(path))
    layer = data.CreateLayer("things", srs, ogr.wkbPoint)
    for name, kind, subtype in FIELDS:
        definition = ogr.FieldDefn(name, kind)
        if subtype is not None:
            definition.SetSubType(subtype)
        layer.CreateField(definition)
    for i, row in enumerate(pattern()):
        feature = ogr.Feature(layer.GetLayerDefn())
        for name, value in zip(NAMES, row):
            if value is None:
                feature.SetFieldNull(name)
            elif isinstance(value, datetime.datetime):
                feature.SetField(
                    name, value.year, value.month, value.day, value.hour, value.minute, value.second, 0
                )
            elif isinstance(value, datetime.date):
                feature.SetField(name, value.year, value.month, value.day, 0, 0, 0, 0)
            elif isinstance(value, bool):
                feature.SetField(name, int(value))
            elif name == "big":
                feature.SetFieldInteger64(feature.GetFieldIndex(name), value)
            else:
                feature.SetField(name, value)
        feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT ({106.8 + i * 1e-4} {-6.2 + (i % 10) * 1e-4})"))
        assert layer.CreateFeature(feature) == 0
    data = None
    return str(path)


def ogr_values(path):
    """{field: {fid: value}} read with OGR's feature API, converted here by hand."""
    data = ogr.Open(path)
    layer = data.GetLayer(0)
    definition = layer.GetLayerDefn()
    result = {name: {} for name in NAMES}
    for feature in layer:
        for name in NAMES:
            index = definition.GetFieldIndex(name)
            field = definition.GetFieldDefn(index)
            if not feature.IsFieldSetAndNotNull(index):
                value = None
            elif field.GetSubType() == ogr.OFSTBoolean:
                value = bool(feature.GetFieldAsInteger(index))
            elif field.GetType() == ogr.OFTInteger64:
                value = feature.GetFieldAsInteger64(index)
            elif field.GetType() == ogr.OFTInteger:
                value = feature.GetFieldAsInteger(index)
            elif field.GetType() == ogr.OFTReal:
                value = feature.GetFieldAsDouble(index)
            elif field.GetType() == ogr.OFTDate:
                year, month, day, *_ = feature.GetFieldAsDateTime(index)
                value = datetime.date(year, month, day)
            elif field.GetType() == ogr.OFTDateTime:
                year, month, day, hour, minute, second, _ = feature.GetFieldAsDateTime(index)
                value = datetime.datetime(year, month, day, hour, minute, int(second))
            else:
                value = feature.GetFieldAsString(index)
            result[name][feature.GetFID()] = value
    return result


@pytest.fixture(scope="module", params=sorted(DRIVERS))
def layer_file(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("read_paths")
    return write(folder / f"things.{request.param}", DRIVERS[request.param])


def qgis_layer(path):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(path, "things", "ogr")
    assert layer.isValid(), path
    return layer


def arrow_values(path):
    from qgis.core import QgsProcessingFeedback
    from refuge.processing.sources import ArrowArrays

    arrays = ArrowArrays(path, None, qgis_layer(path), QgsProcessingFeedback())
    fids = [arrays.feature_id(i) for i in range(len(arrays))]
    return {name: dict(zip(fids, arrays.values(name))) for name in NAMES}


def feature_values(path):
    from qgis.core import QgsProcessingFeedback
    from refuge.processing.sources import SourceArrays

    arrays = SourceArrays(qgis_layer(path), QgsProcessingFeedback())
    fids = [arrays.feature_id(i) for i in range(len(arrays))]
    return {name: dict(zip(fids, arrays.values(name))) for name in NAMES}


def test_the_layer_holds_what_was_written(layer_file):
    """The test data themselves, read back with OGR: every value as written (the pattern is real)."""
    read = ogr_values(layer_file)
    fid_of = {position: fid for fid, position in read["position"].items()}  # FlatGeobuf sorts features
    assert sorted(fid_of) == list(range(ROWS))
    for position, row in enumerate(pattern()):
        for name, value in zip(NAMES, row):
            found = read[name][fid_of[position]]
            if type(value) is datetime.date and isinstance(found, datetime.datetime):
                value = datetime.datetime.combine(value, datetime.time())  # FlatGeobuf has no Date type
            assert found == value, (name, position)
    flags = [row[0] for row in pattern()]
    assert flags.count(True) > 20 and flags.count(False) > 20 and flags.count(None) > 20


@pytest.mark.parametrize("field", NAMES)
def test_arrow_reader_gives_ogr_values(qgis_app, layer_file, field):
    assert arrow_values(layer_file)[field] == ogr_values(layer_file)[field]


@pytest.mark.parametrize("field", NAMES)
def test_feature_reader_gives_ogr_values(qgis_app, layer_file, field):
    assert feature_values(layer_file)[field] == ogr_values(layer_file)[field]


def test_both_readers_agree_on_every_value_and_type(qgis_app, layer_file):
    arrow, features = arrow_values(layer_file), feature_values(layer_file)
    assert set(arrow["flag"]) == set(features["flag"])
    for name in NAMES:
        for fid in arrow[name]:
            a, f = arrow[name][fid], features[name][fid]
            assert a == f and type(a) is type(f), (name, fid, a, f)


def _gdal_version():
    return int(gdal.VersionInfo("VERSION_NUM"))  # 3060200 for 3.6.2


@pytest.mark.parametrize(
    "driver, misreads", [("GPKG", True), ("FlatGeobuf", True), ("ESRI Shapefile", False), ("GeoJSON", False)]
)
def test_the_boolean_workaround_is_chosen_on_gdal_before_3_8_3(qgis_app, driver, misreads):
    from refuge.processing.sources import arrow_misreads_booleans

    assert arrow_misreads_booleans(driver) == (misreads and _gdal_version() < 3080300)


def test_this_gdal_arrow_stream_itself_misreads_the_pattern_when_the_workaround_is_on(layer_file):
    """Why the workaround exists: the raw Arrow stream of this GDAL against OGR's values (on a GDAL
    with the fix, both agree and the workaround is off)."""
    data = ogr.Open(layer_file)
    layer = data.GetLayer(0)
    fid_column = layer.GetFIDColumn() or "OGC_FID"
    raw = {}
    for batch in layer.GetArrowStreamAsNumPy(options=["INCLUDE_FID=YES"]):
        import numpy as np

        values = batch["flag"]
        mask = (
            np.ma.getmaskarray(values)
            if isinstance(values, np.ma.MaskedArray)
            else np.zeros(len(values), bool)
        )
        for fid, value, masked in zip(batch[fid_column], np.ma.getdata(values), mask):
            raw[int(fid)] = None if masked else bool(value)
    expected = ogr_values(layer_file)["flag"]
    if _gdal_version() < 3080300:
        assert raw != expected, "this GDAL reads Booleans right: the workaround would not be needed"
    else:
        assert raw == expected


# -- the user's case: bridges of OSM roads ----------------------------------------------------------


@pytest.fixture(scope="module")
def monaco_roads(qgis_app, tmp_path_factory):
    from refuge.core.osm.themes import GROUPS

    import processing

    pbf = shared_file("osm/monaco-latest.osm.pbf")
    output = str(tmp_path_factory.mktemp("monaco_read") / "monaco.gpkg")
    result = processing.run(
        "refuge:osm_extract_pbf", {"INPUT": pbf, "THEMES": [GROUPS.index("roads")], "OUTPUT": output}
    )
    return result["ROADS"]


def ogr_bridges(roads):
    path, layer_name = roads.split("|layername=")
    data = ogr.Open(path)
    layer = data.GetLayerByName(layer_name)
    index = layer.GetLayerDefn().GetFieldIndex("bridge")
    assert layer.GetLayerDefn().GetFieldDefn(index).GetSubType() == ogr.OFSTBoolean
    return {
        f.GetFID(): bool(f.GetFieldAsInteger(index)) if f.IsFieldSetAndNotNull(index) else None for f in layer
    }


def test_osm_roads_bridges_read_as_ogr_reads_them(monaco_roads):
    from qgis.core import QgsProcessingFeedback
    from refuge.processing.sources import ArrowArrays

    path, layer_name = monaco_roads.split("|layername=")
    arrays = ArrowArrays(path, layer_name, qgis_layer(monaco_roads), QgsProcessingFeedback())
    read = dict(zip((arrays.feature_id(i) for i in range(len(arrays))), arrays.values("bridge")))
    expected = ogr_bridges(monaco_roads)
    assert sum(1 for v in expected.values() if v) > 10
    assert read == expected


def test_evacuation_access_knows_which_roads_are_bridges(monaco_roads, tmp_path):
    """The road sections of evacuation_access say bridge where OGR reads bridge=1, nowhere else."""
    import processing

    expected = ogr_bridges(monaco_roads)
    path, layer_name = monaco_roads.split("|layername=")
    source = ogr.Open(path)  # kept open while its features are read (OGR frees them with it)
    feature = next(iter(source.GetLayerByName(layer_name)))  # kept: its geometry is a reference
    first = feature.GetGeometryRef().GetPoint_2D(0)
    feature = source = None
    points = str(tmp_path / "points.gpkg")
    data = ogr.GetDriverByName("GPKG").CreateDataSource(points)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    for name in ("households", "shelters"):
        layer = data.CreateLayer(name, srs, ogr.wkbPoint)
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT ({first[0]} {first[1]})"))
        layer.CreateFeature(feature)
    data = None
    sections = str(tmp_path / "sections.gpkg")
    processing.run(
        "refuge:evacuation_access",
        {
            "ROADS": monaco_roads,
            "HOUSEHOLDS": f"{points}|layername=households",
            "SHELTERS": f"{points}|layername=shelters",
            "PROFILE": 0,
            "MAX_SNAP_DISTANCE": 50,
            "ROADS_OUTPUT": sections,
        },
    )
    data = ogr.Open(sections)
    rows = [(f["road_fid"], bool(f["bridge"])) for f in data.GetLayer(0)]
    assert rows
    wrong = [(fid, bridge) for fid, bridge in rows if bridge != bool(expected[fid])]
    assert not wrong, wrong[:10]
    bridges_in_sections = {fid for fid, bridge in rows if bridge}
    assert bridges_in_sections and bridges_in_sections <= {fid for fid, v in expected.items() if v}
    assert os.path.getsize(sections) > 0
