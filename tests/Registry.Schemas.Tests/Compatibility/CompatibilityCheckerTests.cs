using Registry.Schemas.Compatibility;

namespace Registry.Schemas.Tests.Compatibility;

public sealed class CompatibilityCheckerTests
{
    [Fact]
    public void Narrowing_a_property_type_is_incompatible_backward_and_named_at_the_property()
    {
        var result = Compat.Check(
            """{"type":"object","properties":{"age":{"type":"number"}}}""",
            """{"type":"object","properties":{"age":{"type":"integer"}}}""");

        Assert.False(result.IsCompatible, Compat.Describe(result));
        var difference = Assert.Single(result.Differences);
        Assert.Equal("TYPE_NARROWED", difference.Name);
        Assert.Equal("#/properties/age/type", difference.Location);
        Assert.Equal(VersionBump.Major, result.SuggestedBump);
    }

    [Fact]
    public void Widening_integer_to_number_is_compatible_backward_and_a_minor_bump()
    {
        var result = Compat.Check("""{"type":"integer"}""", """{"type":"number"}""");

        Assert.True(result.IsCompatible, Compat.Describe(result));
        Assert.Equal("TYPE_EXTENDED", Assert.Single(result.Differences).Name);
        Assert.Equal(VersionBump.Minor, result.SuggestedBump);
    }

    [Fact]
    public void Forward_is_backward_with_the_arguments_swapped()
    {
        var forward = Compat.Check("""{"type":"integer"}""", """{"type":"number"}""", CompatibilityLevel.Forward);

        Assert.False(forward.IsCompatible, Compat.Describe(forward));
    }

    [Fact]
    public void Title_change_only_suggests_a_patch()
    {
        var result = Compat.Check("""{"title":"A","type":"string"}""", """{"title":"B","type":"string"}""", CompatibilityLevel.Full);

        Assert.True(result.IsCompatible);
        Assert.Equal("TITLE_CHANGED", Assert.Single(result.Differences).Name);
        Assert.Equal(VersionBump.Patch, result.SuggestedBump);
    }

    [Fact]
    public void Adding_a_required_property_is_incompatible_and_points_into_required()
    {
        var result = Compat.Check(
            """{"type":"object","properties":{"a":{},"b":{}},"required":["a"],"additionalProperties":false}""",
            """{"type":"object","properties":{"a":{},"b":{}},"required":["a","b"],"additionalProperties":false}""");

        Assert.False(result.IsCompatible);
        var difference = Assert.Single(result.Differences);
        Assert.Equal("REQUIRED_ATTRIBUTE_ADDED", difference.Name);
        Assert.Equal("#/required/1", difference.Location);
    }

    [Fact]
    public void Adding_an_optional_property_to_an_open_model_depends_on_the_policy()
    {
        const string old = """{"type":"object","properties":{"a":{"type":"string"}}}""";
        const string @new = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}""";

        var strict = Compat.Check(old, @new);
        var lenient = Compat.Check(old, @new, policy: CompatibilityPolicy.Lenient);

        Assert.False(strict.IsCompatible, Compat.Describe(strict));
        Assert.True(lenient.IsCompatible, Compat.Describe(lenient));
        Assert.Equal("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", Assert.Single(strict.Differences).Name);
    }

    [Fact]
    public void Adding_an_optional_property_to_a_closed_model_is_compatible_backward_not_forward()
    {
        const string old = """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}""";
        const string @new = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":false}""";

        Assert.True(Compat.Check(old, @new).IsCompatible);
        Assert.False(Compat.Check(old, @new, CompatibilityLevel.Forward).IsCompatible);
    }

    [Fact]
    public void Recursive_schemas_terminate()
    {
        const string tree = """{"$defs":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/node"}},"name":{"type":"string","maxLength":10}}}},"$ref":"#/$defs/node"}""";
        const string wider = """{"$defs":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/node"}},"name":{"type":"string","maxLength":20}}}},"$ref":"#/$defs/node"}""";

        var result = Compat.Check(tree, wider, CompatibilityLevel.Full);

        Assert.False(result.IsCompatible);
        Assert.Equal("MAX_LENGTH_INCREASED", Assert.Single(result.Differences).Name);
        Assert.True(Compat.Check(tree, wider).IsCompatible);
    }
}

public sealed class CompatibilityLimitsTests
{
    private static string Nested(int depth, string leaf)
    {
        var schema = leaf;
        for (var i = 0; i < depth; i++)
        {
            schema = $$"""{"type":"object","properties":{"p":{{schema}}},"required":["p"]}""";
        }

        return schema;
    }

    [Fact]
    public void A_change_at_the_bottom_of_a_deeply_nested_schema_is_found_without_exhausting_the_stack()
    {
        var result = Compat.Check(Nested(120, """{"type":"string","maxLength":5}"""), Nested(120, """{"type":"string","maxLength":3}"""), CompatibilityLevel.Full);

        Assert.False(result.IsCompatible);
        var difference = Assert.Single(result.Differences);
        Assert.Equal("MAX_LENGTH_DECREASED", difference.Name);
        Assert.EndsWith("/p/maxLength", difference.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_of_references_longer_than_the_nesting_limit_is_too_complex_instead_of_overflowing_the_stack()
    {
        static string Chain(int length, string leaf)
        {
            var definitions = new System.Text.StringBuilder();
            for (var i = 0; i < length; i++)
            {
                definitions.Append("\"d").Append(i).Append("\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/$defs/d").Append(i + 1).Append("\"}}},");
            }

            definitions.Append("\"d").Append(length).Append("\":").Append(leaf);
            return "{\"$defs\":{" + definitions + "},\"$ref\":\"#/$defs/d0\"}";
        }

        var error = Assert.Throws<TooComplexException>(() => Compat.Check(Chain(2000, """{"type":"string"}"""), Chain(2000, """{"type":"string","maxLength":1}""")));

        Assert.Equal(WorkResource.Comparisons, error.Resource);
        Assert.StartsWith("Comparing the schemas needs more than 400 levels of nested comparisons", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_nested_deeper_than_the_limit_is_refused_as_bad_input()
    {
        var error = Assert.Throws<InvalidSchemaException>(() => Compat.Check("{}", Nested(300, "{}")));

        Assert.Equal(-1, error.SchemaIndex);
    }

    [Fact]
    public void The_comparison_limit_bounds_the_work_and_ends_as_too_complex_not_as_a_verdict()
    {
        var error = Assert.Throws<TooComplexException>(() => Compat.Check(Nested(50, """{"type":"string"}"""), Nested(50, """{"type":"string","title":"x"}"""),
            options: new CompatibilityOptions { MaxComparisons = 10 }));

        Assert.Equal(WorkResource.Comparisons, error.Resource);
        Assert.StartsWith("Comparing the schemas needs more than 10 comparisons of subschemas", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_schemas_within_the_comparison_limit_get_a_verdict()
    {
        var result = Compat.Check(Nested(50, """{"type":"string"}"""), Nested(50, """{"type":"string","title":"x"}"""));

        Assert.True(result.IsCompatible);
    }

    [Theory]
    [InlineData("""{"type": 5}""", "#/type")]
    [InlineData("""{"properties": []}""", "#/properties")]
    [InlineData("""{"properties": {"a": {"minLength": -1}}}""", "#/properties/a/minLength")]
    [InlineData("""{"$ref": "#/definitions/missing"}""", "#/$ref")]
    [InlineData("""{"$ref": "https://example.com/elsewhere.json"}""", "#/$ref")]
    [InlineData("""[]""", "#")]
    [InlineData("""{"type": "string",""", "#")]
    public void Bad_schemas_are_refused_with_the_location_and_which_schema(string bad, string location)
    {
        var error = Assert.Throws<InvalidSchemaException>(() => Compat.CheckAll("{}", CompatibilityLevel.Backward, "{}", bad));

        Assert.Equal(location, error.Location);
        Assert.Equal(1, error.SchemaIndex);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
    }

    [Fact]
    public void References_to_other_documents_resolve_through_the_resolver()
    {
        var resolver = new DictionaryResolver(new Dictionary<string, string>
        {
            ["https://example.com/address.json"] = """{"type":"object","properties":{"zip":{"type":"string","maxLength":10}}}""",
        });
        const string old = """{"$id":"https://example.com/person.json","properties":{"home":{"$ref":"address.json"}}}""";
        const string @new = """{"$id":"https://example.com/person.json","properties":{"home":{"$ref":"address.json"},"work":{"$ref":"address.json"}},"additionalProperties":false}""";

        var result = CompatibilityChecker.Check(System.Text.Encoding.UTF8.GetBytes(@new), [System.Text.Encoding.UTF8.GetBytes(old)],
            CompatibilityLevel.Forward, CompatibilityPolicy.Strict, resolver);

        Assert.True(result.IsCompatible, Compat.Describe(result));
        Assert.Contains(result.Differences, d => d.Name == DifferenceNames.PropertyAddedToOpenContentModel && d.Location == "#/properties/work");
    }

    private sealed class DictionaryResolver(Dictionary<string, string> documents) : global::Registry.Schemas.Validation.ISchemaResolver
    {
        public bool TryResolve(Uri documentUri, out ReadOnlyMemory<byte> utf8Schema)
        {
            var found = documents.TryGetValue(documentUri.AbsoluteUri, out var text);
            utf8Schema = found ? System.Text.Encoding.UTF8.GetBytes(text!) : default;
            return found;
        }
    }
}

public sealed class CompatibilityRegistryReferenceTests
{
    [Fact]
    public void Reference_names_resolve_through_the_registry_resolver_as_for_the_validator()
    {
        var resolver = new global::Registry.Schemas.ReferenceResolver(
        [
            new KeyValuePair<string, ReadOnlyMemory<byte>>("address.json", System.Text.Encoding.UTF8.GetBytes("""{"type":"object","properties":{"zip":{"type":"string"}}}""")),
        ]);
        var old = System.Text.Encoding.UTF8.GetBytes("""{"type":"object","properties":{"home":{"$ref":"address.json"},"name":{"type":"string","maxLength":10}}}""");
        var @new = System.Text.Encoding.UTF8.GetBytes("""{"type":"object","properties":{"home":{"$ref":"address.json"},"name":{"type":"string","maxLength":5}}}""");

        var result = CompatibilityChecker.Check(@new, [old], CompatibilityLevel.Backward, CompatibilityPolicy.Strict, resolver);

        Assert.False(result.IsCompatible);
        Assert.Equal("MAX_LENGTH_DECREASED #/properties/name/maxLength", $"{result.Differences.Single().Name} {result.Differences.Single().Location}");
        Assert.True(global::Registry.Schemas.Validation.SchemaCompiler.Compile(old, new() { Resolver = resolver, BaseUri = global::Registry.Schemas.ReferenceResolver.BaseUri }).Succeeded);
    }
}
