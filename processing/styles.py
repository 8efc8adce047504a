"""Styles built from the hazard definitions (one source for classes and colours)."""

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsProcessingLayerPostProcessorInterface,
    QgsRendererCategory,
)

from ..core.hazard.definitions import CLASSES
from .i18n_labels import class_label


def hazard_renderer(field="hazard_class", fill=True):
    """Categorized renderer of hazard classes with the definitions' colours."""
    categories = []
    for hazard_class in CLASSES:
        if fill:
            symbol = QgsFillSymbol.createSimple({
                "color": hazard_class.colour, "outline_color": "#595959", "outline_width": "0.2"})
        else:
            from qgis.core import QgsSymbol

            symbol = QgsSymbol.defaultSymbol(0)
        categories.append(QgsRendererCategory(hazard_class.code, symbol, class_label(hazard_class.code)))
    return QgsCategorizedSymbolRenderer(field, categories)


class HazardStyler(QgsProcessingLayerPostProcessorInterface):
    """Applies the hazard class style to an output layer when it is loaded."""

    _instances = []  # keep Python references alive until QGIS calls them

    @classmethod
    def create(cls, field="hazard_class"):
        instance = cls()
        instance.field = field
        cls._instances.append(instance)
        return instance

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        if layer.fields().lookupField(self.field) >= 0:
            layer.setRenderer(hazard_renderer(self.field))
            layer.triggerRepaint()
