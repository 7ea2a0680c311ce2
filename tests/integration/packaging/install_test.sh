#!/usr/bin/env bash
# Installs, upgrades, removes and purges both packages in a fresh Debian 12
# root made by debootstrap (kept as a tarball in WORK between runs, unpacked
# anew each time), inside a private mount namespace so nothing stays mounted.
# Usage: install_test.sh WORK VERSION NEXT [PROGRAM...]
#   PROGRAM: package:path of each executable the packages must hold.
# Exit 77 (skip), with the reason, without root, debootstrap, chroot or
# unshare, or when no Debian mirror is reachable.
# HONDANA_DEBIAN_MIRROR overrides the mirror (default: the one apt uses here,
# else http://deb.debian.org/debian).
set -euo pipefail
work=$1 version=$2 next=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)

skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot and mounts); run ctest -L packaging as root"
for tool in debootstrap chroot unshare tar flock; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/setup installs debootstrap)"
done
for v in "$version" "$next"; do
  ls "$work/debs/$v"/hondana_*.deb "$work/debs/$v"/hondana-lending_*.deb >/dev/null 2>&1 \
    || skip "no packages in $work/debs/$v (packaging_builds_both_debs makes them)"
done
unshare --mount --propagation private true 2>/dev/null || skip "cannot make a private mount namespace here (unshare --mount)"

# shellcheck source=debian_base.sh
source "$here/debian_base.sh"
started=$(date +%s)
mirror=$(packaging_mirror)
base=$(ensure_debian_base "$work") || skip "cannot make a Debian 12 root with debootstrap (see above)"

root=$(mktemp -d "$work/root.XXXXXX")
cleanup() { rm -rf "$root"; }
trap cleanup EXIT
tar -C "$root" -xf "$base"
mkdir -p "$root/tmp/debs"
cp -r "$work/debs/$version" "$work/debs/$next" "$root/tmp/debs/"

status=0
unshare --mount --propagation private -- \
  bash "$here/install_scenario.sh" "$root" "$mirror" "$work/apt-archives-install" "$version" "$next" "$@" || status=$?
echo "install test took $(( $(date +%s) - started )) s"
exit "$status"
