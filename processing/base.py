"""Common base class of Refuge's Processing algorithms."""

import functools
import os

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .. import PLUGIN_DIR
from ..core import gcpause
from ..core.errors import RefugeError
from . import fastio, messages
from .dependencies import dependency_problems

HELP_URL = "https://github.com/refuge-qgis/refuge#readme"


def guarded_run(process_algorithm):
    """Decorator of processAlgorithm: Python's cyclic GC paused during the run (see
    :mod:`refuge.core.gcpause`), and input copies started for outputs deleted if it fails."""

    @functools.wraps(process_algorithm)
    def wrapper(*args, **kwargs):
        with gcpause.paused(), fastio.copies_discarded_on_error():
            return process_algorithm(*args, **kwargs)

    return wrapper


class RefugeAlgorithm(QgsProcessingAlgorithm):
    """Shared plumbing: translation, icon, dependency gate, error mapping."""

    def tr(self, text):
        return QCoreApplication.translate(type(self).__name__, text)

    def createInstance(self):  # noqa: N802
        return type(self)()

    def icon(self):
        return QIcon(os.path.join(PLUGIN_DIR, "resources", "icons", "refuge.svg"))

    def helpUrl(self):  # noqa: N802
        return HELP_URL

    def canExecute(self):  # noqa: N802
        problems = dependency_problems()
        if problems:
            return False, messages.dependency_message(problems)
        return True, ""

    def ensure_dependencies(self):
        """Refuse to compute with a broken geometry stack (qgis_process ignores canExecute)."""
        problems = dependency_problems()
        if problems:
            raise QgsProcessingException(messages.dependency_message(problems))

    def repair_invalid_geometries(self, context):
        """Read invalid input geometries instead of stopping or skipping them.

        Refuge repairs them (GEOS make_valid) and reports how many, or lists
        them in a rejects output: nothing is dropped silently, whatever the
        Processing setting for invalid features says.
        """
        from . import compat

        context.setInvalidGeometryCheck(compat.GEOMETRY_NO_CHECK)

    def run_engine(self, function, *args, **kwargs):
        """Call an engine function, turning its typed errors into translated ones."""
        try:
            return function(*args, **kwargs)
        except RefugeError as exc:
            raise messages.processing_exception(exc) from exc
