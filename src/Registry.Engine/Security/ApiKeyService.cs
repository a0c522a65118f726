using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Registry.Engine.Security;

/// <summary>
/// Creates, checks and revokes API keys. A key is checked against its stored salted hash with a constant-time
/// comparison; records are cached for <see cref="CacheFor"/> (unknown ids too, so guessing ids costs no store round
/// trip), so a warm check is one SHA-256 of the secret. A revocation on this replica takes effect at once; on another
/// replica within <see cref="CacheFor"/>.
/// </summary>
public sealed class ApiKeyService
{
    private const int MaxCachedKeys = 10_000;

    private readonly ISecurityStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates the service.</summary>
    public ApiKeyService(ISecurityStore store, TimeProvider time, TimeSpan cacheFor)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _time = time;
        CacheFor = cacheFor;
    }

    /// <summary>How long a key record read from the store is trusted.</summary>
    public TimeSpan CacheFor { get; }

    /// <summary>
    /// The principal of a key, or <see cref="RegistryErrorCode.Unauthenticated"/> when the id is unknown, the secret
    /// wrong, or the key expired or revoked. Completes synchronously when the key is cached.
    /// </summary>
    public ValueTask<Principal> AuthenticateAsync(string keyId, string secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(secret);
        if (!ApiKeyFormat.IsKeyId(keyId))
        {
            return ValueTask.FromException<Principal>(Refused("The API key is not valid."));
        }

        return _cache.TryGetValue(keyId, out var cached) && IsFresh(cached)
            ? new ValueTask<Principal>(Check(cached, secret))
            : LoadAndCheckAsync(keyId, secret, cancellationToken);
    }

    /// <summary>Authenticates a whole key <c>id.secret</c>.</summary>
    public ValueTask<Principal> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ApiKeyFormat.TrySplit(key, out var id, out var secret)
            ? AuthenticateAsync(id, secret, cancellationToken)
            : ValueTask.FromException<Principal>(Refused("The API key is not valid."));
    }

    /// <summary>Creates a key; the whole key is in the result and nowhere else.</summary>
    public async Task<CreatedApiKey> CreateAsync(ApiKeySpec spec, string? createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Check(spec);
        while (true)
        {
            var (id, secret) = ApiKeyFormat.Generate();
            var record = NewRecord(id, secret, spec, createdBy);
            if (await _store.AddKeyAsync(record, cancellationToken).ConfigureAwait(false))
            {
                _cache.TryRemove(id, out _);
                return new CreatedApiKey(record, id + ApiKeyFormat.Separator + secret);
            }

            // 64 random bits collided with an existing id: draw again.
        }
    }

    /// <summary>Every key, newest last; the secrets are not in them.</summary>
    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) => _store.ListKeysAsync(cancellationToken);

    /// <summary>One key, or <see cref="RegistryErrorCode.InvalidRequest"/> for an id that is not one.</summary>
    public async Task<ApiKeyRecord?> GetAsync(string keyId, CancellationToken cancellationToken)
    {
        CheckId(keyId);
        return await _store.GetKeyAsync(keyId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes a key; false when there is none with that id.</summary>
    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        CheckId(keyId);
        var revoked = await _store.RevokeKeyAsync(keyId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        _cache.TryRemove(keyId, out _);
        return revoked;
    }

    /// <summary>
    /// Makes sure an administrator can get in. With <paramref name="configuredKey"/> (<c>id.secret</c> from
    /// configuration), stores that key as an admin key unless it exists; without, creates an admin key when the store
    /// has no usable admin key and returns it (the caller prints it once). Returns null when nothing was generated.
    /// </summary>
    public async Task<string?> EnsureBootstrapAdminAsync(string? configuredKey, CancellationToken cancellationToken)
    {
        var spec = new ApiKeySpec(Role.Admin, [], null, "bootstrap administrator");
        if (!string.IsNullOrEmpty(configuredKey))
        {
            if (!ApiKeyFormat.TrySplit(configuredKey, out var id, out var secret) || !ApiKeyFormat.IsAcceptableSecret(secret))
            {
                throw new InvalidOperationException(
                    "Registry:Security:BootstrapAdminKey must be 'rk_' and 16 lower-case hex digits, a '.', and a secret of 16 to 256 characters.");
            }

            if (await _store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false) is null)
            {
                await _store.AddKeyAsync(NewRecord(id, secret, spec, "configuration"), cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        var now = _time.GetUtcNow();
        foreach (var key in await _store.ListKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            if (key.Role == Role.Admin && key.RevokedAt is null && (key.ExpiresAt is null || key.ExpiresAt > now))
            {
                return null;
            }
        }

        return (await CreateAsync(spec, "first start", cancellationToken).ConfigureAwait(false)).Key;
    }

    private ApiKeyRecord NewRecord(string id, string secret, ApiKeySpec spec, string? createdBy)
    {
        var salt = ApiKeyFormat.NewSalt();
        return new ApiKeyRecord
        {
            KeyId = id,
            Description = spec.Description,
            Role = spec.Role,
            Grants = [.. spec.Grants],
            Salt = salt,
            SecretHash = ApiKeyFormat.Hash(salt, secret),
            CreatedAt = _time.GetUtcNow(),
            CreatedBy = createdBy,
            ExpiresAt = spec.ExpiresAt,
        };
    }

    private void Check(ApiKeySpec spec)
    {
        if (!Enum.IsDefined(spec.Role))
        {
            throw new RegistryException(RegistryErrorCode.InvalidRequest, "role: must be one of admin, developer, service, reader.");
        }

        if (spec.Grants.Count > SubjectGrant.MaxGrants)
        {
            throw new RegistryException(RegistryErrorCode.InvalidRequest, $"grants: at most {SubjectGrant.MaxGrants}.");
        }

        foreach (var grant in spec.Grants)
        {
            if (SubjectGrant.Problem(grant) is { } problem)
            {
                throw new RegistryException(RegistryErrorCode.InvalidRequest, "grants: " + problem + ".");
            }
        }

        if (spec.ExpiresAt is { } expires && expires <= _time.GetUtcNow())
        {
            throw new RegistryException(RegistryErrorCode.InvalidRequest, "expires_at: must be in the future.");
        }

        if (spec.Description is { Length: > 1024 })
        {
            throw new RegistryException(RegistryErrorCode.InvalidRequest, "description: at most 1024 characters.");
        }
    }

    private static void CheckId(string keyId)
    {
        if (!ApiKeyFormat.IsKeyId(keyId))
        {
            throw new RegistryException(RegistryErrorCode.InvalidRequest, "A key id is 'rk_' followed by 16 lower-case hex digits.");
        }
    }

    private async ValueTask<Principal> LoadAndCheckAsync(string keyId, string secret, CancellationToken cancellationToken)
    {
        var record = await _store.GetKeyAsync(keyId, cancellationToken).ConfigureAwait(false);
        var cached = new CachedKey(record, record is null ? null : new Principal(record.KeyId, record.Role, record.Grants), _time.GetTimestamp());
        if (_cache.Count >= MaxCachedKeys)
        {
            _cache.Clear();
        }

        _cache[keyId] = cached;
        return Check(cached, secret);
    }

    private Principal Check(CachedKey cached, string secret)
    {
        if (cached.Record is not { } record || cached.Principal is not { } principal)
        {
            throw Refused("The API key is not valid.");
        }

        var hash = ApiKeyFormat.Hash(record.Salt.Span, secret);
        if (!CryptographicOperations.FixedTimeEquals(hash, record.SecretHash.Span))
        {
            throw Refused("The API key is not valid.");
        }

        if (record.RevokedAt is not null)
        {
            throw Refused($"The API key {record.KeyId} was revoked.");
        }

        if (record.ExpiresAt is { } expires && expires <= _time.GetUtcNow())
        {
            throw Refused($"The API key {record.KeyId} has expired.");
        }

        return principal;
    }

    private bool IsFresh(CachedKey cached) => _time.GetElapsedTime(cached.LoadedAt) < CacheFor;

    private static RegistryException Refused(string message) => new(RegistryErrorCode.Unauthenticated, message);

    private sealed record CachedKey(ApiKeyRecord? Record, Principal? Principal, long LoadedAt);
}
