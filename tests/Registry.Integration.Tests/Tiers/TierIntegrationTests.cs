using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Registry.Engine;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage.Redis;
using Registry.Engine.Storage.S3;
using Registry.Engine.Storage.Tiers;
using Registry.Testing;
using StackExchange.Redis;

namespace Registry.Integration.Tests.Tiers;

/// <summary>Reads through memory → Redis → S3 → PostgreSQL against the real servers, and invalidation between replicas.</summary>
[Trait("Requires", "postgres")]
[Trait("Requires", "redis")]
[Trait("Requires", "s3")]
public sealed class TierIntegrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static Task<RegistrationResult> RegisterAsync(TierNode node, string subject, string schema) =>
        node.Registry.RegisterAsync(new SchemaRegistration { Subject = subject, Schema = Utf8(schema) }, Ct);

    [Fact]
    public async Task A_schema_read_twice_is_served_from_memory_the_second_time()
    {
        var space = await TierSpace.CreateAsync();
        await using var writer = await TierNode.StartAsync(space);
        var id = (await RegisterAsync(writer, "orders", """{"type":"object"}""")).SchemaId;
        await using var reader = await TierNode.StartAsync(space);

        var first = await reader.Registry.GetSchemaAsync(id, Ct);
        var memoryHits = reader.Registry.Cache.Hits;
        var second = await reader.Registry.GetSchemaAsync(id, Ct);

        Assert.Same(first, second);
        Assert.Equal(memoryHits + 1, reader.Registry.Cache.Hits);
        Assert.Equal(1L, reader.Metrics.Hits(Tier.Shared));
        Assert.Equal(0, reader.Counting.SchemaLoads);
    }

    [Fact]
    public async Task A_memory_miss_is_served_by_redis_and_asks_postgres_only_whether_the_id_is_live()
    {
        var space = await TierSpace.CreateAsync();
        await using var writer = await TierNode.StartAsync(space);
        var id = (await RegisterAsync(writer, "orders", """{"type":"object","title":"written through"}""")).SchemaId;
        await using var reader = await TierNode.StartAsync(space);

        var schema = await reader.Registry.GetSchemaAsync(id, Ct);

        Assert.Equal("""{"type":"object","title":"written through"}""", Encoding.UTF8.GetString(schema.Content.Span));
        Assert.Equal((1L, 0L), (reader.Metrics.Hits(Tier.Shared), reader.Metrics.Hits(Tier.Content)));
        Assert.Equal((0, 0), (reader.Counting.SchemaLoads, reader.Counting.EntryLoads));

        // The write invalidated the id's usage in Redis: the liveness check (a mutable fact) read it from PostgreSQL.
        Assert.Equal((1, 1L), (reader.Counting.UsageLoads, reader.Metrics.Hits(Tier.Store)));
    }

    [Fact]
    public async Task A_redis_miss_reads_the_content_from_s3_with_metadata_from_postgres_and_fills_redis()
    {
        var space = await TierSpace.CreateAsync();
        await using var writer = await TierNode.StartAsync(space);
        var id = (await RegisterAsync(writer, "orders", """{"type":"object","title":"from s3"}""")).SchemaId;
        await writer.Store.ContentPutsSettledAsync(); // the content reaches S3 after the write is answered
        var cold = space.WithColdRedis();
        await using var reader = await TierNode.StartAsync(cold);

        var schema = await reader.Registry.GetSchemaAsync(id, Ct);

        Assert.Equal("""{"type":"object","title":"from s3"}""", Encoding.UTF8.GetString(schema.Content.Span));
        // Redis missed the schema and the id's usage (the liveness check, then read from PostgreSQL).
        Assert.Equal((2L, 1L, 1L), (reader.Metrics.Misses(Tier.Shared), reader.Metrics.Hits(Tier.Content), reader.Counting.EntryLoads));
        Assert.Equal((0, 1), (reader.Counting.SchemaLoads, reader.Counting.UsageLoads));

        await using var next = await TierNode.StartAsync(cold);
        await next.Registry.GetSchemaAsync(id, Ct);
        // Both from Redis now: the schema and the id's usage the first reader put there.
        Assert.Equal((2L, 0, 0), (next.Metrics.Hits(Tier.Shared), next.Counting.EntryLoads, next.Counting.UsageLoads));
    }

    [Fact]
    public async Task A_miss_in_every_cache_loads_from_postgres_and_puts_the_content_back_in_s3()
    {
        var space = await TierSpace.CreateAsync();
        await using var writer = await TierNode.StartAsync(space);
        const string Text = """{"type":"string","title":"only in postgres"}""";
        var id = (await RegisterAsync(writer, "orders", Text)).SchemaId;
        var cold = space.WithColdRedis().WithColdS3();
        await using var reader = await TierNode.StartAsync(cold);

        var schema = await reader.Registry.GetSchemaAsync(id, Ct);

        Assert.Equal(Text, Encoding.UTF8.GetString(schema.Content.Span));
        // From PostgreSQL: the schema and the id's usage (the liveness check).
        Assert.Equal((1L, 2L, 1, 1), (reader.Metrics.Misses(Tier.Content), reader.Metrics.Hits(Tier.Store), reader.Counting.SchemaLoads, reader.Counting.UsageLoads));
        Assert.Equal(Utf8(Text), await GetObjectAsync(cold, Utf8(Text)));
    }

    [Fact]
    public async Task Content_in_s3_that_fails_its_sha256_is_counted_and_not_served()
    {
        var space = await TierSpace.CreateAsync(redis: false);
        await using var writer = await TierNode.StartAsync(space);
        const string Text = """{"type":"integer","title":"intact"}""";
        var id = (await RegisterAsync(writer, "orders", Text)).SchemaId;
        await writer.Store.ContentPutsSettledAsync(); // the content reaches S3 after the write is answered
        await PutObjectAsync(space, Utf8(Text), Utf8("""{"type":"integer","title":"tampered"}"""));
        await using var reader = await TierNode.StartAsync(space);

        var schema = await reader.Registry.GetSchemaAsync(id, Ct);

        Assert.Equal(Text, Encoding.UTF8.GetString(schema.Content.Span));
        Assert.Equal((1L, 0L, 1L), (reader.Metrics.IntegrityFailures(Tier.Content), reader.Metrics.Hits(Tier.Content), reader.Metrics.Hits(Tier.Store)));
    }

    [Fact]
    public async Task Content_in_redis_that_fails_its_sha256_is_counted_and_not_served()
    {
        var space = await TierSpace.CreateAsync();
        await using var writer = await TierNode.StartAsync(space);
        const string Text = """{"type":"number","title":"intact"}""";
        var id = (await RegisterAsync(writer, "orders", Text)).SchemaId;
        await writer.Store.ContentPutsSettledAsync(); // the content reaches S3 after the write is answered
        var key = $"{space.Prefix}c:{Convert.ToHexStringLower(SHA256.HashData(Utf8(Text)))}";
        Assert.True(await writer.Redis!.GetDatabase().StringSetAsync(key, Utf8(Text)[..10]));
        await using var reader = await TierNode.StartAsync(space);

        var schema = await reader.Registry.GetSchemaAsync(id, Ct);

        Assert.Equal(Text, Encoding.UTF8.GetString(schema.Content.Span));
        Assert.Equal((1L, 0L, 1L), (reader.Metrics.IntegrityFailures(Tier.Shared), reader.Metrics.Hits(Tier.Shared), reader.Metrics.Hits(Tier.Content)));
    }

    [Fact]
    public async Task A_thousand_concurrent_misses_for_one_id_load_it_once()
    {
        var space = await TierSpace.CreateAsync(s3: false);
        await using var writer = await TierNode.StartAsync(space);
        var id = (await RegisterAsync(writer, "orders", """{"type":"object","title":"stampede"}""")).SchemaId;
        await using var reader = await TierNode.StartAsync(space.WithColdRedis());
        using var start = new ManualResetEventSlim();

        var reads = Enumerable.Range(0, 1000).Select(_ => Task.Run(async () =>
        {
            start.Wait(Ct);
            return await reader.Registry.GetSchemaAsync(id, Ct);
        }, Ct)).ToArray();
        start.Set();
        var records = await Task.WhenAll(reads);

        Assert.All(records, r => Assert.Equal(id, r.Id));
        Assert.Equal(1, reader.Counting.SchemaLoads);
        Assert.Equal(1, reader.Registry.Cache.Count);

        // The liveness checks after the load share one read too (a few at most, not one per reader), each a Redis miss.
        Assert.InRange(reader.Counting.UsageLoads, 1, 10);
        Assert.Equal(1L + reader.Counting.UsageLoads, reader.Metrics.Misses(Tier.Shared));
    }

    [Fact]
    public async Task A_thousand_concurrent_misses_for_one_subject_load_it_once()
    {
        var space = await TierSpace.CreateAsync(s3: false);
        await using var writer = await TierNode.StartAsync(space);
        await RegisterAsync(writer, "orders", """{"type":"object"}""");
        await using var reader = await TierNode.StartAsync(space.WithColdRedis());
        using var start = new ManualResetEventSlim();

        var reads = Enumerable.Range(0, 1000).Select(_ => Task.Run(async () =>
        {
            start.Wait(Ct);
            return await reader.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct);
        }, Ct)).ToArray();
        start.Set();
        var versions = await Task.WhenAll(reads);

        Assert.All(versions, v => Assert.Equal(1, v.Version));
        Assert.Equal(1, reader.Counting.SubjectLoads);
    }

    [Fact]
    public async Task A_state_change_on_one_replica_reaches_every_tier_of_the_other_at_once()
    {
        var space = await TierSpace.CreateAsync();
        await using var a = await TierNode.StartAsync(space);
        await using var b = await TierNode.StartAsync(space);
        var id = (await RegisterAsync(a, "orders", """{"type":"object"}""")).SchemaId;
        Assert.Equal(LifecycleState.Active, (await b.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct)).Info.State);
        Assert.Null((await b.Registry.GetValidatorAsync(id, Ct)).Warning);

        await a.Registry.ChangeStateAsync("orders", VersionSelector.Of(1), LifecycleState.Deprecated, new Deprecation { Reason = "use v2" }, Ct);

        Assert.Equal(LifecycleState.Deprecated, (await b.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct)).Info.State);
        Assert.NotNull((await b.Registry.GetValidatorAsync(id, Ct)).Warning);
        await using var c = await TierNode.StartAsync(space);
        Assert.Equal(LifecycleState.Deprecated, (await c.Registry.GetVersionAsync("orders", VersionSelector.Of(1), cancellationToken: Ct)).Info.State);
        Assert.True(b.Metrics.InvalidationsReceived >= 1);
    }

    [Fact]
    public async Task A_new_version_and_a_config_change_on_one_replica_are_read_at_once_on_the_other()
    {
        var space = await TierSpace.CreateAsync(s3: false);
        await using var a = await TierNode.StartAsync(space);
        await using var b = await TierNode.StartAsync(space);
        await a.Registry.SetCompatibilityAsync("orders", Registry.Schemas.Compatibility.CompatibilityLevel.None, cancellationToken: Ct);
        for (var i = 1; i <= 10; i++)
        {
            // b holds the subject and its config in memory and in Redis before each write.
            Assert.Equal(i - 1, (await b.Store.GetSubjectAsync("orders", Ct))?.Versions.Count ?? 0);
            await b.Registry.GetConfigAsync("orders", Ct);

            var registered = await RegisterAsync(a, "orders", $$"""{"title":"v{{i}}"}""");
            var level = i % 2 == 0 ? Registry.Schemas.Compatibility.CompatibilityLevel.Forward : Registry.Schemas.Compatibility.CompatibilityLevel.None;
            await a.Registry.SetCompatibilityAsync("orders", level, cancellationToken: Ct);

            var latest = await b.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct);
            Assert.Equal((registered.Version, registered.SchemaId), (latest.Version, latest.SchemaId));
            Assert.Equal(level, (await b.Registry.GetConfigAsync("orders", Ct)).Compatibility);
        }

        Assert.True(b.Metrics.Hits(Tier.Memory) > 0);
    }

    [Fact]
    public async Task Replicas_writing_one_subject_in_turn_each_read_the_others_versions_while_the_writer_keeps_its_own_next_snapshot()
    {
        var space = await TierSpace.CreateAsync(s3: false);
        await using var a = await TierNode.StartAsync(space);
        await using var b = await TierNode.StartAsync(space);
        await a.Registry.SetCompatibilityAsync("orders", Registry.Schemas.Compatibility.CompatibilityLevel.None, cancellationToken: Ct);
        await RegisterAsync(a, "orders", """{"title":"v0"}""");
        for (var i = 1; i <= 10; i++)
        {
            // The writer prepares against the snapshot it holds (the other replica's write made it read it again).
            var (writer, other) = i % 2 == 1 ? (b, a) : (a, b);
            var registered = await RegisterAsync(writer, "orders", $$"""{"title":"v{{i}}"}""");

            // The writer answers from memory with what PostgreSQL holds; the other replica forgot and reads it again.
            var loads = writer.Counting.SubjectLoads;
            var held = await writer.Store.GetSubjectAsync("orders", Ct);
            Assert.Equal(loads, writer.Counting.SubjectLoads);
            var stored = await writer.Counting.Inner.GetSubjectAsync("orders", Ct);
            Assert.Equal(FactCodecs.Subject.Encode(stored), FactCodecs.Subject.Encode(held));
            foreach (var node in (TierNode[])[writer, other])
            {
                var latest = await node.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct);
                Assert.Equal((i + 1, registered.SchemaId), (latest.Version, latest.SchemaId));
            }
        }
    }

    [Fact]
    public async Task A_hard_delete_on_one_replica_removes_the_schema_from_the_other()
    {
        var space = await TierSpace.CreateAsync(s3: false);
        await using var a = await TierNode.StartAsync(space);
        await using var b = await TierNode.StartAsync(space);
        var id = (await RegisterAsync(a, "orders", """{"type":"object"}""")).SchemaId;
        await b.Registry.GetSchemaAsync(id, Ct);

        await a.Registry.DeleteSubjectAsync("orders", cancellationToken: Ct);
        await a.Registry.DeleteSubjectAsync("orders", permanent: true, cancellationToken: Ct);

        Assert.False(b.Registry.TryGetCachedSchema(id, out _));
        var error = await Assert.ThrowsAsync<RegistryException>(async () => await b.Registry.GetSchemaAsync(id, Ct));
        Assert.Equal(RegistryErrorCode.SchemaNotFound, error.Code);
        await using var c = await TierNode.StartAsync(space);
        Assert.Equal(RegistryErrorCode.SchemaNotFound, (await Assert.ThrowsAsync<RegistryException>(async () => await c.Registry.GetSchemaAsync(id, Ct))).Code);
    }

    [Fact]
    public async Task Mutable_facts_expire_from_memory_and_from_redis_after_their_ttl()
    {
        // The memory tier runs on an injected clock; Redis expires keys on its own clock, so that half waits for it.
        var space = await TierSpace.CreateAsync(s3: false);
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var node = await TierNode.StartAsync(
            space,
            redis: r => r.MutableTtl = TimeSpan.FromSeconds(3),
            memory: m => m.FactTtl = TimeSpan.FromSeconds(10),
            time: time);
        await node.Registry.GetConfigAsync("orders", Ct);
        await node.Registry.GetConfigAsync("orders", Ct);
        Assert.Equal(1, node.Counting.ConfigLoads);
        Assert.Equal(0L, node.Metrics.Hits(Tier.Shared));
        var db = node.Redis!.GetDatabase();
        var key = $"{space.Prefix}cfg:orders";
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(3));

        time.Advance(TimeSpan.FromSeconds(10.001));
        await node.Registry.GetConfigAsync("orders", Ct);

        Assert.Equal(1, node.Counting.ConfigLoads);
        Assert.Equal(1L, node.Metrics.Hits(Tier.Shared));
        await Waiting.UntilAsync(async () => !await db.KeyExistsAsync(key), "Redis expiring the fact", Ct);
        time.Advance(TimeSpan.FromSeconds(10.001));
        await node.Registry.GetConfigAsync("orders", Ct);
        Assert.Equal(2, node.Counting.ConfigLoads);
    }

    /// <summary>
    /// Two replicas over one PostgreSQL (in the space returned), b cut off from the Redis that a uses (a key space and channel of its own there),
    /// with a 2-s memory fact TTL and <paramref name="mutableTtl"/> in Redis; the staleness bound is their sum.
    /// </summary>
    private static async Task<(TierSpace Space, TierNode A, TierNode B, TimeSpan Bound)> StartCutOffPairAsync(TimeSpan mutableTtl)
    {
        var space = await TierSpace.CreateAsync(s3: false);
        var factTtl = TimeSpan.FromSeconds(2);
        var a = await TierNode.StartAsync(space, redis: r => r.MutableTtl = mutableTtl, memory: m => m.FactTtl = factTtl);
        var b = await TierNode.StartAsync(space.WithColdRedis(), redis: r => r.MutableTtl = mutableTtl, memory: m => m.FactTtl = factTtl);
        return (space, a, b, factTtl + mutableTtl);
    }

    [Fact]
    public async Task A_write_whose_invalidation_never_reaches_a_replica_is_shown_there_once_the_staleness_bound_has_passed()
    {
        // Replica b is cut off from the Redis that a uses (it has a key space and channel of its own there): b's write
        // commits in PostgreSQL, but nothing a holds, in memory or in Redis, is ever invalidated. What bounds a's
        // staleness then is the lifetimes alone: memory's fact TTL plus Redis's mutable TTL, both counted from before
        // the value was read. a keeps reading all along, refilling memory from Redis and Redis from PostgreSQL, which
        // is the worst case. The assertions wait at least the bound, never less: a slow machine only makes them easier.
        var (_, first, second, bound) = await StartCutOffPairAsync(mutableTtl: TimeSpan.FromSeconds(4));
        await using var a = first;
        await using var b = second;
        await RegisterAsync(a, "orders", """{"type":"object"}""");
        Assert.Equal(1, (await a.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct)).Version);

        var written = await RegisterAsync(b, "orders", """{"type":"object","title":"2"}""");
        var acknowledged = System.Diagnostics.Stopwatch.GetTimestamp();
        Assert.Equal(2, written.Version);

        var staleReads = 0;
        while (System.Diagnostics.Stopwatch.GetElapsedTime(acknowledged) < bound)
        {
            if ((await a.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct)).Version == 1)
            {
                staleReads++;
            }

            await Task.Delay(50, Ct);
        }

        // A small allowance for Redis expiring keys on its own clock (and rounding to whole milliseconds).
        await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
        var latest = await a.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct);
        var fromPostgres = a.Counting.SubjectLoads;

        Assert.True(staleReads > 0, "a never served the older version: the test did not cut b off from a");
        Assert.Equal(2, latest.Version);
        Assert.True(fromPostgres >= 2, "a never went back to PostgreSQL for the subject");
    }

    [Fact]
    public async Task A_hard_delete_whose_invalidation_never_reaches_a_replica_is_not_served_there_once_the_staleness_bound_has_passed()
    {
        // As above: b is cut off from the Redis that a uses, so a's memory and a's Redis keep the schema by id (an
        // immutable entry, kept for days) after b hard-deletes it. Whether the id is live is a mutable fact: a serves it
        // at most the memory TTL plus Redis's mutable TTL after the delete, then answers not-found, on the hot path too.
        var (space, first, second, bound) = await StartCutOffPairAsync(mutableTtl: TimeSpan.FromSeconds(3));
        await using var a = first;
        await using var b = second;
        var id = (await RegisterAsync(b, "orders", """{"type":"object","title":"to be deleted"}""")).SchemaId;
        await a.Registry.GetSchemaAsync(id, Ct);
        Assert.True(a.Registry.TryGetCachedSchema(id, out _));

        await b.Registry.DeleteSubjectAsync("orders", cancellationToken: Ct);
        await b.Registry.DeleteSubjectAsync("orders", permanent: true, cancellationToken: Ct);
        var deleted = System.Diagnostics.Stopwatch.GetTimestamp();
        Assert.Equal(RegistryErrorCode.SchemaNotFound, (await Assert.ThrowsAsync<RegistryException>(async () => await b.Registry.GetSchemaAsync(id, Ct))).Code);

        var staleReads = 0;
        while (System.Diagnostics.Stopwatch.GetElapsedTime(deleted) < bound)
        {
            try
            {
                await a.Registry.GetSchemaAsync(id, Ct);
                staleReads++;
            }
            catch (RegistryException e) when (e.Code == RegistryErrorCode.SchemaNotFound)
            {
            }

            await Task.Delay(50, Ct);
        }

        // A small allowance for Redis expiring keys on its own clock (and rounding to whole milliseconds).
        await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
        var error = await Assert.ThrowsAsync<RegistryException>(async () => await a.Registry.GetSchemaAsync(id, Ct));

        Assert.True(staleReads > 0, "a never served the deleted schema: the test did not cut b off from a");
        Assert.Equal(RegistryErrorCode.SchemaNotFound, error.Code);
        Assert.False(a.Registry.TryGetCachedSchema(id, out _));

        // The content by id stays in a's Redis (immutable, never wrong); only the id's liveness decided.
        Assert.True(await a.Redis!.GetDatabase().KeyExistsAsync($"{space.Prefix}s:{id}"));
    }

    [Fact]
    public async Task A_replica_that_let_an_acknowledgement_time_out_pass_is_not_waited_for_until_every_replica_acknowledges_again()
    {
        var space = await TierSpace.CreateAsync(s3: false);
        var options = new RedisTierOptions { KeyPrefix = space.Prefix, AcknowledgementTimeout = TimeSpan.FromSeconds(3) };
        var metrics = new TierMetrics();
        var writerConnection = await ConnectionMultiplexer.ConnectAsync(space.Redis!);
        await using var _ = writerConnection;
        await using var writer = new RedisInvalidationBus(writerConnection, options, metrics, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await writer.StartAsync(Ct);

        // A replica cut off from Redis: Redis still counts its subscription (its connection was never closed), and it
        // never acknowledges.
        var silentConnection = await ConnectionMultiplexer.ConnectAsync(space.Redis!);
        await using var __ = silentConnection;
        var silent = await silentConnection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(space.Prefix + "invalidate"));

        Assert.Equal(0, await writer.PublishAsync(InvalidationKind.Subject, "orders", [], Ct));
        Assert.Equal((1L, 1), (metrics.AcknowledgementTimeouts, writer.SilentReplicas));
        Assert.Equal(0, await writer.PublishAsync(InvalidationKind.Subject, "orders", [], Ct));
        Assert.Equal(1L, metrics.AcknowledgementTimeouts); // the second write did not wait for it

        // It is back (here another replica that acknowledges takes its place): once every replica has acknowledged a
        // message, each is waited for again.
        await silent.UnsubscribeAsync();
        var otherConnection = await ConnectionMultiplexer.ConnectAsync(space.Redis!);
        await using var ___ = otherConnection;
        await using var other = new RedisInvalidationBus(otherConnection, options, new TierMetrics(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await other.StartAsync(Ct);
        await writer.PublishAsync(InvalidationKind.Subject, "orders", [], Ct);
        await Waiting.UntilAsync(() => writer.SilentReplicas == 0, "the late acknowledgement counted", Ct);

        Assert.Equal(1, await writer.PublishAsync(InvalidationKind.Subject, "orders", [], Ct));
        Assert.Equal(1L, metrics.AcknowledgementTimeouts);
    }

    [Fact]
    public async Task A_fill_that_read_its_generation_before_a_write_is_refused()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(await TestServices.RedisAsync());
        await using var _ = redis;
        var cache = new RedisSharedCache(redis, new RedisTierOptions { KeyPrefix = $"g{Guid.NewGuid():N}:" });
        var key = FactKey.Subject("orders");

        var before = await cache.GetFactAsync(key, Ct);
        await cache.InvalidateAsync([key], Ct);
        var stale = await cache.FillFactAsync(key, before.Generation, new byte[] { 1, 2, 3 }, TimeSpan.Zero, Ct);
        var after = await cache.GetFactAsync(key, Ct);
        var fresh = await cache.FillFactAsync(key, after.Generation, new byte[] { 4, 5, 6 }, TimeSpan.Zero, Ct);

        Assert.False(stale);
        Assert.True(fresh);
        Assert.Equal([4, 5, 6], (await cache.GetFactAsync(key, Ct)).Value);
    }

    private static AmazonS3Client S3Client(TierSpace space) => new(
        new BasicAWSCredentials(space.S3!.AccessKey, space.S3.SecretKey),
        new AmazonS3Config { ServiceURL = space.S3.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    private static string ObjectKey(byte[] content) => new S3TierOptions().KeyPrefix + Convert.ToHexStringLower(SHA256.HashData(content));

    private static async Task<byte[]> GetObjectAsync(TierSpace space, byte[] content)
    {
        using var s3 = S3Client(space);
        using var response = await s3.GetObjectAsync(space.Bucket, ObjectKey(content), Ct);
        using var read = new MemoryStream();
        await response.ResponseStream.CopyToAsync(read, Ct);
        return read.ToArray();
    }

    private static async Task PutObjectAsync(TierSpace space, byte[] keyContent, byte[] body)
    {
        using var s3 = S3Client(space);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = space.Bucket,
            Key = ObjectKey(keyContent),
            InputStream = new MemoryStream(body),
            UseChunkEncoding = false,
        }, Ct);
    }
}
