#!/bin/sh
# CTest smoke cases for ycsb-ratio (tests/kv_bench.cmake).
# Usage: ycsb_ratio_smoke.sh YCSB_RATIO WORKLOADS_DIR CASE
set -u
ratio=$1
workloads=$2
case_name=$3
fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }

case "$case_name" in
  run)
    # A tiny run: one JSON line per workload and phase, both stores, no errors.
    out=$("$ratio" --workloads-dir "$workloads" --recordcount 200 --operationcount 200 --threadcount 2 --json) ||
      fail "exited $?"
    [ "$(echo "$out" | wc -l)" -eq 4 ] || fail "expected 4 lines (workloada, workloadc x load, run): $out"
    for w in workloada workloadc; do
      for phase in load run; do
        line=$(echo "$out" | grep "\"phase\":\"$phase\"" | grep "\"workload\":\"$w\"") || fail "no $w $phase line: $out"
        [ "$(echo "$line" | grep -o '"ops":200,' | wc -l)" -eq 2 ] || fail "$w $phase did not do 200 ops on each store: $line"
        [ "$(echo "$line" | grep -o '"errors":0,' | wc -l)" -eq 2 ] || fail "$w $phase had errors: $line"
        echo "$line" | grep -q '"throughput_ratio":' || fail "$w $phase has no ratio: $line"
      done
    done
    ;;
  bad-flag)
    err=$("$ratio" --workloads-dir "$workloads" --workload nosuch 2>&1 >/dev/null)
    rc=$?
    [ "$rc" -eq 2 ] || fail "--workload nosuch exited $rc, not 2"
    [ "$(echo "$err" | wc -l)" -eq 1 ] || fail "the error is not one line: $err"
    echo "$err" | grep -q nosuch || fail "the error does not name the workload: $err"
    ;;
  *) fail "unknown case" ;;
esac
