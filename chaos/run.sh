#!/usr/bin/env bash
# Runs the fault scenarios against two replicas (chaos/ctl.sh) with a read and write load through one client that
# knows both endpoints (Registry.Load chaos). Each scenario prints its criteria before it runs, PASS/FAIL per criterion
# after, and writes chaos/results/<scenario>.json (smoke runs: $CHAOS_DIR/results).
#
#   chaos/run.sh [--smoke] [scenario ...]
#     scenarios: kill-replica redis-stop s3-stop postgres-stop redis-latency redis-loss postgres-latency
#                redis-partition cpu-stress (default: all; netem ones are skipped where `ip netns` is unavailable)
#     --smoke    seconds per scenario, generous bounds for a loaded machine (what scripts/test.sh runs)
#
# Needs the private services up (REGISTRY_SERVICES_DIR, scripts/services.sh up), artifacts/server/Registry.Server
# (AOT publish) and the driver built (dotnet build nbomber/Registry.Load -c Release). Exit status: failed scenarios.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${REGISTRY_SERVICES_DIR:?REGISTRY_SERVICES_DIR must point at the services of scripts/services.sh}"
export CHAOS_DIR=${CHAOS_DIR:-$REGISTRY_SERVICES_DIR/chaos}
load=${REGISTRY_LOAD:-$root/nbomber/Registry.Load/bin/Release/net10.0/Registry.Load}
ctl="$root/chaos/ctl.sh"
smoke=0
[ "${1:-}" = --smoke ] && { smoke=1; shift; }
all="kill-replica redis-stop s3-stop postgres-stop redis-latency redis-loss postgres-latency redis-partition cpu-stress"
scenarios=${*:-$all}
if [ "$smoke" = 1 ]; then
  results=$CHAOS_DIR/results
  # seconds: duration, fault at, recovery at; rates; bounds widened for a shared, loaded 2-core machine
  timing=(--duration 6 --fault-at 2 --recover-at 4 --read-rate 100 --write-rate 5 --timeout 3)
  p95=5000 recovery=30
else
  results=$root/chaos/results
  timing=(--duration 40 --fault-at 10 --recover-at 25 --read-rate 300 --write-rate 10 --timeout 2)
  p95=50 recovery=30
fi
mkdir -p "$results"

cleanup() { "$ctl" netem-clear >/dev/null 2>&1 || true; "$ctl" down >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 143' INT TERM
"$ctl" up || exit 1
eval "$("$ctl" env)"
has_netns=0; "$ctl" has-netns && has_netns=1
stress_seconds=$(( smoke == 1 ? 3 : 15 ))

passed=0 failed=0 skipped=0
run() { # name description extra-args...
  local name=$1 desc=$2; shift 2
  echo
  "$load" chaos --name "$name" --description "$desc" --endpoints "$CHAOS_ENDPOINTS" "${timing[@]}" \
    --max-recovery "$recovery" --stale-bound-ms 5000 --out "$results/$name.json" "$@" ${CHAOS_SMOKE_BOUNDS:-}
  if [ $? -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
for s in $scenarios; do
  case "$s" in
    kill-replica) run "$s" "kill -9 of replica a under load, then its restart" \
      --fault "$ctl kill a" --recover "$ctl start a" ;;
    redis-stop) run "$s" "Redis stopped, then started (cache tier and invalidation channel gone)" \
      --fault "$ctl svc stop redis" --recover "$ctl svc start redis" ;;
    s3-stop) run "$s" "the S3 server stopped, then started (content tier gone)" \
      --fault "$ctl svc stop s3" --recover "$ctl svc start s3" ;;
    postgres-stop) run "$s" "PostgreSQL stopped, then started (system of record gone: reads from the caches, writes refused)" \
      --writes-refused --fault "$ctl svc stop postgres" --recover "$ctl svc start postgres" ;;
    redis-latency|redis-loss|postgres-latency|redis-partition)
      if [ "$has_netns" = 0 ]; then echo; echo "SKIP $s: no network namespace here"; skipped=$((skipped + 1)); continue; fi
      case "$s" in
        redis-latency) run "$s" "100 ms latency on packets from replica b to Redis (tc netem)" --max-p95-ms "$p95" \
          --fault "$ctl netem redis delay 100ms" --recover "$ctl netem-clear" ;;
        redis-loss) run "$s" "50 % packet loss from replica b to Redis (tc netem)" --max-p95-ms "$p95" \
          --fault "$ctl netem redis loss 50%" --recover "$ctl netem-clear" ;;
        postgres-latency) run "$s" "100 ms latency on packets from replica b to PostgreSQL (tc netem)" --max-p95-ms "$p95" \
          --fault "$ctl netem postgres delay 100ms" --recover "$ctl netem-clear" ;;
        redis-partition) run "$s" "replica b cut from Redis (100 % loss): invalidations to b are lost" \
          --fault "$ctl netem redis loss 100%" --recover "$ctl netem-clear" ;;
      esac ;;
    cpu-stress) run "$s" "CPU stress on every core (stress-ng) for ${stress_seconds} s" \
      --fault "$ctl stress $stress_seconds" --recover "true" ;;
    *) echo "unknown scenario $s"; failed=$((failed + 1)) ;;
  esac
done
echo
echo "chaos: $passed passed, $failed failed, $skipped skipped (results in $results)"
[ "$failed" -eq 0 ]
