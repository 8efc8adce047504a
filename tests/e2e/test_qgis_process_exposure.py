"""prepare_hazard and exposure through the real qgis_process binary, on Jakarta data.

Numbers are checked against an independent computation made here with GDAL
(reading) and shapely/pyproj (predicates and geodesic lengths).
"""

import json

import pyproj
import pytest
import shapely
from conftest import shared_file
from osgeo import ogr
from qgis_process_helper import run_json

pytestmark = pytest.mark.slow
GEOD = pyproj.Geod(ellps="WGS84")


def read(path, layer=None, where=None):
    dataset = ogr.Open(path)
    source = dataset.GetLayerByName(layer) if layer else dataset.GetLayer(0)
    if where:
        source.SetAttributeFilter(where)
    rows = []
    for feature in source:
        geometry = feature.GetGeometryRef()
        rows.append((feature.items(),
                     shapely.from_wkb(bytes(geometry.ExportToWkb())) if geometry else None))
    return rows


@pytest.fixture(scope="module")
def wet_union():
    zones = read(shared_file("hazard/jakarta/flood_multipart_polygons.shp"))
    return shapely.union_all([g for attributes, g in zones
                              if attributes["FLOODPRONE"].strip().upper() == "YES"])


def test_prepare_hazard_and_exposure_end_to_end(tmp_path, wet_union):
    hazard = str(tmp_path / "hazard.gpkg")
    results, completed = run_json("refuge:prepare_hazard", {
        "ZONES": shared_file("hazard/jakarta/flood_multipart_polygons.shp"),
        "CLASS_FIELD": "FLOODPRONE", "OUTPUT": hazard, "REJECTS": str(tmp_path / "hr.gpkg")})
    assert results is not None, completed.stdout + completed.stderr
    (attributes, geometry), = read(hazard)
    assert attributes["hazard_class"] == 3 and attributes["label_fr"] == "Fort"
    assert shapely.symmetric_difference(geometry, wet_union).area < 1e-12
    geodesic_area = abs(GEOD.geometry_area_perimeter(wet_union)[0])
    assert attributes["area_m2"] == pytest.approx(geodesic_area, rel=1e-3)

    outputs = {name: str(tmp_path / f"{name.lower()}.gpkg") for name in (
        "BUILDINGS_OUTPUT", "FACILITIES_OUTPUT", "ROADS_OUTPUT", "UNITS_OUTPUT", "SUMMARY_TABLE",
        "REJECTS")}
    results, completed = run_json("refuge:exposure", {
        "HAZARD": hazard,
        "BUILDINGS": shared_file("exposure/jakarta/buildings.shp"), "BUILDING_TYPE_FIELD": "TYPE",
        "FACILITIES": shared_file("exposure/jakarta/buildings.shp"), "FACILITY_CATEGORY_FIELD": "AMENITY",
        "ROADS": shared_file("exposure/jakarta/roads.shp"),
        "AGGREGATION": shared_file("aggregation/jakarta/grid_jakarta_4326.geojson"),
        "AGGREGATION_NAME_FIELD": "name", "SUMMARY_JSON": str(tmp_path / "summary.json"), **outputs})
    assert results is not None, completed.stdout + completed.stderr
    summary = json.load(open(tmp_path / "summary.json", encoding="utf-8"))

    buildings = read(shared_file("exposure/jakarta/buildings.shp"))
    exposed = [a for a, g in buildings if g.intersects(wet_union)]
    assert summary["buildings"]["count"]["3"] == len(exposed)
    assert summary["buildings"]["count"]["0"] == len(buildings) - len(exposed)
    written = read(outputs["BUILDINGS_OUTPUT"])
    assert sorted(a["hazard_class"] for a, _ in written) == sorted(
        3 if g.intersects(wet_union) else 0 for _, g in buildings)

    critical = {"hospital", "clinic", "school", "kindergarten", "fire_station", "police"}
    assert summary["facilities"]["critical"]["3"] == sum(
        1 for a in exposed if str(a["AMENITY"]).lower() in critical)

    roads = [g for _, g in read(shared_file("exposure/jakarta/roads.shp"))]
    flooded = sum(GEOD.geometry_length(shapely.intersection(r, wet_union)) for r in roads)
    total = sum(GEOD.geometry_length(r) for r in roads)
    assert summary["roads"]["length_m"]["3"] == pytest.approx(flooded, rel=1e-6)
    assert sum(summary["roads"]["length_m"].values()) == pytest.approx(total, rel=1e-6)
    sections = read(outputs["ROADS_OUTPUT"])
    assert sum(a["length_m"] for a, _ in sections) == pytest.approx(total, rel=1e-6)

    units = read(outputs["UNITS_OUTPUT"])
    assert len(units) == 16
    assert sum(a["bldg_high"] for a, _ in units) <= len(exposed)
    table = read(outputs["SUMMARY_TABLE"])
    assert sum(a["count"] for a, _ in table if a["exposure"] == "buildings" and not a["unit"]) \
        == len(buildings)
    assert read(outputs["REJECTS"]) == []


def test_exposure_bad_input_messages(tmp_path):
    results, completed = run_json("refuge:exposure", {
        "HAZARD": shared_file("hazard/jakarta/flood_multipart_polygons.shp"),
        "BUILDINGS": shared_file("exposure/jakarta/buildings.shp"),
        "SUMMARY_JSON": str(tmp_path / "s.json")})
    assert results is None
    assert "has no field hazard_class" in completed.stdout + completed.stderr
    results, completed = run_json("refuge:exposure", {
        "HAZARD": shared_file("hazard/jakarta/flood_multipart_polygons.shp"), "HAZARD_FIELD": "OBJECTID",
        "BUILDINGS": shared_file("exposure/jakarta/buildings.shp"), "SUMMARY_JSON": str(tmp_path / "s.json")})
    assert results is None
    assert "not classes" in completed.stdout + completed.stderr
    results, completed = run_json("refuge:exposure", {
        "HAZARD": shared_file("hazard/jakarta/flood_multipart_polygons.shp"),
        "SUMMARY_JSON": str(tmp_path / "s.json")})
    assert results is None
    assert "Choose at least one exposure layer" in completed.stdout + completed.stderr
    assert not (tmp_path / "s.json").exists()


def test_depth_raster_and_population_raster_through_qgis_process(tmp_path):
    import numpy as np
    from osgeo import gdal

    depth_path = shared_file("hazard/jakarta/jakarta_flood_design.tif")
    source = gdal.Open(depth_path)
    depths = source.GetRasterBand(1).ReadAsArray().astype(float)
    # A population raster on the same grid: 10 people per pixel, one row without data.
    people = np.full(depths.shape, 10.0, dtype=np.float32)
    people[0, :] = -1
    population_path = str(tmp_path / "people.tif")
    target = gdal.GetDriverByName("GTiff").Create(population_path, source.RasterXSize,
                                                   source.RasterYSize, 1, gdal.GDT_Float32)
    target.SetGeoTransform(source.GetGeoTransform())
    target.SetProjection(source.GetProjection())
    target.GetRasterBand(1).WriteArray(people)
    target.GetRasterBand(1).SetNoDataValue(-1)
    target = None
    results, completed = run_json("refuge:exposure", {
        "DEPTH": depth_path, "BUILDINGS": shared_file("exposure/jakarta/buildings.shp"),
        "POPULATION_RASTER": population_path, "SUMMARY_JSON": str(tmp_path / "s.json")})
    assert results is not None, completed.stdout + completed.stderr
    summary = json.load(open(tmp_path / "s.json", encoding="utf-8"))
    valid = people > 0
    classes = np.where(depths <= 0, 0, np.where(depths < 0.5, 1, np.where(depths < 1.5, 2, 3)))
    for code in range(4):
        expected = 10.0 * (valid & (classes == code)).sum()
        assert summary["population_raster"][str(code)] == pytest.approx(expected, rel=1e-9, abs=1e-6)
    exposed = sum(summary["population_raster"][str(c)] for c in (2, 3))
    assert summary["displaced"]["people"] == pytest.approx(
        0.5 * summary["population_raster"]["2"] + summary["population_raster"]["3"])
    assert exposed >= 0
