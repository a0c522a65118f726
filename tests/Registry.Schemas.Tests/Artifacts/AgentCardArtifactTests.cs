using System.Text;
using System.Text.Json;
using Registry.Schemas.Artifacts;
using Registry.Schemas.Compatibility;

namespace Registry.Schemas.Tests.Artifacts;

/// <summary>AGENT_CARD artifacts: the card's shape checked per rule, its canonical form, and compatibility by skill id and endpoint.</summary>
public sealed class AgentCardArtifactTests
{
    private const string Skill = """{"id":"forecast","name":"Forecast","description":"Forecasts","tags":["weather"]}""";

    private const string Canonical = $$"""{"name":"Weather agent","description":"Answers weather questions","version":"1.0.0","url":"https://agents.example.com/weather","capabilities":{"streaming":true},"defaultInputModes":["text/plain"],"defaultOutputModes":["text/plain"],"skills":[{{Skill}}]}""";

    private static readonly ArtifactType Type = ArtifactTypes.TryGet("AGENT_CARD", out var type) ? type : throw new InvalidOperationException();

    private static byte[] Canonicalize(string json) => Type.Canonicalize(Encoding.UTF8.GetBytes(json), null);

    private static string With(string member, string value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Canonical)!.AsObject();
        node[member] = System.Text.Json.Nodes.JsonNode.Parse(value);
        return node.ToJsonString();
    }

    private static string Without(string member)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Canonical)!.AsObject();
        node.Remove(member);
        return node.ToJsonString();
    }

    [Fact]
    public void A_card_with_members_in_any_order_reads_into_the_canonical_form_and_the_canonical_form_is_stable()
    {
        var shuffled = """{"skills":[{"tags":["weather"],"description":"Forecasts","name":"Forecast","id":"forecast"}],"defaultOutputModes":["text/plain"],"defaultInputModes":["text/plain"],"capabilities":{"streaming":true},"url":"https://agents.example.com/weather","version":"1.0.0","description":"Answers weather questions","name":"Weather agent"}""";

        var canonical = Canonicalize(shuffled);

        Assert.Equal(Canonical, Encoding.UTF8.GetString(canonical));
        Assert.Equal(canonical, Type.Canonicalize(canonical, null));
    }

    [Fact]
    public void An_a2a_1_0_card_with_supported_interfaces_and_no_url_is_accepted()
    {
        var card = With("supportedInterfaces", """[{"url":"https://agents.example.com/a2a/v1","protocolBinding":"JSONRPC","protocolVersion":"1.0"}]""").Replace("\"url\":\"https://agents.example.com/weather\",", "", StringComparison.Ordinal);

        using var read = JsonDocument.Parse(Canonicalize(card));

        Assert.False(read.RootElement.TryGetProperty("url", out _));
        Assert.Equal(1, read.RootElement.GetProperty("supportedInterfaces").GetArrayLength());
    }

    public static TheoryData<string, string> MalformedCards() => new()
    {
        { Without("name"), "#/name" },
        { Without("description"), "#/description" },
        { Without("version"), "#/version" },
        { Without("url"), "#/url" },
        { Without("capabilities"), "#/capabilities" },
        { Without("defaultInputModes"), "#/defaultInputModes" },
        { Without("defaultOutputModes"), "#/defaultOutputModes" },
        { Without("skills"), "#/skills" },
        { With("url", "\"not a url\""), "#/url" },
        { With("capabilities", "[]"), "#/capabilities" },
        { With("defaultInputModes", "[\"text/plain\", 3]"), "#/defaultInputModes/1" },
        { With("skills", "[{\"id\":\"a\",\"name\":\"A\",\"description\":\"d\"}]"), "#/skills/0/tags" },
        { With("skills", "[{\"name\":\"A\",\"description\":\"d\",\"tags\":[]}]"), "#/skills/0/id" },
        { With("skills", "[{\"id\":\"a\",\"name\":\"A\",\"description\":\"d\",\"tags\":[],\"examples\":\"hi\"}]"), "#/skills/0/examples" },
        { With("skills", $"[{Skill},{Skill}]"), "#/skills/1/id" },
        { With("skills", "[{\"id\":\"a\",\"name\":\"A\",\"description\":\"d\",\"tags\":[],\"weight\":1}]"), "#/skills/0/weight" },
        { With("supportedInterfaces", "[{\"protocolBinding\":\"JSONRPC\"}]"), "#/supportedInterfaces/0/url" },
        { With("owner", "\"me\""), "#/owner" },
    };

    [Theory]
    [MemberData(nameof(MalformedCards))]
    public void A_malformed_card_is_refused_with_the_pointer_of_the_broken_rule(string card, string pointer)
    {
        var e = Assert.Throws<ArtifactDefinitionException>(() => Canonicalize(card));

        Assert.Contains(e.Problems, p => p.Pointer == pointer);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("not json")]
    public void Something_that_is_not_a_card_object_is_refused(string json)
    {
        var e = Assert.Throws<ArtifactDefinitionException>(() => Canonicalize(json));

        Assert.Equal("#", e.Problems[0].Pointer);
    }

    [Fact]
    public void A_card_that_is_not_json_is_refused_with_the_place_in_a_persons_words_not_the_parsers()
    {
        var e = Assert.Throws<ArtifactDefinitionException>(() => Canonicalize("{\"name\": nope}"));

        Assert.Contains("(at line 1, byte ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, bool, string?, VersionBump> Changes() => new()
    {
        // new card, compatible, the difference that proves the verdict, bump
        { Canonical, true, null, VersionBump.None },
        { With("skills", "[]"), false, "AGENT_SKILL_REMOVED", VersionBump.Major },
        { With("skills", $"[{Skill.Replace("forecast", "forecast2", StringComparison.Ordinal)}]"), false, "AGENT_SKILL_REMOVED", VersionBump.Major },
        { With("url", "\"https://agents.example.com/weather/v2\""), false, "AGENT_URL_CHANGED", VersionBump.Major },
        { With("skills", $"[{Skill},{{\"id\":\"alerts\",\"name\":\"Alerts\",\"description\":\"Storms\",\"tags\":[]}}]"), true, "AGENT_SKILL_ADDED", VersionBump.Minor },
        { With("description", "\"Weather, worldwide\""), true, "AGENT_DESCRIPTION_CHANGED", VersionBump.Patch },
        { With("skills", $"[{Skill.Replace("\"Forecasts\"", "\"Ten-day forecasts\"", StringComparison.Ordinal)}]"), true, "AGENT_DESCRIPTION_CHANGED", VersionBump.Patch },
        { With("capabilities", "{\"streaming\":false}"), true, "AGENT_CARD_CHANGED", VersionBump.Minor },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Compatibility_follows_skills_by_id_and_the_endpoint(string newer, bool compatible, string? difference, VersionBump bump)
    {
        var result = Type.Check(Canonicalize(newer), [Canonicalize(Canonical)], CompatibilityLevel.Backward, CompatibilityPolicy.Lenient, null);

        Assert.Equal(compatible, result.IsCompatible);
        Assert.Equal(bump, result.SuggestedBump);
        if (difference is not null)
        {
            Assert.Contains(result.Differences, d => d.Name == difference && d.IsCompatible == compatible);
        }
    }

    [Fact]
    public void Removing_an_interface_url_is_breaking_and_adding_one_is_not()
    {
        var one = Canonicalize(With("supportedInterfaces", """[{"url":"https://a.example.com/a2a","protocolBinding":"JSONRPC","protocolVersion":"1.0"}]"""));
        var two = Canonicalize(With("supportedInterfaces", """[{"url":"https://a.example.com/a2a","protocolBinding":"JSONRPC","protocolVersion":"1.0"},{"url":"https://a.example.com/grpc","protocolBinding":"GRPC","protocolVersion":"1.0"}]"""));

        var added = Type.Check(two, [one], CompatibilityLevel.Backward, CompatibilityPolicy.Lenient, null);
        var removed = Type.Check(one, [two], CompatibilityLevel.Backward, CompatibilityPolicy.Lenient, null);

        Assert.True(added.IsCompatible);
        Assert.False(removed.IsCompatible);
        Assert.Contains(removed.Differences, d => d.Name == "AGENT_INTERFACE_REMOVED" && d.Message.Contains("https://a.example.com/grpc", StringComparison.Ordinal));
    }

    [Fact]
    public void Level_none_reports_a_removed_skill_but_refuses_nothing()
    {
        var result = Type.Check(Canonicalize(With("skills", "[]")), [Canonicalize(Canonical)], CompatibilityLevel.None, CompatibilityPolicy.Lenient, null);

        Assert.True(result.IsCompatible);
        Assert.Contains(result.Differences, d => d.Name == "AGENT_SKILL_REMOVED");
    }

    [Fact]
    public void A_reference_must_name_a_skill_of_the_card()
    {
        var problems = Type.ReferenceProblems(Canonicalize(Canonical), ["forecast", "nowcast"]);

        Assert.Equal("#/references/1/name", Assert.Single(problems).Pointer);
    }

    [Fact]
    public void A_card_has_no_document_schema_and_references_tools_only()
    {
        Assert.Null(Type.DocumentSchema(Canonicalize(Canonical)));
        Assert.True(Type.MayReference("TOOL"));
        Assert.False(Type.MayReference("JSON"));
    }
}

/// <summary>The TOOL type behind the artifact abstraction: the same canonical form and rules as <see cref="ToolArtifact"/>.</summary>
public sealed class ToolArtifactTypeTests
{
    private static readonly ArtifactType Type = ArtifactTypes.TryGet("TOOL", out var type) ? type : throw new InvalidOperationException();

    [Fact]
    public void A_tool_canonicalizes_to_mcp_and_its_document_schema_is_the_input_schema()
    {
        var canonical = Type.Canonicalize(Encoding.UTF8.GetBytes("""{"name":"t","description":"d","input_schema":{"type":"object","properties":{"a":{"type":"string"}}}}"""), null);

        Assert.Equal("""{"name":"t","description":"d","inputSchema":{"type":"object","properties":{"a":{"type":"string"}}}}""", Encoding.UTF8.GetString(canonical));
        Assert.Equal("""{"type":"object","properties":{"a":{"type":"string"}}}""", Encoding.UTF8.GetString(Type.DocumentSchema(canonical)!.Value.Span));
        Assert.Equal("#/name", Assert.Single(Type.ToolNames(canonical)).Pointer);
    }

    [Fact]
    public void A_malformed_tool_is_refused_with_artifact_problems_located_by_pointer()
    {
        var e = Assert.Throws<ArtifactDefinitionException>(() => Type.Canonicalize(Encoding.UTF8.GetBytes("""{"name":"t","inputSchema":{"type":"array"}}"""), null));

        Assert.Contains(e.Problems, p => p.Pointer == "#/inputSchema/type");
    }

    [Fact]
    public void A_narrowed_input_schema_is_incompatible_with_the_arguments_that_prove_it()
    {
        var old = Type.Canonicalize(Encoding.UTF8.GetBytes("""{"name":"t","inputSchema":{"type":"object","properties":{"n":{"type":"number"}}}}"""), null);
        var newer = Type.Canonicalize(Encoding.UTF8.GetBytes("""{"name":"t","inputSchema":{"type":"object","properties":{"n":{"type":"integer"}}}}"""), null);

        var result = Type.Check(newer, [old], CompatibilityLevel.Backward, CompatibilityPolicy.Lenient, null);
        var oldArguments = Registry.Schemas.Validation.SchemaCompiler.Compile("""{"type":"object","properties":{"n":{"type":"number"}}}"""u8).Schema!;
        var newArguments = Registry.Schemas.Validation.SchemaCompiler.Compile("""{"type":"object","properties":{"n":{"type":"integer"}}}"""u8).Schema!;

        Assert.False(result.IsCompatible);
        Assert.StartsWith("#/inputSchema", result.Differences[0].Location, StringComparison.Ordinal);
        Assert.True(oldArguments.Validate("""{"n":1.5}"""u8).IsValid);
        Assert.False(newArguments.Validate("""{"n":1.5}"""u8).IsValid);
    }
}
