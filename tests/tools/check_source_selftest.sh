#!/usr/bin/env bash
# The source check must flag every sample under tests/data/source-check/bad_*
# and pass good.cpp; otherwise the check itself is broken.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for sample in "$root"/tests/data/source-check/*.cpp; do
  cp "$sample" "$work/"
  name="$(basename "$sample")"
  if "$root/scripts/check-source" "$work/$name" >/dev/null; then
    case "$name" in bad_*) echo "FAIL: $name was not flagged"; status=1 ;; esac
  else
    case "$name" in good*) echo "FAIL: $name was flagged:"; "$root/scripts/check-source" "$work/$name" || true; status=1 ;; esac
  fi
  rm -f "$work/$name"
done
[ $status -eq 0 ] && echo "source check self-test: all samples judged correctly"
exit $status
