using System.Text;
using System.Text.Json;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Schemas.Compatibility;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>TOOL and AGENT_CARD versions through the engine: canonical storage, typed subjects, typed references, compatibility and validation.</summary>
public sealed class ArtifactRegistrationTests : IAsyncLifetime
{
    public const string OpenAiWeather = """{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}}}""";

    /// <summary>The same tool with <c>unit</c> required: arguments <c>{"city":"Oslo"}</c> valid before are refused now.</summary>
    public const string McpWeatherUnitRequired = """{"name":"get_weather","description":"Weather for a city","inputSchema":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city","unit"]}}""";

    public const string Card = """{"skills":[{"tags":["weather"],"id":"forecast","name":"Forecast","description":"Forecasts"}],"name":"Weather agent","description":"Answers weather questions","url":"https://agents.example.com/weather","version":"1.0.0","capabilities":{"streaming":true},"defaultInputModes":["text/plain"],"defaultOutputModes":["text/plain"]}""";

    private EngineHarness _h = null!;

    private SchemaRegistry Registry => _h.Registry;

    public async ValueTask InitializeAsync() => _h = await EngineHarness.CreateAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private Task<RegistrationResult> RegisterAsync(string subject, string content, string type, IReadOnlyList<SchemaReference>? references = null) =>
        _h.RegisterAsync(subject, content, r => r with { SchemaType = type, References = references ?? [] });

    [Fact]
    public async Task A_tool_sent_as_an_openai_function_is_stored_in_its_canonical_mcp_form_with_its_type()
    {
        var result = await RegisterAsync("tools.weather", OpenAiWeather, "TOOL");

        var version = await Registry.GetVersionAsync("tools.weather", VersionSelector.Latest, cancellationToken: Ct);
        using var stored = JsonDocument.Parse(version.Schema.Content);
        Assert.Equal("TOOL", version.Schema.SchemaType);
        Assert.Equal(["name", "description", "inputSchema"], stored.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(result.Created);
    }

    [Fact]
    public async Task The_same_tool_in_another_provider_format_is_the_same_schema()
    {
        var first = await RegisterAsync("tools.weather", OpenAiWeather, "TOOL");
        var again = await RegisterAsync("tools.weather", """{"name":"get_weather","description":"Weather for a city","input_schema":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}}""", "TOOL");

        Assert.False(again.Created);
        Assert.Equal(first.SchemaId, again.SchemaId);
    }

    [Fact]
    public async Task The_same_content_registered_as_json_and_as_tool_gets_two_ids()
    {
        var tool = await RegisterAsync("tools.weather", McpWeatherUnitRequired, "TOOL");
        var json = await RegisterAsync("plain", McpWeatherUnitRequired, "JSON");

        Assert.NotEqual(tool.SchemaId, json.SchemaId);
        Assert.Equal("JSON", (await Registry.GetSchemaAsync(json.SchemaId, Ct)).SchemaType);
        Assert.Equal("TOOL", (await Registry.GetSchemaAsync(tool.SchemaId, Ct)).SchemaType);
    }

    [Fact]
    public async Task A_version_of_another_type_than_the_subjects_first_is_refused()
    {
        await RegisterAsync("tools.weather", OpenAiWeather, "TOOL");

        var e = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("tools.weather", TestSchemas.PersonV1, "JSON"));

        Assert.Equal(RegistryErrorCode.SchemaTypeMismatch, e.Code);
        Assert.Contains("holds TOOL versions", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_tool_is_refused_as_an_invalid_schema_naming_each_problem_by_pointer()
    {
        var e = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("tools.bad", """{"name":"bad name","inputSchema":{"type":"array"}}""", "TOOL"));

        Assert.Equal(RegistryErrorCode.InvalidSchema, e.Code);
        Assert.Contains(e.SchemaErrors, error => error.SchemaLocation == "#/name");
        Assert.Contains(e.SchemaErrors, error => error.SchemaLocation == "#/inputSchema/type");
    }

    [Fact]
    public async Task Requiring_a_new_tool_argument_is_refused_because_old_arguments_stop_validating()
    {
        await RegisterAsync("tools.weather", OpenAiWeather, "TOOL");
        var proof = Encoding.UTF8.GetBytes("""{"city":"Oslo"}""");
        var before = await Registry.ValidateAsync(ValidationTarget.ByVersion("tools.weather", VersionSelector.Latest), proof, Ct);

        var e = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("tools.weather", McpWeatherUnitRequired, "TOOL"));

        Assert.True(before.Results[0].IsValid);
        Assert.Equal(RegistryErrorCode.Incompatible, e.Code);
        Assert.Contains(e.Differences, d => d.Location.StartsWith("#/inputSchema", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_renamed_tool_is_incompatible_and_a_description_change_is_a_patch()
    {
        await RegisterAsync("tools.weather", OpenAiWeather, "TOOL");

        var renamed = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("tools.weather", OpenAiWeather.Replace("get_weather", "weather", StringComparison.Ordinal), "TOOL"));
        var described = await RegisterAsync("tools.weather", OpenAiWeather.Replace("Weather for a city", "The weather in a city", StringComparison.Ordinal), "TOOL");

        Assert.Contains(renamed.Differences, d => d.Name == "TOOL_RENAMED");
        Assert.Equal(VersionBump.Patch, described.SuggestedBump);
    }

    [Fact]
    public async Task Validating_against_a_tool_version_validates_tool_call_arguments_against_its_input_schema()
    {
        await RegisterAsync("tools.weather", McpWeatherUnitRequired, "TOOL");
        var target = ValidationTarget.ByVersion("tools.weather", VersionSelector.Latest);

        var good = await Registry.ValidateAsync(target, Encoding.UTF8.GetBytes("""{"city":"Oslo","unit":"C"}"""), Ct);
        var bad = await Registry.ValidateAsync(target, Encoding.UTF8.GetBytes("""{"city":"Oslo"}"""), Ct);

        Assert.True(good.Results[0].IsValid);
        Assert.False(bad.Results[0].IsValid);
    }

    [Fact]
    public async Task A_subject_requiring_a_provider_profile_refuses_a_tool_name_that_provider_does_not_accept()
    {
        await Registry.SetRequiredProfilesAsync("tools.dotted", ["openai-strict"], Ct);

        var e = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("tools.dotted", """{"name":"weather.get","inputSchema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}""", "TOOL"));

        Assert.Equal(RegistryErrorCode.Incompatible, e.Code);
        Assert.Contains(e.Differences, d => d.Name == "TOOL_NAME_INVALID" && d.Location == "#/name");
    }

    [Fact]
    public async Task A_subject_requiring_a_provider_profile_lints_the_tools_input_schema_inside_the_tool()
    {
        await Registry.SetRequiredProfilesAsync("tools.open", ["openai-strict"], Ct);

        var e = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("tools.open", OpenAiWeather, "TOOL"));

        Assert.Equal(RegistryErrorCode.Incompatible, e.Code);
        Assert.All(e.Differences, d => Assert.StartsWith("#/inputSchema", d.Location, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_agent_card_is_stored_with_its_members_in_the_canonical_order()
    {
        await RegisterAsync("agents.weather", Card, "AGENT_CARD");

        var version = await Registry.GetVersionAsync("agents.weather", VersionSelector.Latest, cancellationToken: Ct);
        using var stored = JsonDocument.Parse(version.Schema.Content);
        Assert.Equal("AGENT_CARD", version.Schema.SchemaType);
        Assert.Equal(["name", "description", "version", "url", "capabilities", "defaultInputModes", "defaultOutputModes", "skills"], stored.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "name", "description", "tags"], stored.RootElement.GetProperty("skills")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Removing_a_skill_from_an_agent_card_is_refused()
    {
        await RegisterAsync("agents.weather", Card.Replace("""{"tags":["weather"],"id":"forecast","name":"Forecast","description":"Forecasts"}""", """{"tags":["weather"],"id":"forecast","name":"Forecast","description":"Forecasts"},{"id":"alerts","name":"Alerts","description":"Storm alerts","tags":[]}""", StringComparison.Ordinal), "AGENT_CARD");

        var e = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("agents.weather", Card, "AGENT_CARD"));

        Assert.Contains(e.Differences, d => d.Name == "AGENT_SKILL_REMOVED" && d.Message.Contains("'alerts'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_agent_card_skill_references_a_tool_version_that_then_cannot_be_deleted()
    {
        await RegisterAsync("tools.weather", OpenAiWeather, "TOOL");
        await RegisterAsync("agents.weather", Card, "AGENT_CARD", [new SchemaReference("forecast", "tools.weather", 1)]);

        var e = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteVersionAsync("tools.weather", VersionSelector.Of(1), cancellationToken: Ct));

        Assert.Equal(RegistryErrorCode.ReferenceExists, e.Code);
    }

    [Fact]
    public async Task An_agent_card_reference_to_a_json_subject_is_refused()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV1);

        var e = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("agents.weather", Card, "AGENT_CARD", [new SchemaReference("forecast", "people", 1)]));

        Assert.Equal(RegistryErrorCode.SchemaTypeMismatch, e.Code);
    }

    [Fact]
    public async Task An_agent_card_reference_must_be_named_after_one_of_its_skills()
    {
        await RegisterAsync("tools.weather", OpenAiWeather, "TOOL");

        var e = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("agents.weather", Card, "AGENT_CARD", [new SchemaReference("nowcast", "tools.weather", 1)]));

        Assert.Equal(RegistryErrorCode.InvalidSchema, e.Code);
        Assert.Contains(e.SchemaErrors, error => error.SchemaLocation == "#/references/0/name");
    }

    [Fact]
    public async Task A_json_schema_cannot_reference_a_tool_subject()
    {
        await RegisterAsync("tools.weather", OpenAiWeather, "TOOL");

        var e = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("people", """{"$ref":"weather.json"}""", "JSON", [new SchemaReference("weather.json", "tools.weather", 1)]));

        Assert.Equal(RegistryErrorCode.SchemaTypeMismatch, e.Code);
    }

    [Fact]
    public async Task Validating_against_an_agent_card_is_refused_because_a_card_has_no_document_schema()
    {
        await RegisterAsync("agents.weather", Card, "AGENT_CARD");

        var e = await Assert.ThrowsAsync<RegistryException>(() => Registry.ValidateAsync(ValidationTarget.ByVersion("agents.weather", VersionSelector.Latest), Encoding.UTF8.GetBytes("{}"), Ct));

        Assert.Equal(RegistryErrorCode.UnsupportedSchemaType, e.Code);
    }

    [Fact]
    public async Task The_schema_type_survives_reopening_the_sqlite_store()
    {
        var tool = await RegisterAsync("tools.weather", OpenAiWeather, "TOOL");
        var card = await RegisterAsync("agents.weather", Card, "AGENT_CARD");

        var reopened = await _h.OpenAsync();

        Assert.Equal("TOOL", (await reopened.GetSchemaAsync(tool.SchemaId, Ct)).SchemaType);
        Assert.Equal("AGENT_CARD", (await reopened.GetVersionAsync("agents.weather", VersionSelector.Of(card.Version), cancellationToken: Ct)).Schema.SchemaType);
    }

    [Fact]
    public async Task A_registered_tool_exports_to_anthropic_and_reads_back_as_the_same_canonical_tool()
    {
        await RegisterAsync("tools.weather", OpenAiWeather, "TOOL");

        var (version, anthropic) = await Registry.ExportToolAsync("tools.weather", VersionSelector.Latest, "anthropic", Ct);
        var again = await RegisterAsync("tools.weather", Encoding.UTF8.GetString(anthropic.Content), "TOOL");

        Assert.False(again.Created);
        Assert.Equal(version.Schema.Id, again.SchemaId);
    }
}
