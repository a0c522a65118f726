#!/usr/bin/env bash
# Backup and restore of a large registry through the server (GET /v1/export, POST /v1/import) on the embedded SQLite
# store or on PostgreSQL: time and the server process's peak resident memory (VmHWM) for each, one fresh server process
# per operation.
#   1. writes a backup of N schemas (N subjects with one version each, metadata on every tenth) straight in the format
#      of docs/backup.md, and restores it into an empty server (this fills the registry; measured too),
#   2. restarts that server on its data and exports it (measured),
#   3. restores the export into another empty server (measured) and checks its counts.
# Usage: benchmarks/backup.sh [schemas] [sqlite|postgres]   (default 100000 sqlite; uses artifacts/server/Registry.Server
# when published, else the Release build of src/Registry.Server, building it if missing). Needs curl and python3.
# postgres: the server named by $REGISTRY_TEST_POSTGRES (Npgsql connection string, as scripts/services.sh writes it:
# `REGISTRY_PG_FSYNC=on scripts/services.sh up && source $REGISTRY_SERVICES_DIR/env.sh`); the script creates two
# throw-away databases on it with psql and drops them at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
schemas=${1:-100000}
store=${2:-sqlite}
case $store in sqlite|postgres) ;; *) echo "usage: $0 [schemas] [sqlite|postgres]" >&2; exit 2 ;; esac
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
databases=()
if [ "$store" = postgres ]; then
  : "${REGISTRY_TEST_POSTGRES:?postgres needs REGISTRY_TEST_POSTGRES (source the env.sh of scripts/services.sh up)}"
  pg_field() { printf '%s' "$REGISTRY_TEST_POSTGRES" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1) == tolower(k) {print $2}'; }
  pg_host=$(pg_field Host) pg_port=$(pg_field Port) pg_user=$(pg_field Username)
  psql_admin() { PGPASSWORD=$(pg_field Password) psql -q -h "$pg_host" -p "${pg_port:-5432}" -U "${pg_user:-postgres}" -d "$(pg_field Database)" -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
  base=$(printf '%s' "$REGISTRY_TEST_POSTGRES" | tr ';' '\n' | grep -vi '^database=' | paste -sd ';')
fi
cleanup() {
  stop
  for db in "${databases[@]}"; do psql_admin "DROP DATABASE IF EXISTS $db" || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start() { # $1: database name (a file for SQLite)
  local storage
  if [ "$store" = postgres ]; then
    if [[ ! " ${databases[*]} " == *" regbench_$1_$$ "* ]]; then psql_admin "CREATE DATABASE regbench_$1_$$"; databases+=("regbench_$1_$$"); fi
    storage=(REGISTRY__STORAGE__PROVIDER=postgres "REGISTRY__STORAGE__POSTGRES__CONNECTIONSTRING=$base;Database=regbench_$1_$$")
  else
    storage=("REGISTRY__STORAGE__SQLITE__PATH=$work/$1.db")
  fi
  (cd "$work" && exec env REGISTRY__LISTEN__HTTP=127.0.0.1:$port REGISTRY__LISTEN__BINARY=127.0.0.1:$((port + 1)) \
    "${storage[@]}" Logging__LogLevel__Default=Warning "${server[@]}") >>"$work/server.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$work/server.log" >&2; echo "the server did not start" >&2; exit 1; }
    sleep 0.1
  done
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

if [ "$store" = postgres ]; then
  pg_show() { PGPASSWORD=$(pg_field Password) psql -At -h "$pg_host" -p "${pg_port:-5432}" -U "${pg_user:-postgres}" -d "$(pg_field Database)" -c "SHOW $1"; }
  where="PostgreSQL $(pg_show server_version) store on $pg_host, fsync $(pg_show fsync)"
else where="embedded SQLite store"; fi
echo "backup and restore of $schemas schemas ($kind server, $where, $(nproc) CPUs)"
printf 'generated backup: %s MiB\n' "$(( $(stat -c %s "$work/generated.jsonl") / 1048576 ))"
start a; printf '%-34s %8s     server idle RSS %5s MiB\n' "fresh server" "" "$(peak)"
measure "restore (POST /v1/import)" import "$work/generated.jsonl"; stop
start a
measure "backup (GET /v1/export)" export_to "$work/export.jsonl"; stop
printf 'backup file: %s MiB\n' "$(( $(stat -c %s "$work/export.jsonl") / 1048576 ))"
start b
measure "restore of that backup" import "$work/export.jsonl"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=a['backup']; assert a['restored'] and b['schemas']==b['subjects']==b['versions']==int(sys.argv[2]), a; print('restored', b)" "$work/answer.json" "$schemas"
stop
