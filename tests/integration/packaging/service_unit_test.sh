#!/usr/bin/env bash
# Runs the packaged lending service under its hardened unit, with systemd as
# init, in a Debian 12 root booted by systemd-nspawn: installs
# hondana-lending, initialises the data directory, moves the database key to
# the credential file as docs/operations.md says, enables the unit and boots.
# service_unit_check.sh then runs inside, as a unit, and reports; it also
# upgrades the running service to NEXT and removes it.
# Usage: service_unit_test.sh WORK VERSION NEXT
# Exit 77 (skip), with the reason, without root, systemd-nspawn, debootstrap,
# the packaged programs or a Debian mirror.
set -euo pipefail
work=$1 version=$2 next=$3
here=$(cd "$(dirname "$0")" && pwd)

skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot, systemd-nspawn)"
for tool in debootstrap chroot unshare tar flock systemd-nspawn; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/setup installs debootstrap and systemd-container)"
done
deb="$work/debs/$version/hondana-lending_${version}_amd64.deb"
next_deb="$work/debs/$next/hondana-lending_${next}_amd64.deb"
[ -f "$deb" ] && [ -f "$next_deb" ] || skip "no $deb or $next_deb (packaging_builds_both_debs makes them)"
contents=$(dpkg-deb -c "$deb")
for program in hondana-lending hondana-admin; do
  grep -q "\./usr/bin/$program\$" <<< "$contents" || skip "the package has no $program yet (its target is not built)"
done

# shellcheck source=debian_base.sh
source "$here/debian_base.sh"
started=$(date +%s)
mirror=$(packaging_mirror)
base=$(ensure_debian_base "$work") || skip "cannot make a Debian 12 root with debootstrap (see above)"

root=$(mktemp -d "$work/root.XXXXXX")
cleanup() { rm -rf "$root"; }
trap cleanup EXIT
tar -C "$root" -xf "$base"
cp "$deb" "$root/tmp/"
cp "$next_deb" "$root/root/hondana-lending-next.deb"
install -m 0755 "$here/service_unit_check.sh" "$root/usr/local/sbin/hondana-service-check"

# Set up in a chroot: systemd, the package, the data directory, the key.
unshare --mount --propagation private -- bash -euo pipefail -c '
  source "$1/debian_base.sh"
  root=$2
  prepare_debian_root "$root" "$3" "$4"
  in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
  in_root apt-get update -qq
  in_root apt-get install -y -qq --no-install-recommends systemd systemd-sysv dbus curl ca-certificates \
    "/tmp/$(basename "$5")" < /dev/null > "$root/tmp/install.log" 2>&1 || { tail -20 "$root/tmp/install.log"; exit 1; }
  in_root runuser -u hondana-lending -- hondana-admin --data /var/lib/hondana-lending pki init --dns localhost > "$root/tmp/pki.log" 2>&1 \
    || { cat "$root/tmp/pki.log"; exit 1; }
  in_root install -o root -g root -m 0600 /var/lib/hondana-lending/keys/database.key /etc/hondana-lending/hondana-db-key
  in_root shred -u /var/lib/hondana-lending/keys/database.key
  echo "HONDANA_LENDING_LISTEN=127.0.0.1:8443" >> "$root/etc/default/hondana-lending"
  in_root systemctl enable hondana-lending.service hondana-lending-backup.timer > /dev/null 2>&1
  cat > "$root/etc/systemd/system/hondana-service-check.service" <<UNIT
[Unit]
Description=Checks the hardened hondana-lending service, then powers off
After=hondana-lending.service multi-user.target
[Service]
Type=oneshot
StandardOutput=file:/root/service-check.log
StandardError=inherit
ExecStart=/usr/local/sbin/hondana-service-check
ExecStopPost=/usr/bin/systemctl poweroff --no-block
[Install]
WantedBy=multi-user.target
UNIT
  in_root systemctl enable hondana-service-check.service > /dev/null 2>&1
  # No login prompt on the console; the check powers the machine off.
  in_root systemctl mask console-getty.service getty@tty1.service > /dev/null 2>&1
' _ "$here" "$root" "$mirror" "$work/apt-archives-service" "$deb" || { echo "FAIL: setting up the Debian 12 root failed"; exit 1; }

echo "booting the root with systemd-nspawn"
status=0
timeout 600 systemd-nspawn --quiet --directory="$root" --boot --register=no --keep-unit \
  --machine="hondana-check-$$" > "$work/service-unit-boot.log" 2>&1 < /dev/null || status=$?
if [ ! -f "$root/root/service-check.status" ]; then
  tail -30 "$work/service-unit-boot.log"
  [ "$status" -eq 124 ] && echo "FAIL: the container did not power off within 600 s"
  grep -q 'Failed to create' "$work/service-unit-boot.log" && ! grep -q 'Welcome to' "$work/service-unit-boot.log" \
    && skip "systemd could not boot in systemd-nspawn here (see $work/service-unit-boot.log)"
  echo "FAIL: the check inside the container did not run (boot log: $work/service-unit-boot.log)"
  exit 1
fi
cat "$root/root/service-check.log"
echo "service unit test took $(( $(date +%s) - started )) s"
[ "$(cat "$root/root/service-check.status")" = ok ]
