using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Registry.Cli.Remote;
using Registry.Schemas.Profiles;

namespace Registry.Cli.Commands;

/// <summary>
/// The commands of the artifact and provider-profile features, over HTTP: <c>registry alias list|show|set|delete|history</c>
/// (docs/artifacts.md), <c>registry render</c> (a PROMPT version with its variables) and <c>registry transform</c> (a
/// schema's strict form for a provider profile, docs/providers.md).
/// </summary>
internal static class ArtifactCommands
{
    private const string TransformExitCodes = """
          0  the strict form is accepted by the profile
          1  the strict form still breaks the profile (the remaining violations are listed)
          2  bad input: options, an unreadable file, invalid JSON, or --binary (HTTP only)
          3  the server refused the request (not found, unknown profile, invalid schema, ...)
          4  the server could not be reached, timed out, or failed
        """;

    public static Command CreateAlias(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var command = new Command("alias", "Named pointers to versions of a subject (e.g. production): list, show, set, delete and their history (HTTP only)");
        remote.AddTo(command);
        command.Add(AliasList(kit, remote));
        command.Add(AliasShow(kit, remote));
        command.Add(AliasSet(kit, remote));
        command.Add(AliasDelete(kit, remote));
        command.Add(AliasHistory(kit, remote));
        return command;
    }

    public static Command CreateRender(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var subject = CommandKit.Subject(remote, "The subject of the PROMPT version");
        var version = VersionOrAlias();
        var variables = new Option<string>("--vars")
        {
            Description = "A JSON object of the template's variables: a file, or - for standard input (default: no variables)",
            HelpName = "FILE",
        };
        var command = new Command("render", "Render a PROMPT version with its variables (checked against its variables schema first) and print the text (HTTP only)")
        {
            subject, version, variables,
        };
        remote.AddTo(command);
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var http = Http(api, "Rendering a prompt");
            var body = parse.GetValue(variables) is { } path ? await kit.ReadJsonFileAsync(path, ct) : "{}"u8.ToArray();
            var answer = await http.CallAsync(HttpMethod.Post, $"{VersionPath(parse.GetValue(subject)!, parse.GetValue(version)!)}/render", body, ct);
            using var document = Parse(answer);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(document.RootElement));
            }
            else
            {
                // The text alone, as it goes to the model (a trailing newline only when it has none).
                var text = document.RootElement.GetProperty("text").GetString() ?? "";
                await kit.Console.Out.WriteAsync(text.EndsWith('\n') ? text : text + "\n");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreateTransform(CommandKit kit)
    {
        var names = ProviderProfiles.All.Select(p => p.Name).ToArray();
        var remote = new RemoteOptions(kit.Console);
        var profile = new Option<string>("--profile")
        {
            Description = $"The provider profile whose strict form to produce ({string.Join(", ", names)})",
            HelpName = "PROFILE",
            Required = true,
        };
        CommandKit.AcceptProfiles(profile, names);
        var schema = new Option<string>("--schema") { Description = "A schema file (- for standard input) to transform", HelpName = "FILE" };
        var (subject, version) = CommandKit.SubjectAndVersion(remote, "Transform this subject's registered version instead of a file");
        var schemaOnly = new Option<bool>("--schema-only") { Description = "Print only the strict schema (to pipe into a file)" };
        var command = new Command("transform", "The strict form of a schema for a provider profile (closed objects, every property required, ...), with each change and lost constraint (on the server, HTTP only)")
        {
            profile, schema, subject, version, schemaOnly,
        };
        command.Validators.Add(result => CommandKit.RequireLocalOrServer(result, schema, subject, version));
        remote.AddTo(command);
        kit.DescribeExitCodes(command, TransformExitCodes);
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var http = Http(api, "Transforming a schema");
            var query = "?profile=" + Uri.EscapeDataString(parse.GetValue(profile)!);
            byte[] answer;
            if (parse.GetValue(schema) is { } file)
            {
                var content = await kit.ReadJsonFileAsync(file, ct);
                answer = await http.CallAsync(HttpMethod.Post, "v1/transform" + query, content, ct);
            }
            else
            {
                answer = await http.CallAsync(HttpMethod.Post, $"{VersionPath(parse.GetValue(subject)!, parse.GetValue(version)!)}/transform{query}", null, ct);
            }

            using var document = Parse(answer);
            var root = document.RootElement;
            var accepted = root.GetProperty("accepted").GetBoolean();
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(root));
            }
            else if (parse.GetValue(schemaOnly))
            {
                await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(root.GetProperty("schema")));
            }
            else
            {
                var changes = root.GetProperty("changes").EnumerateArray().ToList();
                kit.Console.WriteFields([
                    ("profile", $"{root.GetProperty("profile").GetString()} {root.GetProperty("profile_version").GetString()}"),
                    ("subject", root.TryGetProperty("subject", out var s) ? $"{s.GetString()} version {root.GetProperty("version").GetInt32().ToString(CultureInfo.InvariantCulture)}" : null),
                    ("accepted", accepted ? "yes" : "no: it still breaks the profile"),
                    ("changes", changes.Count.ToString(CultureInfo.InvariantCulture)),
                    ("lost constraints", root.GetProperty("lost_constraints").GetInt32().ToString(CultureInfo.InvariantCulture)),
                ]);
                if (changes.Count > 0)
                {
                    await kit.Console.Out.WriteLineAsync();
                    kit.Console.WriteTable(["pointer", "change", "constraint lost", "what"], changes.Select(c => (IReadOnlyList<string?>)[
                        c.GetProperty("pointer").GetString() is { Length: > 0 } pointer ? pointer : "/",
                        c.GetProperty("name").GetString(),
                        c.GetProperty("constraint_lost").GetBoolean() ? "yes" : "",
                        c.GetProperty("message").GetString(),
                    ]));
                }

                var remaining = root.GetProperty("remaining_violations");
                if (remaining.GetArrayLength() > 0)
                {
                    await kit.Console.Out.WriteLineAsync();
                    await kit.Console.Out.WriteLineAsync("Still breaks the profile:");
                    foreach (var violation in remaining.EnumerateArray())
                    {
                        await kit.Console.Out.WriteLineAsync($"  {Text(violation, "pointer")}: {Text(violation, "message")}");
                    }
                }

                await kit.Console.Out.WriteLineAsync();
                await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(root.GetProperty("schema")));
            }

            return accepted ? ExitCodes.Ok : ExitCodes.Negative;
        });
        return command;
    }

    private static Command AliasList(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var command = new Command("list", "A subject's aliases and the versions they point at") { subject };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var answer = await Http(api, "Managing aliases").CallAsync(HttpMethod.Get, AliasesPath(parse.GetValue(subject)!), null, ct);
            using var document = Parse(answer);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(document.RootElement));
                return ExitCodes.Ok;
            }

            kit.Console.WriteTable(["alias", "version", "protected", "updated", "by"], document.RootElement.EnumerateArray().Select(a => (IReadOnlyList<string?>)[
                Text(a, "name"),
                a.GetProperty("version").GetInt32().ToString(CultureInfo.InvariantCulture),
                a.GetProperty("protected").GetBoolean() ? "yes" : "",
                Time(a, "updated_at"),
                Text(a, "updated_by"),
            ]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command AliasShow(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var name = AliasName();
        var command = new Command("show", "The version an alias points at") { subject, name };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var answer = await Http(api, "Managing aliases").CallAsync(HttpMethod.Get, AliasPath(parse.GetValue(subject)!, parse.GetValue(name)!), null, ct);
            return await WriteAliasAsync(kit, parse, answer);
        });
        return command;
    }

    private static Command AliasSet(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var name = AliasName();
        var version = new Argument<string>("version") { Description = "The version to point at: a number, or latest", HelpName = "version" };
        version.CompletionSources.Add("latest");
        version.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!CommandKit.IsVersion(text))
            {
                result.AddError($"'{text}' is not a version: give a number from 1, or latest");
            }
        });
        var protect = new Option<bool>("--protect") { Description = "Protect the alias: afterwards only an administrator's --force moves or deletes it" };
        var unprotect = new Option<bool>("--unprotect") { Description = "Remove the protection (an administrator's request, with --force)" };
        var force = new Option<bool>("--force") { Description = "Move a protected alias (an administrator's request)" };
        var command = new Command("set", "Create an alias, or move it, to an ACTIVE or DEPRECATED version") { subject, name, version, protect, unprotect, force };
        command.Validators.Add(result =>
        {
            if (result.GetValue(protect) && result.GetValue(unprotect))
            {
                result.AddError("--protect and --unprotect do not go together");
            }
        });
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var http = Http(api, "Managing aliases");
            var subjectName = parse.GetValue(subject)!;
            var text = parse.GetValue(version)!;
            int number;
            if (text == "latest")
            {
                // The alias endpoint takes a number: ask which one latest is now.
                var latest = await api.GetVersionAsync(subjectName, "latest", false, ct);
                number = latest.Version;
            }
            else
            {
                number = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
            }

            var body = Body(w =>
            {
                w.WriteNumber("version", number);
                if (parse.GetValue(protect) || parse.GetValue(unprotect))
                {
                    w.WriteBoolean("protected", parse.GetValue(protect));
                }

                if (parse.GetValue(force))
                {
                    w.WriteBoolean("force", true);
                }
            });
            var answer = await http.CallAsync(HttpMethod.Put, AliasPath(subjectName, parse.GetValue(name)!), body, ct);
            return await WriteAliasAsync(kit, parse, answer);
        });
        return command;
    }

    private static Command AliasDelete(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var name = AliasName();
        var force = new Option<bool>("--force") { Description = "Delete a protected alias (an administrator's request)" };
        var command = new Command("delete", "Delete an alias (its history is kept)") { subject, name, force };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var path = AliasPath(parse.GetValue(subject)!, parse.GetValue(name)!) + (parse.GetValue(force) ? "?force=true" : "");
            var answer = await Http(api, "Managing aliases").CallAsync(HttpMethod.Delete, path, null, ct);
            using var document = Parse(answer);
            var root = document.RootElement;
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(root));
            }
            else
            {
                await kit.Console.Out.WriteLineAsync($"Deleted alias '{Text(root, "name")}' of {Text(root, "subject")} (it pointed at version {root.GetProperty("version").GetInt32().ToString(CultureInfo.InvariantCulture)}).");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command AliasHistory(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var name = AliasName();
        var limit = new Option<int>("--limit") { Description = "Only the latest N changes (default: all)", HelpName = "N", DefaultValueFactory = _ => -1 };
        limit.Validators.Add(r => { if (CommandKit.Number(r) < 1) { r.AddError("--limit must be 1 or more"); } });
        var command = new Command("history", "Every change of an alias, newest first: from which version to which, by whom, when") { subject, name, limit };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var path = AliasPath(parse.GetValue(subject)!, parse.GetValue(name)!) + "/history"
                + (parse.GetValue(limit) is var n and > 0 ? "?limit=" + n.ToString(CultureInfo.InvariantCulture) : "");
            var answer = await Http(api, "Managing aliases").CallAsync(HttpMethod.Get, path, null, ct);
            using var document = Parse(answer);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(document.RootElement));
                return ExitCodes.Ok;
            }

            kit.Console.WriteTable(["from", "to", "protected", "at", "by"], document.RootElement.EnumerateArray().Select(m => (IReadOnlyList<string?>)[
                Number(m, "from") ?? "(created)",
                Number(m, "to") ?? "(deleted)",
                m.GetProperty("protected").GetBoolean() ? "yes" : "",
                Time(m, "at"),
                Text(m, "by"),
            ]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<int> WriteAliasAsync(CommandKit kit, ParseResult parse, byte[] answer)
    {
        using var document = Parse(answer);
        var root = document.RootElement;
        if (parse.GetValue(kit.Json))
        {
            await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(root));
            return ExitCodes.Ok;
        }

        kit.Console.WriteFields([
            ("subject", Text(root, "subject")),
            ("alias", Text(root, "name")),
            ("version", root.GetProperty("version").GetInt32().ToString(CultureInfo.InvariantCulture)),
            ("protected", root.GetProperty("protected").GetBoolean() ? "yes" : "no"),
            ("updated", Time(root, "updated_at")),
            ("by", Text(root, "updated_by")),
        ]);
        return ExitCodes.Ok;
    }

    private static Argument<string> AliasName() => new("alias") { Description = "The alias name (e.g. production), without @" };

    private static Argument<string> VersionOrAlias()
    {
        var version = new Argument<string>("version")
        {
            Description = "The version: a number, latest (default) or @alias",
            HelpName = "version",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "latest",
        };
        version.CompletionSources.Add("latest");
        version.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "latest";
            if (!CommandKit.IsVersion(text) && !ApiNames.IsAlias(text))
            {
                result.AddError($"'{text}' is not a version: give a number from 1, latest or @alias");
            }
        });
        return version;
    }

    private static HttpRegistryApi Http(IRegistryApi api, string what) =>
        api as HttpRegistryApi ?? throw RemoteException.NotSupported(what);

    private static string SubjectPath(string subject) => "v1/subjects/" + Uri.EscapeDataString(subject);

    private static string VersionPath(string subject, string version) => $"{SubjectPath(subject)}/versions/{Uri.EscapeDataString(version)}";

    private static string AliasesPath(string subject) => SubjectPath(subject) + "/aliases";

    private static string AliasPath(string subject, string alias) => AliasesPath(subject) + "/" + Uri.EscapeDataString(alias.TrimStart('@'));

    private static JsonDocument Parse(byte[] answer)
    {
        try
        {
            return JsonDocument.Parse(answer);
        }
        catch (JsonException e)
        {
            throw new RemoteException(RemoteFailure.Unavailable, new ErrorModel { ErrorCode = "unavailable", Message = "the server answered with a body that is not the registry's" }, e);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64().ToString(CultureInfo.InvariantCulture) : null;

    private static string Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time) ? CommandKit.Format(time) : "";

    private static byte[] Body(Action<Utf8JsonWriter> members)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
