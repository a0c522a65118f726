using System.CommandLine;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry completion bash|zsh|fish|powershell</c>: prints a script that makes the shell ask the tool itself for
/// completions through System.CommandLine's <c>[suggest:POSITION]</c> directive (commands, options, option values,
/// and subject names from the server).
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # registry: tab completion for bash. Add to ~/.bashrc:  source <(registry completion bash)
        _registry_complete() {
          local IFS=$'\n'
          COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _registry_complete registry
        """;

    private const string Zsh = """
        # registry: tab completion for zsh. Add to ~/.zshrc:  source <(registry completion zsh)
        _registry_complete() {
          local -a candidates
          candidates=("${(@f)$(registry "[suggest:${#BUFFER}]" "${BUFFER}" 2>/dev/null)}")
          compadd -a candidates
        }
        compdef _registry_complete registry
        """;

    private const string Fish = """
        # registry: tab completion for fish. Save as ~/.config/fish/completions/registry.fish
        complete -c registry -f -a '(set -l line (commandline -cp); registry "[suggest:"(string length -- $line)"]" "$line" 2>/dev/null)'
        """;

    private const string PowerShell = """
        # registry: tab completion for PowerShell. Add to $PROFILE:  registry completion powershell | Out-String | Invoke-Expression
        Register-ArgumentCompleter -Native -CommandName registry -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            registry "[suggest:$cursorPosition]" "$commandAst" 2>$null | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }
        """;

    public static Command Create(CommandKit kit)
    {
        var shell = CommandKit.ChoiceArgument("shell", ["bash", "zsh", "fish", "powershell"], "bash, zsh, fish or powershell");
        var command = new Command("completion", "Print the tab-completion script for a shell (it calls 'registry [suggest:N] LINE')") { shell };
        kit.DescribeExitCodes(command, "  0  the script was printed\n  2  unknown shell\n");
        command.SetAction(async (parse, ct) =>
        {
            var script = parse.GetValue(shell) switch
            {
                "bash" => Bash,
                "zsh" => Zsh,
                "fish" => Fish,
                _ => PowerShell,
            };
            await kit.Console.Out.WriteLineAsync(script.AsMemory(), ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}
