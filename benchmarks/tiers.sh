#!/usr/bin/env bash
# Storage-tier figures of docs/performance.md ("Storage tiers"). Starts a PostgreSQL (fsync on: durable commits),
# a Redis and an s3rver of its own on ports of its own (scripts/services.sh; override with REGISTRY_PG_PORT,
# REGISTRY_REDIS_PORT, REGISTRY_S3_PORT), builds the benchmarks, and runs:
#   store-load --store postgres and --store sqlite, 1 and 8 writers   registrations per second
#   tier-load                                                         per-tier hits and latency, L1 bytes per schema
# Arguments are passed to tier-load (e.g. --schemas 10000 for a quick run). Stops the services on exit.
# Results: artifacts/benchmarks/{store-load-postgres,store-load-sqlite,tier-load}.md
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export REGISTRY_SERVICES_DIR=${REGISTRY_BENCH_SERVICES_DIR:-$(mktemp -d /tmp/registry-bench-services.XXXXXX)}
export REGISTRY_PG_PORT=${REGISTRY_PG_PORT:-55632} REGISTRY_REDIS_PORT=${REGISTRY_REDIS_PORT:-56579} REGISTRY_S3_PORT=${REGISTRY_S3_PORT:-54769}
export REGISTRY_PG_FSYNC=on
seconds=${STORE_LOAD_SECONDS:-10}

trap '"$root/scripts/services.sh" down >/dev/null 2>&1 || true' EXIT
"$root/scripts/services.sh" up
# shellcheck disable=SC1091
source "$REGISTRY_SERVICES_DIR/env.sh"

dotnet build benchmarks/Registry.Benchmarks -c Release -nologo -clp:ErrorsOnly
bench=(dotnet benchmarks/Registry.Benchmarks/bin/Release/net10.0/Registry.Benchmarks.dll)
"${bench[@]}" store-load --store postgres --writers 1,8 --seconds "$seconds" --out artifacts/benchmarks/store-load-postgres.md
"${bench[@]}" store-load --store sqlite --writers 1,8 --seconds "$seconds" --out artifacts/benchmarks/store-load-sqlite.md
"${bench[@]}" tier-load --out artifacts/benchmarks/tier-load.md "$@"
