using System.Text;
using Registry.Schemas.Validation;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry validate --schema schema.json [--draft D] [--format-assertion] [--jsonl] [--max-errors N] FILE|-</c>:
/// validates one document, or JSON Lines (one document per line), and prints a result per document.
/// Exit code: 0 when every document is valid, 1 when one is invalid, 2 on bad input (options, files, schema, malformed JSON).
/// </summary>
internal sealed class ValidateCommand : ICommand
{
    public string Name => "validate";

    public string Summary => "validate JSON documents (or JSON Lines) against a JSON Schema";

    private const string Usage =
        "usage: registry validate --schema SCHEMA.json [--draft 4|6|7|2019-09|2020-12] [--format-assertion] [--jsonl] [--max-errors N] FILE|-";

    public async Task<int> RunAsync(ReadOnlyMemory<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (!TryParse(args.Span, out var options, out var problem))
        {
            await stderr.WriteLineAsync($"registry validate: {problem}").ConfigureAwait(false);
            await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return CommandLine.ExitBadInput;
        }

        if (options.Help)
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return CommandLine.ExitOk;
        }

        byte[] schemaBytes;
        byte[] input;
        try
        {
            schemaBytes = await File.ReadAllBytesAsync(options.Schema!).ConfigureAwait(false);
            input = options.Input == "-"
                ? Encoding.UTF8.GetBytes(await stdin.ReadToEndAsync().ConfigureAwait(false))
                : await File.ReadAllBytesAsync(options.Input!).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"registry validate: {e.Message}").ConfigureAwait(false);
            return CommandLine.ExitBadInput;
        }

        var compilation = SchemaCompiler.Compile(schemaBytes, new SchemaCompilerOptions
        {
            DefaultDraft = options.Draft,
            FormatAssertion = options.FormatAssertion,
            BaseUri = new Uri(Path.GetFullPath(options.Schema!)),
            Resolver = new ValidateFileResolver(),
        });
        if (!compilation.Succeeded)
        {
            await stderr.WriteLineAsync($"registry validate: the schema {options.Schema} is not valid:").ConfigureAwait(false);
            foreach (var error in compilation.Errors)
            {
                await stderr.WriteLineAsync($"  {error.SchemaLocation}: {error.Message}").ConfigureAwait(false);
            }

            return CommandLine.ExitBadInput;
        }

        var schema = compilation.Schema!;
        var documents = Split(schema, input, options.JsonLines);
        var invalid = 0;
        var malformed = 0;
        foreach (var (label, document) in documents)
        {
            var result = schema.Validate(document.Span, options.MaxErrors);
            switch (result.Outcome)
            {
                case ValidationOutcome.Valid:
                    await stdout.WriteLineAsync($"{label}: valid").ConfigureAwait(false);
                    continue;
                case ValidationOutcome.MalformedJson:
                    malformed++;
                    await stdout.WriteLineAsync($"{label}: malformed JSON at byte offset {result.ErrorByteOffset}").ConfigureAwait(false);
                    continue;
                case ValidationOutcome.LimitExceeded:
                    malformed++;
                    await stdout.WriteLineAsync($"{label}: over a limit").ConfigureAwait(false);
                    break;
                default:
                    invalid++;
                    await stdout.WriteLineAsync($"{label}: invalid").ConfigureAwait(false);
                    break;
            }

            foreach (var error in result.Errors)
            {
                var at = error.InstanceLocation.Length == 0 ? "(root)" : error.InstanceLocation;
                var keyword = error.KeywordLocation.Length == 0 ? "" : $" [{error.KeywordLocation}]";
                await stdout.WriteLineAsync($"  {at}: {error.Message}{keyword}").ConfigureAwait(false);
            }

            if (result.Truncated)
            {
                await stdout.WriteLineAsync($"  ... more errors not shown (--max-errors {options.MaxErrors})").ConfigureAwait(false);
            }
        }

        if (documents.Count > 1)
        {
            await stdout.WriteLineAsync($"{documents.Count} documents: {documents.Count - invalid - malformed} valid, {invalid} invalid, {malformed} malformed or over a limit")
                .ConfigureAwait(false);
        }

        return malformed > 0 ? CommandLine.ExitBadInput : invalid > 0 ? CommandLine.ExitNegative : CommandLine.ExitOk;
    }

    /// <summary>
    /// One document, unless asked for JSON Lines or unless the input is not one document but has several lines.
    /// </summary>
    private static List<(string Label, ReadOnlyMemory<byte> Document)> Split(CompiledSchema schema, byte[] input, bool jsonLines)
    {
        ReadOnlyMemory<byte> memory = input;
        if (memory.Span.StartsWith("\uFEFF"u8))
        {
            memory = memory[3..];
        }

        if (!jsonLines && (schema.Evaluate(memory.Span) != ValidationOutcome.MalformedJson || CountLines(memory.Span) < 2))
        {
            return [("document", memory)];
        }

        var documents = new List<(string, ReadOnlyMemory<byte>)>();
        var line = 0;
        while (!memory.IsEmpty)
        {
            line++;
            var newline = memory.Span.IndexOf((byte)'\n');
            var current = newline < 0 ? memory : memory[..newline];
            memory = newline < 0 ? ReadOnlyMemory<byte>.Empty : memory[(newline + 1)..];
            if (!IsBlank(current.Span))
            {
                documents.Add(($"line {line}", current));
            }
        }

        return documents;
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

    private sealed class Options
    {
        public string? Schema { get; set; }

        public string? Input { get; set; }

        public JsonSchemaDraft Draft { get; set; } = JsonSchemaDraft.Draft202012;

        public bool FormatAssertion { get; set; }

        public bool JsonLines { get; set; }

        public int MaxErrors { get; set; } = 20;

        public bool Help { get; set; }
    }

    private static bool TryParse(ReadOnlySpan<string> args, out Options options, out string problem)
    {
        options = new Options();
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    options.Help = true;
                    return true;
                case "--schema" or "--draft" or "--max-errors":
                    if (i + 1 >= args.Length)
                    {
                        problem = $"{arg} needs a value";
                        return false;
                    }

                    var value = args[++i];
                    if (arg == "--schema")
                    {
                        options.Schema = value;
                    }
                    else if (arg == "--draft")
                    {
                        if (ParseDraft(value) is not { } draft)
                        {
                            problem = $"unknown draft '{value}' (use 4, 6, 7, 2019-09 or 2020-12)";
                            return false;
                        }

                        options.Draft = draft;
                    }
                    else if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var max) || max < 1)
                    {
                        problem = $"--max-errors needs a positive number, not '{value}'";
                        return false;
                    }
                    else
                    {
                        options.MaxErrors = max;
                    }

                    break;
                case "--format-assertion":
                    options.FormatAssertion = true;
                    break;
                case "--jsonl":
                    options.JsonLines = true;
                    break;
                default:
                    if (arg.StartsWith('-') && arg != "-")
                    {
                        problem = $"unknown option '{arg}'";
                        return false;
                    }

                    if (options.Input is not null)
                    {
                        problem = "give one input FILE (or - for standard input)";
                        return false;
                    }

                    options.Input = arg;
                    break;
            }
        }

        if (options.Schema is null)
        {
            problem = "--schema is required";
            return false;
        }

        if (options.Input is null)
        {
            problem = "an input FILE (or - for standard input) is required";
            return false;
        }

        return true;
    }

    private static JsonSchemaDraft? ParseDraft(string value) => value.ToUpperInvariant() switch
    {
        "4" or "04" or "DRAFT4" or "DRAFT-04" or "DRAFT-4" => JsonSchemaDraft.Draft4,
        "6" or "06" or "DRAFT6" or "DRAFT-06" or "DRAFT-6" => JsonSchemaDraft.Draft6,
        "7" or "07" or "DRAFT7" or "DRAFT-07" or "DRAFT-7" => JsonSchemaDraft.Draft7,
        "2019-09" or "201909" or "DRAFT2019-09" => JsonSchemaDraft.Draft201909,
        "2020-12" or "202012" or "DRAFT2020-12" => JsonSchemaDraft.Draft202012,
        _ => null,
    };
}
