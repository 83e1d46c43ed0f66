#!/usr/bin/env bash
# Set-up command 1: install the packages, build what it runs, and run the main
# job: a whole cluster brought back after every process died.
#
# A playground of 4 tablets, a table of 8 partitions x 3 replicas, a YCSB load
# that records every acknowledged write in a ledger (`ops bench load
# --ledger`); every server SIGKILLed; the nameserver and
# two tablets restarted, one new tablet started. Partitions with two live
# replicas get a leader by themselves (auto_failover); those with one are left
# leaderless, which auto_failover refuses. The two dead tablets' data dirs are
# read offline (`inspect tablet --json`), `ops recoverdata run --dry-run`
# shows the plan, `ops recoverdata run` applies and verifies it, and every
# acknowledged write is read back (`ops bench verify --ledger`). WAL
# forensics: scripts/demo-wal.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The test command's build folder and quick-to-compile "Check" build type:
# the demo measures nothing, and scripts/test.sh then reuses what it built.
build=${BUILD_DIR:-$root/build-check}
"$root/scripts/install-deps.sh"
# Only the programs the demo runs, not the tests.
BUILD_DIR="$build" BUILD_TYPE="${BUILD_TYPE:-Check}" "$root/scripts/build.sh" ops nameserver tablet inspect

ops=$build/ops/ops
inspect=$build/inspect/inspect
work=$(mktemp -d "${TMPDIR:-/tmp}/kvdemo-XXXXXX")
pg=$work/playground
cleanup() {
  "$ops" playground down --dir "$pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; }

step "A playground: a nameserver and 4 tablets" "ops playground up --tablets 4"
"$ops" playground up --tablets 4 --dir "$pg" --json > "$work/up.json"
KV_NS=$(tail -n 1 "$work/up.json" | sed 's/.*"ns":"\([^"]*\)".*/\1/')
export KV_NS
echo "export KV_NS=$KV_NS"

step "A table: 8 partitions, 3 replicas, acks majority" "ops create table t --partitions 8 --replicas 3"
"$ops" create table t --partitions 8 --replicas 3

step "A load of 400 records by 4 writers; every acknowledged write goes to a ledger" \
  "ops bench load -P playbooks/workloads/workloada -p recordcount=400 -p threadcount=4 --table t --ledger ledger"
ledger=$work/ledger
"$ops" bench load -P "$root/playbooks/workloads/workloada" -p recordcount=400 -p threadcount=4 --table t \
  --ledger "$ledger"
echo "acknowledged writes: $(grep -vc '^#' "$ledger")"

step "Every server dies at once (SIGKILL)" "ops playground kill ..."
for s in tablet-1 tablet-2 tablet-3 tablet-4 nameserver; do "$ops" playground kill "$s" --dir "$pg"; done

step "The nameserver and two tablets come back; one new tablet starts" "ops playground restart nameserver tablet-1 tablet-2; ops playground scale-out --tablets 1"
for s in nameserver tablet-1 tablet-2; do "$ops" playground restart "$s" --dir "$pg" >/dev/null; done
"$ops" playground scale-out --tablets 1 --dir "$pg" >/dev/null
# auto_failover leads the partitions with two live replicas; the others stay leaderless.
for _ in $(seq 1 60); do
  "$ops" showopstatus 2>/dev/null | grep -Eq 'kInited|kDoing' || break
  sleep 1
done
step "What auto_failover could not do: partitions without a live leader" "ops showtable t"
"$ops" showtable t

step "The dead tablets' data dirs, read offline" "inspect tablet DATA_DIR --json > tN.json"
for t in tablet-3 tablet-4; do
  # Exit 1 is a report with findings (a torn WAL tail after SIGKILL): still a report.
  "$inspect" tablet "$pg/$t" --json > "$work/$t.json" || [ $? -eq 1 ]
  echo "$work/$t.json: $(($(wc -l < "$work/$t.json") - 1)) replicas"
done
offline=(--offline "$work/tablet-3.json" --offline "$work/tablet-4.json")

step "The plan (nothing changes)" "ops recoverdata run --dry-run --offline tablet-3.json --offline tablet-4.json"
"$ops" recoverdata run --dry-run "${offline[@]}"

step "Apply it, then verify (content checksums)" "ops recoverdata run --yes --offline tablet-3.json --offline tablet-4.json"
"$ops" recoverdata run --yes "${offline[@]}"

step "Every acknowledged write reads back" "ops bench verify --ledger ledger"
# One JSON line: writes, keys (each read once), checked, overwritten, lost.
# Exit 1 names a lost write on stderr.
verified=0
"$ops" bench verify --ledger "$ledger" --json > "$work/verify.json" || verified=$?
cat "$work/verify.json"
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$work/verify.json"; }
echo "acknowledged writes checked: $(field keys), lost: $(field lost)"
[ "$verified" -eq 0 ] || { echo "demo: acknowledged writes were lost (ops bench verify exited $verified)" >&2; exit 1; }
"$ops" confget auto_failover

printf '\ndemo: done (WAL forensics: scripts/demo-wal.sh)\n'
