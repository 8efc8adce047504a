"""Typed exceptions raised by the engine.

The engine never formats user-facing sentences itself: each exception carries
the facts (paths, counts, extents) as attributes, and the QGIS layer turns
them into a translated message. ``str(exc)`` is an English fallback for plain
Python use and logs.
"""


class RefugeError(Exception):
    """Base class of every error the engine raises on purpose."""


class Canceled(RefugeError):
    """The caller asked to stop (for example the Processing cancel button)."""

    def __init__(self):
        super().__init__("operation canceled")


class MissingDependencyError(RefugeError):
    """A required Python package is absent or unusable."""

    def __init__(self, package, detail=""):
        self.package = package
        self.detail = detail
        super().__init__(f"missing or unusable Python package '{package}': {detail}".rstrip(": "))


class InputFileError(RefugeError):
    """Base class for problems with an input file; ``path`` names it."""

    def __init__(self, path, message):
        self.path = str(path)
        super().__init__(message)


class FileNotFound(InputFileError):
    def __init__(self, path):
        super().__init__(path, f"file not found: {path}")


class UnreadableFileError(InputFileError):
    """The file exists but cannot be read (permissions, or it is a folder)."""

    def __init__(self, path):
        super().__init__(path, f"file exists but cannot be read: {path}")


class EmptyFileError(InputFileError):
    def __init__(self, path):
        super().__init__(path, f"file is empty: {path}")


class NotPbfError(InputFileError):
    """The file does not start with an OSM PBF header block."""

    def __init__(self, path):
        super().__init__(path, f"not an OpenStreetMap .pbf file: {path}")


class TruncatedPbfError(InputFileError):
    """The file ends in the middle of a block (an interrupted download)."""

    def __init__(self, path, expected_size, actual_size):
        self.expected_size = expected_size
        self.actual_size = actual_size
        super().__init__(
            path,
            f"truncated .pbf file: {path} has {actual_size} bytes, its blocks need {expected_size}",
        )


class CorruptPbfError(InputFileError):
    """A block could not be decoded."""

    def __init__(self, path, detail):
        self.detail = detail
        super().__init__(path, f"corrupt .pbf file {path}: {detail}")


class AreaOutsideDataError(RefugeError):
    """The requested area does not overlap the data's bounds.

    ``area_bounds`` and ``data_bounds`` are (west, south, east, north) in
    degrees, EPSG:4326.
    """

    def __init__(self, area_bounds, data_bounds):
        self.area_bounds = tuple(area_bounds)
        self.data_bounds = tuple(data_bounds)
        super().__init__(
            f"the area {self.area_bounds} does not overlap the data bounds {self.data_bounds}"
        )


class EmptyAreaError(RefugeError):
    """The area geometry given to restrict an extract is empty or invalid."""

    def __init__(self):
        super().__init__("the area to extract is empty")


class OutputError(RefugeError):
    """An output cannot be written, or was not written completely.

    ``reason`` is one of :data:`OUTPUT_REASONS`; ``other`` names what the
    output collides with (an input file, another output); ``detail`` is a
    technical detail for the log (GDAL's or the system's words, in English).
    """

    def __init__(self, path, reason, detail="", other=None):
        self.path = str(path)
        self.reason = reason
        self.detail = detail
        self.other = other
        super().__init__(f"cannot write {path}: {reason}" + (f" ({detail})" if detail else "")
                         + (f" [{other}]" if other else ""))


OUTPUT_REASONS = (
    "same_as_input",  # the output is an input file (also through links), or inside one
    "shared_output",  # two outputs of the run would write the same file
    "not_writable",  # the folder does not allow writing
    "no_space",  # the disk (or quota) is full
    "is_directory",  # the output names an existing folder
    "write_failed",  # the writer reported an error
    "incomplete",  # the file written does not hold what was written to it
)


class RasterReadError(InputFileError):
    """GDAL cannot open or read the file as a raster; ``detail`` is GDAL's message."""

    def __init__(self, path, detail=""):
        self.detail = detail
        super().__init__(path, f"cannot read {path} as a raster: {detail}".rstrip(": "))


class RasterBandError(InputFileError):
    """The requested band does not exist: ``band`` was asked, the file has ``band_count``."""

    def __init__(self, path, band, band_count):
        self.band = band
        self.band_count = band_count
        super().__init__(path, f"{path} has no band {band} (it has {band_count})")


class RotatedRasterError(InputFileError):
    """The raster is rotated or sheared; only north-up grids are supported.

    ``geotransform`` is GDAL's (x0, dx, rx, y0, ry, dy) with rx or ry non-zero.
    """

    def __init__(self, path, geotransform):
        self.geotransform = tuple(geotransform)
        super().__init__(
            path, f"{path} is rotated (geotransform {self.geotransform}); warp it to a north-up grid"
        )


class UngeoreferencedRasterError(InputFileError):
    """The raster has no geotransform, so its pixels cannot be placed on a map."""

    def __init__(self, path):
        super().__init__(path, f"{path} has no georeferencing (no geotransform)")


class NoOsmDataError(InputFileError):
    """The .pbf file has a header but no data: not one node, way or relation."""

    def __init__(self, path):
        super().__init__(path, f"the .pbf file {path} holds no OpenStreetMap data (header only)")


EXTENT_PROBLEMS = (
    "unreadable",  # not of the form xmin,xmax,ymin,ymax [CRS]
    "not_finite",  # a coordinate is NaN or infinite
    "zero_size",  # no width or no height
    "unknown_crs",  # the CRS in brackets is not one QGIS knows
    "not_transformable",  # it cannot be transformed to the CRS of the data
)


class ExtentError(RefugeError):
    """An extent given to restrict the work that cannot mean anything.

    ``value`` is the extent as given; ``problem`` one of :data:`EXTENT_PROBLEMS`.
    """

    def __init__(self, value, problem):
        self.value = str(value)
        self.problem = problem
        super().__init__(f"unusable extent {self.value!r}: {problem}")


class OutputFormatError(RefugeError):
    """The output's name does not end in the extension of the only format written (``expected``)."""

    def __init__(self, path, expected):
        self.path = str(path)
        self.expected = expected
        super().__init__(f"the output {path} must be a {expected} file")


class AssignmentError(RefugeError):
    """The capacity-constrained assignment (a minimum-cost flow) found no solution; ``detail`` is
    the solver's word (for the log)."""

    def __init__(self, detail):
        self.detail = str(detail)
        super().__init__(f"the assignment could not be solved: {detail}")
