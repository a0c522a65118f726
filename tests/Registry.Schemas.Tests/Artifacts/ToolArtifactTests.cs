using System.Text;
using System.Text.Json;
using Registry.Schemas.Artifacts;
using Registry.Schemas.Compatibility;

namespace Registry.Schemas.Tests.Artifacts;

/// <summary>TOOL artifacts: reading MCP, OpenAI and Anthropic JSON into one canonical form, refusals per rule, export and back.</summary>
public sealed class ToolArtifactTests
{
    private const string Input = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    private const string Mcp = $$"""{"name":"get_weather","description":"Weather for a city","inputSchema":{{Input}}}""";

    private static ToolArtifact Parse(string json) => ToolArtifact.Parse(Encoding.UTF8.GetBytes(json));

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    [Theory]
    [InlineData(Mcp, ToolFormat.Mcp)]
    [InlineData($$$"""{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{{{Input}}}}}""", ToolFormat.OpenAi)]
    [InlineData($$"""{"type":"function","name":"get_weather","description":"Weather for a city","parameters":{{Input}},"strict":false}""", ToolFormat.OpenAi)]
    [InlineData($$"""{"name":"get_weather","description":"Weather for a city","input_schema":{{Input}}}""", ToolFormat.Anthropic)]
    public void Every_format_reads_into_the_same_canonical_form(string json, ToolFormat expected)
    {
        var tool = ToolArtifact.Parse(Encoding.UTF8.GetBytes(json), out var format);

        Assert.Equal(expected, format);
        Assert.Equal(Mcp, Text(tool.ToCanonical()));
    }

    [Theory]
    [InlineData(ToolFormat.Mcp)]
    [InlineData(ToolFormat.OpenAi)]
    [InlineData(ToolFormat.Anthropic)]
    public void Export_to_each_format_and_back_gives_the_same_canonical_tool(ToolFormat format)
    {
        var tool = Parse(Mcp);

        var exported = tool.Export(format);
        var back = ToolArtifact.Parse(exported, out var read);

        Assert.Equal(format, read);
        Assert.Equal(tool.ToCanonical(), back.ToCanonical());
        Assert.False(tool.LosesInExport(format));
    }

    public static TheoryData<string, ToolFormat> SentInEveryFormatExportedToEvery()
    {
        var data = new TheoryData<string, ToolFormat>();
        string[] sent =
        [
            Mcp,
            $$$"""{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{{{Input}}}}}""",
            $$"""{"name":"get_weather","description":"Weather for a city","input_schema":{{Input}}}""",
        ];
        foreach (var json in sent)
        {
            foreach (var format in new[] { ToolFormat.Mcp, ToolFormat.OpenAi, ToolFormat.Anthropic })
            {
                data.Add(json, format);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SentInEveryFormatExportedToEvery))]
    public void A_tool_sent_in_any_format_exported_to_any_format_reads_back_to_the_same_canonical_tool(string sent, ToolFormat format)
    {
        var tool = Parse(sent);

        var back = ToolArtifact.Parse(tool.Export(format), out var read);

        Assert.Equal(format, read);
        Assert.Equal(Mcp, Text(back.ToCanonical()));
    }

    [Fact]
    public void A_tool_with_title_output_schema_and_annotations_survives_the_mcp_round_trip_whole()
    {
        var tool = Parse("""{"name":"get_weather","title":"Weather","description":"Weather for a city","inputSchema":""" + Input
            + ""","outputSchema":{"type":"object","properties":{"t":{"type":"number"}}},"annotations":{"readOnlyHint":true}}""");

        var back = ToolArtifact.Parse(tool.Export(ToolFormat.Mcp));

        Assert.Equal(Text(tool.ToCanonical()), Text(back.ToCanonical()));
        Assert.Contains("\"outputSchema\"", Text(back.ToCanonical()), StringComparison.Ordinal);
    }

    [Fact]
    public void Exports_have_each_providers_shape()
    {
        var tool = Parse(Mcp);

        using var openAi = JsonDocument.Parse(tool.Export(ToolFormat.OpenAi));
        using var anthropic = JsonDocument.Parse(tool.Export(ToolFormat.Anthropic));

        Assert.Equal("function", openAi.RootElement.GetProperty("type").GetString());
        Assert.Equal("get_weather", openAi.RootElement.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("object", openAi.RootElement.GetProperty("function").GetProperty("parameters").GetProperty("type").GetString());
        Assert.Equal("object", anthropic.RootElement.GetProperty("input_schema").GetProperty("type").GetString());
    }

    [Fact]
    public void Title_output_schema_and_annotations_are_kept_in_mcp_and_said_lost_elsewhere()
    {
        var tool = Parse($$$"""{"name":"get_weather","title":"Weather","inputSchema":{{{Input}}},"outputSchema":{"type":"object"},"annotations":{"readOnlyHint":true}}""");

        Assert.Equal("Weather", tool.Title);
        Assert.Equal("""{"readOnlyHint":true}""", Encoding.UTF8.GetString(tool.Annotations!.Value.Span));
        Assert.Contains("\"outputSchema\":{\"type\":\"object\"}", Text(tool.ToCanonical()), StringComparison.Ordinal);
        Assert.True(tool.LosesInExport(ToolFormat.OpenAi));
        Assert.DoesNotContain("outputSchema", Text(tool.Export(ToolFormat.Anthropic)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"description":"x","inputSchema":{"type":"object"}}""", "#/name", "required")]
    [InlineData("""{"name":"has space","inputSchema":{"type":"object"}}""", "#/name", "not a valid tool name")]
    [InlineData("""{"name":"t","inputSchema":{"type":"object"},"extra":1}""", "#/extra", "unknown member")]
    [InlineData("""{"name":"t"}""", "#/inputSchema", "required")]
    [InlineData("""{"name":"t","inputSchema":{"type":"string"}}""", "#/inputSchema/type", "\"type\": \"object\"")]
    [InlineData("""{"name":"t","inputSchema":{"properties":{}}}""", "#/inputSchema/type", "\"type\": \"object\"")]
    [InlineData("""{"name":"t","inputSchema":{"type":"object","properties":{"a":{"type":"strng"}}}}""", "#/inputSchema/properties/a", "strng")]
    [InlineData("""{"name":"t","inputSchema":{"type":"object"},"outputSchema":{"type":"array"}}""", "#/outputSchema/type", "\"type\": \"object\"")]
    [InlineData("""{"name":"t","inputSchema":{"type":"object"},"annotations":[]}""", "#/annotations", "object")]
    [InlineData("""{"name":7,"inputSchema":{"type":"object"}}""", "#/name", "string")]
    [InlineData("""{"type":"function","function":{"name":"t","parameters":{"type":"object"},"params":1}}""", "#/function/params", "unknown member")]
    [InlineData("""{"name":"t","input_schema":"{}"}""", "#/input_schema", "object")]
    public void A_malformed_tool_is_refused_with_the_place_and_the_rule(string json, string pointer, string words)
    {
        var e = Assert.Throws<ToolDefinitionException>(() => Parse(json));

        Assert.Contains(e.Problems, p => p.Pointer.StartsWith(pointer, StringComparison.Ordinal) && p.Message.Contains(words, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("\"tool\"")]
    public void Something_that_is_not_a_tool_object_is_refused(string json)
    {
        Assert.Throws<ToolDefinitionException>(() => Parse(json));
    }

    [Fact]
    public void A_tool_that_is_not_json_is_refused_with_the_place_in_a_persons_words_not_the_parsers()
    {
        var e = Assert.Throws<ToolDefinitionException>(() => Parse("{\"name\":\"t\",\n \"inputSchema\": nope}"));

        Assert.Contains("(at line 2, byte ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_name_rule_is_the_mcp_profiles()
    {
        Assert.Same(Registry.Schemas.Profiles.ProviderProfiles.McpTool.ToolNames, ToolArtifact.NameRule);
        Assert.Equal("a.b-c_d", Parse("""{"name":"a.b-c_d","inputSchema":{"type":"object"}}""").Name);
        Assert.Throws<ToolDefinitionException>(() => Parse($$$"""{"name":"{{{new string('a', 129)}}}","inputSchema":{"type":"object"}}"""));
    }
}

/// <summary>
/// TOOL compatibility, one row per rule with the arguments or result that prove an incompatible verdict: arguments
/// the old version accepted must stay valid, results must stay readable by the old caller, a rename breaks.
/// </summary>
public sealed class ToolCompatibilityTests
{
    private static ToolArtifact Tool(string input, string? output = null, string name = "get_weather", string description = "Weather") =>
        ToolArtifact.Parse(Encoding.UTF8.GetBytes(
            $$"""{"name":"{{name}}","description":"{{description}}","inputSchema":{{input}}{{(output is null ? "" : ",\"outputSchema\":" + output)}}}"""));

    private const string CityInput = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    private const string ClosedCity = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";

    private static CompatibilityResult Check(ToolArtifact old, ToolArtifact newer, CompatibilityLevel level = CompatibilityLevel.Backward) =>
        ToolCompatibility.Check(newer, [old], level, CompatibilityPolicy.Strict);

    public static TheoryData<string, string?, string, string?, bool, string?, string?> Table => new()
    {
        // old input, old output, new input, new output, compatible, a difference expected, the document proving a break
        // A new optional argument in a closed schema: every old argument object stays valid.
        { ClosedCity, null, """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"],"additionalProperties":false}""", null, true, "#/inputSchema", null },
        // The same in an open schema is a break: {"city":"Oslo","unit":5} was valid (unit was unconstrained) and is not any more.
        { CityInput, null, """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}""", null, false, "#/inputSchema", """{"city":"Oslo","unit":5}""" },
        // A new required argument: {"city":"Oslo"} was valid and is not any more.
        { CityInput, null, """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city","unit"]}""", null, false, "#/inputSchema", """{"city":"Oslo"}""" },
        // A narrowed argument type: {"city":"Oslo"} is no longer valid.
        { CityInput, null, """{"type":"object","properties":{"city":{"type":"integer"}},"required":["city"]}""", null, false, "#/inputSchema/properties/city", """{"city":"Oslo"}""" },
        // A result that gains an optional member in an open schema is still readable.
        { CityInput, """{"type":"object","properties":{"t":{"type":"number"}}}""", CityInput, """{"type":"object","properties":{"t":{"type":"number"},"wind":{"type":"number"}}}""", true, null, null },
        // A result member widened from integer to number: the old caller's reader refuses {"t":1.5}.
        { CityInput, """{"type":"object","properties":{"t":{"type":"integer"}}}""", CityInput, """{"type":"object","properties":{"t":{"type":"number"}}}""", false, "#/outputSchema/properties/t", """{"t":1.5}""" },
        // The output schema removed.
        { CityInput, """{"type":"object"}""", CityInput, null, false, "#/outputSchema", null },
        // An output schema added.
        { CityInput, null, CityInput, """{"type":"object"}""", true, "#/outputSchema", null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Input_is_checked_backward_and_output_forward(string oldInput, string? oldOutput, string newInput, string? newOutput, bool compatible, string? location, string? proof)
    {
        var old = Tool(oldInput, oldOutput);
        var newer = Tool(newInput, newOutput);

        var result = Check(old, newer);

        Assert.Equal(compatible, result.IsCompatible);
        if (location is not null)
        {
            Assert.Contains(result.Differences, d => d.Location.StartsWith(location, StringComparison.Ordinal));
        }

        if (proof is not null)
        {
            // The proving document is valid for the old version's schema and invalid for the new one's.
            var isInput = location!.StartsWith("#/inputSchema", StringComparison.Ordinal);
            var oldSchema = isInput ? old.InputSchema : old.OutputSchema!.Value;
            var newSchema = isInput ? newer.InputSchema : newer.OutputSchema!.Value;
            var document = Encoding.UTF8.GetBytes(proof);
            var validForOld = Registry.Schemas.Validation.SchemaCompiler.Compile(oldSchema.Span).Schema!.Validate(document).IsValid;
            var validForNew = Registry.Schemas.Validation.SchemaCompiler.Compile(newSchema.Span).Schema!.Validate(document).IsValid;
            Assert.Equal(isInput ? (true, false) : (false, true), (validForOld, validForNew));
        }
    }

    [Fact]
    public void A_widened_output_is_remedied_in_the_tools_terms_not_by_checking_another_direction()
    {
        var old = Tool(CityInput, """{"type":"object","properties":{"t":{"type":"integer"}}}""");
        var newer = Tool(CityInput, """{"type":"object","properties":{"t":{"type":"number"}}}""");

        var difference = Assert.Single(Check(old, newer).Differences, d => !d.IsCompatible);

        Assert.StartsWith("#/outputSchema", difference.Location, StringComparison.Ordinal);
        Assert.StartsWith("callers written for the earlier output schema", difference.Remedy, StringComparison.Ordinal);
        Assert.DoesNotContain("BACKWARD", difference.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rename_is_breaking()
    {
        var result = Check(Tool(CityInput), Tool(CityInput, name: "weather_now"));

        Assert.False(result.IsCompatible);
        Assert.Contains(result.Differences, d => d.Name == ToolCompatibility.Renamed && !d.IsCompatible);
        Assert.Equal(VersionBump.Major, result.SuggestedBump);
    }

    [Fact]
    public void A_description_only_change_is_a_patch()
    {
        var result = Check(Tool(CityInput), Tool(CityInput, description: "Current weather for a city"));

        Assert.True(result.IsCompatible);
        Assert.Equal([ToolCompatibility.DescriptionChanged], result.Differences.Select(d => d.Name));
        Assert.Equal(VersionBump.Patch, result.SuggestedBump);
    }

    [Fact]
    public void Level_none_reports_but_refuses_nothing_and_transitive_levels_compare_every_version()
    {
        var v1 = Tool(CityInput);
        var v2 = Tool(CityInput, description: "two");
        var renamed = Tool(CityInput, name: "other");

        var none = ToolCompatibility.Check(renamed, [v1], CompatibilityLevel.None, CompatibilityPolicy.Strict);
        var transitive = ToolCompatibility.Check(renamed, [v1, v2], CompatibilityLevel.BackwardTransitive, CompatibilityPolicy.Strict);

        Assert.True(none.IsCompatible);
        Assert.Equal(VersionBump.Major, none.SuggestedBump);
        Assert.Equal([0, 1], transitive.Differences.Where(d => d.Name == ToolCompatibility.Renamed).Select(d => d.EarlierVersionIndex));
    }
}
