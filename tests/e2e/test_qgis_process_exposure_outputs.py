"""Every output of refuge:exposure and refuge:prepare_hazard through the real qgis_process binary.

The data are small and synthetic, written here with GDAL/OGR in EPSG:4326 near Jakarta
(lon 106.8, lat -6.2): a 10 x 10 depth GeoTIFF with hand-chosen depths and two nodata pixels,
buildings (polygons, a multipolygon, points, one without geometry, one off the raster),
facilities (points), aggregation units with census totals, hazard zones and clip polygons
(the latter in UTM 48S). Expected numbers are computed here without Refuge: depths by hand and
by GDAL's ALL_TOUCHED rasterization, areas in a Lambert azimuthal equal-area projection centred
on each building (pyproj), units by shapely's point_on_surface, sums and needs by hand.

Pixel (row r, column c) covers x in [c, c + 1], y in [r, r + 1] of "pixel space": lon = X0 + x *
PIXEL, lat = Y0 - y * PIXEL. Every footprint edge stays at least 0.2 pixel from grid lines, so
GDAL's all-touched burn and a geometric rule agree.
"""

import json

import numpy as np
import pyproj
import pytest
import shapely
from osgeo import gdal, ogr, osr
from qgis_process_helper import run_json

pytestmark = pytest.mark.slow

X0, Y0, PIXEL = 106.8, -6.2, 1e-4  # top-left corner and pixel size of the depth raster (degrees)
NODATA = 9999.0  # far above every depth: a nodata pixel read as a depth would make a building high
UTM = "EPSG:32748"
GEOD = pyproj.Geod(ellps="WGS84")
LABELS = {0: "Not exposed", 1: "Low", 2: "Medium", 3: "High"}
KEYS = {0: "not_exposed", 1: "low", 2: "medium", 3: "high"}
CLASSES = (0, 1, 2, 3)
# Documented defaults (README, Sphere Handbook 2018, UN WPP 2022, WHO 2022).
RATES = {0: 0.0, 1: 0.0, 2: 0.5, 3: 1.0}
RATIOS = {"women": 0.50, "under5": 0.08, "aged60": 0.14, "disability": 0.16}
CRITICAL = {"hospital", "school", "evacuation_centre", "assembly_point", "social_shelter"}
RESIDENTIAL = "house, apartments, yes"  # 'residential' left out on purpose: b2 and b14 get nobody


def depth_array():
    """Depths (m) by column band: dry 0-2, low 3-4, medium 5-6, high 7-9, growing with row/col."""
    rows, cols = np.mgrid[0:10, 0:10].astype(float)
    depth = np.zeros((10, 10))
    depth = np.where((cols >= 3) & (cols <= 4), 0.1 + 0.02 * rows + 0.01 * (cols - 3), depth)
    depth = np.where((cols >= 5) & (cols <= 6), 0.6 + 0.05 * rows + 0.01 * (cols - 5), depth)
    depth = np.where(cols >= 7, 1.6 + 0.1 * rows + 0.01 * (cols - 7), depth)
    depth[1, 4] = 0.5  # exactly the low/medium bound: medium
    depth[8, 6] = 1.5  # exactly the medium/high bound: high
    depth[2, 1] = NODATA
    depth[4, 8] = NODATA
    return depth.astype(np.float32)


def lonlat(geometry):
    """A geometry from pixel space to lon/lat."""
    return shapely.transform(geometry, lambda xy: np.column_stack(
        (X0 + xy[:, 0] * PIXEL, Y0 - xy[:, 1] * PIXEL)))


def box(x1, y1, x2, y2):
    return shapely.box(x1, y1, x2, y2)


# bid, type, population, levels, geometry in pixel space, max depth by hand (None: no data)
BUILDINGS = [
    (1, "house", 4.0, "2", box(0.3, 0.3, 2.6, 1.7), 0.0),  # dry pixels only
    (2, "residential", 3.5, "1", box(0.4, 2.2, 1.6, 2.8), 0.0),  # dry + nodata pixel
    (3, "apartments", 5.0, "10+", box(8.2, 4.2, 8.8, 4.7), None),  # nodata pixel only
    (4, "warehouse", 6.0, None, box(7.3, 4.3, 8.5, 4.6), 2.0),  # high + nodata pixel
    (5, "house", 7.0, "3", box(3.2, 5.2, 4.7, 6.6), 0.23),
    (6, "school", 2.0, "2", box(3.6, 0.6, 4.4, 1.4), 0.5),  # touches the 0.5 m pixel
    (7, "yes", 8.0, None, box(4.4, 2.2, 5.3, 3.6), 0.75),  # low and medium pixels
    (8, "house", 1.5, "1", box(5.6, 8.3, 6.4, 8.7), 1.5),  # touches the 1.5 m pixel
    (9, "apartments", 10.0, "4", shapely.Polygon([(6.2, 0.3), (9.7, 0.4), (9.6, 3.8)]), 1.92),
    (10, "yes", 12.0, "2", shapely.Polygon(  # concave (L-shaped)
        [(3.3, 7.2), (6.6, 7.2), (6.6, 7.8), (4.3, 7.8), (4.3, 9.6), (3.3, 9.6)]), 0.96),
    (11, "house", 9.0, None, shapely.MultiPolygon(
        [box(0.3, 6.3, 1.2, 7.4), box(2.4, 8.2, 3.3, 9.5)]), 0.28),
    (12, "house", 3.0, None, shapely.Point(8.5, 6.5), 2.21),  # points: the pixel under them
    (13, "yes", 2.0, None, shapely.Point(1.5, 2.5), None),  # on the dry nodata pixel
    (14, "residential", 4.0, "1", shapely.Point(3.5, 3.5), 0.16),
    (15, "house", 100.0, "1", None, None),  # no geometry: rejected
    (16, "warehouse", 5.0, "1", box(12.2, 2.2, 13.1, 3.4), None),  # off the raster
]
NO_GEOMETRY = 15

# name, census people, polygon in pixel space (buildings 8, 10 or 11 may fall outside all)
UNITS = [
    ("A", 1000.0, box(-0.5, -0.5, 5.0, 5.0)),
    ("B", 500.0, box(5.0, -0.5, 10.5, 5.0)),
    ("C", 300.0, box(-0.5, 5.0, 10.5, 8.0)),
    ("D", 50.0, box(10.5, -0.5, 14.0, 5.0)),  # holds a warehouse only: its people are unplaced
]

# name, category, point in pixel space, depth by hand (None: nodata)
FACILITIES = [
    ("f1", "hospital", (3.5, 4.5), 0.18),
    ("f2", "school", (6.5, 2.5), 0.71),
    ("f3", "evacuation_centre", (9.5, 9.5), 2.52),
    ("f4", "assembly_point", (0.5, 0.5), 0.0),
    ("f5", "social_shelter", (7.5, 5.5), 2.1),
    ("f6", "shelter", (8.5, 1.5), 1.71),
    ("f7", "pharmacy", (5.5, 5.5), 0.85),
    ("f8", "pharmacy", (8.5, 4.5), None),
]


def depth_class(depth):
    """Default flood classes: dry <= 0 m < low < 0.5 m <= medium < 1.5 m <= high."""
    if depth is None or depth <= 0:
        return 0
    return 1 if depth < 0.5 else 2 if depth < 1.5 else 3


def write_layer(path, name, srs_code, geometry_type, fields, rows):
    """A GeoPackage layer; rows are (attributes dict, shapely geometry or None). Returns the fids."""
    srs = osr.SpatialReference()
    srs.SetFromUserInput(srs_code)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = dataset.CreateLayer(name, srs, geometry_type)
    for field, kind in fields.items():
        layer.CreateField(ogr.FieldDefn(field, kind))
    fids = []
    for attributes, geometry in rows:
        feature = ogr.Feature(layer.GetLayerDefn())
        for field, value in attributes.items():
            if value is not None:
                feature.SetField(field, value)
        if geometry is not None:
            feature.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(geometry)))
        layer.CreateFeature(feature)
        fids.append(feature.GetFID())
    dataset = None
    return fids


def read(path):
    """[(attributes, shapely geometry or None)] of the first layer of ``path``."""
    dataset = ogr.Open(str(path))
    rows = []
    for feature in dataset.GetLayer(0):
        geometry = feature.GetGeometryRef()
        rows.append((feature.items(),
                     shapely.from_wkb(bytes(geometry.ExportToWkb())) if geometry else None))
    return rows


def all_touched_max(depth_path, geometry):
    """Independent: burn one lon/lat polygon with GDAL ALL_TOUCHED, max of the valid depths."""
    source = gdal.Open(depth_path)
    band = source.GetRasterBand(1)
    depths = band.ReadAsArray().astype(float)
    mask = gdal.GetDriverByName("MEM").Create("", source.RasterXSize, source.RasterYSize, 1,
                                             gdal.GDT_Byte)
    mask.SetGeoTransform(source.GetGeoTransform())
    mask.SetProjection(source.GetProjection())
    vectors = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = vectors.CreateLayer("one", source.GetSpatialRef(), ogr.wkbUnknown)
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(geometry)))
    layer.CreateFeature(feature)
    gdal.RasterizeLayer(mask, [1], layer, burn_values=[1], options=["ALL_TOUCHED=TRUE"])
    burned = mask.GetRasterBand(1).ReadAsArray() == 1
    values = depths[burned & (depths != band.GetNoDataValue())]
    return float(values.max()) if values.size else None


def pixel_depth(depths, x, y):
    """Depth of the pixel under a pixel-space point (None: nodata or off the raster)."""
    row, col = int(np.floor(y)), int(np.floor(x))
    if not (0 <= row < depths.shape[0] and 0 <= col < depths.shape[1]):
        return None
    value = float(depths[row, col])
    return None if value == NODATA else value


def laea_area(geometry):
    """Area (m²) of the polygon as drawn in EPSG:4326 (edges straight in degrees), on the ellipsoid.

    Its edges are densified every 1e-7 degree, then it is measured in a Lambert azimuthal
    equal-area projection centred on it. Edges straight in degrees are what the file holds; the
    same corners joined by geodesics would enclose up to a few 1e-7 more or less for a building.
    """
    if geometry.geom_type == "Point":
        return 0.0
    centre = geometry.centroid
    transformer = pyproj.Transformer.from_crs(
        "EPSG:4326", f"+proj=laea +lat_0={centre.y!r} +lon_0={centre.x!r} +ellps=WGS84",
        always_xy=True)
    return shapely.transform(shapely.segmentize(geometry, 1e-7), lambda xy: np.column_stack(
        transformer.transform(xy[:, 0], xy[:, 1]))).area


def unit_of(geometry, units):
    """Name of the first unit holding the geometry's point_on_surface, None outside all."""
    point = shapely.point_on_surface(geometry)
    for name, _, polygon in units:
        if polygon.intersects(point):
            return name
    return None


def by_class(codes, weights=None):
    weights = [1.0] * len(codes) if weights is None else weights
    return {code: sum(w for c, w in zip(codes, weights) if c == code) for code in CLASSES}


def json_classes(block):
    """A JSON {"0": x, ...} as {0: x, ...}."""
    return {int(code): value for code, value in block.items()}


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The synthetic inputs and everything the tests know about them, computed without Refuge."""
    folder = tmp_path_factory.mktemp("exposure_outputs")
    depths = depth_array()
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    depth_path = str(folder / "depth.tif")
    raster = gdal.GetDriverByName("GTiff").Create(depth_path, 10, 10, 1, gdal.GDT_Float32)
    raster.SetGeoTransform((X0, PIXEL, 0.0, Y0, 0.0, -PIXEL))
    raster.SetProjection(srs.ExportToWkt())
    raster.GetRasterBand(1).WriteArray(depths)
    raster.GetRasterBand(1).SetNoDataValue(NODATA)
    raster = None

    units = [(name, people, lonlat(polygon)) for name, people, polygon in UNITS]
    units_path = str(folder / "units.gpkg")
    write_layer(units_path, "units", "EPSG:4326", ogr.wkbPolygon,
                {"name": ogr.OFTString, "people": ogr.OFTReal},
                [({"name": n, "people": p}, g) for n, p, g in units])

    buildings = {}
    for bid, kind, people, levels, geometry, hand_depth in BUILDINGS:
        buildings[bid] = {"type": kind, "pop": people, "levels": levels, "hand_depth": hand_depth,
                          "pixel_geometry": geometry,
                          "geometry": None if geometry is None else lonlat(geometry)}
    buildings_path = str(folder / "buildings.gpkg")
    fids = write_layer(
        buildings_path, "buildings", "EPSG:4326", ogr.wkbUnknown,
        {"bid": ogr.OFTInteger, "btype": ogr.OFTString, "pop": ogr.OFTReal,
         "levels": ogr.OFTString},
        [({"bid": bid, "btype": b["type"], "pop": b["pop"], "levels": b["levels"]}, b["geometry"])
         for bid, b in buildings.items()])
    for bid, fid in zip(buildings, fids):
        buildings[bid]["fid"] = fid
    for b in buildings.values():
        if b["geometry"] is None:
            continue
        if b["geometry"].geom_type == "Point":
            b["depth"] = pixel_depth(depths, b["pixel_geometry"].x, b["pixel_geometry"].y)
        else:
            b["depth"] = all_touched_max(depth_path, b["geometry"])
        b["class"] = depth_class(b["depth"])
        b["area"] = laea_area(b["geometry"])
        b["unit"] = unit_of(b["geometry"], units)

    facilities = {}
    for name, category, (x, y), hand_depth in FACILITIES:
        depth = pixel_depth(depths, x, y)
        geometry = lonlat(shapely.Point(x, y))
        facilities[name] = {"category": category, "geometry": geometry, "hand_depth": hand_depth,
                            "depth": depth, "class": depth_class(depth),
                            "unit": unit_of(geometry, units)}
    facilities_path = str(folder / "facilities.gpkg")
    write_layer(facilities_path, "facilities", "EPSG:4326", ogr.wkbPoint,
                {"name": ogr.OFTString, "kind": ogr.OFTString},
                [({"name": n, "kind": f["category"]}, f["geometry"]) for n, f in facilities.items()])
    return {"folder": folder, "depths": depths, "depth_path": depth_path, "units": units,
            "units_path": units_path, "buildings": buildings, "buildings_path": buildings_path,
            "facilities": facilities, "facilities_path": facilities_path}


def run_exposure(data, name, parameters, outputs):
    """Run refuge:exposure with ``outputs`` to files; {output: rows} and the JSON summary."""
    folder = data["folder"]
    outputs = {key: str(folder / f"{name}_{key.lower()}.gpkg") for key in outputs}
    summary_path = str(folder / f"{name}_summary.json")
    results, completed = run_json("refuge:exposure", {
        **parameters, **outputs, "SUMMARY_JSON": summary_path})
    assert results is not None, completed.stdout + completed.stderr
    assert {key: results["results"].get(key) for key in outputs} == outputs
    written = {key: read(path) for key, path in outputs.items()}
    with open(summary_path, encoding="utf-8") as handle:
        return written, json.load(handle)


@pytest.fixture(scope="module")
def field_run(data):
    """Depth raster, buildings with a population field and types, facilities, units."""
    return run_exposure(data, "field", {
        "DEPTH": data["depth_path"],
        "BUILDINGS": data["buildings_path"], "BUILDING_TYPE_FIELD": "btype",
        "POPULATION_FIELD": "pop",
        "FACILITIES": data["facilities_path"], "FACILITY_CATEGORY_FIELD": "kind",
        "AGGREGATION": data["units_path"], "AGGREGATION_NAME_FIELD": "name"},
        ("BUILDINGS_OUTPUT", "FACILITIES_OUTPUT", "UNITS_OUTPUT", "SUMMARY_TABLE", "REJECTS"))


@pytest.fixture(scope="module")
def census_run(data):
    """Depth raster, census totals of the units shared among residential buildings."""
    return run_exposure(data, "census", {
        "DEPTH": data["depth_path"],
        "BUILDINGS": data["buildings_path"], "BUILDING_TYPE_FIELD": "btype",
        "LEVELS_FIELD": "levels", "RESIDENTIAL_VALUES": RESIDENTIAL,
        "AGGREGATION": data["units_path"], "AGGREGATION_NAME_FIELD": "name",
        "UNIT_POPULATION_FIELD": "people"},
        ("BUILDINGS_OUTPUT", "UNITS_OUTPUT", "REJECTS"))


def analysed(data):
    """The buildings with a geometry (those the outputs hold), by bid."""
    return {bid: b for bid, b in data["buildings"].items() if b["geometry"] is not None}


def by_bid(rows):
    result = {}
    for attributes, geometry in rows:
        assert attributes["bid"] not in result, f"building {attributes['bid']} written twice"
        result[attributes["bid"]] = (attributes, geometry)
    return result


# --------------------------------------------------------------------------------------- tests


def test_facilities_output_classes_and_critical_flags(data, field_run):
    written, summary = field_run
    rows = {a["name"]: (a, g) for a, g in written["FACILITIES_OUTPUT"]}
    assert set(rows) == set(data["facilities"])
    for name, facility in data["facilities"].items():
        attributes, geometry = rows[name]
        # The test's own reference agrees with the hand-chosen depths.
        if facility["hand_depth"] is None:
            assert facility["depth"] is None
        else:
            assert facility["depth"] == pytest.approx(facility["hand_depth"], abs=1e-6)
        assert attributes["hazard_class"] == facility["class"], name
        assert attributes["hazard_label"] == LABELS[facility["class"]], name
        assert bool(attributes["critical"]) == (facility["category"] in CRITICAL), name
        if facility["depth"] is None:
            assert attributes["max_depth_m"] is None, name
        else:
            assert attributes["max_depth_m"] == pytest.approx(facility["depth"], abs=1e-12), name
        assert attributes["unit"] == facility["unit"], name
        assert shapely.equals_exact(geometry, facility["geometry"], 1e-12)
    codes = [f["class"] for f in data["facilities"].values()]
    flags = [float(f["category"] in CRITICAL) for f in data["facilities"].values()]
    assert sorted(codes) == [0, 0, 1, 2, 2, 3, 3, 3]  # every class is represented
    assert json_classes(summary["facilities"]["count"]) == by_class(codes)
    assert json_classes(summary["facilities"]["critical"]) == by_class(codes, flags)
    assert json_classes(summary["facilities"]["critical"]) == {0: 1, 1: 1, 2: 1, 3: 2}
    categories = {f["category"] for f in data["facilities"].values()}
    assert {k: json_classes(v) for k, v in summary["facilities"]["by_category"].items()} == {
        category: by_class([f["class"] for f in data["facilities"].values()
                            if f["category"] == category]) for category in categories}


def test_buildings_max_depth_is_the_deepest_touched_pixel(data, field_run):
    written, summary = field_run
    buildings = analysed(data)
    rows = by_bid(written["BUILDINGS_OUTPUT"])
    assert set(rows) == set(buildings)
    for bid, building in buildings.items():
        attributes, geometry = rows[bid]
        # GDAL's burn (polygons) and the pixel lookup (points) agree with the depths by hand.
        if building["hand_depth"] is None:
            assert building["depth"] is None, bid
            assert attributes["max_depth_m"] is None, bid
        else:
            assert building["depth"] == pytest.approx(building["hand_depth"], abs=1e-6), bid
            assert attributes["max_depth_m"] == pytest.approx(building["depth"], abs=1e-12), bid
        assert attributes["hazard_class"] == building["class"], bid
        assert attributes["hazard_label"] == LABELS[building["class"]], bid
        assert shapely.equals_exact(geometry, building["geometry"], 1e-12)
    codes = [b["class"] for b in buildings.values()]
    assert json_classes(summary["buildings"]["count"]) == by_class(codes)
    assert json_classes(summary["buildings"]["count"]) == {0: 5, 1: 3, 2: 3, 3: 4}
    assert summary["hazard"] == "raster" and summary["thresholds_m"] == [0.5, 1.5]


def test_buildings_footprint_areas(data, field_run):
    written, summary = field_run
    buildings = analysed(data)
    rows = by_bid(written["BUILDINGS_OUTPUT"])
    for bid, building in buildings.items():
        attributes, _ = rows[bid]
        if building["geometry"].geom_type == "Point":
            assert attributes["footprint_m2"] == 0.0, bid
        else:
            assert building["area"] > 30.0  # a pixel is about 11 m x 11 m
            assert attributes["footprint_m2"] == pytest.approx(building["area"], rel=1e-8), bid
    expected = by_class([b["class"] for b in buildings.values()],
                        [b["area"] for b in buildings.values()])
    got = json_classes(summary["buildings"]["footprint_m2"])
    for code in CLASSES:
        assert got[code] == pytest.approx(expected[code], rel=1e-8), code


def test_buildings_by_type(data, field_run):
    _, summary = field_run
    buildings = analysed(data)
    expected = {}
    for building in buildings.values():
        expected.setdefault(building["type"], {code: 0.0 for code in CLASSES})
        expected[building["type"]][building["class"]] += 1
    assert {kind: json_classes(counts) for kind, counts in summary["buildings"]["by_type"].items()} \
        == expected
    # The rejected building (a house) counts nowhere: houses are b1, b5, b8, b11, b12.
    assert sum(summary["buildings"]["by_type"]["house"].values()) == 5


def test_population_field(data, field_run):
    written, summary = field_run
    buildings = analysed(data)
    rows = by_bid(written["BUILDINGS_OUTPUT"])
    for bid, building in buildings.items():
        assert rows[bid][0]["population"] == building["pop"], bid
    expected = {code: 0.0 for code in CLASSES}
    for building in buildings.values():
        expected[building["class"]] += building["pop"]
    assert json_classes(summary["buildings"]["population"]) == pytest.approx(expected, abs=1e-9)
    # By hand: 0: b1 b2 b3 b13 b16; 1: b5 b11 b14; 2: b6 b7 b10; 3: b4 b8 b9 b12.
    assert expected == {0: 4 + 3.5 + 5 + 2 + 5, 1: 7 + 9 + 4, 2: 2 + 8 + 12, 3: 6 + 1.5 + 10 + 3}


def dasymetric_people(data):
    """People per building: each unit's census shared by footprint (LAEA) x levels."""
    wanted = {v.strip() for v in RESIDENTIAL.split(",")}
    buildings = analysed(data)
    weights = {}
    for bid, building in buildings.items():
        levels = building["levels"]
        floors = 10.0 if levels == "10+" else 1.0 if levels is None else float(levels)
        weights[bid] = building["area"] * floors if building["type"] in wanted else 0.0
    people = {bid: 0.0 for bid in buildings}
    for name, census, _ in data["units"]:
        members = [bid for bid, b in buildings.items() if b["unit"] == name]
        total = sum(weights[bid] for bid in members)
        for bid in members:
            people[bid] = census * weights[bid] / total if total else 0.0
    return people


def test_dasymetric_population(data, census_run):
    written, summary = census_run
    buildings = analysed(data)
    expected = dasymetric_people(data)
    rows = by_bid(written["BUILDINGS_OUTPUT"])
    assert set(rows) == set(buildings)
    for bid in buildings:
        assert rows[bid][0]["population"] == pytest.approx(expected[bid], rel=1e-9, abs=1e-12), bid
    # Only houses, apartments and 'yes' get people; 'residential' is not in RESIDENTIAL_VALUES here.
    assert rows[2][0]["population"] == 0.0 and rows[6][0]["population"] == 0.0
    assert expected[1] > 0 and expected[3] > 0
    # Each unit's people, summed over its buildings, give its census (D only has a warehouse).
    census = {name: people for name, people, _ in data["units"]}
    for name in ("A", "B", "C"):
        placed = sum(rows[bid][0]["population"] for bid, b in buildings.items() if b["unit"] == name)
        assert placed == pytest.approx(census[name], rel=1e-12)
    assert summary["population_unplaced"] == pytest.approx(census["D"])
    outside = [bid for bid, b in buildings.items() if b["unit"] is None]
    assert all(rows[bid][0]["population"] == 0.0 for bid in outside)
    per_class = by_class([b["class"] for b in buildings.values()],
                         [expected[bid] for bid in buildings])
    assert json_classes(summary["buildings"]["population"]) == pytest.approx(per_class, rel=1e-9)
    assert summary["displaced"]["people"] == pytest.approx(
        0.5 * per_class[2] + per_class[3], rel=1e-9)
    units = {a["name"]: a for a, _ in written["UNITS_OUTPUT"]}
    for name, _, _ in data["units"]:
        for code in CLASSES:
            assert units[name][f"pop_{KEYS[code]}"] == pytest.approx(sum(
                expected[bid] for bid, b in buildings.items()
                if b["unit"] == name and b["class"] == code), rel=1e-9, abs=1e-9), (name, code)


def test_displaced_people_and_needs(data, field_run):
    _, summary = field_run
    exposed = {code: 0.0 for code in CLASSES}
    for building in analysed(data).values():
        exposed[building["class"]] += building["pop"]
    displaced = sum(exposed[code] * RATES[code] for code in CLASSES)
    assert displaced == 0.5 * 22 + 20.5  # medium b6 b7 b10, high b4 b8 b9 b12
    report = summary["displaced"]
    assert report["people"] == pytest.approx(displaced, rel=1e-12)
    assert report["groups"] == pytest.approx({k: displaced * r for k, r in RATIOS.items()},
                                             rel=1e-12)
    assert report["needs"] == pytest.approx({
        "water_l_day": 15.0 * displaced, "food_kcal_day": 2100.0 * displaced,
        "food_kg_week": 2.8 * displaced, "shelter_m2": 3.5 * displaced,
        "toilets": displaced / 20.0, "household_kits": displaced / 5.0}, rel=1e-12)
    assert json_classes(report["displacement_rates"]) == RATES


def test_units_output_columns(data, field_run):
    written, _ = field_run
    buildings = analysed(data)
    rows = {a["name"]: (a, g) for a, g in written["UNITS_OUTPUT"]}
    assert set(rows) == {name for name, _, _ in data["units"]}
    outside = [bid for bid, b in buildings.items() if b["unit"] is None]
    assert outside and len(outside) < len(buildings)  # some buildings are outside every unit
    for name, _, polygon in data["units"]:
        attributes, geometry = rows[name]
        assert attributes["unit"] == name
        assert shapely.equals_exact(geometry.normalize(), polygon.normalize(), 1e-12)
        inside = [b for b in buildings.values() if b["unit"] == name]
        facilities = [f for f in data["facilities"].values() if f["unit"] == name]
        for code in CLASSES:
            key = KEYS[code]
            assert attributes[f"bldg_{key}"] == sum(b["class"] == code for b in inside), (name, key)
            assert attributes[f"bldg_m2_{key}"] == pytest.approx(
                sum(b["area"] for b in inside if b["class"] == code), rel=1e-8, abs=1e-9)
            assert attributes[f"pop_{key}"] == pytest.approx(
                sum(b["pop"] for b in inside if b["class"] == code), abs=1e-9)
            assert attributes[f"fac_{key}"] == sum(f["class"] == code for f in facilities)


def test_summary_table(data, field_run):
    written, summary = field_run
    buildings = analysed(data)
    table = [a for a, _ in written["SUMMARY_TABLE"]]
    totals = {a["hazard_class"]: a for a in table if a["exposure"] == "buildings" and a["unit"] is None}
    assert set(totals) == set(CLASSES)
    block = summary["buildings"]
    for code in CLASSES:
        row = totals[code]
        assert row["hazard_label"] == LABELS[code]
        assert row["count"] == block["count"][str(code)]
        assert row["area_m2"] == pytest.approx(block["footprint_m2"][str(code)], rel=1e-12)
        assert row["population"] == pytest.approx(block["population"][str(code)], rel=1e-12)
        assert row["length_m"] is None
        assert row["count"] == sum(b["class"] == code for b in buildings.values())
    # Rows per unit, and one for the buildings outside every unit, add up to the totals.
    names = {name for name, _, _ in data["units"]}
    per_unit = [a for a in table if a["exposure"] == "buildings" and a["unit"] is not None]
    assert {a["unit"] for a in per_unit} == names | {"outside every unit"}
    for row in per_unit:
        unit = None if row["unit"] == "outside every unit" else row["unit"]
        inside = [b for b in buildings.values() if b["unit"] == unit and b["class"] == row["hazard_class"]]
        assert row["count"] == len(inside), row
        assert row["area_m2"] == pytest.approx(sum(b["area"] for b in inside), rel=1e-8, abs=1e-9)
        assert row["population"] == pytest.approx(sum(b["pop"] for b in inside), abs=1e-9)
    facilities = {a["hazard_class"]: a["count"] for a in table
                  if a["exposure"] == "facilities" and a["unit"] is None}
    assert facilities == json_classes(summary["facilities"]["count"])


def test_rejected_building_without_geometry(data, field_run, census_run):
    for written, _ in (field_run, census_run):
        rejects = [(a["layer"], a["source_fid"], a["reason_code"]) for a, _ in written["REJECTS"]]
        assert rejects == [("buildings", data["buildings"][NO_GEOMETRY]["fid"], "no_geometry")]
        assert all(a["reason"] for a, _ in written["REJECTS"])
        bids = [a["bid"] for a, _ in written["BUILDINGS_OUTPUT"]]
        assert NO_GEOMETRY not in bids and len(bids) == len(BUILDINGS) - 1


# ------------------------------------------------------------------------------ prepare_hazard


def test_prepare_hazard_from_depth_raster(data, tmp_path):
    output, rejects = str(tmp_path / "hazard.gpkg"), str(tmp_path / "rejects.gpkg")
    results, completed = run_json("refuge:prepare_hazard", {
        "DEPTH": data["depth_path"], "OUTPUT": output, "REJECTS": rejects})
    assert results is not None, completed.stdout + completed.stderr
    depths = data["depths"].astype(float)
    valid = depths != NODATA
    classes = np.where(depths <= 0, 0, np.where(depths < 0.5, 1, np.where(depths < 1.5, 2, 3)))
    classes = np.where(valid, classes, 0)
    rows = {a["hazard_class"]: (a, g) for a, g in read(output)}
    assert set(rows) == {1, 2, 3}
    for code, (attributes, geometry) in rows.items():
        count = int((classes == code).sum())
        # By hand: bands of 20, 20 and 30 pixels; 0.5 m moves one to medium, 1.5 m one to high.
        assert count == {1: 19, 2: 20, 3: 30}[code]
        assert geometry.area == pytest.approx(count * PIXEL * PIXEL, rel=1e-9)
        pixels = shapely.union_all([lonlat(box(c, r, c + 1, r + 1))
                                    for r, c in zip(*np.nonzero(classes == code))])
        assert shapely.symmetric_difference(geometry, pixels).area < 1e-6 * PIXEL * PIXEL
        assert attributes["hazard_key"] == KEYS[code] and attributes["label_en"] == LABELS[code]
        assert attributes["area_m2"] == pytest.approx(
            abs(GEOD.geometry_area_perimeter(geometry)[0]), rel=1e-6)
    assert read(rejects) == []


ZONES = [  # value, geometry in pixel space (None: no geometry)
    ("YES", box(1, 1, 6, 5)),
    (" yes ", box(4, 3, 9, 8)),
    ("No", box(0, 4, 3, 9)),  # dry: the wet zone it overlaps wins
    ("maybe", box(6, 0, 9, 2)),  # not in the value map
    ("YES", None),
    ("no", shapely.Polygon()),
]
AREA = [  # clip polygons in pixel space, written in UTM 48S
    shapely.Polygon([(2, 2), (5, 1.5), (7, 4), (5, 6.5), (1.5, 5)]),
    shapely.Polygon([(6, 6), (10, 6), (8, 9.5)]),
]
EXTENT = (3.0, 0.5, 9.5, 7.0)  # pixel space: x1, y1, x2, y2


@pytest.fixture(scope="module")
def zones(data):
    folder = data["folder"]
    zones_path = str(folder / "zones.gpkg")
    fids = write_layer(zones_path, "zones", "EPSG:4326", ogr.wkbPolygon, {"flood": ogr.OFTString},
                       [({"flood": value}, None if g is None else lonlat(g)) for value, g in ZONES])
    to_utm = pyproj.Transformer.from_crs("EPSG:4326", UTM, always_xy=True)
    to_wgs84 = pyproj.Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)
    area_utm = [shapely.transform(lonlat(g), lambda xy: np.column_stack(
        to_utm.transform(xy[:, 0], xy[:, 1]))) for g in AREA]
    area_path = str(folder / "area.gpkg")
    write_layer(area_path, "area", UTM, ogr.wkbPolygon, {}, [({}, g) for g in area_utm])
    # The area as the algorithm sees it once back in the zones' CRS (vertices reprojected).
    area = shapely.union_all([shapely.transform(g, lambda xy: np.column_stack(
        to_wgs84.transform(xy[:, 0], xy[:, 1]))) for g in area_utm])
    wet = shapely.union_all([lonlat(ZONES[0][1]), lonlat(ZONES[1][1])])
    return {"path": zones_path, "fids": fids, "area_path": area_path, "area": area, "wet": wet}


def prepare_zones(zones, tmp_path, **extra):
    output, rejects = str(tmp_path / "hazard.gpkg"), str(tmp_path / "rejects.gpkg")
    results, completed = run_json("refuge:prepare_hazard", {
        "ZONES": zones["path"], "CLASS_FIELD": "flood", "VALUE_MAP": "yes=high; no=dry",
        "AREA": zones["area_path"], "OUTPUT": output, "REJECTS": rejects, **extra})
    assert results is not None, completed.stdout + completed.stderr
    return read(output), read(rejects)


def test_prepare_hazard_zone_rejects_and_area_clip(zones, tmp_path):
    hazard, rejects = prepare_zones(zones, tmp_path)
    assert {(a["source_fid"], a["value"], a["reason_code"]) for a, _ in rejects} == {
        (zones["fids"][3], "maybe", "unmapped_value"),
        (zones["fids"][4], "YES", "empty_geometry"),
        (zones["fids"][5], "no", "empty_geometry")}
    assert len(rejects) == 3 and all(a["reason"] for a, _ in rejects)
    (attributes, geometry), = hazard
    assert attributes["hazard_class"] == 3 and attributes["hazard_key"] == "high"
    expected = shapely.intersection(zones["wet"], zones["area"])
    assert 0.2 * zones["wet"].area < expected.area < 0.8 * zones["wet"].area  # the clip matters
    assert shapely.symmetric_difference(geometry, expected).area < 1e-9 * expected.area
    assert attributes["area_m2"] == pytest.approx(
        abs(GEOD.geometry_area_perimeter(expected)[0]), rel=1e-6)


def test_prepare_hazard_area_and_extent(zones, tmp_path):
    x1, y1, x2, y2 = EXTENT
    (west, north), (east, south) = (X0 + x1 * PIXEL, Y0 - y1 * PIXEL), (X0 + x2 * PIXEL, Y0 - y2 * PIXEL)
    hazard, _ = prepare_zones(zones, tmp_path,
                              EXTENT=f"{west!r},{east!r},{south!r},{north!r} [EPSG:4326]")
    (attributes, geometry), = hazard
    assert attributes["hazard_class"] == 3
    expected = shapely.intersection(shapely.intersection(zones["wet"], zones["area"]),
                                    shapely.box(west, south, east, north))
    assert expected.area < 0.9 * shapely.intersection(zones["wet"], zones["area"]).area
    assert shapely.symmetric_difference(geometry, expected).area < 1e-9 * expected.area
