using System.Globalization;
using Registry.Engine.Storage.Tiers;
using StackExchange.Redis;

namespace Registry.Engine.Storage.Redis;

/// <summary>
/// The shared cache on Redis. Keys, under the configured prefix:
/// <list type="bullet">
/// <item><c>s:{id}</c>: a schema's metadata (its first bytes hold the content's SHA-256 in hex); <c>c:{sha256}</c>: the
/// content, stored once however many ids share it. One script reads both in one round trip.</item>
/// <item><c>f:{fingerprint}</c>: the id of a fingerprint.</item>
/// <item><c>subj:{subject}</c>, <c>cfg:{scope}</c>, <c>u:{id}</c>: mutable facts; <c>g:...</c> beside each, its generation.</item>
/// </list>
/// A key that holds a subject name holds it verbatim after a fixed prefix: keys are binary-safe, so no escaping is needed.
/// The scripts touch keys they compute themselves, which is fine on one Redis (not on a cluster).
/// </summary>
public sealed class RedisSharedCache : ISharedCache
{
    // KEYS: s:{id}, g:s:{id}; ARGV: content key prefix. Returns {metadata, content, generation}.
    private const string ReadSchemaScript = """
        local m = redis.call('GET', KEYS[1])
        local g = redis.call('GET', KEYS[2]) or ''
        if not m then return {false, false, g} end
        local c = redis.call('GET', ARGV[1] .. string.sub(m, 2, 65))
        return {m, c, g}
        """;

    // KEYS: s:{id}, g:s:{id}, c:{sha}; ARGV: generation ('*' unconditional), metadata, content, ttl ms.
    private const string SetSchemaScript = """
        if ARGV[1] ~= '*' and (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
        return 1
        """;

    // KEYS: entry, generation; ARGV: generation read before loading, value, ttl ms.
    private const string FillScript = """
        if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
        """;

    // KEYS: entry1, generation1, entry2, generation2, ...; ARGV: generation ttl ms.
    private const string InvalidateScript = """
        for i = 1, #KEYS, 2 do
          redis.call('DEL', KEYS[i])
          redis.call('INCR', KEYS[i + 1])
          redis.call('PEXPIRE', KEYS[i + 1], ARGV[1])
        end
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly RedisValue _contentPrefix;
    private readonly long _immutableMs;
    private readonly long _mutableMs;
    private readonly long _generationMs;

    /// <summary>Creates the cache over a connection (owned by the caller).</summary>
    public RedisSharedCache(IConnectionMultiplexer redis, RedisTierOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _prefix = options.KeyPrefix;
        _contentPrefix = _prefix + "c:";
        _immutableMs = Math.Max(1000, (long)options.ImmutableTtl.TotalMilliseconds);
        _mutableMs = Math.Max(1, (long)options.MutableTtl.TotalMilliseconds);

        // A generation must outlive every value filled under it (see ISharedCache), so it lives twice the longest TTL.
        _generationMs = 2 * Math.Max(_immutableMs, _mutableMs);
    }

    private IDatabase Db => _redis.GetDatabase();

    /// <inheritdoc />
    public async Task<SharedSchema> GetSchemaAsync(long id, CancellationToken cancellationToken)
    {
        var key = SchemaKey(id);
        var result = await Db.ScriptEvaluateAsync(ReadSchemaScript, [key, Generation(key)], [_contentPrefix]).WaitAsync(cancellationToken).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        var generation = (string?)parts[2] ?? string.Empty;
        var metadata = (byte[]?)parts[0];
        if (metadata is null)
        {
            return new SharedSchema(null, null, generation);
        }

        return new SharedSchema(TierCodec.DecodeSchemaEntry(id, metadata), (byte[]?)parts[1], generation);
    }

    /// <inheritdoc />
    public async Task<bool> SetSchemaAsync(SchemaEntry entry, ReadOnlyMemory<byte> content, string? generation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = SchemaKey(entry.Id);
        var result = await Db.ScriptEvaluateAsync(
            SetSchemaScript,
            [key, Generation(key), ContentKey(entry.ContentSha256.Span)],
            [generation ?? "*", TierCodec.EncodeSchemaEntry(entry), content, _immutableMs]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <inheritdoc />
    public async Task<long?> GetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken)
    {
        var value = await Db.StringGetAsync(FingerprintKey(fingerprint.Span)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return value.IsNull || !long.TryParse((string?)value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? null : id;
    }

    /// <inheritdoc />
    public Task SetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, long id, CancellationToken cancellationToken) =>
        Db.StringSetAsync(FingerprintKey(fingerprint.Span), id, TimeSpan.FromMilliseconds(_immutableMs)).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<SharedFact> GetFactAsync(FactKey key, CancellationToken cancellationToken)
    {
        var entry = FactEntry(key);
        var values = await Db.StringGetAsync([entry, Generation(entry)]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new SharedFact((byte[]?)values[0], (string?)values[1] ?? string.Empty);
    }

    /// <inheritdoc />
    public async Task<bool> FillFactAsync(FactKey key, string generation, ReadOnlyMemory<byte> value, TimeSpan age, CancellationToken cancellationToken)
    {
        var ttl = _mutableMs - (long)Math.Ceiling(Math.Max(0, age.TotalMilliseconds));
        if (ttl <= 0)
        {
            // The value is as old as a mutable entry may live: not worth storing, and storing it would stretch the bound.
            return true;
        }

        var entry = FactEntry(key);
        var result = await Db.ScriptEvaluateAsync(FillScript, [entry, Generation(entry)], [generation, value, ttl]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <inheritdoc />
    public Task InvalidateAsync(IReadOnlyList<FactKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return Task.CompletedTask;
        }

        var redisKeys = new RedisKey[keys.Count * 2];
        for (var i = 0; i < keys.Count; i++)
        {
            var entry = FactEntry(keys[i]);
            redisKeys[2 * i] = entry;
            redisKeys[(2 * i) + 1] = Generation(entry);
        }

        return Db.ScriptEvaluateAsync(InvalidateScript, redisKeys, [_generationMs]).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private RedisKey SchemaKey(long id) => _prefix + "s:" + id.ToString(CultureInfo.InvariantCulture);

    private RedisKey ContentKey(ReadOnlySpan<byte> sha256) => _prefix + "c:" + Convert.ToHexStringLower(sha256);

    private RedisKey FingerprintKey(ReadOnlySpan<byte> fingerprint) => _prefix + "f:" + Convert.ToHexStringLower(fingerprint);

    private RedisKey FactEntry(FactKey key) => key.Kind switch
    {
        FactKind.Subject => _prefix + "subj:" + key.Name,
        FactKind.Config => _prefix + "cfg:" + key.Name,
        FactKind.Usage => _prefix + "u:" + key.Name,
        _ => _prefix + "s:" + key.Name,
    };

    private RedisKey Generation(RedisKey entry) => _prefix + "g:" + ((string)entry!)[_prefix.Length..];
}
