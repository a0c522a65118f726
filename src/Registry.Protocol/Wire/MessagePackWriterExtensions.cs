using System.Buffers;
using MessagePack;

namespace Registry.Protocol.Wire;

/// <summary>Writing conventions shared by every message: nil for absent values, integers for enums and times.</summary>
public static class MessagePackWriterExtensions
{
    /// <summary>Writes nil for null, otherwise the string.</summary>
    public static void WriteNullable(this ref MessagePackWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(value);
        }
    }

    /// <summary>Writes nil for null, otherwise the integer.</summary>
    public static void WriteNullable(this ref MessagePackWriter writer, int? value)
    {
        if (value is { } v)
        {
            writer.Write(v);
        }
        else
        {
            writer.WriteNil();
        }
    }

    /// <summary>Writes a point in time as milliseconds since the Unix epoch, UTC.</summary>
    public static void WriteTimestamp(this ref MessagePackWriter writer, DateTimeOffset value)
        => writer.Write(value.ToUnixTimeMilliseconds());

    /// <summary>Writes nil for null, otherwise the point in time.</summary>
    public static void WriteNullableTimestamp(this ref MessagePackWriter writer, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteTimestamp(v);
        }
        else
        {
            writer.WriteNil();
        }
    }

    /// <summary>Writes opaque content (schema or document bytes) as MessagePack bin, unchanged.</summary>
    public static void WriteBlob(this ref MessagePackWriter writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);

    /// <summary>Writes opaque content (schema or document bytes) as MessagePack bin, unchanged.</summary>
    public static void WriteBlob(this ref MessagePackWriter writer, in ReadOnlySequence<byte> bytes) => writer.Write(bytes);
}

/// <summary>Reading conventions that mirror <see cref="MessagePackWriterExtensions"/>.</summary>
internal static class ProtocolReaderConventions
{
    // Range of DateTimeOffset in Unix milliseconds; anything outside cannot be a real time.
    private const long MinUnixMilliseconds = -62_135_596_800_000;
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    public static DateTimeOffset ReadTimestamp(this ref ProtocolReader reader, string field)
    {
        var value = reader.ReadInt64(field);
        if (value is < MinUnixMilliseconds or > MaxUnixMilliseconds)
        {
            ProtocolErrors.OutOfRange(field, value);
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(value);
    }

    public static DateTimeOffset? ReadNullableTimestamp(this ref ProtocolReader reader, string field)
        => reader.TryReadNil() ? null : reader.ReadTimestamp(field);

    public static byte[] ReadBlobCopy(this ref ProtocolReader reader, string field) => reader.ReadBlob(field).ToArray();
}
