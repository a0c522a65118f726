#!/usr/bin/env bash
# Throughput of GET /schemas/ids/{id} (the Confluent API's hot path: every deserializer calls it) against the
# native-AOT registry on loopback, beside a bare Kestrel endpoint (benchmarks/Registry.BareKestrel, also AOT) that
# answers the very same bytes, in the same run: rounds alternate registry / bare so that both see the same machine.
# Goal: registry >= 0.7 x bare. Also reports reads spread over many ids. Prints a markdown table with the load average.
# Usage: benchmarks/confluent-http.sh [seconds per run] [connections] [rounds] [schemas]
# Publishes artifacts/server and artifacts/bare-kestrel when missing; installs wrk (Debian package) when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
connections=${2:-16}
rounds=${3:-3}
schemas=${4:-200}
port=${REGISTRY_BENCH_PORT:-18781}
bare_port=$((port + 2))
server="$root/artifacts/server/Registry.Server"
bare="$root/artifacts/bare-kestrel/Registry.BareKestrel"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
if ! command -v wrk >/dev/null; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
[ -x "$server" ] || dotnet publish "$root/src/Registry.Server" -c Release -r linux-x64 -o "$root/artifacts/server" -nologo >/dev/null
[ -x "$bare" ] || dotnet publish "$root/benchmarks/Registry.BareKestrel" -c Release -r linux-x64 -o "$root/artifacts/bare-kestrel" -nologo >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$work" && REGISTRY__LISTEN__HTTP=127.0.0.1:$port REGISTRY__LISTEN__BINARY=127.0.0.1:$((port + 1)) \
  REGISTRY__STORAGE__SQLITE__PATH="$work/registry.db" Logging__LogLevel__Default=Warning exec "$server") >"$work/server.log" 2>&1 &
pids+=($!)
until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.05; done

# Schemas registered through the Confluent API itself.
for i in $(seq 1 "$schemas"); do
  printf '{"schemaType":"JSON","schema":"{\\"title\\":\\"s%d\\",\\"type\\":\\"object\\",\\"properties\\":{\\"id\\":{\\"type\\":\\"string\\"},\\"n\\":{\\"type\\":\\"integer\\",\\"minimum\\":%d}},\\"required\\":[\\"id\\"]}"}' "$i" "$i" \
    | curl -sf -o /dev/null -H 'content-type: application/vnd.schemaregistry.v1+json' --data-binary @- "http://127.0.0.1:$port/subjects/bench-$i-value/versions"
done

# The bare endpoint serves exactly what the registry answers for id 1.
curl -sf -o "$work/body.json" "http://127.0.0.1:$port/schemas/ids/1"
"$bare" "127.0.0.1:$bare_port" "$work/body.json" >"$work/bare.log" 2>&1 &
pids+=($!)
until curl -sf -o /dev/null "http://127.0.0.1:$bare_port/"; do sleep 0.05; done
curl -sf -o "$work/bare.json" "http://127.0.0.1:$bare_port/schemas/ids/1"
cmp -s "$work/body.json" "$work/bare.json" || { echo "the bare endpoint does not answer the same bytes" >&2; exit 1; }

cat >"$work/ids.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/schemas/ids/" .. ((n * 7919) % $schemas + 1))
end
LUA

wrk_run() { # url [script] -> "req/s p50 p99 non2xx"
  local out
  if [ -n "${2:-}" ]; then out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$2" "$1" 2>&1)
  else out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$1" 2>&1); fi
  printf '%s %s %s %s\n' \
    "$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')" \
    "$(echo "$out" | awk '$1=="50%" {print $2}')" "$(echo "$out" | awk '$1=="99%" {print $2}')" \
    "$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
}

# Warm-up (JIT-free, but caches, connections and the schema bodies).
wrk -t2 -c"$connections" -d2s "http://127.0.0.1:$port/schemas/ids/1" >/dev/null
wrk -t2 -c"$connections" -d2s "http://127.0.0.1:$bare_port/schemas/ids/1" >/dev/null

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "GET /schemas/ids/{id}, AOT registry vs bare Kestrel (same $(wc -c <"$work/body.json")-byte body), loopback, $(nproc) CPUs shared with wrk,"
echo "wrk -t2 -c$connections -d${seconds}s, $rounds alternating rounds, $schemas schemas; load average before: $load_before"
echo
echo "| round | registry /schemas/ids/1 | bare Kestrel | ratio | registry, ids spread over $schemas |"
echo "| --- | --- | --- | --- | --- |"
ratios=()
for r in $(seq 1 "$rounds"); do
  read -r reg reg50 reg99 regerr < <(wrk_run "http://127.0.0.1:$port/schemas/ids/1")
  read -r bar bar50 bar99 barerr < <(wrk_run "http://127.0.0.1:$bare_port/schemas/ids/1")
  read -r spr spr50 spr99 sprerr < <(wrk_run "http://127.0.0.1:$port" "$work/ids.lua")
  ratio=$(awk -v a="$reg" -v b="$bar" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  ratios+=("$ratio")
  printf '| %d | %s req/s (p50 %s, p99 %s)%s | %s req/s (p50 %s, p99 %s)%s | %s | %s req/s (p50 %s, p99 %s)%s |\n' "$r" \
    "$reg" "$reg50" "$reg99" "${regerr:+, $regerr non-2xx}" "$bar" "$bar50" "$bar99" "${barerr:+, $barerr non-2xx}" \
    "$ratio" "$spr" "$spr50" "$spr99" "${sprerr:+, $sprerr non-2xx}"
done
echo
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "median ratio registry/bare: $median (goal >= 0.70); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
