#!/usr/bin/env bash
# docs/compliance.md must name every requirement ID of ../shared/REQUIREMENTS.md,
# and every test it cites (in backticks, as `Suite.test_name` or a ctest name
# like `fuzz_corpus_replay_licence`) must exist in the tree.
# Usage: check_compliance.sh [REQUIREMENTS.md]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
requirements="${1:-$root/../shared/REQUIREMENTS.md}"
compliance="$root/docs/compliance.md"
if [ ! -f "$requirements" ]; then
  echo "SKIP: $requirements not found (the ../shared folder beside the checkout)"
  exit 0
fi
[ -f "$compliance" ] || { echo "FAIL: docs/compliance.md is missing"; exit 1; }

status=0
# Each failed assertion says why and fails the test at the end (all are listed, not just the first).
fail() {
  echo "FAIL: $*"
  status=1
}

ids=$(grep -oE '\*\*[A-Z]+-[0-9]+\*\*' "$requirements" | tr -d '*' | sort -u)
[ -n "$ids" ] || { echo "FAIL: no requirement IDs found in $requirements"; exit 1; }
for id in $ids; do
  if ! grep -qE "^\|[[:space:]]*\*?\*?$id\b" "$compliance"; then
    fail "$id has no row in docs/compliance.md"
  fi
done

# Every test name the tree defines: GoogleTest TEST/TEST_F/TEST_P as Suite.name, and add_test NAMEs.
defined=$(mktemp)
trap 'rm -f "$defined"' EXIT
grep -rhoE '\bTEST(_F|_P)?\(\s*[A-Za-z0-9_]+\s*,\s*[A-Za-z0-9_]+\s*\)' "$root/tests" 2>/dev/null \
  | sed -E 's/TEST(_F|_P)?\(\s*([A-Za-z0-9_]+)\s*,\s*([A-Za-z0-9_]+)\s*\)/\2.\3/' > "$defined" || true
grep -rhoE 'add_test\(NAME [A-Za-z0-9_]+' "$root/tests" 2>/dev/null | sed -E 's/add_test\(NAME //' >> "$defined" || true
for f in "$root"/tests/fuzz/fuzz_*.cpp; do
  [ -e "$f" ] && basename "$f" .cpp | sed -E 's/^fuzz_/fuzz_corpus_replay_/' >> "$defined"
done
sort -u -o "$defined" "$defined"

# Cited tests: backticked tokens in the "tests" column that look like Suite.name or snake_case ctest names.
cited=$(grep -E '^\|' "$compliance" | awk -F'|' '{print $(NF-1)}' \
  | grep -oE '`[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)?`' | tr -d '`' | sort -u)
count=0
for t in $cited; do
  count=$((count + 1))
  if ! grep -qxF "$t" "$defined"; then
    fail "docs/compliance.md cites test '$t', which does not exist"
  fi
done
[ "$count" -gt 0 ] || fail "docs/compliance.md cites no test at all"
[ $status -eq 0 ] && echo "compliance map: $(echo "$ids" | wc -l) requirement IDs present, $count cited tests exist"
exit $status
