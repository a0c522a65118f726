using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Registry.Engine.Schemas;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Postgres;
using Registry.Engine.Storage.Redis;
using Registry.Engine.Storage.S3;
using Registry.Engine.Storage.Tiers;
using StackExchange.Redis;

namespace Registry.Benchmarks.Store;

/// <summary>
/// Reads by id through every tier (engine memory → Redis → S3 with the PostgreSQL index → PostgreSQL) under a
/// Zipf-distributed load, and the memory an L1 entry costs.
/// <para>
/// Seeds <c>--schemas</c> schemas into a fresh PostgreSQL database: most through the tiered store with the content
/// tier (so their content is in S3), a fraction (<c>--store-only</c>) straight into PostgreSQL (content nowhere else,
/// as for schemas registered before the content tier existed). Then one reader reads <c>--reads</c> ids drawn from a
/// Zipf distribution (exponent <c>--zipf</c>, ranks shuffled over the ids with a fixed seed) through an engine whose
/// memory tier holds <c>--memory</c> schemas, starting with an empty Redis prefix: a cold pass, then a warm pass with
/// the same draw sequence continued. Each read is timed and put down to the tier that served it (the tier whose hit
/// counter moved; one reader, so the attribution is exact). Last, a fresh engine caches <c>--l1-entries</c> schemas
/// and the managed heap is measured before and after, without and with compiled validators.
/// </para>
/// <code>dotnet run -c Release --project benchmarks/Registry.Benchmarks -- tier-load [--schemas 100000] [--reads 200000] [--memory 1000] [--zipf 1.0] [--store-only 0.1] [--l1-entries 20000] [--seed 7] [--postgres CONNECTION] [--redis CONFIGURATION] [--s3 URL] [--out FILE]</code>
/// Endpoints default to <c>$REGISTRY_TEST_POSTGRES</c>, <c>$REGISTRY_TEST_REDIS</c>, <c>$REGISTRY_TEST_S3_URL</c> (with
/// <c>_S3_ACCESS_KEY</c>/<c>_S3_SECRET_KEY</c>). The database is dropped afterwards; the bucket is left to the S3 server.
/// </summary>
public static class TierLoad
{
    private static readonly Tier[] Tiers = [Tier.Memory, Tier.Shared, Tier.Content, Tier.Store];

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var schemas = Option(args, "--schemas", 100_000);
        var reads = Option(args, "--reads", 200_000);
        var memory = Option(args, "--memory", 1_000);
        var exponent = double.Parse(Text(args, "--zipf", "1.0"), CultureInfo.InvariantCulture);
        var storeOnly = double.Parse(Text(args, "--store-only", "0.1"), CultureInfo.InvariantCulture);
        var l1Entries = Option(args, "--l1-entries", 20_000);
        var seed = Option(args, "--seed", 7);
        var postgres = Text(args, "--postgres", Environment.GetEnvironmentVariable("REGISTRY_TEST_POSTGRES") ?? string.Empty);
        var redis = Text(args, "--redis", Environment.GetEnvironmentVariable("REGISTRY_TEST_REDIS") ?? string.Empty);
        var s3Url = Text(args, "--s3", Environment.GetEnvironmentVariable("REGISTRY_TEST_S3_URL") ?? string.Empty);
        var output = Text(args, "--out", Path.Combine("artifacts", "benchmarks", "tier-load.md"));
        if (postgres.Length == 0 || redis.Length == 0 || s3Url.Length == 0)
        {
            Console.Error.WriteLine("tier-load needs --postgres, --redis and --s3 (or REGISTRY_TEST_POSTGRES, _REDIS, _S3_URL); see scripts/services.sh");
            return 2;
        }

        var unique = Guid.NewGuid().ToString("N")[..12];
        var database = $"tier_load_{unique}";
        await ExecuteAsync(postgres, $"CREATE DATABASE \"{database}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = database, MaxPoolSize = 32 }.ConnectionString;
        var s3 = new S3TierOptions
        {
            ServiceUrl = s3Url,
            Bucket = $"tier-load-{unique}",
            AccessKey = Environment.GetEnvironmentVariable("REGISTRY_TEST_S3_ACCESS_KEY") ?? "S3RVER",
            SecretKey = Environment.GetEnvironmentVariable("REGISTRY_TEST_S3_SECRET_KEY") ?? "S3RVER",
        };
        var redisOptions = new RedisTierOptions { Configuration = redis, KeyPrefix = $"tl{unique}:" };
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"tier-load ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs): {schemas:N0} schemas ({storeOnly:P0} in PostgreSQL only), {reads:N0} reads per pass, Zipf s={exponent}, memory tier {memory:N0} schemas, 1 reader");
        try
        {
            var seedTime = await SeedAsync(connectionString, s3, schemas, storeOnly, seed);
            Console.WriteLine($"seeded {schemas:N0} schemas in {seedTime.TotalSeconds:F0} s");
            report.AppendLine(CultureInfo.InvariantCulture, $"seeding: {schemas:N0} schemas in {seedTime.TotalSeconds:F0} s ({schemas / seedTime.TotalSeconds:N0}/s, 16 writers, PostgreSQL commit + S3 put)");

            await using (var tiered = await OpenTieredAsync(connectionString, redisOptions, s3))
            {
                var registry = new SchemaRegistry(tiered.Store, new RegistryEngineOptions { SchemaCacheCapacity = memory });
                tiered.Store.Metrics.TrackSchemaMemory(() => (registry.Cache.Hits, registry.Cache.Misses));
                var draws = new ZipfIds(schemas, exponent, seed);
                foreach (var pass in new[] { "cold (empty memory and Redis)", "warm (continued)" })
                {
                    var result = await ReadPassAsync(registry, tiered.Store.Metrics, draws, reads);
                    report.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Pass: {pass}: {result.ReadsPerSecond:N0} reads/s").AppendLine();
                    report.Append(result.Table);
                }
            }

            await using (var tiered = await OpenTieredAsync(connectionString, redisOptions, s3))
            {
                report.AppendLine().Append(await MeasureMemoryAsync(tiered.Store, Math.Min(l1Entries, schemas - 1)));
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(postgres, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, report.ToString());
        Console.WriteLine();
        Console.Write(report);
        Console.WriteLine($"(written to {output})");
        return 0;
    }

    /// <summary>A schema the size of a typical tool definition (about 700 bytes), distinct per index.</summary>
    internal static byte[] Schema(int i) => Encoding.UTF8.GetBytes(
        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"tool_" + i.ToString(CultureInfo.InvariantCulture) +
        "\",\"description\":\"Looks up an order and returns its status, lines and shipping estimate.\",\"type\":\"object\"," +
        "\"properties\":{\"order_id\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-[0-9]{6}$\"},\"customer\":{\"type\":\"object\"," +
        "\"properties\":{\"email\":{\"type\":\"string\",\"format\":\"email\"},\"name\":{\"type\":\"string\",\"maxLength\":200}},\"required\":[\"email\"]}," +
        "\"lines\":{\"type\":\"array\",\"maxItems\":100,\"items\":{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"}," +
        "\"quantity\":{\"type\":\"integer\",\"minimum\":1},\"price\":{\"type\":\"number\",\"exclusiveMinimum\":0}},\"required\":[\"sku\",\"quantity\"]}}," +
        "\"priority\":{\"enum\":[\"low\",\"normal\",\"high\"]},\"notes\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"order_id\",\"lines\"],\"additionalProperties\":false}");

    /// <summary>
    /// Appends schema <c>i</c> as version 1 of subject <c>s{i}</c>, 16 at a time, so ids follow the order of
    /// commits; a fraction goes to PostgreSQL only.
    /// </summary>
    private static async Task<TimeSpan> SeedAsync(string connectionString, S3TierOptions s3, int schemas, double storeOnly, int seed)
    {
        await using var tiered = new TieredRegistryStore(new TieredStoreParts
        {
            Store = new PostgresRegistryStore(new PostgresStoreOptions { ConnectionString = connectionString, MaxPoolSize = 32 }),
            Content = new S3ContentStore(s3, NullLogger.Instance),
            ContentOptions = s3,
        });
        await tiered.InitializeAsync(CancellationToken.None);
        var random = new Random(seed);
        var direct = new bool[schemas];
        for (var i = 0; i < schemas; i++)
        {
            direct[i] = random.NextDouble() < storeOnly;
        }

        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < schemas; i = Interlocked.Increment(ref next))
            {
                var content = Schema(i);
                var identity = SchemaIdentity.Compute("JSON", content, [], 64);
                var append = new VersionAppend
                {
                    Subject = $"s{i}",
                    ExpectedRevision = 0,
                    SchemaType = "JSON",
                    Fingerprint = identity.Fingerprint,
                    ContentHash = identity.ContentHash,
                    Content = content,
                    References = [],
                    CreatedAt = DateTimeOffset.UtcNow,
                };
                var result = await (direct[i] ? tiered.Inner : tiered).AppendVersionAsync(append, CancellationToken.None);
                if (result.Outcome != WriteOutcome.Done)
                {
                    throw new InvalidOperationException($"seeding schema {i}: {result.Outcome}");
                }

                if ((i + 1) % 10_000 == 0)
                {
                    Console.WriteLine($"  {i + 1:N0} seeded ({clock.Elapsed.TotalSeconds:F0} s)");
                }
            }
        })));
        return clock.Elapsed;
    }

    private sealed class TieredParts(TieredRegistryStore store, ConnectionMultiplexer connection) : IAsyncDisposable
    {
        public TieredRegistryStore Store { get; } = store;

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private static async Task<TieredParts> OpenTieredAsync(string connectionString, RedisTierOptions redis, S3TierOptions s3)
    {
        var configuration = ConfigurationOptions.Parse(redis.Configuration);
        configuration.AbortOnConnectFail = false;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        var metrics = new TierMetrics();
        var store = new TieredRegistryStore(new TieredStoreParts
        {
            Store = new PostgresRegistryStore(new PostgresStoreOptions { ConnectionString = connectionString, MaxPoolSize = 32 }),
            Shared = new RedisSharedCache(connection, redis),
            Bus = new RedisInvalidationBus(connection, redis, metrics, NullLogger.Instance),
            SharedOptions = redis,
            Content = new S3ContentStore(s3, NullLogger.Instance),
            ContentOptions = s3,
            Metrics = metrics,
        });
        await store.InitializeAsync(CancellationToken.None);
        return new TieredParts(store, connection);
    }

    private sealed record PassResult(double ReadsPerSecond, string Table);

    private static async Task<PassResult> ReadPassAsync(SchemaRegistry registry, TierMetrics metrics, ZipfIds draws, int reads)
    {
        var latencies = new List<long>[Tiers.Length];
        for (var t = 0; t < Tiers.Length; t++)
        {
            latencies[t] = new List<long>(reads / 4);
        }

        var hitsBefore = Snapshot(metrics.Hits);
        var missesBefore = Snapshot(metrics.Misses);
        var clock = Stopwatch.StartNew();
        for (var r = 0; r < reads; r++)
        {
            var id = draws.Next();
            var shared = metrics.Hits(Tier.Shared);
            var content = metrics.Hits(Tier.Content);
            var store = metrics.Hits(Tier.Store);
            var started = Stopwatch.GetTimestamp();
            var record = await registry.GetSchemaAsync(id);
            var elapsed = Stopwatch.GetTimestamp() - started;
            if (record.Id != id)
            {
                throw new InvalidOperationException($"asked for {id}, got {record.Id}");
            }

            // The lowest tier whose hit counter moved served the read; none moved: memory.
            var tier = metrics.Hits(Tier.Store) != store ? Tier.Store
                : metrics.Hits(Tier.Content) != content ? Tier.Content
                : metrics.Hits(Tier.Shared) != shared ? Tier.Shared
                : Tier.Memory;
            latencies[(int)tier].Add(elapsed);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var hits = Snapshot(metrics.Hits);
        var misses = Snapshot(metrics.Misses);
        var table = new StringBuilder()
            .AppendLine("| tier | reads served | share of reads | tier hit rate (hits / lookups) | p50 | p99 | mean |")
            .AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var t = 0; t < Tiers.Length; t++)
        {
            var served = latencies[t];
            served.Sort();
            var h = hits[t] - hitsBefore[t];
            var m = misses[t] - missesBefore[t];
            var rate = h + m == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * h / (h + m):F1} %");
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {Name(Tiers[t])} | {served.Count:N0} | {100.0 * served.Count / reads:F1} % | {rate} | {Micros(Percentile(served, 0.50))} | {Micros(Percentile(served, 0.99))} | {Micros(served.Count == 0 ? 0 : (long)served.Average())} |");
        }

        return new PassResult(reads / seconds, table.ToString());
    }

    /// <summary>Heap bytes per cached schema: a fresh engine caches <paramref name="entries"/> schemas (all warm in Redis by now).</summary>
    private static async Task<string> MeasureMemoryAsync(TieredRegistryStore store, int entries)
    {
        var registry = new SchemaRegistry(store, new RegistryEngineOptions { SchemaCacheCapacity = entries * 2, SchemaCacheMaxBytes = long.MaxValue });

        // One read and one compile first, so that one-time allocations (pools, statics) are not counted per entry.
        await registry.GetSchemaAsync(1);
        await registry.GetValidatorAsync(1);
        var empty = Heap();
        for (long id = 2; id <= entries + 1; id++)
        {
            await registry.GetSchemaAsync(id);
        }

        var withBytes = Heap();
        for (long id = 2; id <= entries + 1; id++)
        {
            await registry.GetValidatorAsync(id);
        }

        var withValidators = Heap();
        GC.KeepAlive(registry);
        var cache = registry.Cache;
        var perBytes = (withBytes - empty) / (double)entries;
        var perCompiled = (withValidators - empty) / (double)entries;
        return new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Memory tier: managed heap per cached schema ({entries:N0} entries, schema text {Schema(entries).Length} bytes)")
            .AppendLine()
            .AppendLine("| entry | heap bytes per schema |")
            .AppendLine("| --- | ---: |")
            .AppendLine(CultureInfo.InvariantCulture, $"| schema bytes and record only | {perBytes:N0} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| with the compiled validator | {perCompiled:N0} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| weight the cache counts against `MaxBytes` (estimate) | {cache.Bytes / (double)Math.Max(1, cache.Count):N0} |")
            .ToString();
    }

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long[] Snapshot(Func<Tier, long> read)
    {
        var values = new long[Tiers.Length];
        for (var t = 0; t < Tiers.Length; t++)
        {
            values[t] = read(Tiers[t]);
        }

        return values;
    }

    private static string Name(Tier tier) => tier switch
    {
        Tier.Memory => "L1 memory",
        Tier.Shared => "L2 Redis",
        Tier.Content => "L3 S3 (+ PostgreSQL index)",
        _ => "L4 PostgreSQL",
    };

    private static long Percentile(List<long> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Micros(long ticks) =>
        ticks == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{ticks * 1_000_000.0 / Stopwatch.Frequency:N1} µs");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static int Option(string[] args, string name, int fallback) =>
        int.Parse(Text(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    private static string Text(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>
    /// Ids 1..n drawn with probability proportional to 1/rank^s, ranks shuffled over the ids with a fixed seed (so
    /// the popular schemas are not simply the oldest).
    /// </summary>
    private sealed class ZipfIds
    {
        private readonly double[] _cumulative;
        private readonly long[] _idOfRank;
        private readonly Random _random;

        public ZipfIds(int n, double exponent, int seed)
        {
            _random = new Random(seed);
            _cumulative = new double[n];
            var sum = 0.0;
            for (var rank = 1; rank <= n; rank++)
            {
                sum += 1.0 / Math.Pow(rank, exponent);
                _cumulative[rank - 1] = sum;
            }

            for (var i = 0; i < n; i++)
            {
                _cumulative[i] /= sum;
            }

            _idOfRank = new long[n];
            for (var i = 0; i < n; i++)
            {
                _idOfRank[i] = i + 1;
            }

            _random.Shuffle(_idOfRank);
        }

        public long Next()
        {
            var u = _random.NextDouble();
            var index = Array.BinarySearch(_cumulative, u);
            if (index < 0)
            {
                index = ~index;
            }

            return _idOfRank[Math.Min(index, _idOfRank.Length - 1)];
        }
    }
}
