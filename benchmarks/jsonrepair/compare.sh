#!/usr/bin/env bash
# The registry's model-output path (extract + repair + validate) beside jsonrepair (npm) + JSON.parse + ajv on the same
# 2 KB outputs in one run, then the registry's streaming validation throughput. Needs node and npm; installs the pinned
# packages of package-lock.json from the npm registry on first use (not needed by the test suite).
# Usage: benchmarks/jsonrepair/compare.sh [SECONDS]     (time per measurement, default 1)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

[ -d "$here/node_modules/jsonrepair" ] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
dotnet build -c Release "$root/benchmarks/Registry.Benchmarks" -nologo -v q >/dev/null

echo "== registry"
dotnet run -c Release --no-build --project "$root/benchmarks/Registry.Benchmarks" -- output --seconds "$seconds" | tee "$out/registry.csv"
echo "== jsonrepair + JSON.parse + ajv (node $(node --version))"
node "$here/compare.js" --seconds "$seconds" | tee "$out/jsonrepair.csv"

echo "== ratios (registry time / jsonrepair time, per output)"
awk -F, 'NR==FNR { if ($1 == "check") { t[$2] = $3; v[$2] = $4 } next }
         $1 == "check" && ($2 in t) { printf "%-10s registry %8.1f us (%s)   jsonrepair %8.1f us (%s)   ratio %.2f\n",
                                      $2, t[$2] / 1000, v[$2], $3 / 1000, $4, t[$2] / $3 }' "$out/registry.csv" "$out/jsonrepair.csv"
