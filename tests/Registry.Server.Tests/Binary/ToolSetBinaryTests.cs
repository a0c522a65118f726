using System.Net;
using System.Text;
using System.Text.Json;
using Registry.Protocol;
using Registry.Protocol.Messages;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests.Binary;

/// <summary>
/// TOOLSET over a real socket: every action, answered by the engine's rules as the HTTP endpoints are (the same check
/// and export bytes, the same refusals), and READONLY refusing writes.
/// </summary>
public sealed class ToolSetBinaryTests
{
    private const string Weather = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";
    private const string Loose = """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}""";

    private static readonly ToolSetTool[] Assistant =
    [
        new("tools.weather", "1", "get_weather", "Weather now ✓", true),
        new("tools.search", "latest", "search", null, false),
    ];

    private static async Task<RawResponse> CallAsync(FrameStream wire, uint id, ToolSetRequest body)
    {
        await wire.SendAsync(FrameStream.Request(id, body));
        var response = await wire.ReadAsync();
        Assert.Equal(id, response.RequestId);
        return response;
    }

    private static ToolSetResponse Ok(RawResponse response)
    {
        Assert.True(response.Status == StatusCode.Ok, ProtocolStatus.GetName(response.Status));
        return response.Body(static (ref Protocol.Wire.ProtocolReader r) => ToolSetResponse.Read(ref r));
    }

    private static async Task<string> HttpTextAsync(HttpClient http, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Fact]
    public async Task A_tool_set_is_put_read_listed_checked_exported_and_deleted_over_binary_as_over_http()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("tools.weather", Weather);
        await server.Http.RegisterAsync("tools.search", Loose);
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint, clientName: "deploy-pipeline");

        var created = Ok(await CallAsync(wire, 2, new ToolSetRequest { Action = ToolSetAction.Put, Name = "assistant", Tools = Assistant }));
        var replaced = Ok(await CallAsync(wire, 3, new ToolSetRequest { Action = ToolSetAction.Put, Name = "assistant", Tools = Assistant }));
        var read = Ok(await CallAsync(wire, 4, new ToolSetRequest { Action = ToolSetAction.Get, Name = "assistant" }));
        var listed = Ok(await CallAsync(wire, 5, new ToolSetRequest { Action = ToolSetAction.List }));
        var checkedOne = Ok(await CallAsync(wire, 6, new ToolSetRequest { Action = ToolSetAction.Check, Name = "assistant", Profiles = ["openai-strict"] }));
        var checkedAll = Ok(await CallAsync(wire, 7, new ToolSetRequest { Action = ToolSetAction.Check, Name = "assistant" }));
        var exported = Ok(await CallAsync(wire, 8, new ToolSetRequest { Action = ToolSetAction.Export, Name = "assistant", Format = "anthropic" }));
        var (httpSetStatus, httpSet) = await server.Http.GetJsonAsync("/v1/toolsets/assistant");
        var httpCheck = await HttpTextAsync(server.Http, HttpMethod.Post, "/v1/toolsets/assistant/check?profile=openai-strict");
        var httpExport = await HttpTextAsync(server.Http, HttpMethod.Get, "/v1/toolsets/assistant?format=anthropic");
        var deleted = Ok(await CallAsync(wire, 9, new ToolSetRequest { Action = ToolSetAction.Delete, Name = "assistant" }));
        var gone = await CallAsync(wire, 10, new ToolSetRequest { Action = ToolSetAction.Get, Name = "assistant" });

        Assert.True(created.Created);
        Assert.False(replaced.Created);
        Assert.NotNull(read.Set);
        Assert.Equal(Assistant, read.Set.Tools);
        Assert.Equal(("assistant", "deploy-pipeline"), (read.Set.Name, read.Set.UpdatedBy));
        Assert.Equal(HttpStatusCode.OK, httpSetStatus);
        Assert.Equal(read.Set.UpdatedAt, httpSet.GetProperty("updated_at").GetDateTimeOffset());
        Assert.Equal(["assistant"], listed.Names);
        Assert.Equal(httpCheck, Encoding.UTF8.GetString(checkedOne.Result!.Value.Span));
        using (var all = JsonDocument.Parse(checkedAll.Result!.Value))
        {
            Assert.Equal(Schemas.Profiles.ProviderProfiles.All.Count, all.RootElement.GetProperty("reports").GetArrayLength());
        }

        Assert.Equal(httpExport, Encoding.UTF8.GetString(exported.Result!.Value.Span));
        Assert.Null(deleted.Set);
        Assert.Null(deleted.Names);
        Assert.Equal(StatusCode.ToolSetNotFound, gone.Status);
    }

    [Fact]
    public async Task The_engines_refusals_come_back_with_their_statuses()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("tools.weather", Weather);
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        Ok(await CallAsync(wire, 2, new ToolSetRequest { Action = ToolSetAction.Put, Name = "assistant", Tools = [Assistant[0]] }));

        var unknownSet = await CallAsync(wire, 3, new ToolSetRequest { Action = ToolSetAction.Check, Name = "nobody" });
        var unknownSubject = await CallAsync(wire, 4, new ToolSetRequest { Action = ToolSetAction.Put, Name = "s", Tools = [new("tools.none", "latest", "none", null, true)] });
        var unknownVersion = await CallAsync(wire, 5, new ToolSetRequest { Action = ToolSetAction.Put, Name = "s", Tools = [new("tools.weather", "7", "w", null, true)] });
        var badVersion = await CallAsync(wire, 6, new ToolSetRequest { Action = ToolSetAction.Put, Name = "s", Tools = [new("tools.weather", "seven", "w", null, true)] });
        var badName = await CallAsync(wire, 7, new ToolSetRequest { Action = ToolSetAction.Put, Name = ".hidden", Tools = [Assistant[0]] });
        var noTools = await CallAsync(wire, 8, new ToolSetRequest { Action = ToolSetAction.Put, Name = "s", Tools = [] });
        var badFormat = await CallAsync(wire, 9, new ToolSetRequest { Action = ToolSetAction.Export, Name = "assistant", Format = "bedrock" });
        var badProfile = await CallAsync(wire, 10, new ToolSetRequest { Action = ToolSetAction.Check, Name = "assistant", Profiles = ["no-such-provider"] });
        var deleteMissing = await CallAsync(wire, 11, new ToolSetRequest { Action = ToolSetAction.Delete, Name = "nobody" });

        Assert.Equal(StatusCode.ToolSetNotFound, unknownSet.Status);
        Assert.Equal(StatusCode.SubjectNotFound, unknownSubject.Status);
        Assert.Equal(StatusCode.VersionNotFound, unknownVersion.Status);
        Assert.Equal(StatusCode.BadRequest, badVersion.Status);
        Assert.Equal(StatusCode.BadRequest, badName.Status);
        Assert.Equal(StatusCode.BadRequest, noTools.Status);
        Assert.Contains("1 to 256 tools", noTools.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(StatusCode.BadRequest, badFormat.Status);
        Assert.Contains("openai, anthropic, gemini and mcp", badFormat.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(StatusCode.BadRequest, badProfile.Status);
        Assert.Equal(StatusCode.ToolSetNotFound, deleteMissing.Status);
        Assert.Equal(["assistant"], Ok(await CallAsync(wire, 12, new ToolSetRequest { Action = ToolSetAction.List })).Names);
    }

    [Fact]
    public async Task A_body_whose_fields_do_not_fit_its_action_is_a_bad_request_and_the_connection_stays_usable()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);

        var getWithoutName = await CallAsync(wire, 2, new ToolSetRequest { Action = ToolSetAction.Get });
        var listWithName = await CallAsync(wire, 3, new ToolSetRequest { Action = ToolSetAction.List, Name = "a" });
        var putWithoutTools = await CallAsync(wire, 4, new ToolSetRequest { Action = ToolSetAction.Put, Name = "a" });
        var getWithTools = await CallAsync(wire, 5, new ToolSetRequest { Action = ToolSetAction.Get, Name = "a", Tools = [Assistant[0]] });
        var exportWithoutFormat = await CallAsync(wire, 6, new ToolSetRequest { Action = ToolSetAction.Export, Name = "a" });
        var listed = Ok(await CallAsync(wire, 7, new ToolSetRequest { Action = ToolSetAction.List }));

        Assert.All(new[] { getWithoutName, listWithName, putWithoutTools, getWithTools, exportWithoutFormat }, r => Assert.Equal(StatusCode.BadRequest, r.Status));
        Assert.Contains("TOOLSET.format", exportWithoutFormat.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(listed.Names!);
    }

    [Fact]
    public async Task In_readonly_mode_puts_and_deletes_are_refused_and_reads_and_checks_still_answer()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("tools.weather", Weather);
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        Ok(await CallAsync(wire, 2, new ToolSetRequest { Action = ToolSetAction.Put, Name = "assistant", Tools = [Assistant[0]] }));
        await wire.SendAsync(FrameStream.Request(3, new SetConfigRequest { Mode = RegistryMode.ReadOnly }));
        Assert.Equal(StatusCode.Ok, (await wire.ReadAsync()).Status);

        var put = await CallAsync(wire, 4, new ToolSetRequest { Action = ToolSetAction.Put, Name = "other", Tools = [Assistant[0]] });
        var delete = await CallAsync(wire, 5, new ToolSetRequest { Action = ToolSetAction.Delete, Name = "assistant" });
        var read = Ok(await CallAsync(wire, 6, new ToolSetRequest { Action = ToolSetAction.Get, Name = "assistant" }));
        var check = Ok(await CallAsync(wire, 7, new ToolSetRequest { Action = ToolSetAction.Check, Name = "assistant", Profiles = ["anthropic-strict"] }));

        Assert.Equal(StatusCode.ModeForbids, put.Status);
        Assert.Equal("The registry is in READONLY mode: tool sets cannot change.", put.ErrorMessage);
        Assert.Equal(StatusCode.ModeForbids, delete.Status);
        Assert.Equal("assistant", read.Set!.Name);
        Assert.NotNull(check.Result);
        Assert.Equal(["assistant"], Ok(await CallAsync(wire, 8, new ToolSetRequest { Action = ToolSetAction.List })).Names);
    }
}
