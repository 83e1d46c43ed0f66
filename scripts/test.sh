#!/usr/bin/env bash
# Set-up command 2: install the packages, build, run every test of the default run.
# Soak and chaos tests carry the ctest label "soak" and run only with SOAK=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# A build folder of its own, in the quick-to-compile "Check" build type
# (CMakeLists.txt), so that it never rebuilds the demo's build/ and back.
build=${BUILD_DIR:-$root/build-check}
"$root/scripts/check-layering.sh"
"$root/scripts/install-deps.sh"
BUILD_DIR="$build" BUILD_TYPE="${BUILD_TYPE:-Check}" "$root/scripts/build.sh"
label_filter=(-LE soak)
[ "${SOAK:-0}" = 1 ] && label_filter=()
cd "$build"
# Twice as many tests as cores: most of them wait on the servers they started
# (the default run took 165 s at -j4 against 300 s at -j2 on 2 cores, 2026-12-07).
ctest --output-on-failure --timeout 300 -j"${TEST_JOBS:-$(($(nproc) * 2))}" "${label_filter[@]}"
