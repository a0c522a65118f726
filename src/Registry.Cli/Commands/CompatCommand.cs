using System.CommandLine;
using Registry.Cli.Remote;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry compat --old old.json [--old newer.json ...] --new new.json [--level BACKWARD] [--policy STRICT] [--draft 2020-12] [--json]</c>:
/// checks on this machine whether the new schema may follow the old one(s) (oldest first).
/// </summary>
internal static class CompatCommand
{
    private const string ExitCodeHelp = """
          0  compatible
          1  incompatible
          2  bad input: options, an unreadable file, invalid JSON, a document that is not a schema
        """;

    public static Command Create(CommandKit kit)
    {
        var old = new Option<string[]>("--old")
        {
            Description = "An earlier version; repeat for several, oldest first (the _TRANSITIVE levels check them all)",
            HelpName = "PATH",
            Required = true,
        };
        var @new = new Option<string>("--new") { Description = "The new version", HelpName = "PATH", Required = true };
        var level = CommandKit.Choice("--level", ApiNames.Levels, $"{string.Join(", ", ApiNames.Levels)} (default BACKWARD)", "LEVEL");
        var policy = CommandKit.Choice(
            "--policy",
            ApiNames.Policies,
            "STRICT (default): adding a property to an open content model is incompatible; LENIENT: adding an optional property to an open content model is compatible",
            "POLICY");
        var draft = CommandKit.Draft("The draft of the schemas that have no $schema: draft-04, draft-06, draft-07 (as Confluent reads them), 2019-09 or 2020-12 (default)");
        var command = new Command("compat", "Check whether a new schema is compatible with earlier ones (on this machine)") { old, @new, level, policy, draft };
        kit.DescribeExitCodes(command, ExitCodeHelp);
        command.SetAction(async (parse, ct) =>
        {
            var oldFiles = parse.GetValue(old)!;
            var newFile = parse.GetValue(@new)!;
            var chosenLevel = (CompatibilityLevel)Array.IndexOf(ApiNames.Levels, parse.GetValue(level) ?? "BACKWARD");
            var chosenPolicy = (CompatibilityPolicy)Array.IndexOf(ApiNames.Policies, parse.GetValue(policy) ?? "STRICT");
            var earlier = new ReadOnlyMemory<byte>[oldFiles.Length];
            for (var i = 0; i < oldFiles.Length; i++)
            {
                if (await ReadAsync(kit, oldFiles[i], ct) is not { } bytes)
                {
                    return ExitCodes.BadInput;
                }

                earlier[i] = bytes;
            }

            if (await ReadAsync(kit, newFile, ct) is not { } current)
            {
                return ExitCodes.BadInput;
            }

            CompatibilityResult result;
            try
            {
                var options = new CompatibilityOptions { DefaultDraft = parse.GetValue(draft) ?? JsonSchemaDraft.Draft202012 };
                result = CompatibilityChecker.Check(current, earlier, chosenLevel, chosenPolicy, options);
            }
            catch (InvalidSchemaException e)
            {
                var file = e.SchemaIndex < 0 ? newFile : oldFiles[e.SchemaIndex];
                await kit.Console.Error.WriteLineAsync($"registry compat: {file} is not a usable JSON Schema: {e.Message}");
                return ExitCodes.BadInput;
            }

            var report = parse.GetValue(kit.Json)
                ? CompatReport.Json(result, chosenLevel, chosenPolicy, oldFiles)
                : CompatReport.Text(result, chosenLevel, chosenPolicy, oldFiles);
            await kit.Console.Out.WriteAsync(report);
            return result.IsCompatible ? ExitCodes.Ok : ExitCodes.Negative;
        });
        return command;
    }

    private static async Task<byte[]?> ReadAsync(CommandKit kit, string path, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await kit.Console.Error.WriteLineAsync($"registry compat: cannot read '{path}': {e.Message}");
            return null;
        }
    }
}
