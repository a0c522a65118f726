using Registry.Cli;
using Registry.Cli.Terminal;

namespace Registry.Cli.Tests;

/// <summary>Runs the <c>registry</c> tool in-process with captured standard streams and no environment variables.</summary>
internal static class CliRunner
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args) =>
        RunWithEnvironmentAsync(stdin, new Dictionary<string, string>(), args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithEnvironmentAsync(
        string stdin, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(input, output, error, environment: name => environment.GetValueOrDefault(name));
        var code = await CommandLine.RunAsync(args, console, cancellationToken: TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
