using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Registry.Server.Http;

/// <summary>
/// Checks a request body against its <see cref="BodyShape"/> and says what is wrong in the registry's words: an empty
/// body, text that is not JSON (with the line, the column and the field being read, and a name for the usual slips:
/// a trailing comma, a comment, a body cut short), a value of the wrong type, a missing field, an unknown one. Used by
/// both HTTP APIs; each wraps the message in its own error body.
/// </summary>
internal static class BodyCheck
{
    /// <summary>Longest piece of a client's text quoted back in a message.</summary>
    private const int MaxQuoted = 40;

    /// <summary>Null when the body fits the shape; otherwise why not, naming the field.</summary>
    public static string? Problem(ReadOnlySpan<byte> body, BodyShape shape, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (maxDepth <= 0)
        {
            // The serialiser's default.
            maxDepth = 64;
        }

        if (IsBlank(body))
        {
            return $"The request body is empty; {shape.What} is {shape.Summary()}.";
        }

        if (Syntax(body, shape, maxDepth) is { } syntax)
        {
            return syntax;
        }

        using var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = maxDepth });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return $"The request body must be {shape.Summary()} ({shape.What}), not {Describe(root)}.";
        }

        return CheckObject(root, shape, prefix: string.Empty, top: true);
    }

    private static string? CheckObject(JsonElement value, BodyShape shape, string prefix, bool top)
    {
        foreach (var member in value.EnumerateObject())
        {
            var field = shape.Find(member.Name);
            if (field is null)
            {
                var typos = shape.Unknown == UnknownFields.Refuse;
                var suggestion = shape.Suggest(member.Name, typos);
                if (suggestion is not null)
                {
                    return $"Unknown field '{Quote(prefix + member.Name)}'; did you mean '{prefix}{suggestion}'?";
                }

                if (shape.Unknown == UnknownFields.Refuse)
                {
                    return $"Unknown field '{Quote(prefix + member.Name)}'; {(top ? shape.What : $"'{prefix.TrimEnd('.')}'")} is {shape.Summary()}.";
                }

                continue;
            }

            if (CheckField(member.Value, field, prefix + field.Name) is { } problem)
            {
                return problem;
            }
        }

        foreach (var field in shape.Fields)
        {
            if (field.Required && !shape.MissingReportedByHandler && (!value.TryGetProperty(field.Name, out var present) || present.ValueKind == JsonValueKind.Null))
            {
                var where = top ? $"{shape.What} is {shape.Summary()}" : $"'{prefix.TrimEnd('.')}' is {shape.Summary()}";
                return $"Missing field '{prefix}{field.Name}': {Expected(field)} is required; {where}.";
            }
        }

        return null;
    }

    private static string Expected(BodyField field) => BodyShape.Expected(field);

    private static string? CheckField(JsonElement value, BodyField field, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            // Null is "not given"; a required field is reported as missing by the caller.
            return null;
        }

        var fits = field.Kind switch
        {
            FieldKind.String => value.ValueKind == JsonValueKind.String,
            FieldKind.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            FieldKind.Long => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            FieldKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            FieldKind.DateTime => value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out _),
            FieldKind.Schema => value.ValueKind is JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False or JsonValueKind.String,
            FieldKind.SchemaText => value.ValueKind == JsonValueKind.String,
            FieldKind.Object or FieldKind.StringMap or FieldKind.StringListMap => value.ValueKind == JsonValueKind.Object,
            _ => value.ValueKind == JsonValueKind.Array,
        };
        if (!fits)
        {
            return $"'{path}' must be {Expected(field)}, not {Describe(value)}.";
        }

        switch (field.Kind)
        {
            case FieldKind.Strings:
                return Items(value, path, static item => item.ValueKind == JsonValueKind.String, "a string");
            case FieldKind.StringMap:
                foreach (var entry in value.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.String)
                    {
                        return $"'{path}.{Quote(entry.Name)}' must be a string ({path} maps names to strings), not {Describe(entry.Value)}.";
                    }
                }

                return null;
            case FieldKind.StringListMap:
                foreach (var entry in value.EnumerateObject())
                {
                    var inner = $"{path}.{Quote(entry.Name)}";
                    if (entry.Value.ValueKind != JsonValueKind.Array)
                    {
                        return $"'{inner}' must be an array of strings, not {Describe(entry.Value)}.";
                    }

                    if (Items(entry.Value, inner, static item => item.ValueKind == JsonValueKind.String, "a string") is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case FieldKind.Object:
                return CheckObject(value, field.Shape!, path + ".", top: false);
            case FieldKind.Objects:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var inner = string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        return $"'{inner}' must be {field.Shape!.Summary()}, not {Describe(item)}.";
                    }

                    if (CheckObject(item, field.Shape!, inner + ".", top: false) is { } problem)
                    {
                        return problem;
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }

    private static string? Items(JsonElement array, string path, Func<JsonElement, bool> fits, string expected)
    {
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (!fits(item))
            {
                return string.Create(CultureInfo.InvariantCulture, $"'{path}[{index}]' must be {expected}, not {Describe(item)}.");
            }

            index++;
        }

        return null;
    }

    /// <summary>What came, for messages: "a number (42)", "an object", "null".</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"a string (\"{Quote(value.GetString()!)}\")",
        JsonValueKind.Number => $"a number ({Quote(value.GetRawText())})",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };

    /// <summary>A client's text, shortened for quoting.</summary>
    public static string Quote(string text) => text.Length <= MaxQuoted ? text : string.Concat(text.AsSpan(0, MaxQuoted), "…");

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads the body token by token; on the first syntax error says where (line, column, the field being read) and,
    /// when it can tell, what the slip was.
    /// </summary>
    private static string? Syntax(ReadOnlySpan<byte> body, BodyShape shape, int maxDepth)
    {
        var options = new JsonReaderOptions { MaxDepth = maxDepth };
        if (Read(body, options, shape, out var field, out var line, out var column, out var offset))
        {
            return null;
        }

        var near = field is null ? string.Empty : $" (in field '{Quote(field)}')";
        if (line == 0)
        {
            return $"The request body is not valid UTF-8 text{near}.";
        }

        var at = string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}");
        if (Read(body, options with { MaxDepth = int.MaxValue }, shape, out _, out _, out _, out _))
        {
            return $"The request body nests deeper than {maxDepth} levels{near}.";
        }

        if (Read(body, options with { AllowTrailingCommas = true }, shape, out _, out _, out _, out _))
        {
            return $"The request body is not valid JSON: a trailing comma before a closing '}}' or ']' at {at}{near}; JSON does not allow one.";
        }

        if (Read(body, options with { CommentHandling = JsonCommentHandling.Skip }, shape, out _, out _, out _, out _))
        {
            return $"The request body is not valid JSON: it contains a comment ({at}){near}; JSON does not allow comments.";
        }

        var first = FirstSignificant(body);
        if (first >= 0 && !StartsValue(body[first..]))
        {
            return $"The request body is not JSON (it begins with '{Quote(Printable(body[first..]))}'); {shape.What} is {shape.Summary()}.";
        }

        if (offset >= LastSignificant(body))
        {
            return $"The request body ends before its JSON is complete{near}; {shape.What} is {shape.Summary()}.";
        }

        var around = Quote(Printable(body[(int)Math.Min(offset, body.Length - 1)..]));
        return field is null
            ? $"The request body is not valid JSON at {at}, near '{around}'; {shape.What} is {shape.Summary()}."
            : $"The request body is not valid JSON at {at}{near}, near '{around}'.";
    }

    /// <summary>
    /// True when the whole body reads as one JSON value. Otherwise the 1-based line and column of the error, its byte
    /// offset, and the innermost field name read before it (<c>metadata.tags</c>).
    /// </summary>
    private static bool Read(ReadOnlySpan<byte> body, JsonReaderOptions options, BodyShape shape, out string? field, out long line, out long column, out long offset)
    {
        field = null;
        line = column = offset = 0;
        var reader = new Utf8JsonReader(body, options);
        var path = new List<(int Depth, string Name)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        Pop(path, reader.CurrentDepth - 1);
                        path.Add((reader.CurrentDepth, reader.GetString()!));
                        field = string.Join('.', path.ConvertAll(static p => p.Name));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        // The field being read is again the one that holds the closed value (or none at the top).
                        Pop(path, reader.CurrentDepth);
                        field = path.Count == 0 ? null : string.Join('.', path.ConvertAll(static p => p.Name));
                        break;
                    // Text inside the schema is the engine's to judge (a lone surrogate there is an invalid schema, 422).
                    case JsonTokenType.String when !InSchema(path, shape)
                        && (reader.ValueIsEscaped ? reader.GetString() is null : !Utf8.IsValid(reader.ValueSpan)):
                        line = 0;
                        return false;
                }
            }

            return true;
        }
        catch (JsonException e)
        {
            line = (e.LineNumber ?? -1) + 1;
            column = (e.BytePositionInLine ?? -1) + 1;
            offset = OffsetOf(body, line, column);
            return false;
        }
        catch (InvalidOperationException)
        {
            // An escape that is not valid UTF-16 (a lone surrogate) or a name that is not valid UTF-8.
            line = 0;
            return false;
        }
    }

    /// <summary>True while reading inside a top-level field that holds a schema.</summary>
    private static bool InSchema(List<(int Depth, string Name)> path, BodyShape shape) =>
        path.Count > 0 && path[0].Depth == 1 && shape.Find(path[0].Name)?.Kind is FieldKind.Schema or FieldKind.SchemaText;

    /// <summary>Forgets the field names read deeper than <paramref name="depth"/>.</summary>
    private static void Pop(List<(int Depth, string Name)> path, int depth)
    {
        while (path.Count > 0 && path[^1].Depth > depth)
        {
            path.RemoveAt(path.Count - 1);
        }
    }

    private static long OffsetOf(ReadOnlySpan<byte> body, long line, long column)
    {
        if (line <= 0)
        {
            return 0;
        }

        var current = 1L;
        var i = 0;
        while (current < line && i < body.Length)
        {
            if (body[i++] == (byte)'\n')
            {
                current++;
            }
        }

        return Math.Min(body.Length, i + Math.Max(0, column - 1));
    }

    private static int FirstSignificant(ReadOnlySpan<byte> body)
    {
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return i;
            }
        }

        return -1;
    }

    private static long LastSignificant(ReadOnlySpan<byte> body)
    {
        for (var i = body.Length - 1; i >= 0; i--)
        {
            if (body[i] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary>True when the text starts like a JSON value: a bracket, a quote, a number, or a whole literal.</summary>
    private static bool StartsValue(ReadOnlySpan<byte> text) =>
        text[0] is (byte)'{' or (byte)'[' or (byte)'"' or (byte)'-' or (>= (byte)'0' and <= (byte)'9')
        || text.StartsWith("true"u8) || text.StartsWith("false"u8) || text.StartsWith("null"u8);

    /// <summary>The start of the text, as printable characters on one line.</summary>
    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, MaxQuoted * 4)]);
        var line = new StringBuilder(Math.Min(text.Length, MaxQuoted + 1));
        foreach (var c in text)
        {
            if (line.Length >= MaxQuoted)
            {
                break;
            }

            line.Append(char.IsControl(c) ? ' ' : c);
        }

        return line.ToString().TrimEnd();
    }
}
