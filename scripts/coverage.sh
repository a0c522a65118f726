#!/usr/bin/env bash
# Line and branch coverage of src/ from the test script's own test run (the suite is not run twice).
#
#   scripts/coverage.sh clean     delete the coverage files of an earlier run
#   scripts/coverage.sh args      print the test-application options that make coverlet (coverlet.MTP) collect
#                                 coverage of the src/ assemblies only into artifacts/coverage/raw (one option a
#                                 line, for mapfile)
#   scripts/coverage.sh report    merge the per-project files with ReportGenerator (a local tool of the repository,
#                                 dotnet-tools.json), print the per-project table, write it and the merged
#                                 Cobertura/HTML summary to artifacts/coverage/, and fail when line coverage of src/
#                                 is below the floor: max(85, the figure in scripts/coverage-floor.txt - 1), or
#                                 while the recorded figure is itself below 85, that figure - 1
#   scripts/coverage.sh record    the same, then write the measured line coverage to scripts/coverage-floor.txt
#
# The floor file holds the last recorded line coverage of src/ in percent. Raise it (`record`) when coverage rises;
# the gate then lets it fall by at most one point.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/artifacts/coverage"
# Every test application writes its Cobertura file here (coverage.cobertura.<timestamp>.xml, one per project).
raw="$out/raw"
floor_file="$root/scripts/coverage-floor.txt"
minimum=85

raw_files() { find "$raw" -name 'coverage.cobertura*.xml' 2>/dev/null; }

case "${1:-}" in
  clean)
    rm -rf "$out"
    ;;
  args)
    # Only the shipped assemblies (src/; the CLI's is named 'registry'): no test project, no shared test support, no benchmark or fuzz harness.
    # Code a generator wrote (regex, JSON contexts, logging) carries [GeneratedCode] and is left out.
    # One hit per location is all line and branch coverage need, and keeps the instrumented run close to a plain one.
    # (--results-directory=PATH in one word: after "--", dotnet test would take a separate PATH as its own argument.)
    printf '%s\n' "--results-directory=$raw" --coverlet --coverlet-output-format cobertura --coverlet-single-hit \
      --coverlet-include '[Registry.Protocol]*' --coverlet-include '[Registry.Schemas]*' \
      --coverlet-include '[Registry.Engine]*' --coverlet-include '[Registry.Server]*' \
      --coverlet-include '[Registry.Client]*' --coverlet-include '[registry]*' \
      --coverlet-exclude-by-attribute GeneratedCode --coverlet-exclude-by-attribute CompilerGenerated \
      --coverlet-exclude-by-attribute ExcludeFromCodeCoverage
    ;;
  report|record)
    mapfile -t files < <(raw_files)
    if [ ${#files[@]} -eq 0 ]; then
      echo "coverage: no coverage files in $raw (was the test run given 'scripts/coverage.sh args'?)"
      exit 1
    fi
    mkdir -p "$out"
    (cd "$root" && dotnet tool restore >/dev/null) || { echo "coverage: dotnet tool restore failed"; exit 1; }
    reports=$(IFS=';'; echo "${files[*]}")
    (cd "$root" && dotnet tool run reportgenerator -- "-reports:$reports" "-targetdir:$out" \
      "-reporttypes:TextSummary;JsonSummary;Cobertura;HtmlSummary;MarkdownSummary" \
      '-filefilters:-*.g.cs;-*/obj/*;-*Generator*' -verbosity:Warning) >"$out/reportgenerator.log" 2>&1 \
      || { tail -20 "$out/reportgenerator.log"; echo "coverage: ReportGenerator failed"; exit 1; }
    # The table: one line per src/ project, from the JSON summary.
    python3 - "$out/Summary.json" "$out/coverage-table.txt" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
rows = [("project", "lines covered", "line %", "branches covered", "branch %")]
for a in sorted(s["coverage"]["assemblies"], key=lambda a: a["name"]):
    rows.append(("Registry.Cli (registry)" if a["name"] == "registry" else a["name"], f'{a["coveredlines"]}/{a["coverablelines"]}', f'{a["coverage"]:.1f}',
                 f'{a.get("coveredbranches") or 0}/{a.get("totalbranches") or 0}', f'{a.get("branchcoverage") or 0:.1f}'))
t = s["summary"]
rows.append(("src/ (all)", f'{t["coveredlines"]}/{t["coverablelines"]}', f'{t["linecoverage"]:.1f}',
             f'{t.get("coveredbranches") or 0}/{t.get("totalbranches") or 0}', f'{t.get("branchcoverage") or 0:.1f}'))
w = [max(len(r[i]) for r in rows) for i in range(5)]
lines = ["  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(r)) for r in rows]
lines.insert(1, "-" * len(lines[0]))
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
    line=$(python3 -c 'import json,sys; print("%.1f" % json.load(open(sys.argv[1]))["summary"]["linecoverage"])' "$out/Summary.json")
    recorded=$([ -f "$floor_file" ] && tr -d ' \n' <"$floor_file")
    # Without a recorded figure the floor is the minimum. Until the recorded figure reaches the minimum, the floor is
    # that figure minus 1 (it only ratchets upwards); from then on max(minimum, recorded - 1).
    floor=$(python3 -c 'import sys; m = float(sys.argv[1]); r = float(sys.argv[2]) if sys.argv[2] else None; print("%.1f" % (m if r is None else max(m, r - 1) if r >= m else r - 1))' \
      "$minimum" "${recorded:-}")
    if [ -n "$recorded" ]; then
      echo "line coverage of src/: $line % (floor $floor %: the recorded $recorded % minus 1, and at least $minimum % once reached)"
    else
      echo "line coverage of src/: $line % (floor $floor %: no figure recorded in scripts/coverage-floor.txt)"
    fi
    echo "per-project table: $out/coverage-table.txt; merged report: $out/Cobertura.xml, $out/summary.html"
    if [ "$1" = record ]; then
      echo "$line" >"$floor_file"
      echo "recorded $line % in scripts/coverage-floor.txt"
      exit 0
    fi
    python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$line" "$floor" \
      || { echo "coverage: line coverage of src/ ($line %) is below the floor ($floor %)"; exit 1; }
    ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
