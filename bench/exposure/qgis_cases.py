"""refuge:exposure and the QGIS chains it is compared with, run inside the benchmark's QGIS."""

import json
import time
from pathlib import Path

from harness.data import gpkg_table, read_only

from exposure.data import per_building_from_gpkg


def refuge_parameters(files, size, out):
    return {
        "HAZARD": str(files["hazard"]),
        "HAZARD_FIELD": "hazard_class",
        "BUILDINGS": str(files[size]),
        "AGGREGATION": str(files["units"]),
        "AGGREGATION_NAME_FIELD": "name",
        "BUILDINGS_OUTPUT": str(out / f"refuge_buildings_{size}.gpkg"),
        "UNITS_OUTPUT": str(out / f"refuge_units_{size}.gpkg"),
        "SUMMARY_TABLE": str(out / f"refuge_summary_{size}.gpkg"),
        "SUMMARY_JSON": str(out / f"refuge_summary_{size}.json"),
    }


def remove_outputs(parameters):
    for key, value in parameters.items():
        if key.endswith(("_OUTPUT", "_TABLE", "_JSON")):
            for path in (Path(value), Path(value + "-wal"), Path(value + "-shm")):
                if path.exists():
                    path.unlink()


def run_refuge(files, size, out, profile=None, memory=False):
    """Run refuge:exposure; returns (Processing results, parameters)."""
    import processing

    parameters = refuge_parameters(files, size, out)
    remove_outputs(parameters)
    if memory:
        # What the Processing dialog does by default: temporary outputs (JSON still to a file).
        for key in ("BUILDINGS_OUTPUT", "UNITS_OUTPUT", "SUMMARY_TABLE"):
            parameters[key] = "TEMPORARY_OUTPUT"
    if profile is not None:
        profile.enable()
    results = processing.run("refuge:exposure", parameters)
    if profile is not None:
        profile.disable()
    return results, parameters


def check_refuge_memory_outputs(results, parameters, size):
    """check_refuge_outputs for a run with temporary outputs (buildings: a temporary GeoPackage)."""
    import numpy as np
    from qgis.core import QgsVectorLayer

    with open(parameters["SUMMARY_JSON"], encoding="utf-8") as handle:
        summary = json.load(handle)
    json_counts = {int(code): float(value) for code, value in summary["buildings"]["count"].items()}
    per_building = np.full(size, -1, dtype=np.int64)
    buildings = results["BUILDINGS_OUTPUT"]
    if isinstance(buildings, str):
        buildings = QgsVectorLayer(buildings, "buildings", "ogr")
    for feature in buildings.getFeatures():
        per_building[int(feature["bid"])] = int(feature["hazard_class"])
    units = list(results["UNITS_OUTPUT"].getFeatures())
    names = ("bldg_not_exposed", "bldg_low", "bldg_medium", "bldg_high")
    unit_totals = {"units": len(units),
                   "by_class": {code: float(sum(f[names[code]] for f in units)) for code in range(4)}}
    return per_building, json_counts, unit_totals


def check_refuge_outputs(parameters, size):
    """Per-building classes and JSON counts of a finished Refuge run, and unit totals."""
    with open(parameters["SUMMARY_JSON"], encoding="utf-8") as handle:
        summary = json.load(handle)
    json_counts = {int(code): float(value) for code, value in summary["buildings"]["count"].items()}
    per_building = per_building_from_gpkg(parameters["BUILDINGS_OUTPUT"], size)
    units_path = parameters["UNITS_OUTPUT"]
    with read_only(units_path) as db:
        row = db.execute(
            "SELECT COUNT(*), SUM(bldg_not_exposed), SUM(bldg_low), SUM(bldg_medium), SUM(bldg_high) "
            f'FROM "{gpkg_table(units_path)}"').fetchone()
    unit_totals = {"units": row[0], "by_class": {code: float(row[code + 1] or 0) for code in range(4)}}
    return per_building, json_counts, unit_totals


def native_join(files, size, discard):
    import processing

    return processing.run("native:joinattributesbylocation", {
        "INPUT": str(files[size]), "JOIN": str(files["hazard"]), "PREDICATE": [0],
        "JOIN_FIELDS": ["hazard_class"], "METHOD": 0, "DISCARD_NONMATCHING": discard,
        "PREFIX": "", "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]


def run_native(files, size):
    """Fastest native chain; returns per-building max class and step timings."""
    import numpy as np

    import processing

    steps = {}
    started = time.perf_counter()
    joined = native_join(files, size, discard=False)
    steps["join"] = time.perf_counter() - started
    mark = time.perf_counter()
    maxima = processing.run("qgis:statisticsbycategories", {
        "INPUT": joined, "VALUES_FIELD_NAME": "hazard_class", "CATEGORIES_FIELD_NAME": ["bid"],
        "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    steps["max per building"] = time.perf_counter() - mark
    mark = time.perf_counter()
    counts = processing.run("qgis:statisticsbycategories", {
        "INPUT": maxima, "VALUES_FIELD_NAME": "", "CATEGORIES_FIELD_NAME": ["max"],
        "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    steps["count per class"] = time.perf_counter() - mark
    seconds = time.perf_counter() - started
    # Outside the timing: read the tables back.
    per_building = np.zeros(size, dtype=np.int64)  # buildings without a hazard have no row: 0
    for feature in maxima.getFeatures():
        per_building[int(feature["bid"])] = int(feature["max"])
    table_counts = {int(f["max"]): int(f["count"]) for f in counts.getFeatures()}
    table_counts[0] = size - sum(table_counts.values())
    return per_building, steps, seconds, {"joined_rows": joined.featureCount(), "table_counts": table_counts}


def run_summary(files, size):
    import processing

    layer = processing.run("qgis:joinbylocationsummary", {
        "INPUT": str(files[size]), "JOIN": str(files["hazard"]), "PREDICATE": [0],
        "JOIN_FIELDS": ["hazard_class"], "SUMMARIES": [3], "DISCARD_NONMATCHING": False,
        "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    return layer


def summary_per_building(layer, size):
    import numpy as np

    per_building = np.zeros(size, dtype=np.int64)
    for feature in layer.getFeatures():
        value = feature["hazard_class_max"]
        per_building[int(feature["bid"])] = 0 if value is None or value == "" or str(value) == "NULL" \
            else int(value)
    return per_building


def run_aggregate(files, size):
    import processing

    steps = {}
    started = time.perf_counter()
    joined = native_join(files, size, discard=False)
    steps["join"] = time.perf_counter() - started
    mark = time.perf_counter()
    layer = processing.run("native:aggregate", {
        "INPUT": joined, "GROUP_BY": '"bid"',
        "AGGREGATES": [
            {"aggregate": "first_value", "delimiter": ",", "input": '"bid"', "length": 0,
             "name": "bid", "precision": 0, "type": 4},
            {"aggregate": "maximum", "delimiter": ",", "input": '"hazard_class"', "length": 0,
             "name": "max_class", "precision": 0, "type": 2},
        ],
        "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    steps["aggregate"] = time.perf_counter() - mark
    return layer, steps


def aggregate_per_building(layer, size):
    import numpy as np

    per_building = np.zeros(size, dtype=np.int64)
    for feature in layer.getFeatures():
        value = feature["max_class"]
        per_building[int(feature["bid"])] = 0 if value is None or str(value) == "NULL" else int(value)
    return per_building

