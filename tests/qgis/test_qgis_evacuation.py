"""evacuation_access and facility_access on small hand-built towns, in QGIS and through qgis_process.

Roads are in a metric CRS (UTM 33N) and walked at 3.6 km/h (1 m/s) unless
said otherwise, so that every expected distance and time is computed by hand.
"""

import json
import os
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from qgis_process_helper import run_json

CRS = "EPSG:32633"
X0, Y0 = 500000.0, 5000000.0  # a place in UTM 33N


def write_layer(path, name, geometry_type, rows, fields=()):
    """A GeoPackage layer: rows are (WKT or None, {field: value}) in local metres from (X0, Y0)."""
    import shapely
    from osgeo import ogr, osr

    data = ogr.Open(path, 1) if os.path.exists(path) else ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    layer = data.CreateLayer(name, srs, geometry_type)
    kinds = {float: ogr.OFTReal, int: ogr.OFTInteger, str: ogr.OFTString}
    for field, kind in fields:
        layer.CreateField(ogr.FieldDefn(field, kinds[kind]))
    for wkt, values in rows:
        feature = ogr.Feature(layer.GetLayerDefn())
        if wkt is not None:
            shape = shapely.affinity.translate(shapely.from_wkt(wkt), X0, Y0)
            feature.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(shape)))
        for field, value in values.items():
            feature.SetField(field, value)
        layer.CreateFeature(feature)
    data = None
    return f"{path}|layername={name}"


def read(path):
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(path, "out", "ogr")
    assert layer.isValid(), path
    return layer


def run(algorithm, parameters):
    import processing

    return processing.run(algorithm, parameters)


@pytest.fixture(scope="module")
def town(qgis_app, tmp_path_factory):
    from osgeo import ogr

    folder = tmp_path_factory.mktemp("town")
    path = str(folder / "town.gpkg")
    fields = [("highway", str), ("bridge", int), ("speed", float)]
    roads = write_layer(path, "roads", ogr.wkbLineString, [
        ("LINESTRING (0 0, 1000 0)", {"highway": "residential", "speed": 3.6}),
        ("LINESTRING (1000 0, 2000 0)", {"highway": "residential", "speed": 3.6}),
        ("LINESTRING (500 -500, 500 500)", {"highway": "footway", "speed": 3.6}),  # crosses A, no vertex
        ("LINESTRING (1500 -500, 1500 500)", {"highway": "footway", "bridge": 1, "speed": 3.6}),  # a bridge
        ("LINESTRING (0 3000, 1000 3000)", {"highway": "residential", "speed": 3.6}),  # an island
        ("LINESTRING (3000 3000, 3000 3000)", {"highway": "residential", "speed": 3.6}),  # no length
    ], fields)
    shelters = write_layer(path, "shelters", ogr.wkbPoint, [
        ("POINT (2000 10)", {"name": "school", "capacity": 100.0}),
        ("POINT (700 10)", {"name": "gym", "capacity": 100.0}),  # in the hazard zone
    ], [("name", str), ("capacity", float)])
    households = write_layer(path, "households", ogr.wkbPoint, [
        ("POINT (1200 20)", {"people": 4.0}),   # reachable: 800 m along B
        ("POINT (100 20)", {"people": 2.0}),    # cut off: A is flooded between 600 and 800
        ("POINT (480 400)", {"people": 3.0}),   # on C, which meets A at 500: cut off too
        ("POINT (1510 400)", {"people": 7.0}),  # on the bridge, which meets nothing
        ("POINT (500 3020)", {"people": 5.0}),  # island without shelter
        ("POINT (5000 5000)", {"people": 8.0}),  # far from every road
        ("POINT (2000 15)", {"people": 6.0}),   # at the school
        (None, {"people": 9.0}),                # no geometry
    ], [("people", float)])
    hazard = write_layer(path, "hazard", ogr.wkbPolygon, [
        ("POLYGON ((600 -100, 800 -100, 800 100, 600 100, 600 -100))", {"hazard_class": 3}),
    ], [("hazard_class", int)])
    return {"folder": folder, "roads": roads, "shelters": shelters, "households": households,
            "hazard": hazard}


def town_parameters(town, **extra):
    folder = town["folder"]
    parameters = {
        "ROADS": town["roads"], "SPEED_FIELD": "speed", "HOUSEHOLDS": town["households"],
        "POPULATION_FIELD": "people", "SHELTERS": town["shelters"], "SHELTER_NAME_FIELD": "name",
        "CAPACITY_FIELD": "capacity", "HAZARD": town["hazard"], "MAX_SNAP_DISTANCE": 100.0,
        "AT_SHELTER_DISTANCE": 10.0,
        "HOUSEHOLDS_OUTPUT": str(folder / "households_out.gpkg"),
        "SHELTERS_OUTPUT": str(folder / "shelters_out.gpkg"),
        "ROUTES_OUTPUT": str(folder / "routes.gpkg"), "ROADS_OUTPUT": str(folder / "roads_out.gpkg"),
        "ISOCHRONES_OUTPUT": str(folder / "isochrones.gpkg"), "ISOCHRONE_BANDS": "5, 10, 15",
        "REJECTS": str(folder / "rejects.gpkg"), "SUMMARY_JSON": str(folder / "summary.json"),
    }
    parameters.update(extra)
    return parameters


def is_null(value):
    return value is None or (hasattr(value, "isNull") and value.isNull())


def by_people(path):
    return {f["people"]: f for f in read(path).getFeatures()}


def test_statuses_distances_and_shelter_load(town):
    result = run("refuge:evacuation_access", town_parameters(town))
    rows = by_people(result["HOUSEHOLDS_OUTPUT"])
    assert {people: f["status"] for people, f in rows.items()} == {
        4.0: "reachable", 2.0: "isolated_by_flood", 3.0: "isolated_by_flood", 7.0: "no_shelter_reachable",
        5.0: "no_shelter_reachable", 8.0: "no_road", 6.0: "at_shelter"}
    reachable = rows[4.0]
    assert reachable["shelter_name"] == "school"
    assert reachable["distance_m"] == pytest.approx(800.0, rel=1e-3)  # UTM scale factor: < 0.1 %
    assert reachable["travel_time_s"] == pytest.approx(reachable["distance_m"], rel=1e-9)  # 1 m/s
    assert reachable["snap_distance_m"] == pytest.approx(20.0, rel=1e-3)
    # Cut off: no time now, but a shelter was reachable on the dry network (1,900 m west to east).
    assert is_null(rows[2.0]["travel_time_s"]) and is_null(rows[2.0]["shelter_fid"])
    assert rows[2.0]["dry_time_s"] == pytest.approx(1900.0, rel=1e-3)
    assert rows[6.0]["distance_m"] == 0.0 and rows[6.0]["shelter_name"] == "school"

    shelters = {f["name"]: f for f in read(result["SHELTERS_OUTPUT"]).getFeatures()}
    assert shelters["gym"]["shelter_status"] == "flooded" and shelters["gym"]["hazard_class"] == 3
    assert shelters["school"]["shelter_status"] == "safe"
    assert shelters["school"]["households"] == 2 and shelters["school"]["population"] == 10.0
    assert shelters["school"]["load_ratio"] == pytest.approx(0.1)

    rejects = {(f["layer"], f["reason_code"]) for f in read(result["REJECTS"]).getFeatures()}
    assert rejects == {("households", "no_geometry"), ("roads", "zero_length")}
    summary = json.loads(Path(result["SUMMARY_JSON"]).read_text(encoding="utf-8"))
    assert summary["households"]["count"] == 8
    assert sum(summary["households"]["by_status"].values()) == 7  # + 1 rejected
    assert summary["network"]["segments_cut"] >= 1
    # Dry: main street with C, the bridge, the island; flooded: the cut splits the main street.
    assert (summary["network"]["components_dry"], summary["network"]["components_flooded"]) == (3, 4)

    routes = list(read(result["ROUTES_OUTPUT"]).getFeatures())
    assert len(routes) == 1 and routes[0]["distance_m"] == pytest.approx(reachable["distance_m"])
    from qgis.core import QgsCoordinateReferenceSystem, QgsDistanceArea, QgsProject

    measure = QgsDistanceArea()
    measure.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance().transformContext())
    measure.setEllipsoid("WGS84")
    assert measure.measureLength(routes[0].geometry()) == pytest.approx(routes[0]["distance_m"], rel=1e-6)

    roads = list(read(result["ROADS_OUTPUT"]).getFeatures())
    cut = [f for f in roads if not f["passable"]]
    assert len(cut) == 1 and cut[0]["hazard_class"] == 3  # A between the crossing at 500 and 1000
    bands = [(f["band_from_min"], f["band_to_min"]) for f in read(result["ISOCHRONES_OUTPUT"]).getFeatures()]
    assert bands == [(0.0, 5.0), (5.0, 10.0), (10.0, 15.0)]


def test_without_hazard_the_gym_is_a_destination(town):
    parameters = town_parameters(town)
    parameters.pop("HAZARD")
    rows = by_people(run("refuge:evacuation_access", parameters)["HOUSEHOLDS_OUTPUT"])
    # 100 m east of the start of A: 600 m to the gym at x = 700, joined in the middle of a segment.
    assert rows[2.0]["shelter_name"] == "gym" and rows[2.0]["distance_m"] == pytest.approx(600.0, rel=1e-3)
    # From (500, 400) down C to its crossing with A (400 m), then east to the gym (200 m).
    assert rows[3.0]["status"] == "reachable" and rows[3.0]["distance_m"] == pytest.approx(600.0, rel=1e-3)
    assert rows[7.0]["status"] == "no_shelter_reachable"  # the bridge still meets nothing


def test_bad_inputs_give_clear_messages(town, tmp_path):
    from osgeo import ogr
    from qgis.core import QgsProcessingException

    everything_flooded = write_layer(str(tmp_path / "h.gpkg"), "hazard", ogr.wkbPolygon, [
        ("POLYGON ((-10000 -10000, 10000 -10000, 10000 10000, -10000 10000, -10000 -10000))",
         {"hazard_class": 2})], [("hazard_class", int)])
    with pytest.raises(QgsProcessingException, match="All 2 shelters are inside the hazard"):
        run("refuge:evacuation_access", town_parameters(town, HAZARD=everything_flooded))
    far = write_layer(str(tmp_path / "far.gpkg"), "far", ogr.wkbPoint, [("POINT (90000 90000)", {})])
    with pytest.raises(QgsProcessingException, match="No household is within 100.0 m of a usable road"):
        run("refuge:evacuation_access", town_parameters(town, HOUSEHOLDS=far, POPULATION_FIELD=None))
    with pytest.raises(QgsProcessingException,
                       match=r"Speed factor per class .*'low=slow' does not give a number"):
        run("refuge:evacuation_access", town_parameters(town, CLASS_RULES="low=slow"))
    with pytest.raises(QgsProcessingException, match="capacity field"):
        run("refuge:evacuation_access", town_parameters(town, CAPACITY_FIELD=None, CAPACITY_ASSIGNMENT=True))


def line_town(tmp_path, depth=None):
    """One straight road of 2,000 m, a shelter at each end, ten households along it."""
    from osgeo import ogr

    path = str(tmp_path / "line.gpkg")
    roads = write_layer(path, "roads", ogr.wkbLineString, [
        ("LINESTRING (0 0, 2000 0)", {"highway": "residential", "speed": 3.6})],
        [("highway", str), ("speed", float)])
    shelters = write_layer(path, "shelters", ogr.wkbPoint, [
        ("POINT (0 0)", {"capacity": 3.0}), ("POINT (2000 0)", {"capacity": 5.0})], [("capacity", float)])
    households = write_layer(path, "households", ogr.wkbPoint, [
        (f"POINT ({x} 5)", {"x": float(x)}) for x in range(100, 1001, 100)], [("x", float)])
    return roads, shelters, households


def test_capacity_assignment_equals_a_networkx_min_cost_flow(qgis_app, tmp_path):
    roads, shelters, households = line_town(tmp_path)
    result = run("refuge:evacuation_access", {
        "ROADS": roads, "SPEED_FIELD": "speed", "HOUSEHOLDS": households, "SHELTERS": shelters,
        "CAPACITY_FIELD": "capacity", "CAPACITY_ASSIGNMENT": True, "AT_SHELTER_DISTANCE": 0.0,
        "HOUSEHOLDS_OUTPUT": str(tmp_path / "out.gpkg"), "SHELTERS_OUTPUT": str(tmp_path / "shelters.gpkg"),
        "SUMMARY_JSON": str(tmp_path / "summary.json")})
    rows = {f["x"]: f for f in read(result["HOUSEHOLDS_OUTPUT"]).getFeatures()}
    # Nearest shelter: the west one for everyone (x <= 1000): only 3 places there.
    assert all(rows[x]["shelter_fid"] == 1 for x in rows if x < 1000)
    # Independent optimum: networkx min-cost flow over household -> shelter arcs (metres ~ seconds).
    graph = nx.DiGraph()
    for x in rows:
        graph.add_node(("h", x), demand=-1)
        graph.add_edge(("h", x), "west", weight=int(x), capacity=1)
        graph.add_edge(("h", x), "east", weight=int(2000 - x), capacity=1)
        graph.add_edge(("h", x), "none", weight=10 ** 6, capacity=1)
    graph.add_edge("west", "sink", capacity=3, weight=0)
    graph.add_edge("east", "sink", capacity=5, weight=0)
    graph.add_edge("none", "sink", weight=0)
    graph.add_node("sink", demand=len(rows))
    flow = nx.min_cost_flow(graph)
    expected = {x: 1 if flow[("h", x)]["west"] else 2 if flow[("h", x)]["east"] else None for x in rows}
    ours = {x: rows[x]["assigned_shelter_fid"] for x in rows}
    assert ours == expected
    assert {x for x in rows if rows[x]["people_without_place"] == 1.0} == {400.0, 500.0}
    for x, shelter in ours.items():
        if shelter:
            assert rows[x]["assigned_time_s"] == pytest.approx(x if shelter == 1 else 2000 - x, rel=2e-3)
    load = {f["capacity"]: f["assigned_population"] for f in read(result["SHELTERS_OUTPUT"]).getFeatures()}
    assert load == {3.0: 3.0, 5.0: 5.0}


def test_depth_raster_drive_follows_pregnolato_and_walk_stops_at_half_a_metre(qgis_app, tmp_path):
    from osgeo import gdal, osr
    from refuge.core.network.flood import pregnolato_speed_kmh

    roads, shelters, households = line_town(tmp_path)
    raster = str(tmp_path / "depth.tif")
    data = gdal.GetDriverByName("GTiff").Create(raster, 40, 4, 1, gdal.GDT_Float32)
    data.SetGeoTransform((X0 - 500, 100, 0, Y0 + 200, 0, -100))  # covers the road
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    data.SetProjection(srs.ExportToWkt())
    values = np.zeros((4, 40), dtype=np.float32)
    values[:, 20] = 0.2  # 20 cm of water around x = 1500
    band = data.GetRasterBand(1)
    band.WriteArray(values)
    band.SetNoDataValue(-9999)
    data = None
    common = {"ROADS": roads, "HOUSEHOLDS": households, "SHELTERS": shelters,
              "DEPTH": raster, "AT_SHELTER_DISTANCE": 0.0, "PROFILE": 1,
              "SUMMARY_JSON": str(tmp_path / "s.json")}
    fast = dict(common, HOUSEHOLDS_OUTPUT=str(tmp_path / "drive.gpkg"))
    rows = {f["x"]: f for f in read(run("refuge:evacuation_access", fast)["HOUSEHOLDS_OUTPUT"]).getFeatures()}
    speed_ms = float(min(30.0, pregnolato_speed_kmh(0.2))) / 3.6  # residential 30 km/h, limited by water
    assert rows[500.0]["travel_time_s"] == pytest.approx(rows[500.0]["distance_m"] / speed_ms, rel=1e-6)
    assert rows[500.0]["dry_time_s"] == pytest.approx(rows[500.0]["distance_m"] / (30.0 / 3.6), rel=1e-6)
    # The same with every layer in another CRS than the raster's (EPSG:4326, EPSG:3857).
    moved = {}
    for key, crs in (("ROADS", "EPSG:4326"), ("HOUSEHOLDS", "EPSG:3857"), ("SHELTERS", "EPSG:4326")):
        moved[key] = run("native:reprojectlayer", {"INPUT": common[key], "TARGET_CRS": crs,
                                                   "OUTPUT": str(tmp_path / f"{key.lower()}.gpkg")})["OUTPUT"]
    output = run("refuge:evacuation_access",
                 dict(common, **moved, HOUSEHOLDS_OUTPUT=str(tmp_path / "moved.gpkg")))
    for feature in read(output["HOUSEHOLDS_OUTPUT"]).getFeatures():
        same = rows[feature["x"]]
        assert feature["travel_time_s"] == pytest.approx(same["travel_time_s"], rel=1e-6)
        assert feature["distance_m"] == pytest.approx(same["distance_m"], rel=1e-6)
    deep = dict(common, PROFILE=0, WALK_MAX_DEPTH=0.1, MAX_SNAP_DISTANCE=50.0,
                HOUSEHOLDS_OUTPUT=str(tmp_path / "walk.gpkg"))
    output = run("refuge:evacuation_access", deep)["HOUSEHOLDS_OUTPUT"]
    statuses = {f["status"] for f in read(output).getFeatures()}
    assert statuses == {"isolated_by_flood"}  # the only road is under 0.2 m > 0.1 m


def test_facility_access_dry_and_flooded(town):
    folder = town["folder"]
    result = run("refuge:facility_access", {
        "ROADS": town["roads"], "SPEED_FIELD": "speed", "HOUSEHOLDS": town["households"],
        "FACILITIES": town["shelters"], "HAZARD": town["hazard"], "PROFILE": 0, "MAX_SNAP_DISTANCE": 100.0,
        "DELAY_THRESHOLD_MIN": 4.0,
        "HOUSEHOLDS_OUTPUT": str(folder / "access.gpkg"), "SUMMARY_JSON": str(folder / "access.json")})
    rows = {f["people"]: f for f in read(result["HOUSEHOLDS_OUTPUT"]).getFeatures()}
    assert rows[4.0]["access_status"] == "delayed"  # the gym is nearer dry, but its road is flooded
    assert rows[4.0]["time_dry_s"] == pytest.approx(500.0, rel=2e-3)
    assert rows[4.0]["time_flood_s"] == pytest.approx(800.0, rel=2e-3)
    assert rows[4.0]["delay_s"] == pytest.approx(300.0, rel=1e-2)
    assert rows[5.0]["access_status"] == "no_access_dry"
    # On C: the gym's street is flooded (the gym joins no open road) and C is cut from the school.
    assert rows[3.0]["access_status"] == "loses_access"
    assert rows[6.0]["access_status"] == "unchanged" and rows[8.0]["access_status"] == "no_road"
    assert rows[9.0]["access_status"] == "no_geometry"


def test_evacuation_access_through_qgis_process(town, tmp_path):
    parameters = town_parameters(town, HOUSEHOLDS_OUTPUT=str(tmp_path / "hh.gpkg"),
                                 SHELTERS_OUTPUT=str(tmp_path / "sh.gpkg"),
                                 ROUTES_OUTPUT=str(tmp_path / "r.gpkg"),
                                 ROADS_OUTPUT=str(tmp_path / "roads.gpkg"),
                                 ISOCHRONES_OUTPUT=str(tmp_path / "iso.gpkg"),
                                 REJECTS=str(tmp_path / "rej.gpkg"),
                                 SUMMARY_JSON=str(tmp_path / "summary.json"), CAPACITY_ASSIGNMENT="true")
    results, completed = run_json("refuge:evacuation_access", parameters)
    assert results is not None, completed.stderr + completed.stdout
    outputs = results["results"]
    in_process = run("refuge:evacuation_access", town_parameters(town))
    ours = sorted((f["people"], f["status"], round(f["distance_m"] or 0, 6))
                  for f in read(outputs["HOUSEHOLDS_OUTPUT"]).getFeatures())
    expected = sorted((f["people"], f["status"], round(f["distance_m"] or 0, 6))
                      for f in read(in_process["HOUSEHOLDS_OUTPUT"]).getFeatures())
    assert ours == expected
    summary = json.loads(Path(outputs["SUMMARY_JSON"]).read_text(encoding="utf-8"))
    assert summary["capacity_assignment"]["people_without_place"] == 0.0
    results, completed = run_json("refuge:facility_access", {
        "ROADS": parameters["ROADS"], "SPEED_FIELD": "speed", "HOUSEHOLDS": parameters["HOUSEHOLDS"],
        "FACILITIES": parameters["SHELTERS"], "PROFILE": 0, "HOUSEHOLDS_OUTPUT": str(tmp_path / "fa.gpkg")})
    assert results is not None, completed.stderr + completed.stdout
    statuses = {f["access_status"] for f in read(results["results"]["HOUSEHOLDS_OUTPUT"]).getFeatures()}
    assert "unchanged" in statuses


def test_node_id_lists_are_parsed_or_flagged(qgis_app):
    from refuge.core.network.parsing import parse_id_lists

    flat, ok = parse_id_lists(["[1,2,3]", None, "[4, 5]", "[7,x]", "[8]", "[]"], [3, 2, 2, 2, 2, 0])
    assert ok.tolist() == [True, False, True, False, False, True]
    assert flat.tolist() == [1, 2, 3, 0, 0, 4, 5, 0, 0, 0, 0]


def test_class_rules_accept_decimal_commas_and_comma_separated_pairs(qgis_app):
    from refuge.core.network.parsing import parse_class_rules

    assert parse_class_rules("low=0,5; medium=0; high=0") == {1: 0.5, 2: 0.0, 3: 0.0}
    assert parse_class_rules("low=0.25, medium=0.1, high=0") == {1: 0.25, 2: 0.1, 3: 0.0}
    assert parse_class_rules("") == {}
    with pytest.raises(ValueError):
        parse_class_rules("low=2")  # a factor above 1 would speed roads up


@pytest.mark.parametrize("stop_at", [5.0, 40.0, 80.0])
def test_cancel_stops_the_run(town, tmp_path, stop_at):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    import processing

    feedback = QgsProcessingFeedback()
    # As the Cancel button does, once the progress bar passes `stop_at` percent.
    feedback.progressChanged.connect(lambda value: feedback.cancel() if value >= stop_at else None)
    target = tmp_path / "households.gpkg"
    target.write_bytes(b"an earlier run's output")
    with pytest.raises(QgsProcessingException, match="Canceled"):
        processing.run("refuge:evacuation_access", town_parameters(
            town, HOUSEHOLDS_OUTPUT=str(target), SUMMARY_JSON=str(tmp_path / "s.json")), feedback=feedback)
    assert feedback.isCanceled()
    assert not (tmp_path / "s.json").exists()  # the summary comes last
    # Households are written halfway through, but moved into place only when the run succeeds:
    # what was there before stays as it was.
    assert target.read_bytes() == b"an earlier run's output"
    assert not [name for name in os.listdir(tmp_path) if "refuge-tmp" in name]


def test_memory_and_geopackage_outputs_agree(town):
    from qgis.core import QgsProcessingContext, QgsProcessingUtils

    fast = run("refuge:evacuation_access", town_parameters(town))
    slow = run("refuge:evacuation_access", town_parameters(town, HOUSEHOLDS_OUTPUT="memory:",
                                                          SHELTERS_OUTPUT="memory:"))
    layer = slow["HOUSEHOLDS_OUTPUT"]
    if isinstance(layer, str):
        layer = QgsProcessingUtils.mapLayerFromString(layer, QgsProcessingContext())
    assert layer.featureCount() == 7  # the household without geometry is in REJECTS only

    def rows(features):
        return sorted((f["people"], f["status"], f["shelter_name"] if not is_null(f["shelter_name"]) else "",
                       round(f["distance_m"], 6) if not is_null(f["distance_m"]) else -1.0)
                      for f in features)

    assert rows(layer.getFeatures()) == rows(read(fast["HOUSEHOLDS_OUTPUT"]).getFeatures())


def test_temporary_households_outputs_are_geopackages_written_at_file_speed(town):
    """The Processing dialog's default temporary output: one GeoPackage in QGIS's temporary folder
    (the fast path), not a memory layer, with the same rows as a named GeoPackage."""
    from qgis.core import QgsProcessingUtils

    temporary = run("refuge:evacuation_access", town_parameters(
        town, HOUSEHOLDS_OUTPUT="TEMPORARY_OUTPUT"))["HOUSEHOLDS_OUTPUT"]
    named = run("refuge:evacuation_access", town_parameters(town))["HOUSEHOLDS_OUTPUT"]
    assert temporary.endswith(".gpkg") and temporary.startswith(QgsProcessingUtils.tempFolder())
    assert sorted((f["people"], f["status"]) for f in read(temporary).getFeatures()) == \
        sorted((f["people"], f["status"]) for f in read(named).getFeatures())
    access = run("refuge:facility_access", {
        "ROADS": town["roads"], "SPEED_FIELD": "speed", "HOUSEHOLDS": town["households"],
        "FACILITIES": town["shelters"], "HAZARD": town["hazard"], "MAX_SNAP_DISTANCE": 100.0,
        "HOUSEHOLDS_OUTPUT": "TEMPORARY_OUTPUT"})["HOUSEHOLDS_OUTPUT"]
    assert access.endswith(".gpkg") and access.startswith(QgsProcessingUtils.tempFolder())
    statuses = sorted(f["access_status"] for f in read(access).getFeatures())
    assert len(statuses) == 8 and statuses.count("no_geometry") == 1  # listed with its status here
