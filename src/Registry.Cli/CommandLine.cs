using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Registry.Cli.Commands;
using Registry.Cli.Terminal;

namespace Registry.Cli;

/// <summary>
/// Entry point of the <c>registry</c> tool: the command tree (System.CommandLine), parse errors as exit code 2, and
/// help that lists each command's exit codes.
/// </summary>
internal static partial class CommandLine
{
    private const string RootExitCodes = """
          0  success (and, for checks, a positive answer)
          1  a negative answer: an invalid document, an incompatible schema, a lookup that found nothing
          2  bad input: unknown command or option, unreadable file, invalid JSON
          3  the server refused the request (not found, illegal transition, invalid schema, ...)
          4  the server could not be reached, timed out, or failed
        """;

    /// <summary>Runs the tool with the given streams (the environment is the process's).</summary>
    public static Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, new CliConsole(stdin, stdout, stderr));

    /// <summary>Runs the tool; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, bool handleSignals = false, CancellationToken cancellationToken = default)
    {
        var kit = new CommandKit(console);
        var root = Build(kit);
        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = handleSignals ? TimeSpan.FromSeconds(2) : null,
        };

        if (args.Length == 0)
        {
            // Usage on standard output, but a failure: a bare "registry" in a script is a mistake.
            await root.Parse(["--help"]).InvokeAsync(invocation, cancellationToken);
            return ExitCodes.BadInput;
        }

        // No response files: "@production" is an alias (docs/artifacts.md), not a file of arguments to read.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            var name = CommandKit.Name(parse);
            var said = new HashSet<string>(StringComparer.Ordinal);
            foreach (var error in parse.Errors)
            {
                // "registry frobnicate" is an unknown command; that no command was given as well goes without saying.
                if (parse.Errors.Count > 1 && parse.CommandResult.Command.Subcommands.Count > 0
                    && error.Message.StartsWith("Required command", StringComparison.Ordinal))
                {
                    continue;
                }

                // The parser's own words name .NET types and repeat themselves per missing argument: say it plainly, once.
                var message = Plain(error.Message, parse);
                if (said.Add(message))
                {
                    await console.Error.WriteLineAsync($"{name}: {message}");
                }
            }

            await console.Error.WriteLineAsync($"Run '{name} --help' for the options and exit codes.");
            return ExitCodes.BadInput;
        }

        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("registry: interrupted");
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>A parse error in the tool's words: no .NET type names, the missing arguments named.</summary>
    internal static string Plain(string message, ParseResult parse)
    {
        var conversion = ConversionError().Match(message);
        if (conversion.Success)
        {
            var type = conversion.Groups["type"].Value;
            if (type.StartsWith("System.Nullable`1[", StringComparison.Ordinal))
            {
                type = type["System.Nullable`1[".Length..].TrimEnd(']');
            }

            var kind = type switch
            {
                "System.Int16" or "System.Int32" or "System.Int64" or "System.UInt16" or "System.UInt32" or "System.UInt64" => "a whole number",
                "System.Double" or "System.Single" or "System.Decimal" => "a number",
                "System.Boolean" => "true or false",
                "System.DateTimeOffset" or "System.DateTime" => "a date and time",
                _ => "a value this accepts",
            };
            var where = conversion.Groups["symbol"].Value == "option" ? conversion.Groups["name"].Value + ": " : "";
            return $"{where}'{conversion.Groups["value"].Value}' is not {kind}";
        }

        if (message.StartsWith("Required argument missing", StringComparison.Ordinal))
        {
            var missing = parse.CommandResult.Command.Arguments
                .Where(a => a.Arity.MinimumNumberOfValues > 0 && parse.GetResult(a) is not ArgumentResult { Tokens.Count: > 0 })
                .Select(a => $"<{a.HelpName ?? a.Name}>")
                .ToList();
            if (missing.Count > 0)
            {
                return $"missing {string.Join(" and ", missing)}";
            }
        }

        return message;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?<symbol>option|command|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'\.?$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex ConversionError();

    private static RootCommand Build(CommandKit kit)
    {
        var root = new RootCommand("The LLM Schema Registry's command-line tool: check schemas and documents on this machine, and manage a registry server.")
        {
            kit.Json,
        };
        root.Add(ValidateCommand.Create(kit));
        root.Add(CheckOutputCommand.Create(kit));
        root.Add(CompatCommand.Create(kit));
        root.Add(LintCommand.Create(kit));
        root.Add(ArtifactCommands.CreateTransform(kit));
        root.Add(ToolSetsCommand.Create(kit));
        root.Add(SubjectsCommand.Create(kit));
        root.Add(SchemasCommand.Create(kit));
        root.Add(VersionsCommand.Create(kit));
        root.Add(ConfigCommand.Create(kit));
        root.Add(ConfigCommand.CreateMode(kit));
        root.Add(ArtifactCommands.CreateAlias(kit));
        root.Add(ArtifactCommands.CreateRender(kit));
        root.Add(HealthCommand.Create(kit));
        root.Add(SecurityCommands.CreateKeys(kit));
        root.Add(SecurityCommands.CreateAudit(kit));
        root.Add(BackupCommand.CreateBackup(kit));
        root.Add(BackupCommand.CreateRestore(kit));
        root.Add(CompletionCommand.Create(kit));
        kit.DescribeExitCodes(root, RootExitCodes);

        foreach (var option in root.Options)
        {
            if (option is HelpOption help && help.Action is HelpAction standard)
            {
                help.Action = new HelpWithExitCodes(standard, kit);
            }
        }

        return root;
    }

    /// <summary>The standard help, followed by the command's exit codes and, for remote commands, where the server is.</summary>
    private sealed class HelpWithExitCodes(HelpAction standard, CommandKit kit) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            standard.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            if (kit.ExitCodesOf(parseResult.CommandResult.Command) is { } codes)
            {
                output.WriteLine("Exit codes:");
                output.WriteLine(codes.TrimEnd());
                output.WriteLine();
            }

            if (parseResult.CommandResult.Command.Options.Any(o => o.Name == "--server"))
            {
                output.WriteLine($"Server: --server, else ${RemoteOptions.UrlVariable}, else {RemoteOptions.DefaultHttp} ({RemoteOptions.DefaultBinary} with --binary).");
                output.WriteLine();
            }

            return ExitCodes.Ok;
        }
    }
}
