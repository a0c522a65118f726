using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>LLM artifact types over HTTP: tool conversion on the native API, and the Confluent API keeping JSON only.</summary>
public sealed class ArtifactTypeEndpointTests
{
    private const string OpenAiTool = """{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    [Fact]
    public async Task A_tool_is_converted_to_each_format_and_back_to_the_same_canonical_form()
    {
        await using var server = await InProcessServer.StartAsync();

        var (status, mcp) = await server.Http.PostJsonAsync("/v1/tools/convert?format=mcp", OpenAiTool);
        var (_, anthropic) = await server.Http.PostJsonAsync("/v1/tools/convert?format=anthropic", mcp.GetRawText());
        var (_, back) = await server.Http.PostJsonAsync("/v1/tools/convert?format=mcp", anthropic.GetRawText());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("object", mcp.GetProperty("inputSchema").GetProperty("type").GetString());
        Assert.Equal("get_weather", anthropic.GetProperty("name").GetString());
        Assert.True(anthropic.TryGetProperty("input_schema", out _));
        Assert.Equal(mcp.GetRawText(), back.GetRawText());
    }

    [Fact]
    public async Task Converting_away_a_tools_output_schema_says_so()
    {
        await using var server = await InProcessServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tools/convert?format=openai")
        {
            Content = new StringContent("""{"name":"t","inputSchema":{"type":"object"},"outputSchema":{"type":"object"}}""", Encoding.UTF8, "application/json"),
        };

        using var response = await server.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("Registry-Tool-Lossy").Single());
    }

    [Theory]
    [InlineData("""{"name":"bad name","inputSchema":{"type":"object"}}""", "#/name")]
    [InlineData("""{"name":"t","inputSchema":{"type":"array"}}""", "#/inputSchema/type")]
    [InlineData("""{"name":"t","input_schema":{"type":"object","properties":{"a":{"type":"strng"}}}}""", "#/input_schema/properties/a")]
    public async Task A_malformed_tool_is_refused_with_each_problem_located(string tool, string location)
    {
        await using var server = await InProcessServer.StartAsync();

        var (status, body) = await server.Http.PostJsonAsync("/v1/tools/convert?format=mcp", tool);

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_schema"), (status, body.ErrorCode()));
        Assert.Contains(body.GetProperty("errors").EnumerateArray(), e => e.GetProperty("schema_location").GetString()!.StartsWith(location, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_format_is_a_400()
    {
        await using var server = await InProcessServer.StartAsync();

        var (status, body) = await server.Http.PostJsonAsync("/v1/tools/convert?format=gemini", OpenAiTool);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (status, body.ErrorCode()));
    }

    [Theory]
    [InlineData("TOOL")]
    [InlineData("PROMPT")]
    [InlineData("AGENT_CARD")]
    public async Task The_confluent_api_refuses_llm_artifact_types_and_points_to_the_native_api(string type)
    {
        await using var server = await InProcessServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/subjects/tools/versions")
        {
            Content = new StringContent($$"""{"schemaType":"{{type}}","schema":"{\"name\":\"t\"}"}""", Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/vnd.schemaregistry.v1+json");

        using var response = await server.Http.SendAsync(request, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(42201, body.RootElement.GetProperty("error_code").GetInt32());
        Assert.Contains("native API", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
