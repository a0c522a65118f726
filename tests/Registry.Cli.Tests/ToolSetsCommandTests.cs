using System.Text.Json;

namespace Registry.Cli.Tests;

/// <summary><c>registry toolsets ...</c> over HTTP and the binary protocol: the same answers from both.</summary>
public sealed class ToolSetsCommandTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    private const string Strict = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";
    private const string Loose = """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}""";

    private async Task<(string Set, string Weather, string Search)> SeedAsync(string transport)
    {
        var weather = RemoteFixture.Subject(transport, "weather");
        var search = RemoteFixture.Subject(transport, "search");
        await registry.RegisterAsync(transport, weather, Strict);
        await registry.RegisterAsync(transport, search, Loose);
        return (RemoteFixture.Subject(transport, "set"), weather, search);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task A_set_is_put_shown_listed_exported_and_deleted(string transport)
    {
        var (set, weather, search) = await SeedAsync(transport);
        var file = registry.Write($$"""{"tools":[{"subject":"{{weather}}","name":"get_weather","description":"Weather now"},{"subject":"{{search}}","version":"1","name":"search","strict":false}]}""");

        var created = await registry.RunAsync(transport, "toolsets", "put", set, file);
        var replaced = await registry.RunAsync(transport, "toolsets", "put", set, file, "--json");
        var shown = await registry.RunAsync(transport, "toolsets", "show", set, "--json");
        var listed = await registry.RunAsync(transport, "toolsets", "list");
        var exported = await registry.RunAsync(transport, "toolsets", "export", set, "--format", "anthropic");
        var deleted = await registry.RunAsync(transport, "toolsets", "delete", set);
        var gone = await registry.RunAsync(transport, "toolsets", "show", set);

        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.StartsWith($"created tool set {set} (2 tools)", created.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, replaced.ExitCode);
        Assert.Equal(0, shown.ExitCode);
        var stored = JsonDocument.Parse(shown.Stdout).RootElement;
        Assert.Equal(set, stored.GetProperty("name").GetString());
        var tools = stored.GetProperty("tools");
        Assert.Equal(("get_weather", "latest", true), (tools[0].GetProperty("name").GetString(), tools[0].GetProperty("version").GetString(), tools[0].GetProperty("strict").GetBoolean()));
        Assert.Equal(("search", "1", false), (tools[1].GetProperty("name").GetString(), tools[1].GetProperty("version").GetString(), tools[1].GetProperty("strict").GetBoolean()));
        Assert.Contains(set, listed.Stdout.Split('\n'));
        Assert.Equal(0, exported.ExitCode);
        Assert.Equal(["get_weather", "search"], JsonDocument.Parse(exported.Stdout).RootElement.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal((0, $"deleted tool set {set}\n"), (deleted.ExitCode, deleted.Stdout));
        Assert.Equal(3, gone.ExitCode);
        Assert.Contains("toolset_not_found", gone.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Check_exits_1_naming_the_rejected_tool_and_0_when_every_profile_accepts(string transport)
    {
        var (set, weather, search) = await SeedAsync(transport);
        await registry.RunAsync(transport, "toolsets", "put", set, registry.Write($$"""{"tools":[{"subject":"{{weather}}","name":"get_weather"},{"subject":"{{search}}","name":"search"}]}"""));

        var rejected = await registry.RunAsync(transport, "toolsets", "check", set, "--profile", "openai-strict");
        var both = await registry.RunAsync(transport, "toolsets", "check", set, "--profile", "openai-strict", "--profile", "mcp-tool", "--json");
        var accepted = await registry.RunAsync(transport, "toolsets", "check", set, "--profile", "mcp-tool");

        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("openai-strict (", rejected.Stdout, StringComparison.Ordinal);
        Assert.Contains("tool 1 search: rejected", rejected.Stdout, StringComparison.Ordinal);
        Assert.Contains("rejected PROPERTY_NOT_REQUIRED #/properties/unit", rejected.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, both.ExitCode);
        var answer = JsonDocument.Parse(both.Stdout).RootElement;
        Assert.False(answer.GetProperty("accepted").GetBoolean());
        Assert.Equal(["openai-strict", "mcp-tool"], answer.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("profile").GetString()));
        Assert.True(accepted.ExitCode == 0, accepted.Stdout + accepted.Stderr);
        Assert.Contains("mcp-tool (", accepted.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task A_missing_subject_is_refused_and_a_malformed_file_is_bad_input(string transport)
    {
        var set = RemoteFixture.Subject(transport, "bad");

        var missing = await registry.RunAsync(transport, "toolsets", "put", set, registry.Write("""{"tools":[{"subject":"nobody.at.all"}]}"""));
        var noTools = await registry.RunAsync(transport, "toolsets", "put", set, registry.Write("""{"sets":[]}"""));
        var noSubject = await registry.RunAsync(transport, "toolsets", "put", set, registry.Write("""{"tools":[{"name":"x"}]}"""));
        var badFormat = await registry.RunAsync(transport, "toolsets", "export", set, "--format", "bedrock");

        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("subject_not_found", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, noTools.ExitCode);
        Assert.Contains("has no \"tools\" list", noTools.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, noSubject.ExitCode);
        Assert.Contains("tool 0 has no \"subject\"", noSubject.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badFormat.ExitCode);
        Assert.DoesNotContain("System.", missing.Stderr + noTools.Stderr + noSubject.Stderr, StringComparison.Ordinal);
    }
}
