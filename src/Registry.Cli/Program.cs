using Registry.Cli;
using Registry.Cli.Terminal;

return await CommandLine.RunAsync(args, CliConsole.FromProcess(), handleSignals: true).ConfigureAwait(false);
