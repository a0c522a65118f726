namespace Registry.Cli.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Unknown_command_exits_with_2_and_says_so()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", "frobnicate");

        Assert.Equal(2, code);
        Assert.Contains("Unrecognized command or argument 'frobnicate'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_arguments_prints_usage_and_exits_with_2()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("");

        Assert.Equal(2, code);
        Assert.Contains($"Usage:\n  {System.CommandLine.RootCommand.ExecutableName} [command] [options]", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("Exit codes:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_usage_and_exits_with_0()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--version", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_a_version()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "--version");

        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout);
    }

    [Theory]
    [InlineData("registry schemas get: 'abc' is not a whole number", "schemas", "get", "abc")]
    [InlineData("registry subjects list: --limit: 'abc' is not a whole number", "subjects", "list", "--limit", "abc")]
    [InlineData("registry subjects list: --offset: 'x' is not a whole number", "subjects", "list", "--offset", "x")]
    [InlineData("registry versions list: --timeout: 'soon' is not a number", "versions", "list", "s", "--timeout", "soon")]
    [InlineData("registry audit list: --limit: 'many' is not a whole number", "audit", "list", "--limit", "many")]
    [InlineData("registry validate: --max-errors: 'x' is not a whole number", "validate", "--subject", "s", "--max-errors", "x", "a.json")]
    [InlineData("registry schemas register: --id: '1.5' is not a whole number", "schemas", "register", "s", "a.json", "--id", "1.5", "--version", "1")]
    [InlineData("registry alias history: --limit: 'all' is not a whole number", "alias", "history", "s", "a", "--limit", "all")]
    [InlineData("registry versions show: missing <subject> and <version>", "versions", "show")]
    [InlineData("registry alias set: missing <version>", "alias", "set", "s", "a")]
    public async Task A_value_of_the_wrong_kind_or_a_missing_argument_is_bad_input_said_once_in_plain_words(string expected, params string[] args)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("", args);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var lines = stderr.TrimEnd('\n').Split('\n');
        Assert.Equal(expected, lines[0]);
        Assert.StartsWith("Run 'registry ", lines[^1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain("System.", stderr, StringComparison.Ordinal);
    }
}
