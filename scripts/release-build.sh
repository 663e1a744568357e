# Sourced by scripts/package.sh and scripts/bench.sh: the flags of a release build whose executables carry the Swift
# runtime and Foundation, so that what the benchmark measures is what the package ships, and the build folder the two
# share, .build-package unless HERALD_SCRATCH_PATH names another. It is not .build: modules compiled with these flags
# link the static libraries' names, and a plain build of the same folder (and its module cache) afterwards fails to
# link; a release build with them recompiles every module anyway.
#
# --static-swift-stdlib alone leaves Foundation's own dependencies unlinked (CoreFoundation, ICU, its collections).
# Note that FoundationInternationalization's time zones register themselves (TimeZone(identifier:) is nil for all but
# GMT without them) and are linked only because Herald refers to that part of it; the package test checks a zone.
scratch=${HERALD_SCRATCH_PATH:-.build-package}
static_swift=(--static-swift-stdlib)
for flag in --start-group -lFoundation -lFoundationInternationalization -lFoundationEssentials -lCoreFoundation \
    -l_FoundationICU -l_FoundationCollections -l_FoundationCShims -lswiftDispatch -ldispatch -lBlocksRuntime \
    --end-group; do
  static_swift+=(-Xlinker "$flag")
done
