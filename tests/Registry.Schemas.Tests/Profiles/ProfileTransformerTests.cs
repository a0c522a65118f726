using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Registry.Schemas.Profiles;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Profiles;

public sealed class ProfileTransformerTests
{
    private static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    private static ProfileTransformResult Transform(string schema, Profile profile, ReferenceResolver? resolver = null)
    {
        var result = TestProfiles.Transform(Bytes(schema), profile, resolver);
        Assert.Equal(LintStatus.Completed, result.Status);
        return result;
    }

    private static void AssertJson(string expected, byte[]? actual)
    {
        Assert.NotNull(actual);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}{Environment.NewLine}actual   {Encoding.UTF8.GetString(actual)}");
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), JsonNode.Parse(actual)!.ToJsonString()); // key order too
    }

    [Fact]
    public void Openai_closes_objects_requires_every_property_makes_optional_ones_nullable_and_turns_oneOf_into_anyOf()
    {
        var result = Transform("""
            {"type":"object","properties":{"name":{"type":"string","description":"Name"},"age":{"type":"integer","minimum":0},
             "kind":{"oneOf":[{"const":"a"},{"const":"b"}]},"meta":{"type":"object","properties":{"k":{"type":"string"}}}},"required":["name"]}
            """, ProviderProfiles.OpenAiStrict);

        AssertJson("""
            {"type":"object","properties":{"name":{"type":"string","description":"Name"},"age":{"type":["integer","null"],"minimum":0},
             "kind":{"anyOf":[{"const":"a"},{"const":"b"},{"type":"null"}]},
             "meta":{"type":["object","null"],"properties":{"k":{"type":["string","null"]}},"required":["k"],"additionalProperties":false}},
             "required":["name","age","kind","meta"],"additionalProperties":false}
            """, result.Schema);
        Assert.True(result.OutputLint!.IsClean, string.Join("; ", result.OutputLint.Violations));
        Assert.True(result.IsAccepted);
        var changes = result.Changes.Select(c => $"{c.Name} {c.Pointer}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal([
            "OBJECT_CLOSED #/additionalProperties",
            "OBJECT_CLOSED #/properties/meta/additionalProperties",
            "ONE_OF_TO_ANY_OF #/properties/kind/oneOf",
            "PROPERTY_MADE_REQUIRED #/properties/age",
            "PROPERTY_MADE_REQUIRED #/properties/kind",
            "PROPERTY_MADE_REQUIRED #/properties/meta",
            "PROPERTY_MADE_REQUIRED #/properties/meta/properties/k",
        ], changes);
        Assert.Equal(["ONE_OF_TO_ANY_OF"], result.LostConstraints.Select(c => c.Name));
        Assert.False(result.InputLint!.IsAccepted);
    }

    [Fact]
    public void Openai_moves_unsupported_constraints_into_the_description_and_reports_them_lost()
    {
        var result = Transform("""{"type":"object","properties":{"a":{"type":"string","description":"A","not":{"const":"x"}}},"required":["a"],"additionalProperties":false}""",
            ProviderProfiles.OpenAiStrict);

        AssertJson("""{"type":"object","properties":{"a":{"type":"string","description":"A\n\nNot enforced during generation: not: {\"const\":\"x\"}"}},"required":["a"],"additionalProperties":false}""",
            result.Schema);
        var lost = Assert.Single(result.LostConstraints);
        Assert.Equal((TransformChangeNames.ConstraintMovedToDescription, "#/properties/a", "not", """{"const":"x"}"""), (lost.Name, lost.Pointer, lost.Keyword, lost.Value));
    }

    [Fact]
    public void Openai_merges_allOf_and_inlines_a_reference_that_has_siblings()
    {
        var result = Transform("""
            {"type":"object","properties":{"a":{"allOf":[{"type":"object","properties":{"x":{"type":"string"}}},{"required":["x"]}]},
             "b":{"$ref":"#/$defs/s","description":"B"}},"required":["a","b"],"additionalProperties":false,"$defs":{"s":{"type":"string","maxLength":3}}}
            """, ProviderProfiles.OpenAiStrict);

        AssertJson("""
            {"type":"object","properties":{"a":{"type":"object","properties":{"x":{"type":"string"}},"required":["x"],"additionalProperties":false},
             "b":{"type":"string","maxLength":3,"description":"B"}},"required":["a","b"],"additionalProperties":false}
            """, result.Schema);
        Assert.Contains(result.Changes, c => c is { Name: TransformChangeNames.AllOfMerged, Pointer: "#/properties/a/allOf" });
        Assert.Contains(result.Changes, c => c is { Name: TransformChangeNames.RefInlined, Pointer: "#/properties/b/$ref" });
        Assert.True(result.OutputLint!.IsClean, string.Join("; ", result.OutputLint.Violations));
    }

    [Fact]
    public void Openai_keeps_recursion_through_the_root_and_hoists_other_documents_into_defs()
    {
        var resolver = new ReferenceResolver([new("address.json", Bytes("""{"type":"object","properties":{"s":{"type":"string"}},"required":["s"],"additionalProperties":false}"""))]);

        var result = Transform("""
            {"type":"object","properties":{"home":{"$ref":"address.json"},"children":{"type":"array","items":{"$ref":"#"}}},"required":["home","children"],"additionalProperties":false}
            """, ProviderProfiles.OpenAiStrict, resolver);

        AssertJson("""
            {"type":"object","properties":{"home":{"$ref":"#/$defs/address.json"},"children":{"type":"array","items":{"$ref":"#"}}},"required":["home","children"],"additionalProperties":false,
             "$defs":{"address.json":{"type":"object","properties":{"s":{"type":"string"}},"required":["s"],"additionalProperties":false}}}
            """, result.Schema);
        Assert.Contains(result.Changes, c => c is { Name: TransformChangeNames.RefRewritten, Pointer: "#/properties/home/$ref" });
        Assert.True(result.OutputLint!.IsClean, string.Join("; ", result.OutputLint.Violations));
    }

    [Fact]
    public void Anthropic_unrolls_recursion_three_levels_and_drops_the_optional_property_where_it_is_cut()
    {
        var result = Transform("""{"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#"}},"required":["v"],"additionalProperties":false}""",
            ProviderProfiles.AnthropicStrict);

        const string Leaf = """{"type":"object","properties":{"v":{"type":"integer"}},"required":["v"],"additionalProperties":false}""";
        var expected = Leaf;
        for (var i = 0; i < 3; i++)
        {
            expected = """{"type":"object","properties":{"v":{"type":"integer"},"next":""" + expected + """},"required":["v"],"additionalProperties":false}""";
        }

        AssertJson(expected, result.Schema);
        var unrolled = Assert.Single(result.Changes, c => c.Name == TransformChangeNames.RecursionUnrolled);
        Assert.True(unrolled.ConstraintLost);
        Assert.Equal("#/properties/next/$ref", unrolled.Pointer);
        Assert.True(result.OutputLint!.IsClean, string.Join("; ", result.OutputLint.Violations));
    }

    [Fact]
    public void Anthropic_keeps_not_empty_for_minItems_above_one_and_describes_numeric_bounds()
    {
        var result = Transform("""{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer","minimum":1},"minItems":3}},"additionalProperties":false}""",
            ProviderProfiles.AnthropicStrict);

        AssertJson("""
            {"type":"object","properties":{"a":{"type":"array","items":{"type":"integer","description":"Not enforced during generation: minimum: 1"},"minItems":1,
             "description":"Not enforced during generation: minItems: 3"}},"additionalProperties":false}
            """, result.Schema);
        Assert.Equal(["#/properties/a", "#/properties/a/items"], result.LostConstraints.Select(c => c.Pointer).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Gemini_splits_type_arrays_inlines_references_turns_const_into_enum_and_makes_integer_bounds_inclusive()
    {
        var result = Transform("""
            {"type":"object","properties":{"a":{"type":["string","null"]},"b":{"$ref":"#/$defs/x"},"c":{"const":"k"},"d":{"type":"integer","exclusiveMinimum":0},
             "e":{"type":["string","integer"],"minLength":2,"minimum":1}},"additionalProperties":false,"$defs":{"x":{"type":"string","format":"email"}}}
            """, ProviderProfiles.Gemini);

        AssertJson("""
            {"type":"object","properties":{"a":{"type":"string","nullable":true},"b":{"type":"string","description":"Not enforced during generation: format: \"email\""},
             "c":{"enum":["k"]},"d":{"type":"integer","minimum":1},"e":{"anyOf":[{"type":"string","minLength":2},{"type":"integer","minimum":1}]}},
             "description":"Not enforced during generation: additionalProperties: false"}
            """, result.Schema);
        Assert.True(result.OutputLint!.IsClean, string.Join("; ", result.OutputLint.Violations));
        Assert.Equal(["additionalProperties", "format"], result.LostConstraints.Select(c => c.Keyword!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Llama_cpp_copies_the_root_into_defs_for_recursion_and_describes_an_unanchored_pattern()
    {
        var result = Transform("""{"type":"object","properties":{"name":{"type":"string","pattern":"abc"},"child":{"$ref":"#"}}}""", ProviderProfiles.LlamaCppGbnf);

        const string Body = """
            "properties":{"name":{"type":"string","description":"Not enforced during generation: pattern: \"abc\""},"child":{"$ref":"#/$defs/root"}}
            """;
        AssertJson("{\"type\":\"object\"," + Body + ",\"$defs\":{\"root\":{\"type\":\"object\"," + Body + "}}}", result.Schema);
        Assert.True(result.OutputLint!.IsClean, string.Join("; ", result.OutputLint.Violations));
    }

    [Fact]
    public void Vllm_copies_the_keywords_beside_anyOf_into_each_branch()
    {
        var result = Transform("""{"type":"object","properties":{"a":{"anyOf":[{"type":"integer"},{"type":"number"}],"minimum":1}}}""", ProviderProfiles.VllmXgrammar);

        AssertJson("""{"type":"object","properties":{"a":{"anyOf":[{"type":"integer","minimum":1},{"type":"number","minimum":1}]}}}""", result.Schema);
        Assert.Empty(result.LostConstraints);
        Assert.True(result.OutputLint!.IsClean, string.Join("; ", result.OutputLint.Violations));
    }

    [Fact]
    public void Mcp_leaves_a_valid_tool_schema_unchanged()
    {
        const string Schema = """{"type":"object","properties":{"q":{"type":"string","minLength":1},"n":{"oneOf":[{"type":"integer"},{"type":"null"}]}},"required":["q"]}""";

        var result = Transform(Schema, ProviderProfiles.McpTool);

        AssertJson(Schema, result.Schema);
        Assert.Empty(result.Changes);
    }

    [Fact]
    public void Transforming_twice_gives_identical_bytes()
    {
        const string Schema = """
            {"type":"object","properties":{"a":{"oneOf":[{"type":"string","maxLength":3},{"$ref":"#/$defs/n"}]},"b":{"type":["integer","null"],"exclusiveMaximum":9},
             "c":{"allOf":[{"properties":{"x":{"type":"boolean"}}},{"required":["x"]}]}},"$defs":{"n":{"type":"number","multipleOf":0.5}}}
            """;
        foreach (var profile in ProviderProfiles.All)
        {
            var first = TestProfiles.Transform(Bytes(Schema), profile);
            var second = TestProfiles.Transform(Bytes(Schema), profile);

            Assert.Equal(first.Schema, second.Schema);
            Assert.Equal(first.Changes, second.Changes);
        }
    }

    [Fact]
    public void A_schema_with_an_unresolvable_reference_or_invalid_json_is_not_transformed()
    {
        var unresolvable = TestProfiles.Transform(Bytes("""{"type":"object","properties":{"a":{"$ref":"#/nowhere"}}}"""), ProviderProfiles.OpenAiStrict);
        var invalid = TestProfiles.Transform(Bytes("""{"type":"object","""), ProviderProfiles.OpenAiStrict);

        Assert.Equal((LintStatus.InvalidSchema, (byte[]?)null), (unresolvable.Status, unresolvable.Schema));
        Assert.Contains("#/properties/a/$ref", unresolvable.Error, StringComparison.Ordinal);
        Assert.Equal(LintStatus.InvalidSchema, invalid.Status);
    }

    [Fact]
    public void A_transform_over_the_step_budget_ends_too_complex()
    {
        var options = new ProfileTransformOptions { Lint = new ProfileLintOptions { MaxSteps = 10 } };

        var result = TestProfiles.Transform(Bytes("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"},"c":{"type":"string"},"d":{"type":"string"}}}"""),
            ProviderProfiles.OpenAiStrict, options: options);

        Assert.Equal(LintStatus.TooComplex, result.Status);
    }

    [Fact]
    public void The_output_mapper_reads_null_as_absent_and_the_original_enforces_what_the_provider_did_not()
    {
        var original = Bytes("""{"type":"object","properties":{"a":{"type":"string","not":{"const":"bad"}},"b":{"type":"integer"}},"required":["a"]}""");
        var compiled = SchemaCompiler.Compile(original).Schema!;
        var mapper = TestProfiles.Mapper(original, ProviderProfiles.OpenAiStrict);

        Assert.True(mapper.ChangesShape);
        Assert.Equal(ValidationOutcome.Valid, mapper.Evaluate(compiled, Bytes("""{"a":"ok","b":null}""")));
        Assert.Equal(ValidationOutcome.Invalid, compiled.Evaluate(Bytes("""{"a":"ok","b":null}""")));
        Assert.Equal(ValidationOutcome.Invalid, mapper.Evaluate(compiled, Bytes("""{"a":"bad","b":null}""")));
        Assert.Equal(ValidationOutcome.Invalid, mapper.Evaluate(compiled, Bytes("""{"a":"ok","b":"x"}""")));
        Assert.Equal(ValidationOutcome.MalformedJson, mapper.Evaluate(compiled, Bytes("""{"a":""")));
        Assert.True(mapper.TryToOriginalShape(Bytes("""{"a":"ok","b":null}"""), out var document));
        Assert.Equal("""{"a":"ok"}""", Encoding.UTF8.GetString(document));
        Assert.True(mapper.TryToProfileShape(Bytes("""{"a":"ok"}"""), out var shaped));
        Assert.Equal("""{"a":"ok","b":null}""", Encoding.UTF8.GetString(shaped));
        Assert.False(mapper.TryToProfileShape(Bytes("""{"a":"ok","b":null}"""), out _));
    }

    [Fact]
    public void The_output_mapper_is_the_identity_for_profiles_that_keep_the_shape()
    {
        var mapper = TestProfiles.Mapper(Bytes("""{"type":"object","properties":{"b":{"type":"integer"}}}"""), ProviderProfiles.AnthropicStrict);

        Assert.False(mapper.ChangesShape);
        Assert.True(mapper.TryToOriginalShape(Bytes("""{"b":null}"""), out var document));
        Assert.Equal("""{"b":null}""", Encoding.UTF8.GetString(document));
    }

    [Fact]
    public void The_result_serialises_with_schema_changes_and_remaining_violations()
    {
        var result = Transform("""{"type":"string","minLength":2}""", ProviderProfiles.OpenAiStrict);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            result.WriteTo(writer);
        }

        var json = JsonNode.Parse(buffer.WrittenSpan)!;

        Assert.Equal("completed", json["status"]!.GetValue<string>());
        Assert.False(json["accepted"]!.GetValue<bool>());
        Assert.Equal("string", json["schema"]!["type"]!.GetValue<string>());
        Assert.Equal(ViolationNames.RootNotObject, json["remainingViolations"]![0]!["name"]!.GetValue<string>());
    }
}
