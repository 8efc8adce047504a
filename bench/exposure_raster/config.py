"""What the raster exposure benchmark runs: its data, sizes, thresholds and cases."""

from harness.paths import SHARED_DATA
from harness.report import Section

SECTION = Section("exposure_raster")

JAKARTA_DEPTH = SHARED_DATA / "hazard" / "jakarta" / "jakarta_flood_design.tif"
JAKARTA_BUILDINGS = SHARED_DATA / "exposure" / "jakarta" / "buildings.shp"

# Synthetic raster: RASTER_SIZE x RASTER_SIZE pixels of PIXEL degrees, top-left at (LON0, LAT0).
SEED = 20240612
RASTER_SIZE = 10_000
PIXEL = 0.00001
LON0, LAT0 = 106.75, -6.15
NODATA = -9999.0
MID_SIZE = 100_000
BIG = 1_000_000
THRESHOLDS = (0.5, 1.5)  # Refuge's defaults (LOW_MAX, MEDIUM_MAX), MIN_DEPTH 0
CLASS_NAMES = ("not exposed", "low", "medium", "high")

CASES = ("refuge", "zonal", "gdal")
LABELS = {
    "refuge": "Refuge `refuge:exposure` (DEPTH, GPKG + JSON out)",
    "zonal": "QGIS `native:zonalstatisticsfb` (max, GPKG out)",
    "gdal": "GDAL `RasterizeLayer` ALL_TOUCHED, per building (reference)",
}
