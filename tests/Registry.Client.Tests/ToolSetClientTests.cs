using System.Text.Json;
using Registry.Protocol;
using Registry.Protocol.Messages;

namespace Registry.Client.Tests;

/// <summary>The tool-set methods of <see cref="RegistryClient"/> (TOOLSET) against the server in this process.</summary>
public sealed class ToolSetClientTests
{
    private const string Weather = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";
    private const string Loose = """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}""";

    private static CancellationToken Ct => ClientFixture.Ct;

    [Fact]
    public async Task A_set_is_put_read_listed_checked_exported_and_deleted()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.RegisterAsync("tools.weather", Weather, Ct);
        await f.Client.RegisterAsync("tools.search", Loose, Ct);
        ToolSetTool[] tools = [new("tools.weather", "latest", "get_weather", "Weather now", true), new("tools.search", "1", "search", null, true)];

        var (created, isNew) = await f.Client.PutToolSetAsync("assistant", tools, Ct);
        var (_, isNewAgain) = await f.Client.PutToolSetAsync("assistant", tools, Ct);
        var read = await f.Client.GetToolSetAsync("assistant", Ct);
        var names = await f.Client.ListToolSetsAsync(Ct);
        var strict = await f.Client.CheckToolSetAsync("assistant", ["openai-strict"], Ct);
        var mcp = await f.Client.CheckToolSetAsync("assistant", ["mcp-tool"], Ct);
        var exported = await f.Client.ExportToolSetAsync("assistant", "openai", cancellationToken: Ct);
        await f.Client.DeleteToolSetAsync("assistant", Ct);

        Assert.True(isNew);
        Assert.False(isNewAgain);
        Assert.Equal(tools, created.Tools);
        Assert.Equal(tools, read.Tools);
        Assert.Equal("client-tests", read.UpdatedBy);
        Assert.Equal(["assistant"], names);

        // "search" leaves "unit" optional and its object open: strict OpenAI refuses it; MCP does not mind.
        Assert.False(strict.Accepted);
        Assert.Contains("PROPERTY_NOT_REQUIRED", strict.ToString(), StringComparison.Ordinal);
        Assert.True(mcp.Accepted);
        using (var json = JsonDocument.Parse(exported))
        {
            Assert.Equal(["get_weather", "search"], json.RootElement.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()));
        }

        Assert.Empty(await f.Client.ListToolSetsAsync(Ct));
        var gone = await Assert.ThrowsAsync<RegistryRequestException>(async () => await f.Client.GetToolSetAsync("assistant", Ct));
        Assert.Equal(StatusCode.ToolSetNotFound, gone.Status);
        Assert.Contains("assistant", gone.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_set_naming_a_missing_subject_is_refused_with_the_subjects_own_status()
    {
        await using var f = await ClientFixture.StartAsync();

        var e = await Assert.ThrowsAsync<RegistryRequestException>(async () =>
            await f.Client.PutToolSetAsync("assistant", [new ToolSetTool("tools.none", "latest", "none", null, true)], Ct));

        Assert.Equal(StatusCode.SubjectNotFound, e.Status);
        Assert.Empty(await f.Client.ListToolSetsAsync(Ct));
    }
}
