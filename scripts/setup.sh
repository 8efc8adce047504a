#!/usr/bin/env bash
# Idempotent setup of a Debian 12 or 13 machine for Refuge development:
# QGIS, Qt translation tools, xvfb, the geometry stack QGIS links, and .venv.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

. /etc/os-release
debian_major="${VERSION_ID%%.*}"
packages=(qgis python3-qgis qgis-providers python3-gdal python3-pyproj python3-fiona
          python3-scipy python3-numpy python3-venv python3-pip gdal-bin
          pyqt5-dev-tools qttools5-dev-tools qtchooser xvfb xauth)
case "$debian_major" in
    12) packages+=(libgeos-dev python3-dev build-essential) ;;   # shapely 2 from source
    *)  packages+=(python3-shapely) ;;                            # Debian 13: shapely 2.x
esac
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
    /usr/bin/python3 -m venv --system-site-packages .venv
fi
# Debian's pyproj (3.7 on Debian 13) looks for PROJ's data under sys.prefix, which
# is .venv in the venv: without this link it raises DataDirError there.
if [ -f /usr/share/proj/proj.db ] && [ ! -e .venv/share/proj ]; then
    mkdir -p .venv/share
    ln -sfn /usr/share/proj .venv/share/proj
fi
stamp=.venv/.refuge-requirements
requirements=(requirements.txt requirements-dev.txt)
[ "$debian_major" = 12 ] && requirements+=(requirements-debian12.txt)
current=$(cat "${requirements[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$current" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    args=()
    for file in "${requirements[@]}"; do args+=(-r "$file"); done
    .venv/bin/python -m pip install -q "${args[@]}"
    echo "$current" > "$stamp"
fi
.venv/bin/python - <<'PY'
import shapely, osmium, numpy, pyproj
from osgeo import gdal
pyproj.datadir.get_data_dir()  # raises DataDirError when PROJ's data is not found
print(f"shapely {shapely.__version__} (GEOS {'.'.join(map(str, shapely.geos_version))}), "
      f"numpy {numpy.__version__}, GDAL {gdal.__version__}: environment ready")
PY
