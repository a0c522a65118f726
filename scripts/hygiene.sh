#!/usr/bin/env bash
# Hygiene gates of the repository (the test script runs both; each also runs alone).
#
#   scripts/hygiene.sh format   `dotnet format whitespace` (every C# file of the repository) and `dotnet format style`
#                               (the solution) with --verify-no-changes: fails listing what they would change. The
#                               analyzer rules are the build's (warnings are errors there). Fix with
#                               `dotnet format whitespace . --folder` and `dotnet format style SchemaRegistry.sln`.
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
  # Whitespace from the files alone (no project load: seconds), then the code-style rules, using-directive order and
  # naming rules of .editorconfig on the loaded solution. The analyzers' own rules are not run again here: the build
  # already fails on them (TreatWarningsAsErrors), and a full `dotnet format` repeats that work for minutes.
  local status=0
  if ! dotnet format whitespace . --folder --verify-no-changes -v quiet >"$out/format-whitespace.log" 2>&1; then
    grep -E "error|warning" "$out/format-whitespace.log" | sed "s|$root/||" | sort -u | head -40
    echo "format: whitespace differs from .editorconfig (fix: dotnet format whitespace . --folder; log: $out/format-whitespace.log)"
    status=1
  fi
  if ! dotnet format style SchemaRegistry.sln --verify-no-changes --no-restore -v quiet >"$out/format-style.log" 2>&1; then
    grep -E "error|warning" "$out/format-style.log" | sed "s|$root/||" | sort -u | head -40
    echo "format: code style, using order or naming differs from .editorconfig (fix: dotnet format style SchemaRegistry.sln; log: $out/format-style.log)"
    status=1
  fi
  [ $status -eq 0 ] && echo "format: no changes needed (whitespace and code style)"
  return $status
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
