"""QGIS for the benchmarks: a headless application in this process, and qgis_process alone."""

import os
import statistics
import sys

from harness.paths import QGIS_PROCESS
from harness.processes import child_env, launch


def start_qgis(required=()):
    """A headless QgsApplication with Processing and the native provider.

    With ``required`` algorithm ids, Refuge's provider is loaded too (returns
    (app, plugin): both must stay referenced) and every id is checked.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    registry = QgsApplication.processingRegistry()
    if registry.providerById("native") is None:
        from qgis.analysis import QgsNativeAlgorithms

        registry.addProvider(QgsNativeAlgorithms())
    if not required:
        return app
    import refuge

    plugin = refuge.classFactory(None)
    plugin.initProcessing()
    for algorithm in required:
        if registry.algorithmById(algorithm) is None:
            raise SystemExit(f"{algorithm} is not registered")
    return app, plugin


def startup(repeat):
    """qgis_process start-up alone: ``--version`` (bare binary) and ``list``, which also loads every
    Processing provider and Python plugin, as ``run`` does; ``repeat`` runs of each under the probe.

    Returns {name: {seconds (median), peak_mib (largest), stdout (of the last run)}}.
    """
    result = {}
    for name, argv in (("version", [str(QGIS_PROCESS), "--version"]), ("list", [str(QGIS_PROCESS), "list"])):
        reports = [launch([argv], env=child_env(pythonpath=False)) for _ in range(repeat)]
        failed = [r for r in reports if not r["ok"]]
        if failed:
            raise SystemExit(f"qgis_process {name} failed: {failed[0]['error']}")
        result[name] = {"seconds": statistics.median(r["seconds"] for r in reports),
                        "peak_mib": max(r["peak_kib"] for r in reports) / 1024,
                        "stdout": reports[-1]["stdout"]}
    return result


def require_refuge():
    """Stop with a clear message when ``refuge`` is not importable (PYTHONPATH not set)."""
    try:
        import refuge  # noqa: F401
    except ImportError as exc:
        raise SystemExit(f"cannot import refuge ({exc}): run with PYTHONPATH=build/pythonpath") from exc
