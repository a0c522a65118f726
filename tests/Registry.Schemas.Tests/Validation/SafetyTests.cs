using System.Text;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Validation;

/// <summary>Hostile schemas and documents end in a clear outcome: never a hang, a crash or an unbounded allocation.</summary>
public sealed class SafetyTests
{
    [Fact]
    public void A_catastrophic_backtracking_pattern_runs_in_linear_time_and_gives_the_right_answer()
    {
        var schema = Schemas.Compile("""{ "pattern": "^(a+)+$" }""");
        var evil = "\"" + new string('a', 50_000) + "!\"";

        Assert.Equal(ValidationOutcome.Invalid, schema.Evaluate(evil));
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate("\"" + new string('a', 50_000) + "\""));
    }

    [Fact]
    public void A_pattern_that_needs_backtracking_is_bounded_by_the_match_time_out()
    {
        var options = new SchemaCompilerOptions { Limits = new SchemaLimits { PatternMatchTimeout = TimeSpan.FromMilliseconds(20) } };
        var schema = Schemas.Compile("""{ "pattern": "^(a+)+\\1$" }""", options);
        var evil = "\"" + new string('a', 5_000) + "!\"";

        var result = schema.Validate(evil);

        Assert.Equal(ValidationOutcome.Invalid, result.Outcome);
        Assert.Contains("timed out", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(ValidationOutcome.Invalid, schema.Evaluate(evil));
    }

    [Fact]
    public void A_document_nested_deeper_than_the_limit_is_refused_without_recursion()
    {
        var schema = Schemas.Compile("""{ "items": { "$ref": "#" } }""", new SchemaCompilerOptions { Limits = new SchemaLimits { MaxDepth = 64 } });
        var deep = new string('[', 100_000) + new string(']', 100_000);

        Assert.Equal(ValidationOutcome.LimitExceeded, schema.Evaluate(deep));
        var result = schema.Validate(deep);
        Assert.Equal(ValidationOutcome.LimitExceeded, result.Outcome);
        Assert.Equal(64, result.ErrorByteOffset);
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(new string('[', 64) + new string(']', 64)));
    }

    [Fact]
    public void A_document_larger_than_the_limit_is_refused_before_parsing()
    {
        var schema = Schemas.Compile("{}", new SchemaCompilerOptions { Limits = new SchemaLimits { MaxDocumentBytes = 10 } });

        Assert.Equal(ValidationOutcome.LimitExceeded, schema.Evaluate("\"0123456789\""));
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate("\"0123456\""));
    }

    [Fact]
    public void A_schema_larger_or_deeper_than_the_limits_is_a_compilation_error()
    {
        var limits = new SchemaLimits { MaxSchemaBytes = 100, MaxDepth = 8 };
        var large = SchemaCompiler.Compile(Encoding.UTF8.GetBytes("{\"description\": \"" + new string('x', 200) + "\"}"),
            new SchemaCompilerOptions { Limits = limits });
        var deep = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"not\":", 9)) + "{}" + new string('}', 9)),
            new SchemaCompilerOptions { Limits = limits });

        Assert.Contains("more than the limit", Assert.Single(large.Errors).Message, StringComparison.Ordinal);
        Assert.Contains("deeper than the limit", Assert.Single(deep.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "$ref": "#" }""")]
    [InlineData("""{ "$defs": { "a": { "$ref": "#/$defs/b" }, "b": { "allOf": [ { "$ref": "#/$defs/a" } ] } }, "$ref": "#/$defs/a" }""")]
    [InlineData("""{ "definitions": { "a": { "$ref": "#/definitions/a" } }, "properties": { "x": { "$ref": "#/definitions/a" } } }""")]
    public void A_reference_cycle_that_makes_no_progress_is_a_compilation_error(string schema)
    {
        var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schema));

        Assert.False(compilation.Succeeded);
        Assert.Contains("refers back to itself", compilation.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_cycle_that_depends_on_the_instance_ends_as_a_limit_even_on_a_small_stack()
    {
        var schema = Schemas.Compile("""{ "anyOf": [ { "type": "string" }, { "$ref": "#" } ] }""");
        ValidationOutcome outcome = default;
        ValidationResult? result = null;

        // A 256 KiB stack: the guard must stop before the stack runs out, whatever the reference limit.
        var thread = new Thread(() =>
        {
            outcome = schema.Evaluate("5");
            result = schema.Validate("5");
        }, 256 * 1024);
        thread.Start();
        thread.Join();

        Assert.Equal(ValidationOutcome.LimitExceeded, outcome);
        Assert.Equal(ValidationOutcome.LimitExceeded, result!.Outcome);
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate("\"s\""));
    }

    [Theory]
    [InlineData("[")]
    [InlineData("{\"a\":}")]
    [InlineData("\"\\uZZZZ\"")]
    [InlineData("\"\xff\"")]
    [InlineData("01")]
    [InlineData("1 2")]
    [InlineData("")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("// comment\n1")]
    [InlineData("NaN")]
    public void Malformed_documents_are_reported_not_thrown(string text)
    {
        var schema = Schemas.Compile("{}");
        var bytes = text == "\"\xff\"" ? [(byte)'"', 0xFF, (byte)'"'] : Encoding.UTF8.GetBytes(text);

        Assert.Equal(ValidationOutcome.MalformedJson, schema.Evaluate(bytes));
        var result = schema.Validate(bytes);
        Assert.Equal(ValidationOutcome.MalformedJson, result.Outcome);
        Assert.NotNull(result.ErrorByteOffset);
        Assert.InRange(result.ErrorByteOffset!.Value, 0, bytes.Length);
    }

    [Theory]
    [InlineData("""{ "pattern": "(" }""")]
    [InlineData("""{ "pattern": "a**" }""")]
    [InlineData("""{ "patternProperties": { "[": {} } }""")]
    [InlineData("""{ "type": "strange" }""")]
    [InlineData("""{ "$schema": "https://example.com/unknown-meta" }""")]
    [InlineData("""{ "$ref": "https://example.com/elsewhere.json" }""")]
    [InlineData("""{ "minimum": "3" }""")]
    [InlineData("""[1, 2]""")]
    [InlineData("""{ "a": 1, "a": 2 }""")]
    public void Bad_schemas_are_compilation_errors_not_exceptions(string schema)
    {
        var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schema));

        Assert.False(compilation.Succeeded);
        Assert.NotEmpty(compilation.Errors);
        Assert.All(compilation.Errors, e => Assert.StartsWith("#", e.SchemaLocation, StringComparison.Ordinal));
    }
}
