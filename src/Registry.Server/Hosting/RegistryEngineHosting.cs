using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Postgres;
using Registry.Engine.Storage.Redis;
using Registry.Engine.Storage.S3;
using Registry.Engine.Storage.Sqlite;
using Registry.Engine.Storage.Tiers;
using Registry.Schemas.Validation;
using StackExchange.Redis;

namespace Registry.Server.Hosting;

/// <summary>
/// Creates the system of record, the cache tiers around it and the engine from configuration, opens the store before
/// the listeners start, and warms the memory tier.
/// </summary>
internal static partial class RegistryEngineHosting
{
    public static void AddRegistryEngine(this IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton<TierMetrics>();
        services.AddSingleton<Http.Readiness>();
        services.AddSingleton(sp => CreateStore(options, sp.GetRequiredService<TierMetrics>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<IRegistryStore>();
            PatternCache.MaxBytes = options.Engine.PatternCacheBytes;
            var registry = new SchemaRegistry(store, EngineOptions(options), metrics: new EngineMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
            var metrics = sp.GetRequiredService<TierMetrics>();
            metrics.TrackSchemaMemory(() => (registry.Cache.Hits, registry.Cache.Misses));
            if (store is TieredRegistryStore tiered)
            {
                // Another replica's write: the engine forgets what it holds about the schema ids before the write is acknowledged.
                RemoteChanges.Connect(tiered, registry);
            }

            return registry;
        });
        services.AddHostedService<StoreInitializer>();
    }

    /// <summary>
    /// The system of record, wrapped in the tiers when any is configured (or with PostgreSQL, for its circuit breaker
    /// and single-flight loads). The embedded SQLite store alone is used as it is.
    /// </summary>
    public static IRegistryStore CreateStore(ServerOptions options, TierMetrics metrics, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        var storage = options.Storage;
        IRegistryStore store;
        if (string.Equals(storage.Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            store = new SqliteRegistryStore(storage.Sqlite);
        }
        else if (string.Equals(storage.Provider, "postgres", StringComparison.OrdinalIgnoreCase)
                 || string.Equals(storage.Provider, "postgresql", StringComparison.OrdinalIgnoreCase))
        {
            store = new PostgresRegistryStore(storage.Postgres);
        }
        else
        {
            throw new InvalidOperationException(
                $"Registry:Storage:Provider = '{storage.Provider}' is not known; supported: sqlite, postgres.");
        }

        var redis = options.Cache.Redis;
        var s3 = options.ContentStore.S3;
        var hasRedis = !string.IsNullOrWhiteSpace(redis.Configuration);
        var hasS3 = !string.IsNullOrWhiteSpace(s3.ServiceUrl);
        if (!hasRedis && !hasS3 && store is SqliteRegistryStore alone)
        {
            // No tiered store in front to trace its calls: the store traces them itself.
            alone.TraceCalls = true;
            return store;
        }

        var logger = loggers.CreateLogger("Registry.Storage");
        ConnectionMultiplexer? connection = null;
        RedisSharedCache? shared = null;
        RedisInvalidationBus? bus = null;
        if (hasRedis)
        {
            var configuration = ConfigurationOptions.Parse(redis.Configuration);

            // Start even when Redis is down (reads skip it, the connection keeps retrying); fail calls fast.
            configuration.AbortOnConnectFail = false;
            configuration.ConnectTimeout = (int)redis.ConnectTimeout.TotalMilliseconds;
            configuration.AsyncTimeout = Math.Max(1, (int)redis.OperationTimeout.TotalMilliseconds);
            configuration.SyncTimeout = Math.Max(1, (int)redis.OperationTimeout.TotalMilliseconds);
            configuration.ClientName ??= "schema-registry";
            connection = ConnectionMultiplexer.Connect(configuration);
            shared = new RedisSharedCache(connection, redis);
            bus = new RedisInvalidationBus(connection, redis, metrics, logger);
        }

        var content = hasS3 ? new S3ContentStore(s3, logger) : null;
        return new TieredRegistryStore(new TieredStoreParts
        {
            Store = store,
            Memory = options.Cache.Memory,
            StoreBreaker = storage.Breaker,
            Shared = shared,
            Bus = bus,
            SharedOptions = redis,
            Content = content,
            ContentOptions = s3,
            Owned = connection is null ? [] : [connection],
            Metrics = metrics,
            Logger = logger,
        });
    }

    public static RegistryEngineOptions EngineOptions(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Engine;
        var memory = options.Cache.Memory;

        // Registry:Cache:Memory:MaxSchemas is the key; Registry:Engine:SchemaCacheCapacity is its older name.
        var defaults = new MemoryTierOptions();
        var capacity = memory.MaxSchemas != defaults.MaxSchemas ? memory.MaxSchemas : settings.SchemaCacheCapacity;
        return new RegistryEngineOptions
        {
            SchemaCacheCapacity = capacity,
            SchemaCacheMaxBytes = memory.MaxBytes,
            UsageRefreshInterval = settings.UsageRefreshInterval,
            MaxBatchDocuments = settings.MaxBatchDocuments,
            MaxValidationErrors = settings.MaxValidationErrors,
            FormatAssertion = settings.FormatAssertion,
            DefaultDraft = JsonSchemaDrafts.Parse(settings.DefaultDraft)
                ?? throw new InvalidOperationException($"Registry:Engine:DefaultDraft = '{settings.DefaultDraft}': must be {JsonSchemaDrafts.Names}."),
            MaxConcurrentExpensiveOperations = settings.MaxConcurrentExpensiveOperations,
            MaxQueuedExpensiveOperations = settings.MaxQueuedExpensiveOperations,
            Limits = new SchemaLimits
            {
                MaxSchemaBytes = settings.MaxSchemaBytes,
                MaxDocumentBytes = settings.MaxDocumentBytes,
                MaxDepth = settings.MaxDepth,
                Work = new Registry.Schemas.WorkLimits
                {
                    MaxSteps = settings.MaxWorkSteps,
                    MaxMemoryBytes = settings.MaxWorkMemoryBytes,
                    MaxRegexTime = settings.MaxRegexTime,
                },
                PatternMatchTimeout = settings.PatternMatchTimeout,
                LinearPatternMatchTimeout = settings.LinearPatternMatchTimeout,
                MaxPatternLength = settings.MaxPatternLength,
                MaxPatternRepeat = settings.MaxPatternRepeat,
                MaxPatternGroupRepeat = settings.MaxPatternGroupRepeat,
                MaxPatternAutomatonBytes = settings.MaxPatternAutomatonBytes,
            },
        };
    }

    /// <summary>
    /// Opens (creates or migrates) the store in <see cref="StartingAsync"/>, which runs before any hosted service
    /// starts, the web server included: no request is served by a store that is not ready, and a store that cannot
    /// be opened stops the start-up with its error. Then warms the memory tier, within its time budget.
    /// </summary>
    private sealed partial class StoreInitializer(IRegistryStore store, SchemaRegistry registry, ServerOptions options, Http.Readiness readiness, ILogger<StoreInitializer> logger) : IHostedLifecycleService
    {
        public async Task StartingAsync(CancellationToken cancellationToken)
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            var inner = store is TieredRegistryStore tiered ? tiered.Inner : store;
            Log.Opened(logger, options.Storage.Provider, inner switch
            {
                SqliteRegistryStore sqlite => sqlite.Path,
                PostgresRegistryStore postgres => postgres.Location,
                _ => "-",
            });
            if (store is TieredRegistryStore t)
            {
                Log.Tiers(logger, t.HasSharedCache, t.HasContentTier);
            }

            var memory = options.Cache.Memory;
            if (store is IWarmupSource source && memory.WarmupLimit > 0)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var warmed = await CacheWarmup.RunAsync(registry, source, memory.WarmupLimit, memory.WarmupTimeout, cancellationToken).ConfigureAwait(false);
                Log.Warmed(logger, warmed, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            readiness.WarmupDone();
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private static partial class Log
        {
            [LoggerMessage(3, LogLevel.Information, "Store opened: provider={Provider} location={Location}")]
            public static partial void Opened(ILogger logger, string provider, string location);

            [LoggerMessage(4, LogLevel.Information, "Cache tiers: memory, redis={Redis}, s3={S3}")]
            public static partial void Tiers(ILogger logger, bool redis, bool s3);

            [LoggerMessage(5, LogLevel.Information, "Memory tier warmed: {Schemas} schemas in {Milliseconds:F0} ms")]
            public static partial void Warmed(ILogger logger, int schemas, double milliseconds);
        }
    }
}
