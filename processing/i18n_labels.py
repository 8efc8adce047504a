"""Translated labels of hazard classes for the current QGIS language."""

from qgis.PyQt.QtCore import QCoreApplication

from ..core.hazard.definitions import CLASS_BY_CODE


def tr(text):
    return QCoreApplication.translate("@default", text)


def class_label(code):
    """Label of a class code in the interface language (English or French)."""
    labels = {0: tr("Not exposed"), 1: tr("Low"), 2: tr("Medium"), 3: tr("High")}
    return labels.get(code, CLASS_BY_CODE.get(code).label_en if code in CLASS_BY_CODE else str(code))
