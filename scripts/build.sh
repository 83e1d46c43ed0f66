#!/usr/bin/env bash
# Configures and builds the project into ${BUILD_DIR:-build} (RelWithDebInfo unless BUILD_TYPE says otherwise):
# the ninja targets given as arguments (e.g. `scripts/build.sh inspect repair`), or everything.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
ninja -C "$build" -j"${JOBS:-$(nproc)}" "$@"
