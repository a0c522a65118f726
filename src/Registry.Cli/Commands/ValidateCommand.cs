using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Registry.Cli.Remote;
using Registry.Schemas.Validation;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry validate</c>: validates documents (files, globs, or standard input; a file may hold JSON Lines) against a
/// local schema file (<c>--schema</c>) or a registered version on a server (<c>--subject</c>, <c>--version</c>), and
/// prints a result per document labelled with its file (and line).
/// </summary>
internal static class ValidateCommand
{
    private const string ExitCodeHelp = """
          0  every document is valid
          1  a document is invalid
          2  bad input: options, files, the schema, a document that is not JSON or is over a limit
          3  with --subject: the server refused the request (subject or version not found, version archived, ...)
          4  with --subject: the server could not be reached, timed out, or failed
        """;

    /// <summary>One document to validate and where it came from.</summary>
    private readonly record struct Document(string File, int? Line, ReadOnlyMemory<byte> Bytes)
    {
        public string Label => (File, Line) switch
        {
            ("-", null) => "document",
            ("-", { } l) => $"line {l.ToString(CultureInfo.InvariantCulture)}",
            (_, null) => File,
            (_, { } l) => $"{File} line {l.ToString(CultureInfo.InvariantCulture)}",
        };
    }

    public static Command Create(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var files = new Argument<string[]>("files")
        {
            Description = "Documents: files, glob patterns (quoted: 'docs/**/*.json'), or - for standard input; a file of several lines that is not one JSON document is read as JSON Lines",
            Arity = ArgumentArity.OneOrMore,
        };
        files.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.StartsWith('-') && token.Value != "-")
                {
                    result.AddError($"unknown option '{token.Value}'");
                    return;
                }
            }
        });
        var schema = new Option<string>("--schema") { Description = "Validate against this local JSON Schema file", HelpName = "SCHEMA.json" };
        var draft = CommandKit.Draft("With --schema: the draft when the schema has no $schema: draft-04, draft-06, draft-07 (as Confluent reads it), 2019-09 or 2020-12 (default)");
        var formatAssertion = new Option<bool>("--format-assertion") { Description = "With --schema: assert 'format' instead of treating it as an annotation" };
        var (subjectOption, version) = CommandKit.SubjectAndVersion(remote, "Validate against a version of this subject on the server");
        var jsonLines = new Option<bool>("--jsonl") { Description = "Read every input as JSON Lines: one document per line" };
        var maxErrors = new Option<int>("--max-errors") { Description = "Errors shown per invalid document (default 20)", HelpName = "N", DefaultValueFactory = _ => 20 };
        maxErrors.Validators.Add(result =>
        {
            if (CommandKit.Number(result) < 1)
            {
                result.AddError("--max-errors needs a positive number");
            }
        });

        var command = new Command("validate", "Validate JSON documents against a local JSON Schema (--schema) or a registered version (--subject)")
        {
            files, schema, draft, formatAssertion, subjectOption, version, jsonLines, maxErrors,
        };
        remote.AddTo(command);
        command.Validators.Add(result =>
        {
            if (CommandKit.RequireLocalOrServer(result, schema, subjectOption, version)
                && (result.GetResult(draft) is not null || result.GetResult(formatAssertion) is not null))
            {
                result.AddError("--draft and --format-assertion go with --schema (the server uses the registered schema and its settings)");
            }
        });
        kit.DescribeExitCodes(command, ExitCodeHelp);
        command.SetAction(async (parse, ct) =>
        {
            List<Document> documents;
            try
            {
                documents = await ReadDocumentsAsync(kit, parse.GetValue(files)!, parse.GetValue(jsonLines), ct);
            }
            catch (InputException e)
            {
                await kit.Console.Error.WriteLineAsync($"registry validate: {e.Message}");
                return ExitCodes.BadInput;
            }

            var max = parse.GetValue(maxErrors);
            if (parse.GetValue(schema) is { } schemaPath)
            {
                return await ValidateLocallyAsync(kit, parse, schemaPath, parse.GetValue(draft), parse.GetValue(formatAssertion), documents, max);
            }

            return await kit.RunRemotelyAsync(parse, remote, api =>
                ValidateRemotelyAsync(kit, parse, api, parse.GetValue(subjectOption)!, parse.GetValue(version)!, documents, max, ct));
        });
        return command;
    }

    private static async Task<int> ValidateLocallyAsync(
        CommandKit kit, ParseResult parse, string schemaPath, JsonSchemaDraft? draft, bool formatAssertion, List<Document> documents, int maxErrors)
    {
        byte[] schemaBytes;
        try
        {
            schemaBytes = await File.ReadAllBytesAsync(schemaPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await kit.Console.Error.WriteLineAsync($"registry validate: cannot read '{schemaPath}': {e.Message}");
            return ExitCodes.BadInput;
        }

        var compilation = SchemaCompiler.Compile(schemaBytes, new SchemaCompilerOptions
        {
            DefaultDraft = draft ?? JsonSchemaDraft.Draft202012,
            FormatAssertion = formatAssertion,
            BaseUri = new Uri(Path.GetFullPath(schemaPath)),
            Resolver = new ValidateFileResolver(),
        });
        if (!compilation.Succeeded)
        {
            var text = new StringBuilder($"registry validate: the schema {schemaPath} is not valid:\n");
            foreach (var error in compilation.Errors)
            {
                text.Append("  ").Append(error.SchemaLocation).Append(": ").Append(error.Message).Append('\n');
            }

            await kit.Console.Error.WriteAsync(text.ToString());
            return ExitCodes.BadInput;
        }

        var compiled = compilation.Schema!;
        var results = await kit.Console.WithProgressAsync("validating", progress =>
        {
            var list = new List<DocumentResultModel>(documents.Count);
            for (var i = 0; i < documents.Count; i++)
            {
                var document = documents[i];
                var result = compiled.Validate(document.Bytes.Span, maxErrors);
                var errors = new List<ValidationErrorModel>(result.Errors.Count);
                foreach (var error in result.Errors)
                {
                    errors.Add(new ValidationErrorModel(error.InstanceLocation, error.KeywordLocation, error.Message));
                }

                if (result.Outcome == ValidationOutcome.MalformedJson)
                {
                    errors.Clear();
                    errors.Add(new ValidationErrorModel("", "", $"malformed JSON at byte offset {result.ErrorByteOffset?.ToString(CultureInfo.InvariantCulture)}"));
                }

                list.Add(new DocumentResultModel
                {
                    Index = i,
                    File = document.File,
                    Line = document.Line,
                    Valid = result.IsValid,
                    Outcome = OutcomeName(result.Outcome),
                    Errors = errors,
                    Truncated = result.Truncated,
                });
                progress?.Report((i + 1, documents.Count));
            }

            return Task.FromResult(list);
        });
        return await ReportAsync(kit, parse, results, null, maxErrors);
    }

    private static async Task<int> ValidateRemotelyAsync(
        CommandKit kit, ParseResult parse, IRegistryApi api, string subject, string version, List<Document> documents, int maxErrors, CancellationToken ct)
    {
        var answers = new ValidateModel[documents.Count];
        await kit.Console.WithProgressAsync($"validating against {subject} version {version}", async progress =>
        {
            var done = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, documents.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
            {
                answers[i] = await api.ValidateAsync(subject, version, documents[i].Bytes, maxErrors, token);
                progress?.Report((Interlocked.Increment(ref done), documents.Count));
            });
            return true;
        });

        var results = new List<DocumentResultModel>(documents.Count);
        for (var i = 0; i < documents.Count; i++)
        {
            var answer = answers[i];
            results.Add(new DocumentResultModel
            {
                Index = i,
                File = documents[i].File,
                Line = documents[i].Line,
                Valid = answer.Valid,
                Outcome = answer.Outcome,
                Errors = answer.Errors.Count > maxErrors ? answer.Errors.Take(maxErrors).ToList() : answer.Errors,
                Truncated = answer.Truncated || answer.Errors.Count > maxErrors,
                Warning = answer.Warning,
            });
        }

        var first = answers.FirstOrDefault(a => a.SchemaId != 0);
        return await ReportAsync(kit, parse, results, first is null ? null : (first.SchemaId, subject, first.Version), maxErrors);
    }

    private static async Task<int> ReportAsync(CommandKit kit, ParseResult parse, List<DocumentResultModel> results, (long Id, string Subject, int? Version)? target, int maxErrors)
    {
        var invalid = results.Count(r => r.Outcome == "invalid");
        var malformed = results.Count(r => r.Outcome is "malformed_json" or "limit_exceeded");
        var exit = malformed > 0 ? ExitCodes.BadInput : invalid > 0 ? ExitCodes.Negative : ExitCodes.Ok;
        if (parse.GetValue(kit.Json))
        {
            await kit.Console.WriteJsonAsync(new ValidationRunModel
            {
                SchemaId = target?.Id,
                Subject = target?.Subject,
                Version = target?.Version,
                ValidCount = results.Count - invalid - malformed,
                InvalidCount = invalid,
                MalformedCount = malformed,
                Results = results,
            }, c => c.ValidationRunModel);
            return exit;
        }

        var text = new StringBuilder();
        foreach (var warning in results.Select(r => r.Warning).Where(w => w is not null).Distinct(StringComparer.Ordinal))
        {
            text.Append("warning: ").Append(warning).Append('\n');
        }

        foreach (var result in results)
        {
            var label = new Document(result.File, result.Line, default).Label;
            switch (result.Outcome)
            {
                case "valid":
                    text.Append(label).Append(": valid\n");
                    continue;
                case "malformed_json":
                    text.Append(label).Append(": ").Append(result.Errors.Count > 0 ? result.Errors[0].Message : "malformed JSON").Append('\n');
                    continue;
                case "limit_exceeded":
                    text.Append(label).Append(": over a limit\n");
                    break;
                default:
                    text.Append(label).Append(": invalid\n");
                    break;
            }

            foreach (var error in result.Errors)
            {
                var at = error.InstanceLocation.Length == 0 ? "(root)" : error.InstanceLocation;
                var keyword = error.KeywordLocation.Length == 0 ? "" : $" [{error.KeywordLocation}]";
                text.Append("  ").Append(at).Append(": ").Append(error.Message).Append(keyword).Append('\n');
            }

            if (result.Truncated)
            {
                text.Append("  ... more errors not shown (--max-errors ").Append(maxErrors.ToString(CultureInfo.InvariantCulture)).Append(")\n");
            }
        }

        if (results.Count > 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"{results.Count} documents: {results.Count - invalid - malformed} valid, {invalid} invalid, {malformed} malformed or over a limit\n");
        }

        await kit.Console.Out.WriteAsync(text.ToString());
        return exit;
    }

    /// <summary>Reads every input (expanding globs); a file that is not one JSON document but has several lines is JSON Lines.</summary>
    private static async Task<List<Document>> ReadDocumentsAsync(CommandKit kit, string[] inputs, bool jsonLines, CancellationToken ct)
    {
        var paths = new List<string>();
        foreach (var input in inputs)
        {
            if (input != "-" && FileGlob.IsPattern(input) && !File.Exists(input))
            {
                paths.AddRange(FileGlob.Expand(input));
            }
            else
            {
                paths.Add(input);
            }
        }

        if (paths.Count(p => p == "-") > 1)
        {
            throw new InputException("standard input (-) can be read only once");
        }

        var documents = new List<Document>();
        foreach (var path in paths)
        {
            byte[] bytes;
            try
            {
                bytes = path == "-"
                    ? Encoding.UTF8.GetBytes(await kit.Console.In.ReadToEndAsync(ct))
                    : await File.ReadAllBytesAsync(path, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new InputException($"cannot read '{path}': {e.Message}");
            }

            Split(path, bytes, jsonLines, documents);
        }

        return documents;
    }

    /// <summary>One document, unless asked for JSON Lines or unless the input is not one document but has several lines.</summary>
    private static void Split(string file, byte[] input, bool jsonLines, List<Document> documents)
    {
        ReadOnlyMemory<byte> memory = input;
        if (memory.Span.StartsWith("\uFEFF"u8))
        {
            memory = memory[3..];
        }

        if (!jsonLines && (IsOneJsonValue(memory.Span) || CountLines(memory.Span) < 2))
        {
            documents.Add(new Document(file, null, memory));
            return;
        }

        var line = 0;
        while (!memory.IsEmpty)
        {
            line++;
            var newline = memory.Span.IndexOf((byte)'\n');
            var current = newline < 0 ? memory : memory[..newline];
            memory = newline < 0 ? ReadOnlyMemory<byte>.Empty : memory[(newline + 1)..];
            if (!IsBlank(current.Span))
            {
                documents.Add(new Document(file, line, current));
            }
        }
    }

    private static bool IsOneJsonValue(ReadOnlySpan<byte> input)
    {
        try
        {
            var reader = new Utf8JsonReader(input, new JsonReaderOptions { MaxDepth = 4096 });
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static int CountLines(ReadOnlySpan<byte> input)
    {
        var count = 0;
        foreach (var range in input.Split((byte)'\n'))
        {
            if (!IsBlank(input[range]))
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t\r"u8).IsEmpty;

    private static string OutcomeName(ValidationOutcome outcome) => outcome switch
    {
        ValidationOutcome.Valid => "valid",
        ValidationOutcome.Invalid => "invalid",
        ValidationOutcome.MalformedJson => "malformed_json",
        _ => "limit_exceeded",
    };
}
