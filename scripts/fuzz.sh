#!/usr/bin/env bash
# Fuzzing of the registry's hostile-input surfaces with AFL++ through SharpFuzz (fuzz/Registry.Fuzz).
#
#   scripts/fuzz.sh list                  the targets
#   scripts/fuzz.sh build                 install afl++ if missing, publish the harness to artifacts/fuzz/bin and
#                                         instrument the assemblies under test (Registry.Protocol, Registry.Schemas, Registry.Server)
#   scripts/fuzz.sh replay [TARGET]       run every committed corpus input (seeds and past findings) once
#   scripts/fuzz.sh smoke TARGET [SECS]   replay the target's corpus, then fuzz it for SECS seconds (default 15);
#                                         fails on any crash or hang (what the test script runs for each target)
#   scripts/fuzz.sh TARGET SECONDS        a longer run; prints executions, paths, edge coverage and findings
#
# Findings land in artifacts/fuzz/TARGET/default/{crashes,hangs}; reproduce one with
#   dotnet artifacts/fuzz/plain/Registry.Fuzz.dll TARGET --replay FILE
# A finding is an exception the target does not document, a broken property (e.g. the validator's two paths
# disagreeing), a run over the time bound (FUZZ_TIMEOUT_MS, default 10000 ms: a hang) or over the memory bound
# (FUZZ_HEAP_LIMIT, the GC heap hard limit, default 0x20000000 = 512 MiB). Needs the build first (the test script
# and the long runs do it).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/artifacts/fuzz/bin"
harness="$bin/Registry.Fuzz.dll"
# The instrumented assemblies write to afl-fuzz's shared memory, which only exists under afl-fuzz: replays outside it
# run an uninstrumented copy of the harness.
plain="$root/artifacts/fuzz/plain/Registry.Fuzz.dll"
timeout_ms=${FUZZ_TIMEOUT_MS:-10000}
export DOTNET_GCHeapHardLimit=${FUZZ_HEAP_LIMIT:-0x20000000}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# afl-fuzz on a shared machine, driving a managed host it cannot see instrumented: no CPU pinning, no UI.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_FAST_CAL=1 \
  AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_CRASH_README=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

targets() { dotnet "$plain" --list; }

build() {
  if ! command -v afl-fuzz >/dev/null; then
    echo "fuzz: installing afl++ (Debian)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ >/dev/null \
      || { echo "fuzz: apt-get install afl++ failed"; return 1; }
  fi
  (cd "$root" && dotnet tool restore >/dev/null) || { echo "fuzz: dotnet tool restore failed"; return 1; }
  rm -rf "$bin" && mkdir -p "$root/artifacts/fuzz"
  dotnet publish "$root/fuzz/Registry.Fuzz" -c Release -o "$bin" -nologo -clp:ErrorsOnly >"$root/artifacts/fuzz/build.log" 2>&1 \
    || { tail -20 "$root/artifacts/fuzz/build.log"; echo "fuzz: build failed"; return 1; }
  rm -rf "$(dirname "$plain")" && cp -r "$bin" "$(dirname "$plain")"
  local dll
  for dll in Registry.Protocol.dll Registry.Schemas.dll Registry.Server.dll; do
    (cd "$root" && dotnet tool run sharpfuzz -- "$bin/$dll") >/dev/null || { echo "fuzz: instrumenting $dll failed"; return 1; }
  done
  echo "fuzz: harness built and instrumented in $bin"
}

replay() { # [target]
  local t status=0
  for t in ${1:-$(targets)}; do
    printf '%s: ' "$t"
    dotnet "$plain" "$t" --replay "$root/fuzz/corpus/$t" || status=1
  done
  return $status
}

stats() { # target: the figures of the last run
  local s="$root/artifacts/fuzz/$1/default/fuzzer_stats"
  [ -f "$s" ] || { echo "fuzz: no statistics for $1 (afl-fuzz did not start?)"; return 1; }
  awk -F' *: *' -v t="$1" '
    { v[$1] = $2 }
    END { printf "%s: %s executions in %s s (%s/s), %s paths (corpus), edge coverage %s, %s crashes, %s hangs\n",
          t, v["execs_done"], v["run_time"], v["execs_per_sec"], v["corpus_count"], v["bitmap_cvg"],
          v["saved_crashes"], v["saved_hangs"] }' "$s"
}

run() { # target seconds
  local t=$1 secs=$2 out="$root/artifacts/fuzz/$1"
  [ -f "$harness" ] || { echo "fuzz: run 'scripts/fuzz.sh build' first"; return 1; }
  [ -d "$root/fuzz/corpus/$t" ] || { echo "fuzz: no corpus folder fuzz/corpus/$t"; return 1; }
  rm -rf "$out" && mkdir -p "$out"
  afl-fuzz -i "$root/fuzz/corpus/$t" -o "$out" -t "$timeout_ms" -m none -V "$secs" -- dotnet "$harness" "$t" \
    >"$out/afl.log" 2>&1
  local rc=$?
  if [ $rc -ne 0 ] && [ ! -f "$out/default/fuzzer_stats" ]; then
    tail -25 "$out/afl.log"; echo "fuzz: afl-fuzz failed for $t"; return 1
  fi
  stats "$t" | tee "$out/summary.txt"
  local found
  found=$(find "$out/default/crashes" "$out/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
  if [ "$found" -gt 0 ]; then
    echo "fuzz: $found finding(s) for $t in $out/default/{crashes,hangs}; the first one:"
    local first; first=$(find "$out/default/crashes" "$out/default/hangs" -type f -name 'id:*' | head -1)
    timeout 60 dotnet "$plain" "$t" --replay "$first" 2>&1 | head -15
    return 1
  fi
}

case "${1:-}" in
  list) targets ;;
  build) build ;;
  replay) replay "${2:-}" ;;
  smoke)
    [ -n "${2:-}" ] || { echo "fuzz: smoke TARGET [SECONDS]"; exit 2; }
    replay "$2" && run "$2" "${3:-15}" ;;
  ''|-h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  *)
    [ -n "${2:-}" ] || { echo "fuzz: TARGET SECONDS"; exit 2; }
    run "$1" "$2" ;;
esac
