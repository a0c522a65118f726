using Microsoft.Extensions.Logging;
using Registry.Engine.Model;

namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// The system of record behind the cache tiers, as one <see cref="IRegistryStore"/>. Reads go memory → shared cache
/// (Redis) → content tier (S3, schema bytes by SHA-256) → system of record, stopping at the first tier that has the
/// answer and filling the faster tiers on the way back; concurrent misses for one key share one load. Writes go to
/// the system of record, then (before returning, so before the client hears of the write) new content to the shared
/// cache while the shared cache's entries made stale are invalidated and every other replica is told to forget them
/// and has acknowledged; new content goes to the content tier in the background (a read that misses it there takes it
/// from the system of record and puts it back). The replica that appended a version keeps the subject's next snapshot
/// in memory (see <see cref="MemoryFacts.SetAfterOwnInvalidation"/>). Optional tiers that fail are skipped behind
/// circuit breakers; content from any tier is checked against its SHA-256 and never served when it does not match.
/// <para>
/// This class only assembles the parts and decides, per write, what it made stale. Each part has one job:
/// <see cref="GuardedTier{TTier}"/> (every call to a tier: breaker, metrics, logging), <see cref="SchemaReadThrough"/>
/// (schemas by id, ids by fingerprint), <see cref="FactReadThrough"/> (mutable facts), <see cref="InvalidationOutbox"/>
/// (forgetting after a write, and replaying what could not be sent).
/// </para>
/// <para>Schemas by id are kept in memory by the engine (<c>SchemaCache</c>); this store keeps mutable facts and fingerprints.</para>
/// </summary>
public sealed partial class TieredRegistryStore : IRegistryStore, ISchemaIndex, ISchemaLiveness, IWarmupSource, IRegistryArchive
{
    private readonly GuardedTier<IRegistryStore> _store;
    private readonly GuardedTier<ISharedCache>? _shared;
    private readonly GuardedTier<IContentStore>? _content;
    private readonly IInvalidationBus? _bus;
    private readonly MemoryFacts _facts;
    private readonly SchemaReadThrough _schemas;
    private readonly FactReadThrough _factReads;
    private readonly InvalidationOutbox _outbox;
    private readonly IReadOnlyList<IAsyncDisposable> _owned;
    private readonly ILogger _logger;

    /// <summary>Assembles the tiers.</summary>
    public TieredRegistryStore(TieredStoreParts parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        _bus = parts.Bus;
        _owned = parts.Owned;
        _logger = parts.Logger;
        Metrics = parts.Metrics;
        var storeBreaker = new CircuitBreaker(TierMetrics.TierName(Tier.Store), parts.StoreBreaker.Threshold, parts.StoreBreaker.Duration, parts.Time);
        var sharedBreaker = new CircuitBreaker(TierMetrics.TierName(Tier.Shared), parts.SharedOptions.BreakerThreshold, parts.SharedOptions.BreakerDuration, parts.Time);
        var contentBreaker = new CircuitBreaker(TierMetrics.TierName(Tier.Content), parts.ContentOptions.BreakerThreshold, parts.ContentOptions.BreakerDuration, parts.Time);
        Breakers = (storeBreaker, sharedBreaker, contentBreaker);
        foreach (var breaker in (ReadOnlySpan<CircuitBreaker>)[storeBreaker, sharedBreaker, contentBreaker])
        {
            breaker.StateChanged += OnBreakerChanged;
        }

        _store = GuardedTier<IRegistryStore>.Required(parts.Store, storeBreaker, Metrics, _logger);
        _shared = GuardedTier<ISharedCache>.Optional(parts.Shared, Tier.Shared, sharedBreaker, Metrics, _logger, parts.SharedOptions.OperationTimeout);
        _content = GuardedTier<IContentStore>.Optional(parts.Content, Tier.Content, contentBreaker, Metrics, _logger);

        var bus = _bus;
        // Facts are kept only while invalidations can arrive: the channel is connected and the shared tier, whose
        // connection it shares, answers. A breaker opened by failures or time-outs (Redis slow or cut off while the
        // connection still looks open, where no loss is reported) stops memory serving facts as a lost channel does.
        _facts = new MemoryFacts(
            bus is null ? 0 : parts.Memory.MaxFacts, parts.Memory.FactTtl, () => bus is not null && bus.IsConnected && !sharedBreaker.IsOpen, parts.Time);
        var writeTimeout = parts.SharedOptions.WriteTimeout;

        // With Redis, other replicas share the system of record and may hard-delete an id while this one misses the
        // invalidation: the engine checks an id it holds once per memory fact TTL (see IsSchemaLiveAsync).
        // Without memory facts (MaxFacts 0) memory keeps no mutable fact, and no liveness either: every read asks.
        LivenessTtl = parts.Shared is null && parts.Bus is null ? Timeout.InfiniteTimeSpan
            : parts.Memory.MaxFacts > 0 ? parts.Memory.FactTtl : TimeSpan.Zero;
        _schemas = new SchemaReadThrough(_store, _shared, _content, parts.ContentOptions.ReadThrough, _facts, parts.Memory.MaxFacts, writeTimeout, Metrics, _logger);
        _factReads = new FactReadThrough(_store, _shared, _facts, Metrics, _logger);
        _outbox = new InvalidationOutbox(_facts, _shared, _bus, writeTimeout, Metrics, _logger);
        if (_bus is not null)
        {
            _bus.Received += OnRemoteInvalidation;
            _bus.Lost += OnBusLost;
            _bus.Restored += OnBusRestored;
        }
    }

    /// <summary>
    /// Raised, in the invalidation channel's thread, for each change made by another replica, after this store has
    /// forgotten its own copies and before the change is acknowledged: the engine forgets what it cached here.
    /// </summary>
    public event Action<Invalidation>? RemoteChanged;

    /// <summary>Counters per tier.</summary>
    public TierMetrics Metrics { get; }

    /// <summary>The system of record.</summary>
    public IRegistryStore Inner => _store.Target;

    /// <summary>The mutable facts held in memory.</summary>
    public MemoryFacts Facts => _facts;

    /// <summary>Breakers of the system of record, the shared cache and the content tier.</summary>
    public (CircuitBreaker Store, CircuitBreaker Shared, CircuitBreaker Content) Breakers { get; }

    /// <summary>True when a shared cache is configured.</summary>
    public bool HasSharedCache => _shared is not null;

    /// <summary>True when a content tier is configured.</summary>
    public bool HasContentTier => _content is not null;

    /// <summary>Invalidations that could not reach the shared cache or the other replicas yet.</summary>
    public int PendingInvalidations => _outbox.Pending;

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await Inner.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (_content is not null)
        {
            await _content.Target.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_bus is not null)
        {
            await _bus.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- Reads --------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken) => _schemas.GetSchemaAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<SchemaEntry?> GetSchemaEntryAsync(long id, CancellationToken cancellationToken) => _schemas.GetSchemaEntryAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) =>
        _schemas.FindSchemaIdAsync(fingerprint, cancellationToken);

    /// <inheritdoc />
    public TimeSpan LivenessTtl { get; }

    /// <summary>
    /// Whether a version still uses the id: the schema's usage, a mutable fact, from Redis (kept there at most
    /// <c>MutableTtl</c>) or PostgreSQL, never from this store's memory, as the engine keeps the answer for the memory
    /// fact TTL itself. Together at most <c>Registry:Cache:MaxStaleness</c>, as for every mutable fact, also on a
    /// replica that missed the hard delete's invalidation.
    /// </summary>
    public async Task<bool?> IsSchemaLiveAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            var usages = await _factReads.ReadPastMemoryAsync(FactKey.Usage(id), FactCodecs.Usage, LoadUsage, cancellationToken).ConfigureAwait(false);
            return usages.Count > 0;
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.StoreUnavailable)
        {
            return null;
        }
    }

    private static Task<IReadOnlyList<VersionUsage>> LoadUsage(IRegistryStore store, FactKey key, CancellationToken cancellationToken) =>
        store.GetSchemaUsageAsync(long.Parse(key.Name, System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> GetWarmupSchemaIdsAsync(int limit, CancellationToken cancellationToken) =>
        Inner is IWarmupSource
            ? _store.CallAsync(static (s, limit, ct) => ((IWarmupSource)s).GetWarmupSchemaIdsAsync(limit, ct), limit, cancellationToken)
            : Task.FromResult<IReadOnlyList<long>>([]);

    /// <inheritdoc />
    public Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken) =>
        _factReads.ReadAsync(FactKey.Subject(subject), FactCodecs.Subject, static (s, key, ct) => s.GetSubjectAsync(key.Name, ct), cancellationToken);

    /// <inheritdoc />
    public async Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken)
    {
        if (!_factReads.Caching)
        {
            return await _store.CallAsync(static (s, a, ct) => s.GetVersionAsync(a.subject, a.version, ct), (subject, version), cancellationToken).ConfigureAwait(false);
        }

        // The cached snapshot answers.
        var snapshot = await GetSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        return snapshot is null ? null : FactReadThrough.FindVersion(snapshot, version);
    }

    /// <inheritdoc />
    public Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken) =>
        _factReads.ReadAsync(FactKey.Config(subject), FactCodecs.Config, static (s, key, ct) => s.GetConfigAsync(key.Name.Length == 0 ? null : key.Name, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken) =>
        _factReads.ReadAsync(FactKey.Usage(schemaId), FactCodecs.Usage, LoadUsage, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken) =>
        _store.CallAsync(static (s, q, ct) => s.ListSubjectsAsync(q, ct), query, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken) =>
        _store.CallAsync(static (s, t, ct) => s.GetReferrersAsync(t, ct), target, cancellationToken);

    // ---- Writes: the system of record, then what the write made stale is forgotten everywhere -------------------

    /// <inheritdoc />
    public async Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        await _outbox.ReplayAsync().ConfigureAwait(false);
        var subjectKey = FactKey.Subject(append.Subject);

        // The snapshot the append was prepared against, when memory holds exactly that revision: with the new version
        // added it is the subject's next snapshot, kept below so that the next write to the subject does not read all
        // its versions back from the system of record. It is no fresher than the snapshot it extends (a revision number
        // comes back when a subject is deleted whole and created again, so a matching revision alone does not prove
        // that memory saw every write): its freshness counts from that one's load. A new subject is known as of now.
        var generation = _facts.Capture(subjectKey);
        var heldAt = _facts.Now();
        var prepared = append.ExpectedRevision == 0 ? new SubjectSnapshot(append.Subject, 0, [])
            : _facts.TryGet(subjectKey, allowStale: false, out var held, out heldAt) && held is SubjectSnapshot snapshot && snapshot.Revision == append.ExpectedRevision ? snapshot
            : null;
        AppendResult result;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            result = await _store.CallAsync(static (s, a, ct) => s.AppendVersionAsync(a, ct), append, cancellationToken).ConfigureAwait(false);
            Metrics.WriteStage("commit", started);
        }
        catch (RegistryException e) when (e.InnerException is not CircuitOpenException)
        {
            // The commit may have happened before the failure was noticed: nothing cached about the subject is trusted.
            await _outbox.ForgetAsync([subjectKey]).ConfigureAwait(false);
            throw;
        }

        switch (result.Outcome)
        {
            case WriteOutcome.Done:
                // The new schema goes to the shared cache while the invalidation is sent and acknowledged: neither waits
                // for the other (a replica that reads the id before the entry lands reads it from the system of record).
                var writeThrough = Task.CompletedTask;
                if (result.SchemaCreated)
                {
                    writeThrough = TimedAsync(Metrics, _schemas.WriteThroughAsync(result.SchemaId, append));
                }
                else
                {
                    _schemas.RememberId(append.Fingerprint, result.SchemaId);
                }

                await _outbox.PublishAsync(InvalidationKind.Subject, append.Subject, [result.SchemaId], [subjectKey, FactKey.Usage(result.SchemaId)]).ConfigureAwait(false);
                if (prepared is not null && Appended(prepared, append, result) is { } next)
                {
                    _facts.SetAfterOwnInvalidation(subjectKey, next, generation, heldAt, InvalidationOutbox.GenerationSteps);
                }

                await writeThrough.ConfigureAwait(false);
                break;
            case WriteOutcome.Conflict:
                // What this replica holds about the subject is older than the system of record: forget it before the retry reads again.
                await _outbox.ForgetAsync([subjectKey]).ConfigureAwait(false);
                break;
        }

        return result;
    }

    /// <summary>
    /// The subject's snapshot after <paramref name="append"/> committed on top of <paramref name="before"/> (the revision
    /// it expected), as the system of record would return it; null when the new version does not come last (an
    /// explicit version below the highest), so that the order of the versions would have to be worked out.
    /// </summary>
    public static SubjectSnapshot? Appended(SubjectSnapshot before, VersionAppend append, AppendResult result)
    {
        var versions = before.Versions;
        if (versions.Count > 0 && versions[^1].Version >= result.Version)
        {
            return null;
        }

        // Stored values as they read back: times in whole milliseconds, metadata through its stored form.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(append.CreatedAt.ToUnixTimeMilliseconds());
        var metadata = RecordJson.WriteMetadata(append.Metadata);
        var added = new VersionRecord
        {
            Subject = append.Subject,
            Version = result.Version,
            SchemaId = result.SchemaId,
            State = append.State,
            Semver = append.Semver,
            Metadata = metadata is null ? VersionMetadata.Empty : RecordJson.ReadMetadata(metadata),
            CreatedAt = at,
            CreatedBy = append.CreatedBy,
            UpdatedAt = at,
        };
        return new SubjectSnapshot(append.Subject, before.Revision + 1, [.. versions, added]) { Aliases = before.Aliases };
    }

    /// <summary>Completes once every content put started by a write so far has ended (they run after the write is answered).</summary>
    public Task ContentPutsSettledAsync() => _schemas.ContentPutsSettledAsync();

    private static async Task TimedAsync(TierMetrics metrics, Task writeThrough)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await writeThrough.ConfigureAwait(false);
        metrics.WriteStage("write_through", started);
    }

    /// <inheritdoc />
    public async Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var ids = await SchemaIdsAsync(update.Subject, update.ExpectedRevision, [update.Version], cancellationToken).ConfigureAwait(false);
        return await WriteAsync(
            static (s, u, ct) => s.UpdateVersionAsync(u, ct), update, update.Subject, InvalidationKind.Subject, ids, wholeSubject: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = await SchemaIdsAsync(subject, expectedRevision, versions, cancellationToken).ConfigureAwait(false);
        return await WriteAsync(
            static (s, a, ct) => s.SoftDeleteAsync(a.subject, a.versions, a.expectedRevision, a.now, ct),
            (subject, versions, expectedRevision, now), subject, InvalidationKind.Subject, ids, wholeSubject: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken)
    {
        var ids = await SchemaIdsAsync(subject, expectedRevision, versions, cancellationToken).ConfigureAwait(false);
        return await WriteAsync(
            static (s, a, ct) => s.HardDeleteAsync(a.subject, a.versions, a.wholeSubject, a.expectedRevision, ct),
            (subject, versions, wholeSubject, expectedRevision), subject, InvalidationKind.SubjectHardDeleted, ids, wholeSubject, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<WriteResult> SetAliasAsync(AliasWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);

        // Aliases live in the subject's snapshot: the subject key is what a move makes stale, everywhere.
        return WriteAsync(static (s, w, ct) => s.SetAliasAsync(w, ct), write, write.Subject, InvalidationKind.Subject, [], wholeSubject: false, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string subject, string name, int limit, CancellationToken cancellationToken) =>
        _store.CallAsync(static (s, a, ct) => s.GetAliasHistoryAsync(a.subject, a.name, a.limit, ct), (subject, name, limit), cancellationToken);

    /// <inheritdoc />
    public async Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken)
    {
        await _outbox.ReplayAsync().ConfigureAwait(false);
        var key = FactKey.Config(subject);
        try
        {
            await _store.CallAsync(static async (s, a, ct) =>
            {
                await s.SetConfigAsync(a.subject, a.config, ct).ConfigureAwait(false);
                return true;
            }, (subject, config), cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.InnerException is not CircuitOpenException)
        {
            await _outbox.ForgetAsync([key]).ConfigureAwait(false);
            throw;
        }

        await _outbox.PublishAsync(InvalidationKind.Config, subject, [], [key]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ArchiveRecord> ReadArchiveAsync(CancellationToken cancellationToken) =>
        Inner is IRegistryArchive archive ? archive.ReadArchiveAsync(cancellationToken) : throw NoArchive();

    /// <inheritdoc />
    public async Task<ArchiveImportResult> ImportArchiveAsync(IAsyncEnumerable<ArchiveRecord> records, ArchiveImportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Inner is not IRegistryArchive archive)
        {
            throw NoArchive();
        }

        await _outbox.ReplayAsync().ConfigureAwait(false);

        // The shared cache may hold facts about these subjects and ids (a "no such subject" read before the restore):
        // their keys are collected on the way through and invalidated once the import has committed.
        var keys = _shared is null || options.DryRun ? null : new List<FactKey>();
        var result = await archive.ImportArchiveAsync(keys is null ? records : CollectKeys(records, keys, cancellationToken), options, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == ArchiveImportOutcome.Done)
        {
            _facts.InvalidateAll();
            for (var start = 0; keys is not null && start < keys.Count; start += InvalidationOutbox.MaxPendingKeys)
            {
                await _outbox.ForgetAsync(keys.GetRange(start, Math.Min(InvalidationOutbox.MaxPendingKeys, keys.Count - start))).ConfigureAwait(false);
            }

            await _outbox.PublishAsync(InvalidationKind.All, null, [], []).ConfigureAwait(false);
        }

        return result;
    }

    private static async IAsyncEnumerable<ArchiveRecord> CollectKeys(
        IAsyncEnumerable<ArchiveRecord> records, List<FactKey> keys, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (record)
            {
                case ArchivedSchema schema:
                    keys.Add(FactKey.Schema(schema.Id));
                    keys.Add(FactKey.Usage(schema.Id));
                    break;
                case ArchivedSubject subject:
                    keys.Add(FactKey.Subject(subject.Name));
                    break;
                case ArchivedConfig config:
                    keys.Add(FactKey.Config(config.Subject));
                    break;
            }

            yield return record;
        }
    }

    private static RegistryException NoArchive() =>
        new(RegistryErrorCode.OperationNotPermitted, "This system of record cannot export or import a backup.");

    private async Task<WriteResult> WriteAsync<TState>(
        Func<IRegistryStore, TState, CancellationToken, Task<WriteResult>> write,
        TState state,
        string subject,
        InvalidationKind kind,
        IReadOnlyList<long> ids,
        bool wholeSubject,
        CancellationToken cancellationToken)
    {
        await _outbox.ReplayAsync().ConfigureAwait(false);
        var subjectKey = FactKey.Subject(subject);
        WriteResult result;
        try
        {
            result = await _store.CallAsync(write, state, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.InnerException is not CircuitOpenException)
        {
            await _outbox.ForgetAsync([subjectKey]).ConfigureAwait(false);
            throw;
        }

        if (result.Outcome == WriteOutcome.Done)
        {
            var keys = new List<FactKey>(2 + (2 * ids.Count)) { subjectKey };
            foreach (var id in ids)
            {
                keys.Add(FactKey.Usage(id));
                if (kind == InvalidationKind.SubjectHardDeleted)
                {
                    keys.Add(FactKey.Schema(id));
                }
            }

            if (wholeSubject)
            {
                keys.Add(FactKey.Config(subject));
            }

            await _outbox.PublishAsync(kind, subject, ids, keys).ConfigureAwait(false);
        }
        else if (result.Outcome is WriteOutcome.Conflict or WriteOutcome.NotFound)
        {
            await _outbox.ForgetAsync([subjectKey]).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// The schema ids of the versions a write is about to change, from the snapshot the write was prepared against
    /// (normally still in memory: the engine read it just before). Only needed when something caches them elsewhere.
    /// </summary>
    private async Task<IReadOnlyList<long>> SchemaIdsAsync(string subject, long revision, IReadOnlyList<int> versions, CancellationToken cancellationToken)
    {
        if (_shared is null && _bus is null)
        {
            return [];
        }

        var snapshot = await GetSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        if (snapshot is null || snapshot.Revision != revision)
        {
            snapshot = await _store.CallAsync(static (s, subject, ct) => s.GetSubjectAsync(subject, ct), subject, cancellationToken).ConfigureAwait(false);
        }

        var ids = new List<long>(versions.Count);
        if (snapshot is not null)
        {
            foreach (var version in snapshot.Versions)
            {
                if (versions.Contains(version.Version) && !ids.Contains(version.SchemaId))
                {
                    ids.Add(version.SchemaId);
                }
            }
        }

        return ids;
    }

    // ---- Events of the invalidation channel and of the breakers --------------------------------------------------

    private void OnRemoteInvalidation(Invalidation message)
    {
        _facts.Apply(message);
        RemoteChanged?.Invoke(message);
    }

    // The channel shares its connection with the shared cache: when it is lost, Redis is unreachable, so reads skip the
    // shared tier at once instead of each waiting for its time-out (and queueing behind one another) until failures
    // open the breaker; memory forgets every mutable fact, as messages may be missed.
    private void OnBusLost()
    {
        _facts.InvalidateAll();
        Breakers.Shared.Trip();
    }

    // Back: the shared tier answers again (close its breaker before the outbox replays what it missed).
    private void OnBusRestored()
    {
        Breakers.Shared.Success();
        _ = _outbox.ReplayAsync();
    }

    private void OnBreakerChanged(CircuitBreaker breaker, bool opened)
    {
        if (opened)
        {
            TierLog.BreakerOpened(_logger, breaker.Tier, breaker.Threshold);
        }
        else
        {
            TierLog.BreakerClosed(_logger, breaker.Tier);
        }

        if (ReferenceEquals(breaker, Breakers.Shared))
        {
            // While the shared tier is skipped, invalidations may be missed: what memory holds is forgotten when it
            // opens and again when it closes, and what could not be published is replayed once it answers again.
            _facts.InvalidateAll();
            if (!opened)
            {
                _ = _outbox.ReplayAsync();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_bus is not null)
        {
            _bus.Received -= OnRemoteInvalidation;
            _bus.Lost -= OnBusLost;
            _bus.Restored -= OnBusRestored;
            await _bus.DisposeAsync().ConfigureAwait(false);
        }

        if (_shared is not null)
        {
            await _shared.Target.DisposeAsync().ConfigureAwait(false);
        }

        if (_content is not null)
        {
            await _schemas.ContentPutsSettledAsync().ConfigureAwait(false);
            await _content.Target.DisposeAsync().ConfigureAwait(false);
        }

        await Inner.DisposeAsync().ConfigureAwait(false);
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        Metrics.Dispose();
    }
}
