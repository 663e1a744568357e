#!/usr/bin/env bash
# Builds Herald's executables with the Swift runtime and Foundation linked in, so that they run where no Swift
# toolchain is installed, and writes DIR/herald-<version>-linux-<arch>.tar.gz: bin/ (herald, and its roles' old names as links to it), systemd/
# (the units), herald.env.example and a README naming the Debian packages they need at run time.
#
#   scripts/package.sh [--debug] [--output DIR]      (DIR: dist; the build folder: HERALD_SCRATCH_PATH, or .build-package)
#
# --debug packages a debug build instead of a release one. The test command does, in its own finished build folder
# (.build): with nothing left to compile there, this only links the executables again.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration=release output=dist
while [ $# -gt 0 ]; do
  case $1 in
    --debug) configuration=debug ;;
    --output) output=${2:?--output needs a folder}; shift ;;
    *) echo "package: unknown option '$1' (expected --debug or --output DIR)" >&2; exit 2 ;;
  esac
  shift
done
version=$(sed -n 's/.*current = "\(.*\)".*/\1/p' Sources/HeraldCore/HeraldVersion.swift)
name=herald-$version-linux-$(uname -m)
log() { echo "package: $*" >&2; }

source scripts/release-build.sh
log "building $name ($configuration, in $scratch)"
swift build -c "$configuration" --scratch-path "$scratch" "${static_swift[@]}" --product herald >&2
bin=$(swift build -c "$configuration" --scratch-path "$scratch" "${static_swift[@]}" --show-bin-path)

strip=--strip-debug level=-9
[ "$configuration" = debug ] && strip=--strip-all level=-1
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/$name
mkdir -p "$root/bin" "$root/systemd"
# Debug information out; a release build keeps its symbol table for backtraces, a debug one (for tests) loses it too,
# as it is most of that build's size.
strip "$strip" -o "$root/bin/herald" "$bin/herald"
linked=$(ldd "$root/bin/herald")
if grep -q 'libswift\|libFoundation\|libdispatch\|not found' <<<"$linked"; then
  log "herald still needs a library the package does not carry:"; echo "$linked" >&2; exit 1
fi
# The roles' old names, for one release.
bash scripts/link-roles.sh "$root/bin"
cp deploy/systemd/*.service "$root/systemd/"
cp deploy/systemd/herald.env.example "$root/herald.env.example"
sed "s/@VERSION@/$version/g" deploy/package/README.md > "$root/README.md"
mkdir -p "$output"
tar -C "$stage" -cf - "$name" | gzip "$level" > "$output/$name.tar.gz"
log "wrote $output/$name.tar.gz ($(du -h "$output/$name.tar.gz" | cut -f1))"
echo "$output/$name.tar.gz"
