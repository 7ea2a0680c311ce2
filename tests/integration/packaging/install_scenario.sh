#!/usr/bin/env bash
# The install / upgrade / remove / purge scenario, run by install_test.sh in a
# private mount namespace on a fresh Debian 12 root with the packages in
# ROOT/tmp/debs/<version>/.
# Usage: install_scenario.sh ROOT MIRROR APT_ARCHIVES VERSION NEXT [PROGRAM...]
set -euo pipefail
root=$1 mirror=$2 archives=$3 version=$4 next=$5
shift 5
programs=("$@")
failed=0

fail() { echo "FAIL: $*"; failed=1; }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
step() { echo "== $* ($(date -u +%H:%M:%S))"; }

# Expect `path` (in the root) to have owner:group and octal mode.
expect_mode() {
  local got
  got=$(in_root stat -c '%U:%G %a' "$1" 2>&1) || { fail "$1 is missing"; return; }
  [ "$got" = "$2 $3" ] || fail "$1 is '$got', expected '$2 $3'"
}
expect_status() { # package "dpkg status" [version]
  local got
  got=$(in_root dpkg-query -W -f '${db:Status-Abbrev}${Version}' "$1" 2>/dev/null || true)
  [ "$got" = "$2$3" ] || fail "$1: dpkg status '$got', expected '$2$3'"
}
expect_purged() { # package: unknown to dpkg, or known as not installed
  local got
  got=$(in_root dpkg-query -W -f '${db:Status-Abbrev}' "$1" 2>/dev/null || true)
  [ -z "$got" ] || [ "$got" = "un " ] || fail "$1: dpkg status '$got' after purge"
}
expect_exists() { [ -e "$root$1" ] || fail "$1 is missing"; }
expect_absent() { [ ! -e "$root$1" ] || fail "$1 is still there"; }

# shellcheck source=debian_base.sh
source "$(dirname "$0")/debian_base.sh"
prepare_debian_root "$root" "$mirror" "$archives"
# No daemon starts inside the chroot (there is no init; this says so to invoke-rc.d).
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

step "apt-get update"
in_root apt-get update -qq || { echo "SKIP: apt-get update in the Debian 12 root failed (mirror $mirror)"; exit 77; }

check_installed() { # version
  expect_status hondana "ii " "$1"
  expect_status hondana-lending "ii " "$1"
  in_root dpkg-query -W -f '${db:Status-Abbrev}' fonts-noto-cjk 2>/dev/null | grep -qx 'ii ' \
    || fail "fonts-noto-cjk is not installed"
  local account
  account=$(in_root getent passwd hondana-lending || true)
  IFS=: read -r _ _ uid _ _ home shell <<< "$account"
  [ -n "$account" ] || fail "no user hondana-lending"
  [ -n "$account" ] && [ "$uid" -lt 1000 ] || fail "hondana-lending is not a system user (uid ${uid:-none})"
  [ "${home:-}" = /var/lib/hondana-lending ] || fail "hondana-lending's home is '${home:-}'"
  [ "${shell:-}" = /usr/sbin/nologin ] || fail "hondana-lending can log in (shell '${shell:-}')"
  expect_mode /var/lib/hondana-lending hondana-lending:hondana-lending 700
  expect_mode /var/backups/hondana-lending hondana-lending:hondana-lending 700
  expect_mode /var/log/hondana-lending hondana-lending:hondana-lending 700
  expect_mode /etc/hondana-lending root:root 700
  expect_mode /etc/hondana/policies/managed root:root 755
  expect_mode /etc/hondana/policies/recommended root:root 755
  expect_mode /etc/default/hondana-lending root:root 644
  for unit in hondana-lending.service hondana-lending.socket hondana-lending-backup.service hondana-lending-backup.timer; do
    expect_exists "/lib/systemd/system/$unit"
  done
  in_root dpkg-query -W -f '${Conffiles}\n' hondana-lending | grep -q '^ /etc/default/hondana-lending ' \
    || fail "/etc/default/hondana-lending is not registered as a conffile"
  # Each program runs its dynamic loader to the end: every library it needs
  # came with the dependencies dpkg-shlibdeps wrote.
  for entry in "${programs[@]}"; do
    local path=/${entry#*:} missing
    expect_exists "$path"
    missing=$(in_root ldd "$path" 2>&1 | grep 'not found' || true)
    [ -z "$missing" ] || fail "$path lacks libraries in a clean root: $missing"
    in_root "$path" --help > /dev/null 2>&1 || fail "$path --help fails in a clean root"
  done
}

step "install $version"
in_root apt-get install -y -qq --no-install-recommends "/tmp/debs/$version/hondana_${version}_amd64.deb" \
  "/tmp/debs/$version/hondana-lending_${version}_amd64.deb" < /dev/null > "$root/tmp/install.log" 2>&1 \
  || { tail -20 "$root/tmp/install.log"; echo "FAIL: apt-get could not install $version"; exit 1; }
check_installed "$version"
uid_before=$(in_root id -u hondana-lending)

# What an operator leaves behind: an edited conffile, data, a managed policy.
echo 'HONDANA_LENDING_LISTEN=[::]:9443' >> "$root/etc/default/hondana-lending"
in_root runuser -u hondana-lending -- sh -c 'echo canary > /var/lib/hondana-lending/canary'
echo '{"device_id": "tablet-0001"}' > "$root/etc/hondana/policies/managed/50-device.json"

step "upgrade to $next"
in_root apt-get install -y -qq --no-install-recommends "/tmp/debs/$next/hondana_${next}_amd64.deb" \
  "/tmp/debs/$next/hondana-lending_${next}_amd64.deb" < /dev/null > "$root/tmp/upgrade.log" 2>&1 \
  || { tail -20 "$root/tmp/upgrade.log"; echo "FAIL: apt-get could not upgrade to $next"; exit 1; }
check_installed "$next"
[ "$(in_root id -u hondana-lending)" = "$uid_before" ] || fail "the upgrade changed the service user's uid"
grep -qxF 'HONDANA_LENDING_LISTEN=[::]:9443' "$root/etc/default/hondana-lending" || fail "the upgrade lost the operator's conffile edit"
[ "$(cat "$root/var/lib/hondana-lending/canary" 2>/dev/null)" = canary ] || fail "the upgrade lost data in /var/lib/hondana-lending"

step "remove"
in_root apt-get remove -y -qq hondana hondana-lending < /dev/null > "$root/tmp/remove.log" 2>&1 \
  || { tail -20 "$root/tmp/remove.log"; echo "FAIL: apt-get could not remove the packages"; exit 1; }
expect_status hondana-lending "rc " "$next"
expect_purged hondana # no conffiles, no maintainer scripts: nothing left to purge
for entry in "${programs[@]}"; do
  expect_absent "/${entry#*:}"
done
expect_absent /lib/systemd/system/hondana-lending.service
expect_exists /etc/default/hondana-lending
expect_exists /etc/hondana/policies/managed/50-device.json
expect_exists /var/lib/hondana-lending/canary
in_root getent passwd hondana-lending > /dev/null || fail "removal deleted the service user"

step "purge"
in_root apt-get purge -y -qq hondana-lending < /dev/null > "$root/tmp/purge.log" 2>&1 \
  || { tail -20 "$root/tmp/purge.log"; echo "FAIL: apt-get could not purge the packages"; exit 1; }
expect_purged hondana-lending
expect_absent /etc/default/hondana-lending
# Data and keys stay until `hondana-admin tenant erase` (docs/operations.md); postrm says so.
expect_exists /var/lib/hondana-lending/canary
grep -q 'kept /var/lib/hondana-lending' "$root/tmp/purge.log" || fail "purge did not say that it kept the data"

if [ "$failed" -ne 0 ]; then
  exit 1
fi
echo "ok: installed $version, upgraded to $next, removed and purged in a clean Debian 12 root"
