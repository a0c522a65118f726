#!/usr/bin/env bash
# Hygiene gates of the repository (the test script runs both; each also runs alone).
#
#   scripts/hygiene.sh format   `dotnet format --verify-no-changes` on the solution: whitespace, and the code-style and
#                               analyzer rules at the severity the build already enforces. Fails listing the files it
#                               would change; `dotnet format SchemaRegistry.sln` fixes them.
#   scripts/hygiene.sh audit    `dotnet list package --vulnerable --include-transitive` on the solution: fails on a
#                               package with a high or critical advisory, prints lower ones. When the advisory data
#                               cannot be fetched (no network to the feed) it says so and exits 3 (not checked), which
#                               the test script counts as skipped, not failed.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out="$root/artifacts/hygiene"
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

format() {
  if dotnet format SchemaRegistry.sln --verify-no-changes --no-restore -v quiet >"$out/format.log" 2>&1; then
    echo "format: no changes needed"
    return 0
  fi
  grep -E "error|warning" "$out/format.log" | sed "s|$root/||" | sort -u | head -40
  echo "format: files need formatting (run 'dotnet format SchemaRegistry.sln'; full output in $out/format.log)"
  return 1
}

audit() {
  # Bounded: a feed that does not answer (a dropped connection rather than a refused one) must not stall the gate.
  timeout 300 dotnet list SchemaRegistry.sln package --vulnerable --include-transitive --format json >"$out/vulnerable.json" 2>"$out/vulnerable.err"
  local rc=$?
  if [ $rc -eq 124 ]; then
    echo "audit: NOT CHECKED: the package feed did not answer within 300 s (no network?)"
    return 3
  fi
  if [ $rc -ne 0 ] || ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out/vulnerable.json" 2>/dev/null; then
    if grep -qiE "service index|unable to load|name or service not known|connection refused|timed out|network" "$out/vulnerable.err" "$out/vulnerable.json" 2>/dev/null; then
      echo "audit: NOT CHECKED: the advisory data could not be fetched from the package feed (no network?):"
      grep -hiE "error|unable|refused|not known|timed out" "$out/vulnerable.err" "$out/vulnerable.json" 2>/dev/null | head -3
      return 3
    fi
    cat "$out/vulnerable.err" | head -20
    echo "audit: dotnet list package failed (exit $rc)"
    return 1
  fi
  python3 - "$out/vulnerable.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
problems = [p for p in data.get("problems", []) if p.get("level") == "error"]
for p in problems:
    print(f"audit: problem: {p.get('text')}")
found = {}
for project in data.get("projects", []):
    for framework in project.get("frameworks", []):
        for kind in ("topLevelPackages", "transitivePackages"):
            for package in framework.get(kind, []):
                for v in package.get("vulnerabilities", []):
                    key = (package["id"], package.get("resolvedVersion"), v.get("severity"), v.get("advisoryurl"))
                    found.setdefault(key, set()).add(project["path"].rsplit("/", 1)[-1])
bad = 0
for (pid, version, severity, url), projects in sorted(found.items()):
    print(f"audit: {severity}: {pid} {version} ({url}) in {', '.join(sorted(projects))}")
    bad += severity in ("High", "Critical")
if problems:
    print("audit: the audit reported errors (see above)")
    sys.exit(3)
print(f"audit: {len(found)} advisories, {bad} high or critical")
sys.exit(1 if bad else 0)
PY
}

case "${1:-}" in
  format) format ;;
  audit) audit ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
