"""Check that the engine's Python dependencies import and fit together.

Inside QGIS, QGIS's own GEOS is loaded first; a shapely linked to another
GEOS would have its calls routed to the wrong library and compute wrong
results or crash. :func:`check` compares shapely's GEOS with the one the host
application reports.
"""

import importlib
import re

REQUIRED = (
    # (module, minimum version or None, what to install)
    ("numpy", None, "numpy"),
    ("shapely", "2.0", "shapely>=2.0 built against the system GEOS"),
    ("osmium", None, "osmium (pyosmium)"),
    ("osgeo.ogr", None, "GDAL Python bindings (python3-gdal)"),
)


def _version_tuple(text):
    return tuple(int(part) for part in re.findall(r"\d+", text or "")[:3])


def geos_release(version_text):
    """'3.11.1-CAPI-1.17.1' -> (3, 11, 1)."""
    return _version_tuple(str(version_text).split("-")[0])


def check(host_geos_version=None):
    """List of problems as (package, detail) tuples; empty when all is well.

    ``host_geos_version``: the GEOS version string of the host (for QGIS,
    ``Qgis.geosVersion()``); when given, shapely's GEOS must be the same
    release.
    """
    problems = []
    for module_name, minimum, _ in REQUIRED:
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # ImportError, or a broken binary wheel
            problems.append((module_name, f"cannot import: {exc}"))
            continue
        version = getattr(module, "__version__", None)
        if minimum and version and _version_tuple(version) < _version_tuple(minimum):
            problems.append((module_name, f"version {version} is older than {minimum}"))
    if host_geos_version and not any(p[0] == "shapely" for p in problems):
        import shapely

        ours = tuple(shapely.geos_version)
        host = geos_release(host_geos_version)
        if ours != host:
            problems.append((
                "shapely",
                "shapely uses GEOS {} but QGIS uses GEOS {}".format(
                    ".".join(map(str, ours)), ".".join(map(str, host))),
            ))
    return problems


def install_hint(package):
    """What to install for ``package`` (see :data:`REQUIRED`)."""
    for module_name, _, hint in REQUIRED:
        if module_name == package:
            return hint
    return package
