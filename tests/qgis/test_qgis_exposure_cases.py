"""refuge:exposure and refuge:prepare_hazard on small hand-made cases: units, rasters, bad input,
and Jakarta's depth raster against QGIS's zonal statistics."""

import json

import numpy as np
import pytest
import shapely
from conftest import shared_file

X0, Y0 = 106.80, -6.20  # a 0.01 degree grid of units near Jakarta


def run(algorithm, parameters, feedback=None):
    import processing

    return processing.run(algorithm, parameters, feedback=feedback)


def memory_layer(kind, crs, rows, fields=()):
    """A memory layer of ``kind`` (Point, Polygon…) with ``rows`` of (wkt or None, attributes)."""
    from qgis.core import QgsFeature, QgsField, QgsGeometry, QgsVectorLayer
    from qgis.PyQt.QtCore import QVariant

    layer = QgsVectorLayer(f"{kind}?crs={crs}" if crs else f"{kind}?crs=", "layer", "memory")
    provider = layer.dataProvider()
    provider.addAttributes([QgsField(name, QVariant.Double if numeric else QVariant.String)
                            for name, numeric in fields])
    layer.updateFields()
    features = []
    for wkt, attributes in rows:
        feature = QgsFeature(layer.fields())
        if wkt is not None:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(list(attributes))
        features.append(feature)
    provider.addFeatures(features)
    return layer


def write_raster(path, values, crs=True, nodata=-1.0, pixel=0.001):
    """A GeoTIFF with its top left corner at (X0, Y0 + rows * pixel), EPSG:4326 unless ``crs`` is False."""
    from osgeo import gdal, osr

    values = np.asarray(values, dtype=np.float32)
    dataset = gdal.GetDriverByName("GTiff").Create(str(path), values.shape[1], values.shape[0], 1,
                                                   gdal.GDT_Float32)
    dataset.SetGeoTransform((X0, pixel, 0.0, Y0 + values.shape[0] * pixel, 0.0, -pixel))
    if crs:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(4326)
        dataset.SetProjection(srs.ExportToWkt())
    band = dataset.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(nodata)
    band.WriteArray(values)
    dataset = None
    return str(path)


def box_wkt(x0, y0, x1, y1):
    return shapely.box(x0, y0, x1, y1).wkt


@pytest.fixture()
def hazard_layer(qgis_app):
    """High (3) over the west half of the area, low (1) over the east half."""
    return memory_layer("Polygon", "EPSG:4326", [
        (box_wkt(X0, Y0, X0 + 0.01, Y0 + 0.02), [3.0]),
        (box_wkt(X0 + 0.01, Y0, X0 + 0.02, Y0 + 0.02), [1.0])], [("hazard_class", True)])


def test_units_without_geometry_are_rejected_and_invalid_units_repaired(hazard_layer, tmp_path):
    from qgis.core import QgsVectorLayer

    # Unit A: a bow-tie (invalid) over the west; unit B: no geometry; unit C: the east square.
    bowtie = (f"POLYGON(({X0} {Y0}, {X0 + 0.01} {Y0 + 0.02}, {X0 + 0.01} {Y0}, "
              f"{X0} {Y0 + 0.02}, {X0} {Y0}))")
    units = memory_layer("Polygon", "EPSG:4326", [
        (bowtie, ["A"]), (None, ["B"]), (box_wkt(X0 + 0.01, Y0, X0 + 0.02, Y0 + 0.02), ["C"])],
        [("name", False)])
    # The bow-tie's lobes are its west and east triangles, meeting at (X0 + 0.005, Y0 + 0.01): two
    # buildings in the west lobe, one in the east lobe, one in the east square, and one in the west
    # half but in neither lobe (outside every unit).
    centres = [(X0 + 0.002, Y0 + 0.009), (X0 + 0.002, Y0 + 0.011), (X0 + 0.008, Y0 + 0.01),
               (X0 + 0.015, Y0 + 0.01), (X0 + 0.005, Y0 + 0.002)]
    buildings = memory_layer("Polygon", "EPSG:4326", [
        (box_wkt(x - 1e-4, y - 1e-4, x + 1e-4, y + 1e-4), []) for x, y in centres])
    result = run("refuge:exposure", {
        "HAZARD": hazard_layer, "BUILDINGS": buildings, "AGGREGATION": units,
        "AGGREGATION_NAME_FIELD": "name", "UNITS_OUTPUT": str(tmp_path / "units.gpkg"),
        "REJECTS": str(tmp_path / "rejects.gpkg"), "SUMMARY_TABLE": str(tmp_path / "table.gpkg")})
    rejects = [(f["layer"], f["reason_code"]) for f in
               QgsVectorLayer(result["REJECTS"], "r", "ogr").getFeatures()]
    assert rejects == [("units", "no_geometry")]
    per_unit = {f["unit"]: (f["bldg_high"], f["bldg_low"])
                for f in QgsVectorLayer(result["UNITS_OUTPUT"], "u", "ogr").getFeatures()}
    assert per_unit == {"A": (3, 0), "C": (0, 1)}  # B is not an output unit
    table_units = {f["unit"] for f in QgsVectorLayer(result["SUMMARY_TABLE"], "t", "ogr").getFeatures()}
    assert "B" not in table_units and {"A", "C"} <= table_units


def test_population_raster_per_unit_adds_up_without_buildings(hazard_layer, tmp_path):
    from qgis.core import QgsVectorLayer

    # 20 x 20 pixels of 0.001 degree over the hazard, 2 people each, one nodata pixel.
    people = np.full((20, 20), 2.0)
    people[0, 0] = -1.0  # nodata
    raster = write_raster(tmp_path / "people.tif", people)
    # One unit over the south-west quarter: 100 pixels, all high; the rest is outside every unit.
    units = memory_layer("Polygon", "EPSG:4326", [(box_wkt(X0, Y0, X0 + 0.01, Y0 + 0.01), ["SW"])],
                         [("name", False)])
    result = run("refuge:exposure", {
        "HAZARD": hazard_layer, "POPULATION_RASTER": raster, "AGGREGATION": units,
        "AGGREGATION_NAME_FIELD": "name", "SUMMARY_TABLE": str(tmp_path / "table.gpkg"),
        "ROADS": memory_layer("LineString", "EPSG:4326", []), "SUMMARY_JSON": str(tmp_path / "s.json")})
    summary = json.load(open(result["SUMMARY_JSON"], encoding="utf-8"))
    by_class = {int(k): v for k, v in summary["population_raster"].items()}
    # West half: 200 pixels, one of them nodata, high; east half: 200 pixels, low.
    assert by_class == pytest.approx({0: 0.0, 1: 400.0, 2: 0.0, 3: 398.0}, abs=1e-6)
    rows = [f for f in QgsVectorLayer(result["SUMMARY_TABLE"], "t", "ogr").getFeatures()
            if f["exposure"] == "population" and f["unit"] not in (None, "") and str(f["unit"]) != "NULL"]
    per_unit = {}
    for row in rows:
        per_unit.setdefault(row["unit"], {})[row["hazard_class"]] = row["population"]
    assert per_unit["SW"] == pytest.approx({0: 0.0, 1: 0.0, 2: 0.0, 3: 200.0}, abs=1e-6)
    outside = [unit for unit in per_unit if unit != "SW"]
    assert len(outside) == 1  # "outside every unit", whatever its translation
    assert per_unit[outside[0]] == pytest.approx({0: 0.0, 1: 400.0, 2: 0.0, 3: 198.0}, abs=1e-6)


def test_inputs_without_crs_are_refused(hazard_layer, tmp_path):
    from qgis.core import QgsProcessingException

    no_crs = memory_layer("Polygon", None, [(box_wkt(X0, Y0, X0 + 0.01, Y0 + 0.01), [3.0])],
                          [("hazard_class", True)])
    buildings = memory_layer("Polygon", "EPSG:4326", [(box_wkt(X0, Y0, X0 + 1e-4, Y0 + 1e-4), [])])
    cases = [
        ("refuge:exposure", {"HAZARD": no_crs, "BUILDINGS": buildings}, "has no coordinate reference"),
        ("refuge:prepare_hazard", {"ZONES": no_crs, "CLASS_FIELD": "hazard_class",
                                   "VALUE_MAP": "3=high", "OUTPUT": "memory:"},
         "has no coordinate reference"),
        ("refuge:prepare_hazard", {"ZONES": hazard_layer, "CLASS_FIELD": "hazard_class",
                                   "VALUE_MAP": "3=high; 1=low", "AREA": no_crs, "OUTPUT": "memory:"},
         "has no coordinate reference"),
        ("refuge:exposure", {"HAZARD": hazard_layer, "BUILDINGS": buildings, "POPULATION_RASTER":
                             write_raster(tmp_path / "p.tif", np.ones((3, 3)), crs=False)},
         "population raster has no coordinate reference"),
    ]
    for algorithm, parameters, message in cases:
        with pytest.raises(QgsProcessingException, match=message):
            run(algorithm, parameters)


def test_class_values_that_are_not_classes_are_listed(qgis_app):
    from qgis.core import QgsProcessingException

    hazard = memory_layer("Polygon", "EPSG:4326", [
        (box_wkt(X0, Y0, X0 + 0.01, Y0 + 0.01), [v]) for v in (3.0, 2.5, float("nan"), None, 7.0)],
        [("hazard_class", True)])
    buildings = memory_layer("Polygon", "EPSG:4326", [(box_wkt(X0, Y0, X0 + 1e-4, Y0 + 1e-4), [])])
    with pytest.raises(QgsProcessingException) as info:
        run("refuge:exposure", {"HAZARD": hazard, "BUILDINGS": buildings})
    message = str(info.value)
    assert "are not classes" in message
    for value in ("2.5", "7", "NULL"):
        assert value in message


def test_prepare_hazard_clips_to_area_polygons_and_extent(hazard_layer, tmp_path):
    from pyproj import Transformer
    from qgis.core import QgsVectorLayer

    # The area: a triangle across both classes, in another CRS (UTM 48S), plus an extent.
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32748", always_xy=True)
    triangle = shapely.Polygon([(X0 + 0.005, Y0 + 0.001), (X0 + 0.019, Y0 + 0.001),
                                (X0 + 0.012, Y0 + 0.015)])
    triangle_utm = shapely.transform(
        triangle, lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))
    area = memory_layer("Polygon", "EPSG:32748", [(triangle_utm.wkt, [])])
    extent = f"{X0},{X0 + 0.015},{Y0},{Y0 + 0.02} [EPSG:4326]"
    result = run("refuge:prepare_hazard", {
        "ZONES": hazard_layer, "CLASS_FIELD": "hazard_class", "VALUE_MAP": "3=high; 1=low",
        "AREA": area, "EXTENT": extent, "OUTPUT": str(tmp_path / "hazard.gpkg")})
    got = {f["hazard_class"]: shapely.from_wkb(bytes(f.geometry().asWkb()))
           for f in QgsVectorLayer(result["OUTPUT"], "h", "ogr").getFeatures()}
    clip = shapely.intersection(triangle, shapely.box(X0, Y0, X0 + 0.015, Y0 + 0.02))
    expected = {3: shapely.intersection(clip, shapely.box(X0, Y0, X0 + 0.01, Y0 + 0.02)),
                1: shapely.intersection(clip, shapely.box(X0 + 0.01, Y0, X0 + 0.02, Y0 + 0.02))}
    assert sorted(got) == [1, 3]
    for code, geometry in expected.items():
        # The triangle went to UTM and back: its edges are not exactly straight in degrees.
        assert shapely.symmetric_difference(got[code], geometry).area < 1e-6 * geometry.area


def test_jakarta_depths_against_qgis_zonal_statistics(qgis_app, tmp_path):
    """All-touched maxima (Refuge) never fall below QGIS's zonal maxima (pixel centres inside), and
    equal them for buildings holding fewer than two pixel centres, where QGIS intersects exactly."""
    from osgeo import gdal
    from qgis.core import QgsVectorLayer

    raster_path = shared_file("hazard/jakarta/jakarta_flood_design.tif")
    buildings = shared_file("exposure/jakarta/buildings.shp")
    refuge = run("refuge:exposure", {"DEPTH": raster_path, "BUILDINGS": buildings,
                                     "BUILDINGS_OUTPUT": str(tmp_path / "b.gpkg")})
    zonal = run("native:zonalstatisticsfb", {"INPUT": buildings, "INPUT_RASTER": raster_path,
                                             "RASTER_BAND": 1, "COLUMN_PREFIX": "z_", "STATISTICS": [6],
                                             "OUTPUT": str(tmp_path / "zonal.gpkg")})
    ours = {f["fid"]: f for f in QgsVectorLayer(refuge["BUILDINGS_OUTPUT"], "r", "ogr").getFeatures()}
    theirs = list(QgsVectorLayer(zonal["OUTPUT"], "z", "ogr").getFeatures())
    dataset = gdal.Open(raster_path)
    x0, dx, _, y0, _, dy = dataset.GetGeoTransform()
    columns, rows = dataset.RasterXSize, dataset.RasterYSize
    centres = shapely.points(*np.meshgrid(x0 + dx * (np.arange(columns) + 0.5),
                                          y0 + dy * (np.arange(rows) + 0.5)))
    tree = shapely.STRtree(centres.ravel())
    compared = exact = 0
    assert len(ours) == len(theirs)
    for feature in theirs:
        zonal_max = feature["z_max"]
        ours_max = ours[feature["fid"]]["max_depth_m"]
        if zonal_max is None or str(zonal_max) == "NULL":
            continue
        compared += 1
        assert ours_max >= zonal_max - 1e-6, feature["fid"]
        footprint = shapely.from_wkb(bytes(feature.geometry().asWkb()))
        if len(tree.query(footprint, predicate="contains_properly")) < 2:
            exact += 1
            assert ours_max == pytest.approx(zonal_max, abs=1e-6), feature["fid"]
    assert compared > 100 and exact > 50
