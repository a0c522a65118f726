using System.Buffers;
using System.Text;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Validation;

public sealed class CommonKeywordTests
{
    private const string Person = """
        {
          "type": "object",
          "properties": {
            "name": { "type": "string", "minLength": 1, "maxLength": 20, "pattern": "^[A-Z]" },
            "age": { "type": "integer", "minimum": 0, "exclusiveMaximum": 150 },
            "tags": { "type": "array", "items": { "enum": ["a", "b"] }, "uniqueItems": true, "maxItems": 2 },
            "kind": { "const": "person" }
          },
          "required": ["name", "age"],
          "additionalProperties": false
        }
        """;

    [Fact]
    public void A_document_that_satisfies_every_keyword_is_valid()
    {
        var schema = Schemas.Compile(Person);

        Assert.True(schema.IsValid("""{"name":"Ada","age":36,"tags":["a","b"],"kind":"person"}"""));
    }

    [Theory]
    [InlineData("""{"age":36}""")]
    [InlineData("""{"name":"ada","age":36}""")]
    [InlineData("""{"name":"","age":36}""")]
    [InlineData("""{"name":"Ada","age":-1}""")]
    [InlineData("""{"name":"Ada","age":150}""")]
    [InlineData("""{"name":"Ada","age":1.5}""")]
    [InlineData("""{"name":"Ada","age":36,"tags":["a","a"]}""")]
    [InlineData("""{"name":"Ada","age":36,"tags":["c"]}""")]
    [InlineData("""{"name":"Ada","age":36,"kind":"robot"}""")]
    [InlineData("""{"name":"Ada","age":36,"extra":1}""")]
    [InlineData("""[]""")]
    public void A_document_that_breaks_one_keyword_is_invalid(string document)
    {
        var schema = Schemas.Compile(Person);

        Assert.Equal(ValidationOutcome.Invalid, schema.Evaluate(document));
        Assert.NotEmpty(schema.Validate(document).Errors);
    }

    [Fact]
    public void Full_mode_reports_instance_and_keyword_locations()
    {
        var schema = Schemas.Compile(Person);

        var result = schema.Validate("""{"name":"Ada","age":-1,"extra":true}""");

        Assert.Equal(ValidationOutcome.Invalid, result.Outcome);
        Assert.Contains(result.Errors, e => e.InstanceLocation == "/age" && e.KeywordLocation == "/properties/age/minimum");
        Assert.Contains(result.Errors, e => e.InstanceLocation == "/extra" && e.KeywordLocation == "/additionalProperties");
    }

    [Fact]
    public void Keyword_locations_follow_references()
    {
        var schema = Schemas.Compile("""
            { "properties": { "a": { "$ref": "#/$defs/positive" } }, "$defs": { "positive": { "minimum": 1 } } }
            """);

        var result = schema.Validate("""{"a":0}""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("/a", error.InstanceLocation);
        Assert.Equal("/properties/a/$ref/minimum", error.KeywordLocation);
    }

    [Fact]
    public void Combinators_and_local_references_apply()
    {
        var schema = Schemas.Compile("""
            {
              "definitions": { "s": { "type": "string" } },
              "anyOf": [ { "$ref": "#/definitions/s" }, { "type": "number" } ],
              "oneOf": [ { "type": "number", "minimum": 10 }, { "type": "string" } ],
              "not": { "const": 42 },
              "allOf": [ true ]
            }
            """);

        Assert.True(schema.IsValid("\"x\""));
        Assert.True(schema.IsValid("11"));
        Assert.False(schema.IsValid("42"));
        Assert.False(schema.IsValid("5"));
        Assert.False(schema.IsValid("null"));
    }

    [Fact]
    public void Prefix_items_and_items_apply_by_position()
    {
        var schema = Schemas.Compile("""{ "prefixItems": [ { "type": "string" } ], "items": { "type": "integer" }, "minItems": 1 }""");

        Assert.True(schema.IsValid("""["a", 1, 2]"""));
        Assert.False(schema.IsValid("""[1]"""));
        Assert.False(schema.IsValid("""["a", "b"]"""));
        Assert.False(schema.IsValid("""[]"""));
    }

    [Fact]
    public void Malformed_json_is_reported_with_its_byte_offset()
    {
        var schema = Schemas.Compile("""{ "type": "object" }""");

        var result = schema.Validate("""{"a": 1,}""");

        Assert.Equal(ValidationOutcome.MalformedJson, result.Outcome);
        Assert.Equal(8, result.ErrorByteOffset);
        Assert.Equal(ValidationOutcome.MalformedJson, schema.Evaluate("""{"a": """));
    }

    [Fact]
    public void A_malformed_schema_is_a_compilation_error_with_its_offset_not_an_exception()
    {
        var compilation = SchemaCompiler.Compile("""{"type": "object" """u8);

        Assert.False(compilation.Succeeded);
        Assert.Contains("byte offset", Assert.Single(compilation.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unresolvable_reference_is_a_compilation_error()
    {
        var compilation = SchemaCompiler.Compile("""{"$ref": "#/$defs/missing"}"""u8);

        Assert.False(compilation.Succeeded);
        Assert.Contains("missing", Assert.Single(compilation.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_that_breaks_its_meta_schema_is_refused_with_the_location()
    {
        var compilation = SchemaCompiler.Compile("""{"properties": {"a": {"minLength": -1}}}"""u8);

        Assert.False(compilation.Succeeded);
        Assert.Contains(compilation.Errors, e => e.SchemaLocation == "#/properties/a/minLength");
    }

    [Fact]
    public void A_document_split_across_buffers_validates_like_a_contiguous_one()
    {
        var schema = Schemas.Compile(Person);
        var bytes = Encoding.UTF8.GetBytes("""{"name":"Ada","age":36}""");
        for (var split = 1; split < bytes.Length; split++)
        {
            var sequence = Segments.Split(bytes, split);

            Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(sequence));
            Assert.True(schema.Validate(sequence).IsValid);
        }
    }
}

internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long index)
    {
        Memory = memory;
        RunningIndex = index;
    }

    public static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        var first = new Segments(bytes.AsMemory(0, at), 0);
        var second = new Segments(bytes.AsMemory(at), at);
        first.Next = second;
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }
}
