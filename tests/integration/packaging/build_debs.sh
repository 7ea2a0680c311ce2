#!/usr/bin/env bash
# Builds both Debian packages twice with CPack, as VERSION and as NEXT (for
# the upgrade test), into WORK/debs/<version>/, and checks what each holds:
# names, versions, dependencies, files, conffiles, maintainer scripts, owners.
# Usage: build_debs.sh CPACK BUILD_DIR WORK VERSION NEXT [PROGRAM...]
#   PROGRAM: package:path of each executable the build defines, e.g.
#   hondana:usr/bin/hondana-cli (the test fails if the package lacks it).
# Exit 77 (skip) when dpkg-deb is missing.
set -euo pipefail
cpack=$1 build=$2 work=$3 version=$4 next=$5
shift 5
programs=("$@")

if ! command -v dpkg-deb >/dev/null; then
  echo "SKIP: dpkg-deb is not installed (Debian's dpkg); cannot build .deb packages"
  exit 77
fi

failed=0
fail() { echo "FAIL: $*"; failed=1; }

rm -rf "$work/debs" "$work/cpack"
for v in "$version" "$next"; do
  mkdir -p "$work/debs/$v"
  if ! HONDANA_PACKAGE_VERSION=$v "$cpack" --config "$build/CPackConfig.cmake" -B "$work/cpack/$v" > "$work/cpack-$v.log" 2>&1; then
    cat "$work/cpack-$v.log"
    echo "FAIL: cpack could not build version $v (are all executables built? cmake --build first)"
    exit 1
  fi
  mv "$work/cpack/$v"/*.deb "$work/debs/$v/"
done
rm -rf "$work/cpack"

deb() { # package version -> path
  local found=("$work/debs/$2/$1_$2_"*.deb)
  [ -f "${found[0]}" ] || { echo "FAIL: no $1 $2 package in $work/debs/$2" >&2; return 1; }
  printf '%s\n' "${found[0]}"
}

has_file() { # deb path
  local paths
  paths=$(dpkg-deb -c "$1" | awk '{ print $6 }')
  grep -qxF "./$2" <<< "$paths" || fail "$(basename "$1") lacks /$2"
}

for v in "$version" "$next"; do
  for p in hondana hondana-lending; do
    file=$(deb "$p" "$v") || { failed=1; continue; }
    [ "$(dpkg-deb -f "$file" Package)" = "$p" ] || fail "$file: wrong Package field"
    [ "$(dpkg-deb -f "$file" Version)" = "$v" ] || fail "$file: Version is not $v"
    # Every file root's, nothing under /usr/local or the build tree.
    listing=$(dpkg-deb -c "$file")
    [ -z "$(awk '$2 != "root/root"' <<< "$listing")" ] || fail "$file has files not owned by root/root"
    misplaced=$(awk '{ print $6 }' <<< "$listing" | grep -E '^\./(usr/local|work|tmp|root|home)/' || true)
    [ -z "$misplaced" ] || fail "$file installs into places a package must not: $misplaced"
    has_file "$file" "usr/share/doc/$p/copyright"
    has_file "$file" "usr/share/doc/$p/changelog.gz"
  done
done

reader=$(deb hondana "$version")
lending=$(deb hondana-lending "$version")
echo "built: $(ls "$work/debs/$version" "$work/debs/$next" | tr '\n' ' ')"

grep -qw fonts-noto-cjk <<< "$(dpkg-deb -f "$reader" Depends)" || fail "hondana does not depend on fonts-noto-cjk"
for path in usr/share/applications/hondana.desktop usr/share/icons/hicolor/scalable/apps/hondana.svg \
    etc/hondana/policies/managed/ etc/hondana/policies/recommended/ usr/share/doc/hondana/mdm.md \
    usr/share/hondana/mdm/hondana-policy.schema.json usr/share/hondana/mdm/windows/Hondana.admx \
    usr/share/hondana/mdm/windows/ja-JP/Hondana.adml usr/share/hondana/mdm/ios/specfile.xml \
    usr/share/hondana/mdm/android/res/xml/app_restrictions.xml \
    usr/share/hondana/assets/i18n/ja.json usr/share/hondana/assets/i18n/en.json; do
  has_file "$reader" "$path"
done

grep -qw adduser <<< "$(dpkg-deb -f "$lending" Depends)" || fail "hondana-lending does not depend on adduser (its postinst calls it)"
for path in lib/systemd/system/hondana-lending.service lib/systemd/system/hondana-lending.socket \
    lib/systemd/system/hondana-lending-backup.service lib/systemd/system/hondana-lending-backup.timer \
    etc/default/hondana-lending usr/share/doc/hondana-lending/operations.md; do
  has_file "$lending" "$path"
done
[ "$(dpkg-deb -I "$lending" conffiles)" = "/etc/default/hondana-lending" ] \
  || fail "hondana-lending's conffiles is not exactly /etc/default/hondana-lending"
control=$(dpkg-deb --ctrl-tarfile "$lending" | tar -tvf -)
for script in postinst prerm postrm; do
  grep -Eq "^-rwxr-xr-x root/root .* \./$script$" \
    <<< "$control" || fail "hondana-lending's $script is missing or not 0755 root"
done

# Each executable the build defines is in its package, and then the
# package's Depends names the shared libraries it links (dpkg-shlibdeps).
for entry in "${programs[@]}"; do
  package=${entry%%:*} path=${entry#*:}
  file=$(deb "$package" "$version") || { failed=1; continue; }
  has_file "$file" "$path"
  grep -qw libc6 <<< "$(dpkg-deb -f "$file" Depends)" \
    || fail "$package holds $path but its Depends names no shared library (shlibdeps did not run)"
done

if [ "$failed" -ne 0 ]; then
  exit 1
fi
for file in "$reader" "$lending"; do
  echo "$(basename "$file"): Depends: $(dpkg-deb -f "$file" Depends)"
done
echo "ok: both packages built as $version and $next with the promised contents"
