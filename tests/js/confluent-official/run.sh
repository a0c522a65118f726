#!/usr/bin/env bash
# The Confluent-compatible API driven from JavaScript by Confluent's own client, @confluentinc/schemaregistry (pinned
# in package.json/package-lock.json), with its JSON serializer and deserializer. Installs node/npm when missing,
# installs the package, starts two registries on free loopback ports with throw-away databases (the AOT binary at
# artifacts/server/Registry.Server when present, otherwise a Release build run with dotnet): one open, one with
# security on and a configured admin key. Runs core.test.js against the first and auth.test.js against the second
# with node's test runner, stops both. Exits non-zero on any failure. scripts/test.sh runs it as one check.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

bin="$root/artifacts/server/Registry.Server"
if [ -x "$bin" ]; then
  server=("$bin")
else
  dotnet build "$root/src/Registry.Server" -c Release -nologo -clp:ErrorsOnly >/dev/null
  server=(dotnet "$root/src/Registry.Server/bin/Release/net10.0/Registry.Server.dll")
fi

# start NAME [VAR=value...]: starts a registry in $work/NAME with the extra settings and sets $url to its HTTP address
# from the line it logs once bound: "Registry ready: http=127.0.0.1:PORT binary=...".
start() {
  local name=$1 dir="$work/$1" pid endpoint
  shift
  mkdir -p "$dir"
  : >"$dir/server.log"
  (cd "$dir" && exec env REGISTRY__LISTEN__HTTP=127.0.0.1:0 REGISTRY__LISTEN__BINARY=127.0.0.1:0 \
    REGISTRY__STORAGE__SQLITE__PATH="$dir/registry.db" REGISTRY__LOGFORMAT=text "$@" "${server[@]}") >"$dir/server.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  url=
  for _ in $(seq 1 600); do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$dir/server.log" >&2; echo "run.sh: the $name server exited" >&2; exit 1; fi
    endpoint=$(sed -n 's/.*Registry ready: http=\([^ ]*\).*/\1/p' "$dir/server.log" | head -1)
    if [ -n "$endpoint" ]; then url="http://$endpoint"; return; fi
    sleep 0.1
  done
  cat "$dir/server.log" >&2; echo "run.sh: the $name server did not start" >&2; exit 1
}

# A throw-away admin key for the secured registry (rk_ + 16 hex digits, '.', a secret of 16 to 256 characters).
admin_key="rk_0c0c0c0c0c0c0c0c.$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

start open
open_url=$url
start secured REGISTRY__SECURITY__ENABLED=true REGISTRY__SECURITY__BOOTSTRAPADMINKEY="$admin_key" \
  REGISTRY__SECURITY__RATELIMIT__FAILEDAUTHENTICATIONSPERMINUTE=0
secured_url=$url

echo "registries at $open_url and $secured_url ($(node --version))"
REGISTRY_URL="$open_url" SECURED_REGISTRY_URL="$secured_url" REGISTRY_ADMIN_KEY="$admin_key" \
  node --test core.test.js auth.test.js
