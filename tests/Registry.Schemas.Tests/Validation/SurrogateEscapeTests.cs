using System.Text;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Validation;

/// <summary>
/// A <c>\u</c> escape of a lone surrogate is well-formed JSON syntax but has no UTF-8 form; the reader's unescaping
/// throws on it. Documents and schemas holding one are malformed, reported, never an exception (issue 13, finding 9).
/// </summary>
public sealed class SurrogateEscapeTests
{
    public static TheoryData<string> LoneSurrogates => new()
    {
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\uDBFF\"",
        "\"a\\ud800b\"",
        "\"\\ud800\\u0041\"",
        "\"\\ud800\\ud800\"",
        "\"\\udc00\\ud800\"",
        "{\"\\ud800\":1}",
        "[1,{\"a\":[\"\\ud800\"]}]",

        // Found by fuzzing the tape (fuzz/corpus/json-tape/lone-low-surrogate-escape.json): a lone low surrogate among other escapes.
        "\"n3d\\ude009\\fb\"",
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public void A_document_with_a_lone_surrogate_escape_is_malformed_in_both_modes(string document)
    {
        var schema = Schemas.Compile("""{"type":["string","object","array"]}""");

        Assert.Equal(ValidationOutcome.MalformedJson, schema.Evaluate(document));
        var result = schema.Validate(document);
        Assert.Equal(ValidationOutcome.MalformedJson, result.Outcome);
        Assert.NotNull(result.ErrorByteOffset);
        Assert.InRange(result.ErrorByteOffset!.Value, 0, Encoding.UTF8.GetByteCount(document));
    }

    [Fact]
    public void The_offset_points_at_the_string_that_holds_the_lone_surrogate()
    {
        var schema = Schemas.Compile("{}");
        const string Document = """{"ok":"fine","bad":"x\ud800"}""";

        var result = schema.Validate(Document);

        Assert.Equal(Document.IndexOf("\"x", StringComparison.Ordinal), result.ErrorByteOffset);
    }

    [Theory]
    [InlineData("\"\\ud83d\\ude00\"")]
    [InlineData("\"\\uD83D\\uDE00 and more\"")]
    [InlineData("{\"\\ud83d\\ude00\":1}")]
    public void A_surrogate_pair_escape_is_still_valid(string document)
    {
        var schema = Schemas.Compile("""{"type":["string","object"]}""");

        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(document));
        Assert.True(schema.Validate(document).IsValid);
    }

    [Theory]
    [InlineData("""{"const":"\ud800"}""")]
    [InlineData("""{"properties":{"\udc00":{}}}""")]
    [InlineData("""{"enum":["a","\ud800"]}""")]
    public void A_schema_with_a_lone_surrogate_escape_is_a_compilation_error_not_an_exception(string schema)
    {
        var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schema));

        Assert.False(compilation.Succeeded);
        Assert.NotEmpty(compilation.Errors);
    }
}
