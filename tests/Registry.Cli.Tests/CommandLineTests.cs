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
}
