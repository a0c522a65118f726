#!/usr/bin/env bash
# Installs what the tests need, starts PostgreSQL, Redis and the S3 server on loopback, builds everything,
# checks that the native-AOT publish of the server has no trimming/AOT warnings, runs every test project and
# every script-driven test, stops the services, and prints one summary line: "N passed, N failed[, N skipped]".
# Exits non-zero on any failure. Works on a bare Debian machine with the .NET SDK, as root, with no stdin.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export REGISTRY_SERVICES_DIR=${REGISTRY_SERVICES_DIR:-$(mktemp -d /tmp/registry-services.XXXXXX)}
logs="$root/artifacts/test-logs"
mkdir -p "$logs" && rm -f "$logs/dotnet-test.log"

passed=0 failed=0 skipped=0
step() { printf '\n== %s\n' "$*"; }
check() { # name command... : a script-level check counted in the summary
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "check passed: $name"; else failed=$((failed + 1)); echo "check FAILED: $name"; fi
}
finish() {
  "$root/scripts/services.sh" down >/dev/null 2>&1 || true
  if [ -s "${logs:-/nonexistent}/dotnet-test.log" ] && grep -qE '^\s*failed [A-Za-z_]' "$logs/dotnet-test.log"; then
    echo
    echo "== failed tests (first lines of each; the whole run is in $logs/dotnet-test.log)"
    grep -vE '^\s*\{"Timestamp"' "$logs/dotnet-test.log" | grep -E -A12 '^\s*failed [A-Za-z_]' | head -150
  fi
  local line="$passed passed, $failed failed"
  [ "$skipped" -eq 0 ] || line="$line, $skipped skipped"
  echo
  echo "$line"
  [ "$failed" -eq 0 ] && [ "${fatal:-0}" -eq 0 ]
}
fatal=0
abort() { echo "test.sh: $*" >&2; failed=$((failed + 1)); fatal=1; finish; exit 1; }

command -v dotnet >/dev/null || abort "the .NET SDK (dotnet) is not on PATH"

step "install"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
need=()
command -v clang >/dev/null || need+=(clang)              # native AOT links with clang
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)  # and against zlib
command -v curl >/dev/null || need+=(curl)
command -v node >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || abort "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || abort "apt-get install ${need[*]} failed"
fi

step "services"
"$root/scripts/services.sh" up || abort "services did not start"
# shellcheck disable=SC1091
source "$REGISTRY_SERVICES_DIR/env.sh"
trap '"$root/scripts/services.sh" down >/dev/null 2>&1 || true' EXIT

step "build"
dotnet build SchemaRegistry.sln -c Release -nologo -clp:ErrorsOnly 2>&1 | tee "$logs/build.log" | tail -40
[ "${PIPESTATUS[0]}" -eq 0 ] || abort "build failed (see $logs/build.log)"

step "native AOT publish of the server (must be free of trimming/AOT warnings)"
aot_publish() {
  dotnet publish src/Registry.Server -c Release -r linux-x64 -o "$root/artifacts/server" -nologo >"$logs/aot-publish.log" 2>&1 \
    || { tail -30 "$logs/aot-publish.log"; return 1; }
  if grep -E "warning (IL|IL3|CS|NU)[0-9]+" "$logs/aot-publish.log" | grep -v NU1603 | grep -q .; then
    grep -E "warning (IL|IL3|CS|NU)[0-9]+" "$logs/aot-publish.log" | sort -u | head -20
    return 1
  fi
  ls -l "$root/artifacts/server/Registry.Server"
}
check "aot-publish-without-warnings" aot_publish
check "cli-aot-publish-without-warnings" "$root/scripts/cli-aot.sh"

# The CLI as a .NET tool: packed, installed from the package alone (into a scratch directory), and run.
cli_tool() {
  local tools; tools=$(mktemp -d)
  dotnet pack src/Registry.Cli -c Release --no-build -o "$tools/packages" -nologo >"$logs/cli-pack.log" 2>&1 \
    || { tail -20 "$logs/cli-pack.log"; rm -rf "$tools"; return 1; }
  dotnet tool install Registry.Cli --tool-path "$tools/bin" --add-source "$tools/packages" >>"$logs/cli-pack.log" 2>&1 \
    && "$tools/bin/registry" --help | grep -q "registry \[command\]" \
    && echo '{"type":"string"}' >"$tools/s.json" && echo '"ok"' >"$tools/d.json" \
    && "$tools/bin/registry" validate --schema "$tools/s.json" "$tools/d.json" >/dev/null
  local rc=$?
  [ $rc -eq 0 ] || tail -20 "$logs/cli-pack.log"
  rm -rf "$tools"
  return $rc
}
check "cli-dotnet-tool-installs-and-runs" cli_tool

step "test projects"
# Coverage of src/ is collected in this same run (scripts/coverage.sh) and checked after it.
"$root/scripts/coverage.sh" clean; mapfile -t coverage_args < <("$root/scripts/coverage.sh" args)
dotnet test --solution SchemaRegistry.sln -c Release --no-build -- --filter-not-trait "Category=OnDemand" "${coverage_args[@]}" 2>&1 | tee "$logs/dotnet-test.log" | grep -vE '^\s*$|^\s*\{"Timestamp"' | tail -40
summary=$(sed -n '/Test run summary/,$p' "$logs/dotnet-test.log")
t_failed=$(echo "$summary" | sed -n 's/^ *failed: *\([0-9]*\).*/\1/p' | tail -1)
t_passed=$(echo "$summary" | sed -n 's/^ *succeeded: *\([0-9]*\).*/\1/p' | tail -1)
t_skipped=$(echo "$summary" | sed -n 's/^ *skipped: *\([0-9]*\).*/\1/p' | tail -1)
if [ -z "$t_passed" ] || [ -z "$t_failed" ]; then
  abort "dotnet test printed no summary (see $logs/dotnet-test.log)"
fi
passed=$((passed + t_passed)); failed=$((failed + t_failed)); skipped=$((skipped + ${t_skipped:-0}))
if [ "$t_failed" -eq 0 ] && ! grep -q "Test run summary: Passed" "$logs/dotnet-test.log"; then
  echo "dotnet test reported no failed test but did not pass (see $logs/dotnet-test.log)"
  failed=$((failed + 1))
fi

step "coverage of src/ (table in artifacts/coverage/)"
check "coverage-floor" "$root/scripts/coverage.sh" report

step "fuzzing: the committed corpus and a short run of each target (scripts/fuzz.sh)"
if "$root/scripts/fuzz.sh" build; then
  for target in $("$root/scripts/fuzz.sh" list); do check "fuzz-$target" "$root/scripts/fuzz.sh" smoke "$target" 10; done
else
  check "fuzz-build" false
fi

step "hygiene: formatting and vulnerable packages (scripts/hygiene.sh)"
check "format" "$root/scripts/hygiene.sh" format
"$root/scripts/hygiene.sh" audit; case $? in
  0) passed=$((passed + 1)); echo "check passed: package-audit" ;;
  3) skipped=$((skipped + 1)); echo "check SKIPPED: package-audit (advisory data unavailable)" ;;
  *) failed=$((failed + 1)); echo "check FAILED: package-audit" ;;
esac

for js in tests/js/*/run.sh; do
  [ -x "$js" ] || continue
  step "script tests: $js"
  check "$(basename "$(dirname "$js")")" "$js"
done

step "chaos and load smoke (chaos/smoke.sh)"
smoke=$("$root/chaos/smoke.sh" 2>&1 | tee "$logs/smoke.log" | grep -E '^(PASS|FAIL|smoke:)')
echo "$smoke"
passed=$((passed + $(grep -c '^PASS' <<<"$smoke"))); failed=$((failed + $(grep -c '^FAIL' <<<"$smoke")))
grep -q '^smoke: ' <<<"$smoke" || failed=$((failed + 1))

finish
