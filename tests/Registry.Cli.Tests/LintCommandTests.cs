using System.Text.Json;

namespace Registry.Cli.Tests;

public sealed class LintCommandTests : IDisposable
{
    private const string Strict = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";
    private const string Loose = """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}""";

    private readonly string _folder = Directory.CreateTempSubdirectory("registry-lint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task An_accepted_schema_exits_with_0()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "lint", "--profile", "openai-strict", "--profile", "anthropic-strict", Write("s.json", Strict));

        Assert.Equal(0, code);
        Assert.Contains("openai-strict (", stdout, StringComparison.Ordinal);
        Assert.Contains("anthropic-strict (", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_schema_exits_with_1_and_names_each_violation_with_its_pointer()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "lint", "--profile", "openai-strict", Write("s.json", Loose));

        Assert.Equal(1, code);
        Assert.Contains("rejected ADDITIONAL_PROPERTIES_NOT_FALSE #", stdout, StringComparison.Ordinal);
        Assert.Contains("rejected PROPERTY_NOT_REQUIRED #/properties/unit", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_lists_the_results_per_profile()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "lint", "--profile", "openai-strict", Write("s.json", Loose), "--json");

        Assert.Equal(1, code);
        var results = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("openai-strict", results[0].GetProperty("profile").GetString());
        Assert.False(results[0].GetProperty("accepted").GetBoolean());
        Assert.Contains(results[0].GetProperty("violations").EnumerateArray(), v => v.GetProperty("pointer").GetString() == "#/properties/unit");
    }

    [Fact]
    public async Task Unknown_profiles_unreadable_files_and_invalid_json_exit_with_2()
    {
        var unknown = await CliRunner.RunAsync("", "lint", "--profile", "gpt-9", Write("s.json", Strict));
        var missing = await CliRunner.RunAsync("", "lint", "--profile", "gemini", Path.Combine(_folder, "missing.json"));
        var invalid = await CliRunner.RunAsync("", "lint", "--profile", "gemini", Write("bad.json", """{"type": """));

        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("cannot be checked", invalid.Stderr, StringComparison.Ordinal);
    }
}
