using System.Net.Sockets;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.Redis;

namespace Registry.Testing;

/// <summary>Where an S3-compatible server answers, and with which credentials.</summary>
public sealed record S3Endpoint(string ServiceUrl, string AccessKey, string SecretKey);

/// <summary>
/// Endpoints of the external services used by integration tests. The test script (scripts/test.sh) starts local
/// servers and exports them as environment variables; when a variable is missing and a Docker engine is present,
/// a container is started instead (Testcontainers). With neither, the test fails and says what to do.
/// </summary>
public static class TestServices
{
    /// <summary>Npgsql connection string of a PostgreSQL server (superuser, database may be created).</summary>
    public const string PostgresVariable = "REGISTRY_TEST_POSTGRES";

    /// <summary>StackExchange.Redis configuration string, e.g. <c>127.0.0.1:26379</c>.</summary>
    public const string RedisVariable = "REGISTRY_TEST_REDIS";

    /// <summary>Service URL of an S3-compatible server.</summary>
    public const string S3UrlVariable = "REGISTRY_TEST_S3_URL";

    /// <summary>Access key for the S3-compatible server.</summary>
    public const string S3AccessKeyVariable = "REGISTRY_TEST_S3_ACCESS_KEY";

    /// <summary>Secret key for the S3-compatible server.</summary>
    public const string S3SecretKeyVariable = "REGISTRY_TEST_S3_SECRET_KEY";

    /// <summary>Path of scripts/services.sh, which can stop and resume one service (for fault tests).</summary>
    public const string ServicesScriptVariable = "REGISTRY_TEST_SERVICES_SCRIPT";

    private static readonly Lazy<Task<string>> Postgres = new(StartPostgresAsync);
    private static readonly Lazy<Task<string>> Redis = new(StartRedisAsync);
    private static readonly Lazy<Task<S3Endpoint>> S3 = new(StartS3Async);
    private static int _databaseCounter;

    /// <summary>Connection string of the PostgreSQL server.</summary>
    public static Task<string> PostgresAsync() => Postgres.Value;

    /// <summary>Configuration string of the Redis server.</summary>
    public static Task<string> RedisAsync() => Redis.Value;

    /// <summary>Endpoint of the S3-compatible server.</summary>
    public static Task<S3Endpoint> S3Async() => S3.Value;

    /// <summary>Creates an empty database with a unique name and returns a connection string to it.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync(string prefix)
    {
        var server = await PostgresAsync().ConfigureAwait(false);
        var unique = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid():N}";
        var name = unique[..Math.Min(unique.Length, 63)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>True when a Docker engine answers on its default socket (a client alone is not enough).</summary>
    public static bool DockerEngineAvailable()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socketPath = host is not null && host.StartsWith("unix://", StringComparison.Ordinal)
            ? host["unix://".Length..]
            : "/var/run/docker.sock";
        if (host is not null && !host.StartsWith("unix://", StringComparison.Ordinal))
        {
            return true;
        }

        if (!File.Exists(socketPath))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Exception Missing(string variable, string service) => new InvalidOperationException(
        $"{service} is not available to the tests: set {variable}, or run ./scripts/test.sh, which installs and starts " +
        "the services and exports their endpoints. (Testcontainers would be used if a Docker engine were running.)");

    private static async Task<string> StartPostgresAsync()
    {
        var value = Environment.GetEnvironmentVariable(PostgresVariable);
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        if (!DockerEngineAvailable())
        {
            throw Missing(PostgresVariable, "PostgreSQL");
        }

        var container = new PostgreSqlBuilder("postgres:17-alpine").Build();
        await container.StartAsync().ConfigureAwait(false);
        return container.GetConnectionString();
    }

    private static async Task<string> StartRedisAsync()
    {
        var value = Environment.GetEnvironmentVariable(RedisVariable);
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        if (!DockerEngineAvailable())
        {
            throw Missing(RedisVariable, "Redis");
        }

        var container = new RedisBuilder("redis:7-alpine").Build();
        await container.StartAsync().ConfigureAwait(false);
        return container.GetConnectionString();
    }

    private static async Task<S3Endpoint> StartS3Async()
    {
        var url = Environment.GetEnvironmentVariable(S3UrlVariable);
        if (!string.IsNullOrEmpty(url))
        {
            return new S3Endpoint(
                url,
                Environment.GetEnvironmentVariable(S3AccessKeyVariable) ?? "S3RVER",
                Environment.GetEnvironmentVariable(S3SecretKeyVariable) ?? "S3RVER");
        }

        if (!DockerEngineAvailable())
        {
            throw Missing(S3UrlVariable, "The S3-compatible server");
        }

        const string user = "registry", password = "registry-secret";
        IContainer container = new ContainerBuilder("minio/minio:latest")
            .WithEnvironment("MINIO_ROOT_USER", user)
            .WithEnvironment("MINIO_ROOT_PASSWORD", password)
            .WithCommand("server", "/data")
            .WithPortBinding(9000, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPath("/minio/health/live").ForPort(9000)))
            .Build();
        await container.StartAsync().ConfigureAwait(false);
        return new S3Endpoint($"http://{container.Hostname}:{container.GetMappedPublicPort(9000)}", user, password);
    }
}
