using System.Text;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Validation;

/// <summary>A schema that is not valid against its meta-schema gets one plain error per place, at that place.</summary>
public sealed class MetaSchemaErrorTests
{
    private static IReadOnlyList<SchemaCompilationError> Errors(string schema, SchemaCompilerOptions? options = null)
    {
        var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schema), options);
        Assert.False(compilation.Succeeded);
        return compilation.Errors;
    }

    [Fact]
    public void A_misspelt_type_is_one_error_at_the_keyword_naming_the_type_and_the_likely_one()
    {
        var error = Assert.Single(Errors("""{"type":"strng"}"""));

        Assert.Equal("#/type", error.SchemaLocation);
        Assert.StartsWith("'strng' is not a JSON Schema type; did you mean 'string'?", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("meta-schema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_compiler_and_the_compatibility_checker_word_a_bad_type_the_same()
    {
        var compiled = Assert.Single(Errors("""{"type":"strng"}""")).Message;
        var compared = Assert.Throws<InvalidSchemaException>(() =>
            CompatibilityChecker.Check(Encoding.UTF8.GetBytes("""{"type":"strng"}"""), [Encoding.UTF8.GetBytes("{}")], CompatibilityLevel.Backward, CompatibilityPolicy.Strict));

        Assert.Contains(compiled, compared.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42", "number (42)")]
    [InlineData("[1,2]", "an array")]
    [InlineData("\"text\"", "a string")]
    public void A_document_that_is_not_a_schema_is_one_error_at_the_root(string schema, string described)
    {
        var error = Assert.Single(Errors(schema));

        Assert.Equal("#", error.SchemaLocation);
        Assert.Contains("must be an object or a boolean", error.Message, StringComparison.Ordinal);
        Assert.Contains(described, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_wrong_place_gets_its_own_error_saying_what_the_keyword_takes()
    {
        var errors = Errors("""{"type":"object","properties":{"a":{"type":["string","strng"]},"b":{"minLength":-1},"c":5},"required":"a"}""");

        Assert.Equal(["#/properties/a/type/1", "#/properties/b/minLength", "#/properties/c", "#/required"], errors.Select(e => e.SchemaLocation).Order(StringComparer.Ordinal));
        Assert.Contains(errors, e => e.Message.StartsWith("'strng' is not a JSON Schema type", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message == "'minLength' must be a non-negative integer, not a number (-1)");
        Assert.Contains(errors, e => e.Message == "a schema must be an object or a boolean, not a number (5)");
        Assert.Contains(errors, e => e.Message.StartsWith("'required' must be an array of property names", StringComparison.Ordinal) && e.Message.EndsWith("not a string (\"a\")", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Message.Contains("meta-schema keyword", StringComparison.Ordinal));
    }

    [Fact]
    public void Draft_4_schemas_are_described_in_draft_4_terms()
    {
        var error = Assert.Single(Errors("""{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"a":{"exclusiveMinimum":5}}}"""));

        Assert.Equal("#/properties/a/exclusiveMinimum", error.SchemaLocation);
        Assert.Equal("'exclusiveMinimum' must be true or false, not a number (5)", error.Message);
    }

    [Fact]
    public void An_unresolved_reference_is_named_as_the_schema_writes_it()
    {
        var options = new SchemaCompilerOptions { BaseUri = new Uri("https://registry.invalid/schemas/root") };

        var error = Assert.Single(Errors("""{"properties":{"a":{"$ref":"address.json#/x"}}}""", options));

        Assert.Equal("#/properties/a/$ref", error.SchemaLocation);
        Assert.Equal("address.json#/x", error.Reference);
        Assert.Contains("'address.json#/x'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("registry.invalid", error.Message, StringComparison.Ordinal);
    }
}
