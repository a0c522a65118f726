using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Registry.Cli.Remote;
using Registry.Schemas.Profiles;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry toolsets list|show|put|delete|check|export</c>: named tool sets on the server, as the HTTP endpoints under
/// <c>/v1/toolsets</c> (or the binary protocol's TOOLSET with <c>--binary</c>). The rules are the server's.
/// </summary>
internal static class ToolSetsCommand
{
    private const string CheckExitCodes = """
          0  every profile accepts the set
          1  a profile rejects the set (a tool, the tool names, or a per-request total)
          2  bad input: options, an unknown profile
          3  the server refused the request (unknown set, a member that no longer resolves)
          4  the server could not be reached, timed out, or failed
        """;

    private static readonly string[] Formats = ["openai", "anthropic", "gemini", "mcp"];

    public static Command Create(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var command = new Command("toolsets", "Named sets of tools (subjects' schemas as tool input schemas), checked and exported as one request to a provider");
        remote.AddTo(command);
        command.Add(List(kit, remote));
        command.Add(Show(kit, remote));
        command.Add(Put(kit, remote));
        command.Add(Delete(kit, remote));
        command.Add(Check(kit, remote));
        command.Add(Export(kit, remote));
        return command;
    }

    private static Argument<string> SetName() => new("name") { Description = "The tool set's name (1 to 128 of A-Z a-z 0-9 . _ -)" };

    private static Command List(CommandKit kit, RemoteOptions remote)
    {
        var command = new Command("list", "The names of the tool sets, in code-point order");
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var names = await api.ListToolSetsAsync(ct);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(names, c => c.IReadOnlyListString);
                return ExitCodes.Ok;
            }

            foreach (var name in names)
            {
                await kit.Console.Out.WriteLineAsync(name);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CommandKit kit, RemoteOptions remote)
    {
        var name = SetName();
        var command = new Command("show", "A tool set as stored: its tools with their subjects and versions (a number, latest or @alias)") { name };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            await WriteSetAsync(kit, parse, await api.GetToolSetAsync(parse.GetValue(name)!, ct), null);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Put(CommandKit kit, RemoteOptions remote)
    {
        var name = SetName();
        var file = new Argument<string>("file")
        {
            Description = "A JSON file (- for standard input): {\"tools\": [{\"subject\", \"version\", \"name\", \"description\", \"strict\"}]}, as PUT /v1/toolsets/{name} takes",
        };
        var command = new Command("put", "Create or replace a tool set; every tool's subject and version must exist now") { name, file };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var path = parse.GetValue(file)!;
            var tools = ReadTools(await kit.ReadJsonFileAsync(path, ct), path);
            var (set, created) = await api.PutToolSetAsync(parse.GetValue(name)!, tools, ct);
            await WriteSetAsync(kit, parse, set, created ? "created" : "replaced");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(CommandKit kit, RemoteOptions remote)
    {
        var name = SetName();
        var command = new Command("delete", "Remove a tool set") { name };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var set = parse.GetValue(name)!;
            await api.DeleteToolSetAsync(set, ct);
            if (!parse.GetValue(kit.Json))
            {
                await kit.Console.Out.WriteLineAsync($"deleted tool set {set}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Check(CommandKit kit, RemoteOptions remote)
    {
        var names = ProviderProfiles.All.Select(p => p.Name).ToArray();
        var name = SetName();
        var profile = new Option<string[]>("--profile")
        {
            Description = $"A provider profile; repeat for several (default: every profile: {string.Join(", ", names)})",
            HelpName = "PROFILE",
        };
        CommandKit.AcceptProfiles(profile, names);
        var command = new Command("check", "Check a tool set as one request to each provider: every tool, the tool names, and the per-request totals") { name, profile };
        kit.DescribeExitCodes(command, CheckExitCodes);
        command.SetAction((parse, ct) => kit.RunRemotelyAsync(parse, remote, async api =>
        {
            var profiles = (parse.GetValue(profile) ?? []).Distinct(StringComparer.Ordinal).ToArray();
            var answer = await api.CheckToolSetAsync(parse.GetValue(name)!, profiles, ct);
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(root));
            }
            else
            {
                await kit.Console.Out.WriteAsync(CheckText(root));
            }

            return root.GetProperty("accepted").GetBoolean() ? ExitCodes.Ok : ExitCodes.Negative;
        }));
        return command;
    }

    private static Command Export(CommandKit kit, RemoteOptions remote)
    {
        var name = SetName();
        var format = CommandKit.Choice("--format", Formats, "The provider's tools format: openai, anthropic, gemini or mcp", "FORMAT");
        format.Required = true;
        var transform = new Option<bool>("--transform") { Description = "Strict tools in the format's strict form (closed objects, every property required, ...)" };
        var command = new Command("export", "A tool set's tools in a provider's format, as JSON to send with a request") { name, format, transform };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var exported = await api.ExportToolSetAsync(parse.GetValue(name)!, parse.GetValue(format)!, parse.GetValue(transform), ct);
            using var document = JsonDocument.Parse(exported, new JsonDocumentOptions { MaxDepth = 512 });
            await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(document.RootElement));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The tools of a <c>put</c> file; anything but the documented shape is bad input, named.</summary>
    private static List<ToolSetToolModel> ReadTools(byte[] json, string path)
    {
        ToolSetInputModel? input;
        try
        {
            input = JsonSerializer.Deserialize(json, CliJsonContext.Default.ToolSetInputModel);
        }
        catch (JsonException e)
        {
            throw new InputException($"{Where(path)} is not a tool set: {{\"tools\": [{{\"subject\": ..., \"version\": ..., \"name\": ...}}]}} expected ({Registry.Schemas.JsonPosition.Of(e)})");
        }

        if (input?.Tools is not { } tools)
        {
            throw new InputException($"{Where(path)} has no \"tools\" list: {{\"tools\": [{{\"subject\": ..., \"version\": ..., \"name\": ...}}]}} expected");
        }

        var list = new List<ToolSetToolModel>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is not { } tool || string.IsNullOrEmpty(tool.Subject))
            {
                throw new InputException($"{Where(path)}: tool {i.ToString(CultureInfo.InvariantCulture)} has no \"subject\"");
            }

            list.Add(tool);
        }

        return list;
    }

    private static string Where(string path) => path == "-" ? "standard input" : path;

    private static async Task WriteSetAsync(CommandKit kit, ParseResult parse, ToolSetModel set, string? change)
    {
        if (parse.GetValue(kit.Json))
        {
            await kit.Console.WriteJsonAsync(set, c => c.ToolSetModel);
            return;
        }

        if (change is not null)
        {
            await kit.Console.Out.WriteLineAsync($"{change} tool set {set.Name} ({set.Tools.Count.ToString(CultureInfo.InvariantCulture)} tool{(set.Tools.Count == 1 ? "" : "s")})");
        }

        kit.Console.WriteFields([("name", set.Name), ("updated", CommandKit.Format(set.UpdatedAt)), ("by", set.UpdatedBy ?? "-")]);
        await kit.Console.Out.WriteLineAsync();
        kit.Console.WriteTable(
            ["#", "tool", "subject", "version", "strict", "description"],
            set.Tools.Select((t, i) => (IReadOnlyList<string?>)new string?[]
            {
                i.ToString(CultureInfo.InvariantCulture), t.Name, t.Subject, t.Version, t.Strict == false ? "no" : "yes", t.Description ?? "",
            }));
    }

    /// <summary>A check answer for people: per profile, the verdict, the request's violations and each rejected tool's.</summary>
    private static string CheckText(JsonElement root)
    {
        var text = new StringBuilder();
        foreach (var report in root.GetProperty("reports").EnumerateArray())
        {
            text.Append(report.GetProperty("profile").GetString()).Append(" (").Append(report.GetProperty("profileVersion").GetString()).Append("): ")
                .Append(report.GetProperty("accepted").GetBoolean() ? "accepted" : "rejected").Append('\n');
            foreach (var violation in report.GetProperty("violations").EnumerateArray())
            {
                AppendViolation(text, "  ", violation);
            }

            foreach (var tool in report.GetProperty("tools").EnumerateArray())
            {
                var lint = tool.GetProperty("lint");
                var violations = lint.GetProperty("violations");
                if (!tool.GetProperty("checked").GetBoolean() || violations.GetArrayLength() == 0)
                {
                    continue;
                }

                text.Append("  tool ").Append(tool.GetProperty("index").GetInt32().ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(tool.GetProperty("name").GetString()).Append(": ").Append(lint.GetProperty("accepted").GetBoolean() ? "accepted" : "rejected").Append('\n');
                foreach (var violation in violations.EnumerateArray())
                {
                    AppendViolation(text, "    ", violation);
                }
            }
        }

        return text.ToString();
    }

    private static void AppendViolation(StringBuilder text, string indent, JsonElement v)
    {
        text.Append(indent).Append(v.GetProperty("effect").GetString()).Append(' ').Append(v.GetProperty("name").GetString()).Append(' ')
            .Append(v.GetProperty("pointer").GetString()).Append(": ").Append(v.GetProperty("message").GetString());
        var limit = v.TryGetProperty("limit", out var l) ? l.GetString() : null;
        var actual = v.TryGetProperty("actual", out var a) ? a.GetString() : null;
        if (limit is not null || actual is not null)
        {
            text.Append(" (limit ").Append(limit ?? "-").Append(", actual ").Append(actual ?? "-").Append(')');
        }

        text.Append('\n');
    }
}
