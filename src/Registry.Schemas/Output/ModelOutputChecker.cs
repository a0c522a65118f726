using System.Text;
using Registry.Schemas.Output.Repair;
using Registry.Schemas.Output.Streaming;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Output;

/// <summary>
/// The whole path from a model's raw text to an answer: extract the JSON value (from code fences or prose), repair it
/// if allowed (listing each repair), detect output cut off mid-value, validate against the schema, and word feedback
/// for the model with ready-to-send provider messages. The HTTP endpoint, the binary protocol, the client and the CLI
/// call this and only translate its <see cref="ModelOutputResult"/> (see <see cref="ModelOutputJson"/>).
/// </summary>
public static class ModelOutputChecker
{
    /// <summary>Checks a model's output given as text.</summary>
    public static ModelOutputResult Check(string text, CompiledSchema? schema, ModelOutputOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Check(Encoding.UTF8.GetBytes(text), schema, options, cancellationToken);
    }

    /// <summary>
    /// Checks a model's output (UTF-8). With no schema only the syntax is checked. Work is bounded by
    /// <see cref="ModelOutputOptions.MaxOutputBytes"/>, <see cref="ModelOutputOptions.MaxDepth"/> and
    /// <see cref="ModelOutputOptions.MaxWorkSteps"/> (exhausting them gives <see cref="OutputVerdict.LimitExceeded"/>);
    /// cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static ModelOutputResult Check(ReadOnlySpan<byte> text, CompiledSchema? schema, ModelOutputOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ModelOutputOptions.Default;
        cancellationToken.ThrowIfCancellationRequested();
        if (text.Length > options.MaxOutputBytes)
        {
            return Finish(Limit($"The output is {text.Length} bytes, more than the limit of {options.MaxOutputBytes}."), text, schema, options);
        }

        var budget = new RepairBudget(options.MaxWorkSteps ?? ((32L * text.Length) + 65536), cancellationToken);
        var candidates = JsonExtractor.Find(text, options.Extract, options.MaxDepth, Math.Max(1, options.MaxCandidates), budget);
        foreach (var c in candidates)
        {
            if (c.Parsed.Status == ParseStatus.LimitExceeded)
            {
                return Finish(Limit(c.Parsed.Expected.StartsWith("nesting", StringComparison.Ordinal)
                    ? $"The output nests deeper than the limit of {options.MaxDepth} (at byte {c.Parsed.ErrorOffset})."
                    : "Checking the output took more work than allowed."), text, schema, options);
            }
        }

        if (budget.Exhausted)
        {
            return Finish(Limit("Finding the JSON in the output took more work than allowed."), text, schema, options);
        }

        if (candidates.Count == 0)
        {
            return Finish(new ModelOutputResult(OutputVerdict.NoJson)
            {
                Violations = [new SchemaViolation("", "", "json", "a JSON value", "text without JSON", "The output contains no JSON value.")],
            }, text, schema, options);
        }

        var outcomes = new Outcome[candidates.Count];
        var chosen = -1;
        for (var i = 0; i < candidates.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outcomes[i] = Evaluate(candidates[i], text, schema, options, validate: schema is not null && (options.PreferValid || i == 0));
            var o = outcomes[i];
            if (o.Usable && (schema is null || !options.PreferValid))
            {
                chosen = i;
                break;
            }

            if (o.Usable && o.Valid)
            {
                chosen = i;
                break;
            }
        }

        chosen = chosen >= 0 ? chosen
            : First(outcomes, o => o is { Kind: OutcomeKind.Complete or OutcomeKind.Truncated })
              ?? First(outcomes, o => o.Kind == OutcomeKind.NeedsRepair)
              ?? 0;
        var outcome = outcomes[chosen];
        if (outcome.Kind == OutcomeKind.Unevaluated)
        {
            outcome = outcomes[chosen] = Evaluate(candidates[chosen], text, schema, options, validate: schema is not null);
        }

        var candidate = candidates[chosen];
        var parsed = candidate.Parsed;
        var extraction = new OutputExtraction(candidate.Source, parsed.Start, parsed.End - parsed.Start, candidate.Language, chosen, candidates.Count);
        var result = outcome.Kind switch
        {
            OutcomeKind.Complete => Complete(outcome, parsed, schema, options),
            OutcomeKind.Truncated => Truncated(outcome, parsed, text, schema, options),
            OutcomeKind.NeedsRepair => NeedsRepair(parsed, text, options),
            _ => Malformed(parsed, text),
        };
        return Finish(new ModelOutputResult(result.Verdict)
        {
            Extraction = extraction,
            Json = result.Json,
            Repairs = result.Repairs,
            RepairsNeeded = result.RepairsNeeded,
            Truncation = result.Truncation,
            Validation = result.Validation,
            Violations = result.Violations,
        }, text, schema, options);
    }

    private enum OutcomeKind
    {
        Unevaluated,
        Complete,
        Truncated,
        NeedsRepair,
        Malformed,
    }

    private readonly record struct Outcome(OutcomeKind Kind, byte[]? Json, ValidationResult? Validation, bool Valid, bool ClosingAllowed)
    {
        public bool Usable => Kind is OutcomeKind.Complete or OutcomeKind.Truncated;
    }

    private static int? First(Outcome[] outcomes, Func<Outcome, bool> predicate)
    {
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (predicate(outcomes[i]))
            {
                return i;
            }
        }

        return null;
    }

    private static Outcome Evaluate(Candidate candidate, ReadOnlySpan<byte> text, CompiledSchema? schema, ModelOutputOptions options, bool validate)
    {
        var p = candidate.Parsed;
        var allowed = options.Repairs;
        switch (p.Status)
        {
            case ParseStatus.Complete:
            {
                if ((p.RepairKindsUsed & ~allowed) != 0)
                {
                    return new Outcome(OutcomeKind.NeedsRepair, null, null, false, false);
                }

                var json = ToOriginalShape(p.Rewritten ?? text[p.Start..p.End].ToArray(), options);
                var validation = validate ? StreamingValidationSession.FullValidation(schema!, json) : null;
                return new Outcome(OutcomeKind.Complete, json, validation, validation?.IsValid ?? schema is null, false);
            }

            case ParseStatus.Truncated:
            {
                if ((p.RepairKindsUsed & ~allowed) != 0)
                {
                    return new Outcome(OutcomeKind.NeedsRepair, null, null, false, false);
                }

                var closingKinds = RepairKinds.None;
                foreach (var r in p.ClosingRepairs)
                {
                    closingKinds |= r.Kind;
                }

                var closingAllowed = !options.Partial && (closingKinds & ~allowed) == 0;
                if (!closingAllowed)
                {
                    return new Outcome(OutcomeKind.Truncated, null, null, false, false);
                }

                var closed = ToOriginalShape(p.Rewritten!, options);
                var validation = validate ? StreamingValidationSession.FullValidation(schema!, closed) : null;
                return new Outcome(OutcomeKind.Truncated, closed, validation, validation?.IsValid ?? schema is null, true);
            }

            default:
                return new Outcome(OutcomeKind.Malformed, null, null, false, false);
        }
    }

    private sealed record Partial(
        OutputVerdict Verdict,
        byte[] Json,
        IReadOnlyList<OutputRepair> Repairs,
        IReadOnlyList<OutputRepair> RepairsNeeded,
        OutputTruncation? Truncation,
        ValidationResult? Validation,
        IReadOnlyList<SchemaViolation> Violations);

    private static Partial Complete(Outcome outcome, ParsedValue parsed, CompiledSchema? schema, ModelOutputOptions options)
    {
        var json = outcome.Json!;
        var validation = outcome.Validation ?? (schema is null ? null : StreamingValidationSession.FullValidation(schema, json));
        var verdict = validation?.Outcome switch
        {
            null or ValidationOutcome.Valid => OutputVerdict.Valid,
            ValidationOutcome.Invalid => OutputVerdict.Invalid,
            ValidationOutcome.MalformedJson => OutputVerdict.Malformed,
            _ => OutputVerdict.LimitExceeded,
        };
        IReadOnlyList<SchemaViolation> violations = [];
        if (verdict != OutputVerdict.Valid && validation is not null)
        {
            violations = verdict == OutputVerdict.Invalid ? Explain(schema!, json, validation, options) : FromValidator(validation);
        }

        return new Partial(verdict, json, parsed.Repairs, [], null, validation, violations);
    }

    private static Partial Truncated(Outcome outcome, ParsedValue parsed, ReadOnlySpan<byte> text, CompiledSchema? schema, ModelOutputOptions options)
    {
        // Under a shape-changing profile a prefix may hold a null that the original schema reads as absent: the prefix
        // check, which sees the profile's shape, could call it definite, so it is left to the closed document.
        var (prefixViolations, canStillBeValid) = schema is null || options.ProfileMapper is { ChangesShape: true }
            ? ([], true)
            : StreamingValidationSession.Prefix(schema, parsed.Prefix, Math.Max(1, options.MaxErrors));
        var truncation = new OutputTruncation(text.Length, parsed.CutPath, parsed.Completed ?? [], parsed.Closing, canStillBeValid, prefixViolations);
        var json = outcome.ClosingAllowed ? outcome.Json ?? parsed.Rewritten! : [];
        if (!canStillBeValid)
        {
            return new Partial(OutputVerdict.Invalid, json, parsed.Repairs, [], truncation, outcome.Validation, prefixViolations);
        }

        if (outcome.ClosingAllowed && outcome.Valid)
        {
            return new Partial(OutputVerdict.Valid, json, [.. parsed.Repairs, .. parsed.ClosingRepairs], [], truncation, outcome.Validation, []);
        }

        return new Partial(options.Partial ? OutputVerdict.Incomplete : OutputVerdict.Truncated, json,
            outcome.ClosingAllowed ? [.. parsed.Repairs, .. parsed.ClosingRepairs] : parsed.Repairs, [], truncation, outcome.Validation, []);
    }

    private static Partial NeedsRepair(ParsedValue parsed, ReadOnlySpan<byte> text, ModelOutputOptions options)
    {
        var needed = new List<OutputRepair>();
        var violations = new List<SchemaViolation>();
        foreach (var repair in parsed.Repairs)
        {
            if ((repair.Kind & options.Repairs) != 0)
            {
                continue;
            }

            needed.Add(repair);
            var (line, column) = FeedbackWriter.LineColumn(text, (int)repair.Offset);
            var what = FeedbackWriter.NeedText(repair.Kind);
            violations.Add(new SchemaViolation("", "", "json", "strict JSON", what,
                $"The output is not strict JSON at line {line}, column {column}: {what}.")
            { ByteOffset = repair.Offset });
        }

        return new Partial(OutputVerdict.Malformed, [], [], needed, null, null, violations);
    }

    private static Partial Malformed(ParsedValue parsed, ReadOnlySpan<byte> text)
    {
        var (line, column) = FeedbackWriter.LineColumn(text, parsed.ErrorOffset);
        var violation = new SchemaViolation("", "", "json", parsed.Expected, parsed.Received,
            $"The output is not valid JSON at line {line}, column {column}: expected {parsed.Expected}, but received {parsed.Received}.")
        {
            ByteOffset = parsed.ErrorOffset,
        };
        return new Partial(OutputVerdict.Malformed, [], [], [], null, null, [violation]);
    }

    /// <summary>The document in the original schema's shape when the output came through a profile; unchanged otherwise.</summary>
    private static byte[] ToOriginalShape(byte[] json, ModelOutputOptions options)
        => options.ProfileMapper is { ChangesShape: true } mapper && mapper.TryToOriginalShape(json, out var document) ? document : json;

    private static ModelOutputResult Limit(string message) => new(OutputVerdict.LimitExceeded)
    {
        Violations = [new SchemaViolation("", "", "limit", "a smaller output", "more than the limit allows", message)],
    };

    /// <summary>Structured violations for an invalid document; the validator's own errors when the checks found none.</summary>
    private static IReadOnlyList<SchemaViolation> Explain(CompiledSchema schema, byte[] json, ValidationResult validation, ModelOutputOptions options)
    {
        var explained = StreamingValidationSession.Explain(schema, json, Math.Max(1, options.MaxErrors));
        return explained.Count > 0 ? explained : FromValidator(validation);
    }

    private static SchemaViolation[] FromValidator(ValidationResult validation)
    {
        var list = new SchemaViolation[validation.Errors.Count];
        for (var i = 0; i < list.Length; i++)
        {
            var e = validation.Errors[i];
            var slash = e.KeywordLocation.LastIndexOf('/');
            var keyword = slash >= 0 ? e.KeywordLocation[(slash + 1)..] : validation.Outcome == ValidationOutcome.MalformedJson ? "json" : "";
            list[i] = new SchemaViolation(e.InstanceLocation, e.KeywordLocation, keyword, $"a value satisfying '{keyword}'", "the value",
                $"At {ViolationText.Where(e.InstanceLocation)}: {e.Message}.")
            {
                ByteOffset = validation.ErrorByteOffset ?? -1,
            };
        }

        return list;
    }

    private static ModelOutputResult Finish(ModelOutputResult result, ReadOnlySpan<byte> text, CompiledSchema? schema, ModelOutputOptions options)
    {
        if (!options.Feedback || result.Verdict is OutputVerdict.Valid or OutputVerdict.Incomplete)
        {
            return result;
        }

        var unsatisfiable = schema is null ? null : Satisfiability.Unsatisfiable(schema);
        return new ModelOutputResult(result.Verdict)
        {
            Extraction = result.Extraction,
            Json = result.Json,
            Repairs = result.Repairs,
            RepairsNeeded = result.RepairsNeeded,
            Truncation = result.Truncation,
            Validation = result.Validation,
            Violations = result.Violations,
            Feedback = FeedbackWriter.Write(result, text, options, unsatisfiable),
        };
    }
}
