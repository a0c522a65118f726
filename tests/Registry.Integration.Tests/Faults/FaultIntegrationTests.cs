using System.Net;
using System.Text;
using Npgsql;
using Registry.Engine;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage.Redis;
using Registry.Engine.Storage.Tiers;
using Registry.Integration.Tests.Replicas;
using Registry.Integration.Tests.Tiers;
using Registry.Testing;

namespace Registry.Integration.Tests.Faults;

/// <summary>
/// Stopping one server under a running registry. Every test starts its own instance of the server it stops (never
/// the shared ones, which other test projects use at the same time).
/// </summary>
[Trait("Requires", "postgres")]
[Trait("Requires", "redis")]
[Trait("Requires", "s3")]
public sealed class FaultIntegrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<List<long>> RegisterManyAsync(TierNode node, string subject, int count)
    {
        await node.Registry.SetCompatibilityAsync(subject, Registry.Schemas.Compatibility.CompatibilityLevel.None, cancellationToken: Ct);
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await node.Registry.RegisterAsync(new SchemaRegistration { Subject = subject, Schema = Utf8($$"""{"title":"s{{i}}"}""") }, Ct)).SchemaId);
        }

        return ids;
    }

    /// <summary>
    /// Counts the reads that started after the service was stopped (<see cref="Open"/>) and finished before the
    /// reading stopped (<see cref="Close"/>, always before the service is started again): only those prove anything
    /// about reading without the service.
    /// </summary>
    private sealed class OutageWindow
    {
        private int _state; // 0 before the stop, 1 open, 2 closed
        private int _reads;
        private int _readsBefore;

        public bool IsOpen => Volatile.Read(ref _state) == 1;

        public bool IsClosed => Volatile.Read(ref _state) == 2;

        public int ReadsWhileDown => Volatile.Read(ref _reads);

        public int ReadsBeforeStop => Volatile.Read(ref _readsBefore);

        public void Open() => Volatile.Write(ref _state, 1);

        public void Close() => Volatile.Write(ref _state, 2);

        public void Count(bool startedWhileOpen)
        {
            if (startedWhileOpen && IsOpen)
            {
                Interlocked.Increment(ref _reads);
            }
            else if (!startedWhileOpen && Volatile.Read(ref _state) == 0)
            {
                Interlocked.Increment(ref _readsBefore);
            }
        }
    }

    /// <summary>
    /// Reads every id and the subject's latest version through fresh engines (cold memory) until the window closes;
    /// failures are kept whenever they happen.
    /// </summary>
    private static async Task<List<Exception>> ReadUntilAsync(TierSpace space, IReadOnlyList<long> ids, string subject, OutageWindow window, Action<RedisTierOptions>? redis = null)
    {
        var failures = new List<Exception>();
        while (!window.IsClosed)
        {
            await using var node = await TierNode.StartAsync(space, redis: redis);
            foreach (var id in ids)
            {
                var startedWhileOpen = window.IsOpen;
                try
                {
                    var schema = await node.Registry.GetSchemaAsync(id, Ct);
                    Assert.Equal(id, schema.Id);
                    await node.Registry.GetVersionAsync(subject, VersionSelector.Latest, cancellationToken: Ct);
                    window.Count(startedWhileOpen);
                }
                catch (RegistryException e)
                {
                    failures.Add(e);
                }
            }
        }

        return failures;
    }

    /// <summary>
    /// Reads while <paramref name="stopService"/> takes the service away: waits for reads before the stop (the reader
    /// runs), stops the service, then waits until at least two full rounds of reads (<paramref name="ids"/> each)
    /// started and ended while it was down, and closes the window. Returns the reads made while down and the failures.
    /// </summary>
    private static async Task<(int ReadsWhileDown, List<Exception> Failures)> ReadAcrossOutageAsync(
        TierSpace space, IReadOnlyList<long> ids, string subject, Func<Task> stopService, Action<RedisTierOptions>? redis = null)
    {
        var window = new OutageWindow();
        var reading = Task.Run(() => ReadUntilAsync(space, ids, subject, window, redis), Ct);
        try
        {
            await Waiting.UntilAsync(() => window.ReadsBeforeStop > 0 || reading.IsCompleted, "reads before the service is stopped", Ct, TimeSpan.FromSeconds(60));
            await stopService();
            window.Open();
            await Waiting.UntilAsync(() => window.ReadsWhileDown >= 2 * ids.Count || reading.IsCompleted, "two rounds of reads while the service is down", Ct, TimeSpan.FromSeconds(90));
        }
        finally
        {
            window.Close();
        }

        var failures = await reading;
        return (window.ReadsWhileDown, failures);
    }

    [Fact]
    public async Task Stopping_redis_during_reads_fails_no_read_and_it_is_used_again_once_back()
    {
        await using var redis = await PrivateRedis.StartNewAsync();
        var space = (await TierSpace.CreateAsync(s3: false)) with { Redis = redis.Configuration };
        await using var writer = await TierNode.StartAsync(space);
        var ids = await RegisterManyAsync(writer, "orders", 20);
        Action<RedisTierOptions> fast = r => r.OperationTimeout = TimeSpan.FromMilliseconds(300);

        var (readsWhileDown, failures) = await ReadAcrossOutageAsync(space, ids, "orders", redis.StopAsync, fast);

        Assert.Empty(failures);
        Assert.True(readsWhileDown >= 2 * ids.Count, $"{readsWhileDown} reads while Redis was down");

        await redis.StartAsync();
        await using var after = await TierNode.StartAsync(space, redis: fast);
        await after.Registry.GetSchemaAsync(ids[0], Ct);
        await using var next = await TierNode.StartAsync(space, redis: fast);
        await next.Registry.GetSchemaAsync(ids[0], Ct);

        // Both from Redis, filled by the replica before: the schema and the id's usage (its liveness check).
        Assert.Equal(2L, next.Metrics.Hits(Tier.Shared));
        Assert.Equal((0, 0), (next.Counting.SchemaLoads, next.Counting.UsageLoads));
    }

    [Fact]
    public async Task A_replica_whose_redis_went_away_forgets_what_it_was_told_nothing_about()
    {
        await using var redis = await PrivateRedis.StartNewAsync();
        var space = (await TierSpace.CreateAsync(s3: false)) with { Redis = redis.Configuration };
        Action<RedisTierOptions> fast = r => r.OperationTimeout = TimeSpan.FromMilliseconds(300);
        await using var a = await TierNode.StartAsync(space, redis: fast);
        await using var b = await TierNode.StartAsync(space, redis: fast);
        await RegisterManyAsync(a, "orders", 1);
        Assert.Equal(1, (await b.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct)).Version);
        Assert.True(b.Store.Facts.Enabled);

        await redis.StopAsync();
        await WaitForAsync(() => !b.Store.Facts.Enabled);
        await a.Registry.RegisterAsync(new SchemaRegistration { Subject = "orders", Schema = Utf8("""{"title":"while redis was down"}""") }, Ct);

        Assert.Equal(2, (await b.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct)).Version);
        await redis.StartAsync();
        await WaitForAsync(() => a.Store.Facts.Enabled && b.Store.Facts.Enabled);
        await a.Registry.RegisterAsync(new SchemaRegistration { Subject = "orders", Schema = Utf8("""{"title":"after redis came back"}""") }, Ct);
        Assert.Equal(3, (await b.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct)).Version);
    }

    [Fact]
    public async Task Stopping_the_s3_server_during_reads_fails_no_read()
    {
        await using var s3 = await PrivateS3.StartNewAsync();
        var endpoint = new S3Endpoint(s3.ServiceUrl, PrivateS3.AccessKey, PrivateS3.SecretKey);
        var space = (await TierSpace.CreateAsync(redis: false)) with { S3 = endpoint };
        await using var writer = await TierNode.StartAsync(space);
        var ids = await RegisterManyAsync(writer, "orders", 20);
        await writer.Store.ContentPutsSettledAsync(); // the content reaches S3 after the writes are answered
        await using (var probe = await TierNode.StartAsync(space))
        {
            await probe.Registry.GetSchemaAsync(ids[0], Ct);
            Assert.Equal(1L, probe.Metrics.Hits(Tier.Content));
        }

        var (readsWhileDown, failures) = await ReadAcrossOutageAsync(space, ids, "orders", s3.StopAsync);

        Assert.Empty(failures);
        Assert.True(readsWhileDown >= 2 * ids.Count, $"{readsWhileDown} reads while the S3 server was down");
        await using var cold = await TierNode.StartAsync(space);
        foreach (var id in ids)
        {
            Assert.Equal(id, (await cold.Registry.GetSchemaAsync(id, Ct)).Id);
        }

        Assert.True(cold.Metrics.Errors(Tier.Content) + cold.Metrics.Skipped(Tier.Content) > 0);
        Assert.Equal(ids.Count, cold.Counting.SchemaLoads);
    }

    [Fact]
    public async Task Stopping_postgres_keeps_cached_reads_answering_refuses_writes_as_unavailable_and_leaves_nothing_half_written()
    {
        await using var postgres = await PrivatePostgres.StartNewAsync();
        var space = (await TierSpace.CreateAsync(s3: false)) with { Postgres = postgres.ConnectionString };
        var settings = ReplicaServer.Settings(space);
        settings["Registry:Storage:Postgres:ConnectTimeout"] = "00:00:02";
        await using var server = await ReplicaServer.StartAsync(settings);
        Assert.Equal(HttpStatusCode.OK, (await server.PutAsync("/v1/config/orders", """{"compatibility":"NONE"}""")).Status);
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var (status, body) = await server.PostAsync("/v1/subjects/orders/versions", $$$"""{"schema":{"title":"s{{{i}}}"}}""");
            Assert.Equal(HttpStatusCode.Created, status);
            ids.Add(body.GetProperty("id").GetInt64());
        }

        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.OK, (await server.GetAsync($"/v1/schemas/{id}")).Status);
            Assert.Equal(HttpStatusCode.OK, (await server.PostAsync($"/v1/schemas/{id}/validate", "{}")).Status);
        }

        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/v1/subjects/orders/versions/latest")).Status);

        // Writes in flight while the server stops (to another subject): each is either acknowledged or refused, never half-written.
        Assert.Equal(HttpStatusCode.OK, (await server.PutAsync("/v1/config/racing", """{"compatibility":"NONE"}""")).Status);
        var inFlight = Enumerable.Range(0, 20).Select(i => server.PostAsync("/v1/subjects/racing/versions", $$$"""{"schema":{"title":"racing{{{i}}}"}}""")).ToArray();
        await postgres.StopAsync();
        var raced = await Task.WhenAll(inFlight);
        Assert.All(raced, r => Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{(int)r.Status}: {r.Body}"));

        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.OK, (await server.GetAsync($"/v1/schemas/{id}")).Status);
            Assert.Equal(HttpStatusCode.OK, (await server.PostAsync($"/v1/schemas/{id}/validate", "{}")).Status);
        }

        var (latestStatus, latest) = await server.GetAsync("/v1/subjects/orders/versions/latest");
        Assert.Equal(HttpStatusCode.OK, latestStatus);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/v1/config/orders")).Status);
        for (var i = 0; i < 5; i++)
        {
            var (refused, error) = await server.PostAsync("/v1/subjects/orders/versions", $$$"""{"schema":{"title":"while down {{{i}}}"}}""");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
            Assert.Equal("store_unavailable", error.GetProperty("error_code").GetString());
        }

        await postgres.StartAsync();

        // Every version is whole, numbered without gaps, with ids without gaps; every acknowledged write is there.
        var acknowledged = raced.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.Body.GetProperty("version").GetInt32()).ToList();
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand("""
                SELECT v.version, s.id, s.content IS NOT NULL, (SELECT revision FROM subjects WHERE name = 'racing')
                FROM versions v JOIN schemas s ON s.id = v.schema_id WHERE v.subject = 'racing' ORDER BY v.version
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            var versions = new List<int>();
            long revision = 0;
            while (await reader.ReadAsync(Ct))
            {
                versions.Add(reader.GetInt32(0));
                Assert.True(reader.GetBoolean(2));
                revision = reader.GetInt64(3);
            }

            Assert.Equal(Enumerable.Range(1, versions.Count), versions);
            Assert.Equal(versions.Count, revision);
            Assert.Subset(versions.ToHashSet(), acknowledged.ToHashSet());
        }

        Assert.Equal(5, latest.GetProperty("version").GetInt32());

        (HttpStatusCode Status, System.Text.Json.JsonElement Body) next = default;
        await WaitForAsync(async () => (next = await server.PostAsync("/v1/subjects/orders/versions", """{"schema":{"title":"after restart"}}""")).Status == HttpStatusCode.Created);
        var listed = new List<(int Version, long Id)>();
        foreach (var subject in new[] { "orders", "racing" })
        {
            var (status, all) = await server.GetAsync($"/v1/subjects/{subject}/versions");
            if (status == HttpStatusCode.NotFound)
            {
                // Every racing write was refused (the server stopped before any committed): that subject has no version.
                Assert.Equal("racing", subject);
                Assert.Empty(acknowledged);
                continue;
            }

            Assert.Equal(HttpStatusCode.OK, status);
            var versions = all.EnumerateArray().Select(v => (Version: v.GetProperty("version").GetInt32(), Id: v.GetProperty("id").GetInt64())).ToList();
            Assert.Equal(Enumerable.Range(1, versions.Count), versions.Select(v => v.Version));
            listed.AddRange(versions);
        }

        Assert.Equal(6, next.Body.GetProperty("version").GetInt32());
        Assert.Equal(Enumerable.Range(1, listed.Count).Select(i => (long)i), listed.Select(v => v.Id).Order());
    }

    [Fact]
    public async Task With_postgres_down_the_engine_reports_store_unavailable_and_keeps_serving_its_memory()
    {
        await using var postgres = await PrivatePostgres.StartNewAsync();
        var space = (await TierSpace.CreateAsync(s3: false)) with { Postgres = postgres.ConnectionString };
        await using var node = await TierNode.StartAsync(space);
        var ids = await RegisterManyAsync(node, "orders", 3);
        var latest = await node.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct);

        await postgres.StopAsync();

        Assert.Equal(ids[0], (await node.Registry.GetSchemaAsync(ids[0], Ct)).Id);
        Assert.Equal(latest.Version, (await node.Registry.GetVersionAsync("orders", VersionSelector.Latest, cancellationToken: Ct)).Version);
        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            node.Registry.RegisterAsync(new SchemaRegistration { Subject = "orders", Schema = Utf8("""{"title":"refused"}""") }, Ct));
        Assert.Equal(RegistryErrorCode.StoreUnavailable, error.Code);
        var listing = await Assert.ThrowsAsync<RegistryException>(() => node.Registry.ListSubjectsAsync(cancellationToken: Ct));
        Assert.Equal(RegistryErrorCode.StoreUnavailable, listing.Code);
    }

    private static Task WaitForAsync(Func<bool> condition) => Waiting.UntilAsync(condition, "the condition", Ct, interval: TimeSpan.FromMilliseconds(100));

    private static Task WaitForAsync(Func<Task<bool>> condition) => Waiting.UntilAsync(condition, "the condition", Ct, interval: TimeSpan.FromMilliseconds(100));
}
