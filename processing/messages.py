"""Translated user messages for the engine's typed errors and reason codes."""

from qgis.core import QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

from ..core import errors


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
    """A translated sentence saying what went wrong and what to do."""
    if isinstance(exc, errors.Canceled):
        return tr("Canceled: nothing was written.")
    if isinstance(exc, errors.FileNotFound):
        return tr("The file {path} does not exist. Choose an existing file.").format(path=exc.path)
    if isinstance(exc, errors.EmptyFileError):
        return tr("The file {path} is empty (0 bytes). Download it again or choose another file.").format(
            path=exc.path)
    if isinstance(exc, errors.NotPbfError):
        return tr("The file {path} is not an OpenStreetMap .pbf file. Choose a file ending in "
                  ".osm.pbf, for example an extract from download.geofabrik.de.").format(path=exc.path)
    if isinstance(exc, errors.TruncatedPbfError):
        return tr("The file {path} is truncated: it has {actual} bytes but its content needs "
                  "{expected}. The download was probably interrupted; download it again.").format(
            path=exc.path, actual=exc.actual_size, expected=exc.expected_size)
    if isinstance(exc, errors.CorruptPbfError):
        return tr("The file {path} is damaged and cannot be decoded ({detail}). Download it again.").format(
            path=exc.path, detail=exc.detail)
    if isinstance(exc, errors.AreaOutsideDataError):
        return tr("The area to extract ({area}) does not overlap the data in the file ({data}). "
                  "Choose an area inside the file's extent, or leave the area empty to extract "
                  "the whole file.").format(area=_bounds(exc.area_bounds), data=_bounds(exc.data_bounds))
    if isinstance(exc, errors.EmptyAreaError):
        return tr("The area to extract is empty. Draw a larger extent or choose a layer with "
                  "polygons, or leave the area empty to extract the whole file.")
    if isinstance(exc, errors.OutputError):
        return tr("Cannot write {path}: {detail}. Choose another output file.").format(
            path=exc.path, detail=exc.detail)
    if isinstance(exc, errors.MissingDependencyError):
        return tr("The Python package {package} is missing or unusable ({detail}). See the "
                  "Refuge README, section Installation, to install it.").format(
            package=exc.package, detail=exc.detail)
    return str(exc)


def processing_exception(exc):
    """A QgsProcessingException carrying the translated message of ``exc``."""
    return QgsProcessingException(error_message(exc))


def reject_reasons():
    """Translated text for each reject reason code of the OSM extractor."""
    return {
        "missing_nodes": tr("some nodes of the way are missing from the file (clipped extract)"),
        "too_few_points": tr("fewer than two distinct points"),
        "not_closed": tr("the way is not a closed ring, so it cannot be an area"),
        "assembly_failed": tr("the multipolygon could not be assembled (member ways missing "
                              "from the file or rings not closed)"),
        "invalid_geometry": tr("invalid geometry that could not be repaired"),
    }


def dependency_message(problems):
    """One translated message listing dependency problems and the fix."""
    lines = [tr("Refuge cannot run its algorithms because of its Python dependencies:")]
    lines += [f"- {package}: {detail}" for package, detail in problems]
    lines.append(tr("Install shapely 2 built against the same GEOS as QGIS, and pyosmium, as the "
                    "Refuge README explains (section Installation), then restart QGIS."))
    return "\n".join(lines)
