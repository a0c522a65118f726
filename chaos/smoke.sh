#!/usr/bin/env bash
# Smoke versions of the fault and load scenarios (seconds each, < 2 minutes in all), so they do not rot: the fault
# scenarios of chaos/run.sh with bounds widened for a shared, loaded machine (what they still prove: no acknowledged
# write lost, recovery within 30 s, stale reads within the bound, the deployment and the driver work), then the load
# driver (Registry.Load mix through Registry.Client, and the raw pipelined driver) for 2 s each against replica a.
# Prints "PASS name" / "FAIL name" per scenario and last "smoke: N passed, N failed" (scripts/test.sh counts it).
#
# Needs: the services of scripts/services.sh up (REGISTRY_SERVICES_DIR), artifacts/server/Registry.Server (AOT publish)
# and nbomber/Registry.Load built in Release (both done by scripts/test.sh before it runs this).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${REGISTRY_SERVICES_DIR:?REGISTRY_SERVICES_DIR must point at the services of scripts/services.sh}"
export CHAOS_DIR=${CHAOS_DIR:-$REGISTRY_SERVICES_DIR/chaos-smoke}
export CHAOS_SMOKE_BOUNDS="--min-availability 50 --max-error-increase 50 --stale-bound-ms 10000"
load=${REGISTRY_LOAD:-$root/nbomber/Registry.Load/bin/Release/net10.0/Registry.Load}
started=$(date +%s)
passed=0 failed=0

out=$("$root/chaos/run.sh" --smoke ${CHAOS_SMOKE_SCENARIOS:-kill-replica redis-stop s3-stop postgres-stop redis-partition cpu-stress} 2>&1)
echo "$out" | grep -vE '^\s+- ' || true
for s in $(echo "$out" | sed -n 's/^  FAIL \([a-z0-9-]*\) .*/\1/p' | sort -u); do echo "FAIL chaos-$s"; failed=$((failed + 1)); done
for s in $(echo "$out" | sed -n 's/^scenario \([a-z0-9-]*\):.*/\1/p'); do
  echo "$out" | grep -q "^  FAIL $s " || { echo "PASS chaos-$s"; passed=$((passed + 1)); }
done
if ! echo "$out" | grep -q '^chaos: '; then echo "FAIL chaos-run (no summary)"; failed=$((failed + 1)); fi

# Load: one replica alone (the chaos run stopped the pair), 2 s per driver, errors must be 0.
CHAOS_DIR=$REGISTRY_SERVICES_DIR/chaos-smoke-load "$root/chaos/ctl.sh" up >/dev/null 2>&1
eval "$(CHAOS_DIR=$REGISTRY_SERVICES_DIR/chaos-smoke-load "$root/chaos/ctl.sh" env 2>/dev/null)"
a=${CHAOS_ENDPOINTS%%,*}
smoke_load() { # name command...
  local name=$1 line; shift
  line=$("$@" --warmup 0.5 --duration 2 --tsv 2>&1 | tail -1)
  IFS=$'\t' read -r _ _ _ _ rps _ p95 _ _ _ err <<<"$line"
  if [ -n "${err:-}" ] && [ "$err" = 0 ] && [ "${rps:-0}" -gt 0 ] 2>/dev/null; then
    echo "PASS load-$name: $rps req/s, p95 ${p95} µs"; passed=$((passed + 1))
  else
    echo "FAIL load-$name: $line"; failed=$((failed + 1))
  fi
}
if [ -n "$a" ]; then
  smoke_load mix-client "$load" --endpoint "$a" --scenario mix --connections 2 --depth 4
  smoke_load raw-pipelined "$load" raw --endpoint "$a" --connections 2 --depth 8
else
  echo "FAIL load: replica did not start"; failed=$((failed + 1))
fi
CHAOS_DIR=$REGISTRY_SERVICES_DIR/chaos-smoke-load "$root/chaos/ctl.sh" down >/dev/null 2>&1

echo "smoke: $passed passed, $failed failed in $(( $(date +%s) - started )) s"
[ "$failed" -eq 0 ]
