using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Registry.Engine.Security;

/// <summary>What a JWT must satisfy, and where its role and grants are.</summary>
public sealed record JwtSettings
{
    /// <summary>Accepted <c>iss</c> values (one must match exactly).</summary>
    public required IReadOnlyList<string> Issuers { get; init; }

    /// <summary>Accepted <c>aud</c> values (one of the token's must match exactly).</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>The claim holding the role: a string or an array of strings; the highest registry role named wins.</summary>
    public string RoleClaim { get; init; } = "registry_role";

    /// <summary>The claim holding subject grants: an array of patterns (or one string).</summary>
    public string GrantsClaim { get; init; } = "registry_grants";

    /// <summary>Tolerance for <c>exp</c> and <c>nbf</c> against this server's clock.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Validates JWT bearer tokens signed with RS256 (RSA PKCS#1 v1.5, SHA-256) or ES256 (ECDSA P-256, SHA-256) by one of
/// the keys of a JWKS document. Nothing else is accepted: <c>alg: none</c>, HMAC algorithms (which would let a public
/// key be used as a shared secret) and every other algorithm are refused before any key is touched. The token must
/// carry an accepted <c>iss</c> and <c>aud</c>, an <c>exp</c> in the future and, when present, an <c>nbf</c> in the
/// past (both within <see cref="JwtSettings.ClockSkew"/>), a <c>sub</c>, and a registry role in the role claim.
/// Implemented with System.Security.Cryptography and System.Text.Json's reader: no reflection, native AOT safe.
/// </summary>
public sealed class JwtValidator
{
    private const int MaxTokenChars = 16 * 1024;

    /// <summary>The smallest RSA modulus accepted in a key set: 2048 bits.</summary>
    private const int MinRsaModulusBytes = 256;

    /// <summary>Tokens whose signature and claims were verified, by the SHA-256 of the token: a hit skips the signature check.</summary>
    private const int CacheCapacity = 10_000;

    private readonly JwtSettings _settings;
    private volatile List<SigningKey> _keys;
    private volatile BitFaster.Caching.Lru.ConcurrentLru<TokenHash, Verified> _verified = new(CacheCapacity);

    /// <summary>Creates a validator from settings and a JWKS document (<c>{"keys": [...]}</c>).</summary>
    public JwtValidator(JwtSettings settings, string jwks)
        : this(settings)
    {
        ArgumentNullException.ThrowIfNull(jwks);
        ReplaceKeys(jwks);
    }

    /// <summary>Creates a validator whose keys come later, by <see cref="ReplaceKeys"/> (a JWKS fetched from a URL); until then every token is refused.</summary>
    public JwtValidator(JwtSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _keys = [];
    }

    /// <summary>
    /// Called with a token's <c>kid</c> when no key has it: a key set fetched from a URL is then refetched (an issuer
    /// that rotated its keys publishes the new one before signing with it). The token itself is refused.
    /// </summary>
    public Action<string>? UnknownKeyId { get; set; }

    /// <summary>How many signing keys are in use.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>
    /// Replaces the signing keys with those of <paramref name="jwks"/>, all at once; a document that is not a JWKS or holds
    /// no usable key throws <see cref="InvalidOperationException"/> and the keys in use stay.
    /// </summary>
    public int ReplaceKeys(string jwks)
    {
        ArgumentNullException.ThrowIfNull(jwks);
        List<SigningKey> keys;
        try
        {
            keys = ReadKeys(jwks);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"The JWKS document is not JSON ({e.LineNumber + 1}:{e.BytePositionInLine + 1}).", e);
        }

        if (keys.Count == 0)
        {
            throw new InvalidOperationException("The JWKS document holds no RSA or P-256 EC signing key.");
        }

        _keys = keys;

        // A token signed by a key that is gone must not stay accepted from the cache.
        _verified = new BitFaster.Caching.Lru.ConcurrentLru<TokenHash, Verified>(CacheCapacity);
        return keys.Count;
    }

    /// <summary>True when <paramref name="token"/> looks like a JWT (three base64url parts), as opposed to an API key.</summary>
    public static bool LooksLikeJwt(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.StartsWith("ey", StringComparison.Ordinal) && token.AsSpan().Count('.') == 2;
    }

    /// <summary>The principal of a valid token; <see cref="RegistryErrorCode.Unauthenticated"/> otherwise.</summary>
    public Principal Validate(string token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > MaxTokenChars)
        {
            throw Refused("The token is too long.");
        }

        // The same token again (a client sends one token for many requests): its signature and claims were verified,
        // so only its expiry is checked again. The key is the hash of the whole token, so a changed byte misses.
        var hash = TokenHash.Of(token);
        var cache = _verified;
        if (cache.TryGet(hash, out var verified))
        {
            if (now.ToUnixTimeSeconds() < verified.Expires + (long)_settings.ClockSkew.TotalSeconds)
            {
                return verified.Principal;
            }

            cache.TryRemove(hash);
            throw Refused("The token has expired.");
        }

        var principal = ValidateUncached(token, now, out var expires);
        cache.AddOrUpdate(hash, new Verified(principal, expires));
        return principal;
    }

    private Principal ValidateUncached(string token, DateTimeOffset now, out long expires)
    {

        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == token.Length - 1 || token.IndexOf('.', second + 1) >= 0)
        {
            throw Refused("The token is not a signed JWT (header.payload.signature).");
        }

        var header = Decode(token.AsSpan(0, first), "header");
        var payload = Decode(token.AsSpan(first + 1, second - first - 1), "payload");
        var signature = Decode(token.AsSpan(second + 1), "signature");
        var (algorithm, kid) = ReadHeader(header);
        var signed = Encoding.ASCII.GetBytes(token, 0, second);
        if (!Verify(algorithm, kid, signed, signature))
        {
            throw Refused("The token's signature does not verify with any configured key.");
        }

        return ReadClaims(payload, now, out expires);
    }

    private bool Verify(string algorithm, string? kid, byte[] signed, byte[] signature)
    {
        var keys = _keys;
        if (keys.Count == 0)
        {
            throw Refused("No signing keys have been loaded yet from the configured key set; tokens are refused until they are.");
        }

        if (kid is not null && !keys.Exists(k => k.Kid is null || string.Equals(k.Kid, kid, StringComparison.Ordinal)))
        {
            UnknownKeyId?.Invoke(kid);
        }

        foreach (var key in keys)
        {
            if ((kid is not null && key.Kid is not null && !string.Equals(kid, key.Kid, StringComparison.Ordinal)) || key.Algorithm != algorithm)
            {
                continue;
            }

            var valid = key.Rsa is { } rsa
                ? rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : signature.Length == 64 && key.Ec!.VerifyData(signed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            if (valid)
            {
                return true;
            }
        }

        return false;
    }

    private static (string Algorithm, string? Kid) ReadHeader(byte[] header)
    {
        string? algorithm = null;
        string? kid = null;
        using var document = Parse(header, "header");
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("alg") && property.Value.ValueKind == JsonValueKind.String)
            {
                algorithm = property.Value.GetString();
            }
            else if (property.NameEquals("kid") && property.Value.ValueKind == JsonValueKind.String)
            {
                kid = property.Value.GetString();
            }
            else if (property.NameEquals("crit"))
            {
                throw Refused("The token's header has critical extensions this server does not understand.");
            }
        }

        return algorithm is "RS256" or "ES256"
            ? (algorithm, kid)
            : throw Refused($"The token's algorithm must be RS256 or ES256, not '{Clip(algorithm ?? "(none)")}'.");
    }

    private Principal ReadClaims(byte[] payload, DateTimeOffset now, out long expiresAt)
    {
        using var document = Parse(payload, "payload");
        var root = document.RootElement;
        var issuer = String(root, "iss");
        if (issuer is null || !Contains(_settings.Issuers, issuer))
        {
            throw Refused("The token's issuer is not accepted.");
        }

        if (!AudienceMatches(root))
        {
            throw Refused("The token's audience is not accepted.");
        }

        var seconds = now.ToUnixTimeSeconds();
        var skew = (long)_settings.ClockSkew.TotalSeconds;
        if (Number(root, "exp") is not { } expires)
        {
            throw Refused("The token has no expiry (exp).");
        }

        if (seconds >= expires + skew)
        {
            throw Refused("The token has expired.");
        }

        expiresAt = expires;

        if (Number(root, "nbf") is { } notBefore && seconds + skew < notBefore)
        {
            throw Refused("The token is not valid yet (nbf).");
        }

        var subject = String(root, "sub");
        if (string.IsNullOrEmpty(subject) || subject.Length > 256)
        {
            throw Refused("The token has no subject (sub).");
        }

        Role role = 0;
        foreach (var name in Strings(root, _settings.RoleClaim))
        {
            if (SecurityNames.TryParseRole(name, out var named) && named > role)
            {
                role = named;
            }
        }

        if (role == 0)
        {
            throw Refused($"The token names no registry role in its '{_settings.RoleClaim}' claim.");
        }

        var grants = new List<string>();
        foreach (var grant in Strings(root, _settings.GrantsClaim))
        {
            if (SubjectGrant.Problem(grant) is null && grants.Count < SubjectGrant.MaxGrants)
            {
                grants.Add(grant);
            }
        }

        return new Principal("jwt:" + subject, role, grants);
    }

    private bool AudienceMatches(JsonElement root)
    {
        foreach (var audience in Strings(root, "aud"))
        {
            if (Contains(_settings.Audiences, audience))
            {
                return true;
            }
        }

        return false;
    }

    private static List<SigningKey> ReadKeys(string jwks)
    {
        var keys = new List<SigningKey>();
        using var document = JsonDocument.Parse(jwks);
        if (!document.RootElement.TryGetProperty("keys", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidOperationException("A JWKS document is an object with a 'keys' array.");
        }

        foreach (var key in list.EnumerateArray())
        {
            var use = String(key, "use");
            if (use is not null && use != "sig")
            {
                continue;
            }

            var kid = String(key, "kid");
            switch (String(key, "kty"))
            {
                case "RSA":
                    var modulus = KeyBytes(key, "n");
                    if (modulus.AsSpan().TrimStart((byte)0).Length < MinRsaModulusBytes)
                    {
                        // A modulus under 2048 bits can be factored or is a mistake: signatures by it prove nothing.
                        continue;
                    }

                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = KeyBytes(key, "e") });
                    keys.Add(new SigningKey(kid, "RS256", rsa, null));
                    break;
                case "EC" when String(key, "crv") == "P-256":
                    var ec = ECDsa.Create(new ECParameters
                    {
                        Curve = ECCurve.NamedCurves.nistP256,
                        Q = new ECPoint { X = KeyBytes(key, "x"), Y = KeyBytes(key, "y") },
                    });
                    keys.Add(new SigningKey(kid, "ES256", null, ec));
                    break;
            }
        }

        return keys;
    }

    private static byte[] KeyBytes(JsonElement key, string name) =>
        String(key, name) is { } text ? Base64Url.DecodeFromChars(text) : throw new InvalidOperationException($"A JWKS key lacks '{name}'.");

    private static byte[] Decode(ReadOnlySpan<char> part, string what)
    {
        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            throw Refused($"The token's {what} is not base64url.");
        }
    }

    private static JsonDocument Parse(byte[] json, string what)
    {
        try
        {
            var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw Refused($"The token's {what} is not a JSON object.");
            }

            return document;
        }
        catch (JsonException)
        {
            throw Refused($"The token's {what} is not JSON.");
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    private static IEnumerable<string> Strings(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            yield break;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            yield return value.GetString()!;
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    yield return item.GetString()!;
                }
            }
        }
    }

    private static bool Contains(IReadOnlyList<string> accepted, string value)
    {
        foreach (var candidate in accepted)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Clip(string text) => text.Length > 32 ? text[..32] : text;

    private static RegistryException Refused(string message) => new(RegistryErrorCode.Unauthenticated, message);

    private sealed record SigningKey(string? Kid, string Algorithm, RSA? Rsa, ECDsa? Ec);
}

/// <summary>The SHA-256 of a token: what the cache of verified tokens is keyed by (32 bytes, whatever the token's length).</summary>
internal readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
{
    public static TokenHash Of(string token)
    {
        Span<byte> hash = stackalloc byte[32];
        var bytes = System.Text.Encoding.UTF8.GetByteCount(token);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            var written = System.Text.Encoding.UTF8.GetBytes(token, buffer);
            System.Security.Cryptography.SHA256.HashData(buffer.AsSpan(0, written), hash);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return new TokenHash(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));
    }
}

/// <summary>A verified token's principal and its <c>exp</c> (Unix seconds).</summary>
internal sealed record Verified(Principal Principal, long Expires);
