#!/usr/bin/env bash
# Smoke versions of the fault and load scenarios (seconds each, about 2 minutes in all), so they do not rot: the fault
# scenarios of chaos/run.sh with bounds widened for a shared, loaded machine (what they still prove: no acknowledged
# write lost, recovery within 30 s, stale reads within the bound, the deployment and the driver work), then the load
# driver (Registry.Load mix through Registry.Client, and the raw pipelined driver) for 2 s each against replica a.
# Prints "PASS name" / "FAIL name" per scenario and last "smoke: N passed, N failed" (scripts/test.sh counts it).
#
# Stands alone: when REGISTRY_SERVICES_DIR does not point at running services (scripts/test.sh starts them first), it
# starts its own PostgreSQL, Redis and S3 on free loopback ports and stops them at the end; when the server binary
# (artifacts/server/Registry.Server, AOT publish) or the driver (nbomber/Registry.Load, Release) is missing it builds
# them first (minutes, outside the time bound). Every phase runs under `timeout`, so the smoke ends within about
# 2 minutes once built, whatever hangs.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
load=${REGISTRY_LOAD:-$root/nbomber/Registry.Load/bin/Release/net10.0/Registry.Load}
server=${REGISTRY_SERVER:-$root/artifacts/server/Registry.Server}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
own_services=0
cleanup() {
  [ -z "${REGISTRY_SERVICES_DIR:-}" ] || CHAOS_DIR=$REGISTRY_SERVICES_DIR/chaos-smoke-load "$root/chaos/ctl.sh" down >/dev/null 2>&1 || true
  [ "$own_services" = 0 ] || "$root/scripts/services.sh" down >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ ! -x "$server" ]; then
  echo "smoke: publishing the server (native AOT) to $server"
  dotnet publish "$root/src/Registry.Server" -c Release -r linux-x64 -o "$(dirname "$server")" -nologo >/dev/null 2>&1 \
    || { echo "FAIL build-server"; echo "smoke: 0 passed, 1 failed"; exit 1; }
fi
if [ ! -x "$load" ]; then
  echo "smoke: building the load driver"
  dotnet build "$root/nbomber/Registry.Load" -c Release -nologo >/dev/null 2>&1 \
    || { echo "FAIL build-load-driver"; echo "smoke: 0 passed, 1 failed"; exit 1; }
fi
if [ -z "${REGISTRY_SERVICES_DIR:-}" ] || [ ! -f "$REGISTRY_SERVICES_DIR/env.sh" ]; then
  export REGISTRY_SERVICES_DIR=${REGISTRY_SERVICES_DIR:-$(mktemp -d /tmp/chaos-smoke-services.XXXXXX)}
  REGISTRY_PG_PORT=$(free_port) REGISTRY_REDIS_PORT=$(free_port) REGISTRY_S3_PORT=$(free_port)
  export REGISTRY_PG_PORT REGISTRY_REDIS_PORT REGISTRY_S3_PORT
  own_services=1
  timeout 180 "$root/scripts/services.sh" up >"${TMPDIR:-/tmp}/chaos-smoke-services.$$.log" 2>&1 \
    || { tail -5 "${TMPDIR:-/tmp}/chaos-smoke-services.$$.log"; echo "FAIL services"; echo "smoke: 0 passed, 1 failed"; exit 1; }
fi
export CHAOS_DIR=${CHAOS_DIR:-$REGISTRY_SERVICES_DIR/chaos-smoke}
export CHAOS_SMOKE_BOUNDS="--min-availability 50 --max-error-increase 50 --stale-bound-ms 10000"
started=$(date +%s)
passed=0 failed=0

out=$(timeout -k 5 120 "$root/chaos/run.sh" --smoke ${CHAOS_SMOKE_SCENARIOS:-kill-replica redis-stop s3-stop postgres-stop redis-partition cpu-stress} 2>&1)
echo "$out" | grep -vE '^\s+- ' || true
for s in $(echo "$out" | sed -n 's/^  FAIL \([a-z0-9-]*\) .*/\1/p' | sort -u); do echo "FAIL chaos-$s"; failed=$((failed + 1)); done
for s in $(echo "$out" | sed -n 's/^scenario \([a-z0-9-]*\):.*/\1/p'); do
  # A scenario passes when it judged its criteria (PASS lines printed) and none failed; cut short, it fails.
  if ! echo "$out" | grep -q "^  FAIL $s " && ! echo "$out" | grep -q "^  PASS $s "; then echo "FAIL chaos-$s (not judged)"; failed=$((failed + 1)); fi
  echo "$out" | grep -q "^  FAIL $s " || ! echo "$out" | grep -q "^  PASS $s " || { echo "PASS chaos-$s"; passed=$((passed + 1)); }
done
if ! echo "$out" | grep -q '^chaos: '; then echo "FAIL chaos-run (no summary)"; failed=$((failed + 1)); fi

# Load: one replica alone (the chaos run stopped the pair), 2 s per driver, errors must be 0.
timeout 60 env CHAOS_NETNS=0 CHAOS_DIR=$REGISTRY_SERVICES_DIR/chaos-smoke-load "$root/chaos/ctl.sh" up >/dev/null 2>&1
eval "$(CHAOS_DIR=$REGISTRY_SERVICES_DIR/chaos-smoke-load "$root/chaos/ctl.sh" env 2>/dev/null)"
a=${CHAOS_ENDPOINTS%%,*}
smoke_load() { # name command...
  # The result is the last line on standard output; what the driver reports besides (stalls, a reason it failed)
  # goes to standard error and is shown when the run fails.
  local name=$1 line notes="${TMPDIR:-/tmp}/chaos-smoke-load.$$.err"; shift
  line=$(timeout -k 2 20 "$@" --warmup 0.5 --duration 2 --tsv 2>"$notes" | tail -1)
  IFS=$'\t' read -r _ _ _ _ rps _ p95 _ _ _ err <<<"$line"
  if [ -n "${err:-}" ] && [ "$err" = 0 ] && [ "${rps:-0}" -gt 0 ] 2>/dev/null; then
    echo "PASS load-$name: $rps req/s, p95 ${p95} µs"; passed=$((passed + 1))
  else
    echo "FAIL load-$name: $line"; tail -5 "$notes" | sed 's/^/  /'; failed=$((failed + 1))
  fi
  rm -f "$notes"
}
if [ -n "$a" ]; then
  smoke_load mix-client "$load" --endpoint "$a" --scenario mix --connections 2 --depth 4
  smoke_load raw-pipelined "$load" raw --endpoint "$a" --connections 2 --depth 8
else
  echo "FAIL load: replica did not start"; failed=$((failed + 1))
fi
echo "smoke: $passed passed, $failed failed in $(( $(date +%s) - started )) s"
[ "$failed" -eq 0 ]
