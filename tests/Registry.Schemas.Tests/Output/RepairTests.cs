using System.Text;
using System.Text.Json;
using FsCheck.Xunit;
using Registry.Schemas.Output;
using Registry.Schemas.Tests.Validation;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Output;

public sealed class RepairTests
{
    private static readonly ModelOutputOptions Syntax = new() { Repairs = RepairKinds.Syntax };
    private static readonly ModelOutputOptions All = new() { Repairs = RepairKinds.All };

    private static ModelOutputResult Repair(string text, ModelOutputOptions? options = null)
        => Outputs.Check(text, null, options ?? Syntax);

    [Theory]
    [InlineData("""{"a":1,}""", """{"a":1}""", RepairKinds.TrailingComma, 6)]
    [InlineData("""[1, 2, ]""", """[1, 2 ]""", RepairKinds.TrailingComma, 5)]
    [InlineData("""{"a":1 "b":2}""", """{"a":1, "b":2}""", RepairKinds.MissingComma, 6)]
    [InlineData("""[{"a":1}{"b":2}]""", """[{"a":1},{"b":2}]""", RepairKinds.MissingComma, 8)]
    [InlineData("{\"a\":1 // the answer\n}", "{\"a\":1 \n}", RepairKinds.Comment, 7)]
    [InlineData("""{"a":/* one */1}""", """{"a":1}""", RepairKinds.Comment, 5)]
    [InlineData("{\"a\":1 # python style\n}", "{\"a\":1 \n}", RepairKinds.Comment, 7)]
    [InlineData("""{'a': 'b"c'}""", """{"a": "b\"c"}""", RepairKinds.SingleQuotes, 1)]
    [InlineData("""['it\'s']""", """["it's"]""", RepairKinds.SingleQuotes, 1)]
    [InlineData("""{a: 1, b_2: 2}""", """{"a": 1, "b_2": 2}""", RepairKinds.UnquotedKey, 1)]
    [InlineData("""{"status": open now}""", """{"status": "open now"}""", RepairKinds.UnquotedString, 11)]
    [InlineData("""{"size": 12px}""", """{"size": "12px"}""", RepairKinds.UnquotedString, 9)]
    [InlineData("""[True, False, None]""", """[true, false, null]""", RepairKinds.PythonLiteral, 1)]
    [InlineData("""{"a": undefined}""", """{"a": null}""", RepairKinds.UndefinedLiteral, 6)]
    [InlineData("""[NaN, Infinity, -Infinity]""", """[null, null, null]""", RepairKinds.NonFiniteNumber, 1)]
    [InlineData("{\"a\": \"line\nbreak\ttab\"}", """{"a": "line\nbreak\ttab"}""", RepairKinds.ControlCharacter, 11)]
    [InlineData("""{"a": "C:\dir"}""", """{"a": "C:\\dir"}""", RepairKinds.InvalidEscape, 9)]
    [InlineData("""["\uD800x"]""", """["\ufffdx"]""", RepairKinds.InvalidEscape, 2)]
    [InlineData("""{"a": [1, 2}""", """{"a": [1, 2]}""", RepairKinds.MismatchedBracket, 11)]
    public void Each_repair_gives_strict_json_and_is_listed_with_its_kind_and_offset(string text, string expected, RepairKinds kind, int offset)
    {
        var result = Repair(text);

        Assert.Equal(OutputVerdict.Valid, result.Verdict);
        Assert.Equal(expected, result.JsonText);
        using var _ = JsonDocument.Parse(result.JsonText);
        var first = result.Repairs[0];
        Assert.Equal(kind, first.Kind);
        Assert.Equal(offset, first.Offset);
        Assert.All(result.Repairs, r => Assert.Equal(kind, r.Kind));
        Assert.False(string.IsNullOrEmpty(first.Description));
    }

    [Fact]
    public void Several_raw_line_breaks_in_one_string_are_one_listed_repair()
    {
        var result = Repair("{\"a\": \"1\n2\n3\"}");

        var repair = Assert.Single(result.Repairs);
        Assert.Equal(RepairKinds.ControlCharacter, repair.Kind);
        Assert.Contains("2 raw control characters", repair.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trailing_comma_followed_by_a_comment_is_removed_with_the_comment()
    {
        var result = Repair("{\"a\": [1, 2, /* more */], // done\n}");

        Assert.Equal("{\"a\": [1, 2 ] \n}", result.JsonText);
        Assert.Equal([RepairKinds.TrailingComma, RepairKinds.Comment, RepairKinds.TrailingComma, RepairKinds.Comment], result.Repairs.Select(r => r.Kind));
        Assert.Equal([11, 13, 24, 26], result.Repairs.Select(r => (int)r.Offset));
    }

    [Fact]
    public void A_python_dict_with_every_python_habit_becomes_json()
    {
        var result = Repair("{'name': 'Ada', 'admin': True, 'manager': None, 'langs': ['en', 'fr',],}");

        Assert.Equal("""{"name": "Ada", "admin": true, "manager": null, "langs": ["en", "fr"]}""", result.JsonText);
        Assert.Contains(result.Repairs, r => r.Kind == RepairKinds.PythonLiteral);
        Assert.Contains(result.Repairs, r => r.Kind == RepairKinds.SingleQuotes);
        Assert.Equal(2, result.Repairs.Count(r => r.Kind == RepairKinds.TrailingComma));
    }

    [Fact]
    public void Strict_json_is_returned_as_written_with_no_repair()
    {
        const string text = "{ \"a\" : [1, 2.5e3, \"x\\ny\", true, null] }";

        var result = Repair(text, All);

        Assert.Equal(OutputVerdict.Valid, result.Verdict);
        Assert.False(result.IsRepaired);
        Assert.Equal(text, result.JsonText);
    }

    [Fact]
    public void Output_that_needs_a_repair_that_is_not_allowed_is_malformed_and_says_which()
    {
        var result = Outputs.Check("{'a': 1, /* c */ }", null, new ModelOutputOptions { Repairs = RepairKinds.TrailingComma | RepairKinds.Comment });

        Assert.Equal(OutputVerdict.Malformed, result.Verdict);
        Assert.True(result.Json.IsEmpty);
        Assert.Equal(RepairKinds.SingleQuotes, Assert.Single(result.RepairsNeeded).Kind);
        Assert.Empty(result.Repairs);
    }

    [Fact]
    public void Repairs_are_off_unless_asked_for()
    {
        var result = Outputs.Check("""{"a":1,}""", null);

        Assert.Equal(OutputVerdict.Malformed, result.Verdict);
        Assert.Equal(RepairKinds.TrailingComma, Assert.Single(result.RepairsNeeded).Kind);
    }

    [Fact]
    public void A_repaired_value_is_validated_like_any_other()
    {
        var schema = TestSchemas.Compile("""{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}""");

        var result = Outputs.Check("{n: '3'}", schema, Syntax);

        Assert.Equal(OutputVerdict.Invalid, result.Verdict);
        Assert.Equal(2, result.Repairs.Count);
        Assert.Equal("/n", result.Violations[0].InstanceLocation);
        Assert.Equal("the string \"3\"", result.Violations[0].Received);
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 300)]
    public bool Valid_json_is_never_changed_by_the_repairer(JsonSample sample)
    {
        var text = sample.Json();

        var result = Outputs.Check(text, null, All);

        return result.Verdict == OutputVerdict.Valid && !result.IsRepaired && result.JsonText == text;
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 300)]
    public bool Json_damaged_in_the_ways_models_damage_it_is_repaired_to_the_same_value(JsonSample sample, int seed)
    {
        var text = sample.Json();
        var damaged = Damage(text, new Random(seed));

        var result = Outputs.Check(damaged, null, Syntax);

        return result.Verdict == OutputVerdict.Valid && JsonEquals(result.JsonText, text) && (damaged == text || result.IsRepaired);
    }

    [Property(MaxTest = 500)]
    public bool Any_bytes_are_answered_without_an_exception(byte[] bytes)
    {
        var result = Outputs.Check(bytes, null, All);
        if (result.Verdict is OutputVerdict.Valid)
        {
            using var _ = JsonDocument.Parse(result.Json);
        }

        return result.Verdict != OutputVerdict.Valid || !result.Json.IsEmpty;
    }

    /// <summary>Trailing commas, comments, Python literals, whitespace: damage whose repair restores the value exactly.</summary>
    internal static string Damage(string json, Random random)
    {
        var sb = new StringBuilder();
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                sb.Append(c);
                if (c == '\\')
                {
                    sb.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    sb.Append(c);
                    break;
                case '}' or ']' when random.Next(3) == 0 && i > 0 && json[i - 1] is not ('{' or '['):
                    sb.Append(random.Next(2) == 0 ? "," : ", /* end */").Append(c);
                    break;
                case ',' when random.Next(4) == 0:
                    sb.Append(", // next\n");
                    break;
                case 't' when json.AsSpan(i).StartsWith("true") && random.Next(2) == 0:
                    sb.Append("True");
                    i += 3;
                    break;
                case 'f' when json.AsSpan(i).StartsWith("false") && random.Next(2) == 0:
                    sb.Append("False");
                    i += 4;
                    break;
                case 'n' when json.AsSpan(i).StartsWith("null") && random.Next(2) == 0:
                    sb.Append("None");
                    i += 3;
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    internal static bool JsonEquals(string a, string b)
    {
        using var x = JsonDocument.Parse(a);
        using var y = JsonDocument.Parse(b);
        return JsonElement.DeepEquals(x.RootElement, y.RootElement);
    }
}
