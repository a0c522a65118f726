using System.Buffers;
using System.Text.Json;
using Registry.Schemas.Loading;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>
/// A JSON value of a loaded schema document, read where it lies on the loader's tokens: compared and hashed there
/// (numbers by value, objects unordered, as <see cref="JsonElement.DeepEquals"/> would), and turned into a
/// <see cref="JsonElement"/> only when a rule needs one (a value of <c>enum</c>, say, or a message).
/// </summary>
internal readonly record struct JsonRef(SchemaDocument Document, int Token)
{
    // The loader has checked the document's nesting against the configured limit; this only keeps the reader from
    // refusing what it has accepted.
    private static readonly JsonReaderOptions Reading = new() { MaxDepth = 100_000 };

    public JsonKind Kind => Document.Tape.Tokens[Token].Kind;

    /// <summary>Tokens of the value: what comparing it costs.</summary>
    public int Size => Document.Tape.Tokens[Token].Next - Token;

    /// <summary>The same JSON value: the same tokens (whatever the whitespace and escapes), or else equal as JSON Schema defines it.</summary>
    public bool SameAs(JsonRef other)
    {
        var a = Document.Tape;
        var b = other.Document.Tape;
        return JsonTape.SameTokens(a, Token, b, other.Token) || JsonEquality.Equal(a, a.OwnedBytes, Token, b, b.OwnedBytes, other.Token);
    }

    /// <summary>The keyed hash of the value, consistent with <see cref="SameAs"/>.</summary>
    public ulong Hash() => JsonValueHash.Of(Document.Tape, Document.Tape.OwnedBytes, Token);

    /// <summary>The value as an element of its own (it does not depend on the document's tokens, which are given back after a check).</summary>
    public JsonElement ToElement()
    {
        ref var t = ref Document.Tape.Tokens[Token];
        if (t.Kind is JsonKind.String or JsonKind.PropertyName)
        {
            if (!t.InSideBuffer)
            {
                // Offsets of strings exclude the quotes.
                return Parse(t.Start - 1);
            }

            var written = new ArrayBufferWriter<byte>(t.Length + 16);
            using (var writer = new Utf8JsonWriter(written))
            {
                writer.WriteStringValue(Document.Bytes(Token));
            }

            var reader = new Utf8JsonReader(written.WrittenSpan);
            reader.Read();
            return JsonElement.ParseValue(ref reader);
        }

        return Parse(t.Start);
    }

    private JsonElement Parse(int offset)
    {
        var reader = new Utf8JsonReader(Document.Tape.OwnedBytes.AsSpan(offset), isFinalBlock: true, new JsonReaderState(Reading));
        reader.Read();
        return JsonElement.ParseValue(ref reader);
    }
}

/// <summary>Equality and hashing of <see cref="JsonRef"/>s as JSON values, for dictionaries keyed by a schema's JSON.</summary>
internal sealed class JsonRefComparer : IEqualityComparer<JsonRef>
{
    public static readonly JsonRefComparer Instance = new();

    public bool Equals(JsonRef x, JsonRef y) => x.SameAs(y);

    public int GetHashCode(JsonRef obj)
    {
        var h = obj.Hash();
        return (int)h ^ (int)(h >> 32);
    }
}
