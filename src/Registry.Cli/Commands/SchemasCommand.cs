using System.CommandLine;
using System.Globalization;
using System.Text;
using Registry.Cli.Remote;

namespace Registry.Cli.Commands;

/// <summary><c>registry schemas get|register|lookup</c>.</summary>
internal static class SchemasCommand
{
    private const string RegisterExitCodes = """
          0  registered (or the subject already had this schema)
          1  refused as incompatible with the subject's versions (the breaking differences are listed)
          2  bad input: options, an unreadable file, a file that is not JSON
          3  the server refused the request (invalid schema, reference not found, mode, ...)
          4  the server could not be reached, timed out, or failed
        """;

    private const string LookupExitCodes = """
          0  found: the version holding this schema is printed
          1  the subject has no version with this schema
          2  bad input, or --binary (the binary protocol has no lookup)
          3  the server refused the request (subject not found, ...)
          4  the server could not be reached, timed out, or failed
        """;

    public static Command Create(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var command = new Command("schemas", "Read schemas by id, register and look up schemas on a registry server");
        remote.AddTo(command);
        command.Add(Get(kit, remote));
        command.Add(Register(kit, remote));
        command.Add(Lookup(kit, remote));
        return command;
    }

    private static Command Get(CommandKit kit, RemoteOptions remote)
    {
        var id = new Argument<long>("id") { Description = "The global schema id" };
        id.Validators.Add(r =>
        {
            if (CommandKit.Number(r) < 1)
            {
                r.AddError("a schema id is a positive integer");
            }
        });
        var schemaOnly = new Option<bool>("--schema-only") { Description = "Print only the schema" };
        var command = new Command("get", "A schema by its global id, with the versions that use it") { id, schemaOnly };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var schema = await api.GetSchemaAsync(parse.GetValue(id), ct);
            if (parse.GetValue(schemaOnly))
            {
                await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(schema.Schema));
                return ExitCodes.Ok;
            }

            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(schema, c => c.SchemaModel);
                return ExitCodes.Ok;
            }

            var usages = await api.GetSchemaUsagesAsync(schema.Id, ct);
            var fields = new List<(string, string?)> { ("id", CommandKit.Number(schema.Id)), ("type", schema.SchemaType), ("content hash", schema.ContentHash) };
            foreach (var reference in schema.References)
            {
                fields.Add(("reference", $"{reference.Name} → {reference.Subject} version {reference.Version.ToString(CultureInfo.InvariantCulture)}"));
            }

            foreach (var usage in usages)
            {
                fields.Add(("used by", $"{usage.Subject} version {usage.Version.ToString(CultureInfo.InvariantCulture)}{(usage.State is { } s ? " (" + s + ")" : "")}"));
            }

            kit.Console.WriteFields(fields);
            await kit.Console.Out.WriteLineAsync();
            await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(schema.Schema));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Register(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote, "The subject to register under");
        var file = new Argument<string>("file") { Description = "The JSON Schema file, or the tool or agent card with --type (- for standard input)" };
        var references = CommandKit.References();
        var type = CommandKit.Choice(
            "--type", ["JSON", "TOOL", "AGENT_CARD", "PROMPT"],
            "JSON (default: a JSON Schema), TOOL (a tool definition in MCP, OpenAI or Anthropic JSON), AGENT_CARD (an A2A agent card) or PROMPT (a template with its variables schema); a subject keeps the type of its first version",
            "TYPE");
        var semver = new Option<string>("--semver") { Description = "Semantic-version label of the new version (must increase)", HelpName = "X.Y.Z" };
        var state = CommandKit.Choice("--state", ["ACTIVE", "DRAFT"], "ACTIVE (default) or DRAFT", "STATE");
        var description = new Option<string>("--description") { Description = "Metadata: what the schema is for", HelpName = "TEXT" };
        var owner = new Option<string>("--owner") { Description = "Metadata: who owns it", HelpName = "NAME" };
        var tags = new Option<string[]>("--tag") { Description = "Metadata: a label; repeat for several", HelpName = "TAG" };
        var properties = CommandKit.Properties();
        var normalize = new Option<bool>("--normalize") { Description = "Store the canonical form rather than the text as sent (HTTP only)" };
        var id = new Option<long?>("--id") { Description = "IMPORT mode: the schema id to use", HelpName = "ID" };
        var version = new Option<int?>("--version") { Description = "IMPORT mode: the version number to use", HelpName = "N" };
        var command = new Command("register", "Register a schema under a subject: validated, checked for compatibility, given an id and the next version")
        {
            subject, file, references, type, semver, state, description, owner, tags, properties, normalize, id, version,
        };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var schema = await kit.ReadJsonFileAsync(parse.GetValue(file)!, ct);
            var props = parse.GetValue(properties) ?? [];
            var tagList = parse.GetValue(tags) ?? [];
            MetadataModel? metadata = null;
            if (parse.GetValue(description) is not null || parse.GetValue(owner) is not null || tagList.Length > 0 || props.Length > 0)
            {
                metadata = new MetadataModel
                {
                    Description = parse.GetValue(description),
                    Owner = parse.GetValue(owner),
                    Tags = tagList.Length > 0 ? tagList : null,
                    Properties = props.Length > 0 ? props.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) : null,
                };
            }

            var result = await api.RegisterAsync(parse.GetValue(subject)!, new RegisterInput
            {
                Schema = new SchemaInput(schema, parse.GetValue(references) ?? [], parse.GetValue(type)),
                Metadata = metadata,
                Semver = parse.GetValue(semver),
                State = parse.GetValue(state),
                Normalize = parse.GetValue(normalize),
                Id = parse.GetValue(id),
                Version = parse.GetValue(version),
            }, ct);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(result, c => c.RegisterResultModel);
                return ExitCodes.Ok;
            }

            var text = new StringBuilder();
            var where = $"{result.Subject} version {result.Version.ToString(CultureInfo.InvariantCulture)} (id {CommandKit.Number(result.Id)})";
            text.Append(result.Created ? "registered " + where : "already registered: " + where);
            if (result.Semver is { } label)
            {
                text.Append(", semver ").Append(label);
            }

            text.Append('\n');
            if (result.Created)
            {
                text.Append("suggested version bump: ").Append(result.SuggestedBump.ToLowerInvariant());
                if (result.SuggestedSemver is { } suggested)
                {
                    text.Append(" (").Append(suggested).Append(')');
                }

                text.Append('\n');
            }

            foreach (var difference in result.Differences)
            {
                CommandKit.AppendDifference(text, difference);
            }

            await kit.Console.Out.WriteAsync(text.ToString());
            return ExitCodes.Ok;
        });
        kit.DescribeExitCodes(command, RegisterExitCodes);
        return command;
    }

    private static Command Lookup(CommandKit kit, RemoteOptions remote)
    {
        var subject = CommandKit.Subject(remote);
        var file = new Argument<string>("file") { Description = "The JSON Schema file (- for standard input)" };
        var references = CommandKit.References();
        var deleted = new Option<bool>("--deleted") { Description = "Also find soft-deleted versions" };
        var command = new Command("lookup", "Which version of a subject holds this schema (same canonical content and references)")
        {
            subject, file, references, deleted,
        };
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var schema = await kit.ReadJsonFileAsync(parse.GetValue(file)!, ct);
            VersionModel found;
            try
            {
                found = await api.LookupAsync(parse.GetValue(subject)!, new SchemaInput(schema, parse.GetValue(references) ?? []), parse.GetValue(deleted), ct);
            }
            catch (RemoteException e) when (e.Error.ErrorCode == "schema_not_found")
            {
                return await kit.ReportAsync(parse, e, ExitCodes.Negative);
            }

            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(found, c => c.VersionModel);
            }
            else
            {
                await kit.Console.Out.WriteLineAsync(
                    $"{found.Subject} version {found.Version.ToString(CultureInfo.InvariantCulture)} (id {CommandKit.Number(found.Id)}, {found.State}{(found.Deleted ? ", soft-deleted" : "")})");
            }

            return ExitCodes.Ok;
        });
        kit.DescribeExitCodes(command, LookupExitCodes);
        return command;
    }
}
