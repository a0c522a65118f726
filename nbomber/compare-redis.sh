#!/usr/bin/env bash
# The binary protocol beside Redis on the same machine, in the same run: the native-AOT registry on loopback driven by
# nbomber/Registry.Load (get-by-id and validate-by-id), and a private redis-server driven by redis-benchmark GET with
# the same value size, connection count and pipeline depth. Prints a markdown table with the registry's get-by-id
# throughput as a ratio of Redis's GET, then the latency at half of the peak get-by-id and validate-by-id rates.
# Goals (docs/performance.md): ratio >= 0.8; p99 < 1 ms at half of peak.
# Beside them, the raw driver (Registry.Load raw: pre-encoded GET_SCHEMA_BY_ID frames over plain sockets, one thread per
# connection, as redis-benchmark drives Redis) measures the server without Registry.Client; its ratio to Redis is the
# server's, and the client's own overhead is the gap between the raw and the client columns. With 2+ CPUs both servers
# are pinned to the last CPU and both drivers to the others (taskset), so a driver does not share the server's core;
# REGISTRY_LOAD_PIN=0 turns pinning off. Each row also gives the raw driver's p99 at half of that row's raw peak.
#
# Usage: nbomber/compare-redis.sh [seconds per run] [payload bytes] [combinations]
#   combinations: connections x depth, e.g. "1x1 1x16 16x1 16x16" (the default)
# Environment: REGISTRY_LOAD_PORT (HTTP port; binary = +1, Redis = +2; default 18791), REGISTRY_SERVER (a published
# server binary; default artifacts/server/Registry.Server, published when missing).
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
raw() { # connections depth [rate] -> tsv line of Registry.Load raw
  "${pin_driver[@]}" "$load" raw --endpoint "127.0.0.1:$binary_port" --connections "$1" --depth "$2" --rate "${3:-0}" \
    --payload "$payload" --warmup 1 --duration "$seconds" --tsv
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $cpus CPUs; ${seconds} s per run, ${payload}-byte payload; servers pinned: ${pin_server[*]:-no}, drivers: ${pin_driver[*]:-no}"
echo
echo "| connections × depth | Redis GET req/s | Redis p50 / p99 µs | raw driver get-by-id req/s | raw p50 / p99 µs | **raw ratio to Redis** | raw p99 µs at half of its peak | Registry.Client get-by-id req/s | p50 / p99 / p99.9 µs | client ratio to Redis | client / raw | registry validate-by-id req/s | p50 / p99 / p99.9 µs | errors | load average |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
peak_get=0; peak_validate=0; peak_combo=""
for combo in $combos; do
  c=${combo%x*}; d=${combo#*x}
  read -r r_rps r_p50 r_p99 <<<"$(redis_get "$c" "$d")"
  IFS=$'\t' read -r _ _ _ _ x_rps x_p50 _ x_p99 _ _ x_err <<<"$(raw "$c" "$d")"
  IFS=$'\t' read -r _ _ _ _ _ _ _ h_p99 _ _ h_err <<<"$(raw "$c" "$d" $((x_rps / 2)))"
  IFS=$'\t' read -r _ _ _ _ g_rps g_p50 _ g_p99 g_p999 _ g_err <<<"$(registry get "$c" "$d")"
  IFS=$'\t' read -r _ _ _ _ v_rps v_p50 _ v_p99 v_p999 _ v_err <<<"$(registry validate "$c" "$d")"
  ratio=$(awk -v a="$g_rps" -v b="$r_rps" 'BEGIN { printf "%.2f", a / b }')
  raw_ratio=$(awk -v a="$x_rps" -v b="$r_rps" 'BEGIN { printf "%.2f", a / b }')
  client_raw=$(awk -v a="$g_rps" -v b="$x_rps" 'BEGIN { printf "%.2f", a / b }')
  echo "| $c × $d | $r_rps | $r_p50 / $r_p99 | $x_rps | $x_p50 / $x_p99 | **$raw_ratio** | $h_p99 | $g_rps | $g_p50 / $g_p99 / $g_p999 | $ratio | $client_raw | $v_rps | $v_p50 / $v_p99 / $v_p999 | $((x_err + h_err + g_err + v_err)) | $(cut -d' ' -f1 /proc/loadavg) |"
  if [ "$g_rps" -gt "$peak_get" ]; then peak_get=$g_rps; peak_validate=$v_rps; peak_combo=$combo; fi
done

# Latency at half of the peak: a fixed arrival rate (open loop; latency counted from each request's due time).
c=${peak_combo%x*}; d=${peak_combo#*x}
echo
echo "Half of peak (peak at $c × $d), open loop at a fixed rate:"
echo
echo "| scenario | target req/s | achieved req/s | p50 µs | p95 µs | p99 µs | p99.9 µs | max µs | errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for s in get validate; do
  if [ "$s" = get ]; then rate=$((peak_get / 2)); else rate=$((peak_validate / 2)); fi
  IFS=$'\t' read -r _ _ _ _ rps p50 p95 p99 p999 max err <<<"$(registry "$s" "$c" "$d" "$rate")"
  echo "| $s | $rate | $rps | $p50 | $p95 | $p99 | $p999 | $max | $err |"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
