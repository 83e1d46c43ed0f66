#!/bin/sh
# CTest smoke cases for wal-bench (tests/bench_smoke.cmake): each case runs the
# binary on a tiny log in a fresh temporary folder and checks its exit code
# and output. Usage: smoke_test.sh WAL_BENCH CASE
set -u
bench=$1
case_name=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wal-bench-smoke-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }

# Runs wal-bench, keeping its stdout and stderr in $out and $err and its exit code in $rc.
run() {
  "$bench" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}

run write --dir "$tmp/wal" --records 50 --value-size 20 --segment-bytes 1024 --term-every 20
[ "$rc" -eq 0 ] || fail "write exited $rc: $err"

case "$case_name" in
  write-verify)
    run verify --dir "$tmp/wal" --runs 1 --json
    [ "$rc" -eq 0 ] || fail "verify exited $rc: $err"
    echo "$out" | grep -q '"records":50,' || fail "verify did not report 50 records: $out"
    ;;
  bad-flag)
    run write --dir "$tmp/other" --records many --value-size 20
    [ "$rc" -eq 2 ] || fail "a bad --records value exited $rc, not 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "expected one line on stderr, got: $err"
    ;;
  non-empty-dir)
    run write --dir "$tmp/wal" --records 5 --value-size 20
    [ "$rc" -eq 2 ] || fail "writing into a non-empty folder exited $rc, not 2"
    echo "$err" | grep -q -- '--append' || fail "the refusal does not mention --append: $err"
    run write --dir "$tmp/wal" --records 5 --value-size 20 --append --json
    [ "$rc" -eq 0 ] || fail "--append exited $rc: $err"
    echo "$out" | grep -q '"records":5,' || fail "--append did not write 5 records: $out"
    ;;
  damaged)
    # Overwrite payload bytes of a record in the middle of the first segment.
    seg=$(ls "$tmp/wal"/*.log | head -n 1)
    printf 'XXXX' | dd of="$seg" bs=1 seek=200 conv=notrunc status=none
    run verify --dir "$tmp/wal" --runs 1
    [ "$rc" -eq 1 ] || fail "verify of a damaged log exited $rc, not 1"
    echo "$err" | grep -q 'damaged' || fail "verify did not say the log is damaged: $err"
    ;;
  *)
    fail "unknown case"
    ;;
esac
