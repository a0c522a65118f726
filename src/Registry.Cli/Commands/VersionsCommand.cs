using System.CommandLine;
using System.Globalization;
using System.Text;
using Registry.Cli.Remote;
using Registry.Cli.Terminal;

namespace Registry.Cli.Commands;

/// <summary><c>registry versions list|show|state|metadata|diff</c>.</summary>
internal static class VersionsCommand
{
    private const string DiffExitCodes = """
          0  the later version is compatible with the earlier one at the subject's level
          1  it is not (the breaking differences are listed)
          2  bad input
          3  the server refused the request (not found, ...)
          4  the server could not be reached, timed out, or failed
        """;

    public static Command Create(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var command = new Command("versions", "List, show, compare and change the versions of a subject");
        remote.AddTo(command);
        command.Add(List(kit, remote));
        command.Add(Show(kit, remote));
        command.Add(State(kit, remote));
        command.Add(Metadata(kit, remote));
        command.Add(Diff(kit, remote));
        return command;
    }

    internal static void WriteVersionTable(CommandKit kit, IReadOnlyList<VersionSummary> versions) =>
        kit.Console.WriteTable(
            ["version", "id", "state", "semver", "deleted"],
            versions.Select(v => (IReadOnlyList<string?>)[
                v.Version.ToString(CultureInfo.InvariantCulture),
                CommandKit.Number(v.Id),
                v.State,
                v.Semver ?? "",
                v.Deleted ? "yes" : "",
            ]));

    private static Command List(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var deleted = new Option<bool>("--deleted") { Description = "Include soft-deleted versions" };
        var deletedOnly = new Option<bool>("--deleted-only") { Description = "Only soft-deleted versions" };
        var command = new Command("list", "The versions of a subject with their ids, states and labels") { subject, deleted, deletedOnly };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var name = parse.GetValue(subject)!;
            var filter = parse.GetValue(deletedOnly) ? DeletedFilter.Only : parse.GetValue(deleted) ? DeletedFilter.Include : DeletedFilter.Exclude;
            var versions = await kit.Console.WithProgressAsync($"versions of {name}", progress => api.ListVersionsAsync(name, filter, progress, ct));
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(versions, c => c.IReadOnlyListVersionSummary);
            }
            else
            {
                WriteVersionTable(kit, versions);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var version = CommandKit.Version(description: "A version number, latest or @alias", alias: true);
        var deleted = new Option<bool>("--deleted") { Description = "Show a soft-deleted version too" };
        var schemaOnly = new Option<bool>("--schema-only") { Description = "Print only the schema" };
        var command = new Command("show", "A version with its schema, state and metadata") { subject, version, deleted, schemaOnly };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var found = await api.GetVersionAsync(parse.GetValue(subject)!, parse.GetValue(version)!, parse.GetValue(deleted), ct);
            await WriteVersionAsync(kit, parse, found, parse.GetValue(schemaOnly));
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static async Task WriteVersionAsync(CommandKit kit, ParseResult parse, VersionModel version, bool schemaOnly = false)
    {
        if (schemaOnly)
        {
            await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(version.Schema));
            return;
        }

        if (parse.GetValue(kit.Json))
        {
            await kit.Console.WriteJsonAsync(version, c => c.VersionModel);
            return;
        }

        kit.Console.WriteFields(Fields(version));
        await kit.Console.Out.WriteLineAsync();
        await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(version.Schema));
    }

    private static IEnumerable<(string, string?)> Fields(VersionModel v)
    {
        yield return ("subject", v.Subject);
        yield return ("version", v.Version.ToString(CultureInfo.InvariantCulture));
        yield return ("id", CommandKit.Number(v.Id));
        yield return ("type", v.SchemaType);
        yield return ("state", v.Deleted ? v.State + " (soft-deleted)" : v.State);
        yield return ("semver", v.Semver);
        foreach (var field in MetadataFields(v.Metadata))
        {
            yield return field;
        }

        if (v.Deprecation is { } d)
        {
            yield return ("deprecated because", d.Reason);
            yield return ("sunset", d.Sunset is null ? null : CommandKit.Format(d.Sunset));
            yield return ("replacement", d.Replacement);
        }

        foreach (var reference in v.References)
        {
            yield return ("reference", $"{reference.Name} → {reference.Subject} version {reference.Version.ToString(CultureInfo.InvariantCulture)}");
        }

        yield return ("content hash", v.ContentHash);
        yield return ("created", v.CreatedAt is null ? null : CommandKit.Format(v.CreatedAt) + (v.CreatedBy is { } by ? " by " + by : ""));
        yield return ("updated", v.UpdatedAt is null ? null : CommandKit.Format(v.UpdatedAt));
    }

    private static IEnumerable<(string, string?)> MetadataFields(MetadataModel m)
    {
        yield return ("description", m.Description);
        yield return ("owner", m.Owner);
        yield return ("tags", m.Tags is { Count: > 0 } tags ? string.Join(", ", tags) : null);
        foreach (var (key, value) in m.Properties ?? new Dictionary<string, string>())
        {
            yield return ("property " + key, value);
        }
    }

    private static Command State(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var version = CommandKit.Version();
        var state = CommandKit.ChoiceArgument("state", ApiNames.States, "DRAFT, ACTIVE, DEPRECATED or ARCHIVED");
        var reason = new Option<string>("--reason") { Description = "Why (with DEPRECATED)", HelpName = "TEXT" };
        var sunset = new Option<DateTimeOffset?>("--sunset") { Description = "Until when it may be used (with DEPRECATED), e.g. 2026-12-31", HelpName = "DATE" };
        var replacement = new Option<string>("--replacement") { Description = "What replaces it (with DEPRECATED), e.g. orders.v2:1", HelpName = "SUBJECT[:VERSION]" };
        var command = new Command("state", "Move a version through DRAFT → ACTIVE → DEPRECATED → ARCHIVED (DEPRECATED → ACTIVE to reactivate)")
        {
            subject, version, state, reason, sunset, replacement,
        };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var change = new StateChange(parse.GetValue(state)!, parse.GetValue(reason), parse.GetValue(sunset), parse.GetValue(replacement));
            var changed = await api.ChangeStateAsync(parse.GetValue(subject)!, parse.GetValue(version)!, change, ct);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(changed, c => c.VersionModel);
            }
            else
            {
                await kit.Console.Out.WriteLineAsync($"{changed.Subject} version {changed.Version.ToString(CultureInfo.InvariantCulture)} is {changed.State}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Metadata(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var version = CommandKit.Version();
        var description = new Option<string>("--description") { Description = "What the schema is for", HelpName = "TEXT" };
        var owner = new Option<string>("--owner") { Description = "Who owns it", HelpName = "NAME" };
        var tags = new Option<string[]>("--tag") { Description = "A label; repeat for several", HelpName = "TAG" };
        var properties = CommandKit.Properties();
        var command = new Command(
            "metadata",
            "Show a version's metadata, or replace it (no new version) when any of --description, --owner, --tag, --property is given")
        {
            subject, version, description, owner, tags, properties,
        };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var name = parse.GetValue(subject)!;
            var number = parse.GetValue(version)!;
            var replace = parse.GetResult(description) is not null || parse.GetResult(owner) is not null
                || parse.GetResult(tags) is not null || parse.GetResult(properties) is not null;
            VersionModel found;
            if (replace)
            {
                var props = parse.GetValue(properties) ?? [];
                var metadata = new MetadataModel
                {
                    Description = parse.GetValue(description),
                    Owner = parse.GetValue(owner),
                    Tags = parse.GetValue(tags) is { Length: > 0 } t ? t : null,
                    Properties = props.Length > 0 ? props.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) : null,
                };
                found = await api.UpdateMetadataAsync(name, number, metadata, ct);
            }
            else
            {
                found = await api.GetVersionAsync(name, number, false, ct);
            }

            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(found.Metadata, c => c.MetadataModel);
                return ExitCodes.Ok;
            }

            var fields = MetadataFields(found.Metadata).Where(f => f.Item2 is not null).ToList();
            if (fields.Count == 0)
            {
                await kit.Console.Out.WriteLineAsync($"{found.Subject} version {found.Version.ToString(CultureInfo.InvariantCulture)} has no metadata");
            }
            else
            {
                kit.Console.WriteFields(fields);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Diff(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var from = CommandKit.Version("from", "The earlier version (a number, latest or @alias)", alias: true);
        var to = CommandKit.Version("to", "The later version (a number, latest or @alias)", alias: true);
        var command = new Command(
            "diff",
            "Compare two versions: the server's compatibility check of TO against FROM at the subject's level (named differences), and a line diff of the schemas")
        {
            subject, from, to,
        };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var name = parse.GetValue(subject)!;
            var earlier = await api.GetVersionAsync(name, parse.GetValue(from)!, false, ct);
            var later = await api.GetVersionAsync(name, parse.GetValue(to)!, false, ct);
            var input = new SchemaInput(Encoding.UTF8.GetBytes(later.Schema.GetRawText()), later.References, later.SchemaType);
            var check = await api.CheckCompatibilityAsync(name, input, earlier.Version.ToString(CultureInfo.InvariantCulture), ct);
            var lines = TextDiff.Unified(
                $"{name} version {earlier.Version.ToString(CultureInfo.InvariantCulture)} (id {CommandKit.Number(earlier.Id)})",
                CommandKit.Pretty(earlier.Schema),
                $"{name} version {later.Version.ToString(CultureInfo.InvariantCulture)} (id {CommandKit.Number(later.Id)})",
                CommandKit.Pretty(later.Schema));
            var exit = check.IsCompatible ? ExitCodes.Ok : ExitCodes.Negative;
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(
                    new VersionDiffModel { Subject = name, From = earlier.Version, To = later.Version, Compatibility = check, Diff = lines },
                    c => c.VersionDiffModel);
                return exit;
            }

            var text = new StringBuilder();
            text.Append(name).Append(": version ").Append(earlier.Version.ToString(CultureInfo.InvariantCulture))
                .Append(" → version ").Append(later.Version.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append(check.IsCompatible ? "compatible" : "INCOMPATIBLE")
                .Append(" (").Append(check.Level ?? "?").Append(", ").Append(check.Policy ?? "?").Append(')')
                .Append("; suggested version bump: ").Append(check.SuggestedBump.ToLowerInvariant()).Append('\n');
            if (check.Differences.Count == 0)
            {
                text.Append(check.Level == "NONE" ? "  nothing checked at level NONE\n" : "  no differences\n");
            }

            foreach (var pass in (ReadOnlySpan<bool>)[false, true])
            {
                foreach (var difference in check.Differences)
                {
                    if (difference.Compatible == pass)
                    {
                        CommandKit.AppendDifference(text, difference with { Version = null });
                    }
                }
            }

            text.Append('\n');
            if (lines.Count == 0)
            {
                text.Append("the schemas are the same text\n");
            }

            foreach (var line in lines)
            {
                text.Append(line).Append('\n');
            }

            await kit.Console.Out.WriteAsync(text.ToString());
            return exit;
        });
        kit.DescribeExitCodes(command, DiffExitCodes);
        return command;
    }
}
