"""Refuge: participatory mapping and disaster-risk planning for QGIS.

The repository root is this package. ``core`` is the engine (no QGIS import),
``processing`` the Processing provider, ``plugin`` the GUI; the metadata
(version, icon, algorithms, dependencies) is in :mod:`.__about__`.
"""

# Re-exported for the modules that still import them from here; new code imports __about__.
from .__about__ import PLUGIN_DIR, plugin_version  # noqa: F401


def classFactory(iface):  # noqa: N802 - name required by QGIS
    """Entry point called by QGIS (``iface`` is None under qgis_process)."""
    from .plugin.plugin import RefugePlugin

    return RefugePlugin(iface)
