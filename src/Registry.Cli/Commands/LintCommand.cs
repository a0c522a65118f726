using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Registry.Schemas.Profiles;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry lint --profile openai-strict [--profile ...] schema.json [--json]</c>: checks on this machine whether
/// model providers accept a schema, naming every violation with its pointer, limit, actual value and effect.
/// </summary>
internal static class LintCommand
{
    private const string ExitCodeHelp = """
          0  every profile accepts the schema (ignored and advisory violations may be listed)
          1  a profile rejects the schema
          2  bad input: options, an unreadable file, invalid JSON, a schema too complex to check
        """;

    public static Command Create(CommandKit kit)
    {
        var names = ProviderProfiles.All.Select(p => p.Name).ToArray();
        var profile = new Option<string[]>("--profile")
        {
            Description = $"A provider profile; repeat for several ({string.Join(", ", names)})",
            HelpName = "PROFILE",
            Required = true,
        };
        profile.AcceptOnlyFromAmong(names);
        profile.CompletionSources.Add(names);
        var file = new Argument<string>("schema") { Description = "The schema file" };
        var command = new Command("lint", "Check whether model providers accept a schema (on this machine)") { profile, file };
        kit.DescribeExitCodes(command, ExitCodeHelp);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            byte[] schema;
            try
            {
                schema = await File.ReadAllBytesAsync(path, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await kit.Console.Error.WriteLineAsync($"registry lint: cannot read '{path}': {e.Message}");
                return ExitCodes.BadInput;
            }

            var results = new List<ProfileLintResult>();
            foreach (var name in parse.GetValue(profile)!.Distinct(StringComparer.Ordinal))
            {
                ProviderProfiles.TryGet(name, out var chosen);
                var result = ProfileLinter.Lint(schema, chosen!, cancellationToken: ct);
                if (result.Status != LintStatus.Completed)
                {
                    await kit.Console.Error.WriteLineAsync($"registry lint: {path} cannot be checked: {result.Error}");
                    return ExitCodes.BadInput;
                }

                results.Add(result);
            }

            await kit.Console.Out.WriteAsync(parse.GetValue(kit.Json) ? Json(results) : Text(results, path));
            return results.All(r => r.IsAccepted) ? ExitCodes.Ok : ExitCodes.Negative;
        });
        return command;
    }

    private static string Json(List<ProfileLintResult> results)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var result in results)
            {
                result.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    private static string Text(List<ProfileLintResult> results, string path)
    {
        var text = new StringBuilder();
        foreach (var result in results)
        {
            text.Append(result.Profile.Name).Append(" (").Append(result.Profile.Version).Append("): ")
                .Append(result.IsAccepted ? "accepted" : "rejected").Append(", ")
                .Append(result.Violations.Count.ToString(CultureInfo.InvariantCulture)).Append(" violation(s) in ").AppendLine(path);
            foreach (var v in result.Violations)
            {
                text.Append("  ").Append(ProfileViolation.EffectName(v.Effect)).Append(' ').Append(v.Name).Append(' ').Append(v.Pointer)
                    .Append(": ").Append(v.Message);
                if (v.Limit is not null || v.Actual is not null)
                {
                    text.Append(" (limit ").Append(v.Limit ?? "-").Append(", actual ").Append(v.Actual ?? "-").Append(')');
                }

                text.AppendLine();
            }

            if (result.ViolationsDropped > 0)
            {
                text.Append("  ... and ").Append(result.ViolationsDropped.ToString(CultureInfo.InvariantCulture)).AppendLine(" more");
            }
        }

        return text.ToString();
    }
}
