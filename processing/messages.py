"""Translated user messages for the engine's typed errors and reason codes."""

import os

from qgis.core import QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

from ..core import deps, errors, settings


def tr(text):
    # pylupdate5 files the tr() calls of this module under the "@default" context, and the
    # messages.tr() calls of other modules under "messages": look in both.
    translated = QCoreApplication.translate("@default", text)
    return translated if translated != text else QCoreApplication.translate("messages", text)


def check_canceled(feedback):
    """Stop the run when the user has pressed Cancel (the outputs are then discarded)."""
    if feedback.isCanceled():
        raise QgsProcessingException(tr("Canceled: nothing was written."))


def _bounds(bounds):
    return "{:.5f}, {:.5f}, {:.5f}, {:.5f}".format(*bounds)


def error_message(exc):
    """A translated sentence saying what went wrong and what to do (see :func:`error_messages`)."""
    table = error_messages()
    for kind in type(exc).__mro__:
        if kind in table:
            return table[kind](exc)
    return unexpected_message(exc)


def unexpected_message(exc):
    return tr("Refuge stopped on an unexpected error ({kind}): nothing was written. Please report "
              "it with the log of this run (the technical detail is in QGIS's message log, tab "
              "Refuge).").format(kind=type(exc).__name__)


def error_messages():
    """{engine error class: function of the error giving its translated sentence}.

    The one table of the engine's typed errors: a test requires an entry for
    every subclass of :class:`refuge.core.errors.RefugeError`. Sentences never
    embed English details (GDAL's or the system's words): those go to the log
    as the technical detail (see :func:`user_exception`).
    """
    return {
        errors.Canceled: lambda exc: tr("Canceled: nothing was written."),
        errors.InputFileError: lambda exc: tr(
            "The file {path} cannot be used: check that it is the right file and that it is "
            "complete.").format(path=exc.path),
        errors.FileNotFound: lambda exc: tr(
            "The file {path} does not exist. Choose an existing file.").format(path=exc.path),
        errors.UnreadableFileError: lambda exc: tr(
            "The file {path} exists but cannot be read (permission denied, or it is a "
            "folder). Check its permissions, or choose another file.").format(path=exc.path),
        errors.EmptyFileError: lambda exc: tr(
            "The file {path} is empty (0 bytes). Download it again or choose another file.").format(
            path=exc.path),
        errors.NotPbfError: lambda exc: tr(
            "The file {path} is not an OpenStreetMap .pbf file. Choose a file ending in "
            ".osm.pbf, for example an extract from download.geofabrik.de.").format(path=exc.path),
        errors.TruncatedPbfError: lambda exc: tr(
            "The file {path} is truncated: it has {actual} bytes but its content needs "
            "{expected}. The download was probably interrupted; download it again.").format(
            path=exc.path, actual=exc.actual_size, expected=exc.expected_size),
        errors.CorruptPbfError: lambda exc: tr(
            "The file {path} is damaged and cannot be decoded. Download it again.").format(path=exc.path),
        errors.NoOsmDataError: lambda exc: tr(
            "The file {path} holds a header but no OpenStreetMap data: not one node, way or "
            "relation. The download was probably interrupted; download it again.").format(path=exc.path),
        errors.AreaOutsideDataError: lambda exc: tr(
            "The area to extract ({area}) does not overlap the data in the file ({data}). "
            "Choose an area inside the file's extent, or leave the area empty to extract "
            "the whole file.").format(area=_bounds(exc.area_bounds), data=_bounds(exc.data_bounds)),
        errors.EmptyAreaError: lambda exc: tr(
            "The area to extract is empty. Draw a larger extent or choose a layer with "
            "polygons, or leave the area empty to extract the whole file."),
        errors.ExtentError: lambda exc: extent_messages()[exc.problem].format(value=exc.value),
        errors.OutputError: lambda exc: output_messages()[exc.reason].format(path=exc.path, other=exc.other),
        errors.AssignmentError: lambda exc: tr(
            "The assignment of households to shelters within their capacities could not be "
            "solved. Run again without the capacity assignment, or check the shelters' "
            "capacities."),
        errors.OutputFormatError: lambda exc: tr(
            "The output {path} must be a GeoPackage: give a file name ending in {expected}.").format(
            path=exc.path, expected=exc.expected),
        settings.SettingError: setting_message,
        errors.RasterReadError: lambda exc: tr(
            "The file {path} cannot be read as a raster. Check that it is a raster GDAL can "
            "open (a GeoTIFF for example) and that it is complete.").format(path=exc.path),
        errors.RasterBandError: lambda exc: tr(
            "The raster {path} has no band {band}: it has {count}. Choose a band from 1 to "
            "{count}.").format(path=exc.path, band=exc.band, count=exc.band_count),
        errors.RotatedRasterError: lambda exc: tr(
            "The raster {path} is rotated or sheared: Refuge reads north-up rasters only. Warp "
            "it to a north-up grid first (Raster > Projections > Warp).").format(path=exc.path),
        errors.UngeoreferencedRasterError: lambda exc: tr(
            "The raster {path} has no georeferencing: its pixels cannot be placed on the map. "
            "Georeference it first.").format(path=exc.path),
        errors.MissingDependencyError: lambda exc: tr(
            "The Python package {package} is missing or unusable. See the Refuge README, section "
            "Installation, to install it.").format(package=exc.package),
    }


def extent_messages():
    """Translated message of each :data:`refuge.core.errors.EXTENT_PROBLEMS` code."""
    return {
        "unreadable": tr("The extent '{value}' cannot be read. Write it as xmin,xmax,ymin,ymax [EPSG:code], "
                         "for example 7.41,7.44,43.72,43.75 [EPSG:4326], or leave it empty to extract the "
                         "whole file."),
        "not_finite": tr("The extent '{value}' has a coordinate that is not a number (NaN or infinite). Give "
                         "four numbers, xmin,xmax,ymin,ymax [EPSG:code], or leave it empty to extract the "
                         "whole file."),
        "zero_size": tr("The extent '{value}' has no width or no height, so nothing can touch it. Give an "
                        "extent with xmin < xmax and ymin < ymax, or leave it empty to extract the whole "
                        "file."),
        "unknown_crs": tr("The coordinate reference system of the extent '{value}' is unknown. Give one QGIS "
                          "knows, such as [EPSG:4326], or leave it empty to extract the whole file."),
        "not_transformable": tr("The extent '{value}' cannot be transformed to longitude and latitude "
                                "(EPSG:4326): it lies outside what its coordinate reference system can "
                                "place. Check its coordinates and its CRS."),
    }


def _number_text(value):
    return f"{value:g}"


def setting_message(exc):
    """The translated sentence of a :class:`refuge.core.settings.SettingError`."""
    parameter = exc.parameter or tr("A setting")
    if exc.problem == "out_of_range":
        if exc.high is None:
            rule = (tr("above {low}") if exc.low_open else tr("at least {low}")).format(
                low=_number_text(exc.low))
        else:
            rule = tr("between {low} and {high}").format(low=_number_text(exc.low),
                                                         high=_number_text(exc.high))
        return tr("{parameter}: '{part}' is out of range: the value must be {rule}.").format(
            parameter=parameter, part=exc.part, rule=rule)
    texts = {
        "not_pair": tr("{parameter}: '{part}' is not of the form key=value. Write pairs such as "
                       "low=0.5; medium=0 separated by ';'."),
        "unknown_key": tr("{parameter}: '{part}' is not a key of this setting. The keys are: {allowed}."),
        "not_number": tr("{parameter}: '{part}' does not give a number (write 0.5 or 0,5)."),
        "duplicate_key": tr("{parameter}: '{part}' gives a key a second time: give each key once."),
        "not_class": tr("{parameter}: '{part}' is not a hazard class: write low, medium, high or dry "
                        "(or faible, moyen, fort, sec)."),
        "empty": tr("{parameter} is empty: give at least one value."),
    }
    return texts[exc.problem].format(parameter=parameter, part=exc.part, allowed=", ".join(exc.allowed))


def output_messages():
    """Translated message of each OutputError reason code (:data:`refuge.core.errors.OUTPUT_REASONS`)."""
    return {
        "same_as_input": tr("The output {path} would overwrite the input {other}: Refuge never writes "
                            "over its inputs. Choose another output file."),
        "shared_output": tr("The output {path} is also chosen for {other}: each output needs a file of "
                            "its own (or a layer of its own in a GeoPackage). Choose another file."),
        "not_writable": tr("Cannot write {path}: the folder does not allow writing (permissions, or a "
                           "read-only disk). Choose another folder."),
        "no_space": tr("Not enough space on the disk to write {path}. Free some space or choose another "
                       "disk: nothing was written."),
        "is_directory": tr("The output {path} is a folder: give the name of a file inside it."),
        "write_failed": tr("Could not write {path}: nothing was written. Choose another output file or "
                           "folder."),
        "incomplete": tr("The file {path} could not be written completely (the disk may be full): "
                         "nothing was written. Free some space or choose another output."),
    }


def user_exception(exc, feedback=None, rename=None):
    """The QgsProcessingException a user sees for ``exc``, whatever it is: never a traceback.

    Refuge's typed errors get their translated sentence; system errors (a
    full disk, a permission) are said in words that name the file; anything
    unexpected gets a translated sentence naming the error's kind, its
    technical detail and the traceback going to QGIS's message log only.
    ``rename`` turns the staged paths of a run into the paths the user chose.
    """
    if isinstance(exc, QgsProcessingException):
        return QgsProcessingException(rename(str(exc))) if rename is not None else exc
    detail = None
    if isinstance(exc, errors.RefugeError):
        message = error_message(exc)
        detail = getattr(exc, "detail", None)
    elif isinstance(exc, OSError):
        message, detail = _system_error(exc), exc.strerror or str(exc)
    elif isinstance(exc, MemoryError):
        message = tr("Not enough memory for this run: close other programs, or run it on a smaller area.")
    elif isinstance(exc, KeyboardInterrupt):
        message = tr("Canceled: nothing was written.")
    else:
        import traceback

        from qgis.core import QgsMessageLog

        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        QgsMessageLog.logMessage(trace, "Refuge")
        debug = os.environ.get("REFUGE_DEBUG")  # for developers: a file the tracebacks go to (README)
        if debug:
            with open(debug, "a", encoding="utf-8") as handle:
                handle.write(trace)
        message = unexpected_message(exc)
        detail = str(exc)
    if rename is not None:
        message = rename(message)
        detail = rename(detail) if detail else detail
    if detail and feedback is not None:
        feedback.pushInfo(tr("Technical detail: {detail}").format(detail=detail))
    return QgsProcessingException(message)


def _system_error(exc):
    import errno

    path = exc.filename or "?"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return output_messages()["no_space"].format(path=path)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return tr("Permission denied for {path}: check its permissions or choose another file or "
                  "folder.").format(path=path)
    if exc.errno == errno.ENOENT:
        return tr("The file or folder {path} does not exist.").format(path=path)
    if exc.errno == errno.EISDIR:
        return tr("{path} is a folder, where a file was expected.").format(path=path)
    return tr("The system could not read or write {path} (error {code}).").format(
        path=path, code=errno.errorcode.get(exc.errno, exc.errno))


def processing_exception(exc):
    """A QgsProcessingException carrying the translated message of ``exc``."""
    return QgsProcessingException(error_message(exc))


def dependency_message(problems):
    """One translated message listing dependency problems (see :func:`refuge.core.deps.check`),
    what to install for each, and where the commands are."""
    lines = [tr("Refuge cannot run its algorithms because of its Python dependencies:")]
    for package, detail, *install in problems:  # (package, detail, install); install is optional
        lines.append(tr("- {package}: {detail}. Install: {install}.").format(
            package=package, detail=detail, install=install[0] if install else deps.install_hint(package)))
    lines.append(tr("The Refuge README (section Installation) gives the commands. Then restart QGIS."))
    return "\n".join(lines)
