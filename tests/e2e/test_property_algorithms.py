"""Every algorithm through qgis_process on random geometries and random parameter texts.

Each run batches many random features (every WKB type, EMPTY parts, Z/M, NaN, damaged bytes: see
geometry_strategies) into one layer beside a few plain features, and draws its settings texts,
numbers, bands and extents at random. Whatever the draw, the run ends with exit code 0 and
complete outputs, or with a non-zero exit code and a message: never a traceback, a crash
("Refuge stopped on an unexpected error", a signal, exit code 139), never a changed input; and
on success every building (exposure) and every household (evacuation_access) is in the output or
in the rejects.
"""

import hashlib
import json
import math
import os
import shutil
import tempfile

import pytest
from conftest import SHARED_DATA
from geometry_strategies import Node, corrupted, encode, transformed, write_gpkg
from geometry_strategies import wkb_geometries as random_geometries
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from osgeo import ogr
from qgis_process_helper import run_json

pytestmark = pytest.mark.slow

LON0, LAT0 = 106.8, -6.2  # exposure data: EPSG:4326, 1e-5 degree (about 1 m) per unit
X0, Y0 = 500000.0, 5000000.0  # network data: UTM 33N, 5 m per unit
RUNS = settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


# -- strategies -------------------------------------------------------------------------------------


def items(scale, dx, dy):
    """One feature's geometry: random WKB placed around (dx, dy), damaged bytes, or nothing."""
    placed = st.tuples(random_geometries(), st.booleans()).map(
        lambda t: encode(transformed(t[0][0], scale, dx, dy), t[0][1], big_endian=t[1])
    )
    return st.one_of(placed, placed, placed, placed, placed, placed, corrupted(), st.none())


def geometry_lists(scale, dx, dy, most=25):
    return st.lists(items(scale, dx, dy), min_size=1, max_size=most)


def usually(common, rare, times=4):
    """``common`` about ``times`` times as often as ``rare`` (see geometry_strategies._often)."""
    cut = 1000 // (times + 1)
    return st.integers(0, 1000).flatmap(lambda k: rare if 400 <= k < 400 + cut else common)


ANY_NUMBER = st.sampled_from(["0", "0.5", "1", "-1", "1,5", "abc", "nan", "inf", "1e308", "-0", "15", "500"])
NUMBERS = usually(st.just(""), ANY_NUMBER)  # "": the parameter's default
PEOPLE = st.sampled_from([1.0, 2.0, 5.0, 0.0, None, 3.5, 1e12, 1.0, 2.0, -1.0])
CLASSES = usually(st.sampled_from([0, 1, 2, 3]), st.sampled_from([None, 7]), times=8)

SETTING_TOKENS = [
    "low",
    "medium",
    "high",
    "faible",
    "moyen",
    "fort",
    "dry",
    "women",
    "under5",
    "aged60",
    "water_l_day",
    "household_size",
    "people_per_toilet",
    "shelter_m2",
    "=",
    "=",
    ";",
    ",",
    " ",
    "\n",
    "0",
    "0.5",
    "0,5",
    "1",
    "1.5",
    "-1",
    "abc",
    "nan",
    "YES",
    "é",
]
# (A command-line argument holds no NUL character, nor lone surrogates.)
SETTING_TEXTS = st.one_of(
    st.lists(st.sampled_from(SETTING_TOKENS), max_size=12).map("".join),
    st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20),
    st.just(""),
)
VALID = {
    "DISPLACEMENT": "low=0; medium=0,5; high=1",
    "DEMOGRAPHICS": "women=0.5, under5=0.1",
    "NEEDS": "water_l_day=15",
    "VALUE_MAP": "YES=high; NO=dry",
    "CLASS_RULES": "",
    "ISOCHRONE_BANDS": "5, 10",
}


def setting(name):
    """A settings text: usually a valid one, sometimes random."""
    return usually(st.just(VALID[name]), SETTING_TEXTS, times=6)


EXTENTS = usually(
    st.just(""),
    st.sampled_from(
        [
            f"{LON0 - 0.01},{LON0 + 0.01},{LAT0 - 0.01},{LAT0 + 0.01} [EPSG:4326]",
            f"{LON0},{LON0},{LAT0},{LAT0} [EPSG:4326]",
            "1,2,3",
            "abc",
            "nan,nan,nan,nan",
            "7.40,7.44,43.72,43.76 [EPSG:4326]",
            "-1e308,1e308,-1e308,1e308 [EPSG:4326]",
            f"{LON0 + 0.01},{LON0 - 0.01},{LAT0 - 0.01},{LAT0 + 0.01} [EPSG:99999]",
        ]
    ),
    times=2,
)
BANDS = usually(st.sampled_from([None, 1]), st.sampled_from([0, 2, -1, "x"]))


# -- running --------------------------------------------------------------------------------------


def digest(folder):
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, folder)] = hashlib.sha256(handle.read()).hexdigest()
    return found


class Run:
    """A folder of inputs (``inputs``) and outputs (``outputs``), removed afterwards."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="refuge-property-")
        self.inputs = os.path.join(self.root, "in")
        self.outputs = os.path.join(self.root, "out")
        os.makedirs(self.inputs)
        os.makedirs(self.outputs)

    def layer(self, name, geometry_type, geometries, values, fields, epsg):
        path = os.path.join(self.inputs, f"{name}.gpkg")
        write_gpkg(path, name, geometry_type, list(zip(geometries, values)), fields, epsg)
        return f"{path}|layername={name}"

    def output(self, name, extension="gpkg"):
        return os.path.join(self.outputs, f"{name}.{extension}")

    def run(self, algorithm, parameters):
        """(answer or None, text) after the checks every run must pass."""
        parameters = {k: v for k, v in parameters.items() if v is not None}
        before = digest(self.inputs)
        with tempfile.TemporaryDirectory() as folder:
            debug = os.path.join(folder, "tracebacks.txt")  # REFUGE_DEBUG: an unexpected error's traceback
            answer, completed = run_json(algorithm, parameters, extra_env={"REFUGE_DEBUG": debug})
            trace = open(debug, encoding="utf-8").read() if os.path.exists(debug) else ""
        text = completed.stdout + completed.stderr
        shown = f"{algorithm} {json.dumps(parameters, default=str)[:2000]}\n{text[-4000:]}\n{trace}"
        assert completed.returncode >= 0 and completed.returncode != 139, f"crashed: {shown}"
        for sign in ("Traceback", "Segmentation fault", "unexpected error", "Fatal Python error"):
            assert sign not in text, shown
        if completed.returncode != 0:
            message = [
                line
                for line in completed.stderr.splitlines()
                if line.strip() and "DeprecationWarning" not in line
            ]
            assert message, f"refused without a message: {shown}"
        after = digest(self.inputs)
        changed = sorted(name for name in before if before[name] != after.get(name))
        assert not changed, f"inputs changed: {changed}: {shown}"
        # QGIS itself (any algorithm reading a raster through qgis_process) saves the raster's
        # statistics beside it in a GDAL .aux.xml file: the raster stays as it was.
        added = sorted(name for name in after if name not in before and not name.endswith(".aux.xml"))
        assert not added, f"files written among the inputs: {added}: {shown}"
        return answer, text

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


def count(path):
    data = ogr.Open(path)
    assert data is not None, f"output {path} cannot be opened"
    return data.GetLayer(0).GetFeatureCount()


def rejected(path, layer):
    data = ogr.Open(path)
    assert data is not None, f"output {path} cannot be opened"
    return [f["source_fid"] for f in data.GetLayer(0) if f["layer"] == layer]


def cycle(field, values, size):
    """``size`` rows of ``field`` taking ``values`` in turn."""
    return [{field: values[i % len(values)]} for i in range(size)]


def assert_outputs_complete(answer, outputs):
    """Every requested output exists and opens (GeoPackages with OGR, JSON as JSON)."""
    results = answer["results"]
    for name, path in outputs.items():
        assert name in results, (name, results)
        assert os.path.exists(path), (name, path)
        if path.endswith(".json"):
            with open(path, encoding="utf-8") as handle:
                json.load(handle)
        else:
            count(path)


# -- exposure and prepare_hazard (EPSG:4326) ------------------------------------------------------


def lonlat_box(x1, y1, x2, y2):
    ring = tuple(
        (LON0 + x * 1e-5, LAT0 + y * 1e-5) for x, y in ((x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1))
    )
    return encode(Node("Polygon", (ring,)))


def lonlat_line(x1, y1, x2, y2):
    return encode(
        Node("LineString", ((LON0 + x1 * 1e-5, LAT0 + y1 * 1e-5), (LON0 + x2 * 1e-5, LAT0 + y2 * 1e-5)))
    )


# Every layer starts with plain features: QGIS 3.22 gives a GeoPackage layer of type GEOMETRY whose
# first feature is a collection or unreadable no CRS (then Refuge refuses it, rightly, as without CRS).
PLAIN_ZONES = [lonlat_box(-1000, -1000, 0, 1000), lonlat_box(0, -1000, 1000, 1000)]
DECLARED = st.sampled_from(
    [ogr.wkbUnknown, ogr.wkbUnknown, ogr.wkbPolygon, ogr.wkbMultiSurface, ogr.wkbPoint]
)


@RUNS
@given(
    buildings=geometry_lists(1e-5, LON0, LAT0),
    people=st.lists(PEOPLE, min_size=25, max_size=25),
    zones=geometry_lists(1e-5, LON0, LAT0, most=5),
    classes=st.lists(CLASSES, min_size=7, max_size=7),
    declared=DECLARED,
    displacement=setting("DISPLACEMENT"),
    demographics=setting("DEMOGRAPHICS"),
    needs=setting("NEEDS"),
    with_roads=st.booleans(),
    with_units=st.booleans(),
)
def test_exposure_on_random_geometries_and_settings(
    buildings, people, zones, classes, declared, displacement, demographics, needs, with_roads, with_units
):
    run = Run()
    try:
        plain = [lonlat_box(-5, -5, 5, 5)]  # one plain building
        geometries = plain + buildings
        building_layer = run.layer(
            "buildings",
            declared,
            geometries,
            cycle("people", people, len(geometries)),
            [("people", ogr.OFTReal)],
            4326,
        )
        zone_geometries = PLAIN_ZONES + zones
        zone_layer = run.layer(
            "zones",
            ogr.wkbUnknown,
            zone_geometries,
            [{"hazard_class": c} for c in ([1, 3] + classes)[: len(zone_geometries)]],
            [("hazard_class", ogr.OFTInteger)],
            4326,
        )
        outputs = {
            "BUILDINGS_OUTPUT": run.output("buildings_out"),
            "REJECTS": run.output("rejects"),
            "SUMMARY_JSON": run.output("summary", "json"),
        }
        parameters = {
            "HAZARD": zone_layer,
            "BUILDINGS": building_layer,
            "POPULATION_FIELD": "people",
            "DISPLACEMENT": displacement,
            "DEMOGRAPHICS": demographics,
            "NEEDS": needs,
            **outputs,
        }
        if with_roads:
            parameters["ROADS"] = run.layer(
                "roads", ogr.wkbUnknown, buildings, [{}] * len(buildings), [], 4326
            )
            outputs["ROADS_OUTPUT"] = parameters["ROADS_OUTPUT"] = run.output("roads_out")
        if with_units:
            parameters["AGGREGATION"] = run.layer(
                "units", ogr.wkbUnknown, zones + PLAIN_ZONES, [{}] * (len(zones) + 2), [], 4326
            )
            outputs["UNITS_OUTPUT"] = parameters["UNITS_OUTPUT"] = run.output("units_out")
        answer, _ = run.run("refuge:exposure", parameters)
        if answer is not None:
            assert_outputs_complete(answer, outputs)
            assert count(outputs["BUILDINGS_OUTPUT"]) + len(rejected(outputs["REJECTS"], "buildings")) == len(
                geometries
            )
    finally:
        run.close()


@RUNS
@given(
    zones=geometry_lists(1e-5, LON0, LAT0),
    area=geometry_lists(1e-5, LON0, LAT0, most=4),
    value_map=setting("VALUE_MAP"),
    extent=EXTENTS,
    with_area=st.booleans(),
    declared=DECLARED,
)
def test_prepare_hazard_on_random_zones_and_settings(zones, area, value_map, extent, with_area, declared):
    run = Run()
    try:
        geometries = PLAIN_ZONES + zones
        zone_layer = run.layer(
            "zones",
            declared,
            geometries,
            [{"FLOOD": "YES" if i % 2 else "NO"} for i in range(len(geometries))],
            [("FLOOD", ogr.OFTString)],
            4326,
        )
        outputs = {"OUTPUT": run.output("hazard"), "REJECTS": run.output("rejects")}
        parameters = {
            "ZONES": zone_layer,
            "CLASS_FIELD": "FLOOD",
            "VALUE_MAP": value_map,
            "EXTENT": extent or None,
            **outputs,
        }
        if with_area:
            parameters["AREA"] = run.layer(
                "area", ogr.wkbUnknown, area + PLAIN_ZONES[:1], [{}] * (len(area) + 1), [], 4326
            )
        answer, _ = run.run("refuge:prepare_hazard", parameters)
        if answer is not None:
            assert_outputs_complete(answer, outputs)
            assert count(outputs["REJECTS"]) <= len(geometries)
    finally:
        run.close()


@RUNS
@given(
    values=st.lists(st.sampled_from([0.0, 0.2, 0.7, 2.0, -3.0, math.nan, 1e30]), min_size=16, max_size=16),
    band=BANDS,
    low=NUMBERS,
    medium=NUMBERS,
    minimum=NUMBERS,
    extent=EXTENTS,
    buildings=geometry_lists(1e-5, LON0, LAT0),
)
def test_depth_raster_with_random_numbers_and_bands(values, band, low, medium, minimum, extent, buildings):
    import numpy as np
    from osgeo import gdal, osr

    run = Run()
    try:
        path = os.path.join(run.inputs, "depth.tif")
        dataset = gdal.GetDriverByName("GTiff").Create(path, 4, 4, 1, gdal.GDT_Float32)
        dataset.SetGeoTransform((LON0 - 0.004, 0.002, 0.0, LAT0 + 0.004, 0.0, -0.002))
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(4326)
        dataset.SetProjection(srs.ExportToWkt())
        dataset.GetRasterBand(1).SetNoDataValue(-9999.0)
        dataset.GetRasterBand(1).WriteArray(np.array(values, dtype=np.float32).reshape(4, 4))
        dataset = None
        depth = {
            "DEPTH": path,
            "BAND": band,
            "LOW_MAX": low or None,
            "MEDIUM_MAX": medium or None,
            "MIN_DEPTH": minimum or None,
        }
        outputs = {"OUTPUT": run.output("hazard")}
        answer, _ = run.run("refuge:prepare_hazard", {**depth, "EXTENT": extent or None, **outputs})
        if answer is not None:
            assert_outputs_complete(answer, outputs)
        geometries = [lonlat_box(-5, -5, 5, 5)] + buildings
        layer = run.layer("buildings", ogr.wkbUnknown, geometries, [{}] * len(geometries), [], 4326)
        outputs = {"BUILDINGS_OUTPUT": run.output("buildings_out"), "REJECTS": run.output("rejects")}
        answer, _ = run.run("refuge:exposure", {**depth, "BUILDINGS": layer, **outputs})
        if answer is not None:
            assert_outputs_complete(answer, outputs)
            assert count(outputs["BUILDINGS_OUTPUT"]) + len(rejected(outputs["REJECTS"], "buildings")) == len(
                geometries
            )
    finally:
        run.close()


# -- evacuation_access and facility_access (UTM 33N) ----------------------------------------------


def utm_line(points):
    return encode(Node("LineString", tuple((X0 + x, Y0 + y) for x, y in points)))


def utm_point(x, y):
    return encode(Node("Point", (X0 + x, Y0 + y)))


PLAIN_ROADS = [
    utm_line([(-200, 0), (200, 0)]),
    utm_line([(0, -200), (0, 200)]),
    utm_line([(200, 0), (200, 200)]),
]


def network_layers(run, roads, households, shelters, people, with_hazard, zones):
    road_geometries = PLAIN_ROADS + roads
    layers = {
        "ROADS": run.layer(
            "roads",
            ogr.wkbUnknown,
            road_geometries,
            cycle("highway", ["residential", "footway", "steps", "motorway"], len(road_geometries)),
            [("highway", ogr.OFTString)],
            32633,
        ),
        "HOUSEHOLDS": run.layer(
            "households",
            ogr.wkbUnknown,
            [utm_point(-150, 10)] + households,
            cycle("people", [2.0] + people, len(households) + 1),
            [("people", ogr.OFTReal)],
            32633,
        ),
        "SHELTERS": run.layer(
            "shelters",
            ogr.wkbUnknown,
            [utm_point(200, 190)] + shelters,
            [{"name": f"s{i}", "capacity": 10.0} for i in range(len(shelters) + 1)],
            [("name", ogr.OFTString), ("capacity", ogr.OFTReal)],
            32633,
        ),
    }
    if with_hazard:
        square = tuple(
            (X0 + x, Y0 + y) for x, y in ((-60, -60), (-40, -60), (-40, -40), (-60, -40), (-60, -60))
        )
        hazard = [encode(Node("Polygon", (square,)))] + zones
        layers["HAZARD"] = run.layer(
            "hazard",
            ogr.wkbUnknown,
            hazard,
            [{"hazard_class": 3}] * len(hazard),
            [("hazard_class", ogr.OFTInteger)],
            32633,
        )
    return layers, len(households) + 1


@RUNS
@given(
    roads=geometry_lists(5.0, X0, Y0, most=10),
    households=geometry_lists(5.0, X0, Y0),
    shelters=geometry_lists(5.0, X0, Y0, most=5),
    people=st.lists(PEOPLE, max_size=26),
    zones=geometry_lists(5.0, X0, Y0, most=4),
    with_hazard=st.booleans(),
    profile=st.sampled_from([0, 1]),
    snap=NUMBERS,
    bands=st.one_of(st.just("5, 10"), st.sampled_from(["", "abc", "0", "-5", "5;;10", "1e9"])),
    class_rules=st.one_of(st.just(""), SETTING_TEXTS),
    capacity=st.booleans(),
)
def test_evacuation_access_on_random_geometries_and_settings(
    roads, households, shelters, people, zones, with_hazard, profile, snap, bands, class_rules, capacity
):
    run = Run()
    try:
        layers, household_count = network_layers(run, roads, households, shelters, people, with_hazard, zones)
        outputs = {
            "HOUSEHOLDS_OUTPUT": run.output("households_out"),
            "SHELTERS_OUTPUT": run.output("shelters_out"),
            "ROADS_OUTPUT": run.output("roads_out"),
            "ISOCHRONES_OUTPUT": run.output("isochrones"),
            "REJECTS": run.output("rejects"),
            "SUMMARY_JSON": run.output("summary", "json"),
        }
        answer, _ = run.run(
            "refuge:evacuation_access",
            {
                **layers,
                "POPULATION_FIELD": "people",
                "CAPACITY_FIELD": "capacity",
                "SHELTER_NAME_FIELD": "name",
                "PROFILE": profile,
                "MAX_SNAP_DISTANCE": snap or None,
                "ISOCHRONE_BANDS": bands,
                "CLASS_RULES": class_rules,
                "CAPACITY_ASSIGNMENT": capacity,
                **outputs,
            },
        )
        if answer is not None:
            assert_outputs_complete(answer, outputs)
            assert (
                count(outputs["HOUSEHOLDS_OUTPUT"]) + len(rejected(outputs["REJECTS"], "households"))
                == household_count
            )
    finally:
        run.close()


@RUNS
@given(
    roads=geometry_lists(5.0, X0, Y0, most=10),
    households=geometry_lists(5.0, X0, Y0),
    facilities=geometry_lists(5.0, X0, Y0, most=5),
    zones=geometry_lists(5.0, X0, Y0, most=4),
    with_hazard=st.booleans(),
    profile=st.sampled_from([0, 1]),
    snap=NUMBERS,
    delay=NUMBERS,
)
def test_facility_access_on_random_geometries_and_settings(
    roads, households, facilities, zones, with_hazard, profile, snap, delay
):
    run = Run()
    try:
        layers, household_count = network_layers(run, roads, households, facilities, [], with_hazard, zones)
        layers["FACILITIES"] = layers.pop("SHELTERS")
        outputs = {
            "HOUSEHOLDS_OUTPUT": run.output("households_out"),
            "REJECTS": run.output("rejects"),
            "SUMMARY_JSON": run.output("summary", "json"),
        }
        answer, _ = run.run(
            "refuge:facility_access",
            {
                **layers,
                "PROFILE": profile,
                "MAX_SNAP_DISTANCE": snap or None,
                "DELAY_THRESHOLD_MIN": delay or None,
                **outputs,
            },
        )
        if answer is not None:
            assert_outputs_complete(answer, outputs)
            assert count(outputs["HOUSEHOLDS_OUTPUT"]) == household_count  # every household, status said
    finally:
        run.close()


# -- osm_extract_pbf ----------------------------------------------------------------------------------

MONACO = os.path.join(SHARED_DATA, "osm", "monaco-latest.osm.pbf")
MONACO_EXTENTS = st.sampled_from(
    [
        "",
        "7.41,7.43,43.72,43.74 [EPSG:4326]",
        "7.41,7.41,43.72,43.72 [EPSG:4326]",
        "0,1,0,1 [EPSG:4326]",
        "abc",
        "nan,nan,nan,nan [EPSG:4326]",
        "7.43,7.41,43.72,43.74 [EPSG:4326]",
        "1,2,3",
    ]
)


@pytest.mark.skipif(not os.path.exists(MONACO), reason="test data osm/monaco-latest.osm.pbf is absent")
@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    extent=MONACO_EXTENTS,
    themes=usually(st.sampled_from(["1", "0,1"]), st.sampled_from(["9", "-1", "abc", "", "1;3"])),
    area=geometry_lists(1e-3, 7.42, 43.73, most=6),
    with_area=st.booleans(),
)
def test_osm_extract_pbf_with_random_extents_themes_and_areas(extent, themes, area, with_area):
    run = Run()
    try:
        shutil.copy(MONACO, os.path.join(run.inputs, "monaco.osm.pbf"))
        parameters = {
            "INPUT": os.path.join(run.inputs, "monaco.osm.pbf"),
            "THEMES": themes or None,
            "EXTENT": extent or None,
            "OUTPUT": run.output("monaco"),
        }
        if with_area:
            monaco = [
                encode(Node("Polygon", (((7.41, 43.72), (7.43, 43.72), (7.43, 43.74), (7.41, 43.72)),)))
            ]
            parameters["AREA"] = run.layer(
                "area", ogr.wkbUnknown, monaco + area, [{}] * (len(area) + 1), [], 4326
            )
        answer, _ = run.run("refuge:osm_extract_pbf", parameters)
        if answer is not None:
            assert os.path.exists(parameters["OUTPUT"])
            assert ogr.Open(parameters["OUTPUT"]) is not None
    finally:
        run.close()
