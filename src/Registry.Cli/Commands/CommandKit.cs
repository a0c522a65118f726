using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Registry.Cli.Remote;
using Registry.Cli.Terminal;
using Registry.Schemas.Validation;

namespace Registry.Cli.Commands;

/// <summary>What the command builders share: arguments, options, the remote action wrapper and error reports.</summary>
internal sealed class CommandKit
{
    private readonly Dictionary<Command, string> _exitCodes = [];

    public CommandKit(CliConsole console)
    {
        Console = console;
        Json = new Option<bool>("--json")
        {
            Description = "Print the result as JSON (snake_case names, as the HTTP API)",
            Recursive = true,
        };
    }

    public CliConsole Console { get; }

    /// <summary>The recursive <c>--json</c> option of the root command.</summary>
    public Option<bool> Json { get; }

    /// <summary>Records the exit codes the help of <paramref name="command"/> lists.</summary>
    public void DescribeExitCodes(Command command, string text) => _exitCodes[command] = text;

    /// <summary>The exit codes of <paramref name="command"/>, or of its nearest parent that has some.</summary>
    public string? ExitCodesOf(Command command)
    {
        for (Symbol? symbol = command; symbol is not null; symbol = symbol.Parents.FirstOrDefault())
        {
            if (symbol is Command c && _exitCodes.TryGetValue(c, out var text))
            {
                return text;
            }
        }

        return null;
    }

    /// <summary>A remote command's action: connects, runs, and turns a refusal into its message and exit code.</summary>
    public void SetRemoteAction(Command command, RemoteOptions remote, Func<ParseResult, IRegistryApi, CancellationToken, Task<int>> action)
    {
        DescribeExitCodes(command, ExitCodes.RemoteHelp);
        command.SetAction((parse, ct) => RunRemotelyAsync(parse, remote, api => action(parse, api, ct)));
    }

    /// <summary>
    /// Connects to the server <paramref name="parse"/> names and runs <paramref name="action"/> against it: a malformed
    /// address or bad input is exit 2 with its message, a refusal by the server its message and exit code.
    /// </summary>
    public async Task<int> RunRemotelyAsync(ParseResult parse, RemoteOptions remote, Func<IRegistryApi, Task<int>> action)
    {
        IRegistryApi api;
        try
        {
            api = remote.Connect(parse);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"{Name(parse)}: {e.Message}");
            return ExitCodes.BadInput;
        }

        await using (api)
        {
            try
            {
                return await action(api);
            }
            catch (RemoteException e)
            {
                return await ReportAsync(parse, e);
            }
            catch (InputException e)
            {
                await Console.Error.WriteLineAsync($"{Name(parse)}: {e.Message}");
                return ExitCodes.BadInput;
            }
        }
    }

    /// <summary>
    /// For a command that runs on a local schema (<paramref name="schema"/>) or a registered one (<paramref name="subject"/>):
    /// exactly one of them, and <paramref name="version"/> only with the subject. True when the command runs on the server.
    /// </summary>
    public static bool RequireLocalOrServer(CommandResult result, Option schema, Option subject, Option version)
    {
        var local = result.GetResult(schema) is not null;
        var onServer = result.GetResult(subject) is not null;
        if (local == onServer)
        {
            result.AddError(local ? "give --schema or --subject, not both" : "--schema (a local file) or --subject (on the server) is required");
        }
        else if (local && result.GetResult(version) is not null)
        {
            result.AddError("--version goes with --subject");
        }

        return onServer && !local;
    }

    /// <summary>Prints a refusal (as the API's error JSON with --json, and as text on standard error) and returns its exit code.</summary>
    public async Task<int> ReportAsync(ParseResult parse, RemoteException e, int? exitCode = null)
    {
        if (parse.GetValue(Json))
        {
            await Console.WriteJsonAsync(e.Error, c => c.ErrorModel);
        }

        var text = new StringBuilder();
        text.Append(Name(parse)).Append(": ").Append(e.Error.ErrorCode).Append(": ").Append(e.Error.Message).Append('\n');
        foreach (var difference in e.Error.Differences ?? [])
        {
            AppendDifference(text, difference);
        }

        foreach (var error in e.Error.Errors ?? [])
        {
            text.Append("  ").Append(error.SchemaLocation).Append(": ").Append(error.Message).Append('\n');
        }

        if (e.Error.ErrorCode == "unauthenticated")
        {
            // The server names HTTP headers; here the key is given another way.
            text.Append("  give the command a key with --api-key KEY or the REGISTRY_API_KEY environment variable\n");
        }

        await Console.Error.WriteAsync(text.ToString());
        return exitCode ?? e.Failure switch
        {
            RemoteFailure.Incompatible => ExitCodes.Negative,
            RemoteFailure.Refused => ExitCodes.Refused,
            RemoteFailure.NotSupported => ExitCodes.BadInput,
            _ => ExitCodes.Unavailable,
        };
    }

    /// <summary>One difference as two lines: verdict, name and location; then the message.</summary>
    public static void AppendDifference(StringBuilder text, DifferenceModel difference)
    {
        text.Append("  ").Append(difference.Compatible ? "ok   " : "BREAK").Append(' ').Append(difference.Name).Append(' ').Append(difference.Location);
        if (difference.Version is { } version)
        {
            text.Append(" (against version ").Append(version.ToString(CultureInfo.InvariantCulture)).Append(')');
        }

        text.Append("\n        ").Append(difference.Message).Append('\n');
    }

    /// <summary>"registry versions show": the command's full name, for messages.</summary>
    public static string Name(ParseResult parse)
    {
        var words = new List<string>();
        for (Symbol? symbol = parse.CommandResult.Command; symbol is not null; symbol = symbol.Parents.FirstOrDefault())
        {
            if (symbol is RootCommand)
            {
                break;
            }

            words.Insert(0, symbol.Name);
        }

        words.Insert(0, "registry");
        return string.Join(' ', words);
    }

    public static Argument<string> Subject(RemoteOptions remote, string description = "The subject")
    {
        var argument = new Argument<string>("subject") { Description = description };
        argument.CompletionSources.Add(remote.CompleteSubjects);
        return argument;
    }

    /// <summary>A version argument: a number from 1, or <c>latest</c> (or, for a read, <c>@alias</c>).</summary>
    public static Argument<string> Version(string name = "version", string description = "A version number, or latest", bool alias = false)
    {
        var argument = new Argument<string>(name) { Description = description, HelpName = name };
        argument.CompletionSources.Add("latest");
        argument.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!IsVersion(text) && !(alias && ApiNames.IsAlias(text)))
            {
                result.AddError(alias
                    ? $"'{text}' is not a version: give a number from 1, latest or @alias"
                    : $"'{text}' is not a version: give a number from 1, or latest");
            }
        });
        return argument;
    }

    /// <summary>
    /// The <c>--subject</c> and <c>--version</c> pair of a command that works on a local file or on a registered
    /// version: the version is a number from 1, <c>latest</c> (the default) or <c>@alias</c>.
    /// </summary>
    public static (Option<string> Subject, Option<string> Version) SubjectAndVersion(RemoteOptions remote, string subjectDescription)
    {
        var subject = new Option<string>("--subject") { Description = subjectDescription, HelpName = "SUBJECT" };
        subject.CompletionSources.Add(remote.CompleteSubjects);
        var version = new Option<string>("--version")
        {
            Description = "With --subject: the version, a number, latest (default) or @alias",
            HelpName = "VERSION",
            DefaultValueFactory = _ => "latest",
        };
        version.CompletionSources.Add("latest");
        version.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "latest";
            if (!IsVersion(text) && !ApiNames.IsAlias(text))
            {
                result.AddError($"'{text}' is not a version: give a number from 1, latest or @alias");
            }
        });
        return (subject, version);
    }

    /// <summary>
    /// Lets <paramref name="option"/> take only provider profile names, refusing another with a message that lists them
    /// (rather than the parser's own wording), and completes them.
    /// </summary>
    public static void AcceptProfiles(Option option, string[] names)
    {
        option.CompletionSources.Add(names);
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!names.Contains(token.Value, StringComparer.Ordinal))
                {
                    result.AddError($"'{token.Value}' is not a provider profile: give one of {string.Join(", ", names)}");
                    return;
                }
            }
        });
    }

    /// <summary>
    /// The number an option or argument was given as, for a validator: null when it was not given (its default holds)
    /// or is not a number at all (the parser then refuses it, and <see cref="CommandLine"/> says so in plain words).
    /// Reading the typed value instead would throw for a token that does not convert.
    /// </summary>
    public static double? Number(System.CommandLine.Parsing.SymbolResult result) =>
        result.Tokens.Count == 1 && double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static bool IsVersion(string text) =>
        text == "latest" || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1);

    /// <summary>An option whose value is one of <paramref name="names"/>, typed in any case, with or without underscores.</summary>
    public static Option<string> Choice(string name, string[] names, string description, string helpName)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => Canonical(result, names),
        };
        option.CompletionSources.Add(names);
        return option;
    }

    /// <summary>
    /// <c>--draft</c>: the draft of a schema that names no <c>$schema</c> (draft-04, draft-06, draft-07, 2019-09 or
    /// 2020-12; also 4, 6, 7); unset, such a schema is read as 2020-12.
    /// </summary>
    public static Option<JsonSchemaDraft?> Draft(string description)
    {
        var option = new Option<JsonSchemaDraft?>("--draft")
        {
            Description = description,
            HelpName = "DRAFT",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                var draft = JsonSchemaDrafts.Parse(text);
                if (draft is null)
                {
                    result.AddError($"unknown draft '{text}' (use {JsonSchemaDrafts.Names})");
                }

                return draft;
            },
        };
        option.CompletionSources.Add("draft-04", "draft-06", "draft-07", "2019-09", "2020-12");
        return option;
    }

    /// <summary>An argument whose value is one of <paramref name="names"/>.</summary>
    public static Argument<string> ChoiceArgument(string name, string[] names, string description)
    {
        var argument = new Argument<string>(name) { Description = description, CustomParser = result => Canonical(result, names) };
        argument.CompletionSources.Add(names);
        return argument;
    }

    private static string? Canonical(ArgumentResult result, string[] names)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var canonical = ApiNames.Canonical(names, text);
        if (canonical is null)
        {
            result.AddError($"unknown value '{text}' (use {string.Join(", ", names)})");
        }

        return canonical;
    }

    /// <summary><c>--reference name=subject:version</c>, repeatable.</summary>
    public static Option<ReferenceModel[]> References() => new("--reference", "-r")
    {
        Description = "A reference the schema makes: NAME=SUBJECT:VERSION (NAME as the schema's $ref writes it); repeat for several",
        HelpName = "NAME=SUBJECT:VERSION",
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result =>
        {
            var list = new List<ReferenceModel>();
            foreach (var token in result.Tokens)
            {
                var text = token.Value;
                var equals = text.IndexOf('=', StringComparison.Ordinal);
                var colon = text.LastIndexOf(':');
                if (equals <= 0 || colon <= equals + 1
                    || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
                {
                    result.AddError($"--reference '{text}' is not NAME=SUBJECT:VERSION");
                    return [];
                }

                list.Add(new ReferenceModel(text[..equals], text[(equals + 1)..colon], version));
            }

            return [.. list];
        },
    };

    /// <summary><c>--property key=value</c>, repeatable.</summary>
    public static Option<KeyValuePair<string, string>[]> Properties() => new("--property")
    {
        Description = "A key-value of the metadata: KEY=VALUE; repeat for several",
        HelpName = "KEY=VALUE",
        CustomParser = result =>
        {
            var list = new List<KeyValuePair<string, string>>();
            foreach (var token in result.Tokens)
            {
                var equals = token.Value.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    result.AddError($"--property '{token.Value}' is not KEY=VALUE");
                    return [];
                }

                list.Add(new(token.Value[..equals], token.Value[(equals + 1)..]));
            }

            return [.. list];
        },
    };

    /// <summary>Reads a JSON file (or standard input for <c>-</c>) and checks that it is JSON.</summary>
    /// <exception cref="InputException">It cannot be read or is not JSON.</exception>
    public async Task<byte[]> ReadJsonFileAsync(string path, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            bytes = path == "-"
                ? Encoding.UTF8.GetBytes(await Console.In.ReadToEndAsync(ct))
                : await File.ReadAllBytesAsync(path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"cannot read '{path}': {e.Message}");
        }

        if (bytes.AsSpan().StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        try
        {
            using var _ = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 512 });
        }
        catch (JsonException e)
        {
            throw new InputException($"{(path == "-" ? "standard input" : path)} is not valid JSON (at {Registry.Schemas.JsonPosition.Of(e)})");
        }

        return bytes;
    }

    /// <summary>A schema as indented JSON for people.</summary>
    public static string Pretty(JsonElement json)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = 512,
        }))
        {
            json.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static string Format(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A local input (file, option value) that the command cannot use; exit code 2.</summary>
internal sealed class InputException : Exception
{
    public InputException()
    {
    }

    public InputException(string message)
        : base(message)
    {
    }

    public InputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
