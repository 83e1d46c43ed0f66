#!/usr/bin/env bash
# The second demo (the first, scripts/demo.sh, is whole-cluster recovery): WAL forensics: write a WAL, damage a copy, find the damage with
# `inspect wal`, salvage it with `repair wal` (dry run, then --apply), and
# cut a torn tail with `repair wal truncate-tail`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
# Only the three programs the demo runs, not the servers and the tests.
"$root/scripts/build.sh" inspect repair wal-bench

inspect=$build/inspect/inspect
repair=$build/repair/repair
walbench=$build/bench/wal-bench
work=$(mktemp -d "${TMPDIR:-/tmp}/kvdemo-XXXXXX")
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; }
# Runs a command that is expected to exit with the given code, and shows it.
expect() {
  local want=$1; shift
  set +e; "$@"; local rc=$?; set -e
  echo "(exit code $rc)"
  [ "$rc" -eq "$want" ] || { echo "demo: expected exit code $want from: $*" >&2; exit 1; }
}

step "Write a WAL: 20,000 records, 1 MiB segments" "wal-bench write --dir $work/wal --records 20000 --value-size 100 --segment-bytes 1048576"
"$walbench" write --dir "$work/wal" --records 20000 --value-size 100 --segment-bytes 1048576 --term-every 5000

step "Its statistics" "inspect wal $work/wal --stats"
"$inspect" wal "$work/wal" --stats

cp -r "$work/wal" "$work/damaged"
second=$(ls "$work/damaged"/*.log | sed -n 2p)
step "Damage a copy: flip one byte in the middle of the second segment" "printf '\\xff' | dd of=$second bs=1 seek=300000 conv=notrunc"
printf '\xff' | dd of="$second" bs=1 seek=300000 conv=notrunc status=none

step "Verify the healthy WAL (exit 0)" "inspect wal $work/wal --verify"
expect 0 "$inspect" wal "$work/wal" --verify
step "Verify the damaged copy (exit 1, the damage located)" "inspect wal $work/damaged --verify"
expect 1 "$inspect" wal "$work/damaged" --verify

step "Plan a salvage (dry run: nothing changes)" "repair wal salvage $work/damaged"
expect 0 "$repair" wal salvage "$work/damaged"
step "Salvage it" "repair wal salvage $work/damaged --apply"
expect 0 "$repair" wal salvage "$work/damaged" --apply
step "What was taken out is in quarantine, with a manifest" "ls $work/damaged/quarantine/*"
ls -l "$work/damaged"/quarantine/*

step "The salvaged log: every intact record kept, the lost offset stays a reported gap (exit 1)" "inspect wal $work/damaged --stats"
expect 1 "$inspect" wal "$work/damaged" --stats

last=$(ls "$work/wal"/*.log | tail -n 1)
step "Tear the tail of the healthy WAL (garbage after the last record)" "head -c 77 /dev/urandom >> $last"
head -c 77 /dev/urandom >> "$last"
step "Verify: a torn tail (exit 1)" "inspect wal $work/wal --verify"
expect 1 "$inspect" wal "$work/wal" --verify
step "Cut the torn tail" "repair wal truncate-tail $work/wal --apply"
expect 0 "$repair" wal truncate-tail "$work/wal" --apply
step "Verify again: clean (exit 0)" "inspect wal $work/wal --verify"
expect 0 "$inspect" wal "$work/wal" --verify

printf '\ndemo: done\n'
