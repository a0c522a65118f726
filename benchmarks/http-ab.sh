#!/usr/bin/env bash
# A/B of the native HTTP hot paths between two checkouts of the registry: GET /v1/schemas/{id}/schema and
# POST /v1/schemas/{id}/validate, with wrk on loopback, alternating rounds, each server a JIT Release build on the
# embedded store. Prints throughput and the server's CPU time per request (from /proc/<pid>/stat), which machine
# load blurs less than throughput does.
# Usage: benchmarks/http-ab.sh <checkout A> <checkout B> [rounds] [seconds]   (build each: dotnet build -c Release src/Registry.Server)
set -euo pipefail
a=$1; b=$2; rounds=${3:-3}; secs=${4:-5}; conns=16; schemas=200
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cat >"$work/ids.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", string.format("/v1/schemas/%d/schema", (n * 7919) % $schemas + 1))
end
LUA
cat >"$work/validate.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local i = (n * 7919) % $schemas + 1
  return wrk.format("POST", string.format("/v1/schemas/%d/validate", i), {["Content-Type"] = "application/json"}, string.format('{"id":"x-%d","n":%d}', n, i + 5))
end
LUA
start() { # checkout
  local dll="$1/src/Registry.Server/bin/Release/net10.0/Registry.Server.dll"
  [ -f "$dll" ] || { echo "no build in $1 (dotnet build -c Release src/Registry.Server)" >&2; exit 1; }
  rm -rf "$work/db"; mkdir -p "$work/db"
  REGISTRY__LISTEN__HTTP=127.0.0.1:$port REGISTRY__LISTEN__BINARY=127.0.0.1:0 REGISTRY__STORAGE__SQLITE__PATH="$work/db/registry.db" \
    Logging__LogLevel__Default=Warning dotnet "$dll" >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 400); do curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.05; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/health" || { echo "the server in $1 did not start:" >&2; tail -5 "$work/server.log" >&2; exit 1; }
  for i in $(seq 1 $schemas); do
    printf '{"schema":{"title":"s%d","type":"object","properties":{"id":{"type":"string"},"n":{"type":"integer","minimum":%d}},"required":["id"]}}' "$i" "$i" \
      | curl -sf -o /dev/null -H 'content-type: application/json' --data-binary @- "http://127.0.0.1:$port/v1/subjects/bench-$i/versions"
  done
  wrk -t2 -c$conns -d3s -s "$work/ids.lua" "http://127.0.0.1:$port" >/dev/null
  wrk -t2 -c$conns -d3s -s "$work/validate.lua" "http://127.0.0.1:$port" >/dev/null
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
one() { # label script
  local c0 c1 out requests
  c0=$(cpu_ticks)
  out=$(wrk -t2 -c$conns -d"${secs}s" -s "$2" "http://127.0.0.1:$port")
  c1=$(cpu_ticks)
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  printf '| %s | %s | %s | %s |\n' "$1" "$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')" \
    "$(echo "scale=2; ($c1 - $c0) * 1000000 / $(getconf CLK_TCK) / $requests" | bc)" "$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
}
echo "| round, checkout, path | req/s | server CPU µs/request | non-2xx |"
echo "| --- | ---: | ---: | ---: |"
for r in $(seq 1 "$rounds"); do
  for t in "$a" "$b"; do
    start "$t"
    one "$r, $(basename "$t"), get by id (load $(cut -d' ' -f1 /proc/loadavg))" "$work/ids.lua"
    one "$r, $(basename "$t"), validate" "$work/validate.lua"
    stop
  done
done
