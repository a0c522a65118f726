#!/usr/bin/env bash
# Publishes the `registry` CLI as one native-AOT binary and fails if the publish printed any trimming, AOT or
# compiler warning; then runs the binary once (`--version`, `compat --help`) to show that it starts.
# Usage: scripts/cli-aot.sh [RID]   (default linux-x64; output in artifacts/cli/<RID>/registry; needs clang and zlib1g-dev)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
rid=${1:-linux-x64}
out="$root/artifacts/cli/$rid"
log="$root/artifacts/test-logs/cli-aot-publish.log"
mkdir -p "$(dirname "$log")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! dotnet publish src/Registry.Cli -c Release -r "$rid" -o "$out" -nologo >"$log" 2>&1; then
  tail -30 "$log"
  echo "cli-aot: publish failed (see $log)" >&2
  exit 1
fi

if grep -E "warning (IL|IL3|CS|NU)[0-9]+" "$log" | grep -v NU1603 | grep -q .; then
  grep -E "warning (IL|IL3|CS|NU)[0-9]+" "$log" | sort -u | head -20
  echo "cli-aot: the native-AOT publish of the CLI has warnings (see $log)" >&2
  exit 1
fi

"$out/registry" --version >/dev/null || { echo "cli-aot: the published binary does not start" >&2; exit 1; }
"$out/registry" compat --help | grep -q "Exit codes:" || { echo "cli-aot: the published binary prints no help" >&2; exit 1; }
ls -l "$out/registry"
echo "cli-aot: $out/registry published without warnings"
