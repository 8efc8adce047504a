"""refuge:exposure with DEPTH and QGIS's zonal statistics: their runs and their outputs read back."""

import json

from harness.data import gpkg_table, read_only, remove

from exposure_raster.config import THRESHOLDS


def refuge_parameters(depth, buildings, out, tag):
    return {
        "DEPTH": str(depth),
        "BUILDINGS": str(buildings),
        "BUILDINGS_OUTPUT": str(out / f"refuge_{tag}.gpkg"),
        "SUMMARY_JSON": str(out / f"refuge_{tag}.json"),
    }


def zonal_parameters(depth, buildings, out, tag):
    return {
        "INPUT": str(buildings),
        "INPUT_RASTER": str(depth),
        "RASTER_BAND": 1,
        "COLUMN_PREFIX": "zs_",
        "STATISTICS": [6],  # max
        "OUTPUT": str(out / f"zonal_{tag}.gpkg"),
    }


def run_algorithm(case, depth, buildings, out, tag):
    """Run one case's algorithm (outputs removed first); returns its parameters."""
    import processing

    if case == "refuge":
        parameters = refuge_parameters(depth, buildings, out, tag)
        remove(parameters["BUILDINGS_OUTPUT"], parameters["SUMMARY_JSON"])
        processing.run("refuge:exposure", parameters)
    else:
        parameters = zonal_parameters(depth, buildings, out, tag)
        remove(parameters["OUTPUT"])
        processing.run("native:zonalstatisticsfb", parameters)
    return parameters


def read_by_bid(path, columns, size):
    """Columns of a GeoPackage output as float arrays indexed by the input's ``bid`` (NULL: NaN)."""
    import numpy as np

    with read_only(path) as db:
        rows = db.execute(f'SELECT bid, {", ".join(columns)} FROM "{gpkg_table(path)}"').fetchall()
    result = {c: np.full(size, np.nan) for c in columns}
    bids = np.array([r[0] for r in rows], dtype=np.int64)
    if len(rows) != size or len(np.unique(bids)) != size:
        raise RuntimeError(f"{path}: {len(rows)} rows, {len(np.unique(bids))} distinct bids, expected {size}")
    for position, column in enumerate(columns, start=1):
        result[column][bids] = np.array([np.nan if r[position] is None else r[position] for r in rows])
    return result


def read_in_order(path, columns):
    """Columns and geometries (WKB) of any OGR layer, in feature order (Jakarta: no bid)."""
    import numpy as np
    from osgeo import ogr

    ogr.UseExceptions()
    dataset = ogr.Open(str(path))
    layer = dataset.GetLayer(0)
    values = {c: [] for c in columns}
    wkbs = []
    for feature in layer:
        for column in columns:
            value = feature.GetField(column)
            values[column].append(np.nan if value is None else float(value))
        wkbs.append(bytes(feature.GetGeometryRef().ExportToIsoWkb()))
    return {c: np.array(v) for c, v in values.items()}, wkbs


def classify_depths(depths):
    """Refuge's depth classes with its defaults: dry (or nodata) 0, < 0.5 low, < 1.5 medium, else high."""
    import numpy as np

    depths = np.asarray(depths, dtype=float)
    wet = np.nan_to_num(depths, nan=-np.inf) > 0.0
    codes = np.zeros(len(depths), dtype=np.int8)
    codes[wet] = 1
    codes[wet & (depths >= THRESHOLDS[0])] = 2
    codes[wet & (depths >= THRESHOLDS[1])] = 3
    return codes


def class_counts(codes):
    import numpy as np

    return [int(c) for c in np.bincount(np.asarray(codes, dtype=np.int64), minlength=4)[:4]]


def refuge_results(parameters, size=None):
    """max_depth_m and hazard_class per building, and the SUMMARY_JSON counts."""
    with open(parameters["SUMMARY_JSON"], encoding="utf-8") as handle:
        summary = json.load(handle)
    json_counts = [int(round(summary["buildings"]["count"][str(code)])) for code in range(4)]
    columns = ["max_depth_m", "hazard_class"]
    if size is None:
        values, wkbs = read_in_order(parameters["BUILDINGS_OUTPUT"], columns)
    else:
        values, wkbs = read_by_bid(parameters["BUILDINGS_OUTPUT"], columns, size), None
    return values["max_depth_m"], values["hazard_class"], json_counts, wkbs


def zonal_results(parameters, size=None):
    if size is None:
        values, wkbs = read_in_order(parameters["OUTPUT"], ["zs_max"])
        return values["zs_max"], wkbs
    return read_by_bid(parameters["OUTPUT"], ["zs_max"], size)["zs_max"], None


def same_depth(a, b):
    """Equal depths (both NaN counts as equal), compared as the raster's float32 values."""
    import numpy as np

    a32, b32 = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return (a32 == b32) | (np.isnan(a32) & np.isnan(b32))

