using System.Buffers;
using System.Text.Json;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>Small JSON values the checker evaluates against schemas.</summary>
internal static class FiniteInstances
{
    /// <summary>Every value of the types null and boolean.</summary>
    public static readonly JsonElement[] NullAndBooleans = Parse("[null, true, false]");

    /// <summary>A JSON string element holding <paramref name="text"/>.</summary>
    public static JsonElement String(string text)
    {
        var buffer = new ArrayBufferWriter<byte>(text.Length + 8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(text);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static JsonElement[] Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var values = new List<JsonElement>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            values.Add(item.Clone());
        }

        return [.. values];
    }
}
