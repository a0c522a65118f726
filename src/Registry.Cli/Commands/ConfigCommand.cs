using System.CommandLine;
using Registry.Cli.Remote;

namespace Registry.Cli.Commands;

/// <summary><c>registry config get|set|clear</c> and <c>registry mode get|set|clear</c>.</summary>
internal static class ConfigCommand
{
    public static Command Create(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var command = new Command("config", "Compatibility level and policy: registry-wide, or of a subject");
        remote.AddTo(command);

        var getSubject = OptionalSubject(kit, remote);
        var get = new Command("get", "The registry's settings in force, or what a subject sets and what is in force for it") { getSubject };
        kit.SetRemoteAction(get, remote, async (parse, api, ct) =>
        {
            await WriteAsync(kit, parse, api, parse.GetValue(getSubject), ct);
            return ExitCodes.Ok;
        });

        var setSubject = OptionalSubject(kit, remote);
        var level = CommandKit.Choice("--level", ApiNames.Levels, $"The compatibility level: {string.Join(", ", ApiNames.Levels)}", "LEVEL");
        var policy = CommandKit.Choice("--policy", ApiNames.Policies,
            "STRICT: adding a property to an open content model is incompatible; LENIENT: adding an optional one is compatible", "POLICY");
        var set = new Command("set", "Set the compatibility level and/or policy of the registry, or of a subject") { setSubject, level, policy };
        set.Validators.Add(result =>
        {
            if (result.GetResult(level) is null && result.GetResult(policy) is null)
            {
                result.AddError("give --level, --policy or both");
            }
        });
        kit.SetRemoteAction(set, remote, async (parse, api, ct) =>
        {
            var subject = parse.GetValue(setSubject);
            if (subject is null)
            {
                await api.SetGlobalConfigAsync(parse.GetValue(level), parse.GetValue(policy), ct);
            }
            else
            {
                await api.SetSubjectConfigAsync(subject, parse.GetValue(level), parse.GetValue(policy), ct);
            }

            await WriteAsync(kit, parse, api, subject, ct);
            return ExitCodes.Ok;
        });

        var clearSubject = CommandKit.Subject(remote);
        var clear = new Command("clear", "Remove a subject's own level and policy: it follows the registry's again (HTTP only)") { clearSubject };
        kit.SetRemoteAction(clear, remote, async (parse, api, ct) =>
        {
            var subject = parse.GetValue(clearSubject)!;
            await api.ClearSubjectConfigAsync(subject, ct);
            await WriteAsync(kit, parse, api, subject, ct);
            return ExitCodes.Ok;
        });

        command.Add(get);
        command.Add(set);
        command.Add(clear);
        return command;
    }

    public static Command CreateMode(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var command = new Command("mode", "What writes the registry, or a subject, accepts: READWRITE, READONLY or IMPORT");
        remote.AddTo(command);

        var getSubject = OptionalSubject(kit, remote);
        var get = new Command("get", "The mode in force for the registry, or for a subject") { getSubject };
        kit.SetRemoteAction(get, remote, async (parse, api, ct) =>
        {
            await WriteModeAsync(kit, parse, await api.GetModeAsync(parse.GetValue(getSubject), ct));
            return ExitCodes.Ok;
        });

        var mode = CommandKit.ChoiceArgument("mode", ApiNames.Modes, "READWRITE, READONLY or IMPORT");
        var setSubject = OptionalSubject(kit, remote);
        var force = new Option<bool>("--force") { Description = "IMPORT where schemas already exist (HTTP only)" };
        var set = new Command("set", "Set the mode of the registry, or of a subject") { mode, setSubject, force };
        kit.SetRemoteAction(set, remote, async (parse, api, ct) =>
        {
            await WriteModeAsync(kit, parse, await api.SetModeAsync(parse.GetValue(setSubject), parse.GetValue(mode)!, parse.GetValue(force), ct));
            return ExitCodes.Ok;
        });

        var clearSubject = CommandKit.Subject(remote);
        var clear = new Command("clear", "Remove a subject's own mode: it follows the registry's again (HTTP only)") { clearSubject };
        kit.SetRemoteAction(clear, remote, async (parse, api, ct) =>
        {
            await WriteModeAsync(kit, parse, await api.ClearModeAsync(parse.GetValue(clearSubject)!, ct));
            return ExitCodes.Ok;
        });

        command.Add(get);
        command.Add(set);
        command.Add(clear);
        return command;
    }

    private static Argument<string?> OptionalSubject(CommandKit kit, RemoteOptions remote)
    {
        var argument = new Argument<string?>("subject") { Description = "A subject (default: the registry-wide settings)", Arity = ArgumentArity.ZeroOrOne };
        argument.CompletionSources.Add(remote.CompleteSubjects);
        return argument;
    }

    private static async Task WriteAsync(CommandKit kit, ParseResult parse, IRegistryApi api, string? subject, CancellationToken ct)
    {
        var json = parse.GetValue(kit.Json);
        if (subject is null)
        {
            var config = await api.GetGlobalConfigAsync(ct);
            if (json)
            {
                await kit.Console.WriteJsonAsync(config, c => c.ConfigModel);
            }
            else
            {
                kit.Console.WriteFields([("compatibility", config.Compatibility), ("policy", config.Policy), ("mode", config.Mode)]);
            }

            return;
        }

        var subjectConfig = await api.GetSubjectConfigAsync(subject, ct);
        if (json)
        {
            await kit.Console.WriteJsonAsync(subjectConfig, c => c.SubjectConfigModel);
            return;
        }

        var stored = subjectConfig.Stored;
        var effective = subjectConfig.Effective;
        kit.Console.WriteTable(
            ["setting", "subject sets", "in force"],
            [
                ["compatibility", stored.Compatibility ?? "-", effective.Compatibility],
                ["policy", stored.Policy ?? "-", effective.Policy],
                ["mode", stored.Mode ?? "-", effective.Mode],
            ]);
    }

    private static async Task WriteModeAsync(CommandKit kit, ParseResult parse, ModeModel mode)
    {
        if (parse.GetValue(kit.Json))
        {
            await kit.Console.WriteJsonAsync(mode, c => c.ModeModel);
        }
        else
        {
            await kit.Console.Out.WriteLineAsync(mode.Mode);
        }
    }
}
