#!/usr/bin/env bash
# Runs lintian on the packages packaging_builds_both_debs made: no error may
# remain (warnings and notes are printed, not failed on).
# Usage: lintian_debs.sh WORK VERSION     Exit 77 (skip) without lintian or packages.
set -euo pipefail
work=$1 version=$2

if ! command -v lintian >/dev/null; then
  echo "SKIP: lintian is not installed (scripts/setup installs it)"
  exit 77
fi
debs=("$work/debs/$version"/*.deb)
if [ ! -f "${debs[0]}" ]; then
  echo "SKIP: no packages in $work/debs/$version (packaging_builds_both_debs makes them)"
  exit 77
fi

status=0
lintian --fail-on error --tag-display-limit 0 --display-info "${debs[@]}" 2>&1 \
  | grep -v '^running with root privileges is not recommended!$' || status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "FAIL: lintian reports errors in $(basename -a "${debs[@]}" | tr '\n' ' ')(exit $status)"
  exit 1
fi
echo "ok: lintian reports no error in $(basename -a "${debs[@]}" | tr '\n' ' ')"
