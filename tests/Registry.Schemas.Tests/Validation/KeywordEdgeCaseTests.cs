using System.Text;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Validation;

/// <summary>Edge cases the conformance suite does not cover: exact numbers, code-point lengths, duplicate keys.</summary>
public sealed class KeywordEdgeCaseTests
{
    [Theory]
    [InlineData("""{ "maximum": 18446744073709551615 }""", "18446744073709551615", true)]
    [InlineData("""{ "maximum": 18446744073709551615 }""", "18446744073709551616", false)]
    [InlineData("""{ "minimum": -9223372036854775809 }""", "-9223372036854775808", true)]
    [InlineData("""{ "minimum": -9223372036854775809 }""", "-9223372036854775810", false)]
    [InlineData("""{ "exclusiveMinimum": 9007199254740992 }""", "9007199254740993", true)]
    [InlineData("""{ "maximum": 1e400 }""", "1e399", true)]
    [InlineData("""{ "maximum": 1e400 }""", "1.0000000000000000001e400", false)]
    [InlineData("""{ "minimum": 0.1 }""", "0.1", true)]
    [InlineData("""{ "minimum": 0.1 }""", "0.09999999999999999999", false)]
    [InlineData("""{ "exclusiveMaximum": 0.3 }""", "0.30000000000000000001", false)]
    [InlineData("""{ "exclusiveMaximum": 0.3 }""", "0.29999999999999999999", true)]
    [InlineData("""{ "minimum": -0.5, "maximum": -0.25 }""", "-2.5e-1", true)]
    [InlineData("""{ "minimum": 0 }""", "-0", true)]
    [InlineData("""{ "minimum": 0 }""", "-1e-400", false)]
    public void Numeric_bounds_compare_exactly_for_big_integers_and_decimals(string schema, string document, bool valid)
        => Assert.Equal(valid, Schemas.Compile(schema).IsValid(document));

    [Theory]
    [InlineData("12345678901234567890123456789012345678901234567890", true)]
    [InlineData("1e400", true)]
    [InlineData("1.0", true)]
    [InlineData("12.5e1", true)]
    [InlineData("1.0000000000000000000001", false)]
    [InlineData("1e-400", false)]
    [InlineData("-0.0", true)]
    public void Integer_type_is_decided_on_the_exact_value(string document, bool integer)
        => Assert.Equal(integer, Schemas.Compile("""{ "type": "integer" }""").IsValid(document));

    [Fact]
    public void Draft_4_does_not_count_a_float_with_zero_fraction_as_an_integer()
    {
        var schema = Schemas.Compile("""{ "$schema": "http://json-schema.org/draft-04/schema#", "type": "integer" }""");

        Assert.False(schema.IsValid("1.0"));
        Assert.True(schema.IsValid("1"));
    }

    [Theory]
    [InlineData("0.1", "0.3", true)]
    [InlineData("0.1", "0.35", false)]
    [InlineData("0.01", "19.99", true)]
    [InlineData("0.01", "19.999", false)]
    [InlineData("1e-30", "3e-29", true)]
    [InlineData("0.0001", "1e308", true)]
    [InlineData("3", "1e400", false)]
    [InlineData("2", "1e400", true)]
    [InlineData("0.5", "1e308", true)]
    [InlineData("12345678901234567890123", "24691357802469135780246", true)]
    [InlineData("12345678901234567890123", "24691357802469135780247", false)]
    [InlineData("1.5", "4.5", true)]
    [InlineData("1.5", "-4.5", true)]
    [InlineData("1.5", "0", true)]
    [InlineData("7", "49", true)]
    [InlineData("7", "50", false)]
    public void MultipleOf_is_exact_with_fractions_and_big_numbers(string divisor, string document, bool valid)
        => Assert.Equal(valid, Schemas.Compile($$"""{ "multipleOf": {{divisor}} }""").IsValid(document));

    [Theory]
    [InlineData("\"🐲🐲\"", 2, true)]
    [InlineData("\"\\ud83d\\udc32\\ud83d\\udc32\"", 2, true)]
    [InlineData("\"ééé\"", 2, false)]
    [InlineData("\"e\u0301e\u0301\"", 4, true)]
    [InlineData("\"日本\"", 2, true)]
    [InlineData("\"abc\"", 2, false)]
    public void MaxLength_counts_code_points_not_bytes_or_utf16_units(string document, int max, bool valid)
        => Assert.Equal(valid, Schemas.Compile($$"""{ "maxLength": {{max}} }""").IsValid(document));

    [Theory]
    [InlineData("\"🐲\"", 2, false)]
    [InlineData("\"🐲🐲\"", 2, true)]
    [InlineData("\"\\u00e9\\u00e9\"", 2, true)]
    [InlineData("\"aé\"", 3, false)]
    public void MinLength_counts_code_points(string document, int min, bool valid)
        => Assert.Equal(valid, Schemas.Compile($$"""{ "minLength": {{min}} }""").IsValid(document));

    [Theory]
    [InlineData("1", "[1.0, 1e0, 10e-1, 0.1e1]")]
    [InlineData("\"a\"", "[\"\\u0061\"]")]
    [InlineData("{\"a\": [1, {\"b\": null}]}", "[{\"a\": [1.0, {\"b\": null}]}]")]
    public void Const_and_enum_compare_values_not_spellings(string constant, string equalSpellings)
    {
        var constSchema = Schemas.Compile($$"""{ "const": {{constant}} }""");
        var enumSchema = Schemas.Compile($$"""{ "enum": [{{constant}}] }""");
        using var spellings = System.Text.Json.JsonDocument.Parse(equalSpellings);
        foreach (var spelling in spellings.RootElement.EnumerateArray())
        {
            Assert.True(constSchema.IsValid(spelling.GetRawText()), spelling.GetRawText());
            Assert.True(enumSchema.IsValid(spelling.GetRawText()), spelling.GetRawText());
        }

        Assert.False(constSchema.IsValid("true"));
    }

    [Fact]
    public void Unique_items_compares_numbers_by_value_and_objects_regardless_of_order()
    {
        var schema = Schemas.Compile("""{ "uniqueItems": true }""");

        Assert.False(schema.IsValid("[1, 1.0]"));
        Assert.False(schema.IsValid("""[{"a":1,"b":2}, {"b":2,"a":1}]"""));
        Assert.True(schema.IsValid("[1, true, \"1\", [1], {\"1\": 1}]"));
        var many = "[" + string.Join(',', Enumerable.Range(0, 5000)) + ",4999]";
        Assert.False(schema.IsValid(many));
    }

    [Theory]
    [InlineData("""{"a": 1, "a": 2}""", "", "a")]
    [InlineData("""{"x": {"a": 1, "b": 2, "a": 1}}""", "/x", "a")]
    [InlineData("""{"a": 1, "\u0061": 2}""", "", "a")]
    [InlineData("""[0, {"k": 1, "k": 1}]""", "/1", "k")]
    public void Duplicate_property_names_make_a_document_invalid_and_are_located(string document, string location, string name)
    {
        var schema = Schemas.Compile("{}");

        Assert.Equal(ValidationOutcome.Invalid, schema.Evaluate(document));
        var error = Assert.Single(schema.Validate(document).Errors);
        Assert.Equal(location, error.InstanceLocation);
        Assert.Contains($"\"{name}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_among_many_property_names_is_found()
    {
        var members = Enumerable.Range(0, 500).Select(i => $"\"k{i}\": {i}").Append("\"k250\": 0");
        var document = "{" + string.Join(',', members) + "}";

        Assert.Equal(ValidationOutcome.Invalid, Schemas.Compile("{}").Evaluate(document));
        Assert.Equal(ValidationOutcome.Valid, Schemas.Compile("{}").Evaluate("{" + string.Join(',', members.SkipLast(1)) + "}"));
    }

    [Fact]
    public void A_schema_with_duplicate_keys_is_refused()
    {
        var compilation = SchemaCompiler.Compile("""{ "type": "string", "type": "number" }"""u8);

        Assert.False(compilation.Succeeded);
        Assert.Contains("duplicate property name \"type\"", compilation.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Full_mode_caps_the_errors_and_says_so()
    {
        var schema = Schemas.Compile("""{ "items": { "type": "string" } }""");
        var document = "[" + string.Join(',', Enumerable.Range(0, 50)) + "]";

        var capped = schema.Validate(document, maxErrors: 5);
        var all = schema.Validate(document, maxErrors: 100);

        Assert.Equal(5, capped.Errors.Count);
        Assert.True(capped.Truncated);
        Assert.Equal(50, all.Errors.Count);
        Assert.False(all.Truncated);
        Assert.Equal("/49", all.Errors[49].InstanceLocation);
    }

    [Fact]
    public void Patterns_follow_ecma_262_not_dotnet_character_classes()
    {
        Assert.False(Schemas.Compile("""{ "pattern": "^\\d$" }""").IsValid("\"\u0663\""));   // Arabic-Indic three
        Assert.False(Schemas.Compile("""{ "pattern": "^\\w$" }""").IsValid("\"é\""));
        Assert.True(Schemas.Compile("""{ "pattern": "^\\s$" }""").IsValid("\"\u00a0\""));
        Assert.False(Schemas.Compile("""{ "pattern": "^a$" }""").IsValid("\"a\\n\""));     // $ is end of input
        Assert.True(Schemas.Compile("""{ "pattern": "^.$" }""").IsValid("\"🐲\""));         // . is one code point
        Assert.True(Schemas.Compile("""{ "pattern": "^[^a]$" }""").IsValid("\"🐲\""));
        Assert.True(Schemas.Compile("""{ "pattern": "^\\p{Lu}+$" }""").IsValid("\"ÀB\""));
        Assert.True(Schemas.Compile("""{ "pattern": "\\bfoo\\b" }""").IsValid("\"a foo b\""));
        Assert.True(Schemas.Compile("""{ "pattern": "\\bfoo\\b" }""").IsValid("\"éfooé\""));    // é is not an ECMA word character
        Assert.False(Schemas.Compile("""{ "pattern": "\\bfoo\\b" }""").IsValid("\"xfoo\""));
    }

    [Fact]
    public void A_document_given_as_a_sequence_of_many_segments_validates()
    {
        var schema = Schemas.Compile("""{ "properties": { "s": { "maxLength": 3 } } }""");
        var bytes = Encoding.UTF8.GetBytes("""{"s": "🐲🐲🐲"}""");
        var sequence = Segments.Split(bytes, 9); // inside the first dragon

        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(sequence));
    }
}
