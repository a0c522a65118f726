using System.Text;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Compatibility.Comparison;
using Registry.Schemas.Compatibility.Model;
using Registry.Schemas.Loading;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>
/// The shortcuts that keep a comparison of an edited schema cheap: unchanged parts recognised from their tokens,
/// findings deduplicated lazily. Each must give exactly what the long way gives.
/// </summary>
public sealed class ComparisonShortcutTests
{
    private static JsonTape Tape(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var tape = new JsonTape();
        int[]? stack = null;
        Assert.Equal(TapeStatus.Ok, JsonTapeBuilder.Build(tape, bytes, 64, ref stack, out _));
        tape.OwnedBytes = bytes;
        return tape;
    }

    [Theory]
    [InlineData("""{"a":[1,"x",{"b":null}]}""", """{ "a" : [ 1 , "x" , { "b" : null } ] }""", true)]
    [InlineData("""{"a":"\u0078"}""", """{"a":"x"}""", true)]
    [InlineData("""{"a":1}""", """{"a":2}""", false)]
    [InlineData("""{"a":1,"b":2}""", """{"b":2,"a":1}""", false)] // the same value, but not the same tokens: the long way decides
    [InlineData("""{"a":[1]}""", """{"a":[1,1]}""", false)]
    [InlineData("""{"a":"xy"}""", """{"a":"xz"}""", false)]
    [InlineData("""{"a":true}""", """{"a":false}""", false)]
    public void Subtrees_are_the_same_tokens_whatever_the_whitespace_and_escapes(string a, string b, bool same)
        => Assert.Equal(same, JsonTape.SameTokens(Tape(a), 0, Tape(b), 0));

    [Fact]
    public void A_subtree_is_compared_to_its_own_end_not_the_documents()
    {
        var a = Tape("""{"x":{"k":1},"y":2}""");
        var b = Tape("""[{"k":1},3]""");
        Assert.True(JsonTape.SameTokens(a, 2, b, 1)); // {"k":1} in both
        Assert.False(JsonTape.SameTokens(a, 0, b, 0));
    }

    [Fact]
    public void A_lazily_deduplicated_list_ends_as_the_eager_rule_keeps_findings()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var all = new List<Finding>();
            var lists = new List<FindingList>();
            var list = new FindingList();
            var count = random.Next(0, 300);
            for (var i = 0; i < count; i++)
            {
                var finding = new Finding("N" + random.Next(3), "#/l" + random.Next(40), random.Next(2) == 0, "m" + i);
                if (random.Next(4) == 0 && lists.Count > 0)
                {
                    // A copied list, as a pair's findings are copied into the pairs that reach it.
                    var from = lists[random.Next(lists.Count)];
                    list.AddRange(from);
                    all.AddRange(from.ToList());
                    continue;
                }

                list.Add(finding);
                all.Add(finding);
                if (random.Next(10) == 0)
                {
                    lists.Add(list);
                    list = new FindingList();
                    list.AddRange(lists[^1]);
                }
            }

            Assert.Equal(SchemaComparer.Deduplicate(all), list.ToList());
        }
    }

    [Fact]
    public void A_list_holds_at_most_about_twice_its_distinct_findings()
    {
        var list = new FindingList();
        var distinct = new FindingList();
        for (var i = 0; i < 10; i++)
        {
            distinct.Add(new Finding("N", "#/" + i, true, "m"));
        }

        for (var i = 0; i < 1000; i++)
        {
            list.AddRange(distinct); // the same ten findings, a thousand times
            Assert.InRange(list.Count, 1, 64);
        }

        Assert.Equal(10, list.ToList().Count);
    }

    [Fact]
    public void Relaxing_settles_which_duplicate_stands_before_changing_any()
    {
        var list = new FindingList();
        list.Add(new Finding("N", "#/a", true, "compatible first"));
        list.Add(new Finding("N", "#/a", false, "incompatible later"));
        list.RelaxIncompatible(f => f with { Compatible = true, Message = f.Message + " (relaxed)" });

        // The eager rule: the incompatible one replaced the compatible one, and then was relaxed.
        var only = Assert.Single(list.ToList());
        Assert.Equal("incompatible later (relaxed)", only.Message);
        Assert.True(only.Compatible);
    }

    [Fact]
    public void Findings_equal_by_value_whether_or_not_their_key_was_hashed()
    {
        var a = new Finding("N", "#/a", true, "m");
        var b = new Finding("N", "#/a", true, "m");
        _ = a.KeyHash;
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(Finding.SameKey(a, b with { Compatible = false, Message = "other" }));
        Assert.False(Finding.SameKey(a, b with { Location = "#/b" }));
    }

    [Fact]
    public void An_edit_reformatted_schema_still_finds_its_unchanged_parts()
    {
        // The new version is the old one reformatted (no whitespace) with one property added: every other part is
        // recognised as unchanged, and the only difference reported is the added property.
        const string old = """
            {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "a": { "type": "string", "maxLength": 10 },
                "b": { "$ref": "#/$defs/b" }
              },
              "$defs": { "b": { "type": "integer", "minimum": 0 } }
            }
            """;
        const string @new = """{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string","maxLength":10},"b":{"$ref":"#/$defs/b"},"c":{"type":"string"}},"$defs":{"b":{"type":"integer","minimum":0}}}""";
        var result = Compat.Check(old, @new, CompatibilityLevel.Backward);
        Assert.True(result.IsCompatible, Compat.Describe(result));
        Assert.All(result.Differences, d => Assert.Equal("#/properties/c", d.Location));
    }

    // --- values read where they lie on the loader's tokens (the model is built from the one parse of a schema)

    private static JsonRef Value(string json) => new(new SchemaDocument("", Tape(json), ""), 0);

    /// <summary>A random JSON value; <paramref name="variant"/> writes the same value another way (members reordered, numbers and strings spelled otherwise).</summary>
    private static string RandomJson(Random random, int depth, Random variant)
    {
        switch (random.Next(depth > 2 ? 5 : 7))
        {
            case 0:
                return "null";
            case 1:
                return random.Next(2) == 0 ? "true" : "false";
            case 2:
            {
                var n = random.Next(-3, 12);
                return variant.Next(4) switch
                {
                    0 => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    1 => n + ".0",
                    2 => (n * 10) + "e-1",
                    _ => n + "e0",
                };
            }

            case 3:
            {
                var text = ((char)('a' + random.Next(3))).ToString() + (random.Next(2) == 0 ? "\\n" : "");
                return variant.Next(2) == 0 ? $"\"{text}\"" : $"\"{text.Replace("a", "\\u0061", StringComparison.Ordinal)}\"";
            }

            case 4:
                return random.Next(3) == 0 ? "\"\"" : "\"b\"";
            case 5:
            {
                var items = Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth + 1, variant));
                return "[" + string.Join(",", items) + "]";
            }

            default:
            {
                var members = Enumerable.Range(0, random.Next(5)).Select(i => $"\"m{i}\":{RandomJson(random, depth + 1, variant)}").ToList();
                // The same members in another order are the same object.
                var order = members.OrderBy(_ => variant.Next()).ToList();
                return "{" + string.Join(",", order) + "}";
            }
        }
    }

    [Fact]
    public void Values_on_the_tokens_are_equal_and_hash_alike_exactly_when_their_parsed_elements_are()
    {
        var random = new Random(11);
        var equal = 0;
        for (var round = 0; round < 3000; round++)
        {
            var seed = random.Next();
            var a = RandomJson(new Random(seed), 0, new Random(random.Next()));
            // Half the pairs are one value written two ways, half two unrelated values.
            var b = random.Next(2) == 0 ? RandomJson(new Random(seed), 0, new Random(random.Next())) : RandomJson(random, 0, new Random(random.Next()));
            using var x = System.Text.Json.JsonDocument.Parse(a);
            using var y = System.Text.Json.JsonDocument.Parse(b);
            var expected = System.Text.Json.JsonElement.DeepEquals(x.RootElement, y.RootElement);
            var (left, right) = (Value(a), Value(b));
            Assert.True(expected == left.SameAs(right), $"{a} vs {b}: expected {(expected ? "equal" : "different")}");
            Assert.True(expected == right.SameAs(left), $"{b} vs {a}");
            if (expected)
            {
                equal++;
                Assert.Equal(left.Hash(), right.Hash());
            }
        }

        Assert.InRange(equal, 1000, 3000); // both outcomes were exercised
    }

    [Theory]
    [InlineData("""{"a":"x\ny","b":[1,{"c":"\u00e9"}],"d":-1.5e3,"e":true,"f":null,"g":12}""")]
    [InlineData("""[ "\"quoted\"" , 0.1 , [ ] , { } , 7 ]""")]
    [InlineData("""{"n":123456789012345678901234567890123456789}""")]
    public void A_value_taken_from_the_tokens_is_the_value_the_document_holds(string json)
    {
        var value = Value(json);
        var tokens = value.Document.Tape.Tokens;
        using var whole = System.Text.Json.JsonDocument.Parse(json);
        var seen = 0;
        foreach (var (token, expected) in Walk(whole.RootElement, 0, tokens))
        {
            var element = new JsonRef(value.Document, token).ToElement();
            Assert.True(System.Text.Json.JsonElement.DeepEquals(expected, element), $"token {token}: {element.GetRawText()} is not {expected.GetRawText()}");
            Assert.Equal(expected.ValueKind, element.ValueKind);
            seen++;
        }

        Assert.Equal(value.Document.Tape.Count - CountNames(tokens, value.Document.Tape.Count), seen);
    }

    private static int CountNames(JsonToken[] tokens, int count) => tokens.Take(count).Count(t => t.Kind == JsonKind.PropertyName);

    private static IEnumerable<(int Token, System.Text.Json.JsonElement Element)> Walk(System.Text.Json.JsonElement element, int token, JsonToken[] tokens)
    {
        yield return (token, element);
        var child = token + 1;
        if (element.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            foreach (var member in element.EnumerateObject())
            {
                foreach (var inner in Walk(member.Value, child + 1, tokens))
                {
                    yield return inner;
                }

                child = tokens[child + 1].Next;
            }
        }
        else if (element.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var inner in Walk(item, child, tokens))
                {
                    yield return inner;
                }

                child = tokens[child].Next;
            }
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-12")]
    [InlineData("1e2")]
    [InlineData("1.50")]
    [InlineData("-0.000001")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("792281625142643375935439503350")]
    [InlineData("123456789012345678901234567890123456789")]
    public void A_number_read_from_its_literal_is_the_number_read_from_the_parsed_element(string literal)
    {
        using var parsed = System.Text.Json.JsonDocument.Parse($"[{literal}]");
        var expected = SchemaNumber.From(parsed.RootElement[0]);
        var actual = SchemaNumber.From(new JsonRef(Value($"[{literal}]").Document, 1));
        Assert.Equal(expected.IsExact, actual.IsExact);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("plain", "#/properties/plain/type")]
    [InlineData("a/b~c", "#/properties/a~1b~0c/type")]
    [InlineData("~/", "#/properties/~0~1/type")]
    public void Locations_escape_slashes_and_tildes_in_names(string name, string expected)
    {
        var key = System.Text.Json.JsonEncodedText.Encode(name).ToString();
        var old = "{\"properties\":{\"" + key + "\":{\"type\":\"string\"}}}";
        var @new = "{\"properties\":{\"" + key + "\":{\"type\":\"integer\"}}}";
        var result = Compat.Check(old, @new, CompatibilityLevel.Backward);
        Assert.Contains(result.Differences, d => d.Location == expected);
    }
}
