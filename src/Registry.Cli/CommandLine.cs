using System.Reflection;

namespace Registry.Cli;

/// <summary>Entry point of the <c>registry</c> tool: dispatches the first argument to a command.</summary>
internal static class CommandLine
{
    /// <summary>Exit code for success (and, for checks, a positive answer).</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code for a negative answer (invalid document, incompatible schema).</summary>
    public const int ExitNegative = 1;

    /// <summary>Exit code for bad input: unknown command or option, unreadable file, invalid JSON.</summary>
    public const int ExitBadInput = 2;

    private static readonly ICommand[] Commands = [new Commands.ValidateCommand(), new Commands.CompatCommand()];

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await PrintUsageAsync(stdout).ConfigureAwait(false);
            return args.Length == 0 ? ExitBadInput : ExitOk;
        }

        if (args[0] == "--version")
        {
            var version = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            await stdout.WriteLineAsync(version).ConfigureAwait(false);
            return ExitOk;
        }

        foreach (var command in Commands)
        {
            if (command.Name == args[0])
            {
                return await command.RunAsync(args.AsMemory(1), stdin, stdout, stderr).ConfigureAwait(false);
            }
        }

        await stderr.WriteLineAsync($"registry: unknown command '{args[0]}'. Run 'registry --help'.").ConfigureAwait(false);
        return ExitBadInput;
    }

    private static async Task PrintUsageAsync(TextWriter stdout)
    {
        await stdout.WriteLineAsync("usage: registry <command> [options]").ConfigureAwait(false);
        await stdout.WriteLineAsync().ConfigureAwait(false);
        await stdout.WriteLineAsync("commands:").ConfigureAwait(false);
        foreach (var command in Commands)
        {
            await stdout.WriteLineAsync($"  {command.Name,-10} {command.Summary}").ConfigureAwait(false);
        }

        await stdout.WriteLineAsync("  --version  print the version").ConfigureAwait(false);
    }
}

/// <summary>One sub-command of the <c>registry</c> tool.</summary>
internal interface ICommand
{
    /// <summary>The word that selects the command.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Summary { get; }

    /// <summary>Runs the command with the arguments that follow its name; returns the process exit code.</summary>
    Task<int> RunAsync(ReadOnlyMemory<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr);
}
