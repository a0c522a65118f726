using System.Net;

namespace Registry.Server.Tests;

/// <summary>
/// The default draft over the native API: <c>default_draft</c> in a subject's configuration, the server setting
/// <c>Registry:Engine:DefaultDraft</c>, and what each makes of a schema that names no <c>$schema</c>.
/// </summary>
public sealed class DefaultDraftEndpointTests
{
    /// <summary>A string by reference, with a sibling <c>maxLength</c>: ignored beside <c>$ref</c> in draft-07, applied in 2020-12.</summary>
    private const string RefSibling = """{"definitions":{"code":{"type":"string"}},"$ref":"#/definitions/code","maxLength":2}""";

    private static async Task<bool> ValidAsync(HttpClient http, string path, string document)
    {
        var (code, body) = await http.PostJsonAsync(path, document);
        Assert.Equal(HttpStatusCode.OK, code);
        return body.GetProperty("valid").GetBoolean();
    }

    [Fact]
    public async Task A_subject_default_draft_is_stored_shown_and_applied()
    {
        await using var server = await InProcessServer.StartAsync();
        var http = server.Http;

        var (_, before) = await http.GetJsonAsync("/v1/config/readings");
        var (status, config) = await http.PutJsonAsync("/v1/config/readings", """{"default_draft":"draft-07"}""");
        await http.RegisterAsync("readings", RefSibling);
        await http.RegisterAsync("others", RefSibling);

        Assert.Equal("2020-12", before.GetProperty("effective").GetProperty("default_draft").GetString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("draft-07", config.GetProperty("stored").GetProperty("default_draft").GetString());
        Assert.Equal("draft-07", config.GetProperty("effective").GetProperty("default_draft").GetString());
        Assert.True(await ValidAsync(http, "/v1/subjects/readings/versions/1/validate", "\"abc\""));
        Assert.False(await ValidAsync(http, "/v1/subjects/others/versions/1/validate", "\"abc\""));
    }

    [Fact]
    public async Task An_unknown_draft_and_a_registry_wide_draft_are_refused_with_what_to_do()
    {
        await using var server = await InProcessServer.StartAsync();

        var (unknown, body) = await server.Http.PutJsonAsync("/v1/config/readings", """{"default_draft":"draft-05"}""");
        var (global, globalBody) = await server.Http.PutJsonAsync("/v1/config", """{"default_draft":"draft-07"}""");

        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("draft-07", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, global);
        Assert.Contains("Registry:Engine:DefaultDraft", globalBody.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_setting_is_the_native_default()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Engine:DefaultDraft"] = "draft-07" });

        await server.Http.RegisterAsync("readings", RefSibling);
        var (_, config) = await server.Http.GetJsonAsync("/v1/config/readings");

        Assert.True(await ValidAsync(server.Http, "/v1/subjects/readings/versions/1/validate", "\"abc\""));
        Assert.Equal("draft-07", config.GetProperty("effective").GetProperty("default_draft").GetString());
    }
}
