"""Refuge: participatory mapping and disaster-risk planning for QGIS.

The repository root is this package. ``core`` is the engine (no QGIS import),
``processing`` the Processing provider, ``plugin`` the GUI; the metadata
(version, icon, algorithms, dependencies) is in :mod:`.__about__`.
"""


def __getattr__(name):
    """``refuge.plugin_version`` and ``refuge.PLUGIN_DIR``, read from :mod:`.__about__` when asked for.

    Nothing is imported at the top of this file: pytest imports the repository
    root's ``__init__.py`` on its own (outside any package) when the checkout's
    folder name is not a Python name, and a relative import there fails.
    """
    if name in ("PLUGIN_DIR", "plugin_version"):
        from . import __about__

        return getattr(__about__, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def classFactory(iface):  # noqa: N802 - name required by QGIS
    """Entry point called by QGIS (``iface`` is None under qgis_process)."""
    from .plugin.plugin import RefugePlugin

    return RefugePlugin(iface)
