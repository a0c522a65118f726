using Registry.Cli;

namespace Registry.Cli.Tests;

/// <summary>Runs the <c>registry</c> tool in-process with captured standard streams.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, input, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
