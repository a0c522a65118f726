using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Registry.Schemas.Profiles;

namespace Registry.Schemas.Tests.Profiles;

public sealed class ProfileLinterTests
{
    internal static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    internal static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static JsonObject Closed(JsonObject properties)
        => new() { ["type"] = "object", ["properties"] = properties, ["required"] = new JsonArray(properties.Select(p => (JsonNode)JsonValue.Create(p.Key)!).ToArray()), ["additionalProperties"] = false };

    private static ProfileViolation Single(ProfileLintResult result, string name)
    {
        var found = result.Violations.Where(v => v.Name == name).ToList();
        Assert.True(found.Count == 1, $"expected one {name}: {string.Join("; ", result.Violations)}");
        return found[0];
    }

    [Fact]
    public void Openai_counts_5000_properties_as_the_limit_and_reports_5001_with_limit_and_actual()
    {
        JsonObject Schema(int count)
        {
            var properties = new JsonObject();
            for (var i = 0; i < count; i++)
            {
                properties["p" + i] = new JsonObject { ["type"] = "boolean" };
            }

            return Closed(properties);
        }

        Assert.DoesNotContain(TestProfiles.Lint(Bytes(Schema(5000)), ProviderProfiles.OpenAiStrict).Violations, v => v.Name == ViolationNames.TooManyProperties);
        var violation = Single(TestProfiles.Lint(Bytes(Schema(5001)), ProviderProfiles.OpenAiStrict), ViolationNames.TooManyProperties);
        Assert.Equal(("#", "5000", "5001", ViolationEffect.Rejected), (violation.Pointer, violation.Limit, violation.Actual, violation.Effect));
    }

    [Fact]
    public void Openai_nesting_of_ten_objects_passes_and_eleven_is_reported_at_the_eleventh_object()
    {
        JsonObject Nested(int levels)
        {
            var inner = Closed(new JsonObject { ["leaf"] = new JsonObject { ["type"] = "string" } });
            for (var i = 1; i < levels; i++)
            {
                inner = Closed(new JsonObject { ["n"] = inner });
            }

            return inner;
        }

        Assert.Equal(10, TestProfiles.Lint(Bytes(Nested(10)), ProviderProfiles.OpenAiStrict).Statistics.NestingDepth);
        Assert.True(TestProfiles.Lint(Bytes(Nested(10)), ProviderProfiles.OpenAiStrict).IsClean);
        var violation = Single(TestProfiles.Lint(Bytes(Nested(11)), ProviderProfiles.OpenAiStrict), ViolationNames.NestingTooDeep);
        Assert.Equal("#" + string.Concat(Enumerable.Repeat("/properties/n", 10)), violation.Pointer);
        Assert.Equal(("10", "11"), (violation.Limit, violation.Actual));
    }

    [Fact]
    public void Nesting_follows_references_and_counts_a_recursive_definition_once()
    {
        var schema = Bytes("""
            {"type":"object","properties":{"a":{"$ref":"#/$defs/x"}},"required":["a"],"additionalProperties":false,
             "$defs":{"x":{"type":"object","properties":{"b":{"$ref":"#/$defs/x"},"c":{"type":"object","properties":{},"required":[],"additionalProperties":false}},"required":["b","c"],"additionalProperties":false}}}
            """);

        var result = TestProfiles.Lint(schema, ProviderProfiles.OpenAiStrict);

        Assert.True(result.IsClean, string.Join("; ", result.Violations));
        Assert.Equal(3, result.Statistics.NestingDepth);
        Assert.True(result.Statistics.Recursive);
    }

    [Fact]
    public void Openai_enum_values_count_across_the_schema_and_1001_is_too_many()
    {
        var values = new JsonArray(Enumerable.Range(0, 501).Select(i => (JsonNode)JsonValue.Create(i)!).ToArray());
        var schema = Closed(new JsonObject
        {
            ["a"] = new JsonObject { ["type"] = "integer", ["enum"] = values },
            ["b"] = new JsonObject { ["type"] = "integer", ["enum"] = values.DeepClone() },
        });

        var violation = Single(TestProfiles.Lint(Bytes(schema), ProviderProfiles.OpenAiStrict), ViolationNames.EnumTooLarge);

        Assert.Equal(("1000", "1002"), (violation.Limit, violation.Actual));
    }

    [Fact]
    public void Openai_a_string_enum_over_250_values_is_limited_to_15000_characters()
    {
        JsonObject Schema(int length) => Closed(new JsonObject
        {
            ["a"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(Enumerable.Range(0, 251).Select(i => (JsonNode)JsonValue.Create(i.ToString("D3") + new string('x', length - 3))!).ToArray()) },
        });

        Assert.DoesNotContain(TestProfiles.Lint(Bytes(Schema(59)), ProviderProfiles.OpenAiStrict).Violations, v => v.Name == ViolationNames.EnumStringTooLong);
        var violation = Single(TestProfiles.Lint(Bytes(Schema(60)), ProviderProfiles.OpenAiStrict), ViolationNames.EnumStringTooLong);
        Assert.Equal(("#/properties/a/enum", "15000", "15060"), (violation.Pointer, violation.Limit, violation.Actual));
    }

    [Fact]
    public void Openai_string_budget_counts_property_names_definition_names_enum_and_const_values()
    {
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["ab"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("xyz", "é") },
                ["c"] = new JsonObject { ["type"] = "string", ["const"] = "k\"q" },
                ["d"] = new JsonObject { ["$ref"] = "#/$defs/def" },
            },
            ["required"] = new JsonArray("ab", "c", "d"),
            ["additionalProperties"] = false,
            ["$defs"] = new JsonObject { ["def"] = new JsonObject { ["type"] = "integer", ["enum"] = new JsonArray(10) } },
        };

        var statistics = TestProfiles.Lint(Bytes(schema), ProviderProfiles.OpenAiStrict).Statistics;

        // names ab, c, d (4) + enum xyz, é (4) + const k"q (3) + definition name def (3) + enum 10 (2)
        Assert.Equal(16, statistics.StringCharacters);
        Assert.Equal(3, statistics.EnumValues);
        Assert.Equal(3, statistics.Properties);
    }

    [Fact]
    public void Anthropic_limits_a_schema_to_24_optional_and_16_union_typed_parameters()
    {
        var properties = new JsonObject();
        for (var i = 0; i < 25; i++)
        {
            properties["o" + i] = i < 17 ? new JsonObject { ["type"] = new JsonArray("string", "null") } : new JsonObject { ["type"] = "string" };
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false };
        var result = TestProfiles.Lint(Bytes(schema), ProviderProfiles.AnthropicStrict);

        var optional = Single(result, ViolationNames.TooManyOptionalParameters);
        var unions = Single(result, ViolationNames.TooManyUnionParameters);
        Assert.Equal(("24", "25"), (optional.Limit, optional.Actual));
        Assert.Equal(("16", "17"), (unions.Limit, unions.Actual));
    }

    [Fact]
    public void References_to_other_documents_are_followed_through_the_resolver_and_named_by_their_reference()
    {
        var resolver = new ReferenceResolver([
            new("address.json", Bytes("""{"$defs":{"street":{"type":"string","minLength":1}}}""")),
        ]);
        var schema = Bytes("""{"type":"object","properties":{"street":{"$ref":"address.json#/$defs/street"}},"additionalProperties":false}""");

        var result = TestProfiles.Lint(schema, ProviderProfiles.AnthropicStrict, resolver);

        Assert.Contains(result.Violations, v => v is { Name: ViolationNames.KeywordUnsupported, Pointer: "address.json#/$defs/street/minLength" });
        Assert.Contains(result.Violations, v => v is { Name: ViolationNames.RefExternal, Pointer: "#/properties/street/$ref" });
        Assert.DoesNotContain(result.Violations, v => v.Pointer.Contains("registry.invalid", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reference_that_leads_nowhere_is_reported_as_unresolvable()
    {
        var result = TestProfiles.Lint(Bytes("""{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"},"b":{"$ref":"nowhere.json"}}}"""), ProviderProfiles.McpTool);

        Assert.Equal(2, result.Violations.Count(v => v.Name == ViolationNames.RefUnresolvable));
        Assert.Contains(result.Violations, v => v is { Name: ViolationNames.RefUnresolvable, Pointer: "#/properties/a/$ref" });
    }

    [Fact]
    public void References_by_id_and_anchor_resolve_inside_the_document()
    {
        var schema = Bytes("""
            {"$id":"https://example.com/root.json","type":"object","properties":{"a":{"$ref":"item.json"},"b":{"$ref":"#name"}},"additionalProperties":false,
             "$defs":{"item":{"$id":"item.json","type":"string","maxLength":3},"named":{"$anchor":"name","type":"integer","minimum":2}}}
            """);

        var result = TestProfiles.Lint(schema, ProviderProfiles.AnthropicStrict);

        Assert.DoesNotContain(result.Violations, v => v.Name is ViolationNames.RefUnresolvable or ViolationNames.RefExternal);
        Assert.Contains(result.Violations, v => v is { Name: ViolationNames.KeywordUnsupported, Pointer: "#/$defs/item/maxLength" });
    }

    [Fact]
    public void A_cycle_of_references_terminates_and_is_reported_once()
    {
        var schema = Bytes("""
            {"type":"object","properties":{"a":{"$ref":"#/$defs/x"}},"additionalProperties":false,
             "$defs":{"x":{"type":"object","properties":{"y":{"$ref":"#/$defs/y"}},"additionalProperties":false},
                      "y":{"type":"object","properties":{"x":{"$ref":"#/$defs/x"}},"additionalProperties":false}}}
            """);

        var result = TestProfiles.Lint(schema, ProviderProfiles.AnthropicStrict);

        Assert.Single(result.Violations, v => v.Name == ViolationNames.RefCycle);
        Assert.True(result.Statistics.Recursive);
    }

    [Fact]
    public void Pointers_escape_slash_and_tilde_in_property_names()
    {
        var result = TestProfiles.Lint(Bytes("""{"type":"object","properties":{"a/b~c":{"type":"array"}},"required":["a/b~c"],"additionalProperties":false}"""), ProviderProfiles.OpenAiStrict);

        Assert.Equal("#/properties/a~1b~0c", Single(result, ViolationNames.ArrayItemsMissing).Pointer);
    }

    [Fact]
    public void Invalid_json_gives_an_invalid_schema_status_without_violations()
    {
        var result = TestProfiles.Lint(Bytes("""{"type": """), ProviderProfiles.OpenAiStrict);

        Assert.Equal(LintStatus.InvalidSchema, result.Status);
        Assert.False(result.IsAccepted);
        Assert.Contains("not valid JSON", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_schema_that_needs_more_steps_than_the_budget_ends_too_complex()
    {
        var properties = new JsonObject();
        for (var i = 0; i < 200; i++)
        {
            properties["p" + i] = new JsonObject { ["type"] = "string" };
        }

        var options = new ProfileLintOptions { MaxSteps = 100 };
        var result = TestProfiles.Lint(Bytes(Closed(properties)), ProviderProfiles.OpenAiStrict, options: options);

        Assert.Equal(LintStatus.TooComplex, result.Status);
        Assert.False(result.IsAccepted);
    }

    [Fact]
    public void A_hostile_reference_graph_is_bounded_by_the_budget()
    {
        // 40 definitions each referring to the next twice: exponential if references were expanded, linear here.
        var definitions = new JsonObject();
        for (var i = 0; i < 40; i++)
        {
            var next = $"#/$defs/d{i + 1}";
            definitions["d" + i] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["l"] = new JsonObject { ["$ref"] = next }, ["r"] = new JsonObject { ["$ref"] = next } }, ["additionalProperties"] = false };
        }

        definitions["d40"] = new JsonObject { ["type"] = "string" };
        var schema = new JsonObject { ["$ref"] = "#/$defs/d0", ["$defs"] = definitions };

        var result = TestProfiles.Lint(Bytes(schema), ProviderProfiles.AnthropicStrict, options: new ProfileLintOptions { MaxSteps = 20_000 });

        Assert.Equal(LintStatus.Completed, result.Status);
        Assert.Equal(40, result.Statistics.NestingDepth);
    }

    [Fact]
    public void A_cancelled_token_stops_the_lint()
    {
        var properties = new JsonObject();
        for (var i = 0; i < 3000; i++)
        {
            properties["p" + i] = new JsonObject { ["type"] = "string" };
        }

        using var source = new CancellationTokenSource();
        source.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => ProfileLinter.Lint(Bytes(Closed(properties)), ProviderProfiles.OpenAiStrict, cancellationToken: source.Token));
    }

    [Fact]
    public void Mcp_reports_a_schema_the_compiler_refuses()
    {
        var result = TestProfiles.Lint(Bytes("""{"type":"object","properties":{"a":{"type":"strin"}}}"""), ProviderProfiles.McpTool);

        Assert.NotEmpty(result.Violations);
        Assert.All(result.Violations, violation =>
        {
            Assert.Equal(ViolationNames.SchemaInvalid, violation.Name);
            Assert.StartsWith("#", violation.Pointer, StringComparison.Ordinal);
            Assert.Equal(ViolationEffect.Rejected, violation.Effect);
        });
    }

    [Fact]
    public void A_value_that_is_not_a_schema_is_reported()
    {
        var result = TestProfiles.Lint(Bytes("""{"type":"object","properties":{"a":5},"additionalProperties":false,"required":["a"]}"""), ProviderProfiles.OpenAiStrict);

        Assert.Equal("#/properties/a", Single(result, ViolationNames.SchemaInvalid).Pointer);
    }

    [Fact]
    public void The_violation_cap_keeps_the_first_violations()
    {
        var properties = new JsonObject();
        for (var i = 0; i < 50; i++)
        {
            properties["p" + i] = new JsonObject { ["type"] = "string", ["minLength"] = 1 };
        }

        var result = TestProfiles.Lint(Bytes(new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false }),
            ProviderProfiles.AnthropicStrict, options: new ProfileLintOptions { MaxViolations = 10 });

        Assert.Equal(10, result.Violations.Count);
        Assert.True(result.ViolationsDropped > 0);
        Assert.Equal("#/properties/p0/minLength", result.Violations[0].Pointer);
    }

    [Fact]
    public void Every_violation_names_a_rule_and_a_source_with_a_date()
    {
        var schema = Bytes("""{"type":"array","items":{"type":"string","format":"uri","minLength":2,"oneOf":[{"const":1}],"x":1}}""");
        foreach (var profile in ProviderProfiles.All)
        {
            foreach (var violation in TestProfiles.Lint(schema, profile).Violations)
            {
                Assert.False(string.IsNullOrWhiteSpace(violation.Rule));
                Assert.StartsWith("https://", violation.Source.Url, StringComparison.Ordinal);
                Assert.Matches("^20[0-9]{2}", violation.Source.Date);
                Assert.DoesNotContain("Registry.", violation.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void The_result_serialises_to_json_with_profile_status_violations_and_statistics()
    {
        var result = TestProfiles.Lint(Bytes("""{"type":"object","properties":{"a":{"type":"string"}}}"""), ProviderProfiles.OpenAiStrict);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            result.WriteTo(writer);
        }

        var json = JsonNode.Parse(buffer.WrittenSpan)!;

        Assert.Equal("openai-strict", json["profile"]!.GetValue<string>());
        Assert.Equal("completed", json["status"]!.GetValue<string>());
        Assert.False(json["accepted"]!.GetValue<bool>());
        var names = json["violations"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([ViolationNames.AdditionalPropertiesNotFalse, ViolationNames.PropertyNotRequired], names);
        Assert.Equal("rejected", json["violations"]![0]!["effect"]!.GetValue<string>());
        Assert.Equal(1, json["statistics"]!["properties"]!.GetValue<int>());
    }

    [Fact]
    public void Linting_twice_gives_the_same_violations_in_the_same_order()
    {
        var schema = Bytes("""{"type":"object","properties":{"b":{"type":"array"},"a":{"oneOf":[{"type":"string"}],"default":1}},"$comment":"x"}""");

        var first = TestProfiles.Lint(schema, ProviderProfiles.OpenAiStrict).Violations;
        var second = TestProfiles.Lint(schema, ProviderProfiles.OpenAiStrict).Violations;

        Assert.Equal(first, second);
        Assert.Equal(first.Select(v => v.Pointer), first.Select(v => v.Pointer));
    }

    [Fact]
    public void Draft_07_definitions_and_tuple_items_are_understood()
    {
        var schema = Bytes("""
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"a":{"$ref":"#/definitions/x"},"t":{"type":"array","items":[{"type":"string"}],"additionalItems":false}},
             "required":["a","t"],"additionalProperties":false,"definitions":{"x":{"type":"string"}}}
            """);

        var result = TestProfiles.Lint(schema, ProviderProfiles.LlamaCppGbnf);

        Assert.DoesNotContain(result.Violations, v => v.Name is ViolationNames.RefUnresolvable);
        Assert.Contains(result.Violations, v => v is { Name: ViolationNames.KeywordIgnored, Pointer: "#/properties/t/items" });
    }

    [Fact]
    public void Lint_all_checks_every_profile()
    {
        var results = TestProfiles.LintAll(Bytes("""{"type":"object","properties":{}}"""), ProviderProfiles.All);

        Assert.Equal(ProviderProfiles.All.Select(p => p.Name), results.Select(r => r.Profile.Name));
        Assert.True(results.Single(r => r.Profile.Name == "mcp-tool").IsClean);
        Assert.False(results.Single(r => r.Profile.Name == "openai-strict").IsAccepted);
    }

    [Theory]
    [InlineData("openai-strict")]
    [InlineData("OPENAI-STRICT")]
    [InlineData("gemini-json-schema")]
    public void Profiles_are_found_by_name_ignoring_case(string name)
    {
        Assert.True(ProviderProfiles.TryGet(name, out var profile));
        Assert.Equal(name.ToLowerInvariant(), profile.Name);
        Assert.False(ProviderProfiles.TryGet("openai", out _));
    }
}
