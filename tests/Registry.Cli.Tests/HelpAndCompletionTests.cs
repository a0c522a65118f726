namespace Registry.Cli.Tests;

public sealed class HelpAndCompletionTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    public static TheoryData<string> Commands =>
    [
        "validate", "compat", "lint", "completion", "health",
        "subjects", "subjects list", "subjects show", "subjects delete",
        "schemas", "schemas get", "schemas register", "schemas lookup",
        "versions", "versions list", "versions show", "versions state", "versions metadata", "versions diff",
        "config", "config get", "config set", "config clear",
        "mode", "mode get", "mode set", "mode clear",
        "backup", "restore",
        "toolsets", "toolsets list", "toolsets show", "toolsets put", "toolsets delete", "toolsets check", "toolsets export",
        "check-output", "keys", "keys create", "keys list", "keys revoke", "audit", "audit list", "audit verify",
        "alias", "alias list", "alias show", "alias set", "alias delete", "alias history", "render", "transform",
    ];

    [Fact]
    public async Task The_help_list_covers_every_command_the_tool_has()
    {
        var found = new List<string>();
        var pending = new Queue<string>([""]);
        while (pending.TryDequeue(out var command))
        {
            var (_, stdout, _) = await CliRunner.RunAsync("", [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
            var lines = stdout.Split('\n');
            var start = Array.IndexOf(lines, "Commands:");
            for (var i = start + 1; start >= 0 && i < lines.Length && lines[i].StartsWith("  ", StringComparison.Ordinal); i++)
            {
                var name = (command + " " + lines[i].Trim().Split(' ')[0]).Trim();
                found.Add(name);
                pending.Enqueue(name);
            }
        }

        Assert.Equal(Commands.Select(row => (string)row.Data).Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_of_every_command_shows_usage_and_exit_codes(string command)
    {
        var words = command.Split(' ');

        var (code, stdout, _) = await CliRunner.RunAsync("", [.. words, "--help"]);

        Assert.Equal(0, code);
        // The usage line names the executable: "registry" when installed, the test host's name here.
        Assert.Contains($"{System.CommandLine.RootCommand.ExecutableName} {command}", stdout, StringComparison.Ordinal);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        Assert.Contains("Exit codes:", stdout, StringComparison.Ordinal);
        Assert.Contains("  0  ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remote_commands_say_where_the_server_is_taken_from()
    {
        var (_, stdout, _) = await CliRunner.RunAsync("", "versions", "show", "--help");

        Assert.Contains("--server", stdout, StringComparison.Ordinal);
        Assert.Contains("--binary", stdout, StringComparison.Ordinal);
        Assert.Contains("$REGISTRY_URL", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_without_a_sub_command_is_bad_input()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", "versions");

        Assert.Equal(2, code);
        Assert.StartsWith("registry versions: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_suggest_directive_completes_commands_and_options()
    {
        var commands = await CliRunner.RunAsync("", "[suggest:13]", "registry vers");
        var options = await CliRunner.RunAsync("", "[suggest:29]", "registry config set --level F");

        Assert.Equal(0, commands.ExitCode);
        var suggested = commands.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("versions", suggested);
        Assert.DoesNotContain("subjects", suggested);
        Assert.Equal(["FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"],
            options.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Subject_names_are_completed_from_the_server()
    {
        var subject = RemoteFixture.Subject("http", "complete");
        await registry.RegisterAsync("http", subject, SchemaFiles.Person);
        var line = $"registry versions list --server http://{registry.Server.HttpEndpoint} {subject[..20]}";

        var (code, stdout, _) = await CliRunner.RunAsync("", $"[suggest:{line.Length}]", line);

        Assert.Equal(0, code);
        Assert.Contains(subject, stdout.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _registry_complete registry")]
    [InlineData("zsh", "compdef _registry_complete registry")]
    [InlineData("fish", "complete -c registry")]
    [InlineData("powershell", "Register-ArgumentCompleter -Native -CommandName registry")]
    public async Task Completion_prints_a_script_that_uses_the_suggest_directive(string shell, string expected)
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "completion", shell);

        Assert.Equal(0, code);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
        Assert.Contains("[suggest:", stdout, StringComparison.Ordinal);
    }
}
