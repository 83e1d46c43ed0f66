#!/usr/bin/env bash
# The offline tools (inspect/, repair/) read and repair replica files with the
# servers stopped, so they depend on storage/, wal/, common/ and cli/ only, never
# on the servers in cluster/ (README.md, "Layout"); nor do the folders they build
# on. A reviewer's grep, run by scripts/test.sh before the build: it fails with
# one line naming the first offender.
set -euo pipefail
cd "$(dirname "$0")/.."
folders=(inspect repair storage wal common cli)
offender=$( { grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]cluster/' "${folders[@]}" \
                --include='*.h' --include='*.cc' || true
              for folder in "${folders[@]}"; do
                grep -HnE 'cluster/|kv_(proto|meta|op|client|tablet|nameserver)\b' "$folder/CMakeLists.txt" || true
              done
            } | head -n 1)
if [ -n "$offender" ]; then
  echo "check-layering: the offline tools and what they build on must not depend on cluster/: $offender" >&2
  exit 1
fi
