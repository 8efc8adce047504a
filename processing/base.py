"""Common base class of Refuge's Processing algorithms."""

import functools

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..__about__ import HELP_URL, ICON
from ..core import gcpause
from ..core.errors import RefugeError
from ..core.io.copies import input_copies_discarded_on_error
from . import compat, messages, sources
from .dependencies import dependency_problems
from .guard import RunGuard, file_target, output_value
from .help import algorithm_help


def guarded_run(process_algorithm):
    """Decorator of processAlgorithm: the run inside a :class:`.guard.RunGuard`.

    Before any work, the dependencies are checked, the algorithm's
    ``check_parameters`` (when it has one) validates every parameter, and
    every output is checked against every input and staged; after the run,
    every output is checked and all are published together, or, when the run
    fails or is canceled, none. Python's cyclic GC is paused during the run
    (see :mod:`refuge.core.gcpause`). Whatever goes wrong reaches the user as
    a translated message, never as a Python traceback.
    """

    @functools.wraps(process_algorithm)
    def wrapper(self, parameters, context, feedback):
        guard = None
        try:
            with gcpause.paused():
                self.ensure_dependencies()
                self.check_sources(parameters, context)
                check = getattr(self, "check_parameters", None)
                if check is not None:
                    check(parameters, context)
                guard = RunGuard(self, parameters, context, feedback)
                self._guard = guard
                staged = guard.prepare()
                with input_copies_discarded_on_error():
                    results = process_algorithm(self, staged, context, feedback)
                return guard.finish(results)
        except BaseException as exc:
            rename = guard.staging.renamer() if guard is not None else None
            if guard is not None:
                guard.abort()
            raise messages.user_exception(exc, feedback, rename) from None
        finally:
            self._guard = None

    return wrapper


_UNBOUNDED = 1e300  # QGIS's default minimum and maximum of a number parameter are +-DBL_MAX


def number_problem(definition, value):
    """A translated sentence when ``value`` is not a number within ``definition``'s range, else None."""
    if value is None or value == "" or not isinstance(value, (str, int, float)):
        return None  # not given, or an expression (QgsProperty) QGIS evaluates itself
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        number = float("nan")
    low, high = definition.minimum(), definition.maximum()
    low = None if low < -_UNBOUNDED else low
    high = None if high > _UNBOUNDED else high
    if number == number and (low is None or number >= low) and (high is None or number <= high):
        return None
    if low is not None and high is not None:
        rule = messages.tr("between {low} and {high}").format(low=f"{low:g}", high=f"{high:g}")
    elif low is not None:
        rule = messages.tr("at least {low}").format(low=f"{low:g}")
    else:
        rule = messages.tr("at most {high}").format(high=f"{high:g}")
    return messages.tr("{parameter} must be a number {rule} (the value given is {value}).").format(
        parameter=definition.description(), rule=rule, value=value)


class RefugeAlgorithm(QgsProcessingAlgorithm):
    """Shared plumbing: translation, icon, help, dependency gate, error mapping, the run guard.

    The help (the text beside the dialog and one sentence per parameter) is read from
    processing/help/<language>/<name()>.html (see :mod:`.help`), in QGIS's language.
    """

    _guard = None  # the RunGuard of the run in progress (see guarded_run)
    # Tuning parameters and secondary outputs, folded under "Advanced parameters" in the dialog so
    # that a planner meets the few inputs that matter first (tests/qgis/test_dialogs.py: at most 10
    # others; every name listed is a parameter of the algorithm).
    ADVANCED = frozenset()

    def addParameter(self, parameter, *args, **kwargs):  # noqa: N802
        """QGIS's addParameter, flagging the parameters named in ``ADVANCED`` advanced, and giving
        each the help its algorithm's help file has for it (the parameter's tool tip)."""
        if parameter.name() in self.ADVANCED:
            compat.mark_advanced(parameter)
        text = algorithm_help(self.name()).parameters.get(parameter.name())
        if text:
            parameter.setHelp(text)
        return super().addParameter(parameter, *args, **kwargs)

    def checkParameterValues(self, parameters, context):  # noqa: N802
        """QGIS's checks, with numbers out of range told with their allowed range."""
        for definition in self.parameterDefinitions():
            if definition.type() != "number":
                continue
            message = number_problem(definition, parameters.get(definition.name()))
            if message:
                return False, message
        return super().checkParameterValues(parameters, context)

    def parameterAsSink(self, parameters, name, context, *args, **kwargs):  # noqa: N802
        """QGIS's sink, tracked by the run guard: a refused feature is an error, the file is checked."""
        try:
            sink, destination = super().parameterAsSink(parameters, name, context, *args, **kwargs)
        except QgsProcessingException as exc:
            if self._guard is None:
                raise
            # QGIS could not create the file (a full disk, a refused format): say which output.
            raise self._guard.creation_error(parameters, name, str(exc)) from None
        if sink is not None and self._guard is not None:
            sink = self._guard.track(sink, destination)
        return sink, destination

    def style_output(self, context, destination, factory):
        """Give the layer ``destination`` loads as the post-processor ``factory()`` makes.

        Set once the run's outputs have their final paths (the guard renames
        the layers to load, and QGIS would delete a post-processor whose
        layer is renamed).
        """
        if self._guard is not None:
            self._guard.styles.append((destination, factory))
        elif context.willLoadLayerOnCompletion(destination):
            context.layerToLoadOnCompletionDetails(destination).setPostProcessor(factory())

    def tr(self, text):
        return QCoreApplication.translate(type(self).__name__, text)

    def createInstance(self):  # noqa: N802
        return type(self)()

    def icon(self):
        return QIcon(ICON)

    def shortHelpString(self):  # noqa: N802
        return algorithm_help(self.name()).text

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
        :mod:`.sinks`), so these outputs do not support memory layers: a
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
            text = output_value(parameters, name)
            if not isinstance(text, str) or not text:
                continue
            if text != QgsProcessing.TEMPORARY_OUTPUT:
                target = file_target(text)
                if target is None or target[1] is not None:
                    continue  # a database table, or a layer added to an existing file
            path = self.parameterAsOutputLayer(parameters, name, context)  # registers the layer to load
            definition = QgsProcessingOutputLayerDefinition(path)
            if isinstance(value, QgsProcessingOutputLayerDefinition):
                definition.createOptions = value.createOptions
            resolved[name] = definition
        return resolved

    def read_setting(self, parameters, name, context, parse):
        """``parse(text)`` of a settings parameter; a SettingError names the parameter."""
        from ..core.settings import SettingError

        try:
            return parse(self.parameterAsString(parameters, name, context))
        except SettingError as exc:
            exc.parameter = self.parameterDefinition(name).description()
            raise

    def check_sources(self, parameters, context):
        """Every vector input given: found, with a CRS, of a geometry type it accepts (before any work)."""
        for definition in self.parameterDefinitions():
            if definition.type() != "source" or parameters.get(definition.name()) in (None, ""):
                continue
            try:
                source = self.parameterAsSource(parameters, definition.name(), context)
            except QgsProcessingException:
                raise
            except Exception as exc:  # QGIS 3.44 raises a bare "Exception: unknown" on some damaged files
                raise QgsProcessingException(messages.tr(
                    "QGIS cannot read the layer given as {name}: it stopped while opening it. Check that "
                    "the file is complete (open it in QGIS), or save the layer again as a GeoPackage."
                ).format(name=definition.description())) from exc
            if source is None:
                raise QgsProcessingException(self.invalidSourceError(parameters, definition.name()))
            sources.check_source(self, definition.name(), source)

    def warn_if_apart(self, feedback, label, bounds, other_label, other_bounds):
        """Warn when two inputs do not even overlap: a result of "nothing" would then mislead."""
        from ..core.geometry import bounds_gap_m

        if bounds is None or other_bounds is None:
            return
        gap = bounds_gap_m(bounds, other_bounds)
        if gap > 0:
            feedback.pushWarning(messages.tr(
                "{layer} and {other} do not overlap: about {km} km separate them, so nothing of one can "
                "meet the other. Check that they cover the same area, and their coordinate reference "
                "systems.").format(layer=label, other=other_label, km=f"{gap / 1000:.0f}"))

    def run_engine(self, function, *args, **kwargs):
        """Call an engine function, turning its typed errors into translated ones."""
        try:
            return function(*args, **kwargs)
        except RefugeError as exc:
            raise messages.processing_exception(exc) from exc
