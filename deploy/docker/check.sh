#!/usr/bin/env bash
# What can be checked of the container image without a Docker engine: runs the Dockerfile's build steps
# (deploy/docker/build.sh) on this machine, lays the result out as the image's /app, and starts it as the container
# would: as user 1654 (when run as root), from a read-only /app, with no writable temp folder, /data as the only
# writable folder, on free loopback ports. Then the image's health check (`registry health`), a registration and a
# read through the image's CLI, a check that nothing was written outside /data, and SIGTERM, after which the server
# must exit with code 0. Prints "N passed, N failed".
# Usage: deploy/docker/check.sh
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
image=$(mktemp -d /tmp/registry-image.XXXXXX)
data=$(mktemp -d /tmp/registry-data.XXXXXX)
log="$root/artifacts/test-logs/image-check.log"
mkdir -p "$(dirname "$log")"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  chmod -R u+w "$image" 2>/dev/null
  rm -rf "$image" "$data"
}
trap cleanup EXIT

passed=0 failed=0
check() { # name command...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

echo "== build steps of the Dockerfile (deploy/docker/build.sh)"
if ! "$root/deploy/docker/build.sh" "$image/app" >"$log" 2>&1; then
  tail -30 "$log"
  echo "0 passed, 1 failed"
  exit 1
fi
chmod 755 "$image"
chmod -R a-w "$image/app"
touch "$image/.before"

run_as=()
if [ "$(id -u)" -eq 0 ]; then
  chown 1654:1654 "$data"
  run_as=(setpriv --reuid=1654 --regid=1654 --clear-groups)
fi
read -r http_port binary_port < <(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
server="http://127.0.0.1:$http_port"
cli="$image/app/registry"

user=$(id -u)
[ ${#run_as[@]} -gt 0 ] && user=1654
echo "== start as the container would (user $user, read-only /app, port $http_port/$binary_port)"
env -i -C "$image/app" PATH=/usr/bin:/bin HOME=/nonexistent TMPDIR=/nonexistent \
  REGISTRY__LISTEN__HTTP="127.0.0.1:$http_port" REGISTRY__LISTEN__BINARY="127.0.0.1:$binary_port" \
  REGISTRY__STORAGE__SQLITE__PATH="$data/registry.db" DOTNET_EnableDiagnostics=0 \
  "${run_as[@]}" "$image/app/Registry.Server" >>"$log" 2>&1 &
pid=$!

healthy() {
  for _ in $(seq 1 60); do
    "$cli" health --server "$server" --timeout 2 >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}
check "health check (registry health) answers" healthy

schema="$data/person.json"
printf '%s' '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}' >"$schema"
registers() { "$cli" schemas register image.check "$schema" --server "$server" | grep -q "registered image.check version 1"; }
check "a schema registers through the image's CLI" registers
binary_reads() { "$cli" versions show image.check 1 --binary --server "127.0.0.1:$binary_port" --json | grep -q '"state": "ACTIVE"'; }
check "the binary listener answers" binary_reads
data_written() { [ -s "$data/registry.db" ]; }
check "the SQLite store is written under /data" data_written
read_only() { [ -z "$(find "$image" -newer "$image/.before" -print -quit)" ]; }
check "nothing is written to /app" read_only

stops() {
  kill -TERM "$pid"
  wait "$pid"
  local code=$?
  pid=
  [ "$code" -eq 0 ]
}
check "SIGTERM stops the server with exit code 0" stops

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
