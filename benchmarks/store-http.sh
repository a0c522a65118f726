#!/usr/bin/env bash
# HTTP throughput of the native API on the embedded store, against the native-AOT server on loopback, with wrk:
# reads by id (GET /v1/schemas/{id}/schema and GET /v1/schemas/{id}) over a set of registered schemas, and
# registrations (POST /v1/subjects/{new subject}/versions, each a new schema, durable before the answer).
# Usage: benchmarks/store-http.sh [seconds] [connections] [schemas]    (publishes to artifacts/server if missing)
# Compare with DESIGN.md: lookups by id over HTTP on 2 CPUs 0.6k (Karapace) to 7.7k (Redpanda) req/s;
# registrations on an SQL store about 6-9/s (Apicurio). wrk shares the 2 CPUs with the server here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/artifacts/server/Registry.Server"
seconds=${1:-10}
connections=${2:-16}
schemas=${3:-1000}
port=${REGISTRY_BENCH_PORT:-18581}
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
[ -x "$bin" ] || dotnet publish "$root/src/Registry.Server" -c Release -r linux-x64 -o "$root/artifacts/server" -nologo >/dev/null
work=$(mktemp -d)
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait "${pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

(cd "$work" && REGISTRY__LISTEN__HTTP=127.0.0.1:$port REGISTRY__LISTEN__BINARY=127.0.0.1:$((port + 1)) \
  REGISTRY__STORAGE__SQLITE__PATH="$work/registry.db" Logging__LogLevel__Default=Warning exec "$bin") >"$work/server.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do sleep 0.05; done

for i in $(seq 1 "$schemas"); do
  printf '{"schema":{"title":"s%d","type":"object","properties":{"id":{"type":"string"},"n":{"type":"integer","minimum":%d}},"required":["id"]}}' "$i" "$i" \
    | curl -sf -o /dev/null -H 'content-type: application/json' --data-binary @- "http://127.0.0.1:$port/v1/subjects/bench-$i/versions"
done

cat >"$work/ids.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", string.format(wrk.path, (n * 7919) % $schemas + 1))
end
LUA
cat >"$work/register.lua" <<'LUA'
local counter = 0
local thread_id = 0
setup = function(thread) thread_id = thread_id + 1; thread:set("tid", thread_id) end
request = function()
  counter = counter + 1
  local body = string.format('{"schema":{"title":"r%d-%d","type":"object","properties":{"x":{"type":"string"}}}}', tid, counter)
  return wrk.format("POST", string.format("/v1/subjects/reg-%d-%d/versions", tid, counter), { ["Content-Type"] = "application/json" }, body)
end
LUA

run() { # name path script
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$3" "http://127.0.0.1:$port$2" 2>&1)
  printf '| %s | %s req/s | p50 %s, p99 %s | %s |\n' "$1" \
    "$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')" \
    "$(echo "$out" | awk '$1=="50%" {print $2}')" "$(echo "$out" | awk '$1=="99%" {print $2}')" \
    "$(echo "$out" | awk '/Non-2xx/ {print $NF" non-2xx"}')"
}

echo "native API over HTTP, AOT server, embedded SQLite, $(nproc) CPUs shared with wrk, $connections connections, ${seconds} s, $schemas schemas"
echo
echo "| run | throughput | latency | errors |"
echo "| --- | --- | --- | --- |"
run "GET /v1/schemas/{id}/schema (bytes as stored)" "/v1/schemas/%d/schema" "$work/ids.lua"
run "GET /v1/schemas/{id} (JSON with references and hash)" "/v1/schemas/%d" "$work/ids.lua"
run "POST /v1/subjects/{new}/versions (registration, fsync per commit)" "/" "$work/register.lua"
