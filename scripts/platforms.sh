#!/usr/bin/env bash
# Runs the whole test suite (`make test`) on the other supported QGIS lines,
# each in its own Debian chroot, isolated from this checkout's .venv and build/:
#
#   trixie-3.40   Debian 13, QGIS 3.40 from trixie
#   trixie-3.44   Debian 13, QGIS 3.44 LTR from trixie-backports
#
# Usage: scripts/platforms.sh [--command 'CMD'] [platform...]
#   default: every platform, CMD `make test`; needs root (re-runs itself with sudo).
#   e.g. scripts/platforms.sh --command 'make test-fast' trixie-3.44
#
# Chroots live outside the checkout, in $REFUGE_PLATFORMS_DIR (default
# /var/cache/refuge-platforms): one debootstrap (base-trixie/) copied for each
# platform (<platform>/), and one apt archive cache (apt-archives/) that they
# share. They are made on first use and reused afterwards; a platform's packages
# are refreshed (apt-get update, upgrade, fresh .venv) only when its stamp
# changes: the platform's definition, provision_platform below or
# scripts/setup.sh. REFUGE_PLATFORMS_REFRESH=1 forces a refresh; deleting the
# folder starts from scratch.
#
# Each run copies the working tree as it is (tracked and untracked non-ignored
# files, and .git; not .venv, build, dist) to /src/main in the chroot, binds the
# checkout's sibling folder `shared` read-only on /src/shared (so ../shared/data
# resolves as here), then runs `make setup` and `make test` there. The chroot's
# /src/main/.venv is its own and is kept between runs.
set -euo pipefail

checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base_dir=${REFUGE_PLATFORMS_DIR:-/var/cache/refuge-platforms}
mirror=${REFUGE_PLATFORMS_MIRROR:-http://deb.debian.org/debian}
security_mirror=${REFUGE_PLATFORMS_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
all_platforms=(trixie-3.40 trixie-3.44)

# Definition of a platform: Debian suite, apt target release, expected QGIS line.
platform_definition() {
    case "$1" in
        trixie-3.40) suite=trixie; target=""; qgis_line=3.40 ;;
        trixie-3.44) suite=trixie; target=trixie-backports; qgis_line=3.44 ;;
        *) echo "unknown platform '$1' (known: ${all_platforms[*]})" >&2; return 1 ;;
    esac
}

if [ "$(id -u)" -ne 0 ]; then
    exec sudo --preserve-env=REFUGE_PLATFORMS_DIR,REFUGE_PLATFORMS_MIRROR,REFUGE_PLATFORMS_SECURITY_MIRROR,REFUGE_PLATFORMS_REFRESH "$0" "$@"
fi

command="make test"
if [ "${1:-}" = --command ]; then
    [ $# -ge 2 ] || { echo "--command needs a command" >&2; exit 2; }
    command=$2
    shift 2
fi
platforms=("$@")
[ ${#platforms[@]} -gt 0 ] || platforms=("${all_platforms[@]}")
for platform in "${platforms[@]}"; do platform_definition "$platform"; done

say() { printf '\n=== [%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { echo "platforms.sh: $*" >&2; exit 1; }

# -- Mounts: every one is recorded and undone on exit, whatever happens ------------------

mounts=()
mount_bind() {  # mount_bind SOURCE TARGET [ro]
    mkdir -p "$2"
    mount --bind "$1" "$2"
    mounts+=("$2")
    mount --make-private "$2"
    if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$2"; fi
}
mount_fs() {  # mount_fs TYPE TARGET
    mkdir -p "$2"
    mount -t "$1" "$1" "$2"
    mounts+=("$2")
}
active_root=""
kill_in_root() {  # processes left running in our chroot (an interrupted suite, a stray Xvfb)
    local root=$1 signal pid found
    for signal in TERM KILL; do
        found=0
        for pid in /proc/[0-9]*; do
            [ "$(readlink "$pid/root" 2>/dev/null)" = "$root" ] || continue
            kill "-$signal" "${pid#/proc/}" 2>/dev/null && found=1
        done
        [ "$found" = 1 ] || return 0
        sleep 2
    done
}
unmount_all() {
    local i
    [ -z "$active_root" ] || kill_in_root "$active_root"
    active_root=""
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || true
    done
    mounts=()
}
mounts_under() {  # mount points at or below $1 (mountinfo's 5th field)
    awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}
unmount_stale() {  # a killed run may have left mounts behind
    local target
    for target in $(mounts_under "$1"); do
        echo "unmounting stale $target"
        umount "$target" 2>/dev/null || umount -l "$target"
    done
}
assert_unmounted() {  # never delete through a bind mount (the data, /dev)
    [ -z "$(mounts_under "$1")" ] || die "refusing to delete under $1: mounts remain"
}
trap unmount_all EXIT
trap 'exit 130' INT TERM

enter() {  # enter ROOT [shared]: mounts for a chroot session
    local root=$1
    active_root=$root
    mount_fs proc "$root/proc"
    mount_bind /sys "$root/sys" ro
    mount_bind /dev "$root/dev"
    mount_bind /dev/pts "$root/dev/pts"
    mount_fs tmpfs "$root/dev/shm"
    mkdir -p "$base_dir/apt-archives/partial"
    mount_bind "$base_dir/apt-archives" "$root/var/cache/apt/archives"
    if [ "${2:-}" = shared ] && [ -d "$(dirname "$checkout")/shared" ]; then
        mount_bind "$(dirname "$checkout")/shared" "$root/src/shared" ro
    fi
    # The host's network, CA certificates and pip configuration (indexes, constraints).
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    cp -L /etc/hosts "$root/etc/hosts"
    rm -rf "$root/etc/ssl/certs" && mkdir -p "$root/etc/ssl" && cp -rL /etc/ssl/certs "$root/etc/ssl/certs"
    [ ! -f /etc/pip.conf ] || cp -L /etc/pip.conf "$root/etc/pip.conf"
    if [ -d /etc/xdg/pip ]; then
        rm -rf "$root/etc/xdg/pip" && mkdir -p "$root/etc/xdg" && cp -rL /etc/xdg/pip "$root/etc/xdg/pip"
    fi
}

in_chroot() {  # in_chroot ROOT COMMAND...: a clean environment (no host PATH, venv, PIP_FIND_LINKS)
    local root=$1 name
    shift
    local env=(HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive
               PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
    for name in PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_TRUSTED_HOST PIP_DEFAULT_TIMEOUT PIP_CERT \
                PIP_DISABLE_PIP_VERSION_CHECK http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
        [ -z "${!name:-}" ] || env+=("$name=${!name}")
    done
    chroot "$root" /usr/bin/env -i "${env[@]}" "$@"
}

# -- Base system: one debootstrap, copied for every platform ------------------------------

make_base() {  # make_base SUITE
    local base="$base_dir/base-$1"
    [ -f "$base/.refuge-base-complete" ] && return
    command -v debootstrap >/dev/null || {
        say "installing debootstrap on the host"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
    }
    say "debootstrap $1 into $base"
    unmount_stale "$base.tmp"; assert_unmounted "$base.tmp"
    rm -rf "$base.tmp"
    mkdir -p "$base_dir/apt-archives"
    debootstrap --variant=minbase --cache-dir="$base_dir/apt-archives" "$1" "$base.tmp" "$mirror" \
        > "$base_dir/debootstrap.log" 2>&1 || { tail -20 "$base_dir/debootstrap.log"; die "debootstrap failed"; }
    touch "$base.tmp/.refuge-base-complete"
    mv "$base.tmp" "$base"
}

# The packages of one platform. Runs inside the chroot; its text is part of the
# stamp, so editing it refreshes the chroots.
provision_platform() {  # provision_platform SUITE TARGET QGIS_LINE MIRROR SECURITY_MIRROR
    set -euo pipefail
    local suite=$1 target=$2 line=$3 mirror=$4 security=$5 suites t=()
    suites="$suite $suite-updates"
    [ -z "$target" ] || { suites="$suites $target"; t=(-t "$target"); }
    rm -f /etc/apt/sources.list
    cat > /etc/apt/sources.list.d/debian.sources <<EOF
Types: deb
URIs: $mirror
Suites: $suites
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Retries "3";\n' \
        > /etc/apt/apt.conf.d/90refuge
    echo force-unsafe-io > /etc/dpkg/dpkg.cfg.d/90refuge
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d  # no daemons
    apt-get update -qq
    apt-get "${t[@]}" dist-upgrade -y -qq
    # QGIS from the platform's suite first: scripts/setup.sh then finds it installed.
    apt-get "${t[@]}" install -y -qq make git qgis python3-qgis qgis-providers
    git config --system --replace-all safe.directory '*'
    local version
    version=$(dpkg-query -W -f='${Version}' qgis)
    case "$version" in
        "$line".*) echo "qgis $version installed" ;;
        *) echo "expected QGIS $line, got qgis $version" >&2; return 1 ;;
    esac
}

provision() {  # provision PLATFORM: make or refresh its chroot; sets $root
    local platform=$1 stamp_file current
    platform_definition "$platform"
    root="$base_dir/$platform"
    stamp_file="$base_dir/$platform.stamp"
    current=$( { echo "$platform $suite $target $qgis_line $mirror $security_mirror"
                 declare -f provision_platform; cat "$checkout/scripts/setup.sh"; } | sha256sum | cut -d' ' -f1)
    if [ -f "$root/.refuge-root" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$current" ] \
            && [ -z "${REFUGE_PLATFORMS_REFRESH:-}" ]; then
        say "[$platform] reusing $root (packages up to date with the stamp)"
        return
    fi
    make_base "$suite"
    if [ ! -f "$root/.refuge-root" ]; then
        say "[$platform] new chroot $root (copy of base-$suite)"
        unmount_stale "$root.tmp"; assert_unmounted "$root.tmp"
        rm -rf "$root.tmp"
        cp -a "$base_dir/base-$suite" "$root.tmp"
        touch "$root.tmp/.refuge-root"
        mv "$root.tmp" "$root"
    fi
    say "[$platform] installing packages (QGIS $qgis_line from ${target:-$suite})"
    rm -f "$stamp_file"
    enter "$root"
    local plog="$base_dir/$platform.provision.log"
    if in_chroot "$root" /bin/bash -c "$(declare -f provision_platform); provision_platform \"\$@\"" \
            provision "$suite" "$target" "$qgis_line" "$mirror" "$security_mirror" > "$plog" 2>&1; then
        tail -1 "$plog"
    else
        tail -40 "$plog"
        die "[$platform] installing packages failed (log: $plog)"
    fi
    unmount_all
    # New packages: the platform's .venv is made again by scripts/setup.sh.
    assert_unmounted "$root/src/main"
    rm -rf "$root/src/main/.venv"
    echo "$current" > "$stamp_file"
}

# -- The checkout, as it is, into the chroot ----------------------------------------------

copy_checkout() {  # copy_checkout DEST
    local dest=$1
    assert_unmounted "$dest"
    mkdir -p "$dest"
    find "$dest" -mindepth 1 -maxdepth 1 ! -name .venv -exec rm -rf {} +
    (
        cd "$checkout"
        git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
            case "$file" in .venv/* | build/* | dist/*) continue ;; esac
            if [ -e "$file" ] || [ -L "$file" ]; then printf '%s\0' "$file"; fi  # not deleted ones
        done | tar --null --no-recursion -T - -cf -
    ) | tar -xf - --no-same-owner -C "$dest"
    # .git too: the Makefile, install_plugin.sh, package.py and test_i18n list files with git.
    tar -C "$checkout" --exclude=.git/index.lock -cf - .git | tar -xf - --no-same-owner -C "$dest"
}

# The versions a platform really runs; reads QGIS through the platform's .venv.
VERSIONS_PY='
import numpy, pyproj, shapely
from osgeo import gdal
from qgis.core import Qgis
geos = Qgis.geosVersion() if hasattr(Qgis, "geosVersion") else "?"
shapely_geos = ".".join(map(str, shapely.geos_version))
print(f"QGIS {Qgis.version()} | GDAL {gdal.__version__} | GEOS {geos} | PROJ {pyproj.proj_version_str} | "
      f"numpy {numpy.__version__} | pyproj {pyproj.__version__} | shapely {shapely.__version__} "
      f"(GEOS {shapely_geos})")
'

run_platform() {  # run_platform PLATFORM: writes <platform>.result, returns the suite's status
    local platform=$1 log="$base_dir/$1.log" status start
    start=$SECONDS
    provision "$platform"
    provision_s=$((SECONDS - start))
    say "[$platform] copying the checkout to $root/src/main"
    copy_checkout "$root/src/main"
    mkdir -p "$root/src/shared"
    enter "$root" shared
    say "[$platform] make setup && $command (log: $log)"
    start=$SECONDS
    set +e
    in_chroot "$root" /bin/bash -c '
        set -eo pipefail
        cd /src/main
        make setup
        echo "PLATFORM '"$platform"': $(.venv/bin/python -c "$1" 2>&1 | tail -1)"
        echo "PLATFORM '"$platform"': $(scripts/qgis_process --version 2>/dev/null | grep -i "^QGIS" | head -1)"
        eval "$2"
    ' run "$VERSIONS_PY" "$command" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    unmount_all
    suite_s=$((SECONDS - start))
    versions=$(grep -m1 "^PLATFORM $platform: QGIS" "$log" | sed "s/^PLATFORM $platform: //" || true)
    summary=$(grep -E '^=* ?[0-9]+ [a-z]+.* in [0-9.]+s' "$log" | tail -1 | tr -d '=' \
              | sed 's/^ *//; s/ *$//' || true)
    result_line="$(printf '%-12s %s  packages %ss, suite %ss\n      %s\n      %s' "$platform" \
        "$([ "$status" -eq 0 ] && echo PASS || echo "FAIL (exit $status)")" "$provision_s" "$suite_s" \
        "${versions:-versions unknown}" "${summary:-no pytest summary, see $log}")"
    echo "$result_line" > "$base_dir/$platform.result"
    return "$status"
}

mkdir -p "$base_dir"
base_dir=$(cd "$base_dir" && pwd -P)  # as /proc/<pid>/root shows it
exec 9>"$base_dir/.lock"
flock -n 9 || { echo "waiting for another platforms run on $base_dir"; flock 9; }
# A run killed outright (SIGKILL) may have left processes and mounts behind. Signals
# should go to the whole process group, as Ctrl-C and CI runners send them.
for platform in "${all_platforms[@]}"; do
    [ ! -d "$base_dir/$platform" ] || kill_in_root "$base_dir/$platform"
done
unmount_stale "$base_dir"

results=()
failed=0
total_start=$SECONDS
for platform in "${platforms[@]}"; do
    rm -f "$base_dir/$platform.result"
    # A subshell outside any `if`, so that set -e holds in it (and its own trap unmounts).
    set +e
    (
        set -e
        trap unmount_all EXIT
        trap 'exit 130' INT TERM
        run_platform "$platform"
    )
    status=$?
    set -e
    if [ "$status" -ne 0 ]; then
        failed=1
        [ -f "$base_dir/$platform.result" ] \
            || echo "$platform FAIL: no suite run (setup of the chroot failed, exit $status)" \
                > "$base_dir/$platform.result"
    fi
    results+=("$(cat "$base_dir/$platform.result")")
done
say "summary ($((SECONDS - total_start)) s, chroots in $base_dir)"
printf '%s\n' "${results[@]}"
exit "$failed"
