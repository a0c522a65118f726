using System.Text.Json.Nodes;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>
/// Produces JSON documents that often satisfy a given schema (they are checked afterwards; the sampler only aims):
/// it follows type, enum/const, bounds, properties, required and items, and otherwise picks small random values.
/// </summary>
public static class InstanceSampler
{
    private static readonly string[] Names = ["a", "b", "c", "x-1", "zz"];

    public static IEnumerable<string> Samples(string schema, int seed, int count)
    {
        var node = JsonNode.Parse(schema);
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var sample = random.Next(5) == 0 ? Random(random, 2) : Sample(node, random, 3);
            yield return sample?.ToJsonString() ?? "null";
        }
    }

    private static JsonNode? Sample(JsonNode? schema, Random random, int depth)
    {
        if (schema is not JsonObject obj || depth < 0 || random.Next(12) == 0)
        {
            return Random(random, depth);
        }

        if (obj["const"] is { } constant && random.Next(5) != 0)
        {
            return constant.DeepClone();
        }

        if (obj["enum"] is JsonArray values && values.Count > 0 && random.Next(5) != 0)
        {
            return values[random.Next(values.Count)]?.DeepClone();
        }

        foreach (var keyword in (string[])["anyOf", "oneOf", "allOf"])
        {
            if (obj[keyword] is JsonArray branches && branches.Count > 0 && random.Next(3) != 0)
            {
                return Sample(branches[random.Next(branches.Count)], random, depth - 1);
            }
        }

        if (obj["if"] is { } condition && random.Next(2) == 0)
        {
            return Sample(random.Next(2) == 0 ? obj["then"] : condition, random, depth - 1);
        }

        var type = obj["type"] switch
        {
            JsonValue value => value.GetValue<string>(),
            JsonArray types when types.Count > 0 => types[random.Next(types.Count)]!.GetValue<string>(),
            _ => Guess(obj, random),
        };

        return type switch
        {
            "string" => SampleString(obj, random),
            "integer" => SampleNumber(obj, random, integer: true),
            "number" => SampleNumber(obj, random, integer: random.Next(2) == 0),
            "boolean" => JsonValue.Create(random.Next(2) == 0),
            "null" => null,
            "object" => SampleObject(obj, random, depth),
            "array" => SampleArray(obj, random, depth),
            _ => Random(random, depth),
        };
    }

    private static string Guess(JsonObject schema, Random random)
    {
        if (schema.ContainsKey("properties") || schema.ContainsKey("required") || schema.ContainsKey("additionalProperties"))
        {
            return "object";
        }

        if (schema.ContainsKey("items") || schema.ContainsKey("prefixItems"))
        {
            return "array";
        }

        return ((string[])["string", "integer", "number", "boolean", "null", "object", "array"])[random.Next(7)];
    }

    private static JsonNode SampleString(JsonObject schema, Random random)
    {
        var min = (int?)NumOrNull(schema["minLength"]) ?? 0;
        var max = (int?)NumOrNull(schema["maxLength"]) ?? min + 3;
        var length = max < min ? min : random.Next(min, Math.Min(max, min + 4) + 1);
        var prefix = schema["pattern"] is not null && random.Next(4) != 0 ? "a" : string.Empty;
        var chars = new char[Math.Max(0, length - prefix.Length)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = "ab-x1"[random.Next(5)];
        }

        return JsonValue.Create(prefix + new string(chars));
    }

    private static JsonNode SampleNumber(JsonObject schema, Random random, bool integer)
    {
        var low = NumOrNull(schema["minimum"]) ?? NumOrNull(schema["exclusiveMinimum"]) ?? -3;
        var high = NumOrNull(schema["maximum"]) ?? NumOrNull(schema["exclusiveMaximum"]) ?? low + 8;
        if (high < low)
        {
            high = low + 2;
        }

        var value = Math.Floor(low) + random.Next(0, (int)(high - Math.Floor(low)) + 2) - (random.Next(4) == 0 ? 1 : 0);
        if (schema["multipleOf"] is { } multiple && random.Next(4) != 0)
        {
            var m = Num(multiple);
            value = Math.Round(value / m) * m;
        }

        if (!integer && random.Next(2) == 0)
        {
            value += 0.5;
        }

        return value == Math.Floor(value) && Math.Abs(value) < 1e9 ? JsonValue.Create((long)value) : JsonValue.Create(value);
    }

    private static JsonNode SampleObject(JsonObject schema, Random random, int depth)
    {
        var result = new JsonObject();
        var properties = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required)
            {
                var key = name!.GetValue<string>();
                result[key] = Sample(properties?[key], random, depth - 1);
            }
        }

        if (properties is not null)
        {
            foreach (var (key, child) in properties)
            {
                if (!result.ContainsKey(key) && random.Next(2) == 0)
                {
                    result[key] = Sample(child, random, depth - 1);
                }
            }
        }

        if (schema["patternProperties"] is JsonObject patterns && random.Next(2) == 0)
        {
            foreach (var (pattern, child) in patterns)
            {
                var key = pattern switch { "^x-" => "x-9", "^a" => "az", _ => "qb" };
                result[key] = Sample(child, random, depth - 1);
            }
        }

        if (random.Next(3) == 0)
        {
            var key = Names[random.Next(Names.Length)];
            if (!result.ContainsKey(key))
            {
                result[key] = schema["additionalProperties"] is JsonObject additional ? Sample(additional, random, depth - 1) : Random(random, depth - 1);
            }
        }

        return result;
    }

    private static JsonNode SampleArray(JsonObject schema, Random random, int depth)
    {
        var result = new JsonArray();
        var prefix = schema["prefixItems"] as JsonArray;
        var min = (int?)NumOrNull(schema["minItems"]) ?? 0;
        var max = (int?)NumOrNull(schema["maxItems"]) ?? min + 3;
        var length = max < min ? min : random.Next(min, Math.Min(max, 4) + 1);
        for (var i = 0; i < length; i++)
        {
            var itemSchema = prefix is not null && i < prefix.Count ? prefix[i] : schema["items"];
            result.Add(schema["contains"] is { } contains && random.Next(3) == 0 ? Sample(contains, random, depth - 1) : Sample(itemSchema, random, depth - 1));
        }

        return result;
    }

    public static JsonNode? Random(Random random, int depth)
    {
        var choice = depth <= 0 ? random.Next(6) : random.Next(8);
        switch (choice)
        {
            case 0:
                return null;
            case 1:
                return JsonValue.Create(random.Next(2) == 0);
            case 2:
                return JsonValue.Create(random.Next(-3, 10));
            case 3:
                return JsonValue.Create(random.Next(-3, 10) + 0.5);
            case 4:
            case 5:
                return JsonValue.Create(((string[])["", "a", "ab", "abc", "x-1", "b"])[random.Next(6)]);
            case 6:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--)
                {
                    array.Add(Random(random, depth - 1));
                }

                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(4); i > 0; i--)
                {
                    obj[Names[random.Next(Names.Length)]] = Random(random, depth - 1);
                }

                return obj;
        }
    }

    private static double Num(JsonNode? node) => double.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static double? NumOrNull(JsonNode? node) => node is null ? null : Num(node);
}
