using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Registry.Cli.Remote;
using Registry.Schemas.Output;
using Registry.Schemas.Profiles;
using Registry.Schemas.Validation;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry check-output --schema s.json output.txt</c>: checks a model's raw output (a file or standard input)
/// against a local JSON Schema the way the server's <c>check-output</c> endpoint does: extraction from fences and
/// prose, the repairs allowed by <c>--repair</c> (each listed), truncation, validation and feedback for the model.
/// With <c>--subject</c> (and <c>--version</c>) the server checks it against a registered version, over HTTP or the
/// binary protocol. <c>--profile</c> names the provider profile the output was generated under.
/// </summary>
internal static class CheckOutputCommand
{
    private const string ExitCodeHelp = """
          0  the output holds a value valid against the schema
          1  it does not: invalid, malformed, truncated, repairs needed but not allowed, or no JSON at all
          2  bad input: options, files, the schema, an unknown profile, an output over a limit
          3  with --subject: the server refused the request (subject or version not found, version archived, ...)
          4  with --subject: the server could not be reached, timed out, or failed
        """;

    public static Command Create(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var file = new Argument<string>("output") { Description = "The model's output: a file, or - for standard input", Arity = ArgumentArity.ExactlyOne };
        var schema = new Option<string>("--schema") { Description = "Check against this local JSON Schema file", HelpName = "SCHEMA.json" };
        var (subjectOption, version) = CommandKit.SubjectAndVersion(remote, "Check against a version of this subject on the server");
        var profile = new Option<string>("--profile")
        {
            Description = "The provider profile the output was generated under (openai-strict: a null for an optional property is read as absent)",
            HelpName = "PROFILE",
        };
        profile.CompletionSources.Add(ProviderProfiles.All.Select(p => p.Name).ToArray());
        var repair = new Option<string>("--repair")
        {
            Description = "Repairs allowed: none (default), all, syntax, close_truncated, or names such as trailing_comma,single_quotes,python_literal",
            HelpName = "KINDS",
            DefaultValueFactory = _ => "none",
        };
        repair.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "none";
            if (!TryParseRepairs(text, out _))
            {
                result.AddError($"unknown repair in '{text}' (use none, all, syntax, close_truncated or names such as trailing_comma)");
            }
        });
        var noExtract = new Option<bool>("--whole") { Description = "Take the whole output as the JSON value (no search in fences or prose)" };
        var partial = new Option<bool>("--partial") { Description = "The output is a prefix of a stream: report only violations no continuation can fix" };
        var toolCallId = new Option<string>("--tool-call-id") { Description = "The id put into the provider messages of the feedback", HelpName = "ID" };

        var command = new Command(
            "check-output",
            "Check a model's raw output against a local JSON Schema (--schema) or a registered version (--subject): extract, repair (opt-in), detect truncation, validate, give feedback")
        {
            file, schema, subjectOption, version, profile, repair, noExtract, partial, toolCallId,
        };
        remote.AddTo(command);
        command.Validators.Add(result => CommandKit.RequireLocalOrServer(result, schema, subjectOption, version));
        kit.DescribeExitCodes(command, ExitCodeHelp);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var profileName = parse.GetValue(profile);
            Profile? providerProfile = null;
            if (profileName is not null && !ProviderProfiles.TryGet(profileName, out providerProfile))
            {
                await kit.Console.Error.WriteLineAsync(
                    $"registry check-output: unknown profile '{profileName}' (use {string.Join(", ", ProviderProfiles.All.Select(p => p.Name))})");
                return ExitCodes.BadInput;
            }

            byte[] output;
            try
            {
                output = path == "-" ? Encoding.UTF8.GetBytes(await kit.Console.In.ReadToEndAsync(ct)) : await File.ReadAllBytesAsync(path, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await kit.Console.Error.WriteLineAsync($"registry check-output: cannot read: {e.Message}");
                return ExitCodes.BadInput;
            }

            if (!TryParseRepairs(parse.GetValue(repair)!, out var kinds))
            {
                // The option's validator has refused it already; kept for the type system.
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(subjectOption) is { } subject)
            {
                var args = new OutputCheckArgs(parse.GetValue(repair)!, !parse.GetValue(noExtract), parse.GetValue(partial), providerProfile?.Name, parse.GetValue(toolCallId));
                return await CheckRemotelyAsync(kit, parse, remote, subject, parse.GetValue(version)!, output, args, ct);
            }

            var schemaPath = parse.GetValue(schema)!;
            byte[] schemaBytes;
            try
            {
                schemaBytes = await File.ReadAllBytesAsync(schemaPath, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await kit.Console.Error.WriteLineAsync($"registry check-output: cannot read: {e.Message}");
                return ExitCodes.BadInput;
            }

            var compilation = SchemaCompiler.Compile(schemaBytes, new SchemaCompilerOptions
            {
                BaseUri = new Uri(Path.GetFullPath(schemaPath)),
                Resolver = new ValidateFileResolver(),
            });
            if (!compilation.Succeeded)
            {
                var text = new StringBuilder($"registry check-output: the schema {schemaPath} is not valid:\n");
                foreach (var error in compilation.Errors)
                {
                    text.Append("  ").Append(error.SchemaLocation).Append(": ").Append(error.Message).Append('\n');
                }

                await kit.Console.Error.WriteAsync(text.ToString());
                return ExitCodes.BadInput;
            }

            ProfileOutputMapper? mapper = null;
            if (providerProfile is not null)
            {
                try
                {
                    mapper = ProfileOutputMapper.Create(schemaBytes, providerProfile, new ValidateFileResolver(),
                        new ProfileLintOptions { BaseUri = new Uri(Path.GetFullPath(schemaPath)) }, ct);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    await kit.Console.Error.WriteLineAsync($"registry check-output: cannot map output of profile '{providerProfile.Name}' for {schemaPath}: {e.Message}");
                    return ExitCodes.BadInput;
                }
            }

            var options = new ModelOutputOptions { Repairs = kinds, Extract = !parse.GetValue(noExtract), Partial = parse.GetValue(partial), ProfileMapper = mapper };
            var result = ModelOutputChecker.Check(output, compilation.Schema!, options, ct);
            if (result.Verdict == OutputVerdict.LimitExceeded)
            {
                await kit.Console.Error.WriteLineAsync($"registry check-output: {(result.Violations.Count > 0 ? result.Violations[0].Message : "the output is over a limit")}");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(kit.Json))
            {
                await kit.Console.Out.WriteLineAsync(ModelOutputJson.ToJson(result, parse.GetValue(toolCallId), indented: true));
            }
            else
            {
                await kit.Console.Out.WriteAsync(Describe(result));
            }

            return result.Verdict is OutputVerdict.Valid or OutputVerdict.Incomplete ? ExitCodes.Ok : ExitCodes.Negative;
        });
        return command;
    }

    /// <summary>The server checks the output against a registered version; the answer is its check-output JSON.</summary>
    private static Task<int> CheckRemotelyAsync(
        CommandKit kit, ParseResult parse, RemoteOptions remote, string subject, string version, byte[] output, OutputCheckArgs args, CancellationToken ct)
        => kit.RunRemotelyAsync(parse, remote, async api =>
        {
            byte[] answer;
            try
            {
                answer = await api.CheckOutputAsync(subject, version, output, args, ct);
            }
            catch (RemoteException e) when (e.Error.ErrorCode is "too_large" or "limit_exceeded")
            {
                // An output over the server's size or nesting limit is bad input, as it is for a local check.
                await kit.Console.Error.WriteLineAsync($"registry check-output: {e.Error.Message}");
                return ExitCodes.BadInput;
            }

            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(answer);
                root = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                await kit.Console.Error.WriteLineAsync($"registry check-output: the server's answer is not the registry's: {e.Message}");
                return ExitCodes.Unavailable;
            }

            var verdict = root.TryGetProperty("verdict", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.Out.WriteLineAsync(Indented(root));
            }
            else
            {
                await kit.Console.Out.WriteAsync(Describe(root));
            }

            return verdict is "valid" or "incomplete" ? ExitCodes.Ok : ExitCodes.Negative;
        });

    private static string Indented(JsonElement root)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            root.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The server's check-output JSON in the words of the local check's text output.</summary>
    private static string Describe(JsonElement root)
    {
        static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
        static long Num(JsonElement e, string name) => e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : 0;
        static IEnumerable<JsonElement> Items(JsonElement e, string name) =>
            e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray() : [];

        var text = new StringBuilder();
        text.Append("schema: ").Append(Num(root, "schema_id").ToString(CultureInfo.InvariantCulture));
        if (Str(root, "subject") is { Length: > 0 } subject)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({subject} version {Num(root, "version")})");
        }

        text.Append('\n');
        if (Str(root, "warning") is { Length: > 0 } warning)
        {
            text.Append("warning: ").Append(warning).Append('\n');
        }

        text.Append("verdict: ").Append(Str(root, "verdict")).Append('\n');
        if (root.TryGetProperty("extraction", out var e) && e.ValueKind == JsonValueKind.Object)
        {
            var start = Num(e, "start");
            text.Append(CultureInfo.InvariantCulture,
                $"extracted: bytes {start}..{start + Num(e, "length")} ({Str(e, "source")}, candidate {Num(e, "candidate") + 1} of {Num(e, "candidates")})\n");
        }

        foreach (var r in Items(root, "repairs"))
        {
            text.Append(CultureInfo.InvariantCulture, $"repaired: {Str(r, "kind")} at byte {Num(r, "offset")}: {Str(r, "description")}\n");
        }

        foreach (var r in Items(root, "repairs_needed"))
        {
            text.Append(CultureInfo.InvariantCulture, $"needs repair: {Str(r, "kind")} at byte {Num(r, "offset")}: {Str(r, "description")}\n");
        }

        if (root.TryGetProperty("truncation", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            var path = Str(t, "path");
            var can = t.TryGetProperty("can_still_be_valid", out var c) && c.ValueKind == JsonValueKind.True;
            text.Append(CultureInfo.InvariantCulture,
                $"truncated: at byte {Num(t, "cut_offset")}, in {(path.Length == 0 ? "the root value" : path)}; {(can ? "can still become valid" : "cannot become valid")}\n");
        }

        foreach (var violation in Items(root, "errors"))
        {
            text.Append("error: ").Append(Str(violation, "message")).Append('\n');
        }

        if (root.TryGetProperty("feedback", out var f) && f.ValueKind == JsonValueKind.Object)
        {
            text.Append("feedback (").Append(Str(f, "advice")).Append("):\n");
            foreach (var line in Str(f, "text").Split('\n'))
            {
                text.Append("  ").Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    internal static bool TryParseRepairs(string text, out RepairKinds kinds)
    {
        kinds = RepairKinds.None;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!OutputRepair.TryParseName(name, out var kind))
            {
                return false;
            }

            kinds |= kind;
        }

        return true;
    }

    private static string Describe(ModelOutputResult result)
    {
        var text = new StringBuilder();
        text.Append("verdict: ").Append(ModelOutputJson.VerdictName(result.Verdict)).Append('\n');
        if (result.Extraction is { } e)
        {
            text.Append(CultureInfo.InvariantCulture, $"extracted: bytes {e.Start}..{e.Start + e.Length} ({e.Source.ToString().ToLowerInvariant()}, candidate {e.Candidate + 1} of {e.Candidates})\n");
        }

        foreach (var r in result.Repairs)
        {
            text.Append(CultureInfo.InvariantCulture, $"repaired: {r.Name} at byte {r.Offset}: {r.Description}\n");
        }

        foreach (var r in result.RepairsNeeded)
        {
            text.Append(CultureInfo.InvariantCulture, $"needs repair: {r.Name} at byte {r.Offset}: {r.Description}\n");
        }

        if (result.Truncation is { } t)
        {
            text.Append(CultureInfo.InvariantCulture, $"truncated: at byte {t.CutOffset}, in {(t.Path.Length == 0 ? "the root value" : t.Path)}; {(t.CanStillBeValid ? "can still become valid" : "cannot become valid")}\n");
        }

        foreach (var v in result.Violations)
        {
            text.Append("error: ").Append(v.Message).Append('\n');
        }

        if (result.Feedback is { } f)
        {
            text.Append("feedback (").Append(ModelOutputJson.AdviceName(f.Advice)).Append("):\n");
            foreach (var line in f.Text.Split('\n'))
            {
                text.Append("  ").Append(line).Append('\n');
            }
        }

        return text.ToString();
    }
}
