"""The Refuge Processing provider (id ``refuge``)."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .. import PLUGIN_DIR, plugin_version
from .evacuation_access import EvacuationAccess
from .exposure import Exposure
from .facility_access import FacilityAccess
from .osm_extract_pbf import OsmExtractPbf
from .prepare_hazard import PrepareHazard


class RefugeProvider(QgsProcessingProvider):
    def tr(self, text):
        return QCoreApplication.translate("RefugeProvider", text)

    def id(self):
        return "refuge"

    def name(self):
        return "Refuge"

    def longName(self):  # noqa: N802
        return self.tr("Refuge: disaster-risk planning") + f" {plugin_version()}"

    def icon(self):
        return QIcon(os.path.join(PLUGIN_DIR, "resources", "icons", "refuge.svg"))

    def versionInfo(self):  # noqa: N802
        return plugin_version()

    def loadAlgorithms(self):  # noqa: N802
        for algorithm in (OsmExtractPbf(), PrepareHazard(), Exposure(), EvacuationAccess(),
                          FacilityAccess()):
            self.addAlgorithm(algorithm)
