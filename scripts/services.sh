#!/usr/bin/env bash
# Starts, on loopback and in throw-away data folders, the external services the integration tests use:
# PostgreSQL and Redis (Debian packages) and an S3-compatible server (s3rver, npm). Installs what is missing.
#
#   scripts/services.sh up             install if missing, stop leftovers, start all three fresh, wait until they answer
#   scripts/services.sh down           stop all three and delete their data
#   scripts/services.sh stop NAME      stop one service (postgres|redis|s3), keeping its data (fault tests)
#   scripts/services.sh start NAME     start one stopped service again on the same port and data
#   scripts/services.sh env            print the endpoint variables as shell exports
#
# After `up`, $REGISTRY_SERVICES_DIR/env.sh holds the exports. Ports can be changed with REGISTRY_PG_PORT,
# REGISTRY_REDIS_PORT and REGISTRY_S3_PORT; a port set there that is taken stops `up` with the name of the process
# holding it, a default port that is taken is replaced by the next free one (env.sh has the ports used). PostgreSQL runs with fsync=off (throw-away test data) unless
# REGISTRY_PG_FSYNC=on (benchmarks of durable commits). Works as root (PostgreSQL then runs as the `postgres` user).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
state=${REGISTRY_SERVICES_DIR:-/tmp/registry-services}
# Defaults lie below the kernel's ephemeral range (32768-60999 on Linux): a service stopped by a fault test frees its
# port, and a port in that range can meanwhile be handed to any socket bound to port 0 (a load driver's listener),
# so the restart would find it taken.
pg_port=${REGISTRY_PG_PORT:-25432}
redis_port=${REGISTRY_REDIS_PORT:-26379}
s3_port=${REGISTRY_S3_PORT:-24569}
# A port given in the environment is used or refused with the name of what holds it; a default port that is taken
# is replaced by the next free one (the chosen ports are in env.sh).
pg_port_fixed=${REGISTRY_PG_PORT:+1} redis_port_fixed=${REGISTRY_REDIS_PORT:+1} s3_port_fixed=${REGISTRY_S3_PORT:+1}
pg_fsync=${REGISTRY_PG_FSYNC:-off}

# `start`/`stop` of one service act on the ports `up` chose.
if [ "${1:-}" != up ] && [ -f "$state/ports.sh" ]; then
  # shellcheck disable=SC1091
  source "$state/ports.sh"
fi

log() { printf 'services: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

apt_install() {
  log "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && echo "$d"
}

install_missing() {
  local pkgs=()
  [ -n "$(pg_bin)" ] || pkgs+=(postgresql)
  command -v redis-server >/dev/null || pkgs+=(redis-server)
  command -v node >/dev/null || pkgs+=(nodejs npm)
  command -v curl >/dev/null || pkgs+=(curl)
  [ ${#pkgs[@]} -eq 0 ] || apt_install "${pkgs[@]}"
  if [ ! -x "$here/services/node_modules/.bin/s3rver" ]; then
    log "installing s3rver (npm)"
    (cd "$here/services" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

# Runs a command as the postgres user when we are root (initdb and postgres refuse to run as root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# What listens on a TCP port of this machine ("" when nothing does): the process name and pid when ss can tell.
port_holder() { # port
  local line
  # Only a listener that clashes with 127.0.0.1:port counts: loopback, or every address. One on another address with
  # the same number (the chaos forwarder on a namespace's veth address) does not stop a service binding loopback.
  line=$(ss -Hltnp "sport = :$1" 2>/dev/null | awk '$4 ~ /^(127\.0\.0\.1|0\.0\.0\.0|\*|\[::\]|\[::1\]|\[::ffff:127\.0\.0\.1\]):[0-9]+$/' | head -1)
  if [ -z "$line" ]; then
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && echo "an unknown process" || true
    return 0
  fi
  local who; who=$(echo "$line" | sed -n 's/.*users:((\("[^"]*",pid=[0-9]*\).*/\1/p' | tr -d '"' | sed 's/,pid=/ (pid /; s/$/)/')
  echo "${who:-a process of another user}"
}

# Sets the named port variable to a usable port: keeps it when free; when taken, refuses a port the caller chose
# (naming what holds it) or moves a default one to the next free port.
claim_port() { # service variable-name fixed
  local service=$1 var=$2 fixed=$3 port=${!2} holder
  holder=$(port_holder "$port")
  [ -n "$holder" ] || return 0
  if [ -n "$fixed" ]; then
    die "$service port $port is taken by $holder; stop it or choose another port ($(port_variable "$var"))"
  fi
  local candidate=$port
  while [ -n "$(port_holder "$candidate")" ]; do
    candidate=$((candidate + 1))
    [ "$candidate" -lt $((port + 100)) ] || die "$service: ports $port-$candidate are all taken; set $(port_variable "$var")"
  done
  log "$service default port $port is taken by $holder; using $candidate"
  printf -v "$var" '%s' "$candidate"
}

port_variable() { case $1 in pg_port) echo REGISTRY_PG_PORT ;; redis_port) echo REGISTRY_REDIS_PORT ;; *) echo REGISTRY_S3_PORT ;; esac; }

wait_until() { # name seconds command...
  local name=$1 seconds=$2; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$name did not answer within ${seconds}s (logs in $state)"
    sleep 0.2
  done
}

start_postgres() {
  local bin; bin=$(pg_bin) || die "PostgreSQL binaries not found"
  claim_port PostgreSQL pg_port "$pg_port_fixed"
  local data="$state/postgres/data"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$state/postgres"
    [ "$(id -u)" -ne 0 ] || chown postgres "$state/postgres"
    as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$state/postgres/initdb.log" 2>&1 \
      || die "initdb failed (see $state/postgres/initdb.log)"
  fi
  as_pg "$bin/pg_ctl" -D "$data" -l "$state/postgres/server.log" -w -t 60 \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $state/postgres -c fsync=$pg_fsync -c max_connections=300" start >/dev/null \
    || die "PostgreSQL did not start (see $state/postgres/server.log)"
  wait_until PostgreSQL 60 "$bin/pg_isready" -h 127.0.0.1 -p "$pg_port"
  log "PostgreSQL on 127.0.0.1:$pg_port"
}

stop_postgres() {
  local bin; bin=$(pg_bin) || return 0
  [ -f "$state/postgres/data/postmaster.pid" ] || return 0
  as_pg "$bin/pg_ctl" -D "$state/postgres/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

start_redis() {
  claim_port Redis redis_port "$redis_port_fixed"
  mkdir -p "$state/redis"
  redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --dir "$state/redis" \
    --pidfile "$state/redis/redis.pid" --logfile "$state/redis/redis.log" --save '' --appendonly no \
    || die "Redis did not start"
  wait_until Redis 30 redis-cli -h 127.0.0.1 -p "$redis_port" ping
  log "Redis on 127.0.0.1:$redis_port"
}

stop_pidfile() { # pidfile
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop_redis() { stop_pidfile "$state/redis/redis.pid"; }

start_s3() {
  claim_port "S3 server" s3_port "$s3_port_fixed"
  mkdir -p "$state/s3/data"
  nohup "$here/services/node_modules/.bin/s3rver" --directory "$state/s3/data" --address 127.0.0.1 --port "$s3_port" \
    --silent >"$state/s3/s3rver.log" 2>&1 &
  echo $! >"$state/s3/s3rver.pid"
  wait_until "S3 server" 30 curl -sf -o /dev/null "http://127.0.0.1:$s3_port/"
  log "S3 (s3rver) on http://127.0.0.1:$s3_port"
}

stop_s3() { stop_pidfile "$state/s3/s3rver.pid"; }

write_env() {
  printf 'pg_port=%s redis_port=%s s3_port=%s\n' "$pg_port" "$redis_port" "$s3_port" >"$state/ports.sh"
  cat >"$state/env.sh" <<ENV
export REGISTRY_PG_PORT=$pg_port REGISTRY_REDIS_PORT=$redis_port REGISTRY_S3_PORT=$s3_port
export REGISTRY_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50'
export REGISTRY_TEST_REDIS='127.0.0.1:$redis_port'
export REGISTRY_TEST_S3_URL='http://127.0.0.1:$s3_port'
export REGISTRY_TEST_S3_ACCESS_KEY='S3RVER'
export REGISTRY_TEST_S3_SECRET_KEY='S3RVER'
export REGISTRY_TEST_SERVICES_SCRIPT='$here/services.sh'
export REGISTRY_SERVICES_DIR='$state'
ENV
}

down() {
  stop_s3; stop_redis; stop_postgres
  rm -rf "$state"
}

case "${1:-}" in
  up)
    install_missing
    down
    mkdir -p "$state"
    start_postgres; start_redis; start_s3
    write_env
    log "endpoints written to $state/env.sh"
    ;;
  down) down; log "stopped" ;;
  stop)
    case "${2:-}" in postgres) stop_postgres ;; redis) stop_redis ;; s3) stop_s3 ;; *) die "stop postgres|redis|s3" ;; esac ;;
  start)
    case "${2:-}" in postgres) start_postgres ;; redis) start_redis ;; s3) start_s3 ;; *) die "start postgres|redis|s3" ;; esac ;;
  env) [ -f "$state/env.sh" ] || die "services are not up"; cat "$state/env.sh" ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
