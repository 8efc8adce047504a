"""Depth raster and depth-class parameters shared by the hazard algorithms."""

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterBand,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..core.hazard.definitions import FLOOD
from . import compat


def raster_lonlat_bounds(grid):
    """Lon/lat bounds of a RasterGrid's extent (see refuge.core.geometry.lonlat_bounds)."""
    import shapely

    from ..core.geometry import lonlat_bounds

    x0, dx, _, y0, _, dy = grid.geotransform
    rows, columns = grid.values.shape
    outline = shapely.box(x0, y0 + rows * dy, x0 + columns * dx, y0)
    return lonlat_bounds([outline], grid.crs_wkt or "EPSG:4326")


class DepthRasterParameters:
    """Mixin for algorithms that accept a flood depth raster and classify depths."""

    DEPTH = "DEPTH"
    BAND = "BAND"
    LOW_MAX = "LOW_MAX"
    MEDIUM_MAX = "MEDIUM_MAX"
    MIN_DEPTH = "MIN_DEPTH"
    # The depth bands are tuning: folded under "Advanced parameters" (RefugeAlgorithm.ADVANCED).
    DEPTH_ADVANCED = frozenset({BAND, LOW_MAX, MEDIUM_MAX, MIN_DEPTH})

    def add_depth_parameters(self):
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.DEPTH, QCoreApplication.translate("DepthRasterParameters", "Flood depth raster"),
            optional=True))
        self.addParameter(QgsProcessingParameterBand(
            self.BAND, QCoreApplication.translate("DepthRasterParameters", "Band"), defaultValue=1,
            parentLayerParameterName=self.DEPTH, optional=True))
        for name, label, default in (
                (self.LOW_MAX, QCoreApplication.translate(
                    "DepthRasterParameters", "Upper bound of low depths (m)"), FLOOD.thresholds[0]),
                (self.MEDIUM_MAX, QCoreApplication.translate(
                    "DepthRasterParameters", "Upper bound of medium depths (m)"), FLOOD.thresholds[1]),
                (self.MIN_DEPTH, QCoreApplication.translate(
                    "DepthRasterParameters", "Minimum flood depth (m)"), FLOOD.min_value)):
            self.addParameter(QgsProcessingParameterNumber(
                name, label, compat.NUMBER_DOUBLE, defaultValue=default, minValue=0.0))

    def depth_classes(self, parameters, context):
        """((low upper bound, medium upper bound), minimum depth) in metres, checked."""
        thresholds = (self.parameterAsDouble(parameters, self.LOW_MAX, context),
                      self.parameterAsDouble(parameters, self.MEDIUM_MAX, context))
        if not thresholds[0] < thresholds[1]:
            raise QgsProcessingException(QCoreApplication.translate(
                "DepthRasterParameters",
                "The upper bound of low depths ({low} m) must be below that of medium depths "
                "({medium} m).").format(low=thresholds[0], medium=thresholds[1]))
        min_depth = self.parameterAsDouble(parameters, self.MIN_DEPTH, context)
        if min_depth >= thresholds[0]:
            raise QgsProcessingException(QCoreApplication.translate(
                "DepthRasterParameters",
                "The minimum flood depth ({minimum} m) must be below the upper bound of low depths "
                "({low} m).").format(minimum=min_depth, low=thresholds[0]))
        return thresholds, min_depth

    def check_depth_parameters(self, parameters, context):
        """The depth classes and the band checked (before any work)."""
        self.depth_classes(parameters, context)
        raster = self.parameterAsRasterLayer(parameters, self.DEPTH, context)
        if raster is not None:
            self.depth_band(parameters, context, raster)

    def depth_band(self, parameters, context, raster):
        """The band to read (1 when not given), refused when the raster has no such band."""
        if parameters.get(self.BAND) in (None, ""):
            return 1
        band = self.parameterAsInt(parameters, self.BAND, context)
        if not 1 <= band <= raster.bandCount():
            raise QgsProcessingException(QCoreApplication.translate(
                "DepthRasterParameters",
                "The depth raster has no band {band}: it has {count}. Choose a band from 1 to "
                "{count}.").format(band=band, count=raster.bandCount()))
        return band

    def depth_grid(self, parameters, context, feedback):
        """(raster layer, RasterGrid) of the depth raster, or (None, None) when not given."""
        raster = self.parameterAsRasterLayer(parameters, self.DEPTH, context)
        if raster is None:
            return None, None
        band = self.depth_band(parameters, context, raster)
        return raster, self.read_grid(raster, band, feedback, QCoreApplication.translate(
            "DepthRasterParameters",
            "The depth raster has no coordinate reference system. Set its CRS in the layer "
            "properties, then run again."), QCoreApplication.translate(
            "DepthRasterParameters",
            "The depth raster declares no nodata value: every pixel is read as a depth."))

    def read_grid(self, raster, band, feedback, no_crs_message, no_nodata_message):
        """The RasterGrid of a raster layer's band: refused without CRS, a warning without nodata."""
        if not raster.crs().isValid():
            raise QgsProcessingException(no_crs_message)
        from ..core.raster.sampling import read_raster

        grid = self.run_engine(read_raster, raster.source(), band)
        if grid.nodata is None:
            feedback.pushWarning(no_nodata_message)
        return grid
