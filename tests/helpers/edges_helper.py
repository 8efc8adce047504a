"""Helpers of the run-guard edge tests (tests/e2e/test_edges_outputs*.py).

Small inputs written with osgeo.ogr, snapshots of folders (sha256 of every
file) to prove that a refused or failed run changed nothing, and the checks
every refused run must pass (exit code, message, no traceback, no staging
folder left).
"""

import hashlib
import os
import subprocess

from osgeo import ogr, osr

# Exposure data: EPSG:4326 near Jakarta; network data: UTM 33N, in metres from (X0, Y0).
LON0, LAT0 = 106.8, -6.2
X0, Y0 = 500000.0, 5000000.0
STAGING_PREFIX = ".refuge-"


# -- files ----------------------------------------------------------------------------------------

def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot(*folders):
    """{path: sha256} of every file under ``folders`` (links followed, staging folders included).

    GDAL's ``.aux.xml`` side files (statistics GDAL saves when QGIS reads a raster input) are
    left out: reading a raster writes them, they are no output of Refuge's.
    """
    found = {}
    for folder in folders:
        for root, _, names in os.walk(str(folder)):
            for name in names:
                if name.endswith(".aux.xml"):
                    continue
                path = os.path.join(root, name)
                if os.path.isfile(path):
                    found[path] = sha256(path)
    return found


def hashes(paths):
    """{path: sha256} of the given files (each must exist)."""
    return {str(path): sha256(path) for path in paths}


def staging_folders(*folders):
    """Every ``.refuge-*`` folder under ``folders`` (recursively)."""
    found = []
    for folder in folders:
        for root, names, _ in os.walk(str(folder)):
            found.extend(os.path.join(root, name) for name in names if name.startswith(STAGING_PREFIX))
    return sorted(found)


def leftovers(*folders):
    """Staging folders and temporary files a run should never leave behind."""
    found = staging_folders(*folders)
    for folder in folders:
        for root, _, names in os.walk(str(folder)):
            found.extend(os.path.join(root, name) for name in names if "refuge-tmp" in name)
    return sorted(found)


# -- layers ---------------------------------------------------------------------------------------

_KINDS = {float: ogr.OFTReal, int: ogr.OFTInteger, str: ogr.OFTString}
DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON"}


def write_layer(path, name, geometry_type, rows, fields=(), epsg=4326):
    """Write a layer; ``rows`` are (WKT or None, {field: value}); ``fields`` [(name, type)].

    The driver comes from the extension (.gpkg, .shp, .geojson). A GeoPackage
    that exists gets one more layer. Returns ``path`` (str).
    """
    path = str(path)
    extension = os.path.splitext(path)[1].lower()
    driver = ogr.GetDriverByName(DRIVERS[extension])
    if extension == ".gpkg" and os.path.exists(path):
        data = ogr.Open(path, 1)
    else:
        data = driver.CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    layer = data.CreateLayer(name, srs, geometry_type)
    for field, kind in fields:
        layer.CreateField(ogr.FieldDefn(field, _KINDS[kind]))
    layer.StartTransaction()
    for wkt, values in rows:
        feature = ogr.Feature(layer.GetLayerDefn())
        if wkt is not None:
            feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        for field, value in values.items():
            feature.SetField(field, value)
        layer.CreateFeature(feature)
    layer.CommitTransaction()
    data = None
    return path


def feature_count(path, layer=None):
    """Features of ``path``'s layer (the first one by default) as OGR reads them; -1 when unreadable."""
    data = ogr.Open(str(path))
    if data is None:
        return -1
    source = data.GetLayerByName(layer) if layer else data.GetLayer(0)
    return -1 if source is None else source.GetFeatureCount()


def layer_names(path):
    data = ogr.Open(str(path))
    return [data.GetLayer(i).GetName() for i in range(data.GetLayerCount())]


def integrity(path):
    """SQLite's ``PRAGMA integrity_check`` of a GeoPackage."""
    import sqlite3

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def box(x1, y1, x2, y2):
    return f"POLYGON (({x1} {y1}, {x2} {y1}, {x2} {y2}, {x1} {y2}, {x1} {y1}))"


# -- exposure inputs (EPSG:4326) ------------------------------------------------------------------

D = 1e-4  # about 11 m


def lonlat_box(x1, y1, x2, y2):
    return box(LON0 + x1 * D, LAT0 + y1 * D, LON0 + x2 * D, LAT0 + y2 * D)


def hazard_rows():
    """Three zones: low, medium, high, side by side (x 0-10, 10-20, 20-30; y 0-10)."""
    return [(lonlat_box(10 * (code - 1), 0, 10 * code, 10), {"hazard_class": code, "FLOOD": name})
            for code, name in ((1, "low"), (2, "medium"), (3, "high"))]


HAZARD_FIELDS = [("hazard_class", int), ("FLOOD", str)]


def building_rows(count=12):
    """``count`` small buildings in a row across the zones (and beyond them, dry).

    Of the first twelve: 3 low, 4 medium (one across the low/medium edge), 3 high, 2 dry.
    """
    rows = []
    for index in range(count):
        x = 0.5 + 3 * index
        rows.append((lonlat_box(x, 4, x + 1.2, 5.5), {"TYPE": "house", "people": float(index + 1)}))
    return rows


CLASS_COUNTS = {"0": 2, "1": 3, "2": 4, "3": 3}  # buildings per class of building_rows(12)


BUILDING_FIELDS = [("TYPE", str), ("people", float)]


def exposure_inputs(folder, kind=".gpkg", count=12):
    """{"hazard": path, "buildings": path} written in ``folder`` (buildings as ``kind``)."""
    folder = str(folder)
    hazard = write_layer(os.path.join(folder, "hazard.gpkg"), "hazard", ogr.wkbPolygon, hazard_rows(),
                         HAZARD_FIELDS)
    buildings = write_layer(os.path.join(folder, "buildings" + kind), "buildings", ogr.wkbPolygon,
                            building_rows(count), BUILDING_FIELDS)
    return {"hazard": hazard, "buildings": buildings, "count": count}


def exposure_parameters(inputs, **outputs):
    parameters = {"HAZARD": inputs["hazard"], "BUILDINGS": inputs["buildings"],
                  "BUILDING_TYPE_FIELD": "TYPE", "POPULATION_FIELD": "people"}
    parameters.update(outputs)
    return parameters


def write_many_buildings(path, count, columns=6):
    """A GeoPackage of ``count`` buildings (a grid of boxes over the three zones), fast (one transaction)."""
    data = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    layer = data.CreateLayer("buildings", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("TYPE", ogr.OFTString))
    layer.CreateField(ogr.FieldDefn("people", ogr.OFTReal))
    for index in range(columns):
        layer.CreateField(ogr.FieldDefn(f"note{index}", ogr.OFTString))
    definition = layer.GetLayerDefn()
    side = int(count ** 0.5) + 1
    step = 30.0 / side
    layer.StartTransaction()
    for index in range(count):
        row, column = divmod(index, side)
        x, y = column * step, row * step / 3
        feature = ogr.Feature(definition)
        feature.SetField("TYPE", "house")
        feature.SetField("people", float(index % 7))
        for extra in range(columns):
            feature.SetField(f"note{extra}", f"building {index} note {extra} " + "x" * 20)
        feature.SetGeometry(ogr.CreateGeometryFromWkt(lonlat_box(x, y, x + step * 0.6, y + step * 0.2)))
        layer.CreateFeature(feature)
    layer.CommitTransaction()
    data = None
    return str(path)


# -- hazard zones for prepare_hazard (EPSG:4326) --------------------------------------------------

def zone_rows():
    return [(lonlat_box(0, 0, 10, 10), {"FLOODPRONE": "YES"}),
            (lonlat_box(10, 0, 20, 10), {"FLOODPRONE": "NO"}),
            (lonlat_box(20, 0, 30, 10), {"FLOODPRONE": "YES"})]


ZONE_FIELDS = [("FLOODPRONE", str)]


# -- network inputs (UTM 33N, metres from X0, Y0) -------------------------------------------------

def utm(wkt_points):
    """A WKT point or line from local metres: [(x, y)] -> absolute UTM coordinates."""
    coordinates = ", ".join(f"{X0 + x} {Y0 + y}" for x, y in wkt_points)
    return f"LINESTRING ({coordinates})" if len(wkt_points) > 1 else f"POINT ({coordinates})"


def network_inputs(folder, roads_kind=".gpkg"):
    """{"roads", "households", "shelters", "hazard"} files of a small town in ``folder``.

    A main street of 2 km (four segments), a shelter at its east end, six
    households along it, a hazard zone (high) over x 600-800.
    """
    folder = str(folder)
    road_rows = [(utm([(x, 0), (x + 500, 0)]), {"highway": "residential", "speed": 3.6})
                 for x in range(0, 2000, 500)]
    roads = write_layer(os.path.join(folder, "roads" + roads_kind), "roads", ogr.wkbLineString, road_rows,
                        [("highway", str), ("speed", float)], epsg=32633)
    households = write_layer(os.path.join(folder, "households.gpkg"), "households", ogr.wkbPoint,
                             [(utm([(x, 10)]), {"people": float(x // 100)})
                              for x in (900, 1100, 1300, 1500, 1700, 1900)],
                             [("people", float)], epsg=32633)
    shelters = write_layer(os.path.join(folder, "shelters.gpkg"), "shelters", ogr.wkbPoint,
                           [(utm([(2000, 5)]), {"name": "school", "capacity": 100.0})],
                           [("name", str), ("capacity", float)], epsg=32633)
    hazard = write_layer(os.path.join(folder, "net_hazard.gpkg"), "hazard", ogr.wkbPolygon,
                         [(box(X0 + 600, Y0 - 100, X0 + 800, Y0 + 100), {"hazard_class": 3})],
                         [("hazard_class", int)], epsg=32633)
    return {"roads": roads, "households": households, "shelters": shelters, "hazard": hazard,
            "count": 6}


def evacuation_parameters(inputs, **outputs):
    parameters = {"ROADS": inputs["roads"], "SPEED_FIELD": "speed", "HOUSEHOLDS": inputs["households"],
                  "POPULATION_FIELD": "people", "SHELTERS": inputs["shelters"],
                  "SHELTER_NAME_FIELD": "name", "CAPACITY_FIELD": "capacity", "HAZARD": inputs["hazard"],
                  "MAX_SNAP_DISTANCE": 100.0}
    parameters.update(outputs)
    return parameters


def facility_parameters(inputs, **outputs):
    parameters = {"ROADS": inputs["roads"], "SPEED_FIELD": "speed", "HOUSEHOLDS": inputs["households"],
                  "FACILITIES": inputs["shelters"], "HAZARD": inputs["hazard"], "PROFILE": 0,
                  "MAX_SNAP_DISTANCE": 100.0}
    parameters.update(outputs)
    return parameters


# -- runs -----------------------------------------------------------------------------------------

def output_text(completed):
    return completed.stdout + completed.stderr


def shown(text, limit=3000):
    """``text`` shortened for an assertion message (GDAL can print thousands of lines)."""
    return text if len(text) <= limit else "[...] " + text[-limit:]


def assert_no_traceback(completed):
    text = output_text(completed)
    assert "Traceback" not in text, shown(text)
    assert 'File "' not in text, shown(text)


def assert_refused(completed, *fragments):
    """The run failed, says every one of ``fragments``, and shows no traceback."""
    text = output_text(completed)
    assert completed.returncode != 0, shown(text)
    for fragment in fragments:
        assert str(fragment) in text, f"{fragment!r} not in:\n{shown(text)}"
    assert_no_traceback(completed)


def start_qgis_process(algorithm, parameters, config=None, preexec=None, log=None):
    """A running ``qgis_process run`` (Popen), for kill and parallel tests."""
    from qgis_process_helper import DEFAULT_PROFILE, WRAPPER

    args = [WRAPPER, "--json", "run", algorithm, "--"]
    args += [f"{key}={value}" for key, value in parameters.items()]
    env = dict(os.environ)
    env["QGIS_CUSTOM_CONFIG_PATH"] = str(config or DEFAULT_PROFILE)
    output = open(log, "w", encoding="utf-8") if log else subprocess.DEVNULL
    try:
        return subprocess.Popen(args, stdout=output, stderr=subprocess.STDOUT, env=env,
                                preexec_fn=preexec, start_new_session=True)
    finally:
        if log:
            output.close()


# -- fault injection in a real qgis_process run ---------------------------------------------------

_SITECUSTOMIZE = '''"""Written by tests/helpers/edges_helper.py: a fault injected in Refuge (qgis_process).

REFUGE_EDGES_FAIL="module:Attribute.path" wraps that function, once its module
is imported, so that it does its work and then raises LookupError (an error
no Refuge code expects); REFUGE_EDGES_FAIL_MARK names a file written when it fires.
"""
import importlib.abc
import os
import sys

_TARGET = os.environ.get("REFUGE_EDGES_FAIL")


def _patch(module, path):
    owner = module
    names = path.split(".")
    for name in names[:-1]:
        owner = getattr(owner, name)
    original = getattr(owner, names[-1])

    def failing(*args, **kwargs):
        result = original(*args, **kwargs)
        mark = os.environ.get("REFUGE_EDGES_FAIL_MARK")
        if mark:
            with open(mark, "w") as handle:
                handle.write(path)
        raise LookupError("fault injected by the edge tests after " + path)

    setattr(owner, names[-1], failing)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, module_name, path):
        self.module_name, self.path = module_name, path

    def find_spec(self, name, import_path, target=None):
        if name != self.module_name:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, import_path, target)
            if spec is not None:
                break
        else:
            return None
        original_exec = spec.loader.exec_module

        def exec_module(module):
            original_exec(module)
            _patch(module, self.path)

        spec.loader.exec_module = exec_module
        return spec


if _TARGET:
    _module, _, _path = _TARGET.partition(":")
    sys.meta_path.insert(0, _Finder(_module, _path))

try:  # Debian's own sitecustomize, which this one hides
    import apport_python_hook
except ImportError:
    pass
else:
    apport_python_hook.install()
'''


def fault_environment(folder, target, monkeypatch):
    """Make the next qgis_process runs fail after ``target`` ("module:Class.method"); returns the mark file.

    A sitecustomize.py in ``folder``, first on PYTHONPATH, wraps the function
    (see the text above); ``monkeypatch`` undoes the environment afterwards.
    """
    folder = str(folder)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "sitecustomize.py"), "w", encoding="utf-8") as handle:
        handle.write(_SITECUSTOMIZE)
    mark = os.path.join(folder, "fired")
    current = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", folder + (os.pathsep + current if current else ""))
    monkeypatch.setenv("REFUGE_EDGES_FAIL", target)
    monkeypatch.setenv("REFUGE_EDGES_FAIL_MARK", mark)
    return mark
