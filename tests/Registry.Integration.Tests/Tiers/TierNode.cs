using Microsoft.Extensions.Logging.Abstractions;
using Registry.Engine.Services;
using Registry.Engine.Storage.Postgres;
using Registry.Engine.Storage.Redis;
using Registry.Engine.Storage.S3;
using Registry.Engine.Storage.Tiers;
using Registry.Testing;
using StackExchange.Redis;

namespace Registry.Integration.Tests.Tiers;

/// <summary>Where a group of replicas keeps its data: one database, one Redis key prefix, one bucket, all fresh.</summary>
public sealed record TierSpace(string Postgres, string? Redis, S3Endpoint? S3, string Prefix, string Bucket)
{
    public static async Task<TierSpace> CreateAsync(bool redis = true, bool s3 = true)
    {
        var unique = Guid.NewGuid().ToString("N")[..12];
        return new TierSpace(
            await TestServices.CreatePostgresDatabaseAsync("tiers"),
            redis ? await TestServices.RedisAsync() : null,
            s3 ? await TestServices.S3Async() : null,
            $"t{unique}:",
            $"tiers-{unique}");
    }

    /// <summary>The same data with an empty Redis prefix (a cold shared cache) and/or another bucket.</summary>
    public TierSpace WithColdRedis() => this with { Prefix = $"t{Guid.NewGuid().ToString("N")[..12]}:" };

    public TierSpace WithColdS3() => this with { Bucket = $"tiers-{Guid.NewGuid().ToString("N")[..12]}" };
}

/// <summary>One replica in process: PostgreSQL (counted) behind the configured tiers, and an engine with its own memory.</summary>
public sealed class TierNode : IAsyncDisposable
{
    private TierNode(SchemaRegistry registry, TieredRegistryStore store, CountingStore counting, ConnectionMultiplexer? redis)
    {
        Registry = registry;
        Store = store;
        Counting = counting;
        Redis = redis;
    }

    public SchemaRegistry Registry { get; }

    public TieredRegistryStore Store { get; }

    public CountingStore Counting { get; }

    public ConnectionMultiplexer? Redis { get; }

    public TierMetrics Metrics => Store.Metrics;

    public static async Task<TierNode> StartAsync(
        TierSpace space,
        Action<RedisTierOptions>? redis = null,
        Action<S3TierOptions>? s3 = null,
        Action<MemoryTierOptions>? memory = null,
        RegistryEngineOptions? engine = null,
        TimeProvider? time = null)
    {
        var counting = new CountingStore(new PostgresRegistryStore(new PostgresStoreOptions { ConnectionString = space.Postgres, MaxPoolSize = 10 }));
        // Generous time-outs and long lifetimes, so a slow machine does not change what a test sees; the tests about
        // lifetimes and the staleness bound set their own.
        var redisOptions = new RedisTierOptions
        {
            KeyPrefix = space.Prefix,
            OperationTimeout = TimeSpan.FromSeconds(2),
            WriteTimeout = TimeSpan.FromSeconds(2),
            AcknowledgementTimeout = TimeSpan.FromSeconds(5),
            MutableTtl = TimeSpan.FromMinutes(10),
        };
        redis?.Invoke(redisOptions);
        var s3Options = new S3TierOptions { Bucket = space.Bucket };
        if (space.S3 is { } endpoint)
        {
            s3Options.ServiceUrl = endpoint.ServiceUrl;
            s3Options.AccessKey = endpoint.AccessKey;
            s3Options.SecretKey = endpoint.SecretKey;
        }

        s3?.Invoke(s3Options);
        var memoryOptions = new MemoryTierOptions { FactTtl = TimeSpan.FromSeconds(60) };
        memory?.Invoke(memoryOptions);
        var metrics = new TierMetrics();
        ConnectionMultiplexer? connection = null;
        RedisSharedCache? shared = null;
        RedisInvalidationBus? bus = null;
        if (space.Redis is { } configuration)
        {
            var options = ConfigurationOptions.Parse(configuration);
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = 2000;
            options.AsyncTimeout = (int)redisOptions.OperationTimeout.TotalMilliseconds;
            connection = await ConnectionMultiplexer.ConnectAsync(options);
            shared = new RedisSharedCache(connection, redisOptions);
            bus = new RedisInvalidationBus(connection, redisOptions, metrics, NullLogger.Instance);
        }

        var store = new TieredRegistryStore(new TieredStoreParts
        {
            Store = counting,
            Memory = memoryOptions,
            Shared = shared,
            Bus = bus,
            SharedOptions = redisOptions,
            Content = space.S3 is null ? null : new S3ContentStore(s3Options, NullLogger.Instance),
            ContentOptions = s3Options,
            Owned = connection is null ? [] : [connection],
            Metrics = metrics,
            Time = time ?? TimeProvider.System,
        });
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var registry = new SchemaRegistry(store, engine ?? new RegistryEngineOptions());
        RemoteChanges.Connect(store, registry);
        return new TierNode(registry, store, counting, connection);
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
