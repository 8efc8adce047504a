"""What the exposure benchmark runs: its synthetic data, sizes and cases."""

from harness.report import Section

SECTION = Section("exposure")

# Synthetic data: a 10 km x 10 km square near Jakarta, EPSG:4326.
SEED = 20240611
LON0, LAT0 = 106.8, -6.2
HALF_M = 5000.0
HAZARD_COUNT = 10_000
GRID = 10  # aggregation units: GRID x GRID squares over the area
SIZES = (2_000, 10_000, 25_000, 100_000)
BIG = 1_000_000
SUMMARY_MAX = 100_000  # qgis:joinbylocationsummary only up to this size
AGGREGATE_SIZES = (2_000, 10_000)  # native:aggregate chain only at these sizes
PROFILE_SIZE = 100_000

CASES = ("refuge", "refuge_memory", "floor", "native", "summary", "aggregate", "geopandas")
REFUGE_CASES = ("refuge", "refuge_memory")
LABELS = {
    "refuge": "Refuge `refuge:exposure` (whole algorithm, GPKG outputs)",
    "refuge_memory": "Refuge `refuge:exposure`, temporary outputs (the dialog's default)",
    "floor": "Floor: shapely 2 STRtree bulk query + numpy max",
    "native": "QGIS `joinattributesbylocation` + 2 × `statisticsbycategories`",
    "summary": "QGIS `joinbylocationsummary` (max)",
    "aggregate": "QGIS `joinattributesbylocation` + `native:aggregate`",
    "geopandas": "geopandas `sjoin` + `groupby().max()`",
}


def cases_for(size):
    cases = ["refuge", "refuge_memory", "floor", "native"]
    if size <= SUMMARY_MAX:
        cases.append("summary")
    if size in AGGREGATE_SIZES:
        cases.append("aggregate")
    cases.append("geopandas")
    return cases
