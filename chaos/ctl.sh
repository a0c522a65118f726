#!/usr/bin/env bash
# Controls the two-replica deployment the fault scenarios run against, on one machine:
#
#   chaos/ctl.sh up              start replicas a and b over the private PostgreSQL, Redis and S3 of scripts/services.sh
#                                (which must be up); b runs in its own network namespace when `ip netns` works here
#   chaos/ctl.sh down            stop the replicas, the forwarder, stress and the namespace (always safe to run)
#   chaos/ctl.sh kill a|b        kill -9 one replica
#   chaos/ctl.sh start a|b       start one replica again (same ports, same stores) and wait until it is ready
#   chaos/ctl.sh svc stop|start postgres|redis|s3
#   chaos/ctl.sh netem postgres|redis SPEC   shape b's packets to that service: "delay 100ms", "loss 50%", "loss 100%" (tc netem
#                                where the kernel has sch_netem, else the forwarder b uses injects them)
#   chaos/ctl.sh netem-clear
#   chaos/ctl.sh stress SECONDS  CPU stress on every core (stress-ng, else busy loops), bounded
#   chaos/ctl.sh env             print the endpoints (CHAOS_ENDPOINTS=a,b)
#
# State lives in $CHAOS_DIR (default $REGISTRY_SERVICES_DIR/chaos). Ports are free ones probed at `up`. The namespace,
# veth pair and 10.221.21.0/30 addresses are made here and removed by `down`; nothing outside the sandbox is touched.
# Two deployments on one machine need their own: CHAOS_NETNS_NAME (default c21b) and CHAOS_NET (default 10.221.21,
# the first three octets of the /30).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${REGISTRY_SERVICES_DIR:?REGISTRY_SERVICES_DIR must point at the services of scripts/services.sh}"
dir=${CHAOS_DIR:-$REGISTRY_SERVICES_DIR/chaos}
server=${REGISTRY_SERVER:-$root/artifacts/server/Registry.Server}
load=${REGISTRY_LOAD:-$root/nbomber/Registry.Load/bin/Release/net10.0/Registry.Load}
ns=${CHAOS_NETNS_NAME:-c21b}
net=${CHAOS_NET:-10.221.21}
host_ip=$net.1 ns_ip=$net.2
mkdir -p "$dir"

log() { printf 'chaos: %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# shellcheck disable=SC1091
services_env() { source "$REGISTRY_SERVICES_DIR/env.sh"; }
pg_port() { services_env; sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$REGISTRY_TEST_POSTGRES"; }
redis_port() { services_env; echo "${REGISTRY_TEST_REDIS##*:}"; }
s3_port() { services_env; echo "${REGISTRY_TEST_S3_URL##*:}"; }

netns_works() {
  [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && command -v tc >/dev/null || return 1
  ip netns add "${ns}probe" 2>/dev/null || return 1
  ip netns del "${ns}probe"
}

setup_netns() {
  ip netns del "$ns" 2>/dev/null || true
  ip link del "${ns}h" 2>/dev/null || true
  ip netns add "$ns"
  ip link add "${ns}h" type veth peer name "${ns}n"
  ip link set "${ns}n" netns "$ns"
  ip addr add "$host_ip/30" dev "${ns}h"
  ip link set "${ns}h" up
  ip netns exec "$ns" ip addr add "$ns_ip/30" dev "${ns}n"
  ip netns exec "$ns" ip link set "${ns}n" up
  ip netns exec "$ns" ip link set lo up
  # b reaches the loopback-only services through a forwarder on the host side of the veth pair.
  local pg redis s3
  pg=$(pg_port) redis=$(redis_port) s3=$(s3_port)
  nohup "$load" forward --control "$dir" "$host_ip:$pg=127.0.0.1:$pg" "$host_ip:$redis=127.0.0.1:$redis" "$host_ip:$s3=127.0.0.1:$s3" \
    >"$dir/forward.log" 2>&1 &
  echo $! >"$dir/forward.pid"
  for _ in $(seq 1 100); do grep -q forwarding "$dir/forward.log" 2>/dev/null && break; sleep 0.1; done
  echo 1 >"$dir/netns"
  # tc netem where the kernel has it (sch_netem); else the forwarder injects the faults (Registry.Load forward).
  if tc qdisc add dev "${ns}h" root netem delay 1ms 2>/dev/null; then tc qdisc del dev "${ns}h" root; echo 1 >"$dir/kernel-netem"; else rm -f "$dir/kernel-netem"; fi
}

start_replica() { # a|b
  local r=$1 http bin ip svc_ip prefix=()
  http=$(cat "$dir/$r.http") bin=$(cat "$dir/$r.binary")
  ip=127.0.0.1 svc_ip=127.0.0.1
  if [ "$r" = b ] && [ -f "$dir/netns" ]; then ip=$ns_ip svc_ip=$host_ip prefix=(ip netns exec "$ns"); fi
  services_env
  mkdir -p "$dir/$r"
  (cd "$dir/$r"
    REGISTRY__LISTEN__HTTP=$ip:$http REGISTRY__LISTEN__BINARY=$ip:$bin \
    REGISTRY__SECURITY__ALLOWUNAUTHENTICATEDNETWORK=true \
    REGISTRY__STORAGE__PROVIDER=postgres \
    REGISTRY__STORAGE__POSTGRES__CONNECTIONSTRING="Host=$svc_ip;Port=$(pg_port);Username=postgres;Database=postgres;Timeout=2" \
    REGISTRY__STORAGE__POSTGRES__CONNECTTIMEOUT=00:00:02 \
    REGISTRY__CACHE__REDIS__CONFIGURATION="$svc_ip:$(redis_port)" \
    REGISTRY__CACHE__MEMORY__FACTTTL=00:00:02 REGISTRY__CACHE__REDIS__MUTABLETTL=00:00:03 REGISTRY__CACHE__MAXSTALENESS=00:00:05 \
    REGISTRY__CONTENTSTORE__S3__SERVICEURL="http://$svc_ip:$(s3_port)" \
    REGISTRY__CONTENTSTORE__S3__BUCKET=chaos-registry \
    REGISTRY__CONTENTSTORE__S3__ACCESSKEY="$REGISTRY_TEST_S3_ACCESS_KEY" REGISTRY__CONTENTSTORE__S3__SECRETKEY="$REGISTRY_TEST_S3_SECRET_KEY" \
    REGISTRY__LOGFORMAT=text Logging__LogLevel__Default=Warning \
    nohup "${prefix[@]}" "$server" >>"$dir/$r.log" 2>&1 &
    echo $! >"$dir/$r.pid")
  echo "$ip:$bin" >"$dir/$r.endpoint"
  local deadline=$(( $(date +%s) + 60 ))
  until curl -sf -o /dev/null "http://$ip:$http/health/ready"; do
    [ "$(date +%s)" -lt "$deadline" ] || { log "replica $r not ready in 60 s"; tail -20 "$dir/$r.log" >&2; return 1; }
    sleep 0.1
  done
}

replica_pid() { # the server's pid (under `ip netns exec` the recorded pid execs into it)
  cat "$dir/$1.pid" 2>/dev/null || true
}

kill_replica() {
  local pid; pid=$(replica_pid "$1")
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

netem() { # service spec...: tc netem on b's veth where the kernel has it, else the forwarder's own fault injection
  [ -f "$dir/netns" ] || { log "no network namespace here: netem is not available"; return 1; }
  local port dev="${ns}n"
  case "$1" in postgres) port=$(pg_port) ;; redis) port=$(redis_port) ;; s3) port=$(s3_port) ;; *) log "netem postgres|redis|s3"; return 2 ;; esac
  shift
  if [ -f "$dir/kernel-netem" ]; then
    ip netns exec "$ns" tc qdisc del dev "$dev" root 2>/dev/null || true
    ip netns exec "$ns" tc qdisc add dev "$dev" root handle 1: prio bands 4 priomap 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
    # shellcheck disable=SC2086
    ip netns exec "$ns" tc qdisc add dev "$dev" parent 1:4 handle 40: netem $*
    ip netns exec "$ns" tc filter add dev "$dev" parent 1: protocol ip prio 1 u32 match ip dport "$port" 0xffff flowid 1:4
  else
    case "$1 ${2:-}" in
      "delay "*) echo "delay ${2%ms}" ;;
      "loss 100%") echo drop ;;
      "loss "*) echo "loss ${2%\%}" ;;
      *) log "netem: delay MSms | loss PCT%"; return 2 ;;
    esac >"$dir/fault.$port.tmp"
    mv "$dir/fault.$port.tmp" "$dir/fault.$port"
    sleep 0.2 # the forwarder reads it every 100 ms
  fi
}

netem_clear() {
  [ -f "$dir/netns" ] || return 0
  ip netns exec "$ns" tc qdisc del dev "${ns}n" root 2>/dev/null || true
  rm -f "$dir"/fault.*
  sleep 0.2
}

stress() { # seconds
  if command -v stress-ng >/dev/null; then
    stress-ng --cpu "$(nproc)" --timeout "${1}s" --quiet || true
  else
    local pids=() i
    for i in $(seq 1 "$(nproc)"); do timeout "$1" sh -c 'while :; do :; done' & pids+=($!); done
    wait "${pids[@]}" 2>/dev/null || true
  fi
}

down() {
  for r in a b; do kill_replica "$r"; rm -f "$dir/$r.pid"; done
  [ -f "$dir/forward.pid" ] && { kill "$(cat "$dir/forward.pid")" 2>/dev/null || true; rm -f "$dir/forward.pid"; }
  if [ -f "$dir/netns" ]; then
    ip netns del "$ns" 2>/dev/null || true
    ip link del "${ns}h" 2>/dev/null || true
    rm -f "$dir/netns"
  fi
}

case "${1:-}" in
  up)
    [ -x "$server" ] || { log "no server binary at $server (dotnet publish src/Registry.Server -c Release -r linux-x64 -o artifacts/server)"; exit 1; }
    [ -x "$load" ] || { log "no driver at $load (dotnet build nbomber/Registry.Load -c Release)"; exit 1; }
    down
    for r in a b; do free_port >"$dir/$r.http"; free_port >"$dir/$r.binary"; done
    if [ "${CHAOS_NETNS:-1}" = 1 ] && netns_works; then setup_netns; else log "ip netns unavailable: b runs on loopback, no netem"; fi
    start_replica a; start_replica b
    log "replicas a=$(cat "$dir/a.endpoint") b=$(cat "$dir/b.endpoint")$([ -f "$dir/netns" ] && echo " (b in namespace $ns)")"
    ;;
  down) down ;;
  kill) kill_replica "$2" ;;
  start) start_replica "$2" ;;
  svc) REGISTRY_PG_PORT=$(pg_port) REGISTRY_REDIS_PORT=$(redis_port) REGISTRY_S3_PORT=$(s3_port) "$root/scripts/services.sh" "$2" "$3" ;;
  netem) shift; netem "$@" ;;
  netem-clear) netem_clear ;;
  stress) stress "$2" ;;
  has-netns) [ -f "$dir/netns" ] ;;
  env) echo "CHAOS_ENDPOINTS=$(cat "$dir/a.endpoint"),$(cat "$dir/b.endpoint")" ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
