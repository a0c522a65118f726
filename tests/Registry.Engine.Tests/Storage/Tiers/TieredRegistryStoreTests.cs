using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Schemas;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Redis;
using Registry.Engine.Storage.Sqlite;
using Registry.Engine.Storage.Tiers;
using Registry.Testing;

namespace Registry.Engine.Tests.Storage.Tiers;

/// <summary>
/// The tiered store over the embedded store, with tiers that fail on demand: what a failing tier costs a read, and
/// what the breakers and the invalidation outbox do about it. No external service needed.
/// </summary>
public sealed class TieredRegistryStoreTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _folder = new("tiered-store");
    private readonly ManualTime _time = new();
    private readonly FlakySharedCache _shared = new();
    private FaultyStore _store = null!;
    private TieredRegistryStore _tiered = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var sqlite = new SqliteRegistryStore(new SqliteStoreOptions { Path = _folder.File("registry.db") });
        _store = new FaultyStore(sqlite);
        _tiered = new TieredRegistryStore(new TieredStoreParts
        {
            Store = _store,
            Shared = _shared,
            SharedOptions = new RedisTierOptions { BreakerThreshold = 3, BreakerDuration = TimeSpan.FromSeconds(5) },
            StoreBreaker = new StoreBreakerOptions { Threshold = 3, Duration = TimeSpan.FromSeconds(2) },
            Time = _time,
        });
        await _tiered.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _tiered.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static VersionAppend Append(string subject, long revision, string schema)
    {
        var identity = SchemaIdentity.Compute("JSON", Encoding.UTF8.GetBytes(schema), [], 64);
        return new VersionAppend
        {
            Subject = subject,
            ExpectedRevision = revision,
            SchemaType = "JSON",
            Fingerprint = identity.Fingerprint,
            ContentHash = identity.ContentHash,
            Content = Encoding.UTF8.GetBytes(schema),
            References = identity.References,
            CreatedAt = DateTimeOffset.UnixEpoch,
        };
    }

    [Fact]
    public async Task A_failing_shared_cache_is_skipped_and_its_breaker_opens_while_every_read_is_served_by_the_store()
    {
        var appended = await _tiered.AppendVersionAsync(Append("a", 0, """{"type":"string"}"""), Ct);
        _shared.Failing = true;

        for (var i = 0; i < 5; i++)
        {
            var record = await _tiered.GetSchemaAsync(appended.SchemaId, Ct);
            Assert.Equal("""{"type":"string"}""", Encoding.UTF8.GetString(record!.Content.Span));
        }

        // One call to the shared cache per read: three failures open its breaker, the last two reads skip it.
        Assert.Equal(3, _tiered.Metrics.Errors(Tier.Shared));
        Assert.Equal(2, _tiered.Metrics.Skipped(Tier.Shared));
        Assert.Equal(5, _tiered.Metrics.Hits(Tier.Store));
        Assert.True(_tiered.Breakers.Shared.IsOpen);
        Assert.False(_tiered.Breakers.Store.IsOpen);
    }

    [Fact]
    public async Task An_unavailable_store_opens_its_breaker_and_later_calls_fail_at_once_without_reaching_it()
    {
        _store.Fault = () => new RegistryException(RegistryErrorCode.StoreUnavailable, "down");

        for (var i = 0; i < 3; i++)
        {
            var failed = await Assert.ThrowsAsync<RegistryException>(() => _tiered.ListSubjectsAsync(new SubjectQuery(null, DeletedFilter.Include, 0, 10), Ct));
            Assert.Equal(RegistryErrorCode.StoreUnavailable, failed.Code);
        }

        var callsWhenOpened = _store.Calls;
        var refused = await Assert.ThrowsAsync<RegistryException>(() => _tiered.ListSubjectsAsync(new SubjectQuery(null, DeletedFilter.Include, 0, 10), Ct));

        Assert.Equal(RegistryErrorCode.StoreUnavailable, refused.Code);
        Assert.Equal(callsWhenOpened, _store.Calls);
        Assert.True(_tiered.Breakers.Store.IsOpen);
        Assert.Equal(1, _tiered.Metrics.Skipped(Tier.Store));

        // After the break, one probe reaches the store again; its success closes the breaker.
        _store.Fault = null;
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(await _tiered.ListSubjectsAsync(new SubjectQuery(null, DeletedFilter.Include, 0, 10), Ct));
        Assert.False(_tiered.Breakers.Store.IsOpen);
    }

    [Fact]
    public async Task Store_calls_are_timed_per_tier_and_outcome_and_each_breaker_publishes_whether_it_is_open()
    {
        var calls = new System.Collections.Concurrent.ConcurrentQueue<(string Tier, string Outcome, double Seconds)>();
        var breakers = new Dictionary<string, int>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, _tiered.Metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "registry.storage.call.duration")
            {
                calls.Enqueue((TagOf(tags, "tier"), TagOf(tags, "outcome"), value));
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "registry.storage.breaker.open")
            {
                breakers[TagOf(tags, "tier")] = value;
            }
        });
        listener.Start();

        var query = new SubjectQuery(null, DeletedFilter.Include, 0, 10);
        await _tiered.ListSubjectsAsync(query, Ct);
        _store.Fault = () => new RegistryException(RegistryErrorCode.StoreUnavailable, "down");
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<RegistryException>(() => _tiered.ListSubjectsAsync(query, Ct));
        }

        // The fourth call is refused by the open breaker: not made, so not timed.
        await Assert.ThrowsAsync<RegistryException>(() => _tiered.ListSubjectsAsync(query, Ct));
        listener.RecordObservableInstruments();

        Assert.Equal(1, calls.Count(c => c is { Tier: "store", Outcome: "ok" }));
        Assert.Equal(3, calls.Count(c => c is { Tier: "store", Outcome: "error" }));
        Assert.All(calls, c => Assert.InRange(c.Seconds, 0, 60));
        Assert.Equal(1, breakers["store"]);
        Assert.Equal(0, breakers["redis"]);
        Assert.False(breakers.ContainsKey("s3")); // no content tier configured, no breaker to publish
    }

    private static string TagOf(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return (string)tag.Value!;
            }
        }

        return "";
    }

    [Fact]
    public async Task Other_store_errors_reach_the_caller_and_do_not_count_against_the_breaker()
    {
        _store.Fault = () => new RegistryException("constraint violated");

        for (var i = 0; i < 5; i++)
        {
            var failed = await Assert.ThrowsAsync<RegistryException>(() => _tiered.ListSubjectsAsync(new SubjectQuery(null, DeletedFilter.Include, 0, 10), Ct));
            Assert.Equal("constraint violated", failed.Message);
        }

        Assert.Equal(5, _store.Calls);
        Assert.False(_tiered.Breakers.Store.IsOpen);
        Assert.Equal(0, _tiered.Metrics.Errors(Tier.Store));
    }

    [Fact]
    public async Task Invalidations_the_shared_cache_missed_are_sent_before_a_later_write_once_it_answers_again()
    {
        _shared.Failing = true;
        await _tiered.AppendVersionAsync(Append("a", 0, """{"type":"string"}"""), Ct);
        Assert.True(_tiered.PendingInvalidations >= 2);
        Assert.Empty(_shared.Invalidated);

        // The append's three failed calls opened the breaker; after the break, the next write's own invalidation is
        // the probe that closes it, and the write after that replays what was missed before its own.
        _shared.Failing = false;
        _time.Advance(TimeSpan.FromSeconds(6));
        await _tiered.SetConfigAsync("b", new ConfigRecord { Mode = RegistryMode.ReadOnly }, Ct);
        await _tiered.SetConfigAsync("c", new ConfigRecord { Mode = RegistryMode.ReadOnly }, Ct);

        Assert.Equal([FactKey.Config("b"), FactKey.Subject("a"), FactKey.Usage(1), FactKey.Config("c")], _shared.Invalidated);
    }

    [Fact]
    public async Task A_write_waits_for_a_shared_cache_that_never_answers_only_its_write_time_out_and_the_invalidation_is_kept()
    {
        // Redis cut off: calls are neither answered nor refused. A write's calls after its commit give up after the
        // write time-out (default 250 ms, far below the test's patience), count against the breaker and leave the
        // invalidation in the outbox; the write is answered.
        _shared.Hanging = true;
        var result = await _tiered.AppendVersionAsync(Append("a", 0, """{"type":"string"}"""), Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(WriteOutcome.Done, result.Outcome);
        Assert.True(_tiered.PendingInvalidations >= 2);
        Assert.True(_tiered.Metrics.Errors(Tier.Shared) >= 3);
        Assert.True(_tiered.Breakers.Shared.IsOpen); // the write-through (2 calls) and the invalidation failed: the threshold

        // Redis back: after the break the next write's invalidation probes, closes the breaker, and the one after it
        // replays what was kept.
        _shared.Hanging = false;
        _time.Advance(TimeSpan.FromSeconds(6));
        await _tiered.SetConfigAsync("b", new ConfigRecord { Mode = RegistryMode.ReadOnly }, Ct);
        await _tiered.SetConfigAsync("c", new ConfigRecord { Mode = RegistryMode.ReadOnly }, Ct);
        Assert.Contains(FactKey.Subject("a"), _shared.Invalidated);
    }

    [Fact]
    public async Task A_lost_invalidation_channel_opens_the_shared_breaker_at_once_and_its_return_closes_it()
    {
        var bus = new ManualBus();
        var sqlite = new SqliteRegistryStore(new SqliteStoreOptions { Path = _folder.File("with-bus.db") });
        var shared = new FlakySharedCache();
        await using var tiered = new TieredRegistryStore(new TieredStoreParts
        {
            Store = sqlite,
            Shared = shared,
            SharedOptions = new RedisTierOptions { BreakerThreshold = 3, BreakerDuration = TimeSpan.FromSeconds(5) },
            Bus = bus,
            Owned = [sqlite],
            Time = _time,
        });
        await tiered.InitializeAsync(Ct);
        await tiered.AppendVersionAsync(Append("a", 0, """{"type":"string"}"""), Ct);

        // Redis goes away: the channel reports it, and the first read after that must not try the shared cache.
        shared.Failing = true;
        bus.Lose();
        Assert.True(tiered.Breakers.Shared.IsOpen);
        var errors = tiered.Metrics.Errors(Tier.Shared);
        var snapshot = await tiered.GetSubjectAsync("a", Ct);
        Assert.NotNull(snapshot);
        Assert.Equal(errors, tiered.Metrics.Errors(Tier.Shared));
        Assert.True(tiered.Metrics.Skipped(Tier.Shared) >= 1);

        // Back: the breaker closes without waiting for its break, and reads use the shared cache again.
        shared.Failing = false;
        bus.Restore();
        Assert.False(tiered.Breakers.Shared.IsOpen);
        var skipped = tiered.Metrics.Skipped(Tier.Shared);
        Assert.NotNull(await tiered.GetSubjectAsync("a", Ct));
        Assert.Equal(skipped, tiered.Metrics.Skipped(Tier.Shared));
    }

    [Fact]
    public async Task A_shared_tier_timing_out_behind_a_connected_channel_stops_memory_serving_facts_and_writes_stop_waiting_on_the_channel()
    {
        // A partition: packets to Redis are dropped, the connection still looks open, so no loss is reported; calls
        // time out. The time-outs open the shared tier's breaker, and that must count as the channel being lost.
        var bus = new ManualBus();
        var store = new FaultyStore(new SqliteRegistryStore(new SqliteStoreOptions { Path = _folder.File("partition.db") }));
        var shared = new FlakySharedCache();
        await using var tiered = new TieredRegistryStore(new TieredStoreParts
        {
            Store = store,
            Shared = shared,
            SharedOptions = new RedisTierOptions { BreakerThreshold = 3, BreakerDuration = TimeSpan.FromSeconds(5) },
            Bus = bus,
            Time = _time,
        });
        await tiered.InitializeAsync(Ct);
        var first = await tiered.AppendVersionAsync(Append("a", 0, """{"type":"string"}"""), Ct);
        Assert.NotNull(await tiered.GetSubjectAsync("a", Ct));
        var storeCalls = store.Calls;
        Assert.NotNull(await tiered.GetSubjectAsync("a", Ct));
        Assert.Equal(storeCalls, store.Calls); // served from memory while all is well

        shared.TimingOut = true;
        bus.PublishFault = () => new TimeoutException("publish timed out");
        for (var i = 0; i < 3; i++)
        {
            await tiered.GetSchemaAsync(first.SchemaId, Ct);
        }

        Assert.True(tiered.Breakers.Shared.IsOpen);
        Assert.True(bus.IsConnected);
        Assert.False(tiered.Facts.Enabled);
        storeCalls = store.Calls;
        Assert.NotNull(await tiered.GetSubjectAsync("a", Ct));
        Assert.True(store.Calls > storeCalls, "a fact was served from memory while invalidations could be missed");

        var attempts = bus.PublishAttempts;

        // The first write tries the channel and times out; later ones do not wait for it while the tier is skipped.
        var second = await tiered.AppendVersionAsync(Append("a", 1, """{"type":"string","description":"2"}"""), Ct);
        var third = await tiered.AppendVersionAsync(Append("a", 2, """{"type":"string","description":"3"}"""), Ct);
        Assert.Equal((WriteOutcome.Done, WriteOutcome.Done), (second.Outcome, third.Outcome));
        Assert.Equal(attempts + 1, bus.PublishAttempts);
        Assert.True(tiered.PendingInvalidations > 0);

        // Redis answers again: the breaker's probe closes it, and the missed invalidations are replayed as "forget all".
        shared.TimingOut = false;
        bus.PublishFault = null;
        _time.Advance(TimeSpan.FromSeconds(6));
        await tiered.GetSchemaAsync(first.SchemaId, Ct);
        Assert.False(tiered.Breakers.Shared.IsOpen);
        Assert.True(tiered.Facts.Enabled);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!bus.Published.Contains(InvalidationKind.All) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, Ct);
        }

        Assert.Contains(InvalidationKind.All, bus.Published);
    }

    [Fact]
    public async Task A_schema_hard_deleted_by_another_process_whose_invalidation_never_arrives_is_served_from_memory_only_until_its_liveness_ttl()
    {
        // Replica a (this test's tiered store, with a Redis-like shared cache) and replica b share the system of record
        // but nothing else: no invalidation from b ever reaches a. a holds the schema in its engine's memory.
        var a = new SchemaRegistry(_tiered, time: _time);
        var b = new SchemaRegistry(new TieredRegistryStore(new TieredStoreParts { Store = _store, Shared = new FlakySharedCache(), Time = _time }), time: _time);
        var id = (await b.RegisterAsync(new SchemaRegistration { Subject = "gone", Schema = Encoding.UTF8.GetBytes("""{"type":"boolean"}""") }, Ct)).SchemaId;
        var kept = (await b.RegisterAsync(new SchemaRegistration { Subject = "kept", Schema = Encoding.UTF8.GetBytes("""{"type":"null"}""") }, Ct)).SchemaId;
        await a.GetSchemaAsync(id, Ct);
        await a.GetSchemaAsync(kept, Ct);
        Assert.Equal(TimeSpan.FromSeconds(2), _tiered.LivenessTtl);

        await b.DeleteSubjectAsync("gone", cancellationToken: Ct);
        await b.DeleteSubjectAsync("gone", permanent: true, cancellationToken: Ct);
        var callsBefore = _store.Calls;

        // Within the TTL a still serves both from memory, without asking the store.
        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.True(a.TryGetCachedSchema(id, out _));
        await a.GetSchemaAsync(id, Ct);
        await a.GetSchemaAsync(kept, Ct);
        Assert.Equal(callsBefore, _store.Calls);

        // Past it, the hot path declines and the next read asks whether each id is still used: the deleted one is not found.
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.False(a.TryGetCachedSchema(id, out _));
        var error = await Assert.ThrowsAsync<RegistryException>(async () => await a.GetSchemaAsync(id, Ct));
        Assert.Equal(RegistryErrorCode.SchemaNotFound, error.Code);
        Assert.False(a.TryGetCachedSchema(id, out _));

        // The live one is checked once and then served from memory again for another TTL.
        await a.GetSchemaAsync(kept, Ct);
        var afterCheck = _store.Calls;
        Assert.True(a.TryGetCachedSchema(kept, out _));
        await a.GetSchemaAsync(kept, Ct);
        Assert.Equal(afterCheck, _store.Calls);
    }

    [Fact]
    public async Task A_schema_whose_liveness_cannot_be_checked_while_the_store_is_down_is_still_served_from_memory()
    {
        var a = new SchemaRegistry(_tiered, time: _time);
        var id = (await a.RegisterAsync(new SchemaRegistration { Subject = "s", Schema = Encoding.UTF8.GetBytes("""{"type":"array"}""") }, Ct)).SchemaId;
        await a.GetSchemaAsync(id, Ct);
        _time.Advance(TimeSpan.FromSeconds(3));
        _store.Fault = () => new RegistryException(RegistryErrorCode.StoreUnavailable, "down");

        var schema = await a.GetSchemaAsync(id, Ct);

        Assert.Equal("""{"type":"array"}""", Encoding.UTF8.GetString(schema.Content.Span));
        Assert.True(a.TryGetCachedSchema(id, out _));
    }

    [Fact]
    public async Task A_registration_is_answered_while_its_content_is_still_on_its_way_to_the_content_tier_and_the_content_arrives_after()
    {
        var content = new HeldContentStore();
        await using var tiered = new TieredRegistryStore(new TieredStoreParts { Store = _store, Shared = new FlakySharedCache(), Content = content, Time = _time });
        var registry = new SchemaRegistry(tiered, time: _time);

        var written = await registry.RegisterAsync(new SchemaRegistration { Subject = "held", Schema = Encoding.UTF8.GetBytes("""{"type":"integer"}""") }, Ct);

        // Answered although the put has not finished: the system of record already holds the content.
        Assert.True(written.Created);
        Assert.Empty(content.Stored);
        var settled = tiered.ContentPutsSettledAsync();
        Assert.False(settled.IsCompleted);
        content.Release.TrySetResult();
        await settled;
        Assert.Equal("""{"type":"integer"}""", Encoding.UTF8.GetString(Assert.Single(content.Stored).Value));
    }

    [Fact]
    public async Task A_schema_this_process_registered_is_read_back_from_memory_without_asking_any_tier()
    {
        var registry = new SchemaRegistry(_tiered, time: _time);
        var written = await registry.RegisterAsync(new SchemaRegistration { Subject = "mine", Schema = Encoding.UTF8.GetBytes("""{"type":"number"}""") }, Ct);
        var calls = _store.Calls;

        Assert.True(registry.TryGetCachedSchema(written.SchemaId, out var cached));
        var read = await registry.GetSchemaAsync(written.SchemaId, Ct);

        Assert.Same(cached, read);
        Assert.Equal("""{"type":"number"}""", Encoding.UTF8.GetString(read.Content.Span));
        Assert.Equal(calls, _store.Calls);

        // Known live as of the commit: past the liveness TTL it is checked like any other id.
        _time.Advance(TimeSpan.FromSeconds(2.1));
        Assert.False(registry.TryGetCachedSchema(written.SchemaId, out _));
    }

    [Fact]
    public async Task The_subject_a_write_of_this_process_changed_is_read_back_from_memory_exactly_as_the_store_returns_it()
    {
        var bus = new ManualBus();
        var store = new FaultyStore(new SqliteRegistryStore(new SqliteStoreOptions { Path = _folder.File("own-writes.db") }));
        await using var tiered = new TieredRegistryStore(new TieredStoreParts { Store = store, Shared = new FlakySharedCache(), Bus = bus, Time = _time });
        await tiered.InitializeAsync(Ct);
        var registry = new SchemaRegistry(tiered, time: _time);
        _time.Advance(TimeSpan.FromTicks(1_234_567)); // not a whole millisecond: the store keeps milliseconds

        // A new subject, then versions with every field a registration sets.
        await registry.RegisterAsync(new SchemaRegistration { Subject = "own", Schema = Encoding.UTF8.GetBytes("""{"type":"object"}""") }, Ct);
        for (var i = 1; i <= 3; i++)
        {
            var calls = store.Calls;
            await registry.RegisterAsync(new SchemaRegistration
            {
                Subject = "own",
                Schema = Encoding.UTF8.GetBytes($$"""{"type":"object","description":"{{i}}"}"""),
                Semver = $"1.{i}.0",
                CreatedBy = "alice",
                InitialState = i == 2 ? LifecycleState.Draft : LifecycleState.Active,
                Metadata = new VersionMetadata { Description = $"version {i + 1}", Tags = ["t"] },
            }, Ct);

            // The registration read the subject from memory: the store was asked for the content's id and to append.
            var held = await tiered.GetSubjectAsync("own", Ct);
            Assert.Equal(calls + 2, store.Calls);
            var stored = await tiered.Inner.GetSubjectAsync("own", Ct);
            Assert.Equal(i + 1, held!.Revision);
            Assert.Equal(FactCodecs.Subject.Encode(stored), FactCodecs.Subject.Encode(held));
            _time.Advance(TimeSpan.FromMilliseconds(1.5));
        }
    }

    [Fact]
    public async Task A_snapshot_kept_after_a_write_is_no_fresher_than_the_one_it_extends()
    {
        // A revision number comes back when a subject is deleted whole and created again, so a snapshot that matched
        // the append's revision may have missed writes: extending it must not extend how long it is served.
        var store = new FaultyStore(new SqliteRegistryStore(new SqliteStoreOptions { Path = _folder.File("freshness.db") }));
        await using var tiered = new TieredRegistryStore(new TieredStoreParts { Store = store, Shared = new FlakySharedCache(), Bus = new ManualBus(), Time = _time });
        await tiered.InitializeAsync(Ct);
        await tiered.AppendVersionAsync(Append("a", 0, """{"type":"string"}"""), Ct); // a new subject: known as of this write

        _time.Advance(TimeSpan.FromSeconds(1.5));
        await tiered.AppendVersionAsync(Append("a", 1, """{"type":"string","title":"2"}"""), Ct);
        var calls = store.Calls;
        Assert.Equal(2, (await tiered.GetSubjectAsync("a", Ct))!.Revision);
        Assert.Equal(calls, store.Calls); // held

        // 2.1 s after the first snapshot was known, past the 2-s memory TTL: read again, though the second write was 0.6 s ago.
        _time.Advance(TimeSpan.FromSeconds(0.6));
        Assert.Equal(2, (await tiered.GetSubjectAsync("a", Ct))!.Revision);
        Assert.Equal(calls + 1, store.Calls);
    }

    [Fact]
    public async Task A_read_that_takes_the_shared_caches_old_fact_while_a_write_forgets_it_is_never_served_after_the_write()
    {
        var shared = new StaleSharedCache();
        var store = new SqliteRegistryStore(new SqliteStoreOptions { Path = _folder.File("forget-race.db") });
        await using var tiered = new TieredRegistryStore(new TieredStoreParts { Store = store, Shared = shared, Bus = new ManualBus(), Owned = [store], Time = _time });
        await tiered.InitializeAsync(Ct);
        await tiered.AppendVersionAsync(Append("a", 0, """{"type":"string"}"""), Ct);
        shared.Stale = FactCodecs.Subject.Encode(await store.GetSubjectAsync("a", Ct));
        tiered.Facts.InvalidateAll(); // memory holds nothing: the next write keeps no snapshot of its own

        // While the write's invalidation is on its way to the shared cache, a reader misses memory, takes the shared
        // cache's old snapshot (revision 1), and keeps it in memory.
        SubjectSnapshot? during = null;
        shared.DuringInvalidate = async () => during = await tiered.GetSubjectAsync("a", Ct);
        var written = await tiered.AppendVersionAsync(Append("a", 1, """{"type":"string","title":"2"}"""), Ct);

        Assert.Equal(WriteOutcome.Done, written.Outcome);
        Assert.Equal(1, during!.Revision);
        Assert.Equal(2, (await tiered.GetSubjectAsync("a", Ct))!.Revision);
    }

    [Fact]
    public void A_snapshot_after_an_append_keeps_the_store_order_or_is_not_made()
    {
        var at = DateTimeOffset.UnixEpoch.AddTicks(12_345);
        VersionRecord V(int n) => new() { Subject = "s", Version = n, SchemaId = n, State = LifecycleState.Active, CreatedAt = at, UpdatedAt = at };
        var before = new SubjectSnapshot("s", 7, [V(1), V(5)]) { Aliases = [new AliasRecord("prod", 1, false, at, null)] };
        var append = Append("s", 7, """{"type":"string"}""") with { CreatedAt = at };

        var next = TieredRegistryStore.Appended(before, append, new AppendResult(WriteOutcome.Done, 9, 6, true))!;
        Assert.Equal(8, next.Revision);
        Assert.Equal([1, 5, 6], next.Versions.Select(v => v.Version));
        Assert.Same(before.Aliases, next.Aliases);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddMilliseconds(1), next.Versions[^1].CreatedAt); // whole milliseconds, as stored

        // An explicit version below the highest (import): the order is left to the store.
        Assert.Null(TieredRegistryStore.Appended(before, append, new AppendResult(WriteOutcome.Done, 9, 3, true)));
    }

    /// <summary>A content tier whose puts wait until <see cref="Release"/> completes.</summary>
    private sealed class HeldContentStore : IContentStore
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> Stored { get; } = new();

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<byte[]?> GetAsync(ReadOnlyMemory<byte> sha256, CancellationToken cancellationToken) =>
            Task.FromResult(Stored.TryGetValue(Convert.ToHexString(sha256.Span), out var bytes) ? bytes : null);

        public async Task PutAsync(ReadOnlyMemory<byte> sha256, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            await Release.Task.WaitAsync(cancellationToken);
            Stored[Convert.ToHexString(sha256.Span)] = content.ToArray();
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A store that throws what <see cref="Fault"/> returns before reaching the real one, and counts calls.</summary>
    private sealed class FaultyStore(IRegistryStore inner) : IRegistryStore
    {
        private int _calls;

        public Func<Exception>? Fault { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken) => Enter(() => inner.GetSchemaAsync(id, cancellationToken));

        public Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) => Enter(() => inner.FindSchemaIdAsync(fingerprint, cancellationToken));

        public Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken) => Enter(() => inner.GetSubjectAsync(subject, cancellationToken));

        public Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken) => Enter(() => inner.GetVersionAsync(subject, version, cancellationToken));

        public Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken) => Enter(() => inner.ListSubjectsAsync(query, cancellationToken));

        public Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken) => Enter(() => inner.GetSchemaUsageAsync(schemaId, cancellationToken));

        public Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken) => Enter(() => inner.GetReferrersAsync(target, cancellationToken));

        public Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken) => Enter(() => inner.AppendVersionAsync(append, cancellationToken));

        public Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken) => Enter(() => inner.UpdateVersionAsync(update, cancellationToken));

        public Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken) =>
            Enter(() => inner.SoftDeleteAsync(subject, versions, expectedRevision, now, cancellationToken));

        public Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken) =>
            Enter(() => inner.HardDeleteAsync(subject, versions, wholeSubject, expectedRevision, cancellationToken));

        public Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken) => Enter(() => inner.GetConfigAsync(subject, cancellationToken));

        public Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken) => Enter(() => inner.SetConfigAsync(subject, config, cancellationToken));

        public Task<WriteResult> SetAliasAsync(AliasWrite write, CancellationToken cancellationToken) => Enter(() => inner.SetAliasAsync(write, cancellationToken));

        public Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string subject, string name, int limit, CancellationToken cancellationToken) => Enter(() => inner.GetAliasHistoryAsync(subject, name, limit, cancellationToken));

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        // The real store is called only when no fault is set.
        private Task<T> Enter<T>(Func<Task<T>> call)
        {
            Interlocked.Increment(ref _calls);
            return Fault is { } fault ? Task.FromException<T>(fault()) : call();
        }

        private Task Enter(Func<Task> call)
        {
            Interlocked.Increment(ref _calls);
            return Fault is { } fault ? Task.FromException(fault()) : call();
        }
    }

    /// <summary>A shared cache that always misses, records invalidations, and throws on every call while <see cref="Failing"/>.</summary>
    private sealed class FlakySharedCache : ISharedCache
    {
        public bool Failing { get; set; }

        /// <summary>Every call fails as a Redis call past its time-out does.</summary>
        public bool TimingOut { get; set; }

        /// <summary>Every call stays unanswered (a partition, with the caller's own time-out the only way out).</summary>
        public bool Hanging { get; set; }

        public List<FactKey> Invalidated { get; } = [];

        public Task<SharedSchema> GetSchemaAsync(long id, CancellationToken cancellationToken) => Answer(new SharedSchema(null, null, "0"));

        public Task<bool> SetSchemaAsync(SchemaEntry entry, ReadOnlyMemory<byte> content, string? generation, CancellationToken cancellationToken) => Answer(true);

        public Task<long?> GetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) => Answer<long?>(null);

        public Task SetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, long id, CancellationToken cancellationToken) => Answer(true);

        public Task<SharedFact> GetFactAsync(FactKey key, CancellationToken cancellationToken) => Answer(new SharedFact(null, "0"));

        public Task<bool> FillFactAsync(FactKey key, string generation, ReadOnlyMemory<byte> value, TimeSpan age, CancellationToken cancellationToken) => Answer(true);

        public Task InvalidateAsync(IReadOnlyList<FactKey> keys, CancellationToken cancellationToken)
        {
            if (Hanging)
            {
                return new TaskCompletionSource().Task;
            }

            if (Failing || TimingOut)
            {
                return Task.FromException(Failing ? new IOException("the shared cache is down") : new TimeoutException("timed out"));
            }

            Invalidated.AddRange(keys);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private Task<T> Answer<T>(T value) =>
            Hanging ? new TaskCompletionSource<T>().Task
            : Failing ? Task.FromException<T>(new IOException("the shared cache is down"))
            : TimingOut ? Task.FromException<T>(new TimeoutException("timed out"))
            : Task.FromResult(value);
    }

    /// <summary>
    /// A shared cache that answers every fact with <see cref="Stale"/> until an invalidation has dropped it, and runs
    /// <see cref="DuringInvalidate"/> (once) while the invalidation is on its way.
    /// </summary>
    private sealed class StaleSharedCache : ISharedCache
    {
        public byte[]? Stale { get; set; }

        public Func<Task>? DuringInvalidate { get; set; }

        public Task<SharedSchema> GetSchemaAsync(long id, CancellationToken cancellationToken) => Task.FromResult(new SharedSchema(null, null, "0"));

        public Task<bool> SetSchemaAsync(SchemaEntry entry, ReadOnlyMemory<byte> content, string? generation, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<long?> GetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) => Task.FromResult<long?>(null);

        public Task SetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, long id, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<SharedFact> GetFactAsync(FactKey key, CancellationToken cancellationToken) =>
            Task.FromResult(new SharedFact(key.Kind == FactKind.Subject ? Stale : null, "1"));

        public Task<bool> FillFactAsync(FactKey key, string generation, ReadOnlyMemory<byte> value, TimeSpan age, CancellationToken cancellationToken) => Task.FromResult(false);

        public async Task InvalidateAsync(IReadOnlyList<FactKey> keys, CancellationToken cancellationToken)
        {
            var during = DuringInvalidate;
            DuringInvalidate = null;
            if (during is not null)
            {
                await during();
            }

            Stale = null;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>An invalidation channel with no other replica, lost and restored on demand.</summary>
    private sealed class ManualBus : IInvalidationBus
    {
        public Guid Origin { get; } = Guid.NewGuid();

        public bool IsConnected { get; private set; } = true;

        public event Action<Invalidation>? Received
        {
            add { }
            remove { }
        }

        public event Action? Lost;

        public event Action? Restored;

        public void Lose()
        {
            IsConnected = false;
            Lost?.Invoke();
        }

        public void Restore()
        {
            Lost?.Invoke();
            IsConnected = true;
            Restored?.Invoke();
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        /// <summary>When set, a publish fails with what it returns (the channel looks connected all the same).</summary>
        public Func<Exception>? PublishFault { get; set; }

        public int PublishAttempts { get; private set; }

        public List<InvalidationKind> Published { get; } = [];

        public Task<int> PublishAsync(InvalidationKind kind, string? subject, IReadOnlyList<long> schemaIds, CancellationToken cancellationToken)
        {
            lock (Published)
            {
                PublishAttempts++;
                if (PublishFault is { } fault)
                {
                    return Task.FromException<int>(fault());
                }

                Published.Add(kind);
                return Task.FromResult(0);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
