using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Registry.Engine.Schemas;

/// <summary>
/// The canonical form of a JSON document, used to decide whether two schemas are the same content: no
/// insignificant whitespace, object members sorted by name (ordinal UTF-16, as RFC 8785), strings re-escaped
/// minimally (only <c>"</c>, <c>\</c> and control characters), numbers and literals exactly as written.
/// Two documents that differ only in layout, member order or string escaping have the same canonical form.
/// Duplicate member names are refused: their meaning is ambiguous and sorting would hide it.
/// </summary>
public static class CanonicalJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Returns the canonical form of <paramref name="utf8Json"/>; throws <see cref="RegistryErrorCode.InvalidSchema"/>
    /// when it is not well-formed UTF-8 JSON, nests deeper than <paramref name="maxDepth"/> or repeats a member name.
    /// </summary>
    public static byte[] Canonicalize(ReadOnlyMemory<byte> utf8Json, int maxDepth)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException e)
        {
            return RegistryThrow.Error<byte[]>(RegistryErrorCode.InvalidSchema, $"The schema is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var output = new ArrayBufferWriter<byte>(Math.Max(16, utf8Json.Length));
            try
            {
                Write(document.RootElement, output);
            }
            catch (InvalidOperationException e)
            {
                // Raised by JsonElement.GetString for invalid UTF-8 or lone surrogates in escapes.
                RegistryThrow.InvalidSchema($"The schema is not valid JSON text: {e.Message}");
            }
            catch (ArgumentException e)
            {
                RegistryThrow.InvalidSchema($"The schema is not valid JSON text: {e.Message}");
            }

            return output.WrittenSpan.ToArray();
        }
    }

    /// <summary>
    /// True when <paramref name="utf8Json"/> is an object with a string member <c>$schema</c> at its root (it names its
    /// own dialect); false otherwise, also when it is not JSON (that is refused elsewhere).
    /// </summary>
    public static bool NamesSchema(ReadOnlyMemory<byte> utf8Json, int maxDepth)
    {
        var reader = new Utf8JsonReader(utf8Json.Span, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSchema = reader.ValueTextEquals("$schema"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isSchema && reader.TokenType == JsonTokenType.String)
                {
                    return true;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }

    /// <summary>Removes a leading UTF-8 byte order mark, which is not part of the JSON text.</summary>
    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> utf8) =>
        utf8.Span.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8;

    private static void Write(JsonElement element, ArrayBufferWriter<byte> output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output);
                break;
            case JsonValueKind.Array:
                output.Write("["u8);
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        output.Write(","u8);
                    }

                    first = false;
                    Write(item, output);
                }

                output.Write("]"u8);
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                break;
            default:
                // Numbers and literals: the token exactly as written (the reader has already validated it).
                output.Write(JsonMarshal.GetRawUtf8Value(element));
                break;
        }
    }

    private static void WriteObject(JsonElement element, ArrayBufferWriter<byte> output)
    {
        var members = new List<KeyValuePair<string, JsonElement>>();
        foreach (var property in element.EnumerateObject())
        {
            members.Add(new KeyValuePair<string, JsonElement>(property.Name, property.Value));
        }

        members.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        output.Write("{"u8);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (string.Equals(members[i].Key, members[i - 1].Key, StringComparison.Ordinal))
                {
                    RegistryThrow.InvalidSchema($"The schema repeats the member name '{members[i].Key}' in one object.");
                }

                output.Write(","u8);
            }

            WriteString(members[i].Key, output);
            output.Write(":"u8);
            Write(members[i].Value, output);
        }

        output.Write("}"u8);
    }

    private static void WriteString(string value, ArrayBufferWriter<byte> output)
    {
        output.Write("\""u8);
        var runStart = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            WriteRun(value.AsSpan(runStart, i - runStart), output);
            runStart = i + 1;
            switch (c)
            {
                case '"': output.Write("\\\""u8); break;
                case '\\': output.Write("\\\\"u8); break;
                case '\b': output.Write("\\b"u8); break;
                case '\f': output.Write("\\f"u8); break;
                case '\n': output.Write("\\n"u8); break;
                case '\r': output.Write("\\r"u8); break;
                case '\t': output.Write("\\t"u8); break;
                default:
                    var escape = output.GetSpan(6);
                    "\\u00"u8.CopyTo(escape);
                    escape[4] = HexDigit(c >> 4);
                    escape[5] = HexDigit(c & 0xF);
                    output.Advance(6);
                    break;
            }
        }

        WriteRun(value.AsSpan(runStart), output);
        output.Write("\""u8);
    }

    private static void WriteRun(ReadOnlySpan<char> run, ArrayBufferWriter<byte> output)
    {
        if (run.IsEmpty)
        {
            return;
        }

        // Throws ArgumentException on a lone surrogate: such a string has no UTF-8 form.
        var span = output.GetSpan(StrictUtf8.GetMaxByteCount(run.Length));
        output.Advance(StrictUtf8.GetBytes(run, span));
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);
}
