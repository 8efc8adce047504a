"""refuge:osm_extract_pbf run in-process through QGIS Processing."""

import pytest
import shapely
from osgeo import ogr
from osm_reference import reference


def run(parameters):
    import processing

    return processing.run("refuge:osm_extract_pbf", parameters)


def count(uri):
    path, layer = uri.split("|layername=")
    dataset = ogr.Open(path)  # keep a reference: a layer dies with its dataset
    return dataset.GetLayerByName(layer).GetFeatureCount()


def rejected(path, theme):
    dataset = ogr.Open(path)
    return [f.GetField("osm_id") for f in dataset.GetLayerByName("rejects")
            if f.GetField("theme") == theme]


def test_whole_file_matches_reference(qgis_app, monaco_pbf, tmp_path):
    result = run({"INPUT": monaco_pbf, "OUTPUT": str(tmp_path / "m.gpkg")})
    ref = reference(monaco_pbf)
    for name in ("BUILDINGS", "ROADS", "FACILITIES", "SHELTERS", "WATERWAYS", "WATER_AREAS",
                 "BOUNDARIES"):
        theme = name.lower()
        assert count(result[name]) + len(rejected(str(tmp_path / "m.gpkg"), theme)) \
            == len(ref.members[theme]), theme
    assert result["REJECTED_COUNT"] == count(result["REJECTS"])
    # QGIS reads the stored metadata and default style back.
    from qgis.core import QgsVectorLayer

    roads = QgsVectorLayer(result["ROADS"], "roads", "ogr")
    assert roads.metadata().rights() == ["© OpenStreetMap contributors"]
    assert "2023-12-19T21:20:48Z" in roads.metadata().history()[0]
    assert roads.renderer().type() == "categorizedSymbol"
    assert roads.renderer().classAttribute() == "category"


def test_extent_in_another_crs_and_area_layer(qgis_app, monaco_pbf, tmp_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    # The same box as an extent in Web Mercator and as a polygon layer in Lambert 93.
    area = shapely.box(7.415, 43.728, 7.425, 43.735)
    from pyproj import Transformer

    to_3857 = Transformer.from_crs(4326, 3857, always_xy=True)
    (x0, x1), (y0, y1) = to_3857.transform([7.415, 7.425], [43.728, 43.735])
    by_extent = run({"INPUT": monaco_pbf, "THEMES": [0], "EXTENT": f"{x0},{x1},{y0},{y1} [EPSG:3857]",
                     "OUTPUT": str(tmp_path / "e.gpkg")})
    layer = QgsVectorLayer("Polygon?crs=EPSG:2154", "area", "memory")
    to_2154 = Transformer.from_crs(4326, 2154, always_xy=True)
    ring = [to_2154.transform(x, y) for x, y in area.exterior.coords]
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(shapely.Polygon(ring).wkt))
    layer.dataProvider().addFeatures([feature])
    by_area = run({"INPUT": monaco_pbf, "THEMES": [0], "AREA": layer, "OUTPUT": str(tmp_path / "a.gpkg")})
    n_extent, n_area = count(by_extent["BUILDINGS"]), count(by_area["BUILDINGS"])
    # Independent count: buildings of the whole extract that touch the box.
    whole = ogr.Open(str(tmp_path / "e.gpkg"))
    names = {whole.GetLayerByIndex(i).GetName() for i in range(whole.GetLayerCount())}
    assert names == {"buildings", "rejects", "layer_styles"}  # only the chosen theme
    from refuge.core.osm.extract import read_pbf

    expected = sum(area.intersects(g) for g in read_pbf(monaco_pbf, groups=["buildings"])
                   .layers["buildings"].geometries)
    assert n_extent == expected
    # A Lambert-93 box reprojected is not exactly the same shape: counts are close.
    assert abs(n_area - expected) <= max(3, expected // 50)


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty"),
    (b"<osm></osm>", "is not an OpenStreetMap .pbf file"),
])
def test_bad_input_message(qgis_app, tmp_path, content, expected):
    from qgis.core import QgsProcessingException

    path = tmp_path / "bad.osm.pbf"
    path.write_bytes(content)
    with pytest.raises(QgsProcessingException) as info:
        run({"INPUT": str(path), "OUTPUT": str(tmp_path / "out.gpkg")})
    assert expected in str(info.value)
    assert not (tmp_path / "out.gpkg").exists()


def test_area_outside_message(qgis_app, monaco_pbf, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as info:
        run({"INPUT": monaco_pbf, "EXTENT": "2.0,2.5,48.0,49.0 [EPSG:4326]",
             "OUTPUT": str(tmp_path / "out.gpkg")})
    assert "does not overlap the data in the file" in str(info.value)
    assert "leave the area empty" in str(info.value)
    assert not (tmp_path / "out.gpkg").exists()
