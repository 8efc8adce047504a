"""prepare_hazard and exposure on InaSAFE's real Jakarta data, against QGIS native algorithms."""

import json

import pytest
from conftest import shared_file

FLOOD_ZONES = "hazard/jakarta/flood_multipart_polygons.shp"
BUILDINGS = "exposure/jakarta/buildings.shp"
ROADS = "exposure/jakarta/roads.shp"
GRID = "aggregation/jakarta/grid_jakarta_4326.geojson"


def run(algorithm, parameters):
    import processing

    return processing.run(algorithm, parameters)


def layer(path, name="layer"):
    from qgis.core import QgsVectorLayer

    result = QgsVectorLayer(path, name, "ogr")
    assert result.isValid(), path
    return result


def ellipsoid():
    from qgis.core import QgsCoordinateReferenceSystem, QgsDistanceArea, QgsProject

    measure = QgsDistanceArea()
    measure.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4326"),
                         QgsProject.instance().transformContext())
    measure.setEllipsoid("WGS84")
    return measure


@pytest.fixture(scope="module")
def native_wet(qgis_app):
    """Flood-prone zones by QGIS alone: YES in any case, dissolved."""
    zones = shared_file(FLOOD_ZONES)
    wet = run("native:extractbyexpression", {
        "INPUT": zones, "EXPRESSION": "upper(trim(\"FLOODPRONE\")) = 'YES'",
        "OUTPUT": "memory:"})["OUTPUT"]
    return run("native:dissolve", {"INPUT": wet, "OUTPUT": "memory:"})["OUTPUT"]


@pytest.fixture(scope="module")
def hazard(qgis_app, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hazard")
    result = run("refuge:prepare_hazard", {
        "ZONES": shared_file(FLOOD_ZONES), "CLASS_FIELD": "FLOODPRONE",
        "OUTPUT": str(folder / "hazard.gpkg"), "REJECTS": str(folder / "rejects.gpkg")})
    return result


def test_prepared_hazard_equals_native_dissolve(hazard, native_wet):
    from qgis.core import QgsGeometry

    ours = list(layer(hazard["OUTPUT"]).getFeatures())
    assert [f["hazard_class"] for f in ours] == [3]
    theirs = QgsGeometry.unaryUnion([f.geometry() for f in native_wet.getFeatures()])
    difference = ours[0].geometry().symDifference(theirs)
    assert difference.area() < 1e-12  # square degrees
    measured = ellipsoid().measureArea(theirs)
    assert ours[0]["area_m2"] == pytest.approx(measured, rel=1e-3)
    # Every zone is mapped (YES/yes/NO/no): nothing rejected.
    assert layer(hazard["REJECTS"]).featureCount() == 0


def test_unmapped_values_are_rejected_not_dropped(qgis_app, tmp_path):
    result = run("refuge:prepare_hazard", {
        "ZONES": shared_file(FLOOD_ZONES), "CLASS_FIELD": "FLOODPRONE", "VALUE_MAP": "yes=high",
        "OUTPUT": str(tmp_path / "h.gpkg"), "REJECTS": str(tmp_path / "r.gpkg")})
    zones = layer(shared_file(FLOOD_ZONES))
    dry = [f for f in zones.getFeatures() if f["FLOODPRONE"].strip().upper() == "NO"]
    rejects = list(layer(result["REJECTS"]).getFeatures())
    assert sorted(r["source_fid"] for r in rejects) == sorted(f.id() for f in dry)
    assert {r["reason_code"] for r in rejects} == {"unmapped_value"}


def test_value_map_matching_nothing_is_a_clear_error(qgis_app, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as info:
        run("refuge:prepare_hazard", {
            "ZONES": shared_file(FLOOD_ZONES), "CLASS_FIELD": "FLOODPRONE",
            "VALUE_MAP": "wet=high", "OUTPUT": str(tmp_path / "h.gpkg")})
    assert "matches none of the values of FLOODPRONE" in str(info.value)
    assert "YES" in str(info.value)


@pytest.fixture(scope="module")
def exposure(hazard, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exposure")
    outputs = {name: str(folder / f"{name.lower()}.gpkg") for name in (
        "BUILDINGS_OUTPUT", "ROADS_OUTPUT", "UNITS_OUTPUT", "SUMMARY_TABLE", "REJECTS")}
    result = run("refuge:exposure", {
        "HAZARD": hazard["OUTPUT"], "BUILDINGS": shared_file(BUILDINGS), "BUILDING_TYPE_FIELD": "TYPE",
        "ROADS": shared_file(ROADS), "AGGREGATION": shared_file(GRID), "AGGREGATION_NAME_FIELD": "name",
        "SUMMARY_JSON": str(folder / "summary.json"), **outputs})
    with open(result["SUMMARY_JSON"], encoding="utf-8") as handle:
        result["summary"] = json.load(handle)
    return result


def test_exposed_buildings_equal_native_select_by_location(exposure, native_wet):
    exposed = run("native:extractbylocation", {
        "INPUT": shared_file(BUILDINGS), "PREDICATE": [0], "INTERSECT": native_wet,
        "OUTPUT": "memory:"})["OUTPUT"]
    counts = exposure["summary"]["buildings"]["count"]
    assert counts["3"] == exposed.featureCount() > 0
    assert sum(counts.values()) == layer(shared_file(BUILDINGS)).featureCount()
    classes = [f["hazard_class"] for f in layer(exposure["BUILDINGS_OUTPUT"]).getFeatures()]
    assert classes.count(3) == exposed.featureCount()


def test_road_lengths_equal_native_intersection(exposure, native_wet):
    measure = ellipsoid()
    pieces = run("native:intersection", {"INPUT": shared_file(ROADS), "OVERLAY": native_wet,
                                         "OUTPUT": "memory:"})["OUTPUT"]
    flooded = sum(measure.measureLength(f.geometry()) for f in pieces.getFeatures())
    total = sum(measure.measureLength(f.geometry()) for f in layer(shared_file(ROADS)).getFeatures())
    lengths = exposure["summary"]["roads"]["length_m"]
    assert lengths["3"] == pytest.approx(flooded, rel=1e-6)
    assert sum(lengths.values()) == pytest.approx(total, rel=1e-6)
    sections = layer(exposure["ROADS_OUTPUT"])
    assert sum(f["length_m"] for f in sections.getFeatures()) == pytest.approx(total, rel=1e-6)


def test_per_unit_counts_equal_native_points_in_polygons(exposure):
    exposed = run("native:extractbyattribute", {
        "INPUT": exposure["BUILDINGS_OUTPUT"], "FIELD": "hazard_class", "OPERATOR": 0, "VALUE": "3",
        "OUTPUT": "memory:"})["OUTPUT"]
    points = run("native:pointonsurface", {"INPUT": exposed, "OUTPUT": "memory:"})["OUTPUT"]
    counted = run("native:countpointsinpolygon", {
        "POLYGONS": shared_file(GRID), "POINTS": points, "FIELD": "n", "OUTPUT": "memory:"})["OUTPUT"]
    native = {f["name"]: f["n"] for f in counted.getFeatures()}
    ours = {f["unit"]: f["bldg_high"] for f in layer(exposure["UNITS_OUTPUT"]).getFeatures()}
    assert ours == pytest.approx(native)
    assert sum(native.values()) > 0


def test_summary_table_rows(exposure):
    rows = list(layer(exposure["SUMMARY_TABLE"]).getFeatures())
    totals = [r for r in rows if r["exposure"] == "buildings" and not r["unit"]]
    assert sum(r["count"] for r in totals) == layer(shared_file(BUILDINGS)).featureCount()
    per_unit = [r for r in rows if r["exposure"] == "buildings" and r["unit"]]
    assert sum(r["count"] for r in per_unit) == sum(r["count"] for r in totals)


@pytest.fixture(scope="module")
def census_grid(qgis_app, tmp_path_factory):
    """The Jakarta grid with a census total per cell (1000 + 100 x cell number)."""
    from qgis.core import QgsFeatureRequest, QgsField, QgsProject, QgsVectorFileWriter, QgsVectorLayer
    from qgis.PyQt.QtCore import QVariant

    grid = QgsVectorLayer(shared_file(GRID), "grid", "ogr")
    copy = grid.materialize(QgsFeatureRequest())
    copy.startEditing()
    copy.addAttribute(QgsField("people", QVariant.Double))
    copy.updateFields()
    for number, feature in enumerate(copy.getFeatures()):
        copy.changeAttributeValue(feature.id(), copy.fields().lookupField("people"), 1000.0 + 100 * number)
    copy.commitChanges()
    path = str(tmp_path_factory.mktemp("census") / "census.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    QgsVectorFileWriter.writeAsVectorFormatV2(copy, path, QgsProject.instance().transformContext(),
                                              options)
    return path


def levels(value):
    """Independent reading of the LEVELS field ('2', '10+', null)."""
    if value is None or str(value).strip() in ("", "NULL"):
        return 1.0
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return max(1.0, float(digits)) if digits else 1.0


def test_census_population_is_shared_by_floor_area(hazard, census_grid, tmp_path):
    result = run("refuge:exposure", {
        "HAZARD": hazard["OUTPUT"], "BUILDINGS": shared_file(BUILDINGS), "BUILDING_TYPE_FIELD": "TYPE",
        "RESIDENTIAL_VALUES": "Residential", "LEVELS_FIELD": "LEVELS", "AGGREGATION": census_grid,
        "AGGREGATION_NAME_FIELD": "name", "UNIT_POPULATION_FIELD": "people",
        "BUILDINGS_OUTPUT": str(tmp_path / "b.gpkg"), "UNITS_OUTPUT": str(tmp_path / "u.gpkg"),
        "SUMMARY_JSON": str(tmp_path / "s.json")})
    summary = json.load(open(result["SUMMARY_JSON"], encoding="utf-8"))
    census = {f["name"]: f["people"] for f in layer(census_grid).getFeatures()}
    buildings = list(layer(result["BUILDINGS_OUTPUT"]).getFeatures())
    placed = {}
    for building in buildings:
        if building["population"]:
            assert building["TYPE"].lower() == "residential"
            placed[building["unit"]] = placed.get(building["unit"], 0) + building["population"]
    assert placed  # the grid holds residential buildings
    for unit, people in placed.items():
        assert people == pytest.approx(census[unit], rel=1e-9)
    unplaced = sum(v for k, v in census.items() if k not in placed)
    assert summary["population_unplaced"] == pytest.approx(unplaced)
    # Independent weights: QGIS's ellipsoidal area x levels, within each unit.
    measure = ellipsoid()
    for unit in placed:
        members = [b for b in buildings if b["unit"] == unit and str(b["TYPE"]).lower() == "residential"]
        weights = [measure.measureArea(b.geometry()) * levels(b["LEVELS"]) for b in members]
        for building, weight in zip(members, weights):
            assert building["population"] == pytest.approx(census[unit] * weight / sum(weights), rel=1e-3)
    exposed_people = sum(b["population"] or 0 for b in buildings if b["hazard_class"] == 3)
    assert summary["buildings"]["population"]["3"] == pytest.approx(exposed_people)
    assert summary["displaced"]["people"] == pytest.approx(exposed_people)  # high: rate 1
    assert summary["displaced"]["needs"]["water_l_day"] == pytest.approx(15 * exposed_people)


def test_critical_facilities_listed_with_their_class(hazard, native_wet, tmp_path):
    result = run("refuge:exposure", {
        "HAZARD": hazard["OUTPUT"], "FACILITIES": shared_file(BUILDINGS),
        "FACILITY_CATEGORY_FIELD": "AMENITY", "FACILITIES_OUTPUT": str(tmp_path / "f.gpkg"),
        "SUMMARY_JSON": str(tmp_path / "s.json")})
    summary = json.load(open(result["SUMMARY_JSON"], encoding="utf-8"))
    exposed = run("native:extractbylocation", {
        "INPUT": shared_file(BUILDINGS), "PREDICATE": [0], "INTERSECT": native_wet,
        "OUTPUT": "memory:"})["OUTPUT"]
    critical = {"hospital", "clinic", "school", "kindergarten", "fire_station", "police"}
    expected = sum(1 for f in exposed.getFeatures() if str(f["AMENITY"]).strip().lower() in critical)
    assert summary["facilities"]["critical"]["3"] == expected
    listed = list(layer(result["FACILITIES_OUTPUT"]).getFeatures())
    assert len(listed) == layer(shared_file(BUILDINGS)).featureCount()
    assert sum(1 for f in listed if f["critical"] and f["hazard_class"] == 3) == expected


def test_population_sources_are_exclusive(hazard, census_grid, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as info:
        run("refuge:exposure", {
            "HAZARD": hazard["OUTPUT"], "BUILDINGS": shared_file(BUILDINGS),
            "POPULATION_FIELD": "INUNDATED", "AGGREGATION": census_grid,
            "UNIT_POPULATION_FIELD": "people", "SUMMARY_JSON": str(tmp_path / "s.json")})
    assert "one source of population only" in str(info.value)


def test_road_sections_from_a_geopackage_keep_every_piece(hazard, tmp_path):
    """Sections of one road share its fid: the GeoPackage output must not drop any."""
    from qgis.core import QgsProject, QgsVectorFileWriter

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    roads = str(tmp_path / "roads.gpkg")
    QgsVectorFileWriter.writeAsVectorFormatV2(layer(shared_file(ROADS)), roads,
                                              QgsProject.instance().transformContext(), options)
    result = run("refuge:exposure", {
        "HAZARD": hazard["OUTPUT"], "ROADS": roads, "ROADS_OUTPUT": str(tmp_path / "sections.gpkg"),
        "SUMMARY_JSON": str(tmp_path / "s.json")})
    summary = json.load(open(result["SUMMARY_JSON"], encoding="utf-8"))
    sections = list(layer(result["ROADS_OUTPUT"]).getFeatures())
    assert sum(f["length_m"] for f in sections) == pytest.approx(
        sum(summary["roads"]["length_m"].values()), rel=1e-9)
    assert {f["source_fid"] for f in sections} == {f.id() for f in layer(roads).getFeatures()}


DEPTH = "hazard/jakarta/jakarta_flood_design.tif"


def gdal_all_touched_max(raster_path, geometry_wkb):
    """Independent: burn one polygon with GDAL ALL_TOUCHED, max of the depths under it."""
    from osgeo import gdal, ogr

    source = gdal.Open(raster_path)
    depths = source.GetRasterBand(1).ReadAsArray().astype(float)
    nodata = source.GetRasterBand(1).GetNoDataValue()
    mask = gdal.GetDriverByName("MEM").Create("", source.RasterXSize, source.RasterYSize, 1, gdal.GDT_Byte)
    mask.SetGeoTransform(source.GetGeoTransform())
    mask.SetProjection(source.GetProjection())
    vectors = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer_ = vectors.CreateLayer("one", source.GetSpatialRef(), ogr.wkbPolygon)
    feature = ogr.Feature(layer_.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkb(geometry_wkb))
    layer_.CreateFeature(feature)
    gdal.RasterizeLayer(mask, [1], layer_, burn_values=[1], options=["ALL_TOUCHED=TRUE"])
    burned = mask.GetRasterBand(1).ReadAsArray() == 1
    values = depths[burned & (depths != nodata)]
    return float(values.max()) if values.size else None


def test_depth_raster_exposure_equals_gdal_all_touched(qgis_app, tmp_path):
    raster = shared_file(DEPTH)
    result = run("refuge:exposure", {
        "DEPTH": raster, "BUILDINGS": shared_file(BUILDINGS),
        "BUILDINGS_OUTPUT": str(tmp_path / "b.gpkg"), "SUMMARY_JSON": str(tmp_path / "s.json")})
    summary = json.load(open(result["SUMMARY_JSON"], encoding="utf-8"))
    expected_counts = {"0": 0, "1": 0, "2": 0, "3": 0}
    compared = 0
    for building in layer(result["BUILDINGS_OUTPUT"]).getFeatures():
        expected = gdal_all_touched_max(raster, bytes(building.geometry().asWkb()))
        if expected is None:
            assert building["max_depth_m"] is None
        else:
            assert building["max_depth_m"] == pytest.approx(expected, abs=1e-6)
            compared += 1
        depth = expected or 0.0
        code = 0 if depth <= 0 else 1 if depth < 0.5 else 2 if depth < 1.5 else 3
        assert building["hazard_class"] == code
        expected_counts[str(code)] += 1
    assert compared > 100
    assert summary["buildings"]["count"] == pytest.approx(expected_counts)
    assert summary["thresholds_m"] == [0.5, 1.5]


def test_prepared_raster_hazard_area_equals_pixel_count(qgis_app, tmp_path):
    import numpy as np
    from osgeo import gdal

    raster = shared_file(DEPTH)
    result = run("refuge:prepare_hazard", {"DEPTH": raster, "OUTPUT": str(tmp_path / "h.gpkg")})
    source = gdal.Open(raster)
    depths = source.GetRasterBand(1).ReadAsArray().astype(float)
    pixel_area = abs(source.GetGeoTransform()[1] * source.GetGeoTransform()[5])
    expected = {1: ((depths > 0) & (depths < 0.5)).sum(), 2: ((depths >= 0.5) & (depths < 1.5)).sum(),
                3: (depths >= 1.5).sum()}
    classes = {f["hazard_class"]: f.geometry().area() for f in layer(result["OUTPUT"]).getFeatures()}
    assert set(classes) == {code for code, count in expected.items() if count}
    for code, area in classes.items():
        assert area == pytest.approx(expected[code] * pixel_area, rel=1e-9)
    assert np.isfinite(list(classes.values())).all()


def context():
    from qgis.core import QgsProcessingContext, QgsProject

    result = QgsProcessingContext()
    result.setProject(QgsProject.instance())
    return result


def test_fast_and_feature_paths_write_the_same_buildings(hazard, tmp_path):
    """GDAL copy + SQL update (file to GeoPackage) equals the feature-sink path (memory)."""
    from osgeo import ogr

    source = str(tmp_path / "buildings.gpkg")
    ogr.GetDriverByName("GPKG").CopyDataSource(ogr.Open(shared_file(BUILDINGS)), source)
    dataset = ogr.Open(source, update=1)
    table = dataset.GetLayer(0)
    victim = table.GetNextFeature()
    victim_fid = victim.GetFID()
    victim.SetGeometryDirectly(None)
    table.SetFeature(victim)
    dataset = table = victim = None
    common = {"HAZARD": hazard["OUTPUT"], "BUILDINGS": source, "BUILDING_TYPE_FIELD": "TYPE",
              "AGGREGATION": shared_file(GRID), "AGGREGATION_NAME_FIELD": "name"}
    fast = run("refuge:exposure", {**common, "BUILDINGS_OUTPUT": str(tmp_path / "fast.gpkg"),
                                   "REJECTS": str(tmp_path / "rejects.gpkg")})
    slow = run("refuge:exposure", {**common, "BUILDINGS_OUTPUT": "memory:"})
    from qgis.core import QgsProcessingUtils

    fast_rows = {f["fid"]: f for f in layer(fast["BUILDINGS_OUTPUT"]).getFeatures()}
    slow_layer = QgsProcessingUtils.mapLayerFromString(slow["BUILDINGS_OUTPUT"], context()) \
        if isinstance(slow["BUILDINGS_OUTPUT"], str) else slow["BUILDINGS_OUTPUT"]
    slow_rows = {f["fid"]: f for f in slow_layer.getFeatures()}
    assert set(fast_rows) == set(slow_rows)  # source fids kept by both paths
    assert victim_fid not in fast_rows and len(fast_rows) == 180
    # The one-layer GeoPackage was copied page by page: its spatial index came along and
    # follows the deleted row.
    import sqlite3

    with sqlite3.connect(fast["BUILDINGS_OUTPUT"]) as connection:
        tables = [r[0] for r in connection.execute("SELECT table_name FROM gpkg_contents")]
        rtree = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE 'rtree_%' AND type = 'table' "
            "AND sql LIKE '%rtree(%'")]
        assert len(tables) == 1 and len(rtree) == 1
        assert connection.execute(f'SELECT count(*) FROM "{rtree[0]}"').fetchone()[0] == 180
    for fid, row in slow_rows.items():
        for name in ("hazard_class", "hazard_label", "footprint_m2", "unit", "TYPE", "NAME"):
            assert fast_rows[fid][name] == row[name], (fid, name)
        assert fast_rows[fid].geometry().equals(row.geometry())
    rejects = list(layer(fast["REJECTS"]).getFeatures())
    assert [(r["layer"], r["source_fid"], r["reason_code"]) for r in rejects] == [
        ("buildings", victim_fid, "no_geometry")]


def test_layer_without_crs_and_invalid_buildings(hazard, tmp_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsProcessingException, QgsVectorLayer

    no_crs = QgsVectorLayer("Polygon?crs=", "no crs", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt(
        "POLYGON((106.81 -6.18, 106.811 -6.18, 106.811 -6.181, 106.81 -6.18))"))
    no_crs.dataProvider().addFeatures([feature])
    with pytest.raises(QgsProcessingException) as info:
        run("refuge:exposure", {"HAZARD": hazard["OUTPUT"], "BUILDINGS": no_crs,
                                "SUMMARY_JSON": str(tmp_path / "s.json")})
    assert "has no coordinate reference system" in str(info.value)
    # A self-intersecting (bow-tie) building inside the flood zone is repaired and counted.
    zone = next(layer(hazard["OUTPUT"]).getFeatures()).geometry()
    x, y = zone.pointOnSurface().asPoint().x(), zone.pointOnSurface().asPoint().y()
    bowtie = QgsVectorLayer("Polygon?crs=EPSG:4326", "bowtie", "memory")
    feature = QgsFeature()
    d = 0.00005
    feature.setGeometry(QgsGeometry.fromWkt(
        f"POLYGON(({x} {y}, {x + d} {y + d}, {x + d} {y}, {x} {y + d}, {x} {y}))"))
    assert not feature.geometry().isGeosValid()
    bowtie.dataProvider().addFeatures([feature])
    result = run("refuge:exposure", {"HAZARD": hazard["OUTPUT"], "BUILDINGS": bowtie,
                                     "SUMMARY_JSON": str(tmp_path / "s.json")})
    summary = json.load(open(result["SUMMARY_JSON"], encoding="utf-8"))
    assert summary["buildings"]["count"]["3"] == 1
    assert summary["buildings"]["footprint_m2"]["3"] > 0


@pytest.mark.parametrize("settings, message", [
    ({"LOW_MAX": 1.0, "MEDIUM_MAX": 0.5}, "must be below that of medium depths"),
    ({"MIN_DEPTH": 0.6}, "must be below the upper bound of low depths"),
])
def test_depth_settings_are_checked(qgis_app, tmp_path, settings, message):
    from qgis.core import QgsProcessingException

    for algorithm, extra in (("refuge:prepare_hazard", {"OUTPUT": str(tmp_path / "h.gpkg")}),
                             ("refuge:exposure", {"BUILDINGS": shared_file(BUILDINGS)})):
        with pytest.raises(QgsProcessingException) as info:
            run(algorithm, {"DEPTH": shared_file(DEPTH), **settings, **extra})
        assert message in str(info.value)


def test_hazard_style_fits_every_geometry_type(qgis_app):
    from qgis.core import QgsVectorLayer
    from refuge.processing.styles import HazardStyler

    for kind in ("Point", "LineString", "MultiPolygon"):
        target = QgsVectorLayer(f"{kind}?crs=EPSG:4326&field=hazard_class:integer", kind, "memory")
        HazardStyler.create().postProcessLayer(target, None, None)
        renderer = target.renderer()
        assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "hazard_class"
        categories = renderer.categories()  # keep the copies alive: symbols belong to them
        assert [c.value() for c in categories] == [0, 1, 2, 3]
        expected_type = {"Point": 0, "LineString": 1, "MultiPolygon": 2}[kind]
        assert [int(c.symbol().type()) for c in categories] == [expected_type] * 4
        assert categories[3].symbol().color().name() == "#d55e00"


def test_empty_buildings_and_raster_without_nodata(hazard, tmp_path):
    import numpy as np
    from osgeo import gdal
    from qgis.core import QgsVectorLayer

    empty = QgsVectorLayer("Polygon?crs=EPSG:4326", "empty", "memory")
    result = run("refuge:exposure", {"HAZARD": hazard["OUTPUT"], "BUILDINGS": empty,
                                     "SUMMARY_JSON": str(tmp_path / "e.json")})
    summary = json.load(open(result["SUMMARY_JSON"], encoding="utf-8"))
    assert summary["buildings"]["count"] == {"0": 0, "1": 0, "2": 0, "3": 0}
    # The Jakarta depth raster with a block of -9999 pixels, once declared as nodata and
    # once not: undeclared, -9999 reads as a depth below zero, hence dry, so both runs agree
    # (the second one warns in the log).
    source = gdal.Open(shared_file(DEPTH))
    depths = source.GetRasterBand(1).ReadAsArray().astype(np.float32)
    depths[20:30, 20:30] = -9999

    def write(path, nodata):
        target = gdal.GetDriverByName("GTiff").Create(path, source.RasterXSize, source.RasterYSize,
                                                       1, gdal.GDT_Float32)
        target.SetGeoTransform(source.GetGeoTransform())
        target.SetProjection(source.GetProjection())
        target.GetRasterBand(1).WriteArray(depths)
        if nodata is not None:
            target.GetRasterBand(1).SetNoDataValue(nodata)
        return path

    counts = []
    for name, nodata in (("declared.tif", -9999), ("undeclared.tif", None)):
        result = run("refuge:exposure", {
            "DEPTH": write(str(tmp_path / name), nodata), "BUILDINGS": shared_file(BUILDINGS),
            "SUMMARY_JSON": str(tmp_path / f"{name}.json")})
        counts.append(json.load(open(result["SUMMARY_JSON"], encoding="utf-8"))["buildings"]["count"])
    assert counts[0] == counts[1]
    assert sum(counts[0].values()) == 181
