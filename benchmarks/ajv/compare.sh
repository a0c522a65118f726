#!/usr/bin/env bash
# Runs the registry's validator, ajv, NJsonSchema and JsonSchema.Net over the same corpus in one run and prints the ratios of their
# total warm times (parsing included on every side).
# Usage: benchmarks/ajv/compare.sh [DIR] [--format-assertion]     (DIR defaults to ../shared/validation-corpus)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${1:-$root/../shared/validation-corpus}
shift || true
extra=("$@")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

[ -d "$here/node_modules/ajv" ] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
dotnet build -c Release "$root/benchmarks/Registry.Benchmarks" -nologo -v q >/dev/null
bench() { dotnet run -c Release --no-build --project "$root/benchmarks/Registry.Benchmarks" -- corpus "$dir" "$@"; }

echo "== registry"; bench "${extra[@]}" | tee "$out/registry.csv"
echo "== ajv"; node "$here/corpus.js" "$dir" "${extra[@]}" | tee "$out/ajv.csv"
echo "== njsonschema (asserts formats; schemas it cannot load or evaluate are skipped)"
bench --engine njsonschema --passes 3 2>&1 | tee "$out/njsonschema.csv"
echo "== jsonschemanet (JsonSchema.Net 8; schemas it cannot build or evaluate are skipped)"
bench --engine jsonschemanet --passes 3 "${extra[@]}" 2>&1 | tee "$out/jsonschemanet.csv"

total() { grep '^TOTAL_WARM_NS,' "$1" | cut -d, -f2; }
# Sum of warm times over the schemas present in both files (NJsonSchema skips some).
subset() { awk -F, 'NR==FNR { if ($1 != "name" && $1 != "TOTAL_WARM_NS" && NF == 6) keep[$1] = 1; next }
                   ($1 in keep) { sum += $5 } END { print sum + 0 }' "$1" "$2"; }
echo "== ratios"
awk -v r="$(total "$out/registry.csv")" -v a="$(total "$out/ajv.csv")" \
  'BEGIN { printf "registry/ajv total warm time: %.3f (registry %.0f ns, ajv %.0f ns)\n", r / a, r, a }'
awk -v n="$(total "$out/njsonschema.csv")" -v r="$(subset "$out/njsonschema.csv" "$out/registry.csv")" \
  'BEGIN { printf "njsonschema/registry on the schemas NJsonSchema handles: %.1fx (njsonschema %.0f ns, registry %.0f ns)\n", n / r, n, r }'
awk -v n="$(total "$out/jsonschemanet.csv")" -v r="$(subset "$out/jsonschemanet.csv" "$out/registry.csv")" \
  'BEGIN { printf "jsonschemanet/registry on the schemas JsonSchema.Net handles: %.1fx (jsonschemanet %.0f ns, registry %.0f ns)\n", n / r, n, r }'
