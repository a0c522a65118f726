#!/usr/bin/env bash
# Builds what the container image holds, into OUT_DIR: the native-AOT server (Registry.Server) with its
# appsettings.json and the native libraries it loads (libe_sqlite3.so), and the native-AOT `registry` CLI (the
# image's health check). The Dockerfile runs exactly this script; deploy/docker/check.sh runs it on this machine and
# starts the result as the container would.
# Usage: deploy/docker/build.sh OUT_DIR   (RID=linux-arm64 for another architecture; needs clang and zlib1g-dev)
set -euo pipefail

out=${1:?usage: build.sh OUT_DIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rid=${RID:-linux-x64}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet publish "$root/src/Registry.Server" -c Release -r "$rid" -o "$work/server" -nologo
dotnet publish "$root/src/Registry.Cli" -c Release -r "$rid" -o "$work/cli" -nologo

mkdir -p "$out"
install -m 0555 "$work/server/Registry.Server" "$out/Registry.Server"
# The native libraries the server loads at run time beside its binary (libe_sqlite3.so: SQLite is not linked in).
for library in "$work/server"/*.so; do
  [ -e "$library" ] && install -m 0555 "$library" "$out/$(basename "$library")"
done
install -m 0444 "$work/server/appsettings.json" "$out/appsettings.json"
install -m 0555 "$work/cli/registry" "$out/registry"
ls -l "$out"
