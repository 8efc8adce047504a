"""The floor: the least work that answers the question, bare shapely 2 and numpy (no QGIS)."""

import time


def load_polygons(path, field):
    """(shapely geometries, values of ``field``) of a GeoPackage's first layer, with OGR."""
    import numpy as np
    import shapely
    from osgeo import ogr

    ogr.UseExceptions()
    dataset = ogr.Open(str(path))
    layer = dataset.GetLayer(0)
    wkbs, values = [], []
    for feature in layer:
        wkbs.append(bytes(feature.GetGeometryRef().ExportToWkb()))
        values.append(feature.GetField(field))
    return shapely.from_wkb(np.array(wkbs, dtype=object)), np.asarray(values, dtype=np.int64)


def floor_compute(buildings, hazards, classes):
    import numpy as np
    import shapely

    tree = shapely.STRtree(hazards)
    building, hazard = tree.query(buildings, predicate="intersects")
    result = np.zeros(len(buildings), dtype=np.int64)
    np.maximum.at(result, building, classes[hazard])
    return result


def run_floor(files, size):
    import numpy as np

    timings = {}
    started = time.perf_counter()
    buildings, bids = load_polygons(files[size], "bid")
    hazards, classes = load_polygons(files["hazard"], "hazard_class")
    timings["load_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    per_feature = floor_compute(buildings, hazards, classes)
    timings["compute_seconds"] = time.perf_counter() - started
    per_building = np.zeros(size, dtype=np.int64)
    per_building[bids] = per_feature
    return per_building, timings

