using System.Buffers;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>The wire spelling of <see cref="SchemaType"/>: <c>"JSON"</c>, <c>"AVRO"</c>, <c>"PROTOBUF"</c>.</summary>
public static class SchemaTypes
{
    private const int MaxNameBytes = 16;

    /// <summary>The wire name of <paramref name="type"/>.</summary>
    public static string GetName(SchemaType type) => type switch
    {
        SchemaType.Json => "JSON",
        SchemaType.Avro => "AVRO",
        SchemaType.Protobuf => "PROTOBUF",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Writes the wire name of <paramref name="type"/> without allocating.</summary>
    public static void Write(ref MessagePackWriter writer, SchemaType type)
    {
        var name = type switch
        {
            SchemaType.Json => "JSON"u8,
            SchemaType.Avro => "AVRO"u8,
            SchemaType.Protobuf => "PROTOBUF"u8,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        writer.WriteString(name);
    }

    internal static SchemaType Read(ref ProtocolReader reader, string field)
    {
        var bytes = reader.ReadUtf8(field, MaxNameBytes);
        Span<byte> name = stackalloc byte[MaxNameBytes];
        bytes.CopyTo(name);
        name = name[..(int)bytes.Length];
        if (name.SequenceEqual("JSON"u8))
        {
            return SchemaType.Json;
        }

        if (name.SequenceEqual("AVRO"u8))
        {
            return SchemaType.Avro;
        }

        if (name.SequenceEqual("PROTOBUF"u8))
        {
            return SchemaType.Protobuf;
        }

        ProtocolErrors.BadValue(field, "unknown schema type (expected \"JSON\", \"AVRO\" or \"PROTOBUF\").");
        return default;
    }
}
