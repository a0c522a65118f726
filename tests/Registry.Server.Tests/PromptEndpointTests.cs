using System.Net;
using System.Text.Json;
using Registry.Client;
using Registry.Protocol.Messages;

namespace Registry.Server.Tests;

/// <summary>PROMPT versions: registration (canonical form, inferred variables), render with named refusals, compatibility, aliases, and the binary client.</summary>
public sealed class PromptEndpointTests
{
    private const string Weather = """
        {"template":"Weather in {{city}}{{#unit}} in {{unit}}{{/unit}}.",
         "variables":{"type":"object","properties":{"city":{"type":"string","minLength":1},"unit":{"enum":["C","F"]}},"required":["city"],"additionalProperties":false},
         "model":{"name":"small","temperature":0.2},"description":"weather question"}
        """;

    private static async Task<InProcessServer> StartWithPromptAsync()
    {
        var server = await InProcessServer.StartAsync();
        var registered = await server.Http.RegisterAsync("prompts.weather", Weather, ""","schema_type":"PROMPT" """);
        Assert.Equal(1, registered.GetProperty("version").GetInt32());
        return server;
    }

    [Fact]
    public async Task A_registered_prompt_renders_with_its_variables_and_reads_back_in_canonical_form()
    {
        await using var server = await StartWithPromptAsync();

        var (status, rendered) = await server.Http.PostJsonAsync("/v1/subjects/prompts.weather/versions/latest/render", """{"city":"Oslo","unit":"C"}""");
        var (_, plain) = await server.Http.PostJsonAsync("/v1/subjects/prompts.weather/versions/1/render", """{"city":"Lima"}""");
        var (_, version) = await server.Http.GetJsonAsync("/v1/subjects/prompts.weather/versions/1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("Weather in Oslo in C.", "prompts.weather", 1), (rendered.GetProperty("text").GetString(), rendered.GetProperty("subject").GetString(), rendered.GetProperty("version").GetInt32()));
        Assert.Equal("Weather in Lima.", plain.GetProperty("text").GetString());
        Assert.Equal("PROMPT", version.GetProperty("schema_type").GetString());
        Assert.Equal("weather question", version.GetProperty("schema").GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("""{}""", "#", "city")]
    [InlineData("""{"city":7}""", "#/city", "")]
    [InlineData("""{"city":""}""", "#/city", "")]
    [InlineData("""{"city":"Oslo","unit":"K"}""", "#/unit", "")]
    [InlineData("""{"city":"Oslo","mood":"sunny"}""", "#/mood", "not allowed")]
    [InlineData("""[1]""", "#", "object")]
    [InlineData("""{"city":""", "#", "not valid JSON")]
    public async Task Missing_ill_typed_and_extra_variables_are_refused_by_name(string variables, string pointer, string named)
    {
        await using var server = await StartWithPromptAsync();

        var (status, body) = await server.Http.PostJsonAsync("/v1/subjects/prompts.weather/versions/1/render", variables);

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_variables"), (status, body.ErrorCode()));
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("schema_location").GetString() == pointer && e.GetProperty("message").GetString()!.Contains(named, StringComparison.Ordinal));
        Assert.DoesNotContain("text", body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task An_inferred_variables_schema_requires_every_variable_the_template_writes()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("prompts.greet", """{"template":"Hello {{name}}, welcome to {{place}}."}""", ""","schema_type":"PROMPT" """);

        var (ok, rendered) = await server.Http.PostJsonAsync("/v1/subjects/prompts.greet/versions/1/render", """{"name":"Ada","place":"the lab"}""");
        var (missing, refused) = await server.Http.PostJsonAsync("/v1/subjects/prompts.greet/versions/1/render", """{"name":"Ada"}""");

        Assert.Equal((HttpStatusCode.OK, "Hello Ada, welcome to the lab."), (ok, rendered.GetProperty("text").GetString()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing);
        Assert.Contains("place", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_required_variable_is_refused_as_incompatible_and_a_wording_change_is_accepted()
    {
        await using var server = await StartWithPromptAsync();

        var (breaking, refused) = await server.Http.PostJsonAsync("/v1/subjects/prompts.weather/versions",
            """{"schema_type":"PROMPT","schema":{"template":"Weather in {{city}} on {{day}}.","variables":{"type":"object","properties":{"city":{"type":"string"},"day":{"type":"string"}},"required":["city","day"]}}}""");
        var reworded = await server.Http.RegisterAsync("prompts.weather", Weather.Replace("Weather in", "What is the weather in", StringComparison.Ordinal), ""","schema_type":"PROMPT" """);

        Assert.Equal((HttpStatusCode.Conflict, "incompatible"), (breaking, refused.ErrorCode()));
        Assert.Contains(refused.GetProperty("differences").EnumerateArray(), d => d.GetProperty("name").GetString() == "PROMPT_VARIABLES_REFUSED");
        Assert.Equal(2, reworded.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Render_follows_an_alias_and_refuses_a_version_that_is_not_a_prompt()
    {
        await using var server = await StartWithPromptAsync();
        await server.Http.PutJsonAsync("/v1/subjects/prompts.weather/aliases/production", """{"version":1}""");
        await server.Http.RegisterAsync("people", """{"type":"object"}""");

        var (status, rendered) = await server.Http.PostJsonAsync("/v1/subjects/prompts.weather/versions/@production/render", """{"city":"Rome"}""");
        var (wrong, refused) = await server.Http.PostJsonAsync("/v1/subjects/people/versions/1/render", """{}""");
        var (plain, unsupported) = await server.Http.SendAsync(HttpMethod.Post, "/v1/subjects/prompts.weather/versions/1/render", "city=Rome", "text/plain");

        Assert.Equal((HttpStatusCode.OK, "Weather in Rome."), (status, rendered.GetProperty("text").GetString()));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "schema_type_mismatch"), (wrong, refused.ErrorCode()));
        Assert.Contains("only PROMPT versions render", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"), (plain, unsupported.ErrorCode()));
    }

    [Fact]
    public async Task A_malformed_prompt_is_refused_at_registration_with_each_problem_located()
    {
        await using var server = await InProcessServer.StartAsync();

        var (status, body) = await server.Http.PostJsonAsync("/v1/subjects/prompts.bad/versions",
            """{"schema_type":"PROMPT","schema":{"template":"Hi {{name","model":{"temperature":-1}}}""");

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_schema"), (status, body.ErrorCode()));
        var locations = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("schema_location").GetString()).ToList();
        Assert.Contains("#/template", locations);
        Assert.Contains("#/model/temperature", locations);
    }

    [Fact]
    public async Task The_binary_client_registers_a_prompt_and_reads_its_type()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()] });

        var registered = await client.RegisterAsync("prompts.binary", """{"template":"Summarise {{text}}"}""", SchemaType.Prompt, TestContext.Current.CancellationToken);
        var (_, rendered) = await server.Http.PostJsonAsync("/v1/subjects/prompts.binary/versions/1/render", """{"text":"the report"}""");

        Assert.Equal(1, registered.Version);
        Assert.Equal("Summarise the report", rendered.GetProperty("text").GetString());
    }
}
