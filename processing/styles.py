"""Styles built from the hazard definitions (one source for classes and colours)."""

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsProcessingLayerPostProcessorInterface,
    QgsRendererCategory,
    QgsSymbol,
)
from qgis.PyQt.QtGui import QColor

from ..core.hazard.definitions import CLASSES
from .labels import class_label


def hazard_renderer(geometry_type, field="hazard_class"):
    """Categorized renderer of hazard classes with the definitions' colours.

    ``geometry_type``: the layer's QgsWkbTypes geometry type (point, line or
    polygon), so that lines and points get line and marker symbols.
    """
    categories = []
    for hazard_class in CLASSES:
        symbol = QgsSymbol.defaultSymbol(geometry_type)
        symbol.setColor(QColor(hazard_class.colour))
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
            layer.setRenderer(hazard_renderer(layer.geometryType(), self.field))
            layer.triggerRepaint()
