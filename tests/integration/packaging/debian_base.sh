# Sourced by the packaging tests: the Debian 12 root they start from.
#
# packaging_mirror: the Debian mirror (HONDANA_DEBIAN_MIRROR, else the one apt
# uses here, else deb.debian.org).
# ensure_debian_base WORK: makes WORK/debian-12-minbase.tar with debootstrap
# once (under a lock, so tests running in parallel make it once), prints its
# path; returns 1, with the reason on stderr, when debootstrap fails.

packaging_mirror() {
  local mirror=${HONDANA_DEBIAN_MIRROR:-}
  if [ -z "$mirror" ]; then
    mirror=$(grep -rhoE '^URIs: *http[^ ]*/debian$|^deb +http[^ ]*/debian +bookworm ' \
      /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1 | grep -oE 'http[^ ]*/debian' || true)
  fi
  printf '%s\n' "${mirror:-http://deb.debian.org/debian}"
}

ensure_debian_base() {
  local work=$1 mirror base started
  mirror=$(packaging_mirror)
  base="$work/debian-12-minbase.tar"
  mkdir -p "$work"
  exec 9> "$work/debian-base.lock"
  flock 9
  if [ ! -f "$base" ]; then
    started=$(date +%s)
    echo "making a Debian 12 (bookworm) minbase root with debootstrap from $mirror" >&2
    rm -rf "$work/base-root"
    if ! debootstrap --variant=minbase bookworm "$work/base-root" "$mirror" > "$work/debootstrap.log" 2>&1; then
      tail -5 "$work/debootstrap.log" >&2
      rm -rf "$work/base-root"
      flock -u 9
      echo "debootstrap could not make a Debian 12 root from $mirror (no mirror reachable?); log: $work/debootstrap.log" >&2
      return 1
    fi
    tar -C "$work/base-root" -cf "$base.tmp" . && mv "$base.tmp" "$base"
    rm -rf "$work/base-root"
    echo "debootstrap took $(( $(date +%s) - started )) s" >&2
  fi
  flock -u 9
  printf '%s\n' "$base"
}

# Mounts what apt and maintainer scripts need into ROOT; call inside a
# private mount namespace (unshare --mount), so it all goes away with it.
prepare_debian_root() { # ROOT MIRROR APT_ARCHIVES
  local root=$1 mirror=$2 archives=$3
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs tmpfs "$root/run"
  mkdir -p "$archives/partial"
  mount --bind "$archives" "$root/var/cache/apt/archives"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # A server gets the point releases and security fixes; the packages were
  # built against them.
  cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
}
