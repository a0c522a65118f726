using System.Buffers;

namespace Registry.Engine.Validation;

/// <summary>Outcome of validating one document.</summary>
public enum ValidationOutcome
{
    /// <summary>The document is valid.</summary>
    Valid,

    /// <summary>The document is well-formed JSON but does not satisfy the schema.</summary>
    Invalid,

    /// <summary>The document is not well-formed JSON.</summary>
    MalformedJson,

    /// <summary>The document exceeds a size or depth limit.</summary>
    LimitExceeded,
}

/// <summary>One reason a document is invalid, in the JSON Schema "basic" output shape.</summary>
/// <param name="InstanceLocation">JSON pointer into the document (e.g. <c>/items/3/name</c>, empty for the root).</param>
/// <param name="KeywordLocation">JSON pointer of the failing keyword through the schema (e.g. <c>/properties/name/minLength</c>).</param>
/// <param name="Message">Human-readable explanation.</param>
public sealed record ValidationError(string InstanceLocation, string KeywordLocation, string Message);

/// <summary>Full-mode result: the outcome and, when invalid, the errors (capped).</summary>
public sealed class ValidationResult
{
    /// <summary>Creates a result.</summary>
    public ValidationResult(ValidationOutcome outcome, IReadOnlyList<ValidationError> errors, bool truncated, long? errorByteOffset = null)
    {
        Outcome = outcome;
        Errors = errors;
        Truncated = truncated;
        ErrorByteOffset = errorByteOffset;
    }

    /// <summary>The outcome.</summary>
    public ValidationOutcome Outcome { get; }

    /// <summary>True when the outcome is <see cref="ValidationOutcome.Valid"/>.</summary>
    public bool IsValid => Outcome == ValidationOutcome.Valid;

    /// <summary>Why the document is invalid, malformed or over a limit; empty when valid.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>True when more errors existed than the cap allowed to report.</summary>
    public bool Truncated { get; }

    /// <summary>For malformed JSON, the byte offset at which parsing failed.</summary>
    public long? ErrorByteOffset { get; }
}

/// <summary>
/// A schema compiled once into a validator tree; thread-safe and reusable for any number of documents.
/// </summary>
public sealed class CompiledSchema
{
    private CompiledSchema()
    {
    }

    /// <summary>The draft the schema was compiled as.</summary>
    public JsonSchemaDraft Draft { get; }

    /// <summary>Pass/fail validation: stops at the first failure and allocates nothing once warm.</summary>
    public ValidationOutcome Evaluate(ReadOnlySpan<byte> utf8Document) => throw new NotImplementedException();

    /// <summary>Pass/fail validation of a document split across buffers.</summary>
    public ValidationOutcome Evaluate(in ReadOnlySequence<byte> utf8Document) => throw new NotImplementedException();

    /// <summary>Full validation: every error, up to <paramref name="maxErrors"/>.</summary>
    public ValidationResult Validate(ReadOnlySpan<byte> utf8Document, int maxErrors = 100) => throw new NotImplementedException();

    /// <summary>Full validation of a document split across buffers.</summary>
    public ValidationResult Validate(in ReadOnlySequence<byte> utf8Document, int maxErrors = 100) => throw new NotImplementedException();
}
