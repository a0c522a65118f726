#!/usr/bin/env bash
# Backup and restore of a large registry through the server (GET /v1/export, POST /v1/import) on the embedded store:
# time and the server process's peak resident memory (VmHWM) for each, one fresh server process per operation.
#   1. writes a backup of N schemas (N subjects with one version each, metadata on every tenth) straight in the format
#      of docs/backup.md, and restores it into an empty server (this fills the registry; measured too),
#   2. restarts that server on its data and exports it (measured),
#   3. restores the export into another empty server (measured) and checks its counts.
# Usage: benchmarks/backup.sh [schemas]   (default 100000; uses artifacts/server/Registry.Server when published,
# else the Release build of src/Registry.Server, building it if missing). Needs curl and python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
schemas=${1:-100000}
port=${REGISTRY_BENCH_PORT:-18591}
if [ -x "$root/artifacts/server/Registry.Server" ]; then
  server=("$root/artifacts/server/Registry.Server"); kind="native AOT"
else
  dll="$root/src/Registry.Server/bin/Release/net10.0/Registry.Server.dll"
  [ -f "$dll" ] || dotnet build "$root/src/Registry.Server" -c Release -nologo >/dev/null
  server=(dotnet "$dll"); kind="JIT (dotnet Registry.Server.dll)"
fi
work=$(mktemp -d)
pid=
stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
cleanup() { stop; rm -rf "$work"; }
trap cleanup EXIT

start() { # $1: database file
  (cd "$work" && REGISTRY__LISTEN__HTTP=127.0.0.1:$port REGISTRY__LISTEN__BINARY=127.0.0.1:$((port + 1)) \
    REGISTRY__STORAGE__SQLITE__PATH="$1" Logging__LogLevel__Default=Warning exec "${server[@]}") >>"$work/server.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do sleep 0.1; done
}
peak() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
now() { date +%s.%N; }

python3 - "$schemas" "$work/generated.jsonl" <<'PY'
import hashlib, json, sys
n, path = int(sys.argv[1]), sys.argv[2]
names = ["schemas", "subjects", "versions", "config"]
t = "2026-03-01T12:00:00+00:00"
def line(obj): return (json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
with open(path, "wb") as f:
    header = line({"format": "llm-schema-registry-backup", "format_version": 1, "created_at": t, "sections": names,
                   "counts": {"schemas": n, "subjects": n, "versions": n, "config": 1}})
    f.write(header)
    manifest = []
    def section(name, records):
        h = hashlib.sha256(); count = 0
        for b in [line({"section": name})] + [line(r) for r in records]:
            h.update(b); f.write(b)
        manifest.append({"name": name, "records": len(records), "sha256": h.hexdigest()})
    schema = lambda i: json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"tool {i}", "type": "object",
        "properties": {"query": {"type": "string", "maxLength": 1000 + i}, "limit": {"type": "integer", "minimum": 1, "maximum": 100},
                       "filters": {"type": "array", "items": {"type": "string"}}}, "required": ["query"], "additionalProperties": False},
        separators=(",", ":"))
    section("schemas", [{"id": i, "schema_type": "JSON", "schema": schema(i), "created_at": t} for i in range(1, n + 1)])
    section("subjects", sorted(({"subject": f"tools.t{i:07d}", "next_version": 2, "created_at": t} for i in range(1, n + 1)), key=lambda r: r["subject"]))
    versions = []
    for i in range(1, n + 1):
        v = {"subject": f"tools.t{i:07d}", "version": 1, "schema_id": i, "state": "ACTIVE", "deleted": False, "created_at": t, "updated_at": t}
        if i % 10 == 0:
            v["metadata"] = {"owner": "team-search", "tags": ["llm", "tool"], "properties": {"tier": "1"}}
        versions.append(v)
    section("versions", versions)
    section("config", [{"compatibility": "BACKWARD"}])
    f.write(line({"manifest": {"format_version": 1, "header_sha256": hashlib.sha256(header).hexdigest(), "sections": manifest}}))
PY

measure() { # $1: label, then the command; prints seconds and the server's peak RSS
  local t0 t1
  t0=$(now); "${@:2}"; t1=$(now)
  printf '%-34s %8.1f s   server peak RSS %5s MiB\n' "$1" "$(awk "BEGIN {print $t1 - $t0}")" "$(peak)"
}
import() { curl -sf -o "$work/answer.json" -H 'content-type: application/x-ndjson' -T "$1" -X POST "http://127.0.0.1:$port/v1/import"; }
export_to() { curl -sf -o "$1" "http://127.0.0.1:$port/v1/export"; }

echo "backup and restore of $schemas schemas ($kind server, embedded SQLite store, $(nproc) CPUs)"
printf 'generated backup: %s MiB\n' "$(( $(stat -c %s "$work/generated.jsonl") / 1048576 ))"
start "$work/a.db"; printf '%-34s %8s     server idle RSS %5s MiB\n' "fresh server" "" "$(peak)"
measure "restore (POST /v1/import)" import "$work/generated.jsonl"; stop
start "$work/a.db"
measure "backup (GET /v1/export)" export_to "$work/export.jsonl"; stop
printf 'backup file: %s MiB\n' "$(( $(stat -c %s "$work/export.jsonl") / 1048576 ))"
start "$work/b.db"
measure "restore of that backup" import "$work/export.jsonl"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=a['backup']; assert a['restored'] and b['schemas']==b['subjects']==b['versions']==int(sys.argv[2]), a; print('restored', b)" "$work/answer.json" "$schemas"
stop
