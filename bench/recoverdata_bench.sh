#!/usr/bin/env bash
# recoverdata against reopening (docs/benchmarks.md "recoverdata"): a
# playground of 3 tablets, a table of PARTITIONS x 3 replicas loaded with
# RECORDS records by kv-bench. First every tablet is SIGKILLed and restarted:
# the time each takes to reopen its data (restart until it serves every
# replica) is the reference. Then every server is SIGKILLed, the nameserver
# and one tablet restarted, two new tablets started, the two dead data dirs
# read offline, and each phase of `ops recoverdata` timed alone: the offline
# reads, collect, plan, apply and verify.
#
#   bench/recoverdata_bench.sh [BUILD_DIR] [RECORDS] [PARTITIONS]
# (default: build/, 1000000, 32; a release build: scripts/build.sh ops nameserver tablet inspect kv-bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
records=${2:-1000000}
partitions=${3:-32}
ops=$build/ops/ops
inspect=$build/inspect/inspect
kvbench=$build/bench/kv-bench
work=$(mktemp -d "${TMPDIR:-/tmp}/kvrecbench-XXXXXX")
pg=$work/playground
trap '"$ops" playground down --dir "$pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

"$ops" playground up --tablets 3 --dir "$pg" --json > "$work/up.json"
KV_NS=$(tail -n 1 "$work/up.json" | sed 's/.*"ns":"\([^"]*\)".*/\1/')
export KV_NS
t=$(now)
"$kvbench" --ns "$KV_NS" --table t --partitions "$partitions" --replicas 3 --count "$records" --threads 16 \
  --value-size 100 --write-only --keep > "$work/load.txt"
echo "load: $records records in $(took "$t") s"

# The reference: each tablet killed and reopened.
for s in tablet-1 tablet-2 tablet-3; do "$ops" playground kill "$s" --dir "$pg" >/dev/null; done
for s in tablet-1 tablet-2 tablet-3; do
  t=$(now)
  "$ops" playground restart "$s" --dir "$pg" --timeout-ms 300000 >/dev/null
  echo "reopen $s: $(took "$t") s"
done
for _ in $(seq 1 120); do "$ops" showopstatus 2>/dev/null | grep -Eq 'kInited|kDoing' || break; sleep 1; done

# The full outage.
for s in tablet-1 tablet-2 tablet-3 nameserver; do "$ops" playground kill "$s" --dir "$pg" >/dev/null; done
t=$(now)
"$ops" playground restart nameserver --dir "$pg" >/dev/null
"$ops" playground restart tablet-1 --dir "$pg" --timeout-ms 300000 >/dev/null
echo "restart nameserver and tablet-1: $(took "$t") s"
"$ops" playground scale-out --tablets 2 --dir "$pg" --timeout-ms 300000 >/dev/null || { echo "scale-out failed" >&2; exit 1; }
for _ in $(seq 1 120); do "$ops" showopstatus 2>/dev/null | grep -Eq 'kInited|kDoing' || break; sleep 1; done
t=$(now)
# Exit 1 is a report with findings (a torn tail after SIGKILL): still a report.
for n in 2 3; do "$inspect" tablet "$pg/tablet-$n" --json > "$work/t$n.json" || [ $? -eq 1 ]; done
echo "inspect tablet (2 data dirs, offline): $(took "$t") s"
t=$(now)
"$ops" recoverdata collect --offline "$work/t2.json" --offline "$work/t3.json" -o "$work/collected.json" 2>/dev/null
echo "collect: $(took "$t") s"
t=$(now)
"$ops" recoverdata plan --collected "$work/collected.json" -o "$work/plan.json" > /dev/null
echo "plan: $(took "$t") s"
t=$(now)
"$ops" recoverdata apply --yes --plan "$work/plan.json" --offline "$work/t2.json" --offline "$work/t3.json" \
  > "$work/apply.txt" 2>&1 || { cat "$work/apply.txt"; exit 1; }
echo "apply (collects again, then the ops): $(took "$t") s"
t=$(now)
"$ops" recoverdata verify --settle-s 600 > "$work/verify.txt" || { cat "$work/verify.txt"; exit 1; }
echo "verify: $(took "$t") s ($(head -n 1 "$work/verify.txt"))"
