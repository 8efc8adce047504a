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
# Output values naming a provider rather than a file (see resolve_file_outputs).
_URI_SCHEMES = {"memory", "ogr", "postgres", "postgis", "spatialite", "mssql", "oracle", "hana",
                "delimitedtext", "wfs", "virtual"}


def guarded_run(process_algorithm):
    """Decorator of processAlgorithm: Python's cyclic GC paused during the run (see
    :mod:`refuge.core.gcpause`), and Refuge's file outputs moved into place only if it succeeds
    (see :func:`.fastio.outputs_moved_on_success`)."""

    @functools.wraps(process_algorithm)
    def wrapper(*args, **kwargs):
        with gcpause.paused(), fastio.outputs_moved_on_success():
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

    def resolve_file_outputs(self, parameters, context, names):
        """``parameters`` with each output of ``names`` resolved, once, to the file it goes to.

        Refuge writes large outputs of file inputs at file speed (see
        :mod:`.fastio`), so these outputs do not support memory layers: a
        temporary output is a file in QGIS's temporary Processing folder, as
        for GDAL's algorithms. QGIS gives a temporary output a new file (and
        one more layer to load) each time it is asked for its path, hence this
        single resolution at the start of a run. Outputs to database tables or
        layers of existing files are left as they are.
        """
        from qgis.core import QgsProcessing, QgsProcessingOutputLayerDefinition

        resolved = dict(parameters)
        for name in names:
            value = parameters.get(name)
            text = fastio.output_value(parameters, name)
            if not isinstance(text, str) or not text:
                continue
            if text != QgsProcessing.TEMPORARY_OUTPUT and (
                    "|" in text or text.split(":", 1)[0].lower() in _URI_SCHEMES):
                continue
            path = self.parameterAsOutputLayer(parameters, name, context)  # registers the layer to load
            definition = QgsProcessingOutputLayerDefinition(path)
            if isinstance(value, QgsProcessingOutputLayerDefinition):
                definition.createOptions = value.createOptions
            resolved[name] = definition
        return resolved

    def run_engine(self, function, *args, **kwargs):
        """Call an engine function, turning its typed errors into translated ones."""
        try:
            return function(*args, **kwargs)
        except RefugeError as exc:
            raise messages.processing_exception(exc) from exc
