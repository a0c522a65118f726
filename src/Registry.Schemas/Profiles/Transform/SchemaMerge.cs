using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Registry.Schemas.Profiles.Lint;

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

    /// <summary>
    /// Merges <paramref name="source"/> into <paramref name="target"/>; what cannot be combined goes to
    /// <paramref name="conflicts"/>. Property schemas that were themselves merged are added to <paramref name="merged"/>
    /// (the caller rewrites them again: a merge can combine keywords a profile handles only apart). The source is
    /// consumed: its values are moved, not copied, so that merging costs no more than the schemas' size.
    /// </summary>
    public static void Merge(JsonObject target, JsonObject source, List<KeyValuePair<string, JsonNode?>> conflicts, LintBudget budget, List<JsonObject>? merged = null)
    {
        foreach (var (key, value) in source.ToArray())
        {
            budget.Step();
            if (!target.TryGetPropertyValue(key, out var existing))
            {
                source.Remove(key);
                target[key] = value;
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
                case "properties" when existing is JsonObject mine && value is JsonObject theirs && PropertiesMergeable(target, source):
                    MergeProperties(mine, theirs, conflicts, budget, merged);
                    break;
                case "patternProperties" when existing is JsonObject mine && value is JsonObject theirs && BothOpen(target, source):
                    MergeProperties(mine, theirs, conflicts, budget, merged, "patternProperties");
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
                        source.Remove(key);
                        conflicts.Add(new KeyValuePair<string, JsonNode?>(key, value));
                    }

                    break;
                case "allOf" when existing is JsonArray mine && value is JsonArray theirs:
                    foreach (var member in theirs.ToArray())
                    {
                        theirs.Remove(member);
                        mine.Add(member);
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
                        source.Remove(key);
                        conflicts.Add(new KeyValuePair<string, JsonNode?>(key, value));
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Properties can be united when neither side closes its object (each side's <c>properties</c> and
    /// <c>patternProperties</c> then constrain their own names independently), or when both close it the same way over
    /// the same names.
    /// </summary>
    private static bool PropertiesMergeable(JsonObject target, JsonObject source)
        => BothOpen(target, source)
           || (JsonNode.DeepEquals(target["additionalProperties"], source["additionalProperties"])
               && JsonNode.DeepEquals(target["patternProperties"], source["patternProperties"])
               && JsonNode.DeepEquals(target["unevaluatedProperties"], source["unevaluatedProperties"])
               && target["properties"] is JsonObject a && source["properties"] is JsonObject b
               && a.Select(p => p.Key).Order(StringComparer.Ordinal).SequenceEqual(b.Select(p => p.Key).Order(StringComparer.Ordinal), StringComparer.Ordinal));

    private static bool BothOpen(JsonObject target, JsonObject source)
        => IsOpen(target["additionalProperties"]) && IsOpen(source["additionalProperties"])
           && IsOpen(target["unevaluatedProperties"]) && IsOpen(source["unevaluatedProperties"]);

    private static bool IsOpen(JsonNode? node) => node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.True);

    private static void MergeProperties(JsonObject mine, JsonObject theirs, List<KeyValuePair<string, JsonNode?>> conflicts, LintBudget budget, List<JsonObject>? merged, string keyword = "properties")
    {
        foreach (var (name, schema) in theirs.ToArray())
        {
            budget.Step();
            if (!mine.TryGetPropertyValue(name, out var existing))
            {
                theirs.Remove(name);
                mine[name] = schema;
            }
            else if (!JsonNode.DeepEquals(existing, schema))
            {
                if (existing is JsonObject a && schema is JsonObject b)
                {
                    var inner = new List<KeyValuePair<string, JsonNode?>>();
                    var combined = (JsonObject)Copy(a, budget)!;
                    Merge(combined, (JsonObject)Copy(b, budget)!, inner, budget, merged);
                    if (inner.Count == 0)
                    {
                        mine[name] = combined;
                        merged?.Add(combined);
                        continue;
                    }
                }

                theirs.Remove(name);
                conflicts.Add(new KeyValuePair<string, JsonNode?>(keyword, new JsonObject { [name] = schema }));
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

    /// <summary>A deep copy that costs one budget step per node copied.</summary>
    public static JsonNode? Copy(JsonNode? node, LintBudget budget)
    {
        budget.Step();
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[key] = Copy(value, budget);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(Copy(item, budget));
                }

                return items;
            default:
                return node?.DeepClone();
        }
    }

    internal static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
               && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
