using System.Text;
using System.Text.Json.Nodes;
using Registry.Schemas.Profiles;
using Registry.Schemas.Profiles.Tools;

namespace Registry.Schemas.Tests.Profiles;

public sealed class ToolSetTests
{
    private static ToolDefinition Tool(string name, string schema, bool strict = true, string? description = "does things")
        => new(name, description, Encoding.UTF8.GetBytes(schema), strict);

    private static string OptionalProperties(int count, int unions = 0)
    {
        var properties = new JsonObject();
        for (var i = 0; i < count; i++)
        {
            properties["p" + i] = i < unions ? new JsonObject { ["type"] = new JsonArray("string", "null") } : new JsonObject { ["type"] = "string" };
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false }.ToJsonString();
    }

    [Fact]
    public void Anthropic_counts_optional_parameters_across_the_strict_tools_of_a_request()
    {
        // 4 strict tools with 6 optional parameters each reach the limit of 24 (the documentation's own example); a fifth tips it.
        var tools = Enumerable.Range(0, 4).Select(i => Tool("tool_" + i, OptionalProperties(6))).ToList();

        var atLimit = TestProfiles.Check(tools, ProviderProfiles.AnthropicStrict);
        tools.Add(Tool("tool_4", OptionalProperties(1)));
        var over = TestProfiles.Check(tools, ProviderProfiles.AnthropicStrict);

        Assert.True(atLimit.IsAccepted, string.Join("; ", atLimit.Violations));
        Assert.Equal(24, atLimit.Totals.OptionalParameters);
        var violation = Assert.Single(over.Violations);
        Assert.Equal((ViolationNames.TooManyOptionalParameters, "#/tools", "24", "25"), (violation.Name, violation.Pointer, violation.Limit, violation.Actual));
        Assert.False(over.IsAccepted);
    }

    [Fact]
    public void Anthropic_counts_union_typed_parameters_and_strict_tools_and_ignores_non_strict_tools()
    {
        var tools = Enumerable.Range(0, 21).Select(i => Tool("t" + i, OptionalProperties(1, unions: 1), strict: i < 17)).ToList();
        tools.Add(Tool("loose", OptionalProperties(30, unions: 30), strict: false));

        var report = TestProfiles.Check(tools, ProviderProfiles.AnthropicStrict);

        Assert.Equal((22, 17, 17, 17), (report.Totals.Tools, report.Totals.StrictTools, report.Totals.OptionalParameters, report.Totals.UnionParameters));
        Assert.Equal([ViolationNames.TooManyUnionParameters], report.Violations.Select(v => v.Name));
        Assert.False(report.Tools[^1].Checked);

        var strictTools = Enumerable.Range(0, 21).Select(i => Tool("s" + i, """{"type":"object","properties":{},"additionalProperties":false}""")).ToList();
        var tooMany = TestProfiles.Check(strictTools, ProviderProfiles.AnthropicStrict);
        Assert.Equal(("20", "21"), (Assert.Single(tooMany.Violations, v => v.Name == ViolationNames.TooManyStrictTools).Limit, tooMany.Violations.Single().Actual));
    }

    [Fact]
    public void A_single_tool_over_the_request_limit_is_reported_once_on_the_request_not_again_on_the_tool()
    {
        var report = TestProfiles.Check([Tool("big", OptionalProperties(30))], ProviderProfiles.AnthropicStrict);

        Assert.Single(report.Violations, v => v.Name == ViolationNames.TooManyOptionalParameters);
        Assert.DoesNotContain(report.Tools[0].Lint.Violations, v => v.Name == ViolationNames.TooManyOptionalParameters);
    }

    [Fact]
    public void Openai_refuses_more_than_128_tools_and_duplicate_names()
    {
        const string Schema = """{"type":"object","properties":{},"required":[],"additionalProperties":false}""";
        var tools = Enumerable.Range(0, 129).Select(i => Tool("f" + i, Schema)).ToList();
        tools[5] = Tool("f0", Schema);

        var report = TestProfiles.Check(tools, ProviderProfiles.OpenAiStrict);

        Assert.Contains(report.Violations, v => v is { Name: ViolationNames.TooManyTools, Limit: "128", Actual: "129" });
        Assert.Contains(report.Violations, v => v is { Name: ViolationNames.ToolNameDuplicate, Pointer: "#/tools/5/name" });
        Assert.False(report.IsAccepted);
    }

    [Theory]
    [InlineData("openai-strict", "get.weather", false)]
    [InlineData("openai-strict", "get_weather-2", true)]
    [InlineData("anthropic-strict", "get weather", false)]
    [InlineData("gemini", "get.weather:v2", true)]
    [InlineData("gemini", "2fast", false)]
    [InlineData("mcp-tool", "admin.tools.list", true)]
    [InlineData("mcp-tool", "get/weather", false)]
    public void Tool_names_follow_each_provider_s_rule(string profileName, string name, bool accepted)
    {
        Assert.True(ProviderProfiles.TryGet(profileName, out var profile));

        var report = TestProfiles.Check([Tool(name, """{"type":"object","properties":{},"required":[],"additionalProperties":false}""")], profile);

        Assert.Equal(!accepted, report.Violations.Any(v => v is { Name: ViolationNames.ToolNameInvalid, Pointer: "#/tools/0/name" }));
    }

    [Fact]
    public void An_overlong_name_breaks_the_64_character_limit_but_not_mcp_s_128()
    {
        var name = new string('a', 65);
        var tool = Tool(name, """{"type":"object","properties":{},"required":[],"additionalProperties":false}""");

        Assert.Contains(TestProfiles.Check([tool], ProviderProfiles.OpenAiStrict).Violations, v => v.Name == ViolationNames.ToolNameInvalid);
        Assert.DoesNotContain(TestProfiles.Check([tool], ProviderProfiles.McpTool).Violations, v => v.Name == ViolationNames.ToolNameInvalid);
        Assert.Equal(ViolationEffect.Advisory, TestProfiles.Check([Tool(new string('a', 129), "{\"type\":\"object\"}")], ProviderProfiles.McpTool).Violations.Single().Effect);
    }

    [Fact]
    public void Exports_each_provider_s_tools_format()
    {
        ToolDefinition[] tools = [Tool("get_weather", """{"type":"object","properties":{"city":{"type":"string"}}}"""), Tool("noop", """{"type":"object"}""", strict: false, description: null)];

        var openai = JsonNode.Parse(ToolSetExporter.Export(tools, ToolFormat.OpenAi))!;
        var anthropic = JsonNode.Parse(ToolSetExporter.Export(tools, ToolFormat.Anthropic))!;
        var gemini = JsonNode.Parse(ToolSetExporter.Export(tools, ToolFormat.Gemini))!;
        var mcp = JsonNode.Parse(ToolSetExporter.Export(tools, ToolFormat.Mcp))!;

        Assert.Equal("""{"type":"function","function":{"name":"get_weather","description":"does things","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}}""",
            openai[0]!.ToJsonString());
        Assert.False(openai[1]!["function"]!["strict"]!.GetValue<bool>());
        Assert.Equal("""{"name":"get_weather","description":"does things","input_schema":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}""", anthropic[0]!.ToJsonString());
        Assert.Null(anthropic[1]!["strict"]);
        Assert.Equal("get_weather", gemini[0]!["functionDeclarations"]![0]!["name"]!.GetValue<string>());
        Assert.NotNull(gemini[0]!["functionDeclarations"]![1]!["parametersJsonSchema"]);
        Assert.Equal(2, mcp["tools"]!.AsArray().Count);
        Assert.Null(mcp["tools"]![1]!["description"]);
        Assert.Equal("object", mcp["tools"]![0]!["inputSchema"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void A_transformed_export_carries_each_strict_schema_in_the_format_s_strict_form()
    {
        ToolDefinition[] tools = [Tool("get_weather", """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","maximum":14}},"required":["city"]}""")];

        var export = TestProfiles.ExportTransformed(tools, ToolFormat.OpenAi);
        var parameters = JsonNode.Parse(export.Json)![0]!["function"]!["parameters"]!;

        Assert.False(parameters["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(2, parameters["required"]!.AsArray().Count);
        Assert.Single(export.Transforms);
        Assert.True(export.Transforms[0].IsAccepted);
    }

    [Fact]
    public void Exporting_a_tool_whose_schema_is_not_json_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ToolSetExporter.Export([Tool("bad", "{not json")], ToolFormat.Mcp));
    }

    [Theory]
    [InlineData("openai", ToolFormat.OpenAi)]
    [InlineData("Anthropic", ToolFormat.Anthropic)]
    [InlineData("GEMINI", ToolFormat.Gemini)]
    [InlineData("mcp", ToolFormat.Mcp)]
    public void Formats_are_parsed_by_name(string name, ToolFormat expected)
    {
        Assert.True(ToolSetExporter.TryParseFormat(name, out var format));
        Assert.Equal(expected, format);
        Assert.False(ToolSetExporter.TryParseFormat("langchain", out _));
    }
}
