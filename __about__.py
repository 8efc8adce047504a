"""Refuge's metadata, declared once: version, title, icon, help address, algorithms, dependencies.

Read by the provider and the algorithms (processing/), the menu (plugin/), the
load check (core/deps.py) and the tests of the README. This module imports
neither QGIS nor any third-party package: core/ reads it too, so the
algorithms are named here by module and class, and imported by the provider.
"""

import configparser
import os

PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))


def _metadata():
    """The [general] section of metadata.txt, the file the QGIS plugin repository reads."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(PLUGIN_DIR, "metadata.txt"), encoding="utf-8")
    return parser["general"]


_METADATA = _metadata()

__version__ = _METADATA["version"]
__title__ = _METADATA["name"]
__homepage__ = _METADATA["homepage"]

ICON = os.path.join(PLUGIN_DIR, *_METADATA["icon"].split("/"))
HELP_URL = f"{__homepage__}#readme"  # the user guide, English and French

# (module of refuge.processing, class): the provider loads them, the menu offers them, in this order.
ALGORITHMS = (
    ("osm_extract_pbf", "OsmExtractPbf"),
    ("prepare_hazard", "PrepareHazard"),
    ("exposure", "Exposure"),
    ("evacuation_access", "EvacuationAccess"),
    ("facility_access", "FacilityAccess"),
)
# The name() of each algorithm, which is also its module's name (ids are "refuge:<name>").
ALGORITHM_NAMES = tuple(module for module, _ in ALGORITHMS)

# Every third-party package the engine needs, with the oldest usable release (what each
# release brings, and what is checked of it, is in core/deps.py; the README's installation
# table gives the same minimums, and tests keep the three equal).
REQUIRED = {
    "numpy": "1.17",
    "shapely": "2.0",
    "pyproj": "2.2",
    "scipy": "1.6",
    "osmium": "4.0",
    "GDAL": "3.0",
}


def plugin_version():
    """Version string from metadata.txt, the single source of the version."""
    return __version__
