using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Logging;
using Registry.Engine.Model;

namespace Registry.Engine.Storage.Tiers;

/// <summary>The parts of a <see cref="TieredRegistryStore"/>; only the system of record is required.</summary>
public sealed class TieredStoreParts
{
    /// <summary>The system of record.</summary>
    public required IRegistryStore Store { get; init; }

    /// <summary>Memory settings (mutable facts, fingerprints).</summary>
    public MemoryTierOptions Memory { get; init; } = new();

    /// <summary>The system of record's circuit breaker.</summary>
    public StoreBreakerOptions StoreBreaker { get; init; } = new();

    /// <summary>The shared cache (Redis), or null.</summary>
    public ISharedCache? Shared { get; init; }

    /// <summary>The invalidation channel (Redis pub/sub), or null.</summary>
    public IInvalidationBus? Bus { get; init; }

    /// <summary>Breaker settings of the shared cache.</summary>
    public RedisTierOptions SharedOptions { get; init; } = new();

    /// <summary>The content tier (S3), or null.</summary>
    public IContentStore? Content { get; init; }

    /// <summary>Settings of the content tier.</summary>
    public S3TierOptions ContentOptions { get; init; } = new();

    /// <summary>Disposed last, after the tiers (e.g. the Redis connection they share).</summary>
    public IReadOnlyList<IAsyncDisposable> Owned { get; init; } = [];

    /// <summary>Counters.</summary>
    public TierMetrics Metrics { get; init; } = new();

    /// <summary>Logs.</summary>
    public ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Clock of the breakers and of memory freshness.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// The system of record behind the cache tiers, as one <see cref="IRegistryStore"/>. Reads go memory → shared cache
/// (Redis) → content tier (S3, schema bytes by SHA-256) → system of record, stopping at the first tier that has the
/// answer and filling the faster tiers on the way back; concurrent misses for one key share one load. Writes go to
/// the system of record, then (before returning, so before the client hears of the write) new content to the content
/// tier and the shared cache, the shared cache's entries made stale are invalidated, and every other replica is told
/// to forget them and has acknowledged. Optional tiers that fail are skipped behind circuit breakers; content from any
/// tier is checked against its SHA-256 and never served when it does not match.
/// <para>Schemas by id are kept in memory by the engine (<c>SchemaCache</c>); this store keeps mutable facts and fingerprints.</para>
/// </summary>
public sealed partial class TieredRegistryStore : IRegistryStore, ISchemaIndex, IWarmupSource
{
    private const int MaxPendingKeys = 10_000;

    private readonly IRegistryStore _store;
    private readonly ISchemaIndex? _index;
    private readonly ISharedCache? _shared;
    private readonly IInvalidationBus? _bus;
    private readonly IContentStore? _content;
    private readonly bool _contentReadThrough;
    private readonly CircuitBreaker _storeBreaker;
    private readonly CircuitBreaker _sharedBreaker;
    private readonly CircuitBreaker _contentBreaker;
    private readonly MemoryFacts _facts;
    private readonly ConcurrentLru<Fingerprint, long> _fingerprints;
    private readonly SingleFlight<long, SchemaRecord?> _schemaFlights = new();
    private readonly SingleFlight<FactKey, object?> _factFlights = new();
    private readonly ConcurrentQueue<FactKey> _pendingKeys = new();
    private readonly IReadOnlyList<IAsyncDisposable> _owned;
    private readonly ILogger _logger;
    private int _pendingOverflow;
    private int _pendingPublish;

    /// <summary>Assembles the tiers.</summary>
    public TieredRegistryStore(TieredStoreParts parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        _store = parts.Store;
        _index = parts.Store as ISchemaIndex;
        _shared = parts.Shared;
        _bus = parts.Bus;
        _content = parts.Content;
        _contentReadThrough = parts.ContentOptions.ReadThrough;
        _owned = parts.Owned;
        _logger = parts.Logger;
        Metrics = parts.Metrics;
        _storeBreaker = new CircuitBreaker(TierMetrics.TierName(Tier.Store), parts.StoreBreaker.Threshold, parts.StoreBreaker.Duration, parts.Time);
        _sharedBreaker = new CircuitBreaker(TierMetrics.TierName(Tier.Shared), parts.SharedOptions.BreakerThreshold, parts.SharedOptions.BreakerDuration, parts.Time);
        _contentBreaker = new CircuitBreaker(TierMetrics.TierName(Tier.Content), parts.ContentOptions.BreakerThreshold, parts.ContentOptions.BreakerDuration, parts.Time);
        foreach (var breaker in (ReadOnlySpan<CircuitBreaker>)[_storeBreaker, _sharedBreaker, _contentBreaker])
        {
            breaker.StateChanged += OnBreakerChanged;
        }

        var bus = _bus;
        _facts = new MemoryFacts(bus is null ? 0 : parts.Memory.MaxFacts, parts.Memory.FactTtl, () => bus is not null && bus.IsConnected, parts.Time);
        _fingerprints = new ConcurrentLru<Fingerprint, long>(Math.Max(3, parts.Memory.MaxFacts));
        if (_bus is not null)
        {
            _bus.Received += OnRemoteInvalidation;
            _bus.Lost += _facts.InvalidateAll;
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
    public IRegistryStore Inner => _store;

    /// <summary>The mutable facts held in memory.</summary>
    public MemoryFacts Facts => _facts;

    /// <summary>Breakers of the system of record, the shared cache and the content tier.</summary>
    public (CircuitBreaker Store, CircuitBreaker Shared, CircuitBreaker Content) Breakers => (_storeBreaker, _sharedBreaker, _contentBreaker);

    /// <summary>True when a shared cache is configured.</summary>
    public bool HasSharedCache => _shared is not null;

    /// <summary>True when a content tier is configured.</summary>
    public bool HasContentTier => _content is not null;

    /// <summary>Invalidations that could not reach the shared cache or the other replicas yet.</summary>
    public int PendingInvalidations => _pendingKeys.Count + Volatile.Read(ref _pendingPublish);

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (_content is not null)
        {
            await _content.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_bus is not null)
        {
            await _bus.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- Reads: schemas by id -------------------------------------------------------------------------------

    /// <inheritdoc />
    public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken) =>
        _schemaFlights.RunAsync(id, _facts.Capture(FactKey.Schema(id)).Sum, static (id, self) => self.LoadSchemaAsync(id), this, cancellationToken);

    private async Task<SchemaRecord?> LoadSchemaAsync(long id)
    {
        string? generation = null;
        if (_shared is not null)
        {
            var (ok, read) = await SharedAsync(static (s, id, ct) => s.GetSchemaAsync(id, ct), id).ConfigureAwait(false);
            if (ok)
            {
                generation = read.Generation;
                if (read.Entry is { } cached)
                {
                    if (read.Content is { } bytes && Verified(Tier.Shared, bytes, cached))
                    {
                        Metrics.Hit(Tier.Shared);
                        return Record(cached, bytes);
                    }

                    // The metadata is cached but not (or not intact) the content: the content tier knows it by its SHA-256.
                    Metrics.Miss(Tier.Shared);
                    if (await ReadContentAsync(cached).ConfigureAwait(false) is { } fromContent)
                    {
                        await FillSchemaAsync(cached, fromContent, generation).ConfigureAwait(false);
                        return Record(cached, fromContent);
                    }
                }
                else
                {
                    Metrics.Miss(Tier.Shared);
                }
            }
        }

        var contentMissed = false;
        if (_content is not null && _contentReadThrough && _index is not null)
        {
            // Metadata from the system of record's index, content from the content tier.
            var entry = await StoreAsync(static (s, id, ct) => ((ISchemaIndex)s).GetSchemaEntryAsync(id, ct), id, CancellationToken.None).ConfigureAwait(false);
            if (entry is null)
            {
                return null;
            }

            if (await ReadContentAsync(entry).ConfigureAwait(false) is { } content)
            {
                await FillSchemaAsync(entry, content, generation).ConfigureAwait(false);
                return Record(entry, content);
            }

            contentMissed = true;
        }

        var record = await StoreAsync(static (s, id, ct) => s.GetSchemaAsync(id, ct), id, CancellationToken.None).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        Metrics.Hit(Tier.Store);
        var fromStore = Entry(record);
        await FillSchemaAsync(fromStore, record.Content, generation).ConfigureAwait(false);
        if (contentMissed)
        {
            // Content registered before the content tier existed (or lost from it): put it back.
            await ContentAsync(static (c, e, ct) => c.PutAsync(e.Entry.ContentSha256, e.Content, ct), (Entry: fromStore, record.Content)).ConfigureAwait(false);
        }

        return record;
    }

    private async Task<byte[]?> ReadContentAsync(SchemaEntry entry)
    {
        if (_content is null)
        {
            return null;
        }

        var (ok, bytes) = await ContentAsync(static (c, sha, ct) => c.GetAsync(sha, ct), entry.ContentSha256).ConfigureAwait(false);
        if (!ok)
        {
            return null;
        }

        if (bytes is not null && Verified(Tier.Content, bytes, entry))
        {
            Metrics.Hit(Tier.Content);
            return bytes;
        }

        Metrics.Miss(Tier.Content);
        return null;
    }

    private async Task FillSchemaAsync(SchemaEntry entry, ReadOnlyMemory<byte> content, string? generation)
    {
        if (_shared is not null && generation is not null)
        {
            var (ok, stored) = await SharedAsync(static (s, a, ct) => s.SetSchemaAsync(a.entry, a.content, a.generation, ct), (entry, content, generation)).ConfigureAwait(false);
            if (ok && !stored)
            {
                Metrics.StaleFillRefused();
            }
        }
    }

    /// <summary>True when <paramref name="bytes"/> hash to the entry's SHA-256; otherwise counted and logged as a miss of that tier.</summary>
    private bool Verified(Tier tier, byte[] bytes, SchemaEntry entry)
    {
        Span<byte> actual = stackalloc byte[32];
        SHA256.HashData(bytes, actual);
        if (actual.SequenceEqual(entry.ContentSha256.Span))
        {
            return true;
        }

        Metrics.IntegrityFailure(tier);
        Log.IntegrityFailure(_logger, TierMetrics.TierName(tier), entry.Id, Convert.ToHexStringLower(entry.ContentSha256.Span), Convert.ToHexStringLower(actual));
        return false;
    }

    /// <inheritdoc />
    public async Task<SchemaEntry?> GetSchemaEntryAsync(long id, CancellationToken cancellationToken)
    {
        if (_index is not null)
        {
            return await StoreAsync(static (s, id, ct) => ((ISchemaIndex)s).GetSchemaEntryAsync(id, ct), id, cancellationToken).ConfigureAwait(false);
        }

        var record = await GetSchemaAsync(id, cancellationToken).ConfigureAwait(false);
        return record is null ? null : Entry(record);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> GetWarmupSchemaIdsAsync(int limit, CancellationToken cancellationToken) =>
        _store is IWarmupSource source
            ? StoreAsync(static (s, limit, ct) => ((IWarmupSource)s).GetWarmupSchemaIdsAsync(limit, ct), limit, cancellationToken)
            : Task.FromResult<IReadOnlyList<long>>([]);

    /// <inheritdoc />
    public async Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken)
    {
        var key = Fingerprint.From(fingerprint.Span);
        if (_fingerprints.TryGet(key, out var known))
        {
            Metrics.Hit(Tier.Memory);
            return known;
        }

        if (_shared is not null)
        {
            var (ok, id) = await SharedAsync(static (s, fp, ct) => s.GetSchemaIdAsync(fp, ct), fingerprint).ConfigureAwait(false);
            if (ok && id is { } cached)
            {
                Metrics.Hit(Tier.Shared);
                _fingerprints.AddOrUpdate(key, cached);
                return cached;
            }
        }

        var found = await StoreAsync(static (s, fp, ct) => s.FindSchemaIdAsync(fp, ct), fingerprint, cancellationToken).ConfigureAwait(false);
        if (found is { } stored)
        {
            // An id, once given to a fingerprint, is never taken back: safe to keep anywhere.
            _fingerprints.AddOrUpdate(key, stored);
            if (_shared is not null)
            {
                await SharedAsync(static (s, a, ct) => s.SetSchemaIdAsync(a.fingerprint, a.stored, ct), (fingerprint, stored)).ConfigureAwait(false);
            }
        }

        return found;
    }

    // ---- Reads: mutable facts -------------------------------------------------------------------------------

    /// <inheritdoc />
    public Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken) =>
        ReadFactAsync(FactKey.Subject(subject), FactCodecs.Subject, static (s, key, ct) => s.GetSubjectAsync(key.Name, ct), cancellationToken);

    /// <inheritdoc />
    public async Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken)
    {
        if (_shared is null && !_facts.Enabled)
        {
            return await StoreAsync(static (s, a, ct) => s.GetVersionAsync(a.subject, a.version, ct), (subject, version), cancellationToken).ConfigureAwait(false);
        }

        // The cached snapshot answers: its versions are in ascending order.
        var snapshot = await GetSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return null;
        }

        var versions = snapshot.Versions;
        int low = 0, high = versions.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var number = versions[middle].Version;
            if (number == version)
            {
                return versions[middle];
            }

            if (number < version)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken) =>
        ReadFactAsync(FactKey.Config(subject), FactCodecs.Config, static (s, key, ct) => s.GetConfigAsync(key.Name.Length == 0 ? null : key.Name, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken) =>
        ReadFactAsync(FactKey.Usage(schemaId), FactCodecs.Usage, static (s, key, ct) => s.GetSchemaUsageAsync(long.Parse(key.Name, System.Globalization.CultureInfo.InvariantCulture), ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken) =>
        StoreAsync(static (s, q, ct) => s.ListSubjectsAsync(q, ct), query, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken) =>
        StoreAsync(static (s, t, ct) => s.GetReferrersAsync(t, ct), target, cancellationToken);

    private async Task<T> ReadFactAsync<T>(FactKey key, FactCodec<T> codec, Func<IRegistryStore, FactKey, CancellationToken, Task<T>> load, CancellationToken cancellationToken)
    {
        if (_facts.TryGet(key, allowStale: false, out var held))
        {
            Metrics.Hit(Tier.Memory);
            return (T)held!;
        }

        var enabled = _facts.Enabled;
        if (enabled)
        {
            Metrics.Miss(Tier.Memory);
        }

        if (_shared is null && !enabled)
        {
            // Nothing to cache in: straight to the system of record, without single flight (nothing to share).
            return await StoreAsync(load, key, cancellationToken).ConfigureAwait(false);
        }

        var ticket = _facts.Capture(key);
        var value = await _factFlights.RunAsync(
            key,
            ticket.Sum,
            static (key, state) => state.self.LoadFactAsync(key, state.codec, state.load, state.ticket),
            (self: this, codec, load, ticket),
            cancellationToken).ConfigureAwait(false);
        return (T)value!;
    }

    private async Task<object?> LoadFactAsync<T>(FactKey key, FactCodec<T> codec, Func<IRegistryStore, FactKey, CancellationToken, Task<T>> load, MemoryFacts.Ticket ticket)
    {
        string? generation = null;
        if (_shared is not null)
        {
            var (ok, fact) = await SharedAsync(static (s, key, ct) => s.GetFactAsync(key, ct), key).ConfigureAwait(false);
            if (ok)
            {
                generation = fact.Generation;
                if (fact.Value is { } bytes)
                {
                    if (codec.TryDecode(key, bytes, out var decoded))
                    {
                        Metrics.Hit(Tier.Shared);
                        KeepInMemory(key, decoded, ticket);
                        return decoded;
                    }

                    Metrics.IntegrityFailure(Tier.Shared);
                    Log.Malformed(_logger, key.Kind.ToString(), key.Name);
                }

                Metrics.Miss(Tier.Shared);
            }
        }

        T value;
        try
        {
            value = await StoreAsync(load, key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.StoreUnavailable && _facts.TryGet(key, allowStale: true, out var stale))
        {
            // No write can commit while the system of record is down, so the last fact this process was not told to
            // forget is still the truth.
            Metrics.ServedStale();
            return stale;
        }

        Metrics.Hit(Tier.Store);
        if (_shared is not null && generation is not null)
        {
            var (ok, stored) = await SharedAsync(static (s, a, ct) => s.FillFactAsync(a.key, a.generation, a.bytes, ct), (key, generation, bytes: codec.Encode(value))).ConfigureAwait(false);
            if (ok && !stored)
            {
                Metrics.StaleFillRefused();
            }
        }

        KeepInMemory(key, value, ticket);
        return value;
    }

    private void KeepInMemory(FactKey key, object? value, MemoryFacts.Ticket ticket)
    {
        if (!_facts.Set(key, value, ticket))
        {
            Metrics.StaleFillRefused();
        }
    }

    // ---- Writes -----------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public async Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        await ReplayPendingAsync().ConfigureAwait(false);
        var subjectKey = FactKey.Subject(append.Subject);
        AppendResult result;
        try
        {
            result = await StoreAsync(static (s, a, ct) => s.AppendVersionAsync(a, ct), append, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.InnerException is not CircuitOpenException)
        {
            // The commit may have happened before the failure was noticed: nothing cached about the subject is trusted.
            await ForgetAsync([subjectKey]).ConfigureAwait(false);
            throw;
        }

        switch (result.Outcome)
        {
            case WriteOutcome.Done:
                if (result.SchemaCreated)
                {
                    await WriteThroughAsync(result.SchemaId, append).ConfigureAwait(false);
                }
                else
                {
                    _fingerprints.AddOrUpdate(Fingerprint.From(append.Fingerprint.Span), result.SchemaId);
                }

                await InvalidateAsync(InvalidationKind.Subject, append.Subject, [result.SchemaId], [subjectKey, FactKey.Usage(result.SchemaId)]).ConfigureAwait(false);
                break;
            case WriteOutcome.Conflict:
                // What this replica holds about the subject is older than the system of record: forget it before the retry reads again.
                await ForgetAsync([subjectKey]).ConfigureAwait(false);
                break;
        }

        return result;
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
    public async Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken)
    {
        await ReplayPendingAsync().ConfigureAwait(false);
        var key = FactKey.Config(subject);
        try
        {
            await StoreAsync(static async (s, a, ct) =>
            {
                await s.SetConfigAsync(a.subject, a.config, ct).ConfigureAwait(false);
                return true;
            }, (subject, config), cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.InnerException is not CircuitOpenException)
        {
            await ForgetAsync([key]).ConfigureAwait(false);
            throw;
        }

        await InvalidateAsync(InvalidationKind.Config, subject, [], [key]).ConfigureAwait(false);
    }

    private async Task<WriteResult> WriteAsync<TState>(
        Func<IRegistryStore, TState, CancellationToken, Task<WriteResult>> write,
        TState state,
        string subject,
        InvalidationKind kind,
        IReadOnlyList<long> ids,
        bool wholeSubject,
        CancellationToken cancellationToken)
    {
        await ReplayPendingAsync().ConfigureAwait(false);
        var subjectKey = FactKey.Subject(subject);
        WriteResult result;
        try
        {
            result = await StoreAsync(write, state, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.InnerException is not CircuitOpenException)
        {
            await ForgetAsync([subjectKey]).ConfigureAwait(false);
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

            await InvalidateAsync(kind, subject, ids, keys).ConfigureAwait(false);
        }
        else if (result.Outcome is WriteOutcome.Conflict or WriteOutcome.NotFound)
        {
            await ForgetAsync([subjectKey]).ConfigureAwait(false);
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
            snapshot = await StoreAsync(static (s, subject, ct) => s.GetSubjectAsync(subject, ct), subject, cancellationToken).ConfigureAwait(false);
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

    /// <summary>A new schema: its content to the content tier, its metadata, content and fingerprint to the shared cache.</summary>
    private async Task WriteThroughAsync(long id, VersionAppend append)
    {
        var content = append.Content;
        var entry = new SchemaEntry(id, append.SchemaType, append.ContentHash.ToArray(), SHA256.HashData(content.Span), append.References);
        _fingerprints.AddOrUpdate(Fingerprint.From(append.Fingerprint.Span), id);
        var toContent = _content is null
            ? Task.CompletedTask
            : ContentAsync(static (c, a, ct) => c.PutAsync(a.Entry.ContentSha256, a.content, ct), (Entry: entry, content));
        var toShared = _shared is null
            ? Task.CompletedTask
            : Task.WhenAll(
                SharedAsync(static (s, a, ct) => s.SetSchemaAsync(a.entry, a.content, null, ct), (entry, content)),
                SharedAsync(static (s, a, ct) => s.SetSchemaIdAsync(a.Fingerprint, a.id, ct), (append.Fingerprint, id)));
        await Task.WhenAll(toContent, toShared).ConfigureAwait(false);
    }

    /// <summary>
    /// After a committed write: this process forgets the facts, the shared cache bumps their generations and deletes
    /// them, then every other replica is told and has acknowledged. Only then is the write answered.
    /// </summary>
    private async Task InvalidateAsync(InvalidationKind kind, string? subject, IReadOnlyList<long> ids, IReadOnlyList<FactKey> keys)
    {
        await ForgetAsync(keys).ConfigureAwait(false);
        if (_bus is null)
        {
            return;
        }

        try
        {
            await _bus.PublishAsync(kind, subject, ids, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // any failure of the channel: remembered and replayed, the write itself is done
        catch (Exception e)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _pendingPublish, 1);
            Metrics.Error(Tier.Shared);
            Log.PublishFailed(_logger, e.Message);
        }
    }

    /// <summary>Forgets facts here and in the shared cache (remembered for later if the shared cache is unreachable).</summary>
    private async Task ForgetAsync(IReadOnlyList<FactKey> keys)
    {
        foreach (var key in keys)
        {
            _facts.Invalidate(key);
        }

        if (_shared is null)
        {
            return;
        }

        if (!await SharedAsync(static (s, keys, ct) => s.InvalidateAsync(keys, ct), keys).ConfigureAwait(false))
        {
            Remember(keys);
        }
    }

    private void Remember(IReadOnlyList<FactKey> keys)
    {
        foreach (var key in keys)
        {
            if (_pendingKeys.Count >= MaxPendingKeys)
            {
                Volatile.Write(ref _pendingOverflow, 1);
                break;
            }

            _pendingKeys.Enqueue(key);
        }

        // The other replicas must hear of it too, once the channel is back.
        Volatile.Write(ref _pendingPublish, 1);
    }

    /// <summary>Sends what could not be sent while the shared cache was unreachable.</summary>
    private async Task ReplayPendingAsync()
    {
        if (Volatile.Read(ref _pendingPublish) == 0 && _pendingKeys.IsEmpty)
        {
            return;
        }

        if (_shared is not null && !_pendingKeys.IsEmpty && !_sharedBreaker.IsOpen)
        {
            var keys = new List<FactKey>();
            while (keys.Count < MaxPendingKeys && _pendingKeys.TryDequeue(out var key))
            {
                keys.Add(key);
            }

            if (!await SharedAsync(static (s, keys, ct) => s.InvalidateAsync(keys, ct), (IReadOnlyList<FactKey>)keys).ConfigureAwait(false))
            {
                foreach (var key in keys)
                {
                    _pendingKeys.Enqueue(key);
                }

                return;
            }

            if (Interlocked.Exchange(ref _pendingOverflow, 0) == 1)
            {
                Log.PendingOverflow(_logger, MaxPendingKeys);
            }
        }

        if (_bus is not null && _bus.IsConnected && Interlocked.Exchange(ref _pendingPublish, 0) == 1)
        {
            try
            {
                // Which facts were missed is not known any more: every replica forgets all its mutable facts.
                await _bus.PublishAsync(InvalidationKind.All, null, [], CancellationToken.None).ConfigureAwait(false);
                Log.Replayed(_logger);
            }
#pragma warning disable CA1031 // still unreachable: try again on the next write or reconnection
            catch (Exception)
#pragma warning restore CA1031
            {
                Volatile.Write(ref _pendingPublish, 1);
            }
        }
    }

    private void OnRemoteInvalidation(Invalidation message)
    {
        switch (message.Kind)
        {
            case InvalidationKind.All:
                _facts.InvalidateAll();
                break;
            case InvalidationKind.Config:
                _facts.Invalidate(FactKey.Config(message.Subject));
                break;
            default:
                if (message.Subject is not null)
                {
                    _facts.Invalidate(FactKey.Subject(message.Subject));
                    if (message.Kind == InvalidationKind.SubjectHardDeleted)
                    {
                        _facts.Invalidate(FactKey.Config(message.Subject));
                    }
                }

                foreach (var id in message.SchemaIds)
                {
                    _facts.Invalidate(FactKey.Usage(id));
                    if (message.Kind == InvalidationKind.SubjectHardDeleted)
                    {
                        _facts.Invalidate(FactKey.Schema(id));
                    }
                }

                break;
        }

        RemoteChanged?.Invoke(message);
    }

    private void OnBusRestored() => _ = ReplayPendingAsync();

    private void OnBreakerChanged(CircuitBreaker breaker, bool opened)
    {
        if (opened)
        {
            Log.BreakerOpened(_logger, breaker.Tier, breaker.Threshold);
        }
        else
        {
            Log.BreakerClosed(_logger, breaker.Tier);
        }
    }

    // ---- Calls to the tiers ------------------------------------------------------------------------------------

    /// <summary>
    /// A call to the system of record behind its breaker. "Unavailable" failures count against it; when it is open,
    /// calls fail at once with <see cref="RegistryErrorCode.StoreUnavailable"/> instead of waiting on a dead server.
    /// </summary>
    private async Task<T> StoreAsync<TState, T>(Func<IRegistryStore, TState, CancellationToken, Task<T>> call, TState state, CancellationToken cancellationToken)
    {
        if (!_storeBreaker.TryEnter())
        {
            Metrics.Skip(Tier.Store);
            throw new RegistryException(
                RegistryErrorCode.StoreUnavailable, "The system of record is unavailable (recent calls failed); retry shortly.", new CircuitOpenException());
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            var result = await call(_store, state, cancellationToken).ConfigureAwait(false);
            _storeBreaker.Success();
            Metrics.Elapsed(Tier.Store, start);
            return result;
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.StoreUnavailable)
        {
            _storeBreaker.Failure();
            Metrics.Error(Tier.Store);
            throw;
        }
        catch
        {
            _storeBreaker.Abandon();
            throw;
        }
    }

    /// <summary>A call to the shared cache: false (and counted) when skipped by its breaker, failed or timed out.</summary>
    private async Task<(bool Ok, T Value)> SharedAsync<TState, T>(Func<ISharedCache, TState, CancellationToken, Task<T>> call, TState state)
    {
        if (!_sharedBreaker.TryEnter())
        {
            Metrics.Skip(Tier.Shared);
            return (false, default!);
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            var value = await call(_shared!, state, CancellationToken.None).ConfigureAwait(false);
            _sharedBreaker.Success();
            Metrics.Elapsed(Tier.Shared, start);
            return (true, value);
        }
#pragma warning disable CA1031 // an optional tier's failure of any kind means "skip it", never a failed read
        catch (Exception e)
#pragma warning restore CA1031
        {
            _sharedBreaker.Failure();
            Metrics.Error(Tier.Shared);
            Log.TierFailed(_logger, TierMetrics.TierName(Tier.Shared), e.Message);
            return (false, default!);
        }
    }

    private async Task<(bool Ok, T Value)> ContentAsync<TState, T>(Func<IContentStore, TState, CancellationToken, Task<T>> call, TState state)
    {
        if (!_contentBreaker.TryEnter())
        {
            Metrics.Skip(Tier.Content);
            return (false, default!);
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            var value = await call(_content!, state, CancellationToken.None).ConfigureAwait(false);
            _contentBreaker.Success();
            Metrics.Elapsed(Tier.Content, start);
            return (true, value);
        }
#pragma warning disable CA1031 // an optional tier's failure of any kind means "skip it", never a failed read
        catch (Exception e)
#pragma warning restore CA1031
        {
            _contentBreaker.Failure();
            Metrics.Error(Tier.Content);
            Log.TierFailed(_logger, TierMetrics.TierName(Tier.Content), e.Message);
            return (false, default!);
        }
    }

    private async Task<bool> ContentAsync<TState>(Func<IContentStore, TState, CancellationToken, Task> call, TState state) =>
        (await ContentAsync(static async (c, a, ct) =>
        {
            await a.call(c, a.state, ct).ConfigureAwait(false);
            return true;
        }, (call, state)).ConfigureAwait(false)).Ok;

    private async Task<bool> SharedAsync<TState>(Func<ISharedCache, TState, CancellationToken, Task> call, TState state) =>
        (await SharedAsync(static async (s, a, ct) =>
        {
            await a.call(s, a.state, ct).ConfigureAwait(false);
            return true;
        }, (call, state)).ConfigureAwait(false)).Ok;

    private static SchemaRecord Record(SchemaEntry entry, byte[] content) =>
        new(entry.Id, entry.SchemaType, content, entry.ContentHash, entry.References);

    private static SchemaEntry Entry(SchemaRecord record) =>
        new(record.Id, record.SchemaType, record.ContentHash, SHA256.HashData(record.Content.Span), record.References);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_bus is not null)
        {
            _bus.Received -= OnRemoteInvalidation;
            _bus.Lost -= _facts.InvalidateAll;
            _bus.Restored -= OnBusRestored;
            await _bus.DisposeAsync().ConfigureAwait(false);
        }

        if (_shared is not null)
        {
            await _shared.DisposeAsync().ConfigureAwait(false);
        }

        if (_content is not null)
        {
            await _content.DisposeAsync().ConfigureAwait(false);
        }

        await _store.DisposeAsync().ConfigureAwait(false);
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        Metrics.Dispose();
    }

    /// <summary>Marks a call the breaker refused: it never reached the system of record, so it changed nothing.</summary>
    private sealed class CircuitOpenException : Exception
    {
        public CircuitOpenException()
            : base("The circuit breaker of the system of record is open.")
        {
        }
    }

    /// <summary>A SHA-256 fingerprint as a value key (no allocation, no string).</summary>
    private readonly record struct Fingerprint(ulong A, ulong B, ulong C, ulong D)
    {
        public static Fingerprint From(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length != 32)
            {
                // Not a SHA-256: key it by its hash so lookups still work (they will simply miss).
                Span<byte> hash = stackalloc byte[32];
                SHA256.HashData(bytes, hash);
                return From(hash);
            }

            var words = MemoryMarshal.Cast<byte, ulong>(bytes);
            return new Fingerprint(words[0], words[1], words[2], words[3]);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(131, LogLevel.Error, "Integrity: content from tier {Tier} for schema {SchemaId} hashes to {Actual}, not {Expected}; not served")]
        public static partial void IntegrityFailure(ILogger logger, string tier, long schemaId, string expected, string actual);

        [LoggerMessage(132, LogLevel.Warning, "Tier {Tier} failed: {Reason}")]
        public static partial void TierFailed(ILogger logger, string tier, string reason);

        [LoggerMessage(133, LogLevel.Warning, "Circuit breaker of tier {Tier} opened after {Failures} consecutive failures")]
        public static partial void BreakerOpened(ILogger logger, string tier, int failures);

        [LoggerMessage(134, LogLevel.Information, "Circuit breaker of tier {Tier} closed")]
        public static partial void BreakerClosed(ILogger logger, string tier);

        [LoggerMessage(135, LogLevel.Warning, "An invalidation could not be published ({Reason}); it is replayed when the channel is back")]
        public static partial void PublishFailed(ILogger logger, string reason);

        [LoggerMessage(136, LogLevel.Information, "Invalidations missed while the shared cache was unreachable were replayed")]
        public static partial void Replayed(ILogger logger);

        [LoggerMessage(137, LogLevel.Warning, "More than {Max} invalidations were pending; some shared-cache entries may stay stale until their TTL")]
        public static partial void PendingOverflow(ILogger logger, int max);

        [LoggerMessage(138, LogLevel.Warning, "The shared cache holds a malformed {Kind} entry for '{Name}'; treated as a miss")]
        public static partial void Malformed(ILogger logger, string kind, string name);
    }
}
