#!/bin/sh
# CTest smoke cases for rpc-floor (tests/kv_bench.cmake). Usage: rpc_floor_smoke.sh RPC_FLOOR CASE
set -u
floor=$1
case_name=$2
fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }

case "$case_name" in
  run)
    # Every mode answers every call: one JSON line with ops and no errors.
    for mode in single coalesced replicated; do
      out=$("$floor" --mode "$mode" --threads 2 --duration-s 0.3 --json) || fail "--mode $mode exited $?"
      echo "$out" | grep -q '"errors":0,' || fail "--mode $mode reported errors: $out"
      if echo "$out" | grep -q '"ops":0,'; then fail "--mode $mode answered no call: $out"; fi
    done
    ;;
  bad-flag)
    err=$("$floor" --followers 3 2>&1 >/dev/null)
    rc=$?
    [ "$rc" -eq 2 ] || fail "--followers 3 exited $rc, not 2"
    [ "$(echo "$err" | wc -l)" -eq 1 ] || fail "the error is not one line: $err"
    ;;
  *) fail "unknown case" ;;
esac
