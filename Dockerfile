# The registry server, native AOT, on a chiseled Ubuntu base (no shell, no package manager: ~10 MB of OS).
# Runs as a non-root user on a read-only root file system; the only writable place it needs is /data (the embedded
# SQLite store), which may stay empty when PostgreSQL is the system of record.
#   docker build -t schema-registry .
#   docker run --read-only -p 8081:8081 -p 9091:9091 -v registry-data:/data schema-registry
# Configuration: the REGISTRY__* environment variables of the README's configuration table.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN deploy/docker/build.sh /out \
 && mkdir -p /data \
 && chown 1654:1654 /data

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /out/ /app/
COPY --from=build --chown=1654:1654 /data /data
ENV REGISTRY__LISTEN__HTTP=0.0.0.0:8081 \
    REGISTRY__LISTEN__BINARY=0.0.0.0:9091 \
    REGISTRY__STORAGE__SQLITE__PATH=/data/registry.db \
    REGISTRY__SECURITY__ALLOWUNAUTHENTICATEDNETWORK=true \
    DOTNET_EnableDiagnostics=0
# A container listens on all its interfaces; publishing its ports is the decision to expose it. Set
# REGISTRY__SECURITY__ENABLED=true to require API keys (docs/security.md); the server warns at start while it is off.
VOLUME ["/data"]
EXPOSE 8081 9091
# 1654 is the "app" user of the .NET chiseled images; numeric so that runAsNonRoot can verify it.
USER 1654:1654
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/app/registry", "health", "--server", "http://127.0.0.1:8081", "--timeout", "3"]
ENTRYPOINT ["/app/Registry.Server"]
