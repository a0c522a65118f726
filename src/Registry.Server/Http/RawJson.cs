using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Registry.Server.Http;

/// <summary>
/// A JSON value carried as its UTF-8 text: written into a response as-is (no re-serialisation), and read from a
/// request as the exact text of the value. A JSON string is read as the text it contains, so a schema may be sent
/// either as a JSON object or as a string holding the schema (the Confluent style).
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly struct RawJson
{
    /// <summary>Wraps UTF-8 JSON text.</summary>
    public RawJson(ReadOnlyMemory<byte> utf8) => Utf8 = utf8;

    /// <summary>The UTF-8 JSON text.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>True when no value was read.</summary>
    public bool IsEmpty => Utf8.IsEmpty;
}

/// <summary>Reads and writes <see cref="RawJson"/> without a DOM on the write side.</summary>
public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    /// <inheritdoc />
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new RawJson(Encoding.UTF8.GetBytes(reader.GetString()!));
        }

        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(JsonMarshal.GetRawUtf8Value(document.RootElement).ToArray());
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);

        // Stored schemas were checked as JSON when registered; skipping validation keeps this a plain copy.
        writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
    }
}
