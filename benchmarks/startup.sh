#!/usr/bin/env bash
# Size of the native-AOT server binary and its start-to-ready time: from exec to the first successful
# GET /health, polled every millisecond, over several runs.
# Usage: benchmarks/startup.sh [runs]   (publishes to artifacts/server first if the binary is missing)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/artifacts/server/Registry.Server"
runs=${1:-10}
[ -x "$bin" ] || dotnet publish "$root/src/Registry.Server" -c Release -r linux-x64 -o "$root/artifacts/server" -nologo >/dev/null
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
echo "binary: $(stat -c %s "$bin") bytes ($(( $(stat -c %s "$bin") / 1024 / 1024 )) MiB)"
for run in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  (cd "$data" && REGISTRY__LISTEN__HTTP=127.0.0.1:18081 REGISTRY__LISTEN__BINARY=127.0.0.1:19091 exec "$bin") >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:18081/health; do sleep 0.001; done
  echo "run $run: $(( ($(date +%s%N) - start) / 1000000 )) ms to ready"
  kill -TERM "$pid"; wait "$pid" || true
done
