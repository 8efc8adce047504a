#!/usr/bin/env bash
# Install Refuge into a QGIS profile and enable it.
#   scripts/install_plugin.sh                 -> build/qgis-profile (throwaway, default)
#   scripts/install_plugin.sh --user          -> your own default QGIS profile
#   scripts/install_plugin.sh --config DIR    -> the profile folder DIR (QGIS_CUSTOM_CONFIG_PATH)
#   --copy                                    -> copy instead of symlink
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
config="$root/build/qgis-profile"
mode=link
while [ $# -gt 0 ]; do
    case "$1" in
        --user) config="${XDG_DATA_HOME:-$HOME/.local/share}/QGIS/QGIS3" ;;
        --config) shift; config="$1" ;;
        --copy) mode=copy ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
plugins="$config/profiles/default/python/plugins"
mkdir -p "$plugins"
target="$plugins/refuge"
if [ -L "$target" ] || [ -e "$target" ]; then
    if [ -L "$target" ] || [ -f "$target/.refuge-installed" ]; then
        rm -rf "$target"
    else
        echo "$target exists and was not installed by this script; remove it first" >&2
        exit 1
    fi
fi
if [ "$mode" = link ]; then
    ln -s "$root" "$target"
else
    mkdir -p "$target"
    (cd "$root" && git ls-files -z | grep -zv -E '^(tests|bench|scripts|\.ci)/' \
        | xargs -0 -I{} cp --parents {} "$target/")
    cp "$root"/i18n/*.qm "$target/i18n/" 2>/dev/null || true
    touch "$target/.refuge-installed"
fi
# qgis_process fails with "Plugin is already enabled!" on a second install: that is fine.
if ! message=$(QGIS_CUSTOM_CONFIG_PATH="$config" "$root/scripts/qgis_process" plugins enable refuge 2>&1); then
    case "$message" in
        *"already enabled"*) ;;
        *) echo "$message" >&2; exit 1 ;;
    esac
fi
echo "Refuge installed in $target and enabled (QGIS_CUSTOM_CONFIG_PATH=$config)"
