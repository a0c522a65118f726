using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Registry.Client;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Server.Tests.Binary;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>TOOL and AGENT_CARD versions on every API: native registration and export, the binary protocol and client, and the Confluent API keeping JSON only.</summary>
public sealed class ArtifactVersionEndpointTests
{
    private const string OpenAiTool = """{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    private const string Card = """{"name":"Weather agent","description":"Answers weather questions","url":"https://agents.example.com/weather","version":"1.0.0","capabilities":{},"defaultInputModes":["text/plain"],"defaultOutputModes":["text/plain"],"skills":[{"id":"forecast","name":"Forecast","description":"Forecasts","tags":[]}]}""";

    private static async Task<InProcessServer> StartWithToolAsync()
    {
        var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("tools.weather", OpenAiTool, ""","schema_type":"TOOL" """);
        return server;
    }

    [Fact]
    public async Task A_tool_registered_over_http_reads_back_with_its_type_in_the_canonical_form()
    {
        await using var server = await StartWithToolAsync();

        var (status, version) = await server.Http.GetJsonAsync("/v1/subjects/tools.weather/versions/latest");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("TOOL", version.GetProperty("schema_type").GetString());
        Assert.Equal("get_weather", version.GetProperty("schema").GetProperty("name").GetString());
        Assert.True(version.GetProperty("schema").TryGetProperty("inputSchema", out _));
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("mcp")]
    public async Task A_tool_exported_in_a_format_and_registered_again_is_the_same_version(string format)
    {
        await using var server = await StartWithToolAsync();

        var (status, exported) = await server.Http.GetJsonAsync($"/v1/subjects/tools.weather/versions/1/tool?format={format}");
        var again = await server.Http.RegisterAsync("tools.weather", exported.GetRawText(), ""","schema_type":"TOOL" """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, again.GetProperty("version").GetInt32());
        Assert.False(again.GetProperty("created").GetBoolean());
    }

    [Fact]
    public async Task The_export_path_accepts_an_alias()
    {
        await using var server = await StartWithToolAsync();
        await server.Http.PutJsonAsync("/v1/subjects/tools.weather/aliases/production", """{"version":1}""");

        var (status, anthropic) = await server.Http.GetJsonAsync("/v1/subjects/tools.weather/versions/@production/tool?format=anthropic");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("get_weather", anthropic.GetProperty("name").GetString());
        Assert.True(anthropic.TryGetProperty("input_schema", out _));
    }

    [Fact]
    public async Task Exporting_a_json_version_as_a_tool_is_refused()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("people", """{"type":"object"}""");

        var (status, body) = await server.Http.GetJsonAsync("/v1/subjects/people/versions/1/tool?format=openai");

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "schema_type_mismatch"), (status, body.ErrorCode()));
    }

    [Fact]
    public async Task A_breaking_tool_change_is_refused_with_a_message_naming_the_change_in_the_tools_terms()
    {
        await using var server = await StartWithToolAsync();

        var (status, body) = await server.Http.PostJsonAsync("/v1/subjects/tools.weather/versions",
            """{"schema_type":"TOOL","schema":{"name":"get_weather","inputSchema":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city","unit"]}}}""");

        var message = body.GetProperty("message").GetString()!;
        Assert.Equal((HttpStatusCode.Conflict, "incompatible"), (status, body.ErrorCode()));
        Assert.Contains("#/inputSchema", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Registry.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("registry.invalid", message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_json_schema_under_a_tool_subject_is_refused_as_a_type_mismatch()
    {
        await using var server = await StartWithToolAsync();

        var (status, body) = await server.Http.PostJsonAsync("/v1/subjects/tools.weather/versions", """{"schema":{"type":"object"}}""");

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "schema_type_mismatch"), (status, body.ErrorCode()));
    }

    [Fact]
    public async Task An_agent_card_is_registered_and_a_malformed_one_is_refused_with_pointers()
    {
        await using var server = await InProcessServer.StartAsync();

        var registered = await server.Http.RegisterAsync("agents.weather", Card, ""","schema_type":"AGENT_CARD" """);
        var (status, body) = await server.Http.PostJsonAsync("/v1/subjects/agents.other/versions", """{"schema_type":"AGENT_CARD","schema":{"name":"x"}}""");

        Assert.Equal(1, registered.GetProperty("version").GetInt32());
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_schema"), (status, body.ErrorCode()));
        Assert.Contains(body.GetProperty("errors").EnumerateArray(), e => e.GetProperty("schema_location").GetString() == "#/skills");
    }

    [Fact]
    public async Task A_tool_a_card_skill_references_cannot_be_deleted_and_the_refusal_names_the_version_and_the_card()
    {
        await using var server = await StartWithToolAsync();
        await server.Http.RegisterAsync("agents.weather", Card, ""","schema_type":"AGENT_CARD","references":[{"name":"forecast","subject":"tools.weather","version":1}]""");

        var (versionStatus, version) = await server.Http.DeleteJsonAsync("/v1/subjects/tools.weather/versions/1");
        var (subjectStatus, subject) = await server.Http.DeleteJsonAsync("/v1/subjects/tools.weather");

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "reference_exists"), (versionStatus, version.ErrorCode()));
        Assert.Equal(
            "Version 1 of subject 'tools.weather' cannot be deleted: it is referenced by 'agents.weather' version 1.",
            version.GetProperty("message").GetString());
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "reference_exists"), (subjectStatus, subject.ErrorCode()));
        Assert.StartsWith("Subject 'tools.weather' cannot be deleted", subject.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_card_referencing_a_json_subject_and_a_document_validated_against_a_card_are_refused_in_plain_words()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("people", """{"type":"object"}""");
        await server.Http.RegisterAsync("agents.weather", Card, ""","schema_type":"AGENT_CARD" """);

        var (referenceStatus, reference) = await server.Http.PostJsonAsync(
            "/v1/subjects/agents.other/versions",
            $$"""{"schema_type":"AGENT_CARD","references":[{"name":"forecast","subject":"people","version":1}],"schema":{{Card}}}""");
        var (validateStatus, validate) = await server.Http.PostJsonAsync("/v1/subjects/agents.weather/versions/1/validate", "{}");

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "schema_type_mismatch"), (referenceStatus, reference.ErrorCode()));
        Assert.EndsWith("whose versions are JSON; an AGENT_CARD version may reference TOOL subjects only.", reference.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "unsupported_schema_type"), (validateStatus, validate.ErrorCode()));
        Assert.StartsWith("This AGENT_CARD version has no schema to validate documents against", validate.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_confluent_api_does_not_serve_a_tool_version_as_a_json_schema()
    {
        await using var server = await StartWithToolAsync();
        var (_, version) = await server.Http.GetJsonAsync("/v1/subjects/tools.weather/versions/1");
        var id = version.GetProperty("id").GetInt64();

        using var bySubject = await server.Http.GetAsync("/subjects/tools.weather/versions/1", Ct);
        using var byId = await server.Http.GetAsync($"/schemas/ids/{id}", Ct);
        using var listed = await server.Http.GetAsync("/schemas", Ct);
        using var bySubjectBody = JsonDocument.Parse(await bySubject.Content.ReadAsStringAsync(Ct));
        using var byIdBody = JsonDocument.Parse(await byId.Content.ReadAsStringAsync(Ct));
        using var listedBody = JsonDocument.Parse(await listed.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.NotFound, bySubject.StatusCode);
        Assert.Equal(40401, bySubjectBody.RootElement.GetProperty("error_code").GetInt32());
        Assert.Contains("native API", bySubjectBody.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(40403, byIdBody.RootElement.GetProperty("error_code").GetInt32());
        Assert.Equal(0, listedBody.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task The_confluent_api_refuses_a_json_schema_under_a_tool_subject()
    {
        await using var server = await StartWithToolAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/subjects/tools.weather/versions")
        {
            Content = new StringContent("""{"schema":"{\"type\":\"object\"}"}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/vnd.schemaregistry.v1+json");

        using var response = await server.Http.SendAsync(request, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(42201, body.RootElement.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task The_binary_client_registers_and_reads_a_tool_with_its_type()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()], ClientName = "tools" });

        var registered = await client.RegisterAsync("tools.weather", OpenAiTool, SchemaType.Tool, Ct);
        var read = await client.GetVersionAsync("tools.weather", cancellationToken: Ct);
        var byId = await client.GetSchemaAsync(registered.SchemaId, Ct);

        Assert.Equal(SchemaType.Tool, read.SchemaType);
        Assert.Equal(SchemaType.Tool, byId.SchemaType);
        Assert.StartsWith("""{"name":"get_weather","description":"Weather","inputSchema":""", Encoding.UTF8.GetString(read.Schema.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_protocol_version_1_connection_gets_an_error_status_not_a_type_it_cannot_read()
    {
        await using var server = await StartWithToolAsync();
        await using var wire = await FrameStream.ConnectAsync(server.BinaryEndpoint);

        await wire.SendAsync(
            FrameStream.Request(1, new HelloRequest { MinVersion = 1, MaxVersion = 1, ClientName = "old" }),
            FrameStream.Request(2, new GetVersionRequest { Subject = "tools.weather", Version = -1 }),
            FrameStream.GetSchemaById(3, 1));
        var hello = await wire.ReadAsync();
        var version = await wire.ReadAsync();
        var schema = await wire.ReadAsync();

        Assert.Equal(StatusCode.Ok, hello.Status);
        Assert.Equal((StatusCode.SchemaTypeMismatch, StatusCode.SchemaTypeMismatch), (version.Status, schema.Status));
        Assert.Contains("need version 3", version.ErrorMessage, StringComparison.Ordinal);
    }
}
