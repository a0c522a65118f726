using System.CommandLine;
using System.Globalization;
using Registry.Cli.Remote;

namespace Registry.Cli.Commands;

/// <summary><c>registry subjects list|show|delete</c>.</summary>
internal static class SubjectsCommand
{
    public static Command Create(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var command = new Command("subjects", "List, show and delete subjects on a registry server");
        remote.AddTo(command);
        command.Add(List(kit, remote));
        command.Add(Show(kit, remote));
        command.Add(Delete(kit, remote));
        return command;
    }

    private static Command List(CommandKit kit, RemoteOptions remote)
    {
        var prefix = new Option<string>("--prefix") { Description = "Only subjects whose names start with this", HelpName = "TEXT" };
        var deleted = new Option<bool>("--deleted") { Description = "Include soft-deleted subjects" };
        var deletedOnly = new Option<bool>("--deleted-only") { Description = "Only soft-deleted subjects (HTTP only)" };
        var offset = new Option<int>("--offset") { Description = "Skip this many names", HelpName = "N" };
        var limit = new Option<int>("--limit") { Description = "At most this many names (default: all)", HelpName = "N", DefaultValueFactory = _ => -1 };
        offset.Validators.Add(r => { if (CommandKit.Number(r) < 0) { r.AddError("--offset must be 0 or more"); } });
        limit.Validators.Add(r => { if (CommandKit.Number(r) < 0) { r.AddError("--limit must be 0 or more"); } });
        var command = new Command("list", "Subject names, in code-point order") { prefix, deleted, deletedOnly, offset, limit };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var filter = parse.GetValue(deletedOnly) ? DeletedFilter.Only : parse.GetValue(deleted) ? DeletedFilter.Include : DeletedFilter.Exclude;
            var names = await api.ListSubjectsAsync(parse.GetValue(prefix), filter, parse.GetValue(offset), parse.GetValue(limit), ct);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(names, c => c.IReadOnlyListString);
            }
            else
            {
                foreach (var name in names)
                {
                    await kit.Console.Out.WriteLineAsync(name);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var deleted = new Option<bool>("--deleted") { Description = "Include soft-deleted versions" };
        var command = new Command("show", "A subject's settings in force and its versions") { subject, deleted };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var name = parse.GetValue(subject)!;
            var filter = parse.GetValue(deleted) ? DeletedFilter.Include : DeletedFilter.Exclude;
            var versions = await kit.Console.WithProgressAsync($"versions of {name}", progress => api.ListVersionsAsync(name, filter, progress, ct));
            var config = (await api.GetSubjectConfigAsync(name, ct)).Effective;
            var overview = new SubjectOverview(name, config, versions);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(overview, c => c.SubjectOverview);
                return ExitCodes.Ok;
            }

            kit.Console.WriteFields([
                ("subject", name),
                ("compatibility", config.Compatibility),
                ("policy", config.Policy),
                ("mode", config.Mode),
                ("versions", versions.Count.ToString(CultureInfo.InvariantCulture)),
            ]);
            await kit.Console.Out.WriteLineAsync();
            VersionsCommand.WriteVersionTable(kit, versions);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var permanent = new Option<bool>("--permanent") { Description = "Remove a soft-deleted subject for good (first delete it without this)" };
        var command = new Command("delete", "Soft-delete every version of a subject, or remove a soft-deleted subject with --permanent") { subject, permanent };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var result = await api.DeleteSubjectAsync(parse.GetValue(subject)!, parse.GetValue(permanent), ct);
            await WriteDeletedAsync(kit, parse, result);
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static async Task WriteDeletedAsync(CommandKit kit, ParseResult parse, DeleteModel result)
    {
        if (parse.GetValue(kit.Json))
        {
            await kit.Console.WriteJsonAsync(result, c => c.DeleteModel);
            return;
        }

        var versions = string.Join(", ", result.Versions.Select(v => v.ToString(CultureInfo.InvariantCulture)));
        var how = result.Permanent ? "permanently deleted" : "soft-deleted";
        await kit.Console.Out.WriteLineAsync(
            $"{how} {result.Subject} version{(result.Versions.Count == 1 ? "" : "s")} {versions}");
    }
}
