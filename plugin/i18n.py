"""Install Refuge's translator following QGIS's locale setting."""

import os

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from ..__about__ import PLUGIN_DIR

_translator = None


def qgis_locale():
    """The locale QGIS uses for its interface, e.g. 'fr' or 'fr_FR' (the translator and the
    algorithms' help, refuge.processing.help, both follow it)."""
    locale = getattr(QgsApplication, "locale", lambda: "")()
    if not locale:
        settings = QgsSettings()
        if settings.value("locale/overrideFlag", False, type=bool):
            locale = settings.value("locale/userLocale", "")
        else:
            locale = QLocale.system().name()
    return locale or "en"


def translation_file(locale):
    """Path of the compiled translation for ``locale``, or None if absent."""
    for candidate in (locale, locale.split("_")[0]):
        path = os.path.join(PLUGIN_DIR, "i18n", f"refuge_{candidate}.qm")
        if os.path.exists(path):
            return path
    return None


def install_translator():
    """Load refuge_<lang>.qm once per process; returns the file used or None."""
    global _translator
    if _translator is not None:
        return _translator[1]
    path = translation_file(qgis_locale())
    if path is None:
        _translator = (None, None)
        return None
    translator = QTranslator()
    if translator.load(path):
        QCoreApplication.installTranslator(translator)
        _translator = (translator, path)  # keep a reference: Qt does not own it
        return path
    _translator = (None, None)
    return None
