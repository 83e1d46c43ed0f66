#!/bin/sh
# The store's writes against the RPC floor on this machine (docs/benchmarks.md,
# "The RPC floor"): kv-bench on a 3-tablet playground and rpc-floor, one after
# the other, ROUNDS times, each a JSON line; then the ratios of each round.
# Usage: bench/kv_vs_floor.sh BUILD_DIR [ROUNDS] [kv-bench flags...]
# (a Release build: ninja -C BUILD_DIR kv-bench rpc-floor tablet nameserver)
set -eu
build=$1
rounds=${2:-3}
shift; [ $# -gt 0 ] && shift
field() { sed -n "s/.*\"$1\":\([0-9.e+-]*\).*/\1/p"; }
i=1
while [ "$i" -le "$rounds" ]; do
  kv=$("$build/bench/kv-bench" --playground 3 --duration-s 8 --write-only --json "$@" 2>/dev/null)
  floor=$("$build/bench/rpc-floor" --duration-s 8 --json)
  echo "$kv"
  echo "$floor"
  echo "$kv $floor" | awk -v k="$(echo "$kv" | field ops_per_s)" -v f="$(echo "$floor" | field ops_per_s)" \
    -v kc="$(echo "$kv" | field cpu_us_per_op)" -v fc="$(echo "$floor" | field cpu_us_per_op)" \
    'NR==1 { printf "round: kv-bench %.0f writes/s = %.2f of the floor (%.0f/s); cpu per write %.0f us = %.2fx the floor (%.0f us)\n", k, k/f, f, kc, kc/fc, fc }'
  i=$((i + 1))
done
