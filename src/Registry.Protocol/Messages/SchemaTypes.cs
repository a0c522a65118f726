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
        SchemaType.Tool => "TOOL",
        SchemaType.AgentCard => "AGENT_CARD",
        SchemaType.Prompt => "PROMPT",
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
            SchemaType.Tool => "TOOL"u8,
            SchemaType.AgentCard => "AGENT_CARD"u8,
            SchemaType.Prompt => "PROMPT"u8,
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

        if (name.SequenceEqual("TOOL"u8))
        {
            return SchemaType.Tool;
        }

        if (name.SequenceEqual("AGENT_CARD"u8))
        {
            return SchemaType.AgentCard;
        }

        if (name.SequenceEqual("PROMPT"u8))
        {
            return SchemaType.Prompt;
        }

        ProtocolErrors.BadValue(field, "unknown schema type (expected \"JSON\", \"AVRO\", \"PROTOBUF\", \"TOOL\", \"AGENT_CARD\" or \"PROMPT\").");
        return default;
    }
}
