"""Refuge: participatory mapping and disaster-risk planning for QGIS.

The repository root is this package. ``core`` is the engine (no QGIS import),
``processing`` the Processing provider, ``plugin`` the GUI.
"""

import configparser
import os

PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))


def plugin_version():
    """Version string from metadata.txt, the single source of the version."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(PLUGIN_DIR, "metadata.txt"), encoding="utf-8")
    return parser.get("general", "version")


def classFactory(iface):  # noqa: N802 - name required by QGIS
    """Entry point called by QGIS (``iface`` is None under qgis_process)."""
    from .plugin.plugin import RefugePlugin

    return RefugePlugin(iface)
