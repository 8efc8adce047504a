"""refuge:exposure on enough buildings to run in several blocks, and the block writer.

Synthetic data made here (no shared data needed): rotated rectangles over
classified hazard rectangles and a grid of units, in EPSG:4326 near Jakarta.
The classes, units and areas are checked against a computation written in
the test with shapely and pyproj alone, and the GeoPackage path (blocks
written while the next is computed) against the feature-sink path.
"""

import json
import os

import numpy as np
import pyproj
import pytest
import shapely

SIZE = 60_003  # three buildings without geometry below: 60,000 analysed, in two blocks
WEST, SOUTH, SPAN = 106.80, -6.22, 0.04


def write_gpkg(path, name, geometries, fields):
    from osgeo import ogr, osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = dataset.CreateLayer(name, srs, ogr.wkbPolygon)
    for field, values in fields.items():
        kind = ogr.OFTInteger64 if np.asarray(values).dtype.kind in "iu" else ogr.OFTString
        layer.CreateField(ogr.FieldDefn(field, kind))
    layer.StartTransaction()
    for position, geometry in enumerate(geometries):
        feature = ogr.Feature(layer.GetLayerDefn())
        for field, values in fields.items():
            value = values[position]
            feature.SetField(field, int(value) if isinstance(value, (int, np.integer)) else str(value))
        if geometry is not None:
            feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(shapely.to_wkb(geometry)))
        layer.CreateFeature(feature)
    layer.CommitTransaction()
    dataset = None
    return str(path)


@pytest.fixture(scope="module")
def town(qgis_app, tmp_path_factory):
    folder = tmp_path_factory.mktemp("blocks")
    rng = np.random.default_rng(11)
    centre = rng.uniform((WEST, SOUTH), (WEST + SPAN, SOUTH + SPAN), (SIZE, 2))
    half = rng.uniform(2e-5, 1.2e-4, (SIZE, 2))
    angle = rng.uniform(0, np.pi, SIZE)
    corners = np.stack([[-1, -1], [1, -1], [1, 1], [-1, 1]]).astype(float)
    rings = []
    for c, h, a in zip(centre, half, angle):
        turn = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
        rings.append(c + (corners * h) @ turn)
    buildings = np.array([shapely.Polygon(r) for r in rings], dtype=object)
    buildings[[5, 40_000, 59_999]] = None  # no geometry: rejected, not written
    x, y = centre[45_000]  # a bow-tie in the second block: repaired, then exposed like any other
    buildings[45_000] = shapely.Polygon([(x, y), (x + 1e-4, y + 1e-4), (x + 1e-4, y), (x, y + 1e-4)])
    zone_corner = rng.uniform((WEST, SOUTH), (WEST + SPAN, SOUTH + SPAN), (400, 2))
    zone_size = rng.uniform(5e-4, 3e-3, (400, 2))
    zones = shapely.box(zone_corner[:, 0], zone_corner[:, 1], zone_corner[:, 0] + zone_size[:, 0],
                        zone_corner[:, 1] + zone_size[:, 1])
    classes = rng.integers(1, 4, 400)
    edges = np.linspace(0, SPAN, 5)
    units = [shapely.box(WEST + a, SOUTH + b, WEST + a + SPAN / 4, SOUTH + b + SPAN / 4)
             for b in edges[:-1] for a in edges[:-1]][:15]  # one corner cell missing: outside every unit
    return {
        "buildings": write_gpkg(folder / "buildings.gpkg", "buildings", buildings, {"bid": np.arange(SIZE)}),
        "hazard": write_gpkg(folder / "hazard.gpkg", "hazard", zones, {"hazard_class": classes}),
        "units": write_gpkg(folder / "units.gpkg", "units", units, {"name": [f"U{i}" for i in range(15)]}),
        "geometries": buildings, "zones": zones, "classes": classes, "unit_polygons": units,
    }


def expected(town):
    """Class, unit name and area of every building with a geometry, by shapely and pyproj alone."""
    buildings = town["geometries"].copy()
    present = ~shapely.is_missing(buildings)
    invalid = present & ~shapely.is_valid(buildings)
    buildings[invalid] = shapely.make_valid(buildings[invalid])
    tree = shapely.STRtree(town["zones"])
    building, zone = tree.query(buildings[present], predicate="intersects")
    classes = np.zeros(present.sum(), dtype=np.int64)
    np.maximum.at(classes, building, town["classes"][zone])
    points = shapely.point_on_surface(buildings[present])
    units = np.full(present.sum(), None, dtype=object)
    for position, unit in enumerate(town["unit_polygons"]):
        units[shapely.intersects(unit, points) & (units == None)] = f"U{position}"  # noqa: E711
    # Areas of the polygons as drawn (edges straight in degrees: densified), in a Lambert azimuthal
    # equal-area projection centred on each building (pyproj.Geod's polygon areas scatter by about
    # 1e-6 at this size, far more than the method's error).
    areas = {}
    for i in np.arange(0, present.sum(), 997):
        polygon = shapely.segmentize(buildings[present][i], 1e-7)
        centre = polygon.centroid
        laea = pyproj.Transformer.from_crs(
            "EPSG:4326", f"+proj=laea +lat_0={centre.y} +lon_0={centre.x} +ellps=WGS84", always_xy=True)
        areas[int(i)] = shapely.transform(polygon, lambda xy, t=laea: np.column_stack(
            t.transform(xy[:, 0], xy[:, 1]))).area
    bids = np.flatnonzero(present)
    return {int(bid): (int(c), u) for bid, c, u in zip(bids, classes, units)}, \
        {int(bids[i]): a for i, a in areas.items()}


def is_null(value):
    return value is None or str(value) == "NULL"


def rows(layer):
    return {int(f["bid"]): f for f in layer.getFeatures()}


def test_blocks_give_what_one_computation_gives(town, tmp_path):
    from qgis.core import QgsProcessingContext, QgsProcessingUtils, QgsVectorLayer
    from refuge.processing import exposure

    import processing

    assert len(exposure._blocks(SIZE - 3)) == 2
    common = {"HAZARD": town["hazard"], "BUILDINGS": town["buildings"], "AGGREGATION": town["units"],
              "AGGREGATION_NAME_FIELD": "name"}
    fast = processing.run("refuge:exposure", {**common, "BUILDINGS_OUTPUT": str(tmp_path / "b.gpkg"),
                                              "REJECTS": str(tmp_path / "rejects.gpkg"),
                                              "SUMMARY_JSON": str(tmp_path / "s.json")})
    slow = processing.run("refuge:exposure", {**common, "BUILDINGS_OUTPUT": "memory:"})
    slow_layer = slow["BUILDINGS_OUTPUT"]
    if isinstance(slow_layer, str):
        slow_layer = QgsProcessingUtils.mapLayerFromString(slow_layer, QgsProcessingContext())
    fast_rows = rows(QgsVectorLayer(fast["BUILDINGS_OUTPUT"], "fast", "ogr"))
    slow_rows = rows(slow_layer)
    truth, areas = expected(town)
    assert set(fast_rows) == set(slow_rows) == set(truth)
    assert sorted(set(range(SIZE)) - set(truth)) == [5, 40_000, 59_999]
    for bid, (hazard_class, unit) in truth.items():
        for name, row in (("fast", fast_rows[bid]), ("slow", slow_rows[bid])):
            got_unit = None if is_null(row["unit"]) else row["unit"]
            assert (row["hazard_class"], got_unit) == (hazard_class, unit), (name, bid)
        assert fast_rows[bid]["footprint_m2"] == slow_rows[bid]["footprint_m2"]
        assert fast_rows[bid]["hazard_label"] == slow_rows[bid]["hazard_label"]
    for bid, area in areas.items():
        assert fast_rows[bid]["footprint_m2"] == pytest.approx(area, rel=1e-9)
    assert truth[45_000][0] > 0 and fast_rows[45_000]["footprint_m2"] > 0  # the repaired bow-tie
    counts = json.load(open(fast["SUMMARY_JSON"], encoding="utf-8"))["buildings"]["count"]
    classes = [c for c, _ in truth.values()]
    assert {int(k): v for k, v in counts.items()} == {c: classes.count(c) for c in range(4)}
    rejected = sorted(f["source_fid"] for f in QgsVectorLayer(fast["REJECTS"], "r", "ogr").getFeatures())
    assert len(rejected) == 3
    assert not [name for name in os.listdir(tmp_path) if "refuge-tmp" in name]


@pytest.mark.parametrize("stop_at", [10.0, 45.0])
def test_cancel_between_blocks_writes_no_buildings(town, tmp_path, stop_at):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    import processing

    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda value: feedback.cancel() if value >= stop_at else None)
    target = tmp_path / "buildings.gpkg"
    with pytest.raises(QgsProcessingException, match="Canceled"):
        processing.run("refuge:exposure", {
            "HAZARD": town["hazard"], "BUILDINGS": town["buildings"], "BUILDINGS_OUTPUT": str(target),
            "SUMMARY_JSON": str(tmp_path / "s.json")}, feedback=feedback)
    assert not target.exists() and not (tmp_path / "s.json").exists()
    assert not [name for name in os.listdir(tmp_path) if "refuge-tmp" in name]


def test_block_writer_updates_discards_and_fails_cleanly(town, tmp_path):
    from qgis.core import QgsProcessingFeedback, QgsVectorLayer
    from refuge.core.io.joined import JoinedWriter
    from refuge.processing.sources import ArrowArrays

    source = QgsVectorLayer(town["buildings"], "b", "ogr")
    arrays = ArrowArrays(town["buildings"], None, source, QgsProcessingFeedback())
    target = str(tmp_path / "out.gpkg")
    writer = JoinedWriter(arrays, target, [("bid", "integer"), ("score", "real"), ("tag", "text")])
    writer.write([2, 0], {"score": np.array([2.5, np.nan]), "tag": ["two", None]})
    writer.write([7], {"bid": np.array([70])})
    assert writer.close() == target
    written = {f.id(): f for f in QgsVectorLayer(target, "out", "ogr").getFeatures()}
    assert len(written) == 3  # only the rows some block wrote
    first, third, eighth = (written[int(arrays.fids[i])] for i in (0, 2, 7))
    assert (third["bid"], third["score"], third["tag"]) == (2, 2.5, "two")
    assert is_null(first["score"]) and is_null(first["tag"]) and is_null(third["refuge_bid"])
    assert (eighth["bid"], eighth["refuge_bid"]) == (7, 70)  # the clashing name got a prefix
    assert is_null(eighth["tag"]) and is_null(eighth["score"])

    import sqlite3

    def triggers_and_rtree(path):
        with sqlite3.connect(path) as connection:
            triggers = connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()
            rtree = connection.execute('SELECT id FROM "rtree_buildings_geom" ORDER BY id').fetchall()
        return triggers, [row[0] for row in rtree]

    # The writer sets the table's triggers aside while it fills the columns: they are all back,
    # and the R-tree follows the rows deleted at the end.
    source_triggers, _ = triggers_and_rtree(town["buildings"])
    triggers, rtree = triggers_and_rtree(target)
    assert len(source_triggers) >= 6 and triggers == source_triggers
    assert rtree == sorted(written)

    discarded = str(tmp_path / "discarded.gpkg")
    writer = JoinedWriter(arrays, discarded, [("score", "real")])
    writer.write([0], {"score": np.array([1.0])})
    writer.discard()
    writer.discard()  # twice is harmless
    assert not [name for name in os.listdir(tmp_path) if name.startswith("discarded")]

    failing = str(tmp_path / "failing.gpkg")
    writer = JoinedWriter(arrays, failing, [("score", "real")])
    writer.write([0], {"no_such_column": np.array([1.0])})
    writer.write([1], {"score": np.array([1.0])})  # after a failed block: not written
    with pytest.raises(KeyError):
        writer.close()
    assert not [name for name in os.listdir(tmp_path) if name.startswith("failing")]


def test_temporary_buildings_output_is_one_styled_geopackage_as_the_dialog_loads_it(town):
    """What the Processing dialog does with its default, temporary outputs: the buildings go to one
    GeoPackage in QGIS's temporary Processing folder (file speed, not a memory layer), loaded once,
    styled, and the small outputs stay memory layers."""
    from qgis.core import (
        QgsApplication,
        QgsCategorizedSymbolRenderer,
        QgsProcessing,
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProcessingOutputLayerDefinition,
        QgsProcessingUtils,
        QgsProject,
    )

    from processing.gui.Postprocessing import handleAlgorithmResults

    project = QgsProject.instance()
    project.removeAllMapLayers()
    context = QgsProcessingContext()
    context.setProject(project)
    feedback = QgsProcessingFeedback()
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("refuge:exposure")
    temporary = {name: QgsProcessingOutputLayerDefinition(QgsProcessing.TEMPORARY_OUTPUT, project)
                 for name in ("BUILDINGS_OUTPUT", "UNITS_OUTPUT", "SUMMARY_TABLE")}
    results, ok = algorithm.run({"HAZARD": town["hazard"], "BUILDINGS": town["buildings"],
                                 "AGGREGATION": town["units"], "AGGREGATION_NAME_FIELD": "name",
                                 **temporary}, context, feedback)
    assert ok
    path = results["BUILDINGS_OUTPUT"]
    assert path.endswith(".gpkg") and path.startswith(QgsProcessingUtils.tempFolder())
    # Exactly one layer to load per output: asking QGIS twice for a temporary path gives two files.
    assert len(context.layersToLoadOnCompletion()) == 3
    handleAlgorithmResults(algorithm, context, feedback)
    loaded = {layer.name(): layer for layer in project.mapLayers().values()}
    assert set(loaded) == {"Exposed buildings", "Exposure per unit", "Exposure summary"}
    buildings = loaded["Exposed buildings"]
    assert buildings.providerType() == "ogr" and buildings.source().startswith(path)
    assert buildings.featureCount() == SIZE - 3  # the three without geometry are rejected
    assert isinstance(buildings.renderer(), QgsCategorizedSymbolRenderer)
    assert buildings.renderer().classAttribute() == "hazard_class"
    assert loaded["Exposure per unit"].providerType() == "memory"
    truth, _ = expected(town)
    written = {int(f["bid"]): (int(f["hazard_class"]), f["unit"] if not is_null(f["unit"]) else None)
               for f in buildings.getFeatures()}
    assert written == truth
    project.removeAllMapLayers()

    # Without buildings there is no buildings output, and no layer for the dialog to load.
    context = QgsProcessingContext()
    context.setProject(project)
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("refuge:exposure")
    results, ok = algorithm.run({"HAZARD": town["hazard"], "FACILITIES": town["buildings"],
                                 **temporary}, context, feedback)
    assert ok and "BUILDINGS_OUTPUT" not in results
    assert [details.name for details in context.layersToLoadOnCompletion().values()] == \
        ["Exposure summary"]


def test_file_outputs_chosen_in_the_dialog_load_from_their_final_paths_styled(town, tmp_path):
    """Outputs saved to files from the dialog are written in a staging folder and published: the
    layers the dialog loads must come from the paths the user chose, styled, with nothing staged left."""
    from qgis.core import (
        QgsApplication,
        QgsCategorizedSymbolRenderer,
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProcessingOutputLayerDefinition,
        QgsProject,
    )

    from processing.gui.Postprocessing import handleAlgorithmResults

    project = QgsProject.instance()
    project.removeAllMapLayers()
    context = QgsProcessingContext()
    context.setProject(project)
    feedback = QgsProcessingFeedback()
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("refuge:exposure")
    chosen = {"BUILDINGS_OUTPUT": str(tmp_path / "buildings.gpkg"),
              "UNITS_OUTPUT": str(tmp_path / "units.shp"), "REJECTS": str(tmp_path / "rejects.csv")}
    outputs = {name: QgsProcessingOutputLayerDefinition(path, project) for name, path in chosen.items()}
    results, ok = algorithm.run({"HAZARD": town["hazard"], "BUILDINGS": town["buildings"],
                                 "AGGREGATION": town["units"], "AGGREGATION_NAME_FIELD": "name",
                                 "SUMMARY_JSON": str(tmp_path / "summary.json"), **outputs},
                                context, feedback)
    assert ok
    for name, path in chosen.items():
        assert results[name].split("|")[0] == path
    assert all(".refuge-" not in key for key in context.layersToLoadOnCompletion())
    handleAlgorithmResults(algorithm, context, feedback)
    loaded = {layer.name(): layer for layer in project.mapLayers().values()}
    assert set(loaded) == {"Exposed buildings", "Exposure per unit", "Rejected features"}
    for layer in loaded.values():
        assert layer.isValid() and ".refuge-" not in layer.source()
    assert loaded["Exposed buildings"].source().startswith(chosen["BUILDINGS_OUTPUT"])
    assert isinstance(loaded["Exposed buildings"].renderer(), QgsCategorizedSymbolRenderer)
    assert loaded["Exposed buildings"].featureCount() == SIZE - 3
    assert loaded["Rejected features"].featureCount() == 3
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".refuge-")) == []
    project.removeAllMapLayers()
