#!/usr/bin/env bash
# Issue 13, findings 3 and 4: the hostile-pattern cases, each in its own process.
#   benchmarks/regex-limits.sh                 # this checkout
#   benchmarks/regex-limits.sh OLD/Registry.Schemas.dll   # the same cases against another build of the schema library
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build benchmarks/Registry.Benchmarks -c Release -v quiet -nologo >/dev/null
bin=benchmarks/Registry.Benchmarks/bin/Release/net10.0
if [ $# -ge 1 ]; then
  other=$(mktemp -d)
  cp -r "$bin"/. "$other"/
  cp "$1" "$other"/Registry.Schemas.dll
  bin=$other
fi
echo "case,compiled,compile_ms,validate_ms,outcome,retained_mb,peak_ws_mb,message"
for c in repeat-2000 repeat-32 alternation-900k alternation-64k; do
  dotnet "$bin"/Registry.Benchmarks.dll regex-limits "$c"
done
