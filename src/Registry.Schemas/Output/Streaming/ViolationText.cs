using System.Globalization;
using System.Text;
using Registry.Schemas.Validation.Json;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Output.Streaming;

/// <summary>Noun phrases and sentences for violations: short, plain, with the model's own values quoted.</summary>
internal static class ViolationText
{
    public const int MaxQuoted = 80;

    public static string Where(string location) => location.Length == 0 ? "the root" : location;

    public static string Sentence(string location, string expected, string received)
        => $"At {Where(location)}: expected {expected}, but received {received}.";

    public static string KindPhrase(JsonKind kind) => kind switch
    {
        JsonKind.Null => "null",
        JsonKind.True => "true",
        JsonKind.False => "false",
        JsonKind.Number => "a number",
        JsonKind.String or JsonKind.PropertyName => "a string",
        JsonKind.Object => "an object",
        _ => "an array",
    };

    /// <summary>"a value of type string or null", "an integer", "an object".</summary>
    public static string TypeExpectation(TypeMask types)
    {
        if (types == TypeMask.Integer)
        {
            return "an integer";
        }

        var names = ValidatorNode.TypeNames(types);
        return types switch
        {
            TypeMask.Object => "an object",
            TypeMask.Array => "an array",
            TypeMask.String => "a string",
            TypeMask.Number => "a number",
            TypeMask.Boolean => "a boolean (true or false)",
            TypeMask.Null => "null",
            _ => "a value of type " + names,
        };
    }

    /// <summary>A JSON string literal for <paramref name="utf8"/>, shortened with an ellipsis past <paramref name="max"/> characters.</summary>
    public static string Quote(ReadOnlySpan<byte> utf8, int max = MaxQuoted) => Quote(Encoding.UTF8.GetString(utf8), max);

    public static string Quote(string text, int max = MaxQuoted)
    {
        var sb = new StringBuilder(Math.Min(text.Length, max) + 8).Append('"');
        var n = 0;
        foreach (var c in text)
        {
            if (n++ == max)
            {
                sb.Append('…');
                break;
            }

            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (c < ' ')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>"the string \"abc\"", "the number 12", "true", "an object with the properties \"a\", \"b\"", "an array of 3 items".</summary>
    public static string Received(JsonTape tape, ReadOnlySpan<byte> document, int token)
    {
        ref var t = ref tape.Tokens[token];
        switch (t.Kind)
        {
            case JsonKind.String:
            case JsonKind.PropertyName:
                return "the string " + Quote(tape.Bytes(document, token));
            case JsonKind.Number:
                return "the number " + Encoding.ASCII.GetString(tape.Bytes(document, token));
            case JsonKind.Object:
            {
                if (t.Length == 0)
                {
                    return "an empty object";
                }

                var sb = new StringBuilder("an object with the propert").Append(t.Length == 1 ? "y " : "ies ");
                var member = token + 1;
                for (var m = 0; m < t.Length && m < 12; m++)
                {
                    sb.Append(m == 0 ? "" : ", ").Append(Quote(tape.Bytes(document, member), 40));
                    member = tape.Tokens[member + 1].Next;
                }

                return (t.Length > 12 ? sb.Append(", …") : sb).ToString();
            }

            case JsonKind.Array:
                return t.Length == 0 ? "an empty array" : $"an array of {Count(t.Length, "item")}";
            default:
                return KindPhrase(t.Kind);
        }
    }

    /// <summary>"one of \"a\", \"b\"" from the members of an enum (strings and other values), capped.</summary>
    public static string EnumExpectation(JsonTape tape, Utf8KeyMap strings, int[] others)
    {
        var total = strings.Count + others.Length;
        if (total == 1)
        {
            return "exactly " + (strings.Count == 1 ? Quote(strings.Key(0)) : Literal(tape, others[0]));
        }

        var sb = new StringBuilder("one of ");
        var n = 0;
        for (var i = 0; i < strings.Count && n < 20; i++, n++)
        {
            sb.Append(n == 0 ? "" : ", ").Append(Quote(strings.Key(i), 60));
        }

        for (var i = 0; i < others.Length && n < 20; i++, n++)
        {
            sb.Append(n == 0 ? "" : ", ").Append(Literal(tape, others[i]));
        }

        if (total > 20)
        {
            sb.Append(", … (").Append(total).Append(" values in all)");
        }

        return sb.ToString();
    }

    /// <summary>The JSON text of a schema value (const, enum member), shortened.</summary>
    public static string Literal(JsonTape tape, int token)
    {
        ref var t = ref tape.Tokens[token];
        return t.Kind switch
        {
            JsonKind.String => Quote(tape.Bytes(token)),
            JsonKind.Object or JsonKind.Array => Shorten(Encoding.UTF8.GetString(tape.OwnedBytes.AsSpan(t.Start, End(tape, token) - t.Start))),
            _ => Encoding.UTF8.GetString(tape.OwnedBytes.AsSpan(t.Start, t.Length)),
        };
    }

    public static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    public static string Names(IEnumerable<byte[]> names, int max = 20)
    {
        var sb = new StringBuilder();
        var n = 0;
        foreach (var name in names)
        {
            if (n == max)
            {
                sb.Append(", …");
                break;
            }

            sb.Append(n++ == 0 ? "" : ", ").Append(Quote(name, 60));
        }

        return sb.ToString();
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 117), "…");

    /// <summary>The byte offset just past a container of a tape that owns its bytes (brackets matched, strings skipped).</summary>
    private static int End(JsonTape tape, int token)
    {
        var bytes = tape.OwnedBytes!;
        var depth = 0;
        for (var i = tape.Tokens[token].Start; i < bytes.Length; i++)
        {
            switch (bytes[i])
            {
                case (byte)'"':
                    for (i++; i < bytes.Length && bytes[i] != (byte)'"'; i++)
                    {
                        i += bytes[i] == (byte)'\\' ? 1 : 0;
                    }

                    break;
                case (byte)'{':
                case (byte)'[':
                    depth++;
                    break;
                case (byte)'}':
                case (byte)']':
                    if (--depth == 0)
                    {
                        return i + 1;
                    }

                    break;
            }
        }

        return bytes.Length;
    }
}
