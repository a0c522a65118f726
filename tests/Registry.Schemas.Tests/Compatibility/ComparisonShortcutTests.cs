using System.Text;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Compatibility.Comparison;
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
}
