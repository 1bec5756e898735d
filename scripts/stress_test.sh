#!/usr/bin/env bash
# Run the whole test suite several times while other processes keep every core busy, and say
# how each run went. Proof that the suite does not flake on a loaded machine.
#
#   scripts/stress_test.sh            # 3 runs, one busy loop per core
#   RUNS=5 HOGS=4 scripts/stress_test.sh
#
# Exit status 0 only when every run passed. Uses the venv `make test` sets up.
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
HOGS=${HOGS:-$(nproc)}
PYTEST=(.venv/bin/python -m pytest -q --headless -p no:cacheprovider)
LOGDIR=${LOGDIR:-$(mktemp -d -t bubblemeter-stress.XXXXXX)}

make -s install-test >/dev/null || { echo "make install-test failed" >&2; exit 2; }

hogs=()
stop_hogs() { for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; }
trap stop_hogs EXIT INT TERM
for _ in $(seq "$HOGS"); do
  ( while :; do :; done ) &
  hogs+=("$!")
done
echo "load: $HOGS busy loops on $(nproc) cores; logs in $LOGDIR"

failed=0
for run in $(seq "$RUNS"); do
  started=$(date +%s)
  "${PYTEST[@]}" >"$LOGDIR/run$run.log" 2>&1
  status=$?
  took=$(( $(date +%s) - started ))
  summary=$(grep -E '^[0-9]+ (passed|failed)|^=+ .*(passed|failed)' "$LOGDIR/run$run.log" | tail -1)
  echo "run $run: exit $status in ${took}s, load $(cut -d' ' -f1-3 /proc/loadavg): $summary"
  [ "$status" -eq 0 ] || { failed=$((failed + 1)); grep -E '^(FAILED|ERROR) ' "$LOGDIR/run$run.log"; }
done
echo "$failed of $RUNS runs failed"
[ "$failed" -eq 0 ]
