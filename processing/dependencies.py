"""Dependency check of the engine against the running QGIS (cached: it runs once per session)."""

from qgis.core import Qgis, QgsProjUtils

from ..core import deps

_problems = None


def host_versions():
    """(GEOS version string, (PROJ major, minor)) of this QGIS."""
    return Qgis.geosVersion(), (QgsProjUtils.projVersionMajor(), QgsProjUtils.projVersionMinor())


def dependency_problems():
    """Problems (:class:`refuge.core.deps.Problem`) found by :func:`refuge.core.deps.check`
    for this QGIS, computed once."""
    global _problems
    if _problems is None:
        geos, proj = host_versions()
        _problems = deps.check(geos, proj)
    return _problems
