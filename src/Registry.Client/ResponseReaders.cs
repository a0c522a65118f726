using System.Buffers;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Client;

/// <summary>Copies the in-place views of the hot-path responses into the owned results callers keep.</summary>
internal static class ResponseReaders
{
    private static readonly DocumentVerdict[] VerdictOnly =
    [
        DocumentVerdict.ValidVerdict,
        new(ValidationOutcome.Invalid, false, []),
        new(ValidationOutcome.MalformedJson, false, []),
        new(ValidationOutcome.LimitExceeded, false, []),
    ];

    public static RegistrySchema Schema(ref ProtocolReader reader)
    {
        var response = SchemaResponse.Read(ref reader);
        SchemaReference[] references = response.References.Count == 0 ? [] : new SchemaReference[response.References.Count];
        var i = 0;
        foreach (var reference in response.References)
        {
            references[i++] = reference.ToReference();
        }

        return new RegistrySchema(response.SchemaId, response.SchemaType, response.Schema.ToArray(), references);
    }

    public static ValidationReport Validation(ref ProtocolReader reader)
    {
        var response = ValidateResponse.Read(ref reader);
        return new ValidationReport(response.SchemaId, Warnings(response.Warnings), Verdict(response.Outcome, response.Truncated, response.Errors));
    }

    public static BatchValidationReport Batch(ref ProtocolReader reader)
    {
        var response = ValidateBatchResponse.Read(ref reader);
        var verdicts = new DocumentVerdict[response.Results.Count];
        var i = 0;
        foreach (var result in response.Results)
        {
            verdicts[i++] = Verdict(result.Outcome, result.Truncated, result.Errors);
        }

        return new BatchValidationReport(response.SchemaId, Warnings(response.Warnings), verdicts);
    }

    /// <summary>A verdict with no errors to carry is one of four shared instances.</summary>
    public static DocumentVerdict Verdict(ValidationOutcome outcome, bool truncated, PayloadList<DocumentErrorView> errors)
    {
        if (errors.Count == 0 && !truncated && (uint)outcome < (uint)VerdictOnly.Length)
        {
            return VerdictOnly[(int)outcome];
        }

        var list = new DocumentError[errors.Count];
        var i = 0;
        foreach (var error in errors)
        {
            list[i++] = error.ToError();
        }

        return new DocumentVerdict(outcome, truncated, list);
    }

    /// <summary>The shared verdict for an outcome without errors.</summary>
    public static DocumentVerdict Verdict(ValidationOutcome outcome) => VerdictOnly[(int)outcome];

    private static ValidationWarning[] Warnings(PayloadList<ValidationWarningView> warnings)
    {
        if (warnings.Count == 0)
        {
            return [];
        }

        var list = new ValidationWarning[warnings.Count];
        var i = 0;
        foreach (var warning in warnings)
        {
            list[i++] = warning.ToWarning();
        }

        return list;
    }
}
