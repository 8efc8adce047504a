"""Check that the engine's Python dependencies are there, recent enough, and fit together.

:data:`REQUIREMENTS` lists every third-party module the engine imports, with the
oldest release that has what the engine calls (declared once, in
``refuge.__about__.REQUIRED``), and the submodules and attributes
it really uses: importing a package is not enough (pyosmium 3.x imports, but has
no ``osmium.area``, ``osmium.filter`` nor ``osmium.OsmFileIterator``). A test
(tests/qgis/test_install_deps.py) keeps this list equal to what core/ imports.

Inside QGIS, QGIS's own GEOS and PROJ are loaded first; a shapely or pyproj that
brings another copy has its calls routed to the wrong library and computes wrong
results or crashes. :func:`check` compares their versions with the host's, and on
Linux looks for two copies of either library loaded in the process.

:func:`check` imports the modules (most are already imported by the algorithms: then
it takes a few hundredths of a second); the QGIS side
(:mod:`refuge.processing.dependencies`) runs it once per session.
"""

import importlib
import os
import re
import sys
from collections import namedtuple

from ..__about__ import REQUIRED

Requirement = namedtuple("Requirement", "package minimum modules uses version install")
Requirement.__doc__ = """One dependency of the engine.

``package``: the name shown to the user; ``minimum``: oldest usable release;
``modules``: the modules the engine imports; ``uses``: ``"module:attr.attr"``
paths it calls (checked to exist); ``version``: ``"module:attr"`` giving the
release; ``install``: what to install, in a few words.
"""

Problem = namedtuple("Problem", "package detail install")
Problem.__doc__ = """One dependency problem: the package, what is wrong, what to install."""

_SHAPELY_FUNCTIONS = (
    "area", "boundary", "bounds", "box", "buffer", "centroid", "covers", "difference", "distance",
    "force_2d", "from_wkb", "geos_version", "get_coordinates", "get_dimensions", "get_num_coordinates",
    "get_num_interior_rings", "get_parts", "get_point", "get_rings", "get_type_id", "get_x", "get_y",
    "has_z", "intersection", "intersects", "is_empty", "is_missing", "is_valid", "length",
    "line_interpolate_point", "line_locate_point", "linestrings", "make_valid", "point_on_surface",
    "points", "prepare", "reverse", "segmentize", "to_wkb", "total_bounds", "transform", "union",
    "union_all", "GeometryCollection", "LineString", "MultiLineString", "MultiPoint", "MultiPolygon",
    "Point", "Polygon", "STRtree.query", "STRtree.query_nearest",
)
_GDAL_NAMES = (
    "gdal:CE_Failure", "gdal:ErrorReset", "gdal:GDT_Byte", "gdal:GDT_Float32", "gdal:GDT_Int16",
    "gdal:GDT_UInt16", "gdal:GetConfigOption", "gdal:GetDriverByName", "gdal:GetLastErrorMsg",
    "gdal:OF_RASTER", "gdal:OF_READONLY", "gdal:OF_VECTOR", "gdal:OpenEx", "gdal:Polygonize",
    "gdal:PopErrorHandler", "gdal:PushErrorHandler", "gdal:RasterizeLayer", "gdal:SetConfigOption",
    "gdal:VectorTranslate", "gdal:VectorTranslateOptions", "gdal:__version__.split",
    "ogr:CreateGeometryFromWkb", "ogr:Feature.SetFieldNull", "ogr:FieldDefn",
    "ogr:ForceToMultiPolygon", "ogr:ForceToPolygon", "ogr:GT_Flatten", "ogr:GetDriverByName",
    "ogr:OFSTBoolean", "ogr:OFTDateTime", "ogr:OFTInteger", "ogr:OFTString", "ogr:wkbNone",
    "ogr:wkbPolygon", "ogr:wkbPolyhedralSurface", "ogr:wkbTIN", "ogr:wkbTriangle",
    "osr:OAMS_TRADITIONAL_GIS_ORDER", "osr:SpatialReference",
)

# Every third-party module core/ imports, and every attribute of them it names
# (tests/qgis/test_install_deps.py reads core/ and fails when one is missing here).
REQUIREMENTS = (
    # numpy 1.17: nan_to_num(nan=).
    Requirement(
        "numpy", REQUIRED["numpy"], ("numpy",), ("numpy:add.reduceat", "numpy:errstate"),
        "numpy:__version__",
        "the numpy GDAL and scipy were built for (python3-numpy on Debian/Ubuntu); remove any "
        "other numpy that QGIS finds first"),
    # shapely 2.0: the vectorized functions (union_all, get_parts, STRtree.query(predicate=)...).
    Requirement(
        "shapely", REQUIRED["shapely"], ("shapely", "shapely.errors"),
        tuple(f"shapely:{name}" for name in _SHAPELY_FUNCTIONS) + ("shapely.errors:GEOSException",),
        "shapely:__version__",
        "shapely 2 built against QGIS's GEOS (python3-shapely on Debian 13; on Debian 12 built "
        "with pip --no-binary shapely, see the README)"),
    # pyproj 2.2: Transformer.from_crs(always_xy=True).
    Requirement(
        "pyproj", REQUIRED["pyproj"], ("pyproj",),
        ("pyproj:Transformer.from_crs", "pyproj:CRS.from_user_input", "pyproj:CRS.from_proj4",
         "pyproj:Geod.inv", "pyproj:proj_version_str"),
        "pyproj:__version__",
        "pyproj linked to QGIS's PROJ (python3-pyproj on Debian/Ubuntu, not the PyPI wheel)"),
    # scipy 1.6: linprog(method="highs-ipm") and cKDTree.query(workers=).
    Requirement(
        "scipy", REQUIRED["scipy"],
        ("scipy", "scipy.sparse", "scipy.sparse.csgraph", "scipy.spatial", "scipy.optimize"),
        ("scipy.sparse:csr_matrix", "scipy.sparse:coo_matrix", "scipy.sparse:hstack",
         "scipy.sparse.csgraph:dijkstra", "scipy.sparse.csgraph:connected_components",
         "scipy.spatial:cKDTree.query", "scipy.spatial:cKDTree.query_pairs", "scipy.optimize:linprog"),
        "scipy:__version__",
        "scipy (python3-scipy on Debian/Ubuntu)"),
    # pyosmium 4.0: osmium.area, osmium.filter, osmium.io.FileBuffer, FileProcessor,
    # OsmFileIterator, BufferIterator (all absent from 3.7, the release before).
    Requirement(
        "osmium", REQUIRED["osmium"],
        ("osmium", "osmium.area", "osmium.filter", "osmium.geom", "osmium.index", "osmium.io", "osmium.osm"),
        ("osmium:BufferIterator", "osmium:FileProcessor", "osmium:InvalidLocationError",
         "osmium:NodeLocationsForWays.ignore_errors", "osmium:OsmFileIterator", "osmium:apply",
         "osmium.area:AreaManager.first_pass_handler", "osmium.area:AreaManager.second_pass_to_buffer",
         "osmium.filter:IdFilter", "osmium.filter:KeyFilter", "osmium.geom:WKBFactory",
         "osmium.index:create_map", "osmium.io:FileBuffer", "osmium.io:Reader.__enter__",
         "osmium.io:Reader.header", "osmium.osm:NOTHING", "osmium.osm:RELATION", "osmium.osm:WAY"),
        "osmium.version:pyosmium_release",
        "pyosmium 4.0 or later (python3-pyosmium on Debian 13; elsewhere the pip package "
        "osmium, see the README)"),
    # GDAL 3.0: osr.OAMS_TRADITIONAL_GIS_ORDER. gdal_array (Band.ReadAsArray) is where a numpy
    # other than the one GDAL was built for fails.
    Requirement(
        "GDAL", REQUIRED["GDAL"], ("osgeo", "osgeo.gdal", "osgeo.ogr", "osgeo.osr", "osgeo.gdal_array"),
        tuple(f"osgeo.{name}" for name in _GDAL_NAMES),
        "osgeo.gdal:__version__",
        "GDAL's Python bindings with the numpy they were built for (python3-gdal on Debian/Ubuntu)"),
)

# The libraries that must be QGIS's own copies (basename prefixes in /proc/self/maps).
_SHARED_LIBRARIES = (("shapely", "GEOS", "libgeos_c"), ("pyproj", "PROJ", "libproj"))


def _version_tuple(text):
    return tuple(int(part) for part in re.findall(r"\d+", str(text or ""))[:3])


def _dotted(numbers):
    return ".".join(map(str, numbers))


def geos_release(version_text):
    """'3.11.1-CAPI-1.17.1' -> (3, 11, 1)."""
    return _version_tuple(str(version_text).split("-")[0])


def _resolve(path):
    """The object at ``"module:attr.attr"`` (the module imported), or raise."""
    module_name, _, attributes = path.partition(":")
    value = importlib.import_module(module_name)
    for name in attributes.split(".") if attributes else ():
        value = getattr(value, name)
    return value


def _version(requirement):
    try:
        version = _resolve(requirement.version)
    except Exception:  # noqa: BLE001 - an unknown version is judged by the features alone
        return None
    return str(version) if version else None


_NUMPY_ABI_ERRORS = ("numpy.core.multiarray failed to import", "_ARRAY_API not found",
                     "compiled using NumPy 1.x", "numpy.dtype size changed")


def _numpy_mismatch(exc):
    """True when ``exc`` says a module was built for another numpy than the loaded one."""
    return any(marker in str(exc) for marker in _NUMPY_ABI_ERRORS)


def _numpy_origin():
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return "numpy"
    return "numpy {} ({})".format(getattr(numpy, "__version__", "?"),
                                  os.path.dirname(getattr(numpy, "__file__", "") or "?"))


def _import_problem(module_name, exc, needs, version):
    if isinstance(exc, ModuleNotFoundError) and exc.name == module_name.split(".")[0]:
        return f"not installed ({needs})"
    if _numpy_mismatch(exc):
        return f"cannot import {module_name}: it was built for another numpy than {_numpy_origin()}"
    return "cannot import {}{}: {} ({})".format(
        module_name, f" (version {version})" if version else "", exc, needs)


def _check_requirement(requirement):
    """What is wrong with one requirement, or None."""
    needs = f"Refuge needs {requirement.package} {requirement.minimum} or later"
    top, *submodules = requirement.modules
    try:
        importlib.import_module(top)
    except Exception as exc:  # noqa: BLE001 - ImportError, or a broken binary (numpy ABI, library)
        return _import_problem(top, exc, needs, None)
    version = _version(requirement)
    if version and _version_tuple(version) < _version_tuple(requirement.minimum):
        return f"version {version} is too old ({needs})"
    for module_name in submodules:
        try:
            importlib.import_module(module_name)
        except Exception as exc:  # noqa: BLE001 - as above
            return _import_problem(module_name, exc, needs, version)
    for path in requirement.uses:
        try:
            _resolve(path)
        except Exception:  # noqa: BLE001 - AttributeError, or a failing import
            return "{} has no {} ({})".format(
                f"version {version}" if version else "this version", path.replace(":", "."), needs)
    return None


def _loaded_copies(prefix, maps="/proc/self/maps"):
    """Distinct files of the shared library ``prefix`` mapped in this process (Linux), else []."""
    try:
        with open(maps, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    paths = set()
    for line in lines:
        fields = line.split(None, 5)
        if len(fields) < 6:
            continue
        path = fields[5].strip()
        name = os.path.basename(path)
        if name.startswith(prefix) and ".so" in name and name[len(prefix):len(prefix) + 1] in ("-", "."):
            paths.add(os.path.realpath(path))
    return sorted(paths)


def check(host_geos_version=None, host_proj_version=None, maps="/proc/self/maps"):
    """List of :class:`Problem` (package, detail, install); empty when all is well.

    ``host_geos_version``: the GEOS version string of the host (for QGIS,
    ``Qgis.geosVersion()``); when given, shapely's GEOS must be the same release.
    ``host_proj_version``: (major, minor) of the host's PROJ; when given,
    pyproj's PROJ must be the same. On Linux, two copies of GEOS or PROJ loaded
    in the process (one of them from a wheel) are reported too.
    """
    problems = []
    for requirement in REQUIREMENTS:
        detail = _check_requirement(requirement)
        if detail:
            problems.append(Problem(requirement.package, detail, requirement.install))
    broken = {problem.package for problem in problems}
    install = {requirement.package: requirement.install for requirement in REQUIREMENTS}
    if "numpy" not in broken and any("built for another numpy" in problem.detail for problem in problems):
        problems.insert(0, Problem(
            "numpy", f"{_numpy_origin()} is not the numpy that GDAL or scipy were built for",
            install["numpy"]))
        broken.add("numpy")
    if host_geos_version and "shapely" not in broken:
        import shapely

        ours, host = tuple(shapely.geos_version), geos_release(host_geos_version)
        if ours != host:
            problems.append(Problem(
                "shapely", f"shapely uses GEOS {_dotted(ours)} but QGIS uses GEOS {_dotted(host)}",
                install["shapely"]))
            broken.add("shapely")
    if host_proj_version and "pyproj" not in broken:
        import pyproj

        ours, host = _version_tuple(pyproj.proj_version_str)[:2], tuple(host_proj_version)[:2]
        if ours != host:
            problems.append(Problem(
                "pyproj", f"pyproj uses PROJ {_dotted(ours)} but QGIS uses PROJ {_dotted(host)}",
                install["pyproj"]))
            broken.add("pyproj")
    if sys.platform.startswith("linux"):
        for package, library, prefix in _SHARED_LIBRARIES:
            copies = _loaded_copies(prefix, maps)
            if package not in broken and len(copies) > 1:
                problems.append(Problem(
                    package, "two copies of {} are loaded ({}): {} must use the one GDAL and QGIS use".format(
                        library, ", ".join(copies), package), install[package]))
    return problems


def install_hint(package):
    """What to install for ``package`` (see :data:`REQUIREMENTS`)."""
    for requirement in REQUIREMENTS:
        if requirement.package == package:
            return requirement.install
    return package
