using System.Text;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Tests.Compatibility;
using Registry.Schemas.Tests.Validation;
using Registry.Schemas.Validation;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Loading;

/// <summary>
/// The validator and the compatibility checker resolve <c>$id</c> and <c>$ref</c> through one loader, so they agree
/// on what every reference names. Before, the checker canonicalised identifiers with <see cref="Uri"/> (host case,
/// default ports, percent-encoding) while the compiler compares them as written, and the two could read the same
/// schema as two different ones.
/// </summary>
public sealed class SchemaLoaderTests
{
    // Two embedded resources whose identifiers differ only in the case of the host: distinct for the validator;
    // one and the same for System.Uri, which kept the first (a string) where the validator follows the second.
    private const string TwoResources = """
        {
          "$defs": {
            "a": { "$id": "http://example.com/s", "type": "string" },
            "b": { "$id": "http://EXAMPLE.com/s", "type": "integer" }
          },
          "$ref": "http://EXAMPLE.com/s"
        }
        """;

    [Fact]
    public void The_checker_and_the_validator_follow_a_reference_to_the_same_schema()
    {
        var validator = TestSchemas.Compile(TwoResources);
        Assert.True(validator.IsValid("7"));
        Assert.False(validator.IsValid("\"seven\""));

        // The checker reads the reference as the validator does: the schema admits integers, not strings.
        var sameAsInteger = Compat.Check(TwoResources, """{ "type": "integer" }""", CompatibilityLevel.Full);
        Assert.True(sameAsInteger.IsCompatible, Compat.Describe(sameAsInteger));
        var asString = Compat.Check(TwoResources, """{ "type": "string" }""", CompatibilityLevel.Backward);
        Assert.False(asString.IsCompatible, Compat.Describe(asString));
    }

    [Theory]
    [InlineData("""{ "$defs": { "a": { "$id": "http://example.com:80/x", "type": "string" } }, "$ref": "http://example.com/x" }""")]
    [InlineData("""{ "$defs": { "a": { "$id": "http://example.com/a%7Eb", "type": "string" } }, "$ref": "http://example.com/a~b" }""")]
    [InlineData("""{ "$defs": { "a": { "$id": "http://example.com/x/../y", "type": "string" } }, "$ref": "http://example.com/z" }""")]
    public void A_reference_the_validator_cannot_resolve_is_refused_by_the_checker_too(string schema)
    {
        var compiled = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schema));
        Assert.False(compiled.Succeeded);

        var e = Assert.Throws<InvalidSchemaException>(() => Compat.Check(schema, schema));
        Assert.Contains("cannot resolve reference", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("registry.invalid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_read_a_document_without_schema_keyword_in_the_configured_default_draft()
    {
        // In draft 7 "$id": "#foo" is an anchor; in 2020-12 it is not a valid identifier for one.
        const string schema = """{ "definitions": { "a": { "$id": "#foo", "type": "integer" } }, "$ref": "#foo" }""";
        var draft7 = TestSchemas.Compile(schema, new SchemaCompilerOptions { DefaultDraft = JsonSchemaDraft.Draft7 });
        Assert.True(draft7.IsValid("1"));
        Assert.False(draft7.IsValid("\"x\""));

        var result = Compat.Check(schema, """{ "type": "integer" }""", CompatibilityLevel.Full,
            options: new CompatibilityOptions { DefaultDraft = JsonSchemaDraft.Draft7 });
        Assert.True(result.IsCompatible, Compat.Describe(result));
    }
}
