using System.Text.Json;

namespace Registry.Cli.Tests;

/// <summary>Settings of subjects and of the whole registry; this class has a server of its own, since it changes the global ones.</summary>
public sealed class ConfigCommandTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task A_subjects_level_is_set_shown_beside_the_one_in_force(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "config");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var set = await registry.RunAsync(transport, "config", "set", subject, "--level", "full-transitive", "--policy", "lenient");
        var json = await registry.RunAsync(transport, "config", "get", subject, "--json");

        Assert.Equal(0, set.ExitCode);
        Assert.Matches(@"compatibility\s+FULL_TRANSITIVE\s+FULL_TRANSITIVE", set.Stdout);
        Assert.Matches(@"policy\s+LENIENT\s+LENIENT", set.Stdout);
        Assert.Matches(@"mode\s+-\s+READWRITE", set.Stdout);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal("FULL_TRANSITIVE", document.RootElement.GetProperty("stored").GetProperty("compatibility").GetString());
        Assert.Equal("READWRITE", document.RootElement.GetProperty("effective").GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Clear_makes_a_subject_follow_the_registry_again()
    {
        var subject = RemoteFixture.Subject("http", "clear");
        await registry.RegisterAsync("http", subject, SchemaFiles.Person);
        await registry.RunAsync("http", "config", "set", subject, "--level", "NONE");

        var (code, stdout, _) = await registry.RunAsync("http", "config", "clear", subject, "--json");

        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(stdout);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("stored").GetProperty("compatibility").ValueKind);
    }

    [Theory]
    [InlineData("config", "clear")]
    [InlineData("mode", "clear")]
    public async Task Clear_over_the_binary_protocol_is_not_available_and_exits_with_2(string group, string command)
    {
        var (code, _, stderr) = await registry.RunAsync("binary", group, command, "x");

        Assert.Equal(2, code);
        Assert.Contains("not available over the binary protocol", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_without_a_level_or_policy_is_bad_input()
    {
        var (code, _, stderr) = await registry.RunAsync("http", "config", "set");

        Assert.Equal(2, code);
        Assert.Contains("give --level, --policy or both", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_level_is_bad_input_that_lists_the_levels()
    {
        var (code, _, stderr) = await registry.RunAsync("http", "config", "set", "--level", "SIDEWAYS");

        Assert.Equal(2, code);
        Assert.Contains("unknown value 'SIDEWAYS' (use NONE, BACKWARD", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task The_global_level_is_set_and_read_back(string transport)
    {
        var set = await registry.RunAsync(transport, "config", "set", "--level", "FORWARD");
        var get = await registry.RunAsync(transport, "config", "get", "--json");
        var reset = await registry.RunAsync(transport, "config", "set", "--level", "BACKWARD");

        Assert.Equal(0, set.ExitCode);
        Assert.Matches(@"compatibility\s+FORWARD", set.Stdout);
        using var document = JsonDocument.Parse(get.Stdout);
        Assert.Equal("FORWARD", document.RootElement.GetProperty("compatibility").GetString());
        Assert.Equal(0, reset.ExitCode);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task A_read_only_subject_refuses_registration_with_exit_3(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "readonly");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var set = await registry.RunAsync(transport, "mode", "set", "readonly", subject);
        var get = await registry.RunAsync(transport, "mode", "get", subject, "--json");
        var register = await registry.RunAsync(transport, "schemas", "register", subject, registry.Write(SchemaFiles.PersonWithEmail));
        var back = await registry.RunAsync(transport, "mode", "set", "READWRITE", subject);

        Assert.Equal(0, set.ExitCode);
        Assert.Equal("READONLY", set.Stdout.Trim());
        using var document = JsonDocument.Parse(get.Stdout);
        Assert.Equal("READONLY", document.RootElement.GetProperty("mode").GetString());
        Assert.Equal(3, register.ExitCode);
        Assert.Equal(0, back.ExitCode);
    }

    [Fact]
    public async Task Import_mode_on_a_subject_with_versions_needs_force()
    {
        var subject = RemoteFixture.Subject("http", "import");
        await registry.RegisterAsync("http", subject, SchemaFiles.Person);

        var refused = await registry.RunAsync("http", "mode", "set", "IMPORT", subject);
        var forced = await registry.RunAsync("http", "mode", "set", "IMPORT", subject, "--force");
        var binaryForce = await registry.RunAsync("binary", "mode", "set", "IMPORT", subject, "--force");
        var cleared = await registry.RunAsync("http", "mode", "clear", subject);

        Assert.Equal(3, refused.ExitCode);
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal("IMPORT", forced.Stdout.Trim());
        Assert.Equal(2, binaryForce.ExitCode);
        Assert.Equal(0, cleared.ExitCode);
        Assert.Equal("READWRITE", cleared.Stdout.Trim());
    }
}
