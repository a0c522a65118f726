using System.Net;
using System.Text.Json;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

public sealed class OpenApiTests
{
    [Fact]
    public async Task The_openapi_document_describes_the_native_api_with_snake_case_bodies()
    {
        await using var server = await InProcessServer.StartAsync();

        using var response = await server.Http.GetAsync("/openapi/v1.json", Ct);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/subjects", "/v1/subjects/{subject}/versions", "/v1/subjects/{subject}/versions/{version}/state", "/v1/schemas/{id}", "/v1/config/{subject}", "/v1/mode", "/v1/schemas/{id}/validate" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }

        var register = paths.GetProperty("/v1/subjects/{subject}/versions").GetProperty("post");
        var body = register.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.True(body.GetProperty("properties").TryGetProperty("schema_type", out _));
        Assert.True(register.GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(register.GetProperty("responses").TryGetProperty("422", out _));
    }
}
