"""Hostile inputs through the real qgis_process binary, where a user meets them.

The review of b07f12a found crashes (curved geometries: "Unknown WKB type 10"; a MULTIPOINT with
an EMPTY part as a household: a segmentation fault, exit code 139) and silently wrong numbers
(ratios above 1, negative needs and people, text read as 0 people). Every run here must end
with exit code 0 and complete outputs, or a non-zero exit with a message and no traceback;
every input feature is in an output or in the rejects with a reason code.

Inputs are written with osgeo.ogr into GeoPackages (which store curves and EMPTY parts).
Expected classes and distances are set by construction (features placed well inside zones, on
arcs of known radius) and checked with pyproj's geodesic measures, never taken from a run.
Exposure data are in EPSG:4326 near Jakarta, in units of D = 1e-4 degree (about 11 m) from
(LON0, LAT0); network data in UTM 33N, in metres from (X0, Y0).
"""

import json
import math
import os
import sqlite3

import numpy as np
import pyproj
import pytest
from conftest import shared_file
from geometry_strategies import Node, encode
from osgeo import gdal, ogr, osr
from qgis_process_helper import run_json

pytestmark = pytest.mark.slow

LON0, LAT0, D = 106.8, -6.2, 1e-4
X0, Y0 = 500000.0, 5000000.0
GEOD = pyproj.Geod(ellps="WGS84")
READ_REASONS = {
    "no_geometry",
    "unreadable_geometry",
    "invalid_coordinates",
    "wrong_geometry_type",
    "degenerate_geometry",
}
NAN, INF = math.nan, math.inf


# -- writing inputs -------------------------------------------------------------------------------


def p(x, y, *extra):
    """'lon lat [z [m]]' of local exposure coordinates."""
    return " ".join(repr(v) for v in (LON0 + x * D, LAT0 + y * D, *extra))


def u(x, y, *extra):
    """'x y [z [m]]' of local network coordinates (metres in UTM 33N)."""
    return " ".join(repr(v) for v in (X0 + x, Y0 + y, *extra))


def box(f, x1, y1, x2, y2):
    """The body of a rectangular POLYGON: '((corner, ..., corner))' (box(...)[1:-1] is its ring)."""
    return f"(({f(x1, y1)}, {f(x2, y1)}, {f(x2, y2)}, {f(x1, y2)}, {f(x1, y1)}))"


def circle(f, cx, cy, r):
    """A closed CIRCULARSTRING: a full circle of radius r centred on (cx, cy)."""
    return f"CIRCULARSTRING ({f(cx - r, cy)}, {f(cx + r, cy)}, {f(cx - r, cy)})"


def geometry_of(spec):
    """An OGR geometry from WKT, from WKB (bytes) or a Node (encoded), or None."""
    if spec is None:
        return None
    if isinstance(spec, Node):
        spec = encode(spec)
    geometry = ogr.CreateGeometryFromWkb(spec) if isinstance(spec, bytes) else ogr.CreateGeometryFromWkt(spec)
    assert geometry is not None, f"test data: OGR cannot read {spec!r}"
    return geometry


KINDS = {float: ogr.OFTReal, int: ogr.OFTInteger, str: ogr.OFTString}


def write(path, name, geometry_type, rows, fields=(), epsg=4326):
    """A GeoPackage layer written with OGR; rows are (WKT, WKB, Node or None, {field: value}).

    Returns "path|layername=name". A layer that exists in ``path`` is replaced.
    """
    path = str(path)
    data = ogr.Open(path, 1) if os.path.exists(path) else ogr.GetDriverByName("GPKG").CreateDataSource(path)
    if data.GetLayerByName(name) is not None:
        data.DeleteLayer(name)
    srs = None
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    layer = data.CreateLayer(name, srs, geometry_type)
    for field, kind in fields:
        layer.CreateField(ogr.FieldDefn(field, KINDS.get(kind, kind)))
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # NaN extents: GDAL's own complaint, not under test
    try:
        for spec, values in rows:
            feature = ogr.Feature(layer.GetLayerDefn())
            geometry = geometry_of(spec)
            if geometry is not None:
                feature.SetGeometry(geometry)
            for field, value in values.items():
                if value is not None:
                    feature.SetField(field, value)
            assert layer.CreateFeature(feature) == 0
    finally:
        gdal.PopErrorHandler()
    data = None
    return f"{path}|layername={name}"


def layer_file(folder, name, geometry_type, rows, fields=(), epsg=4326):
    """One layer in a GeoPackage of its own (``folder``/``name``.gpkg)."""
    return write(os.path.join(str(folder), f"{name}.gpkg"), name, geometry_type, rows, fields, epsg)


def raster(path, values, x0, y0, pixel, epsg=4326, nodata=-9999.0):
    """A one-band float GeoTIFF, north up, top-left corner (x0, y0)."""
    values = np.asarray(values, dtype=np.float32)
    dataset = gdal.GetDriverByName("GTiff").Create(
        str(path), values.shape[1], values.shape[0], 1, gdal.GDT_Float32
    )
    dataset.SetGeoTransform((x0, pixel, 0.0, y0, 0.0, -pixel))
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        dataset.SetProjection(srs.ExportToWkt())
    band = dataset.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(nodata)
    band.WriteArray(values)
    dataset = None
    return str(path)


# -- running and reading ----------------------------------------------------------------------------


def output_text(completed):
    return completed.stdout + completed.stderr


def assert_no_crash(completed):
    text = output_text(completed)
    assert completed.returncode >= 0 and completed.returncode != 139, (
        f"qgis_process crashed (exit code {completed.returncode}):\n{text[-4000:]}"
    )
    assert "Traceback" not in text, text[-4000:]
    assert "Segmentation fault" not in text, text[-4000:]


def succeed(algorithm, parameters):
    """The JSON answer of a run that must succeed (exit 0)."""
    answer, completed = run_json(algorithm, parameters)
    assert_no_crash(completed)
    assert completed.returncode == 0, output_text(completed)[-4000:]
    return answer


def refused(algorithm, parameters, *fragments):
    """The text of a run that must be refused, saying every one of ``fragments``."""
    _, completed = run_json(algorithm, parameters)
    assert_no_crash(completed)
    text = output_text(completed)
    assert completed.returncode != 0, f"the run was not refused:\n{text[-3000:]}"
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text[-3000:]}"
    return text


def warnings_of(answer):
    return answer.get("log", {}).get("warning", [])


def features(path, layer=None):
    """[(fid, {field: value}, OGR geometry or None)] of a layer as OGR reads it."""
    path = str(path)
    if "|layername=" in path:
        path, layer = path.split("|layername=")
    data = ogr.Open(path)
    assert data is not None, path
    source = data.GetLayerByName(layer) if layer else data.GetLayer(0)
    rows = []
    for feature in source:
        geometry = feature.GetGeometryRef()
        rows.append((feature.GetFID(), feature.items(), None if geometry is None else geometry.Clone()))
    return rows


def rejects(path):
    """[(layer, source_fid, reason_code)] of a REJECTS table (layer None when it has no layer column)."""
    return [(items.get("layer"), items["source_fid"], items["reason_code"]) for _, items, _ in features(path)]


def count(path, layer=None):
    return len(features(path, layer))


def geodesic_length_of_points(points):
    lons, lats = zip(*points)
    return GEOD.line_length(lons, lats)


def arc_points(f, cx, cy, r, start, end, steps=2000):
    """Points (lon, lat) along an arc of a circle drawn in local coordinates (angles in degrees)."""
    result = []
    for k in range(steps + 1):
        angle = math.radians(start + (end - start) * k / steps)
        x, y = (float(v) for v in f(cx + r * math.cos(angle), cy + r * math.sin(angle)).split()[:2])
        result.append((x, y))
    return result


def geodesic_circle_area(cx, cy, r, steps=2000):
    """Area (m²) of a circle drawn in exposure coordinates, on the WGS 84 ellipsoid."""
    points = arc_points(p, cx, cy, r, 0, 360, steps)
    lons, lats = zip(*points)
    return abs(GEOD.polygon_area_perimeter(lons, lats)[0])


# =================================================================================================
# 1. Geometries that crashed: curves, EMPTY parts, Z/M, NaN, collections, in every input
# =================================================================================================

# Hazard zones: code, geometry (local units). Z1 a circle (curved), Z2 a box, Z3 a multipolygon
# with an EMPTY part, Z4 a stadium (compound curve), Z5 without geometry, Z6 a POLYGON ZM.
ZONES = [
    (3, f"CURVEPOLYGON ({circle(p, 10, 10, 10)})"),
    (1, f"POLYGON {box(p, 30, 0, 50, 20)}"),
    (2, f"MULTIPOLYGON (({box(p, 60, 0, 80, 20)[1:-1]}), EMPTY)"),
    (
        3,
        f"MULTISURFACE (CURVEPOLYGON (COMPOUNDCURVE (({p(90, 0)}, {p(110, 0)}), CIRCULARSTRING ({p(110, 0)}, "
        f"{p(120, 10)}, {p(110, 20)}), ({p(110, 20)}, {p(90, 20)}, {p(90, 0)}))))",
    ),
    (2, None),
    (
        1,
        f"POLYGON ZM (({p(130, 0, 5, 1)}, {p(150, 0, 5, 1)}, {p(150, 20, 5, 1)}, {p(130, 20, 5, 1)}, "
        f"{p(130, 0, 5, 1)}))",
    ),
]


def z(x, y):
    return p(x, y, 7.0)


def m(x, y):
    return p(x, y, 9.0)


def zm(x, y):
    return p(x, y, 7.0, 9.0)


# Buildings: name, geometry, people, expected class (None: rejected with the reason given).
BUILDINGS = [
    ("curved", f"CURVEPOLYGON ({circle(p, 10, 10, 2)})", 3.0, 3),
    (
        "multisurface",
        f"MULTISURFACE (CURVEPOLYGON ({circle(p, 40, 10, 2)}), ({box(p, 35, 4, 36, 5)[1:-1]}))",
        5.0,
        1,
    ),
    ("empty part", f"MULTIPOLYGON (({box(p, 65, 5, 67, 7)[1:-1]}), EMPTY)", 7.0, 2),
    ("empty ring", f"POLYGON ({box(p, 165, 5, 170, 10)[1:-1]}, EMPTY)", 11.0, 0),
    ("z", f"POLYGON Z {box(z, 95, 5, 97, 7)}", 13.0, 3),
    ("m", f"POLYGON M {box(m, 135, 5, 137, 7)}", 17.0, 1),
    ("zm", f"POLYGON ZM {box(zm, 44, 14, 46, 16)}", 19.0, 1),
    ("multipoint empty", f"MULTIPOINT (EMPTY, ({p(10, 12)}))", 23.0, 3),
    ("nan nan", Node("Point", (NAN, NAN)), 29.0, "no_geometry"),
    ("inf", Node("Point", (INF, LAT0)), 31.0, "invalid_coordinates"),
    ("collection", f"GEOMETRYCOLLECTION (POINT ({p(170, 15)}), POLYGON {box(p, 66, 12, 68, 14)})", 37.0, 2),
    ("line", f"LINESTRING ({p(160, 1)}, {p(165, 1)})", 41.0, "wrong_geometry_type"),
    ("degenerate", f"POLYGON (({p(175, 5)}, {p(176, 6)}, {p(175, 5)}))", 43.0, "degenerate_geometry"),
    ("none", None, 47.0, "no_geometry"),
    (
        "circular string",
        f"CIRCULARSTRING ({p(160, 2)}, {p(161, 3)}, {p(162, 2)})",
        53.0,
        "wrong_geometry_type",
    ),
    ("compound curve", f"COMPOUNDCURVE (({p(160, 4)}, {p(161, 4)}))", 59.0, "wrong_geometry_type"),
    ("multicurve", f"MULTICURVE (({p(160, 6)}, {p(161, 6)}))", 61.0, "wrong_geometry_type"),
    (
        "degenerate hole",
        f"POLYGON ({box(p, 180, 5, 190, 15)[1:-1]}, ({p(182, 7)}, {p(183, 8)}, {p(182, 7)}))",
        67.0,
        0,
    ),
    (
        "curved z",
        f"CURVEPOLYGON Z ({circle(z, 100, 10, 2).replace('CIRCULARSTRING', 'CIRCULARSTRING Z')})",
        71.0,
        3,
    ),
]

FACILITIES = [
    ("curved", f"CURVEPOLYGON ({circle(p, 12, 8, 1)})", 3),
    ("multipoint empty", f"MULTIPOINT (EMPTY, ({p(40, 12)}))", 1),
    ("z", f"POINT Z ({z(170, 15)})", 0),
    ("nan", Node("Point", (LON0, NAN)), "invalid_coordinates"),
    ("multisurface", f"MULTISURFACE (CURVEPOLYGON ({circle(p, 70, 10, 1)}))", 2),
    ("line", f"LINESTRING ({p(160, 1)}, {p(165, 1)})", "wrong_geometry_type"),
    ("none", None, "no_geometry"),
]

# Roads: name, geometry, class, expected length (m) along the linearised road (None: rejected).
ROADS = [
    ("circular", f"CIRCULARSTRING ({p(5, 10)}, {p(10, 15)}, {p(15, 10)})", 3),
    (
        "compound",
        f"COMPOUNDCURVE (({p(32, 10)}, {p(38, 10)}), CIRCULARSTRING ({p(38, 10)}, {p(42, 14)}, {p(46, 10)}))",
        1,
    ),
    (
        "multicurve",
        f"MULTICURVE (({p(62, 10)}, {p(70, 10)}), CIRCULARSTRING ({p(70, 10)}, {p(74, 14)}, {p(78, 10)}))",
        2,
    ),
    ("empty part", f"MULTILINESTRING (({p(165, 2)}, {p(175, 2)}), EMPTY)", 0),
    ("empty", "LINESTRING EMPTY", "no_geometry"),
    ("z", f"LINESTRING Z ({z(135, 10)}, {z(145, 10)})", 1),
    ("polygon", f"POLYGON {box(p, 160, 0, 161, 1)}", "wrong_geometry_type"),
    ("none", None, "no_geometry"),
]


def road_lengths():
    """Geodesic length (m) of each road as drawn, by hand: arcs sampled finely, straight parts."""
    return {
        "circular": geodesic_length_of_points(arc_points(p, 10, 10, 5, 180, 0)),
        "compound": geodesic_length_of_points(
            [tuple(map(float, p(32, 10).split())), tuple(map(float, p(38, 10).split()))]
        )
        + geodesic_length_of_points(arc_points(p, 42, 10, 4, 180, 0)),
        "multicurve": geodesic_length_of_points(
            [tuple(map(float, p(62, 10).split())), tuple(map(float, p(70, 10).split()))]
        )
        + geodesic_length_of_points(arc_points(p, 74, 10, 4, 180, 0)),
        "empty part": geodesic_length_of_points(
            [tuple(map(float, p(165, 2).split())), tuple(map(float, p(175, 2).split()))]
        ),
        "z": geodesic_length_of_points(
            [tuple(map(float, p(135, 10).split())), tuple(map(float, p(145, 10).split()))]
        ),
    }


UNITS = [
    ("u1", f"MULTISURFACE (CURVEPOLYGON ({circle(p, 25, 10, 30)}))"),
    ("u2", f"POLYGON {box(p, 58, -5, 125, 25)}"),
    ("u3", None),
]
UNIT_OF = {
    "curved": "u1",
    "multisurface": "u1",
    "multipoint empty": "u1",
    "zm": "u1",
    "empty part": "u2",
    "z": "u2",
    "collection": "u2",
    "curved z": "u2",
}


@pytest.fixture(scope="module")
def exposure_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exposure_geometries")
    return {
        "folder": folder,
        "hazard": layer_file(
            folder,
            "zones",
            ogr.wkbUnknown,
            [(g, {"hazard_class": c}) for c, g in ZONES],
            [("hazard_class", int)],
        ),
        "buildings": layer_file(
            folder,
            "buildings",
            ogr.wkbUnknown,
            [(g, {"name": n, "people": people}) for n, g, people, _ in BUILDINGS],
            [("name", str), ("people", float)],
        ),
        "facilities": layer_file(
            folder,
            "facilities",
            ogr.wkbUnknown,
            [(g, {"name": n, "category": "hospital"}) for n, g, _ in FACILITIES],
            [("name", str), ("category", str)],
        ),
        "roads": layer_file(
            folder, "roads", ogr.wkbUnknown, [(g, {"name": n}) for n, g, _ in ROADS], [("name", str)]
        ),
        "units": layer_file(
            folder, "units", ogr.wkbUnknown, [(g, {"name": n}) for n, g in UNITS], [("name", str)]
        ),
    }


@pytest.fixture(scope="module", params=["gpkg", "geojson"])
def exposure_run(request, exposure_inputs):
    """One exposure run over every odd geometry; buildings written as a GeoPackage (GDAL's Arrow
    read, file copy) or as GeoJSON (QGIS's feature read, feature sink)."""
    inputs, kind = exposure_inputs, request.param
    folder = inputs["folder"] / kind
    folder.mkdir()
    outputs = {
        "BUILDINGS_OUTPUT": str(folder / f"buildings_out.{kind}"),
        "FACILITIES_OUTPUT": str(folder / "facilities_out.gpkg"),
        "ROADS_OUTPUT": str(folder / "roads_out.gpkg"),
        "UNITS_OUTPUT": str(folder / "units_out.gpkg"),
        "REJECTS": str(folder / "rejects.gpkg"),
        "SUMMARY_JSON": str(folder / "summary.json"),
    }
    answer = succeed(
        "refuge:exposure",
        {
            "HAZARD": inputs["hazard"],
            "BUILDINGS": inputs["buildings"],
            "POPULATION_FIELD": "people",
            "FACILITIES": inputs["facilities"],
            "FACILITY_CATEGORY_FIELD": "category",
            "ROADS": inputs["roads"],
            "AGGREGATION": inputs["units"],
            "AGGREGATION_NAME_FIELD": "name",
            **outputs,
        },
    )
    with open(outputs["SUMMARY_JSON"], encoding="utf-8") as handle:
        summary = json.load(handle)
    return {
        "answer": answer,
        "outputs": outputs,
        "summary": summary,
        "rejects": rejects(outputs["REJECTS"]),
        "inputs": inputs,
    }


def by_name(layer_path, inputs_path):
    """{name: output attributes} of an output, matched to the input by its name field."""
    return {items["name"]: items for _, items, _ in features(layer_path)}


def input_fids(path):
    return {items["name"]: fid for fid, items, _ in features(path)}


def test_exposure_classes_every_curved_and_odd_building(exposure_run):
    written = by_name(exposure_run["outputs"]["BUILDINGS_OUTPUT"], None)
    expected = {name: code for name, _, _, code in BUILDINGS if isinstance(code, int)}
    assert {name: written[name]["hazard_class"] for name in written} == expected


def test_exposure_rejects_the_unusable_buildings_with_their_reason(exposure_run):
    fids = input_fids(exposure_run["inputs"]["buildings"])
    expected = {("buildings", fids[name], code) for name, _, _, code in BUILDINGS if isinstance(code, str)}
    assert {r for r in exposure_run["rejects"] if r[0] == "buildings"} == expected


def test_exposure_accounts_for_every_building(exposure_run):
    written = count(exposure_run["outputs"]["BUILDINGS_OUTPUT"])
    rejected = [r for r in exposure_run["rejects"] if r[0] == "buildings"]
    assert written + len(rejected) == len(BUILDINGS) == count(exposure_run["inputs"]["buildings"])
    assert len(set(rejected)) == len(rejected)


def test_exposure_counts_people_of_the_curved_buildings_in_their_class(exposure_run):
    people = {c: 0.0 for c in range(4)}
    counts = {c: 0 for c in range(4)}
    for _, _, number, code in BUILDINGS:
        if isinstance(code, int):
            people[code] += number
            counts[code] += 1
    block = exposure_run["summary"]["buildings"]
    assert {int(c): v for c, v in block["population"].items()} == pytest.approx(people)
    assert {int(c): v for c, v in block["count"].items()} == counts


def test_exposure_footprint_of_a_curved_building_is_its_circle(exposure_run):
    written = by_name(exposure_run["outputs"]["BUILDINGS_OUTPUT"], None)
    assert written["curved"]["footprint_m2"] == pytest.approx(geodesic_circle_area(10, 10, 2), rel=0.01)


def test_exposure_places_curved_buildings_in_curved_units(exposure_run):
    written = by_name(exposure_run["outputs"]["BUILDINGS_OUTPUT"], None)
    assert {name: items["unit"] for name, items in written.items()} == {
        name: UNIT_OF.get(name) for name in written
    }
    units = {items["name"] for _, items, _ in features(exposure_run["outputs"]["UNITS_OUTPUT"])}
    assert units == {"u1", "u2"}
    fids = input_fids(exposure_run["inputs"]["units"])
    assert ("units", fids["u3"], "no_geometry") in exposure_run["rejects"]


def test_exposure_classes_curved_facilities_and_rejects_the_others(exposure_run):
    written = by_name(exposure_run["outputs"]["FACILITIES_OUTPUT"], None)
    expected = {name: code for name, _, code in FACILITIES if isinstance(code, int)}
    assert {name: items["hazard_class"] for name, items in written.items()} == expected
    fids = input_fids(exposure_run["inputs"]["facilities"])
    assert {r for r in exposure_run["rejects"] if r[0] == "facilities"} == {
        ("facilities", fids[name], code) for name, _, code in FACILITIES if isinstance(code, str)
    }


def test_exposure_measures_curved_roads_along_their_arcs(exposure_run):
    pieces = {}
    classes = {}
    for _, items, _ in features(exposure_run["outputs"]["ROADS_OUTPUT"]):
        pieces[items["name"]] = pieces.get(items["name"], 0.0) + items["length_m"]
        classes.setdefault(items["name"], set()).add(items["hazard_class"])
    lengths = road_lengths()
    assert set(pieces) == set(lengths)
    for name, length in lengths.items():
        assert pieces[name] == pytest.approx(length, rel=0.005), name
    assert classes == {name: {code} for name, _, code in ROADS if isinstance(code, int)}
    fids = input_fids(exposure_run["inputs"]["roads"])
    assert {r for r in exposure_run["rejects"] if r[0] == "roads"} == {
        ("roads", fids[name], code) for name, _, code in ROADS if isinstance(code, str)
    }


def test_exposure_rejects_the_zone_without_geometry_and_uses_the_curved_ones(exposure_run):
    assert [r for r in exposure_run["rejects"] if r[0] == "hazard"] == [("hazard", 5, "no_geometry")]


# -- prepare_hazard ZONES and AREA ------------------------------------------------------------------

PREPARE_ZONES = [
    ("YES", f"CURVEPOLYGON ({circle(p, 10, 10, 10)})", None),
    ("NO", f"MULTISURFACE (CURVEPOLYGON ({circle(p, 40, 10, 5)}))", None),
    ("YES", f"MULTIPOLYGON (({box(p, 60, 0, 80, 20)[1:-1]}), EMPTY)", None),
    ("YES", f"POLYGON ({box(p, 90, 0, 100, 10)[1:-1]}, EMPTY)", None),
    ("YES", f"POLYGON ZM {box(zm, 110, 0, 120, 10)}", None),
    ("YES", f"GEOMETRYCOLLECTION (POINT ({p(200, 200)}), POLYGON {box(p, 130, 0, 140, 10)})", None),
    ("YES", Node("Point", (INF, LAT0)), "invalid_coordinates"),
    ("YES", f"LINESTRING ({p(0, 50)}, {p(10, 50)})", "not_polygon"),
    ("YES", None, "empty_geometry"),
    ("YES", f"POLYGON (({p(0, 60)}, {p(1, 61)}, {p(0, 60)}))", "degenerate_geometry"),
    ("MAYBE", f"POLYGON {box(p, 150, 0, 160, 10)}", "unmapped_value"),
]


def box_area(x1, y1, x2, y2):
    lons = [LON0 + x * D for x in (x1, x2, x2, x1)]
    lats = [LAT0 + y * D for y in (y1, y1, y2, y2)]
    return abs(GEOD.polygon_area_perimeter(lons, lats)[0])


def test_prepare_hazard_reads_curved_zones_and_a_curved_area(tmp_path):
    zones = layer_file(
        tmp_path, "zones", ogr.wkbUnknown, [(g, {"FLOOD": v}) for v, g, _ in PREPARE_ZONES], [("FLOOD", str)]
    )
    # The area: a circle around the first zone and the left half of the box at 60-80.
    area = layer_file(
        tmp_path,
        "area",
        ogr.wkbMultiSurface,
        [
            (
                f"MULTISURFACE (CURVEPOLYGON ({circle(p, 10, 10, 15)}), {box(p, 60, -5, 70, 25)}, "
                f"{box(p, 85, -5, 145, 25)})",
                {},
            )
        ],
    )
    output, rejected = str(tmp_path / "hazard.gpkg"), str(tmp_path / "rejects.gpkg")
    succeed(
        "refuge:prepare_hazard",
        {
            "ZONES": zones,
            "CLASS_FIELD": "FLOOD",
            "VALUE_MAP": "YES=high; NO=dry",
            "AREA": area,
            "OUTPUT": output,
            "REJECTS": rejected,
        },
    )
    classes = {items["hazard_class"]: items for _, items, _ in features(output)}
    assert set(classes) == {3}
    expected = (
        geodesic_circle_area(10, 10, 10)
        + box_area(60, 0, 70, 20)
        + box_area(90, 0, 100, 10)
        + box_area(110, 0, 120, 10)
        + box_area(130, 0, 140, 10)
    )
    assert classes[3]["area_m2"] == pytest.approx(expected, rel=0.01)
    fids = [fid for fid, _, _ in features(zones)]
    assert sorted((fid, code) for _, fid, code in rejects(rejected)) == sorted(
        (fid, reason) for fid, (_, _, reason) in zip(fids, PREPARE_ZONES) if reason
    )


# -- evacuation_access and facility_access ------------------------------------------------------------

# A street west to east (0-1000), then a half circle of radius 500 (1000 -> 2000) that is the only
# way to the shelter at 2000: households west of 1000 reach it along the arc.
NETWORK_ROADS = [
    ("street", f"LINESTRING ({u(0, 0)}, {u(1000, 0)})"),
    ("arc", f"CIRCULARSTRING ({u(1000, 0)}, {u(1500, 500)}, {u(2000, 0)})"),
    (
        "compound",
        f"COMPOUNDCURVE (({u(2000, 0)}, {u(2200, 0)}), CIRCULARSTRING ({u(2200, 0)}, {u(2300, 100)}, "
        f"{u(2400, 0)}))",
    ),
    (
        "multicurve",
        f"MULTICURVE (({u(0, 0)}, {u(0, -300)}), CIRCULARSTRING ({u(0, -300)}, {u(100, -400)}, "
        f"{u(200, -300)}))",
    ),
    ("empty part", f"MULTILINESTRING (({u(1000, 0)}, {u(1000, -200)}), EMPTY)"),
    ("z", f"LINESTRING Z ({u(2400, 0, 3)}, {u(2600, 0, 3)})"),
    ("empty", "LINESTRING EMPTY"),
    ("all empty", "MULTILINESTRING (EMPTY, EMPTY)"),
    ("nan", Node("LineString", ((X0, Y0), (NAN, Y0 + 10)))),
    ("none", None),
    ("private", f"MULTILINESTRING (({u(0, 100)}, {u(50, 100)}), ({u(50, 100)}, {u(90, 100)}))"),
]
NETWORK_ROAD_REASONS = {
    "empty": "no_geometry",
    "all empty": "no_geometry",
    "nan": "invalid_coordinates",
    "none": "no_geometry",
    "private": "closed_to_profile",
}

ARC = math.pi * 500


def expected_distance(x_on_street):
    """Metres along the network from a point of the street to the shelter at (2000, 0)."""
    return (1000 - x_on_street) + ARC


# name, geometry, people, status or reason, distance along the network (m)
HOUSEHOLDS = [
    ("multipoint empty", f"MULTIPOINT (EMPTY, ({u(900, 10)}))", 2.0, "reachable", expected_distance(900)),
    ("z", f"POINT Z ({u(800, 10, 4)})", 3.0, "reachable", expected_distance(800)),
    ("curved building", f"CURVEPOLYGON ({circle(u, 700, 20, 5)})", 5.0, "reachable", expected_distance(700)),
    (
        "empty ring",
        f"POLYGON ({box(u, 595, 10, 605, 20)[1:-1]}, EMPTY)",
        7.0,
        "reachable",
        expected_distance(600),
    ),
    (
        "collection",
        f"GEOMETRYCOLLECTION (LINESTRING ({u(0, 50)}, {u(1, 50)}), POINT ({u(500, 10)}))",
        11.0,
        "reachable",
        expected_distance(500),
    ),
    ("on the far curve", f"POINT ({u(2300, 105)})", 13.0, "reachable", None),
    ("nan nan", Node("Point", (NAN, NAN)), 17.0, "no_geometry", None),
    ("inf", Node("Point", (INF, Y0)), 19.0, "invalid_coordinates", None),
    ("line", f"LINESTRING ({u(100, 10)}, {u(200, 10)})", 23.0, "wrong_geometry_type", None),
    ("none", None, 29.0, "no_geometry", None),
    ("multipoint of empties", "MULTIPOINT (EMPTY, EMPTY)", 31.0, "no_geometry", None),
]
HOUSEHOLD_REASONS = {name: status for name, _, _, status, _ in HOUSEHOLDS if status in READ_REASONS}

SHELTERS = [
    ("school", f"MULTIPOINT (EMPTY, ({u(2000, 5)}))", 100.0, "safe"),
    ("hall", f"CURVEPOLYGON ({circle(u, 2600, 20, 10)})", 50.0, "safe"),
    ("nan", Node("Point", (X0, NAN)), 10.0, "invalid_coordinates"),
]


@pytest.fixture(scope="module")
def network_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("network_geometries")
    utm = 32633
    return {
        "folder": folder,
        "roads": layer_file(
            folder,
            "roads",
            ogr.wkbUnknown,
            [
                (
                    g,
                    {
                        "name": n,
                        "highway": "residential",
                        "speed": 3.6,
                        "access": "private" if n == "private" else None,
                    },
                )
                for n, g in NETWORK_ROADS
            ],
            [("name", str), ("highway", str), ("speed", float), ("access", str)],
            epsg=utm,
        ),
        "households": layer_file(
            folder,
            "households",
            ogr.wkbUnknown,
            [(g, {"name": n, "people": people}) for n, g, people, _, _ in HOUSEHOLDS],
            [("name", str), ("people", float)],
            epsg=utm,
        ),
        "shelters": layer_file(
            folder,
            "shelters",
            ogr.wkbUnknown,
            [(g, {"name": n, "capacity": c}) for n, g, c, _ in SHELTERS],
            [("name", str), ("capacity", float)],
            epsg=utm,
        ),
        "units": layer_file(
            folder,
            "units",
            ogr.wkbUnknown,
            [
                (f"CURVEPOLYGON ({circle(u, 500, 0, 700)})", {"name": "west"}),
                (f"MULTISURFACE ({box(u, 1300, -100, 2700, 700)})", {"name": "east"}),
            ],
            [("name", str)],
            epsg=utm,
        ),
    }


def network_parameters(inputs, **extra):
    parameters = {
        "ROADS": inputs["roads"],
        "SPEED_FIELD": "speed",
        "HOUSEHOLDS": inputs["households"],
        "MAX_SNAP_DISTANCE": 100.0,
        "PROFILE": 0,
    }
    parameters.update(extra)
    return parameters


@pytest.fixture(scope="module")
def evacuation_run(network_inputs):
    folder = network_inputs["folder"] / "evacuation"
    folder.mkdir()
    outputs = {
        name: str(folder / f"{name.lower()}.gpkg")
        for name in (
            "HOUSEHOLDS_OUTPUT",
            "SHELTERS_OUTPUT",
            "ROUTES_OUTPUT",
            "ROADS_OUTPUT",
            "UNITS_OUTPUT",
            "REJECTS",
        )
    }
    answer = succeed(
        "refuge:evacuation_access",
        network_parameters(
            network_inputs,
            POPULATION_FIELD="people",
            SHELTERS=network_inputs["shelters"],
            SHELTER_NAME_FIELD="name",
            CAPACITY_FIELD="capacity",
            AGGREGATION=network_inputs["units"],
            AGGREGATION_NAME_FIELD="name",
            SUMMARY_JSON=str(folder / "summary.json"),
            **outputs,
        ),
    )
    return {"answer": answer, "outputs": outputs, "rejects": rejects(outputs["REJECTS"])}


def test_evacuation_routes_households_of_every_geometry_along_the_curved_road(evacuation_run):
    written = by_name(evacuation_run["outputs"]["HOUSEHOLDS_OUTPUT"], None)
    expected = {name: status for name, _, _, status, _ in HOUSEHOLDS if name not in HOUSEHOLD_REASONS}
    assert {name: items["status"] for name, items in written.items()} == expected
    for name, _, _, _, distance in HOUSEHOLDS:
        if distance is not None:
            # UTM 33N at its central meridian: a scale factor of 0.9996 (0.04 %); linearised arcs.
            assert written[name]["distance_m"] == pytest.approx(distance, rel=0.003), name
            assert written[name]["shelter_name"] == "school", name


def test_evacuation_rejects_the_unusable_households_once_with_their_reason(evacuation_run):
    fids = input_fids(evacuation_run["answer"]["inputs"]["HOUSEHOLDS"])
    expected = {("households", fids[name], reason) for name, reason in HOUSEHOLD_REASONS.items()}
    found = [r for r in evacuation_run["rejects"] if r[0] == "households"]
    assert set(found) == expected and len(found) == len(expected)


def test_evacuation_accounts_for_every_household(evacuation_run):
    written = count(evacuation_run["outputs"]["HOUSEHOLDS_OUTPUT"])
    rejected = [r for r in evacuation_run["rejects"] if r[0] == "households"]
    assert written + len(rejected) == len(HOUSEHOLDS)


def test_evacuation_reads_curved_and_empty_part_shelters(evacuation_run):
    written = by_name(evacuation_run["outputs"]["SHELTERS_OUTPUT"], None)
    assert {name: items["shelter_status"] for name, items in written.items()} == {
        name: status for name, _, _, status in SHELTERS if status not in READ_REASONS
    }
    people = sum(people for name, _, people, status, distance in HOUSEHOLDS if distance is not None)
    assert written["school"]["population"] == pytest.approx(people)
    fids = input_fids(evacuation_run["answer"]["inputs"]["SHELTERS"])
    assert ("shelters", fids["nan"], "invalid_coordinates") in evacuation_run["rejects"]


def test_evacuation_rejects_unusable_roads_once(evacuation_run):
    fids = input_fids(evacuation_run["answer"]["inputs"]["ROADS"])
    found = [r for r in evacuation_run["rejects"] if r[0] == "roads"]
    assert sorted(found) == sorted(
        ("roads", fids[name], reason) for name, reason in NETWORK_ROAD_REASONS.items()
    )


def test_evacuation_units_of_curved_polygons(evacuation_run):
    units = {items["unit"]: items for _, items, _ in features(evacuation_run["outputs"]["UNITS_OUTPUT"])}
    west = [n for n, g, _, s, d in HOUSEHOLDS if d is not None]  # all on the street, x 500-900
    assert units["west"]["households"] == len(west)
    assert units["east"]["households"] == 1  # on the far curve


@pytest.fixture(scope="module")
def facility_run(network_inputs):
    folder = network_inputs["folder"] / "facility"
    folder.mkdir()
    facilities = layer_file(
        folder,
        "facilities",
        ogr.wkbUnknown,
        [
            (f"MULTIPOINT (EMPTY, ({u(2000, 5)}))", {"name": "station"}),
            (f"CURVEPOLYGON ({circle(u, 2600, 20, 10)})", {"name": "hospital"}),
            (None, {"name": "nowhere"}),
            ("POINT EMPTY", {"name": "empty"}),
        ],
        [("name", str)],
        epsg=32633,
    )
    outputs = {"HOUSEHOLDS_OUTPUT": str(folder / "households.gpkg"), "REJECTS": str(folder / "rejects.gpkg")}
    answer = succeed(
        "refuge:facility_access",
        network_parameters(
            network_inputs,
            FACILITIES=facilities,
            FACILITY_NAME_FIELD="name",
            SUMMARY_JSON=str(folder / "summary.json"),
            **outputs,
        ),
    )
    return {
        "answer": answer,
        "outputs": outputs,
        "rejects": rejects(outputs["REJECTS"]),
        "facilities": facilities,
    }


def test_facility_access_reaches_households_of_every_geometry_along_the_curved_road(facility_run):
    written = by_name(facility_run["outputs"]["HOUSEHOLDS_OUTPUT"], None)
    assert set(written) == {name for name, *_ in HOUSEHOLDS}  # every household is written
    for name, _, _, _, distance in HOUSEHOLDS:
        if distance is not None:
            assert written[name]["access_status"] == "unchanged", name
            assert written[name]["distance_dry_m"] == pytest.approx(distance, rel=0.003), name
            assert written[name]["facility_name_dry"] == "station", name
    for name in HOUSEHOLD_REASONS:
        assert written[name]["access_status"] == "no_geometry", name


def test_facility_access_rejects_lists_households_facilities_and_roads(facility_run):
    households = input_fids(facility_run["answer"]["inputs"]["HOUSEHOLDS"])
    facilities = input_fids(facility_run["facilities"])
    roads = input_fids(facility_run["answer"]["inputs"]["ROADS"])
    expected = [("households", households[n], r) for n, r in HOUSEHOLD_REASONS.items()]
    expected += [
        ("facilities", facilities["nowhere"], "no_geometry"),
        ("facilities", facilities["empty"], "no_geometry"),
    ]
    expected += [("roads", roads[n], r) for n, r in NETWORK_ROAD_REASONS.items()]
    assert sorted(facility_run["rejects"]) == sorted(expected)


def test_exposure_of_a_collection_of_self_intersecting_polygons_does_not_stop_the_run(tmp_path):
    """A building made of two bow-tie polygons in a collection is read (and repaired, as any invalid
    building) or rejected: it must not stop the whole run on GEOS's TopologyException."""
    hazard = layer_file(
        tmp_path,
        "zones",
        ogr.wkbPolygon,
        [(f"POLYGON {box(p, 0, 0, 50, 50)}", {"hazard_class": 3})],
        [("hazard_class", int)],
    )
    # (The plain building first: QGIS 3.22 gives a layer of type GEOMETRY whose first feature is a
    # collection no CRS.)
    buildings = layer_file(
        tmp_path,
        "buildings",
        ogr.wkbUnknown,
        [
            (f"POLYGON {box(p, 10, 10, 12, 12)}", {"name": "plain"}),
            (
                f"GEOMETRYCOLLECTION (POLYGON (({p(1, 1)}, {p(5, 5)}, {p(5, 1)}, {p(1, 5)}, {p(1, 1)})), "
                f"POLYGON (({p(3, 1)}, {p(7, 5)}, {p(7, 1)}, {p(3, 5)}, {p(3, 1)})))",
                {"name": "bow ties"},
            ),
        ],
        [("name", str)],
    )
    out, rejected = str(tmp_path / "out.gpkg"), str(tmp_path / "rejects.gpkg")
    succeed(
        "refuge:exposure",
        {"HAZARD": hazard, "BUILDINGS": buildings, "BUILDINGS_OUTPUT": out, "REJECTS": rejected},
    )
    assert count(out) + len([r for r in rejects(rejected) if r[0] == "buildings"]) == 2


def test_exposure_of_a_collection_of_polygons_that_enclose_nothing(tmp_path):
    """Zero-area polygons in a collection: the building is rejected (degenerate), not analysed as EMPTY."""
    hazard = layer_file(
        tmp_path,
        "zones",
        ogr.wkbPolygon,
        [(f"POLYGON {box(p, 0, 0, 50, 50)}", {"hazard_class": 3})],
        [("hazard_class", int)],
    )
    buildings = layer_file(
        tmp_path,
        "buildings",
        ogr.wkbUnknown,
        [
            (f"POLYGON {box(p, 10, 10, 12, 12)}", {"name": "plain"}),
            (
                f"GEOMETRYCOLLECTION (POLYGON (({p(1, 1)}, {p(1, 1)}, {p(1, 1)}, {p(1, 1)})), "
                f"POLYGON (({p(2, 1)}, {p(3, 1)}, {p(4, 1)}, {p(2, 1)})))",
                {"name": "flat"},
            ),
        ],
        [("name", str)],
    )
    out, rejected = str(tmp_path / "out.gpkg"), str(tmp_path / "rejects.gpkg")
    answer = succeed(
        "refuge:exposure",
        {"HAZARD": hazard, "BUILDINGS": buildings, "BUILDINGS_OUTPUT": out, "REJECTS": rejected},
    )
    assert set(by_name(out, None)) == {"plain"}
    assert [r[2] for r in rejects(rejected) if r[0] == "buildings"] in (
        ["degenerate_geometry"],
        ["no_geometry"],
    )
    assert answer is not None


def test_evacuation_of_a_household_of_polygons_that_enclose_nothing(network_inputs, tmp_path):
    """The same household in evacuation_access: in REJECTS with a reason, the run goes on."""
    households = layer_file(
        tmp_path,
        "households",
        ogr.wkbUnknown,
        [
            (f"POINT ({u(900, 10)})", {"name": "plain"}),
            (
                f"GEOMETRYCOLLECTION (POLYGON (({u(800, 10)}, {u(800, 10)}, {u(800, 10)}, {u(800, 10)})), "
                f"POLYGON (({u(700, 10)}, {u(710, 10)}, {u(720, 10)}, {u(700, 10)})))",
                {"name": "flat"},
            ),
        ],
        [("name", str)],
        epsg=32633,
    )
    out, rejected = str(tmp_path / "out.gpkg"), str(tmp_path / "rejects.gpkg")
    succeed(
        "refuge:evacuation_access",
        network_parameters(
            network_inputs,
            HOUSEHOLDS=households,
            SHELTERS=network_inputs["shelters"],
            HOUSEHOLDS_OUTPUT=out,
            REJECTS=rejected,
        ),
    )
    assert set(by_name(out, None)) == {"plain"}
    assert [r[2] for r in rejects(rejected) if r[0] == "households"] in (
        ["degenerate_geometry"],
        ["no_geometry"],
    )


# =================================================================================================
# 3. Wrong numbers: settings out of range, negative or text counts of people
# =================================================================================================

# Three zones side by side (low 0-10, medium 10-20, high 20-30) and buildings with people.
TOWN_BUILDINGS = [(2, 1.0), (7, 2.0), (12, 4.0), (17, 8.0), (22, 16.0), (27, 32.0), (40, 64.0)]  # (x, people)
TOWN_CLASS = {2: 1, 7: 1, 12: 2, 17: 2, 22: 3, 27: 3, 40: 0}


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    folder = tmp_path_factory.mktemp("town")
    hazard = layer_file(
        folder,
        "zones",
        ogr.wkbPolygon,
        [(f"POLYGON {box(p, 10 * (c - 1), 0, 10 * c, 10)}", {"hazard_class": c}) for c in (1, 2, 3)],
        [("hazard_class", int)],
    )
    buildings = layer_file(
        folder,
        "buildings",
        ogr.wkbPolygon,
        [
            (f"POLYGON {box(p, x, 4, x + 1, 5)}", {"people": people, "kind": "house"})
            for x, people in TOWN_BUILDINGS
        ],
        [("people", float), ("kind", str)],
    )
    return {"folder": folder, "hazard": hazard, "buildings": buildings}


def town_parameters(town, **extra):
    parameters = {"HAZARD": town["hazard"], "BUILDINGS": town["buildings"], "POPULATION_FIELD": "people"}
    parameters.update(extra)
    return parameters


@pytest.mark.parametrize(
    "name, text, fragments",
    [
        ("DEMOGRAPHICS", "women=1.5", ["Demographic ratios", "'women=1.5'", "between 0 and 1"]),
        ("DEMOGRAPHICS", "under5=-0,1", ["Demographic ratios", "'under5=-0,1'", "between 0 and 1"]),
        (
            "NEEDS",
            "water_l_day=-15",
            ["Minimum needs per displaced person", "'water_l_day=-15'", "at least 0"],
        ),
        (
            "NEEDS",
            "household_size=0",
            ["Minimum needs per displaced person", "'household_size=0'", "above 0"],
        ),
        (
            "NEEDS",
            "people_per_toilet=0",
            ["Minimum needs per displaced person", "'people_per_toilet=0'", "above 0"],
        ),
        ("DISPLACEMENT", "high=2", ["Displacement rate per class", "'high=2'", "between 0 and 1"]),
        (
            "DISPLACEMENT",
            "low=0.1; faible=0.2",
            ["Displacement rate per class", "faible=0.2", "a second time"],
        ),
        ("DEMOGRAPHICS", "women=0.5; Women=0.4", ["Demographic ratios", "a second time"]),
        ("NEEDS", "water=15", ["Minimum needs per displaced person", "'water'", "water_l_day"]),
        ("DISPLACEMENT", "low=abc", ["Displacement rate per class", "'low=abc'", "does not give a number"]),
    ],
)
def test_exposure_refuses_settings_out_of_range(town, tmp_path, name, text, fragments):
    out = tmp_path / "buildings_out.gpkg"
    refused("refuge:exposure", town_parameters(town, **{name: text}, BUILDINGS_OUTPUT=str(out)), *fragments)
    assert not out.exists()


def test_exposure_reads_french_classes_and_decimal_commas(town, tmp_path):
    summary_path = str(tmp_path / "summary.json")
    succeed(
        "refuge:exposure",
        town_parameters(
            town,
            DISPLACEMENT="faible=0, moyen=0,5, fort=1",
            DEMOGRAPHICS="women=0,6; under5=0,1",
            NEEDS="water_l_day=20; household_size=4",
            BUILDINGS_OUTPUT=str(tmp_path / "out.gpkg"),
            SUMMARY_JSON=summary_path,
        ),
    )
    with open(summary_path, encoding="utf-8") as handle:
        displaced = json.load(handle)["displaced"]
    people = {c: sum(n for x, n in TOWN_BUILDINGS if TOWN_CLASS[x] == c) for c in range(4)}
    expected = people[2] * 0.5 + people[3] * 1.0
    assert displaced["people"] == pytest.approx(expected)
    assert displaced["groups"]["women"] == pytest.approx(expected * 0.6)
    assert displaced["groups"]["under5"] == pytest.approx(expected * 0.1)
    assert displaced["groups"]["aged60"] == pytest.approx(expected * 0.14)  # the default, kept
    assert displaced["needs"]["water_l_day"] == pytest.approx(expected * 20)
    assert displaced["needs"]["household_kits"] == pytest.approx(expected / 4)


def test_exposure_refuses_negative_people_naming_the_feature(town, tmp_path):
    buildings = layer_file(
        tmp_path,
        "buildings",
        ogr.wkbPolygon,
        [
            (f"POLYGON {box(p, 2, 4, 3, 5)}", {"people": 4.0}),
            (f"POLYGON {box(p, 12, 4, 13, 5)}", {"people": -3.0}),
        ],
        [("people", float)],
    )
    refused(
        "refuge:exposure",
        town_parameters(town, BUILDINGS=buildings),
        "Population field",
        "negative",
        "(fid 2)",
    )


def test_exposure_refuses_a_negative_census_naming_the_unit(town, tmp_path):
    units = layer_file(
        tmp_path,
        "units",
        ogr.wkbPolygon,
        [
            (f"POLYGON {box(p, -5, -5, 15, 15)}", {"name": "A", "census": 100.0}),
            (f"POLYGON {box(p, 15, -5, 45, 15)}", {"name": "B", "census": -200.0}),
        ],
        [("name", str), ("census", float)],
    )
    refused(
        "refuge:exposure",
        {
            "HAZARD": town["hazard"],
            "BUILDINGS": town["buildings"],
            "AGGREGATION": units,
            "AGGREGATION_NAME_FIELD": "name",
            "UNIT_POPULATION_FIELD": "census",
        },
        "census",
        "negative",
        "(fid 2)",
    )


def test_exposure_refuses_a_population_raster_with_negative_people(town, tmp_path):
    values = np.full((4, 4), 10.0)
    values[1, 2] = -5.0
    path = raster(tmp_path / "people.tif", values, LON0, LAT0 + 10 * D, 10 * D)
    refused(
        "refuge:exposure",
        {"HAZARD": town["hazard"], "BUILDINGS": town["buildings"], "POPULATION_RASTER": path},
        "negative",
        "-5",
    )


def text_in_real_column(path, table, column, fid, text):
    """Store text in a REAL column of a GeoPackage, as SQLite allows (and GDAL then reads 0).

    The table's R-tree triggers name GDAL's SQL functions: plain sqlite3 gets them here.
    """
    import shapely

    def shape(blob):
        envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 7]
        return shapely.from_wkb(bytes(blob[8 + envelope :]))

    connection = sqlite3.connect(str(path))
    try:
        connection.create_function("ST_IsEmpty", 1, lambda b: None if b is None else int(shape(b).is_empty))
        for name, index in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
            connection.create_function(name, 1, lambda b, i=index: None if b is None else shape(b).bounds[i])
        connection.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE fid = ?', (text, fid))
        connection.commit()
        assert connection.execute(
            f'SELECT typeof("{column}") FROM "{table}" WHERE fid = ?', (fid,)
        ).fetchone() == ("text",)
    finally:
        connection.close()


def test_exposure_refuses_text_stored_in_a_real_population_column(town, tmp_path):
    buildings = layer_file(
        tmp_path,
        "buildings",
        ogr.wkbPolygon,
        [(f"POLYGON {box(p, x, 4, x + 1, 5)}", {"people": people}) for x, people in TOWN_BUILDINGS],
        [("people", float)],
    )
    text_in_real_column(tmp_path / "buildings.gpkg", "buildings", "people", 3, "abc")
    assert features(buildings)[2][1]["people"] in (0.0, "abc", None)  # what GDAL makes of it
    refused(
        "refuge:exposure",
        town_parameters(town, BUILDINGS=buildings, BUILDINGS_OUTPUT=str(tmp_path / "out.gpkg")),
        "Population field",
        "not numbers",
        "(fid 3)",
    )


def evacuation_town(folder, people=(4.0, 2.0), capacity=100.0, capacity_kind=float, flat=False):
    """Roads of 2 km along y=0 (and a spur north at x=1000 unless ``flat``), households at x 500 and
    900, a shelter at 2000 (UTM 33N)."""
    lines = [f"LINESTRING ({u(x, 0)}, {u(x + 500, 0)})" for x in range(0, 2000, 500)]
    if not flat:
        lines.append(f"LINESTRING ({u(1000, 0)}, {u(1000, 300)})")
    roads = layer_file(
        folder,
        "roads",
        ogr.wkbLineString,
        [(line, {"highway": "residential"}) for line in lines],
        [("highway", str)],
        epsg=32633,
    )
    households = layer_file(
        folder,
        "households",
        ogr.wkbPoint,
        [(f"POINT ({u(x, 10)})", {"people": n}) for x, n in zip((500, 900), people)],
        [("people", float)],
        epsg=32633,
    )
    shelters = layer_file(
        folder,
        "shelters",
        ogr.wkbPoint,
        [(f"POINT ({u(2000, 5)})", {"name": "school", "capacity": capacity})],
        [("name", str), ("capacity", capacity_kind)],
        epsg=32633,
    )
    return {
        "ROADS": roads,
        "HOUSEHOLDS": households,
        "SHELTERS": shelters,
        "POPULATION_FIELD": "people",
        "CAPACITY_FIELD": "capacity",
        "SHELTER_NAME_FIELD": "name",
        "MAX_SNAP_DISTANCE": 100.0,
    }


def test_evacuation_refuses_negative_people_and_capacities(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    refused(
        "refuge:evacuation_access",
        evacuation_town(tmp_path / "a", people=(4.0, -1.0)),
        "Population field",
        "negative",
        "(fid 2)",
    )
    refused(
        "refuge:evacuation_access",
        evacuation_town(tmp_path / "b", capacity=-50.0),
        "Capacity field",
        "negative",
        "(fid 1)",
    )


def test_evacuation_refuses_a_capacity_in_words_and_reads_one_in_figures(tmp_path):
    (tmp_path / "words").mkdir()
    (tmp_path / "figures").mkdir()
    refused(
        "refuge:evacuation_access",
        evacuation_town(tmp_path / "words", capacity="fifty", capacity_kind=str),
        "Capacity field",
        "fifty",
        "(fid 1)",
    )
    out = str(tmp_path / "figures" / "shelters_out.gpkg")
    succeed(
        "refuge:evacuation_access",
        {**evacuation_town(tmp_path / "figures", capacity="50", capacity_kind=str), "SHELTERS_OUTPUT": out},
    )
    ((_, school, _),) = features(out)
    assert school["population"] == pytest.approx(6.0)
    assert school["capacity"] == "50"  # the input's field, as it was
    assert school["refuge_capacity"] == pytest.approx(50.0)  # the capacity read from it
    assert school["load_ratio"] == pytest.approx(6.0 / 50.0)


def test_evacuation_refuses_text_stored_in_a_real_population_column(tmp_path):
    parameters = evacuation_town(tmp_path)
    text_in_real_column(tmp_path / "households.gpkg", "households", "people", 2, "abc")
    refused("refuge:evacuation_access", parameters, "Population field", "not numbers", "(fid 2)")


# =================================================================================================
# 4. A whole layer of the wrong geometry type
# =================================================================================================


def test_layers_of_the_wrong_geometry_type_are_refused_naming_the_type(town, tmp_path):
    points = layer_file(
        tmp_path,
        "points",
        ogr.wkbPoint,
        [(f"POINT ({p(5, 5)})", {"hazard_class": 3})],
        [("hazard_class", int)],
    )
    lines = layer_file(tmp_path, "lines", ogr.wkbLineString, [(f"LINESTRING ({p(1, 1)}, {p(5, 5)})", {})])
    refused("refuge:exposure", {"HAZARD": points, "BUILDINGS": town["buildings"]}, "must hold polygons")
    refused("refuge:exposure", {"HAZARD": town["hazard"], "BUILDINGS": lines}, "must hold points or polygons")
    refused(
        "refuge:exposure",
        {"HAZARD": town["hazard"], "BUILDINGS": town["buildings"], "ROADS": town["hazard"]},
        "must hold lines",
    )
    refused(
        "refuge:prepare_hazard",
        {
            "ZONES": points,
            "CLASS_FIELD": "hazard_class",
            "VALUE_MAP": "3=high",
            "OUTPUT": str(tmp_path / "h.gpkg"),
        },
        "must hold polygons",
    )
    (tmp_path / "net").mkdir()
    network = evacuation_town(tmp_path / "net")
    polygons = layer_file(
        tmp_path, "polygons", ogr.wkbPolygon, [(f"POLYGON {box(u, 0, 0, 10, 10)}", {})], epsg=32633
    )
    refused("refuge:evacuation_access", {**network, "ROADS": polygons}, "must hold lines")
    refused(
        "refuge:facility_access",
        {
            "ROADS": polygons,
            "HOUSEHOLDS": network["HOUSEHOLDS"],
            "FACILITIES": network["SHELTERS"],
            "HOUSEHOLDS_OUTPUT": str(tmp_path / "fa.gpkg"),
        },
        "must hold lines",
    )


def test_a_line_among_geojson_buildings_is_rejected_not_counted(town, tmp_path):
    path = str(tmp_path / "buildings.geojson")
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"people": 5.0},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [LON0 + x * D, LAT0 + y * D]
                            for x, y in ((22, 4), (23, 4), (23, 5), (22, 5), (22, 4))
                        ]
                    ],
                },
            },
            {
                "type": "Feature",
                "properties": {"people": 7.0},
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[LON0 + 21 * D, LAT0 + 4 * D], [LON0 + 29 * D, LAT0 + 6 * D]],
                },
            },
            {
                "type": "Feature",
                "properties": {"people": 11.0},
                "geometry": {"type": "Point", "coordinates": [LON0 + 25 * D, LAT0 + 5 * D]},
            },
        ],
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(collection, handle)
    summary, rejected = str(tmp_path / "summary.json"), str(tmp_path / "rejects.gpkg")
    succeed("refuge:exposure", town_parameters(town, BUILDINGS=path, SUMMARY_JSON=summary, REJECTS=rejected))
    assert [(layer, code) for layer, _, code in rejects(rejected)] == [("buildings", "wrong_geometry_type")]
    with open(summary, encoding="utf-8") as handle:
        block = json.load(handle)["buildings"]
    assert block["count"]["3"] == 2 and sum(block["count"].values()) == 2
    assert block["population"]["3"] == pytest.approx(16.0)


# =================================================================================================
# 5. Layers that do not overlap: said in the log, the run succeeds
# =================================================================================================


def test_depth_raster_over_paris_and_buildings_in_jakarta(town, tmp_path):
    depth = raster(tmp_path / "paris.tif", np.full((10, 10), 1.0), 2.30, 48.90, 0.01)
    answer = succeed(
        "refuge:exposure",
        {"DEPTH": depth, "BUILDINGS": town["buildings"], "BUILDINGS_OUTPUT": str(tmp_path / "out.gpkg")},
    )
    assert any("do not overlap" in w for w in warnings_of(answer)), answer.get("log")


def test_buildings_ten_thousand_km_from_the_zones(town, tmp_path):
    far = layer_file(
        tmp_path,
        "far",
        ogr.wkbPolygon,
        [
            (f"POLYGON (({lo} {la}, {lo + 1e-4} {la}, {lo + 1e-4} {la + 1e-4}, {lo} {la}))", {"people": 1.0})
            for lo, la in [(-74.0, 40.7)]
        ],
        [("people", float)],
    )  # New York: 16,000 km from Jakarta
    lon, lat = -74.0, 40.7
    distance_km = GEOD.inv(LON0, LAT0, lon, lat)[2] / 1000
    assert distance_km > 10_000
    answer = succeed(
        "refuge:exposure",
        {"HAZARD": town["hazard"], "BUILDINGS": far, "BUILDINGS_OUTPUT": str(tmp_path / "out.gpkg")},
    )
    assert any("do not overlap" in w for w in warnings_of(answer)), answer.get("log")


@pytest.mark.parametrize("flat", [False, True], ids=["roads", "roads_along_one_line"])
def test_the_only_shelter_700_km_away(tmp_path, flat):
    """With ``flat`` the roads' extent is a line (every road along y=0): the layers are just as far
    apart, and must be said to be."""
    parameters = evacuation_town(tmp_path, flat=flat)
    parameters["SHELTERS"] = layer_file(
        tmp_path,
        "far_shelters",
        ogr.wkbPoint,
        [(f"POINT ({u(700_000, 0)})", {"name": "far", "capacity": 10.0})],
        [("name", str), ("capacity", float)],
        epsg=32633,
    )
    answer = succeed(
        "refuge:evacuation_access", {**parameters, "HOUSEHOLDS_OUTPUT": str(tmp_path / "h.gpkg")}
    )
    assert any("No safe shelter is within" in w for w in warnings_of(answer)), answer.get("log")
    assert any("do not overlap" in w for w in warnings_of(answer)), answer.get("log")
    assert {items["status"] for _, items, _ in features(tmp_path / "h.gpkg")} == {"no_shelter_reachable"}


# =================================================================================================
# 6. Parameter checks, before any work
# =================================================================================================


@pytest.mark.parametrize("band", [0, 5])
def test_a_band_the_raster_lacks_is_refused_with_the_range(town, tmp_path, band):
    depth = raster(tmp_path / "depth.tif", np.full((10, 10), 1.0), LON0, LAT0 + 10 * D, 3 * D)
    out = tmp_path / "out.gpkg"
    refused("refuge:prepare_hazard", {"DEPTH": depth, "BAND": band, "OUTPUT": str(out)}, "from 1 to 1")
    refused(
        "refuge:exposure",
        {"DEPTH": depth, "BAND": band, "BUILDINGS": town["buildings"], "BUILDINGS_OUTPUT": str(out)},
        "from 1 to 1",
    )
    assert not out.exists()


def test_a_value_map_giving_a_value_twice_is_refused(town, tmp_path):
    zones = layer_file(
        tmp_path,
        "zones",
        ogr.wkbPolygon,
        [(f"POLYGON {box(p, 0, 0, 10, 10)}", {"FLOOD": "YES"})],
        [("FLOOD", str)],
    )
    refused(
        "refuge:prepare_hazard",
        {
            "ZONES": zones,
            "CLASS_FIELD": "FLOOD",
            "VALUE_MAP": "YES=high;YES=low",
            "OUTPUT": str(tmp_path / "h.gpkg"),
        },
        "Value map",
        "a second time",
    )


def test_snapping_distance_of_zero_is_refused_alike_by_both_access_algorithms(tmp_path):
    network = evacuation_town(tmp_path)
    evacuation = refused("refuge:evacuation_access", {**network, "MAX_SNAP_DISTANCE": 0}, "snapping distance")
    facility = refused(
        "refuge:facility_access",
        {
            "ROADS": network["ROADS"],
            "HOUSEHOLDS": network["HOUSEHOLDS"],
            "FACILITIES": network["SHELTERS"],
            "MAX_SNAP_DISTANCE": 0,
            "HOUSEHOLDS_OUTPUT": str(tmp_path / "fa.gpkg"),
        },
        "snapping distance",
    )

    def message(text):
        return [line for line in text.splitlines() if "snapping distance" in line][0]

    assert message(evacuation) == message(facility)


@pytest.mark.parametrize("algorithm", ["refuge:evacuation_access", "refuge:facility_access"])
def test_a_negative_snapping_distance_is_refused_with_its_range(tmp_path, algorithm):
    network = evacuation_town(tmp_path)
    parameters = {**network, "MAX_SNAP_DISTANCE": -1}
    if algorithm == "refuge:facility_access":
        parameters = {
            "ROADS": network["ROADS"],
            "HOUSEHOLDS": network["HOUSEHOLDS"],
            "FACILITIES": network["SHELTERS"],
            "MAX_SNAP_DISTANCE": -1,
            "HOUSEHOLDS_OUTPUT": str(tmp_path / "fa.gpkg"),
        }
    refused(algorithm, parameters, "Maximum snapping distance", "at least 0")


def test_an_area_without_crs_is_refused_by_prepare_hazard(tmp_path):
    zones = layer_file(
        tmp_path,
        "zones",
        ogr.wkbPolygon,
        [(f"POLYGON {box(p, 0, 0, 10, 10)}", {"FLOOD": "YES"})],
        [("FLOOD", str)],
    )
    area = layer_file(tmp_path, "area", ogr.wkbPolygon, [(f"POLYGON {box(p, 0, 0, 5, 5)}", {})], epsg=None)
    out = tmp_path / "h.gpkg"
    refused(
        "refuge:prepare_hazard",
        {"ZONES": zones, "CLASS_FIELD": "FLOOD", "VALUE_MAP": "YES=high", "AREA": area, "OUTPUT": str(out)},
        "Area polygons",
        "no coordinate reference system",
    )
    assert not out.exists()


def test_isochrone_bands_that_are_not_numbers_are_refused_before_any_output(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    network = evacuation_town(tmp_path / "in")
    outputs = {
        name: str(tmp_path / "out" / f"{name.lower()}.gpkg")
        for name in ("HOUSEHOLDS_OUTPUT", "SHELTERS_OUTPUT", "ROADS_OUTPUT", "ISOCHRONES_OUTPUT", "REJECTS")
    }
    refused(
        "refuge:evacuation_access",
        {
            **network,
            **outputs,
            "ISOCHRONE_BANDS": "abc",
            "SUMMARY_JSON": str(tmp_path / "out" / "summary.json"),
        },
        "Isochrone bands",
        "'abc'",
    )
    assert os.listdir(tmp_path / "out") == []


# =================================================================================================
# 7. Nothing dropped: every road closed to the profile is in the rejects, once
# =================================================================================================


@pytest.fixture(scope="module")
def monaco_roads(tmp_path_factory):
    from refuge.core.osm.themes import GROUPS

    pbf = shared_file("osm/monaco-latest.osm.pbf")
    folder = tmp_path_factory.mktemp("monaco")
    output = str(folder / "monaco.gpkg")
    answer = succeed(
        "refuge:osm_extract_pbf", {"INPUT": pbf, "THEMES": GROUPS.index("roads"), "OUTPUT": output}
    )
    return {"folder": folder, "roads": answer["results"]["ROADS"]}


def closed_to_walking(roads):
    """fids of the roads the walking profile may not use, from their highway and access values.

    The rules of refuge.core.network.profiles, applied here by hand: a class without a walking
    speed, or access=no or private, closes a road; a road without class is an ordinary road.
    """
    from refuge.core.network.profiles import CLOSED_ACCESS, WALK

    closed = set()
    for fid, items, _ in features(roads):
        highway = items.get("highway")
        highway = WALK.default_class if highway is None else str(highway).strip().lower()
        access = items.get("access")
        if highway not in WALK.speeds_kmh or (
            access is not None and str(access).strip().lower() in CLOSED_ACCESS
        ):
            closed.add(fid)
    return closed


def monaco_points(roads, every=400):
    """Households on every 400th walkable road's first vertex, a shelter on the first walkable one."""
    closed = closed_to_walking(roads)
    points = [(fid, geometry.GetPoint_2D(0)) for fid, _, geometry in features(roads) if fid not in closed]
    return points[0][1], [xy for _, xy in points[1::every]]


def test_evacuation_lists_every_road_closed_to_walking_once(monaco_roads):
    folder, roads = monaco_roads["folder"], monaco_roads["roads"]
    shelter, homes = monaco_points(roads)
    households = layer_file(folder, "households", ogr.wkbPoint, [(f"POINT ({x} {y})", {}) for x, y in homes])
    shelters = layer_file(folder, "shelters", ogr.wkbPoint, [(f"POINT ({shelter[0]} {shelter[1]})", {})])
    rejected = str(folder / "evacuation_rejects.gpkg")
    answer = succeed(
        "refuge:evacuation_access",
        {
            "ROADS": roads,
            "HOUSEHOLDS": households,
            "SHELTERS": shelters,
            "PROFILE": 0,
            "MAX_SNAP_DISTANCE": 50,
            "REJECTS": rejected,
        },
    )
    expected = closed_to_walking(roads)
    found = [
        fid for layer, fid, code in rejects(rejected) if layer == "roads" and code == "closed_to_profile"
    ]
    assert expected, "the Monaco extract has private and access=no ways"
    assert sorted(found) == sorted(expected)  # each once
    assert any(
        f"{len(expected)} roads are not used for walking" in line
        for line in answer.get("log", {}).get("info", [])
    ), answer.get("log")


def test_facility_access_lists_closed_roads_and_a_facility_without_geometry(monaco_roads):
    folder, roads = monaco_roads["folder"], monaco_roads["roads"]
    station, homes = monaco_points(roads)
    households = layer_file(
        folder, "fa_households", ogr.wkbPoint, [(f"POINT ({x} {y})", {}) for x, y in homes]
    )
    facilities = layer_file(
        folder,
        "facilities",
        ogr.wkbPoint,
        [(f"POINT ({station[0]} {station[1]})", {"name": "station"}), (None, {"name": "nowhere"})],
        [("name", str)],
    )
    rejected = str(folder / "facility_rejects.gpkg")
    succeed(
        "refuge:facility_access",
        {
            "ROADS": roads,
            "HOUSEHOLDS": households,
            "FACILITIES": facilities,
            "PROFILE": 0,
            "MAX_SNAP_DISTANCE": 50,
            "REJECTS": rejected,
            "HOUSEHOLDS_OUTPUT": str(folder / "fa_out.gpkg"),
        },
    )
    found = rejects(rejected)
    assert ("facilities", 2, "no_geometry") in found
    closed = [fid for layer, fid, code in found if layer == "roads" and code == "closed_to_profile"]
    assert sorted(closed) == sorted(closed_to_walking(roads))
    assert count(folder / "fa_out.gpkg") == len(homes)


@pytest.mark.parametrize("algorithm", ["refuge:exposure", "refuge:evacuation_access"])
def test_a_coordinate_of_1e200_does_not_stop_the_run_on_an_unexpected_error(town, tmp_path, algorithm):
    """A damaged file may hold huge finite coordinates (found by test_property_algorithms): the
    feature is analysed or rejected, or the run refused with a message, never an unexpected
    error (before: GEOSException 'Tolerance is too small' measuring how far the layers are apart)."""
    far = Node("Point", (1e200, 1e200))
    if algorithm == "refuge:exposure":
        buildings = layer_file(
            tmp_path,
            "buildings",
            ogr.wkbPoint,
            [(f"POINT ({p(22, 4)})", {"people": 1.0}), (far, {"people": 2.0})],
            [("people", float)],
        )
        parameters = town_parameters(town, BUILDINGS=buildings, BUILDINGS_OUTPUT=str(tmp_path / "out.gpkg"))
    else:
        parameters = evacuation_town(tmp_path)
        parameters["HOUSEHOLDS"] = layer_file(
            tmp_path,
            "far_households",
            ogr.wkbPoint,
            [(f"POINT ({u(500, 10)})", {"people": 1.0}), (far, {"people": 2.0})],
            [("people", float)],
            epsg=32633,
        )
        parameters["HOUSEHOLDS_OUTPUT"] = str(tmp_path / "out.gpkg")
    _, completed = run_json(algorithm, parameters)
    assert_no_crash(completed)
    text = output_text(completed)
    assert "unexpected error" not in text, text[-3000:]
