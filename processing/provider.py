"""The Refuge Processing provider (id ``refuge``)."""

import importlib

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..__about__ import ALGORITHMS, ICON, __title__, __version__


def algorithm_classes():
    """The algorithm classes listed in :data:`refuge.__about__.ALGORITHMS`, in their order."""
    return [getattr(importlib.import_module(f"{__package__}.{module}"), name) for module, name in ALGORITHMS]


class RefugeProvider(QgsProcessingProvider):
    def tr(self, text):
        return QCoreApplication.translate("RefugeProvider", text)

    def id(self):
        return "refuge"

    def name(self):
        return __title__

    def longName(self):  # noqa: N802
        return self.tr("Refuge: disaster-risk planning") + f" {__version__}"

    def icon(self):
        return QIcon(ICON)

    def versionInfo(self):  # noqa: N802
        return __version__

    def loadAlgorithms(self):  # noqa: N802
        for algorithm in algorithm_classes():
            self.addAlgorithm(algorithm())
