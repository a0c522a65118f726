namespace Registry.Cli.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Unknown_command_exits_with_2_and_says_so()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", "frobnicate");

        Assert.Equal(2, code);
        Assert.Contains("unknown command 'frobnicate'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_arguments_prints_usage_and_exits_with_2()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("");

        Assert.Equal(2, code);
        Assert.StartsWith("usage: registry", stdout, StringComparison.Ordinal);
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
