using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Registry.Engine.Security;

/// <summary>
/// The hash chain of the audit log: each row's hash is SHA-256 over the previous row's hash and the row's own fields,
/// each field length-prefixed so that no two different rows serialise alike. Changing, removing or reordering a row
/// changes every hash after it; <see cref="Verify"/> finds the first row where the chain breaks.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first row.</summary>
    public static ReadOnlyMemory<byte> Genesis { get; } = new byte[32];

    /// <summary>The hash of row <paramref name="sequence"/> with <paramref name="entry"/> after <paramref name="previousHash"/>.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> previousHash, long sequence, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previousHash);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, entry.Time.ToUnixTimeMilliseconds());
        hash.AppendData(number);
        Append(hash, entry.Principal);
        Append(hash, entry.Source);
        Append(hash, entry.Operation);
        Append(hash, entry.Subject);
        Append(hash, entry.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(hash, entry.Target);
        Append(hash, entry.Outcome);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Checks rows read in sequence order from the start of the log: each must follow the previous one, name its hash,
    /// and hash to what it holds. Returns the first sequence number where that fails, or null when the chain is whole.
    /// </summary>
    public static AuditBreak? Verify(IEnumerable<AuditRecord> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var previous = Genesis;
        var expected = 1L;
        foreach (var row in rows)
        {
            if (row.Sequence != expected)
            {
                return new AuditBreak(expected, $"row {expected} is missing (found {row.Sequence})");
            }

            if (!CryptographicOperations.FixedTimeEquals(row.PreviousHash.Span, previous.Span))
            {
                return new AuditBreak(row.Sequence, $"row {row.Sequence} does not name the hash of row {row.Sequence - 1}");
            }

            if (!CryptographicOperations.FixedTimeEquals(Hash(previous.Span, row.Sequence, row.Entry), row.Hash.Span))
            {
                return new AuditBreak(row.Sequence, $"row {row.Sequence} was changed after it was written (its hash does not match its content)");
            }

            previous = row.Hash;
            expected++;
        }

        return null;
    }

    private static void Append(IncrementalHash hash, string? text)
    {
        Span<byte> length = stackalloc byte[4];
        if (text is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, -1);
            hash.AppendData(length);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}

/// <summary>Where the audit chain breaks.</summary>
/// <param name="Sequence">The first row that does not verify.</param>
/// <param name="Reason">Why.</param>
public sealed record AuditBreak(long Sequence, string Reason);
