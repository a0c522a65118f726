#!/usr/bin/env bash
# The Confluent-compatible API driven from JavaScript by @kafkajs/confluent-schema-registry (pinned in
# package.json/package-lock.json). Installs node/npm when missing, installs the package, starts the registry on free
# loopback ports with a throw-away database (the AOT binary at artifacts/server/Registry.Server when present,
# otherwise a Release build run with dotnet), runs confluent.test.js with node's test runner, stops the server.
# Exits non-zero on any failure. scripts/test.sh runs it as one check.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

cd "$here"
# The package declares node >= 22; it runs on the node Debian ships (checked by these very tests).
npm ci --no-audit --no-fund --loglevel=error --engine-strict=false >/dev/null

work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
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

(cd "$work" && REGISTRY__LISTEN__HTTP=127.0.0.1:0 REGISTRY__LISTEN__BINARY=127.0.0.1:0 \
  REGISTRY__STORAGE__SQLITE__PATH="$work/registry.db" REGISTRY__LOGFORMAT=text \
  exec "${server[@]}") >"$work/server.log" 2>&1 &
pid=$!

# The server logs the ports it bound: "Registry ready: http=127.0.0.1:PORT binary=...".
url=
for _ in $(seq 1 600); do
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/server.log" >&2; echo "run.sh: the server exited" >&2; exit 1; fi
  endpoint=$(sed -n 's/.*Registry ready: http=\([^ ]*\).*/\1/p' "$work/server.log" | head -1)
  if [ -n "$endpoint" ]; then url="http://$endpoint"; break; fi
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/server.log" >&2; echo "run.sh: the server did not start" >&2; exit 1; }

echo "registry at $url ($(node --version))"
REGISTRY_URL="$url" node --test confluent.test.js
