"""Dependency check of the engine against the running QGIS (cached)."""

from qgis.core import Qgis

from ..core import deps

_problems = None


def dependency_problems():
    """Problems found by :func:`refuge.core.deps.check` for this QGIS, cached."""
    global _problems
    if _problems is None:
        _problems = deps.check(Qgis.geosVersion())
    return _problems
