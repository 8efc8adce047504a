"""The Refuge plugin class: registers the Processing provider and the menu."""

from qgis.core import QgsApplication, QgsMessageLog
from qgis.PyQt.QtCore import QCoreApplication, QUrl
from qgis.PyQt.QtGui import QDesktopServices, QIcon

try:  # Qt 6 moved QAction to QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:
    from qgis.PyQt.QtWidgets import QAction

from ..__about__ import ALGORITHM_NAMES, HELP_URL, ICON
from ..processing import compat, messages
from ..processing.dependencies import dependency_problems
from .i18n import install_translator

# Algorithms offered in the Refuge menu: all of them, in the order of __about__.ALGORITHMS.
MENU_ALGORITHMS = tuple(f"refuge:{name}" for name in ALGORITHM_NAMES)


class RefugePlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.actions = []
        self.help_action = None
        self.menu = None
        install_translator()

    def tr(self, text):
        return QCoreApplication.translate("RefugePlugin", text)

    def initProcessing(self):  # noqa: N802 - called by QGIS and qgis_process
        if self.provider is not None:
            return
        from ..processing.provider import RefugeProvider

        self.provider = RefugeProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)
        problems = dependency_problems()
        if problems:
            QgsMessageLog.logMessage(messages.dependency_message(problems), "Refuge",
                                     compat.MSG_CRITICAL)

    def initGui(self):  # noqa: N802
        self.initProcessing()
        icon = QIcon(ICON)
        self.menu = self.tr("&Refuge")
        for algorithm_id in MENU_ALGORITHMS:
            algorithm = QgsApplication.processingRegistry().algorithmById(algorithm_id)
            if algorithm is None:
                continue
            action = QAction(icon, algorithm.displayName() + "…", self.iface.mainWindow())
            action.setObjectName(algorithm_id.replace(":", "_"))
            action.triggered.connect(lambda _checked=False, a=algorithm_id: self.open_algorithm(a))
            self.iface.addPluginToMenu(self.menu, action)
            self.actions.append(action)
        self.help_action = QAction(self.tr("Help"), self.iface.mainWindow())
        self.help_action.setObjectName("refuge_help")
        self.help_action.triggered.connect(self.open_help)
        self.iface.addPluginToMenu(self.menu, self.help_action)
        problems = dependency_problems()
        if problems:
            self.iface.messageBar().pushMessage(
                "Refuge", messages.dependency_message(problems), level=compat.MSG_CRITICAL,
                duration=0)

    def open_algorithm(self, algorithm_id):
        """Open the standard Processing dialog of an algorithm."""
        import processing  # QGIS's own Processing plugin

        processing.execAlgorithmDialog(algorithm_id, {})

    def open_help(self):
        """The user guide (README, English and French) in the web browser."""
        QDesktopServices.openUrl(QUrl(HELP_URL))

    def unload(self):
        for action in [*self.actions, *([self.help_action] if self.help_action else [])]:
            self.iface.removePluginMenu(self.menu, action)
            action.deleteLater()
        self.actions = []
        self.help_action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
