"""The exposure section's method text: question, data, cases, memory, check and load."""

from harness.machine import load_average, machine
from harness.report import fmt_n, utc_now, versions_text

from exposure.config import AGGREGATE_SIZES, GRID, HAZARD_COUNT, LAT0, LON0, SECTION, SEED, SUMMARY_MAX


def method_lines(vers, gpd_versions, repeat, load_start):
    """The section's opening lines, down to the table's header."""
    gpd_text = " · ".join(f"{k} {v}" for k, v in gpd_versions.items()) if gpd_versions else "not run"
    return [
        SECTION.start,
        "## Exposure: `refuge:exposure` vs shapely, QGIS chains and geopandas",
        "",
        f"Run on {utc_now()} · machine: {machine()} · load average (1 min) at the start "
        f"{load_start:.2f}, at the end {load_average():.2f} (the benchmark keeps about one core "
        "busy; well above 1 means something else ran too and the times are less reliable).",
        f"Versions: {versions_text(vers)}.",
        f"geopandas venv (`bench/.venv-geopandas`, PyPI wheels, own GEOS): {gpd_text}.",
        "Written by `bench/exposure/` (`bench/run.sh exposure`).",
        "",
        "**Question asked of every tool**: the highest `hazard_class` (1–3) of the hazard polygons each "
        "building intersects (touching counts; 0 = not exposed), hence the number of buildings per class.",
        "",
        f"**Data** (synthetic, seeded `{SEED}`, written once to `bench/work/exposure/data/` as GeoPackages, "
        f"EPSG:4326, a 10 km × 10 km square centred on {LON0} E, {-LAT0} S): N buildings, rotated rectangles "
        f"of 5–30 m a side; {fmt_n(HAZARD_COUNT)} hazard polygons, rectangles (30 % squares) of 50–300 m a "
        "side, `hazard_class` 1/2/3 drawn with probabilities 0.5/0.3/0.2, overlapping freely (they cover "
        f"the area about 3.5 times); {GRID * GRID} aggregation squares ({GRID} × {GRID} grid, field `name`).",
        "",
        "**Cases** (all but geopandas inside ONE QGIS process, `processing.run`, in turn on the same files; "
        f"{repeat} repetition(s) per size with the cases interleaved; median wall time, "
        "`time.perf_counter`):",
        "",
        "- **Refuge**: `refuge:exposure` with HAZARD, BUILDINGS, AGGREGATION (+ `name`), writing "
        "BUILDINGS_OUTPUT, UNITS_OUTPUT and SUMMARY_TABLE as GeoPackages and SUMMARY_JSON: the whole "
        "algorithm, including reading the inputs, preparing the hazard polygons, footprint areas, the "
        "unit of each building and writing every building back to disk. The peers "
        "below do less (no areas, no units, no files written).",
        "- **Refuge, temporary outputs**: the same with BUILDINGS_OUTPUT, UNITS_OUTPUT and SUMMARY_TABLE "
        "as `TEMPORARY_OUTPUT`, the Processing dialog's default: the buildings go to a GeoPackage in "
        "QGIS's temporary folder (Refuge's buildings output takes no memory layer, as GDAL's algorithms), "
        "the units and the summary table to memory layers like the QGIS chains below; the JSON is still "
        "written.",
        "- **Floor**: `shapely.STRtree(hazards).query(buildings, predicate='intersects')` + "
        "`numpy.maximum.at`: the least work that answers the question. Time = compute (tree + query + max); "
        "loading with `osgeo.ogr` + `shapely.from_wkb` is shown apart.",
        "- **QGIS fastest chain**: `native:joinattributesbylocation` (one-to-many, METHOD=0, PREDICATE=[0] "
        "intersects, JOIN_FIELDS=hazard_class, non-matching kept) → `qgis:statisticsbycategories` "
        "(hazard_class by `bid`: max per building) → `qgis:statisticsbycategories` (count by `max`). "
        "Intermediate and final layers are temporary (memory) layers. Buildings touching no hazard get no "
        "row in the statistics (null values are skipped), so class 0 = N − the others.",
        "- **QGIS `joinbylocationsummary`**: max of hazard_class, memory output (a Python loop with one "
        f"spatial-index request and one geometry test per building), up to {fmt_n(SUMMARY_MAX)} buildings.",
        "- **QGIS join + `native:aggregate`**: the chain most users build (join as above, then aggregate "
        "grouped by `bid` with `maximum(hazard_class)`), at "
        f"{' and '.join(fmt_n(s) for s in AGGREGATE_SIZES)} buildings only.",
        "- **geopandas**: `gpd.sjoin(how='left', predicate='intersects')` + `groupby('bid').max()`, in a "
        "subprocess of its own virtual environment (its wheels never enter the project's `.venv`). "
        "Time = sjoin + groupby; read (pyogrio) + compute is shown apart; its process start-up and imports "
        "are not counted.",
        "",
    ] + MEASUREMENT_LINES


# How memory, the check and the other load are measured, and the table's header.
MEASUREMENT_LINES = [
    "**Memory**: peak RSS of the QGIS process during the case: before each case the kernel's "
    "high-water mark is reset to the current RSS (`/proc/self/clear_refs` = 5), then "
    "`getrusage(RUSAGE_SELF).ru_maxrss` is read after it; \"+\" is the rise over the RSS at the start "
    "of the case (QGIS + Refuge loaded, and what earlier cases left allocated). geopandas: peak RSS "
    "of its own process (`ru_maxrss` of the child). 1 000 000 buildings: each case in a fresh process "
    "of its own, `ru_maxrss` of that whole process.",
    "",
    "**Check**: the class of every building is compared with the floor's, building by building (by "
    "`bid`), for every case; Refuge's SUMMARY_JSON counts and the sum of its UNITS_OUTPUT columns must "
    "match its buildings output. Counts are given as not exposed / low / medium / high.",
    "",
    "**Other load**: cores used by other processes during the case (CPU time of the whole machine "
    "from `/proc/stat` minus this process's and its children's, over the wall time), the largest "
    "over the repetitions; above about 0.3 the time of that case is less reliable.",
    "",
    "| Buildings | Tool | Time (s) | Runs (s) | Time ÷ Refuge | Peak RSS MiB (+rise) | Other load | "
    "Detail | Buildings per class 0 / 1 / 2 / 3 | Check |",
    "|--:|---|--:|---|--:|--:|--:|---|---|---|",
]
