using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>A generated pair of schemas and the seed for the instances tried against them.</summary>
public sealed record SchemaPair(string Old, string New, int Seed)
{
    public override string ToString() => $"old: {Old}{Environment.NewLine}new: {New}{Environment.NewLine}seed: {Seed}";
}

/// <summary>
/// Random small JSON Schemas (2020-12 keywords: types, bounds, enum/const, objects with open, closed and partially
/// open content models, arrays with prefixItems/contains, anyOf/oneOf/allOf/not/if), and a new version made by
/// mutating an old one the way schemas evolve: a bound moved, a keyword added or dropped, a property added, a type
/// widened, a subschema replaced, a branch added.
/// </summary>
public static class SchemaGenerator
{
    private static readonly string[] PropertyNames = ["a", "b", "c", "x-1"];
    private static readonly string[] Patterns = ["^x-", "^a", "b"];

    public static Arbitrary<SchemaPair> Pairs() => Arb.From(PairGen());

    public static Arbitrary<string> Schemas() => Arb.From(Gen.Choose(0, int.MaxValue).Select(seed => Schema(new Random(seed), 3).ToJsonString()));

    public static Gen<SchemaPair> PairGen() =>
        Gen.Choose(0, int.MaxValue).Select(seed =>
        {
            var random = new Random(seed);
            var old = Schema(random, 3);
            JsonNode @new;
            if (random.Next(6) == 0)
            {
                @new = Schema(random, 3);
            }
            else
            {
                @new = old.DeepClone();
                var mutations = 1 + random.Next(3);
                for (var i = 0; i < mutations; i++)
                {
                    @new = Mutate(@new, random);
                }
            }

            return new SchemaPair(old.ToJsonString(), @new.ToJsonString(), seed);
        });

    public static JsonNode Schema(Random random, int depth)
    {
        var choice = depth <= 0 ? random.Next(10) : random.Next(17);
        return choice switch
        {
            < 3 => StringSchema(random),
            < 6 => NumberSchema(random),
            6 => random.Next(2) == 0 ? new JsonObject { ["type"] = "boolean" } : new JsonObject { ["type"] = "null" },
            7 => EnumSchema(random),
            8 => random.Next(3) switch
            {
                0 => JsonValue.Create(true),
                1 => JsonValue.Create(false),
                _ => new JsonObject(),
            },
            9 => new JsonObject { ["type"] = new JsonArray("string", "null") },
            < 13 => ObjectSchema(random, depth - 1),
            < 15 => ArraySchema(random, depth - 1),
            _ => Combinator(random, depth - 1),
        };
    }

    private static JsonObject StringSchema(Random random)
    {
        var schema = new JsonObject { ["type"] = "string" };
        if (random.Next(2) == 0)
        {
            schema["minLength"] = random.Next(3);
        }

        if (random.Next(2) == 0)
        {
            schema["maxLength"] = 1 + random.Next(3);
        }

        if (random.Next(6) == 0)
        {
            schema["pattern"] = "^a";
        }

        return schema;
    }

    private static JsonObject NumberSchema(Random random)
    {
        var schema = new JsonObject { ["type"] = random.Next(2) == 0 ? "integer" : "number" };
        foreach (var keyword in (string[])["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"])
        {
            if (random.Next(4) == 0)
            {
                schema[keyword] = SmallNumber(random);
            }
        }

        if (random.Next(5) == 0)
        {
            schema["multipleOf"] = random.Next(3) switch { 0 => JsonValue.Create(2), 1 => JsonValue.Create(3), _ => JsonValue.Create(0.5) };
        }

        return schema;
    }

    private static JsonNode SmallNumber(Random random) => random.Next(4) == 0 ? JsonValue.Create(random.Next(-2, 8) + 0.5) : JsonValue.Create(random.Next(-2, 9));

    public static JsonNode SmallValue(Random random) => random.Next(8) switch
    {
        0 => JsonValue.Create("a"),
        1 => JsonValue.Create("ab"),
        2 => JsonValue.Create(random.Next(-1, 4)),
        3 => JsonValue.Create(1.5),
        4 => JsonValue.Create(random.Next(2) == 0),
        5 => JsonValue.Create(""),
        6 => JsonValue.Create("x"),
        _ => null!,
    };

    private static JsonObject EnumSchema(Random random)
    {
        if (random.Next(3) == 0)
        {
            return new JsonObject { ["const"] = SmallValue(random) };
        }

        var values = new JsonArray();
        var count = 1 + random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var value = SmallValue(random);
            if (!values.Any(v => JsonNode.DeepEquals(v, value)))
            {
                values.Add(value);
            }
        }

        var schema = new JsonObject { ["enum"] = values };
        if (random.Next(4) == 0)
        {
            schema["type"] = "string";
        }

        return schema;
    }

    private static JsonObject ObjectSchema(Random random, int depth)
    {
        var schema = new JsonObject { ["type"] = "object" };
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var name in PropertyNames)
        {
            if (random.Next(3) != 0)
            {
                continue;
            }

            properties[name] = Schema(random, depth);
            if (random.Next(3) == 0)
            {
                required.Add(name);
            }
        }

        if (properties.Count > 0)
        {
            schema["properties"] = properties;
        }

        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        switch (random.Next(5))
        {
            case 0:
                schema["additionalProperties"] = false;
                break;
            case 1:
                schema["additionalProperties"] = Schema(random, depth - 1);
                break;
            case 2:
                schema["patternProperties"] = new JsonObject { [Patterns[random.Next(Patterns.Length)]] = Schema(random, depth - 1) };
                if (random.Next(2) == 0)
                {
                    schema["additionalProperties"] = false;
                }

                break;
        }

        if (random.Next(8) == 0)
        {
            schema["minProperties"] = random.Next(3);
        }

        if (random.Next(8) == 0)
        {
            schema["maxProperties"] = 1 + random.Next(3);
        }

        if (random.Next(10) == 0)
        {
            schema["propertyNames"] = new JsonObject { ["maxLength"] = 1 };
        }

        if (random.Next(10) == 0)
        {
            schema["dependentRequired"] = new JsonObject { ["a"] = new JsonArray("b") };
        }

        if (random.Next(12) == 0)
        {
            schema["dependentSchemas"] = new JsonObject { ["a"] = new JsonObject { ["required"] = new JsonArray("c") } };
        }

        if (random.Next(6) == 0)
        {
            // Properties declared by applicators, seen by unevaluatedProperties.
            var member = new JsonObject { ["properties"] = new JsonObject { [PropertyNames[random.Next(PropertyNames.Length)]] = Schema(random, depth - 1) } };
            schema[random.Next(2) == 0 ? "allOf" : "anyOf"] = random.Next(2) == 0
                ? new JsonArray(member)
                : new JsonArray(member, new JsonObject { ["properties"] = new JsonObject { ["b"] = Schema(random, depth - 1) } });
            schema.Remove("additionalProperties");
            schema["unevaluatedProperties"] = random.Next(3) == 0 ? Schema(random, depth - 1) : JsonValue.Create(false);
        }

        return schema;
    }

    private static JsonObject ArraySchema(Random random, int depth)
    {
        var schema = new JsonObject { ["type"] = "array" };
        if (random.Next(4) == 0)
        {
            var prefix = new JsonArray();
            var count = 1 + random.Next(2);
            for (var i = 0; i < count; i++)
            {
                prefix.Add(Schema(random, depth));
            }

            schema["prefixItems"] = prefix;
        }

        if (random.Next(3) != 0)
        {
            schema["items"] = random.Next(5) == 0 ? JsonValue.Create(false) : Schema(random, depth);
        }

        if (random.Next(4) == 0)
        {
            schema["minItems"] = random.Next(3);
        }

        if (random.Next(4) == 0)
        {
            schema["maxItems"] = 1 + random.Next(3);
        }

        if (random.Next(6) == 0)
        {
            schema["uniqueItems"] = true;
        }

        if (random.Next(6) == 0)
        {
            schema["contains"] = Schema(random, depth - 1);
        }

        if (random.Next(6) == 0)
        {
            // Items evaluated by applicators, seen by unevaluatedItems.
            schema.Remove("items");
            var prefix = new JsonArray();
            for (var i = random.Next(1, 3); i > 0; i--)
            {
                prefix.Add(Schema(random, depth - 1));
            }

            schema[random.Next(2) == 0 ? "allOf" : "anyOf"] = new JsonArray(new JsonObject { ["prefixItems"] = prefix });
            schema["unevaluatedItems"] = random.Next(3) == 0 ? Schema(random, depth - 1) : JsonValue.Create(false);
        }

        return schema;
    }

    private static JsonNode Combinator(Random random, int depth)
    {
        switch (random.Next(6))
        {
            case 0:
            case 1:
            case 2:
                var branches = new JsonArray();
                var count = 2 + random.Next(2);
                for (var i = 0; i < count; i++)
                {
                    branches.Add(Schema(random, depth));
                }

                return new JsonObject { [random.Next(3) == 0 ? "oneOf" : random.Next(2) == 0 ? "anyOf" : "allOf"] = branches };
            case 3:
                return new JsonObject { ["not"] = Schema(random, depth) };
            case 4:
                return new JsonObject
                {
                    ["if"] = Schema(random, depth),
                    ["then"] = Schema(random, depth),
                    ["else"] = Schema(random, depth),
                };
            default:
                var schema = Schema(random, depth);
                return new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
        }
    }

    /// <summary>Applies one evolution step at a random subschema.</summary>
    public static JsonNode Mutate(JsonNode root, Random random)
    {
        var sites = new List<(JsonNode? Parent, string? Key, int Index, JsonNode Node)>();
        Collect(root, null, null, -1, sites);
        var (parent, key, index, node) = sites[random.Next(sites.Count)];
        var replacement = MutateOne(node, random);
        if (parent is null)
        {
            return replacement;
        }

        if (parent is JsonObject obj)
        {
            obj[key!] = replacement;
        }
        else
        {
            ((JsonArray)parent)[index] = replacement;
        }

        return root;
    }

    private static void Collect(JsonNode node, JsonNode? parent, string? key, int index, List<(JsonNode?, string?, int, JsonNode)> sites)
    {
        sites.Add((parent, key, index, node));
        if (node is not JsonObject schema)
        {
            return;
        }

        foreach (var keyword in (string[])["items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contains", "not", "if", "then", "else", "propertyNames"])
        {
            if (schema[keyword] is { } child)
            {
                Collect(child, schema, keyword, -1, sites);
            }
        }

        foreach (var keyword in (string[])["properties", "patternProperties", "dependentSchemas"])
        {
            if (schema[keyword] is JsonObject map)
            {
                foreach (var (name, child) in map.ToList())
                {
                    Collect(child!, map, name, -1, sites);
                }
            }
        }

        foreach (var keyword in (string[])["prefixItems", "anyOf", "oneOf", "allOf"])
        {
            if (schema[keyword] is JsonArray list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    Collect(list[i]!, list, null, i, sites);
                }
            }
        }
    }

    private static JsonNode MutateOne(JsonNode node, Random random)
    {
        if (node is not JsonObject schema || random.Next(10) == 0)
        {
            return random.Next(2) == 0 ? Schema(random, 2) : new JsonObject { ["anyOf"] = new JsonArray(node.DeepClone(), Schema(random, 1)) };
        }

        var copy = (JsonObject)schema.DeepClone();
        switch (random.Next(12))
        {
            case 0:
                copy["type"] = random.Next(5) switch
                {
                    0 => "number",
                    1 => "integer",
                    2 => "string",
                    3 => new JsonArray("string", "null"),
                    _ => "object",
                };
                break;
            case 1:
                string[] bounds = ["minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "minProperties", "maxProperties"];
                var set = bounds.Where(k => copy[k] is not null).ToList();
                if (set.Count > 0)
                {
                    var keyword = set[random.Next(set.Count)];
                    var value = Num(copy[keyword]) + random.Next(-2, 3);
                    copy[keyword] = keyword.StartsWith("min", StringComparison.Ordinal) && !keyword.StartsWith("minimum", StringComparison.Ordinal) || keyword.StartsWith("max", StringComparison.Ordinal) && !keyword.StartsWith("maximum", StringComparison.Ordinal)
                        ? Math.Max(0, value)
                        : value;
                }
                else
                {
                    copy[((string[])["maxLength", "minLength", "minimum", "maxItems"])[random.Next(4)]] = random.Next(4);
                }

                break;
            case 2:
                var present = copy.Select(p => p.Key).Where(k => k != "type").ToList();
                if (present.Count > 0)
                {
                    copy.Remove(present[random.Next(present.Count)]);
                }

                break;
            case 3:
                var properties = copy["properties"] as JsonObject ?? new JsonObject();
                properties[PropertyNames[random.Next(PropertyNames.Length)]] = Schema(random, 1);
                copy["properties"] = properties;
                break;
            case 4:
                var required = copy["required"] as JsonArray ?? new JsonArray();
                var name = PropertyNames[random.Next(PropertyNames.Length)];
                if (!required.Any(r => r!.GetValue<string>() == name))
                {
                    required.Add(name);
                }

                copy["required"] = required;
                break;
            case 5:
                copy["additionalProperties"] = random.Next(3) switch { 0 => JsonValue.Create(false), 1 => JsonValue.Create(true), _ => Schema(random, 1) };
                break;
            case 6:
                if (copy["enum"] is JsonArray values)
                {
                    if (random.Next(2) == 0 && values.Count > 1)
                    {
                        values.RemoveAt(random.Next(values.Count));
                    }
                    else
                    {
                        values.Add(SmallValue(random));
                        var distinct = new JsonArray();
                        foreach (var value in values)
                        {
                            if (!distinct.Any(d => JsonNode.DeepEquals(d, value)))
                            {
                                distinct.Add(value?.DeepClone());
                            }
                        }

                        copy["enum"] = distinct;
                    }
                }
                else
                {
                    copy["const"] = SmallValue(random);
                }

                break;
            case 7:
                foreach (var keyword in (string[])["anyOf", "oneOf", "allOf"])
                {
                    if (copy[keyword] is JsonArray branches)
                    {
                        if (random.Next(2) == 0 || branches.Count < 2)
                        {
                            branches.Add(Schema(random, 1));
                        }
                        else
                        {
                            branches.RemoveAt(random.Next(branches.Count));
                        }

                        return copy;
                    }
                }

                copy["title"] = "changed";
                break;
            case 8:
                copy["uniqueItems"] = random.Next(2) == 0;
                break;
            case 9:
                copy["multipleOf"] = random.Next(2) == 0 ? 2 : 4;
                break;
            case 10:
                copy["description"] = "edited";
                break;
            default:
                copy["items"] = Schema(random, 1);
                break;
        }

        return copy;
    }

    private static double Num(JsonNode? node) => double.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static double? NumOrNull(JsonNode? node) => node is null ? null : Num(node);
}
