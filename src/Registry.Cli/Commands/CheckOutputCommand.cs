using System.CommandLine;
using System.Globalization;
using System.Text;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry check-output --schema s.json output.txt</c>: checks a model's raw output (a file or standard input)
/// against a local JSON Schema the way the server's <c>check-output</c> endpoint does: extraction from fences and
/// prose, the repairs allowed by <c>--repair</c> (each listed), truncation, validation and feedback for the model.
/// </summary>
internal static class CheckOutputCommand
{
    private const string ExitCodeHelp = """
          0  the output holds a value valid against the schema
          1  it does not: invalid, malformed, truncated, repairs needed but not allowed, or no JSON at all
          2  bad input: options, files, the schema, an output over a limit
        """;

    public static Command Create(CommandKit kit)
    {
        var file = new Argument<string>("output") { Description = "The model's output: a file, or - for standard input", Arity = ArgumentArity.ExactlyOne };
        var schema = new Option<string>("--schema") { Description = "The local JSON Schema file to check against", HelpName = "SCHEMA.json", Required = true };
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

        var command = new Command("check-output", "Check a model's raw output against a local JSON Schema: extract, repair (opt-in), detect truncation, validate, give feedback")
        {
            file, schema, repair, noExtract, partial, toolCallId,
        };
        kit.DescribeExitCodes(command, ExitCodeHelp);
        command.SetAction(async (parse, ct) =>
        {
            var schemaPath = parse.GetValue(schema)!;
            var path = parse.GetValue(file)!;
            byte[] schemaBytes;
            byte[] output;
            try
            {
                schemaBytes = await File.ReadAllBytesAsync(schemaPath, ct);
                output = path == "-" ? Encoding.UTF8.GetBytes(await kit.Console.In.ReadToEndAsync(ct)) : await File.ReadAllBytesAsync(path, ct);
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

            if (!TryParseRepairs(parse.GetValue(repair)!, out var kinds))
            {
                // The option's validator has refused it already; kept for the type system.
                return ExitCodes.BadInput;
            }

            var options = new ModelOutputOptions { Repairs = kinds, Extract = !parse.GetValue(noExtract), Partial = parse.GetValue(partial) };
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
