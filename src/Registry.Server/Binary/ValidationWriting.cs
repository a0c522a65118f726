using MessagePack;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Schemas.Validation;
using ValidationOutcome = Registry.Schemas.Validation.ValidationOutcome;

namespace Registry.Server.Binary;

/// <summary>
/// Writes validation verdicts in the protocol's shapes, from the compiled validator directly (the hot path: nothing
/// allocated for a valid document or a verdict-only request) or from results the engine computed (cold paths).
/// </summary>
internal static class ValidationWriting
{
    /// <summary>Writes the warning list of a VALIDATE or VALIDATE_BATCH response: none, or the deprecation warning.</summary>
    public static void WriteWarning(ref MessagePackWriter writer, string? warning)
    {
        if (warning is not null)
        {
            ValidationWarning.Write(ref writer, ValidationWarningKind.Deprecated, warning);
        }
    }

    /// <summary>
    /// Validates <paramref name="document"/> and writes <c>outcome, truncated, errors</c>. A pass/fail evaluation
    /// runs first: it allocates nothing, and is all that a valid document or <paramref name="maxErrors"/> = 0 needs.
    /// Only an invalid document with errors asked for runs the full validation, capped at <paramref name="errorCap"/>.
    /// Both are charged to <paramref name="budget"/> (a batch's), or to the schema's per-document budget when null.
    /// </summary>
    public static ValidationOutcome WriteVerdict(
        ref MessagePackWriter writer, CompiledSchema schema, in System.Buffers.ReadOnlySequence<byte> document, int maxErrors, int errorCap, bool batch,
        Schemas.WorkBudget? budget = null)
    {
        var outcome = schema.Evaluate(document, budget);
        if (outcome == ValidationOutcome.Valid || maxErrors == 0)
        {
            WriteOutcome(ref writer, outcome, truncated: false, errorCount: 0, batch);
            return outcome;
        }

        var result = schema.Validate(document, Math.Min(maxErrors, errorCap), budget);
        WriteResult(ref writer, result, maxErrors, batch);
        return result.Outcome;
    }

    /// <summary>Writes a full-mode result, keeping at most <paramref name="maxErrors"/> errors.</summary>
    public static void WriteResult(ref MessagePackWriter writer, ValidationResult result, int maxErrors, bool batch)
    {
        var count = Math.Min(result.Errors.Count, maxErrors);
        var truncated = maxErrors > 0 && (result.Truncated || result.Errors.Count > count);
        WriteOutcome(ref writer, result.Outcome, truncated, count, batch);
        for (var i = 0; i < count; i++)
        {
            var e = result.Errors[i];
            DocumentError.Write(ref writer, e.InstanceLocation, e.KeywordLocation, e.Message);
        }
    }

    private static void WriteOutcome(ref MessagePackWriter writer, ValidationOutcome outcome, bool truncated, int errorCount, bool batch)
    {
        if (batch)
        {
            ValidateBatchResponse.WriteResult(ref writer, EngineMapping.Outcome(outcome), truncated, errorCount);
        }
        else
        {
            ValidateResponse.WriteOutcome(ref writer, EngineMapping.Outcome(outcome), truncated, errorCount);
        }
    }
}

/// <summary>A VALIDATE or VALIDATE_BATCH response computed off the read loop (by subject, or a cold schema id).</summary>
internal sealed class ValidationBody(int schemaId, string? warning, IReadOnlyList<ValidationResult> results, int maxErrors, bool batch)
    : IResponseBody
{
    public void Write(ref MessagePackWriter writer)
    {
        var warnings = warning is null ? 0 : 1;
        if (batch)
        {
            ValidateBatchResponse.WriteStart(ref writer, schemaId, warnings);
            ValidationWriting.WriteWarning(ref writer, warning);
            ValidateBatchResponse.WriteResultsHeader(ref writer, results.Count);
        }
        else
        {
            ValidateResponse.WriteStart(ref writer, schemaId, warnings);
            ValidationWriting.WriteWarning(ref writer, warning);
        }

        for (var i = 0; i < results.Count; i++)
        {
            ValidationWriting.WriteResult(ref writer, results[i], maxErrors, batch);
        }
    }
}
