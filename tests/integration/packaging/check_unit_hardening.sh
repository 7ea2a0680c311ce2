#!/usr/bin/env bash
# The lending service's systemd units keep their hardening:
#  1. each directive docs/operations.md promises is in the unit;
#  2. the credential name is the one service/storage reads;
#  3. `systemd-analyze security --offline=yes` scores each unit no worse than
#     the score recorded in docs/operations.md (skipped, exit 77, when
#     systemd-analyze is missing or has no --offline, i.e. systemd < 252).
# Usage: check_unit_hardening.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: check_unit_hardening.sh SOURCE_DIR}
units="$src/installer/systemd"
doc="$src/docs/operations.md"
failed=0

fail() { echo "FAIL: $*"; failed=1; }

require_line() { # unit line
  grep -qxF -- "$2" "$units/$1" || fail "$1 lacks the line '$2'"
}

common=(
  "User=hondana-lending" "Group=hondana-lending"
  "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" "PrivateDevices=yes"
  "NoNewPrivileges=yes" "CapabilityBoundingSet=" "AmbientCapabilities="
  "ProtectKernelTunables=yes" "ProtectKernelModules=yes" "ProtectKernelLogs=yes"
  "ProtectControlGroups=yes" "RestrictNamespaces=yes" "LockPersonality=yes"
  "MemoryDenyWriteExecute=yes" "RestrictRealtime=yes" "RestrictSUIDSGID=yes"
  "SystemCallArchitectures=native" "SystemCallFilter=@system-service" "UMask=0077"
  "LoadCredential=hondana-db-key:/etc/hondana-lending/hondana-db-key"
  "StateDirectory=hondana-lending"
)
for line in "${common[@]}"; do
  require_line hondana-lending.service "$line"
  require_line hondana-lending-backup.service "$line"
done
require_line hondana-lending.service "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"
require_line hondana-lending.service "ReadWritePaths=/var/lib/hondana-lending"
require_line hondana-lending.service "LogsDirectory=hondana-lending"
require_line hondana-lending-backup.service "PrivateNetwork=yes"
require_line hondana-lending-backup.service "RestrictAddressFamilies=AF_UNIX"
require_line hondana-lending-backup.timer "Persistent=true"
grep -q '^ExecStart=/usr/bin/hondana-admin .* backup ' "$units/hondana-lending-backup.service" \
  || fail "hondana-lending-backup.service does not run hondana-admin backup"

# The credential name must be the one the service looks for in $CREDENTIALS_DIRECTORY.
key_header="$src/service/storage/key_file.h"
if [ -f "$key_header" ]; then
  grep -q 'database_key_credential = "hondana-db-key"' "$key_header" \
    || fail "service/storage/key_file.h no longer names the credential hondana-db-key"
else
  fail "$key_header is missing: cannot check the credential name"
fi

if [ "$failed" -ne 0 ]; then
  exit 1
fi
echo "ok: every promised directive is present"

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed; exposure scores not checked"
  exit 77
fi
if ! systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
  echo "SKIP: this systemd-analyze has no --offline (needs systemd 252); exposure scores not checked"
  exit 77
fi

# docs/operations.md records: | `UNIT` | SCORE | ...
recorded=$(grep -E '^\| `hondana-lending[a-z-]*\.service` \| [0-9]+\.[0-9] \|' "$doc" || true)
[ -n "$recorded" ] || { echo "FAIL: docs/operations.md records no exposure score"; exit 1; }
for unit in hondana-lending.service hondana-lending-backup.service; do
  limit=$(printf '%s\n' "$recorded" | awk -F'|' -v u="\`$unit\`" '{ gsub(/ /, "", $2); gsub(/ /, "", $3) } $2 == u { print $3 }')
  [ -n "$limit" ] || { fail "docs/operations.md records no exposure score for $unit"; continue; }
  output=$(cd "$units" && systemd-analyze security --offline=yes --no-pager "$unit" 2>&1) || true
  score=$(printf '%s\n' "$output" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  if [ -z "$score" ]; then
    printf '%s\n' "$output" | tail -5
    fail "systemd-analyze gave no exposure score for $unit"
    continue
  fi
  if awk -v s="$score" -v l="$limit" 'BEGIN { exit !(s > l) }'; then
    printf '%s\n' "$output" | grep -v '✓' || true
    fail "$unit exposure $score is worse than the recorded $limit"
  else
    echo "ok: $unit exposure $score (recorded $limit)"
  fi
done
exit "$failed"
