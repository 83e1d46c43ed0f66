#!/usr/bin/env bash
# Set-up command 2: install the packages, build, run every test of the default run.
# Soak and chaos tests carry the ctest label "soak" and run only with SOAK=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
label_filter=(-LE soak)
[ "${SOAK:-0}" = 1 ] && label_filter=()
cd "$build"
ctest --output-on-failure --timeout 300 -j"${JOBS:-$(nproc)}" "${label_filter[@]}"
