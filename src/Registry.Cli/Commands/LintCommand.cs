using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Registry.Cli.Remote;
using Registry.Schemas.Profiles;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry lint --profile openai-strict [--profile ...] schema.json [--json]</c>: checks on this machine whether
/// model providers accept a schema, naming every violation with its pointer, limit, actual value and effect;
/// <c>registry lint --subject S [--version V] --profile P</c> asks the server about a registered version (HTTP, or the
/// binary protocol's LINT with <c>--binary</c>).
/// </summary>
internal static class LintCommand
{
    private const string ExitCodeHelp = """
          0  every profile accepts the schema (ignored and advisory violations may be listed)
          1  a profile rejects the schema
          2  bad input: options, an unreadable file, invalid JSON, a schema too complex to check
          3  with --subject: the server refused the request (unknown subject or version)
          4  with --subject: the server could not be reached
        """;

    public static Command Create(CommandKit kit)
    {
        var names = ProviderProfiles.All.Select(p => p.Name).ToArray();
        var remote = new RemoteOptions(kit.Console);
        var profile = new Option<string[]>("--profile")
        {
            Description = $"A provider profile; repeat for several ({string.Join(", ", names)})",
            HelpName = "PROFILE",
            Required = true,
        };
        CommandKit.AcceptProfiles(profile, names);
        var file = new Argument<string?>("schema") { Description = "The schema file (or --subject to lint a registered version on the server)", Arity = ArgumentArity.ZeroOrOne };
        var (subject, version) = CommandKit.SubjectAndVersion(remote, "Lint this subject's registered version on the server (references resolved there)");
        var command = new Command("lint", "Check whether model providers accept a schema: a file on this machine, or a registered version on the server") { profile, file, subject, version };
        remote.AddTo(command);
        command.Validators.Add(result =>
        {
            var hasFile = result.GetValue(file) is not null;
            var hasSubject = result.GetValue(subject) is not null;
            if (hasFile == hasSubject)
            {
                result.AddError("give either a schema file or --subject");
            }

            if (result.GetResult(version) is { Implicit: false } && !hasSubject)
            {
                result.AddError("--version goes with --subject");
            }
        });
        kit.DescribeExitCodes(command, ExitCodeHelp);
        command.SetAction(async (parse, ct) =>
        {
            var profiles = parse.GetValue(profile)!.Distinct(StringComparer.Ordinal).ToArray();
            if (parse.GetValue(subject) is { } name)
            {
                return await LintRemotelyAsync(kit, parse, remote, name, parse.GetValue(version)!, profiles, ct);
            }

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
            foreach (var profileName in profiles)
            {
                ProviderProfiles.TryGet(profileName, out var chosen);
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

    private static Task<int> LintRemotelyAsync(CommandKit kit, ParseResult parse, RemoteOptions remote, string subject, string version, string[] profiles, CancellationToken ct)
        => kit.RunRemotelyAsync(parse, remote, async api =>
        {
            var reports = await api.LintVersionAsync(subject, version, profiles, ct);

            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(reports, c => c.IReadOnlyListLintReportModel);
            }
            else
            {
                var where = version == "latest" ? $"{subject} (latest)" : $"{subject} version {version}";
                var text = new StringBuilder();
                foreach (var report in reports)
                {
                    text.Append(report.Profile).Append(" (").Append(report.ProfileVersion).Append("): ")
                        .Append(report.Accepted ? "accepted" : "rejected").Append(", ")
                        .Append(report.Violations.Count.ToString(CultureInfo.InvariantCulture)).Append(" violation(s) in ").AppendLine(where);
                    foreach (var v in report.Violations)
                    {
                        text.Append("  ").Append(v.Effect).Append(' ').Append(v.Name).Append(' ').Append(v.Pointer).Append(": ").Append(v.Message);
                        if (v.Limit is not null || v.Actual is not null)
                        {
                            text.Append(" (limit ").Append(v.Limit ?? "-").Append(", actual ").Append(v.Actual ?? "-").Append(')');
                        }

                        text.AppendLine();
                    }

                    if (report.ViolationsDropped > 0)
                    {
                        text.Append("  ... and ").Append(report.ViolationsDropped.ToString(CultureInfo.InvariantCulture)).AppendLine(" more");
                    }
                }

                await kit.Console.Out.WriteAsync(text.ToString());
            }

            return reports.All(r => r.Accepted) ? ExitCodes.Ok : ExitCodes.Negative;
        });

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
