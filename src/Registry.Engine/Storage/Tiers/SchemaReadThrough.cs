using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Logging;
using Registry.Engine.Model;

namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// Schemas by id and ids by fingerprint, read through the tiers. A schema comes from the shared cache (metadata and
/// content), else from the content tier (content by its SHA-256, metadata from the system of record's index), else
/// from the system of record; the tiers that missed are filled on the way back, and concurrent misses for one id share
/// one load. Content from any tier is checked against its SHA-256 and never served when it does not match. Ids by
/// fingerprint never change once given, so they are kept in memory as well.
/// <para>Schemas by id are kept in memory by the engine (<c>SchemaCache</c>), not here.</para>
/// </summary>
internal sealed class SchemaReadThrough
{
    private readonly GuardedTier<IRegistryStore> _store;
    private readonly ISchemaIndex? _index;
    private readonly GuardedTier<ISharedCache>? _shared;
    private readonly GuardedTier<IContentStore>? _content;
    private readonly bool _contentReadThrough;
    private readonly MemoryFacts _facts;
    private readonly ConcurrentLru<Fingerprint, long> _fingerprints;
    private readonly SingleFlight<long, SchemaRecord?> _flights = new();
    private readonly TierMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _writeTimeout;
    private int _contentPutsInFlight;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _contentPuts = new();

    /// <summary>Most content puts in flight at once; a write past that leaves its content to the first read.</summary>
    public const int MaxContentPuts = 64;

    public SchemaReadThrough(
        GuardedTier<IRegistryStore> store,
        GuardedTier<ISharedCache>? shared,
        GuardedTier<IContentStore>? content,
        bool contentReadThrough,
        MemoryFacts facts,
        int maxFingerprints,
        TimeSpan writeTimeout,
        TierMetrics metrics,
        ILogger logger)
    {
        _writeTimeout = writeTimeout;
        _store = store;
        _index = store.Target as ISchemaIndex;
        _shared = shared;
        _content = content;
        _contentReadThrough = contentReadThrough;
        _facts = facts;
        _fingerprints = new ConcurrentLru<Fingerprint, long>(Math.Max(3, maxFingerprints));
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The schema, from the fastest tier that has it intact.</summary>
    public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken) =>
        _flights.RunAsync(id, _facts.Capture(FactKey.Schema(id)).Sum, static (id, self) => self.LoadAsync(id), this, cancellationToken);

    /// <summary>The schema's metadata: from the system of record's index when it has one, else from the whole schema.</summary>
    public async Task<SchemaEntry?> GetSchemaEntryAsync(long id, CancellationToken cancellationToken)
    {
        if (_index is not null)
        {
            return await _store.CallAsync(static (s, id, ct) => ((ISchemaIndex)s).GetSchemaEntryAsync(id, ct), id, cancellationToken).ConfigureAwait(false);
        }

        var record = await GetSchemaAsync(id, cancellationToken).ConfigureAwait(false);
        return record is null ? null : Entry(record);
    }

    /// <summary>The id given to a fingerprint: from memory, the shared cache or the system of record.</summary>
    public async Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken)
    {
        var key = Fingerprint.From(fingerprint.Span);
        if (_fingerprints.TryGet(key, out var known))
        {
            _metrics.Hit(Tier.Memory);
            return known;
        }

        if (_shared is not null)
        {
            var (ok, id) = await _shared.TryAsync(static (s, fp, ct) => s.GetSchemaIdAsync(fp, ct), fingerprint).ConfigureAwait(false);
            if (ok && id is { } cached)
            {
                _metrics.Hit(Tier.Shared);
                _fingerprints.AddOrUpdate(key, cached);
                return cached;
            }
        }

        var found = await _store.CallAsync(static (s, fp, ct) => s.FindSchemaIdAsync(fp, ct), fingerprint, cancellationToken).ConfigureAwait(false);
        if (found is { } stored)
        {
            // An id, once given to a fingerprint, is never taken back: safe to keep anywhere.
            _fingerprints.AddOrUpdate(key, stored);
            if (_shared is not null)
            {
                await _shared.TryAsync(static (s, a, ct) => s.SetSchemaIdAsync(a.fingerprint, a.stored, ct), (fingerprint, stored)).ConfigureAwait(false);
            }
        }

        return found;
    }

    /// <summary>Keeps the id of a fingerprint that a write found already registered.</summary>
    public void RememberId(ReadOnlyMemory<byte> fingerprint, long id) => _fingerprints.AddOrUpdate(Fingerprint.From(fingerprint.Span), id);

    /// <summary>
    /// A new schema: its metadata, content and fingerprint to the shared cache (awaited: the caller runs it beside the
    /// invalidation), its content to the content tier in the background (see <see cref="StartContentPut"/>).
    /// </summary>
    public Task WriteThroughAsync(long id, VersionAppend append)
    {
        var content = append.Content;
        var entry = new SchemaEntry(id, append.SchemaType, append.ContentHash.ToArray(), SHA256.HashData(content.Span), append.References);
        RememberId(append.Fingerprint, id);
        StartContentPut(entry.ContentSha256, content);
        return _shared is null
            ? Task.CompletedTask
            : Task.WhenAll(
                _shared.TryAsync(static (s, a, ct) => s.SetSchemaAsync(a.entry, a.content, null, ct), (entry, content), _writeTimeout),
                _shared.TryAsync(static (s, a, ct) => s.SetSchemaIdAsync(a.Fingerprint, a.id, ct), (append.Fingerprint, id), _writeTimeout));
    }

    /// <summary>Completes once every content put started so far has ended (for shutdown and tests).</summary>
    public Task ContentPutsSettledAsync() => Task.WhenAll(_contentPuts.Keys);

    /// <summary>
    /// Puts new content into the content tier without holding up the write: the system of record already has it, and
    /// a read that finds the content tier without it reads it from there and puts it back. At most
    /// <see cref="MaxContentPuts"/> run at once; past that a put is skipped (counted), for the same reason.
    /// </summary>
    private void StartContentPut(ReadOnlyMemory<byte> sha256, ReadOnlyMemory<byte> content)
    {
        if (_content is null)
        {
            return;
        }

        if (Interlocked.Increment(ref _contentPutsInFlight) > MaxContentPuts)
        {
            Interlocked.Decrement(ref _contentPutsInFlight);
            _metrics.Skip(Tier.Content);
            return;
        }

        // The caller's buffer may be reused once the write is answered: the put keeps its own copy.
        var put = PutAsync(_content, sha256.ToArray(), content.ToArray());
        _contentPuts.TryAdd(put, 0);
        _ = put.ContinueWith(
            static (t, state) =>
            {
                var self = (SchemaReadThrough)state!;
                self._contentPuts.TryRemove(t, out _);
                Interlocked.Decrement(ref self._contentPutsInFlight);
            },
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        static async Task PutAsync(GuardedTier<IContentStore> tier, byte[] sha256, byte[] content)
        {
            await Task.Yield();
            await tier.TryAsync(static (c, a, ct) => c.PutAsync(a.sha256, a.content, ct), (sha256, content: (ReadOnlyMemory<byte>)content)).ConfigureAwait(false);
        }
    }

    private async Task<SchemaRecord?> LoadAsync(long id)
    {
        string? generation = null;
        if (_shared is not null)
        {
            var (ok, read) = await _shared.TryAsync(static (s, id, ct) => s.GetSchemaAsync(id, ct), id).ConfigureAwait(false);
            if (ok)
            {
                generation = read.Generation;
                if (read.Entry is { } cached)
                {
                    if (read.Content is { } bytes && Verified(Tier.Shared, bytes, cached))
                    {
                        _metrics.Hit(Tier.Shared);
                        return Record(cached, bytes);
                    }

                    // The metadata is cached but not (or not intact) the content: the content tier knows it by its SHA-256.
                    _metrics.Miss(Tier.Shared);
                    if (await ReadContentAsync(cached).ConfigureAwait(false) is { } fromContent)
                    {
                        await FillSharedAsync(cached, fromContent, generation).ConfigureAwait(false);
                        return Record(cached, fromContent);
                    }
                }
                else
                {
                    _metrics.Miss(Tier.Shared);
                }
            }
        }

        var contentMissed = false;
        if (_content is not null && _contentReadThrough && _index is not null)
        {
            // Metadata from the system of record's index, content from the content tier.
            var entry = await _store.CallAsync(static (s, id, ct) => ((ISchemaIndex)s).GetSchemaEntryAsync(id, ct), id, CancellationToken.None).ConfigureAwait(false);
            if (entry is null)
            {
                return null;
            }

            if (await ReadContentAsync(entry).ConfigureAwait(false) is { } content)
            {
                await FillSharedAsync(entry, content, generation).ConfigureAwait(false);
                return Record(entry, content);
            }

            contentMissed = true;
        }

        var record = await _store.CallAsync(static (s, id, ct) => s.GetSchemaAsync(id, ct), id, CancellationToken.None).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        _metrics.Hit(Tier.Store);
        var fromStore = Entry(record);
        await FillSharedAsync(fromStore, record.Content, generation).ConfigureAwait(false);
        if (contentMissed)
        {
            // Content registered before the content tier existed (or lost from it): put it back.
            await _content!.TryAsync(static (c, e, ct) => c.PutAsync(e.Entry.ContentSha256, e.Content, ct), (Entry: fromStore, record.Content)).ConfigureAwait(false);
        }

        return record;
    }

    private async Task<byte[]?> ReadContentAsync(SchemaEntry entry)
    {
        if (_content is null)
        {
            return null;
        }

        var (ok, bytes) = await _content.TryAsync(static (c, sha, ct) => c.GetAsync(sha, ct), entry.ContentSha256).ConfigureAwait(false);
        if (!ok)
        {
            return null;
        }

        if (bytes is not null && Verified(Tier.Content, bytes, entry))
        {
            _metrics.Hit(Tier.Content);
            return bytes;
        }

        _metrics.Miss(Tier.Content);
        return null;
    }

    /// <summary>Fills the shared cache, unless the schema was hard-deleted since <paramref name="generation"/> was read.</summary>
    private async Task FillSharedAsync(SchemaEntry entry, ReadOnlyMemory<byte> content, string? generation)
    {
        if (_shared is not null && generation is not null)
        {
            var (ok, stored) = await _shared.TryAsync(static (s, a, ct) => s.SetSchemaAsync(a.entry, a.content, a.generation, ct), (entry, content, generation)).ConfigureAwait(false);
            if (ok && !stored)
            {
                _metrics.StaleFillRefused();
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

        _metrics.IntegrityFailure(tier);
        TierLog.IntegrityFailure(_logger, TierMetrics.TierName(tier), entry.Id, Convert.ToHexStringLower(entry.ContentSha256.Span), Convert.ToHexStringLower(actual));
        return false;
    }

    private static SchemaRecord Record(SchemaEntry entry, byte[] content) =>
        new(entry.Id, entry.SchemaType, content, entry.ContentHash, entry.References);

    private static SchemaEntry Entry(SchemaRecord record) =>
        new(record.Id, record.StoredType, record.ContentHash, SHA256.HashData(record.Content.Span), record.References);

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
}
