using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Registry.Schemas.Profiles.Transform;

/// <summary>
/// Merges two schema objects as <c>allOf</c> would combine them, where that can be said with one schema: properties
/// and required are united, types and enums intersected, bounds tightened. Keywords it cannot combine exactly are
/// handed back as conflicts (the caller moves them into the description), never silently dropped.
/// </summary>
internal static class SchemaMerge
{
    private static readonly HashSet<string> Lower = new(StringComparer.Ordinal)
        { "minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains" };

    private static readonly HashSet<string> Upper = new(StringComparer.Ordinal)
        { "maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains" };

    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
        { "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "$comment", "example" };

    public static void Merge(JsonObject target, JsonObject source, List<KeyValuePair<string, JsonNode?>> conflicts)
    {
        foreach (var (key, value) in source.ToArray())
        {
            if (!target.TryGetPropertyValue(key, out var existing))
            {
                target[key] = value?.DeepClone();
                continue;
            }

            if (JsonNode.DeepEquals(existing, value))
            {
                continue;
            }

            if (Annotations.Contains(key))
            {
                continue; // the target's annotation stays
            }

            switch (key)
            {
                case "properties" when existing is JsonObject mine && value is JsonObject theirs && SameKeys(target, source):
                    MergeProperties(mine, theirs, conflicts);
                    break;
                case "required" when existing is JsonArray mine && value is JsonArray theirs:
                    foreach (var name in theirs)
                    {
                        if (!mine.Any(n => JsonNode.DeepEquals(n, name)))
                        {
                            mine.Add(name?.DeepClone());
                        }
                    }

                    break;
                case "type" when IntersectTypes(existing, value) is { } types:
                    target["type"] = types;
                    break;
                case "enum" when existing is JsonArray mine && value is JsonArray theirs:
                    var common = new JsonArray();
                    foreach (var item in mine)
                    {
                        if (theirs.Any(t => JsonNode.DeepEquals(t, item)))
                        {
                            common.Add(item?.DeepClone());
                        }
                    }

                    if (common.Count > 0)
                    {
                        target["enum"] = common;
                    }
                    else
                    {
                        conflicts.Add(new KeyValuePair<string, JsonNode?>(key, value?.DeepClone()));
                    }

                    break;
                case "uniqueItems":
                    target["uniqueItems"] = IsTrue(existing) || IsTrue(value);
                    break;
                default:
                    if (Lower.Contains(key) && TryNumber(existing, out var a) && TryNumber(value, out var b))
                    {
                        target[key] = b > a ? value?.DeepClone() : existing?.DeepClone();
                    }
                    else if (Upper.Contains(key) && TryNumber(existing, out var c) && TryNumber(value, out var d))
                    {
                        target[key] = d < c ? value?.DeepClone() : existing?.DeepClone();
                    }
                    else
                    {
                        conflicts.Add(new KeyValuePair<string, JsonNode?>(key, value?.DeepClone()));
                    }

                    break;
            }
        }
    }

    /// <summary>Properties can be united only when neither side closes its object differently from the other.</summary>
    private static bool SameKeys(JsonObject target, JsonObject source)
        => JsonNode.DeepEquals(target["additionalProperties"], source["additionalProperties"])
           && JsonNode.DeepEquals(target["patternProperties"], source["patternProperties"]);

    private static void MergeProperties(JsonObject mine, JsonObject theirs, List<KeyValuePair<string, JsonNode?>> conflicts)
    {
        foreach (var (name, schema) in theirs.ToArray())
        {
            if (!mine.TryGetPropertyValue(name, out var existing))
            {
                mine[name] = schema?.DeepClone();
            }
            else if (!JsonNode.DeepEquals(existing, schema))
            {
                if (existing is JsonObject a && schema is JsonObject b)
                {
                    var inner = new List<KeyValuePair<string, JsonNode?>>();
                    var merged = (JsonObject)a.DeepClone();
                    Merge(merged, b, inner);
                    if (inner.Count == 0)
                    {
                        mine[name] = merged;
                        continue;
                    }
                }

                conflicts.Add(new KeyValuePair<string, JsonNode?>("properties", new JsonObject { [name] = schema?.DeepClone() }));
            }
        }
    }

    private static JsonNode? IntersectTypes(JsonNode? a, JsonNode? b)
    {
        var left = TypeNames(a);
        var right = TypeNames(b);
        if (left is null || right is null)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var type in left)
        {
            if (right.Contains(type))
            {
                result.Add(type);
            }
            else if (type == "integer" && right.Contains("number"))
            {
                result.Add("integer");
            }
            else if (type == "number" && right.Contains("integer"))
            {
                result.Add("integer");
            }
        }

        result = result.Distinct(StringComparer.Ordinal).ToList();
        return result.Count switch
        {
            0 => null,
            1 => JsonValue.Create(result[0]),
            _ => new JsonArray(result.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        };
    }

    private static List<string>? TypeNames(JsonNode? type)
    {
        if (type is JsonValue value && value.TryGetValue<string>(out var single))
        {
            return [single];
        }

        if (type is JsonArray array)
        {
            var names = new List<string>();
            foreach (var item in array)
            {
                if (item is JsonValue v && v.TryGetValue<string>(out var name))
                {
                    names.Add(name);
                }
            }

            return names;
        }

        return null;
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    internal static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
               && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
