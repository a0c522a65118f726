using System.Net;
using System.Text.Json;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>Tool sets over the native API, and a version's lint results returned with it.</summary>
public sealed class ToolSetEndpointTests
{
    private const string Weather = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";
    private const string Loose = """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}""";

    [Fact]
    public async Task A_tool_set_is_stored_read_listed_and_deleted()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("tools.weather", Weather);
        await server.Http.RegisterAsync("tools.search", Loose);

        var (created, body) = await server.Http.PutJsonAsync("/v1/toolsets/assistant",
            """{"tools":[{"subject":"tools.weather","version":"1","name":"get_weather","description":"Weather now"},{"subject":"tools.search","strict":false}]}""");
        var (replaced, _) = await server.Http.PutJsonAsync("/v1/toolsets/assistant",
            """{"tools":[{"subject":"tools.weather","name":"get_weather"},{"subject":"tools.search","version":"latest","name":"search","strict":false}]}""");
        var (read, set) = await server.Http.GetJsonAsync("/v1/toolsets/assistant");
        var (_, names) = await server.Http.GetJsonAsync("/v1/toolsets");
        var (deleted, _) = await server.Http.DeleteJsonAsync("/v1/toolsets/assistant");
        var (gone, goneBody) = await server.Http.GetJsonAsync("/v1/toolsets/assistant");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("get_weather", body.GetProperty("tools")[0].GetProperty("name").GetString());
        Assert.Equal("tools.search", body.GetProperty("tools")[1].GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, replaced);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal(["get_weather", "search"], set.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());
        Assert.Equal("latest", set.GetProperty("tools")[0].GetProperty("version").GetString());
        Assert.False(set.GetProperty("tools")[1].GetProperty("strict").GetBoolean());
        Assert.Equal(["assistant"], names.Strings());
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal((HttpStatusCode.NotFound, "toolset_not_found"), (gone, goneBody.ErrorCode()));
    }

    [Fact]
    public async Task A_tool_set_is_exported_in_each_providers_format()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("tools.weather", Weather);
        await server.Http.PutJsonAsync("/v1/toolsets/assistant", """{"tools":[{"subject":"tools.weather","name":"get_weather","description":"Weather now"}]}""");

        var (openAiStatus, openAi) = await server.Http.GetJsonAsync("/v1/toolsets/assistant?format=openai");
        var (_, anthropic) = await server.Http.GetJsonAsync("/v1/toolsets/assistant?format=anthropic");
        var (_, gemini) = await server.Http.GetJsonAsync("/v1/toolsets/assistant?format=gemini");
        var (_, mcp) = await server.Http.GetJsonAsync("/v1/toolsets/assistant?format=mcp");
        var (unknown, unknownBody) = await server.Http.GetJsonAsync("/v1/toolsets/assistant?format=bedrock");

        Assert.Equal(HttpStatusCode.OK, openAiStatus);
        Assert.Equal("function", openAi[0].GetProperty("type").GetString());
        Assert.Equal("get_weather", openAi[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("get_weather", anthropic[0].GetProperty("name").GetString());
        Assert.Equal("get_weather", gemini[0].GetProperty("functionDeclarations")[0].GetProperty("name").GetString());
        Assert.Equal("get_weather", mcp.GetProperty("tools")[0].GetProperty("name").GetString());
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (unknown, unknownBody.ErrorCode()));
        Assert.Contains("openai, anthropic, gemini and mcp", unknownBody.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_tool_set_is_checked_as_one_request_with_duplicate_and_invalid_names_and_totals()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("tools.weather", Weather);
        await server.Http.RegisterAsync("tools.search", Loose);
        await server.Http.PutJsonAsync("/v1/toolsets/assistant",
            """{"tools":[{"subject":"tools.weather","name":"lookup"},{"subject":"tools.search","name":"lookup"},{"subject":"tools.weather","name":"has space"}]}""");

        var (status, body) = await server.Http.PostJsonAsync("/v1/toolsets/assistant/check?profile=openai-strict", "{}");
        var (allStatus, all) = await server.Http.PostJsonAsync("/v1/toolsets/assistant/check", "{}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("accepted").GetBoolean());
        var report = body.GetProperty("reports")[0];
        Assert.Equal("openai-strict", report.GetProperty("profile").GetString());
        var violations = report.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("name").GetString() + " " + v.GetProperty("pointer").GetString()).ToArray();
        Assert.Contains("TOOL_NAME_DUPLICATE #/tools/1/name", violations);
        Assert.Contains("TOOL_NAME_INVALID #/tools/2/name", violations);
        Assert.Equal(3, report.GetProperty("totals").GetProperty("tools").GetInt32());
        Assert.Equal(4, report.GetProperty("totals").GetProperty("properties").GetInt32());
        Assert.False(report.GetProperty("tools")[1].GetProperty("lint").GetProperty("accepted").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, allStatus);
        Assert.Equal(7, all.GetProperty("reports").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_names_profiles_and_members_are_clear_4xx_errors()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("tools.weather", Weather);
        await server.Http.PutJsonAsync("/v1/toolsets/assistant", """{"tools":[{"subject":"tools.weather"}]}""");

        var (missingSet, missingSetBody) = await server.Http.PostJsonAsync("/v1/toolsets/nothing/check?profile=gemini", "{}");
        var (badProfile, badProfileBody) = await server.Http.PostJsonAsync("/v1/toolsets/assistant/check?profile=gpt-9", "{}");
        var (missingSubject, missingSubjectBody) = await server.Http.PutJsonAsync("/v1/toolsets/other", """{"tools":[{"subject":"nobody"}]}""");
        var (missingVersion, missingVersionBody) = await server.Http.PutJsonAsync("/v1/toolsets/other", """{"tools":[{"subject":"tools.weather","version":"7"}]}""");
        var (badVersion, badVersionBody) = await server.Http.PutJsonAsync("/v1/toolsets/other", """{"tools":[{"subject":"tools.weather","version":"seven"}]}""");
        var (empty, _) = await server.Http.PutJsonAsync("/v1/toolsets/other", """{"tools":[]}""");
        var (badName, _) = await server.Http.PutJsonAsync("/v1/toolsets/bad%20name", """{"tools":[{"subject":"tools.weather"}]}""");
        var (unknownField, unknownFieldBody) = await server.Http.PutJsonAsync("/v1/toolsets/other", """{"tools":[{"subject":"tools.weather","verison":"1"}]}""");
        var (deleteMissing, _) = await server.Http.DeleteJsonAsync("/v1/toolsets/nothing");

        Assert.Equal((HttpStatusCode.NotFound, "toolset_not_found"), (missingSet, missingSetBody.ErrorCode()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (badProfile, badProfileBody.ErrorCode()));
        Assert.Equal((HttpStatusCode.NotFound, "subject_not_found"), (missingSubject, missingSubjectBody.ErrorCode()));
        Assert.Equal((HttpStatusCode.NotFound, "version_not_found"), (missingVersion, missingVersionBody.ErrorCode()));
        Assert.Equal(HttpStatusCode.BadRequest, badVersion);
        Assert.Contains("'seven'", badVersionBody.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.Equal(HttpStatusCode.BadRequest, badName);
        Assert.Equal(HttpStatusCode.BadRequest, unknownField);
        Assert.Contains("verison", unknownFieldBody.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, deleteMissing);
    }

    [Fact]
    public async Task A_version_read_returns_its_lint_result_for_each_profile_the_subject_requires()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("tools.search", Loose);
        var (_, without) = await server.Http.GetJsonAsync("/v1/subjects/tools.search/versions/1");
        await server.Http.PutJsonAsync("/v1/config/tools.search/profiles", """{"profiles":["openai-strict","mcp-tool"]}""");

        var (status, body) = await server.Http.GetJsonAsync("/v1/subjects/tools.search/versions/1");
        var (_, again) = await server.Http.GetJsonAsync("/v1/subjects/tools.search/versions/latest");

        Assert.Equal(0, without.GetProperty("lint").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, status);
        var lint = body.GetProperty("lint");
        Assert.Equal(["openai-strict", "mcp-tool"], lint.EnumerateArray().Select(l => l.GetProperty("profile").GetString()!).ToArray());
        var openAi = lint[0];
        Assert.False(openAi.GetProperty("accepted").GetBoolean());
        Assert.Equal("completed", openAi.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(openAi.GetProperty("profile_version").GetString()));
        var violations = openAi.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("name").GetString() + " " + v.GetProperty("pointer").GetString()).ToArray();
        Assert.Contains("PROPERTY_NOT_REQUIRED #/properties/unit", violations);
        Assert.True(lint[1].GetProperty("accepted").GetBoolean());
        Assert.Equal(lint.GetRawText(), again.GetProperty("lint").GetRawText());
    }
}
