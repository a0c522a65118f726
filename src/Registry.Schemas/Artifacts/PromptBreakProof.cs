using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Artifacts;

/// <summary>
/// Looks for a variables object the earlier schema accepts and the newer refuses: the proof that a new prompt version
/// breaks callers. Candidates are built from the earlier schema (only its required members, all its members, each member
/// given values of other types, each member the newer schema declares added with values of other types) and kept only
/// when validation confirms both verdicts; so a proof is always true, and none found proves nothing.
/// </summary>
internal static class PromptBreakProof
{
    private const int MaxCandidates = 400;
    private const int MaxDepth = 8;
    private const int MaxPathDepth = 3;

    /// <summary>A path segment that stands for one item of an array (not a member name: no JSON name holds a NUL here).</summary>
    private const string Item = "\0[]";

    /// <summary>Values of every JSON type, tried in place of (or beside) a member; a long string and large and negative numbers find narrowed bounds.</summary>
    private static readonly string[] Probes =
        ["\"x\"", "\"\"", "\"" + new string('x', 256) + "\"", "1", "1.5", "-1", "1000000000", "true", "null", "{}", "[]"];

    public static byte[]? Find(PromptArtifact earlier, PromptArtifact newer, WorkBudget budget)
    {
        using var oldDocument = JsonDocument.Parse(earlier.Variables);
        using var newDocument = JsonDocument.Parse(newer.Variables);
        var oldRoot = oldDocument.RootElement;
        var tried = 0;
        foreach (var candidate in Candidates(oldRoot, newDocument.RootElement))
        {
            if (++tried > MaxCandidates)
            {
                break;
            }

            if (earlier.Validator.Evaluate(candidate, budget) == ValidationOutcome.Valid
                && newer.Validator.Evaluate(candidate, budget) == ValidationOutcome.Invalid)
            {
                return candidate;
            }
        }

        return null;
    }

    private static IEnumerable<byte[]> Candidates(JsonElement oldRoot, JsonElement newRoot)
    {
        yield return Write(oldRoot, full: false, [], null);
        yield return Write(oldRoot, full: true, [], null);

        var oldPaths = new List<string[]>();
        Paths(oldRoot, oldRoot, [], oldPaths, 0);
        foreach (var path in oldPaths)
        {
            foreach (var probe in Probes)
            {
                yield return Write(oldRoot, full: true, path, probe);
            }
        }

        var newPaths = new List<string[]>();
        Paths(newRoot, newRoot, [], newPaths, 0);
        foreach (var path in newPaths)
        {
            if (oldPaths.Exists(p => p.AsSpan().SequenceEqual(path)))
            {
                continue;
            }

            foreach (var probe in Probes)
            {
                yield return Write(oldRoot, full: true, path, probe);
            }
        }
    }

    /// <summary>The paths of declared members and array items, three levels deep at most.</summary>
    private static void Paths(JsonElement schema, JsonElement root, string[] prefix, List<string[]> paths, int depth)
    {
        schema = Resolve(schema, root);
        if (prefix.Length >= MaxPathDepth || depth > MaxDepth || schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
        {
            string[] itemPath = [.. prefix, Item];
            paths.Add(itemPath);
            Paths(items, root, itemPath, paths, depth + 1);
        }

        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var member in properties.EnumerateObject())
        {
            string[] path = [.. prefix, member.Name];
            paths.Add(path);
            Paths(member.Value, root, path, paths, depth + 1);
        }
    }

    private static byte[] Write(JsonElement root, bool full, string[] overridePath, string? overrideValue)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Sample(w, root, root, full, overridePath, overrideValue, 0);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a value the schema probably accepts (validation decides), with <paramref name="overrideValue"/> at <paramref name="path"/>.</summary>
    private static void Sample(Utf8JsonWriter w, JsonElement schema, JsonElement root, bool full, ReadOnlySpan<string> path, string? overrideValue, int depth)
    {
        schema = Resolve(schema, root);
        if (path.Length == 0 && overrideValue is not null)
        {
            w.WriteRawValue(overrideValue);
            return;
        }

        if (depth > MaxDepth || schema.ValueKind != JsonValueKind.Object)
        {
            if (path.Length > 0 && overrideValue is not null)
            {
                // A member (or an item) added where the earlier schema says nothing.
                Nested(w, path, overrideValue);
                return;
            }

            w.WriteStringValue("x");
            return;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(w);
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[0].WriteTo(w);
            return;
        }

        var type = Type(schema);
        if (type is null && path.Length == 0)
        {
            foreach (var keyword in (string[])["anyOf", "oneOf", "allOf"])
            {
                if (schema.TryGetProperty(keyword, out var branches) && branches.ValueKind == JsonValueKind.Array && branches.GetArrayLength() > 0)
                {
                    Sample(w, branches[0], root, full, path, overrideValue, depth + 1);
                    return;
                }
            }
        }

        switch (type ?? (path.Length > 0 ? (path[0] == Item ? "array" : "object") : "string"))
        {
            case "object":
                w.WriteStartObject();
                var written = new HashSet<string>(StringComparer.Ordinal);
                var required = new HashSet<string>(StringComparer.Ordinal);
                if (schema.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array)
                {
                    foreach (var name in names.EnumerateArray())
                    {
                        if (name.ValueKind == JsonValueKind.String)
                        {
                            required.Add(name.GetString()!);
                        }
                    }
                }

                if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
                {
                    foreach (var member in properties.EnumerateObject())
                    {
                        var onPath = path.Length > 0 && string.Equals(path[0], member.Name, StringComparison.Ordinal);
                        if (!onPath && !full && !required.Contains(member.Name))
                        {
                            continue;
                        }

                        w.WritePropertyName(member.Name);
                        written.Add(member.Name);
                        if (onPath)
                        {
                            Sample(w, member.Value, root, full, path[1..], overrideValue, depth + 1);
                        }
                        else
                        {
                            Sample(w, member.Value, root, full, [], null, depth + 1);
                        }
                    }
                }

                foreach (var name in required)
                {
                    if (written.Add(name))
                    {
                        w.WriteString(name, "x");
                    }
                }

                if (path.Length > 0 && path[0] != Item && !written.Contains(path[0]) && overrideValue is not null)
                {
                    Member(w, path, overrideValue);
                }

                w.WriteEndObject();
                break;
            case "array":
                w.WriteStartArray();
                var count = schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out var m) ? Math.Clamp(m, 0, 3) : 0;
                var items = schema.TryGetProperty("items", out var i) ? i : default;
                var onItems = path.Length > 0 && path[0] == Item;
                for (var k = 0; k < Math.Max(count, onItems || full ? 1 : 0); k++)
                {
                    if (onItems && k == 0)
                    {
                        Sample(w, items, root, full, path[1..], overrideValue, depth + 1);
                    }
                    else
                    {
                        Sample(w, items, root, full, [], null, depth + 1);
                    }
                }

                w.WriteEndArray();
                break;
            case "integer" or "number":
                w.WriteRawValue(Number(schema));
                break;
            case "boolean":
                w.WriteBooleanValue(true);
                break;
            case "null":
                w.WriteNullValue();
                break;
            default:
                var length = schema.TryGetProperty("minLength", out var minLength) && minLength.TryGetInt32(out var n) ? Math.Clamp(n, 1, 64) : 1;
                w.WriteStringValue(new string('x', length));
                break;
        }
    }

    /// <summary>Writes the member at the head of <paramref name="path"/>, nesting objects and arrays down to the value.</summary>
    private static void Member(Utf8JsonWriter w, ReadOnlySpan<string> path, string value)
    {
        w.WritePropertyName(path[0]);
        if (path.Length == 1)
        {
            w.WriteRawValue(value);
            return;
        }

        Nested(w, path[1..], value);
    }

    /// <summary>Writes a value holding <paramref name="value"/> at <paramref name="path"/>: an array of one item or an object of one member per step.</summary>
    private static void Nested(Utf8JsonWriter w, ReadOnlySpan<string> path, string value)
    {
        if (path[0] != Item)
        {
            w.WriteStartObject();
            Member(w, path, value);
            w.WriteEndObject();
            return;
        }

        w.WriteStartArray();
        if (path.Length == 1)
        {
            w.WriteRawValue(value);
        }
        else
        {
            Nested(w, path[1..], value);
        }

        w.WriteEndArray();
    }

    private static string? Type(JsonElement schema)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                return type.GetString();
            }

            if (type.ValueKind == JsonValueKind.Array && type.GetArrayLength() > 0 && type[0].ValueKind == JsonValueKind.String)
            {
                return type[0].GetString();
            }
        }

        if (schema.TryGetProperty("properties", out _) || schema.TryGetProperty("required", out _))
        {
            return "object";
        }

        return schema.TryGetProperty("items", out _) ? "array" : null;
    }

    private static string Number(JsonElement schema)
    {
        double value = 1;
        if (schema.TryGetProperty("minimum", out var minimum) && minimum.ValueKind == JsonValueKind.Number)
        {
            value = Math.Ceiling(minimum.GetDouble());
        }
        else if (schema.TryGetProperty("exclusiveMinimum", out var exclusive) && exclusive.ValueKind == JsonValueKind.Number)
        {
            value = Math.Floor(exclusive.GetDouble()) + 1;
        }
        else if (schema.TryGetProperty("maximum", out var maximum) && maximum.ValueKind == JsonValueKind.Number && maximum.GetDouble() < 1)
        {
            value = Math.Floor(maximum.GetDouble());
        }

        return double.IsFinite(value) && Math.Abs(value) < 1e15 ? value.ToString("0", CultureInfo.InvariantCulture) : "1";
    }

    /// <summary>Follows a local <c>$ref</c> (a few hops at most).</summary>
    private static JsonElement Resolve(JsonElement schema, JsonElement root)
    {
        for (var hop = 0; hop < 8 && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference)
            && reference.ValueKind == JsonValueKind.String && reference.GetString() is ['#', .. var pointer]; hop++)
        {
            var target = root;
            var found = true;
            foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (target.ValueKind == JsonValueKind.Object && target.TryGetProperty(token, out var next))
                {
                    target = next;
                }
                else
                {
                    found = false;
                    break;
                }
            }

            if (!found)
            {
                break;
            }

            schema = target;
        }

        return schema;
    }
}
