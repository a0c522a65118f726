using System.Text.Json;

namespace Registry.Cli.Tests;

/// <summary><c>registry lint --subject</c>: a registered version linted on the server, over HTTP and the binary protocol.</summary>
public sealed class RemoteLintTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    private const string Strict = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";
    private const string Loose = """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}""";

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task A_registered_version_is_linted_on_the_server_and_each_violation_named(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "lint");
        var strict = RemoteFixture.Subject(transport, "lintstrict");
        await registry.RegisterAsync(transport, subject, Loose);
        await registry.RegisterAsync(transport, strict, Strict);

        var v1 = await registry.RunAsync(transport, "lint", "--subject", subject, "--version", "1", "--profile", "openai-strict");
        var latest = await registry.RunAsync(transport, "lint", "--subject", strict, "--profile", "openai-strict", "--profile", "anthropic-strict");

        Assert.Equal(1, v1.ExitCode);
        Assert.Contains("openai-strict (", v1.Stdout, StringComparison.Ordinal);
        Assert.Contains("rejected PROPERTY_NOT_REQUIRED #/properties/unit", v1.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{subject} version 1", v1.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, latest.ExitCode);
        Assert.Contains("anthropic-strict (", latest.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Json_output_lists_each_profiles_report(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "lintjson");
        await registry.RegisterAsync(transport, subject, Loose);

        var (code, stdout, _) = await registry.RunAsync(transport, "lint", "--subject", subject, "--profile", "openai-strict", "--json");

        Assert.Equal(1, code);
        var report = Assert.Single(JsonDocument.Parse(stdout).RootElement.EnumerateArray());
        Assert.Equal("openai-strict", report.GetProperty("profile").GetString());
        Assert.False(report.GetProperty("accepted").GetBoolean());
        Assert.Contains(report.GetProperty("violations").EnumerateArray(), v => v.GetProperty("pointer").GetString() == "#/properties/unit" && v.GetProperty("effect").GetString() == "rejected");
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task A_missing_subject_is_refused_and_a_file_with_subject_is_bad_input(string transport)
    {
        var missing = await registry.RunAsync(transport, "lint", "--subject", RemoteFixture.Subject(transport, "nobody"), "--profile", "gemini");
        var both = await registry.RunAsync(transport, "lint", "--subject", "s", "--profile", "gemini", registry.Write(Strict));
        var versionAlone = await CliRunner.RunAsync("", "lint", "--version", "2", "--profile", "gemini", registry.Write(Strict));

        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("subject_not_found", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, both.ExitCode);
        Assert.Equal(2, versionAlone.ExitCode);
    }
}
