using System.Security.Cryptography;
using System.Text;

namespace Registry.Engine.Security;

/// <summary>
/// An API key as stored: never the secret, only a salted SHA-256 of it. The id is the visible part of the key
/// (<c>rk_</c> and 16 hex digits), shown in listings and the audit log.
/// </summary>
public sealed record ApiKeyRecord
{
    /// <summary>The visible id.</summary>
    public required string KeyId { get; init; }

    /// <summary>What the key is for (free text).</summary>
    public string? Description { get; init; }

    /// <summary>The role.</summary>
    public required Role Role { get; init; }

    /// <summary>Subject patterns (see <see cref="SubjectGrant"/>).</summary>
    public required IReadOnlyList<string> Grants { get; init; }

    /// <summary>Random salt, 16 bytes.</summary>
    public required ReadOnlyMemory<byte> Salt { get; init; }

    /// <summary>SHA-256 of salt and secret.</summary>
    public required ReadOnlyMemory<byte> SecretHash { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who created it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>After this the key is refused; null: never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When it was revoked; null: not revoked.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>A key just created: its record and the whole key, which is shown this once and never again.</summary>
/// <param name="Record">What is stored.</param>
/// <param name="Key">The key to hand to its user: <c>id.secret</c>.</param>
public sealed record CreatedApiKey(ApiKeyRecord Record, string Key);

/// <summary>What a new key may do.</summary>
/// <param name="Role">The role.</param>
/// <param name="Grants">Subject patterns; empty means none (enough for readers and admins).</param>
/// <param name="ExpiresAt">Expiry; null: never.</param>
/// <param name="Description">Free text.</param>
public sealed record ApiKeySpec(Role Role, IReadOnlyList<string> Grants, DateTimeOffset? ExpiresAt, string? Description);

/// <summary>The format of keys and the hashing of their secrets.</summary>
public static class ApiKeyFormat
{
    /// <summary>Every key id starts with this.</summary>
    public const string IdPrefix = "rk_";

    /// <summary>Separates the id from the secret in a whole key.</summary>
    public const char Separator = '.';

    private const int IdHexDigits = 16;
    private const int SecretBytes = 32;
    private const int SaltBytes = 16;
    private const int MaxSecretChars = 256;

    /// <summary>A fresh id and secret.</summary>
    public static (string KeyId, string Secret) Generate()
    {
        Span<byte> id = stackalloc byte[IdHexDigits / 2];
        RandomNumberGenerator.Fill(id);
        Span<byte> secret = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(secret);
        return (IdPrefix + Convert.ToHexStringLower(id), Base64Url(secret));
    }

    /// <summary>A fresh random salt.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    /// <summary>
    /// SHA-256 over the salt and the UTF-8 secret. A single hash suffices because secrets are 256 random bits, not
    /// passwords: there is nothing to guess that a slow hash would protect.
    /// </summary>
    public static byte[] Hash(ReadOnlySpan<byte> salt, ReadOnlySpan<char> secret)
    {
        var length = salt.Length + Encoding.UTF8.GetByteCount(secret);
        var buffer = length <= 512 ? stackalloc byte[length] : new byte[length];
        salt.CopyTo(buffer);
        Encoding.UTF8.GetBytes(secret, buffer[salt.Length..]);
        var hash = SHA256.HashData(buffer);
        CryptographicOperations.ZeroMemory(buffer);
        return hash;
    }

    /// <summary>True when the shape of an id is right (so that nothing else is ever looked up).</summary>
    public static bool IsKeyId(ReadOnlySpan<char> id)
    {
        if (id.Length != IdPrefix.Length + IdHexDigits || !id.StartsWith(IdPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id[IdPrefix.Length..])
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Splits a whole key <c>id.secret</c>; false when it is not one.</summary>
    public static bool TrySplit(string key, out string keyId, out string secret)
    {
        ArgumentNullException.ThrowIfNull(key);
        var dot = key.IndexOf(Separator, StringComparison.Ordinal);
        if (dot > 0 && IsKeyId(key.AsSpan(0, dot)) && key.Length - dot - 1 is > 0 and <= MaxSecretChars)
        {
            keyId = key[..dot];
            secret = key[(dot + 1)..];
            return true;
        }

        keyId = secret = string.Empty;
        return false;
    }

    /// <summary>True when the secret is acceptable as a configured one (bootstrap key).</summary>
    public static bool IsAcceptableSecret(string secret) => secret.Length is >= 16 and <= MaxSecretChars;

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
