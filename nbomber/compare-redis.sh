#!/usr/bin/env bash
# The binary protocol beside Redis on the same machine, in the same run: the native-AOT registry on loopback driven by
# nbomber/Registry.Load, and a private redis-server driven by redis-benchmark GET with the same value size, connection
# count and pipeline depth. The raw driver (Registry.Load raw: pre-encoded GET_SCHEMA_BY_ID frames over non-blocking
# sockets from one thread, batches of depth per connection, as redis-benchmark drives Redis) measures the server without
# Registry.Client; its ratio to Redis's redis-benchmark figure is the server's. The same driver also runs Redis GETs (a
# check that it is no slower a generator than redis-benchmark), and Registry.Client's get-by-id and validate-by-id give
# the client's own overhead (client / raw). Then, per row, the raw driver's open loop at half of that row's peak from
# this run, against the registry and against Redis (latency from each request's due time); a run that does not hold
# its rate fails the script. Goals (docs/performance.md): raw ratio >= 0.8; p99 < 1 ms at half of peak.
# With 2+ CPUs both servers are pinned to the last CPU and the drivers to the others (taskset), so a driver does not
# share the server's core; REGISTRY_LOAD_PIN=0 turns pinning off.
#
# Usage: nbomber/compare-redis.sh [seconds per run] [payload bytes] [combinations]
#   combinations: connections x depth, e.g. "1x1 1x16 16x1 16x16" (the default)
# Environment: REGISTRY_LOAD_PORT (HTTP port; binary = +1, Redis = +2; default 18791), REGISTRY_SERVER (a published
# server binary; default artifacts/server/Registry.Server, published when missing), REGISTRY_LOAD_TICK_US (the open
# loop sends what is due every this many µs, default 100; the wait counts in each request's latency).
# Installs redis-server and redis-tools (Debian packages) when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-5}
payload=${2:-256}
combos=${3:-"1x1 1x16 16x1 16x16"}
port=${REGISTRY_LOAD_PORT:-18791}
binary_port=$((port + 1))
redis_port=$((port + 2))
server=${REGISTRY_SERVER:-$root/artifacts/server/Registry.Server}
load="$root/nbomber/Registry.Load/bin/Release/net10.0/Registry.Load"
cpus=$(nproc)
if [ "${REGISTRY_LOAD_PIN:-1}" = 1 ] && [ "$cpus" -ge 2 ] && command -v taskset >/dev/null; then
  pin_server=(taskset -c "$((cpus - 1))") pin_driver=(taskset -c "0-$((cpus - 2))")
else
  pin_server=() pin_driver=()
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
if ! command -v redis-benchmark >/dev/null || ! command -v redis-server >/dev/null; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
fi
[ -x "$server" ] || dotnet publish "$root/src/Registry.Server" -c Release -r linux-x64 -o "$root/artifacts/server" -nologo >/dev/null
dotnet build "$root/nbomber/Registry.Load" -c Release -nologo -clp:ErrorsOnly >/dev/null

work=$(mktemp -d)
pids=()
tick_us=${REGISTRY_LOAD_TICK_US:-100}
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$work" && REGISTRY__LISTEN__HTTP=127.0.0.1:$port REGISTRY__LISTEN__BINARY=127.0.0.1:$binary_port \
  REGISTRY__STORAGE__SQLITE__PATH="$work/registry.db" Logging__LogLevel__Default=Warning exec "${pin_server[@]}" "$server") >"$work/server.log" 2>&1 &
pids+=($!)
"${pin_server[@]}" redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do sleep 0.05; done
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.05; done

# redis-benchmark GET reads the key its SET test writes, with a value of -d bytes.
redis-benchmark -p "$redis_port" -t set -n 1000 -d "$payload" -q >/dev/null

redis_get() { # connections depth -> "rps p50_us p99_us"
  local n=$((50000 * $2 * seconds / 5))
  [ "$n" -ge 50000 ] || n=50000
  "${pin_driver[@]}" redis-benchmark -p "$redis_port" -t get -c "$1" -P "$2" -d "$payload" -n "$n" --csv \
    | awk -F, '/^"GET/ { gsub(/"/, ""); printf "%.0f %.0f %.0f\n", $2, $5 * 1000, $7 * 1000 }'
}
registry() { # scenario connections depth [rate] -> tsv line of Registry.Load
  "${pin_driver[@]}" "$load" --endpoint "127.0.0.1:$binary_port" --scenario "$1" --connections "$2" --depth "$3" --rate "${4:-0}" \
    --payload "$payload" --warmup 2 --duration "$seconds" --tsv
}
raw() { # connections depth [rate] [--redis] -> tsv line of Registry.Load raw (single-threaded driver); stderr to raw.err
  local target=$binary_port extra=()
  if [ "${4:-}" = --redis ]; then target=$redis_port extra=(--redis); fi
  "${pin_driver[@]}" "$load" raw "${extra[@]}" --endpoint "127.0.0.1:$target" --connections "$1" --depth "$2" --rate "${3:-0}" \
    --tick-us "$tick_us" --payload "$payload" --warmup 1 --duration "$seconds" --tsv 2>"$work/raw.err"
}
stalls() { # from raw.err: "stalls over 1 ms: count, worst ms; driver's longest pass µs"
  awk '/longest pass/ { for (i = 1; i <= NF; i++) { if ($i == "stalls") n = $(i - 1); if ($i == "µs;") p = $(i - 1) } }
       /^  at / { w = $(NF - 1); if (w + 0 > worst) worst = w + 0 }
       END { printf "%d, %.1f ms; %s µs", n, worst / 1000, p }' "$work/raw.err"
}
paced() { # connections depth rate [--redis] -> "achieved|p50|p95|p99|p99.9|stalls", achieved marked FAILED when the rate was not held
  local line status=0
  line=$(raw "$@") || status=$?
  IFS=$'\t' read -r _ _ _ _ a p50 p95 p99 p999 _ _ <<<"$line"
  if [ "$status" -ne 0 ]; then
    a="**FAILED** $a ($(grep -v 'longest pass\|^  at' "$work/raw.err" | tr '\n' ' '))"
  fi
  echo "$a|$p50|$p95|$p99|$p999|$(stalls)"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $cpus CPUs; ${seconds} s per run, ${payload}-byte payload; servers pinned: ${pin_server[*]:-no}, drivers: ${pin_driver[*]:-no}"
echo
echo "| connections × depth | Redis GET req/s (redis-benchmark) | Redis p50 / p99 µs | Redis GET req/s (raw driver) | raw driver get-by-id req/s | raw p50 / p99 µs | **raw ratio to Redis** | Registry.Client get-by-id req/s | p50 / p99 / p99.9 µs | client / raw | registry validate-by-id req/s | p50 / p99 / p99.9 µs | errors | load average |"
echo "| --- | ---: | --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |"
half=()
for combo in $combos; do
  c=${combo%x*}; d=${combo#*x}
  read -r r_rps r_p50 r_p99 <<<"$(redis_get "$c" "$d")"
  IFS=$'\t' read -r _ _ _ _ y_rps _ _ _ _ _ y_err <<<"$(raw "$c" "$d" 0 --redis)"
  IFS=$'\t' read -r _ _ _ _ x_rps x_p50 _ x_p99 _ _ x_err <<<"$(raw "$c" "$d")"
  half+=("$c|$d|$((x_rps / 2))|$(paced "$c" "$d" $((x_rps / 2)))|$((r_rps / 2))|$(paced "$c" "$d" $((r_rps / 2)) --redis)")
  IFS=$'\t' read -r _ _ _ _ g_rps g_p50 _ g_p99 g_p999 _ g_err <<<"$(registry get "$c" "$d")"
  IFS=$'\t' read -r _ _ _ _ v_rps v_p50 _ v_p99 v_p999 _ v_err <<<"$(registry validate "$c" "$d")"
  raw_ratio=$(awk -v a="$x_rps" -v b="$r_rps" 'BEGIN { printf "%.2f", a / b }')
  client_raw=$(awk -v a="$g_rps" -v b="$x_rps" 'BEGIN { printf "%.2f", a / b }')
  echo "| $c × $d | $r_rps | $r_p50 / $r_p99 | $y_rps | $x_rps | $x_p50 / $x_p99 | **$raw_ratio** | $g_rps | $g_p50 / $g_p99 / $g_p999 | $client_raw | $v_rps | $v_p50 / $v_p99 / $v_p999 | $((x_err + y_err + g_err + v_err)) | $(cut -d' ' -f1 /proc/loadavg) |"
done

# Latency at half of each row's peak: the raw driver's open loop at a fixed rate (latency from each request's due time),
# against the registry at half its raw peak and against Redis at half of redis-benchmark's peak, same row's window.
echo
echo "Half of each row's peak, open loop (raw driver, one thread; due requests sent every ${tick_us} µs; at most depth requests in flight per connection; latency from each request's due time; stalls: stretches of requests over 1 ms, and the driver's own longest pass):"
echo
echo "| connections × depth | registry target req/s | achieved | p50 µs | p95 µs | p99 µs | p99.9 µs | stalls; driver | Redis target req/s | achieved | p50 µs | p95 µs | p99 µs | p99.9 µs | stalls; driver |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for row in "${half[@]}"; do
  IFS='|' read -r c d t a p50 p95 p99 p999 st rt ra rp50 rp95 rp99 rp999 rst <<<"$row"
  echo "| $c × $d | $t | $a | $p50 | $p95 | $p99 | $p999 | $st | $rt | $ra | $rp50 | $rp95 | $rp99 | $rp999 | $rst |"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if printf '%s\n' "${half[@]}" | grep -q FAILED; then
  echo "FAILED: an open-loop run did not hold its target rate (or got error responses); its latencies do not describe that rate." >&2
  exit 1
fi
