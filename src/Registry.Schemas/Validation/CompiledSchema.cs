using System.Buffers;
using Registry.Schemas.Validation.Evaluation;
using Registry.Schemas.Validation.Json;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Validation;

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
/// Validation runs under a budget of work (<see cref="WorkLimits"/>): the request's <see cref="WorkBudget"/> when one
/// is given, otherwise <see cref="SchemaLimits.Work"/> for that one document. When the budget runs out the call throws
/// <see cref="TooComplexException"/>; when the budget's request is cancelled, <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class CompiledSchema
{
    private readonly ValidatorNode _root;
    private readonly SchemaLimits _limits;
    private readonly long _regexTickLimit;
    private readonly bool _memoAllowed;

    internal CompiledSchema(ValidatorNode root, JsonSchemaDraft draft, SchemaLimits limits, bool memoAllowed)
    {
        _root = root;
        _limits = limits;
        _memoAllowed = memoAllowed;
        _regexTickLimit = WorkBudget.TicksOf(limits.Work.MaxRegexTime);
        Draft = draft;
    }

    /// <summary>The root of the validator tree and the limits, read by the streaming validator of model output.</summary>
    internal (ValidatorNode Root, SchemaLimits Limits) Parts => (_root, _limits);

    /// <summary>The draft the schema was compiled as.</summary>
    public JsonSchemaDraft Draft { get; }

    /// <summary>How evaluations memoise verdicts; tests force it to compare memoised and plain evaluation.</summary>
    internal MemoPolicy Memo { get; set; }

    /// <summary>True when the compiler found shared subschemas whose verdicts may be memoised.</summary>
    internal bool CanMemoise => _memoAllowed;

    /// <summary>Pass/fail validation: stops at the first failure and allocates nothing once warm.</summary>
    public ValidationOutcome Evaluate(ReadOnlySpan<byte> utf8Document) => Evaluate(utf8Document, null);

    /// <summary>Pass/fail validation charged to <paramref name="budget"/> (the request's), or to <see cref="SchemaLimits.Work"/> when null.</summary>
    public ValidationOutcome Evaluate(ReadOnlySpan<byte> utf8Document, WorkBudget? budget)
    {
        if (utf8Document.Length > _limits.MaxDocumentBytes)
        {
            return ValidationOutcome.LimitExceeded;
        }

        var state = EvaluationState.Rent();
        try
        {
            var status = JsonTapeBuilder.Build(state.Tape, utf8Document, _limits.MaxDepth, ref state.ParseStack, out _);
            if (status != TapeStatus.Ok)
            {
                return Outcome(status);
            }

            state.MaxDepth = RefDepthLimit;
            state.Begin(budget, _limits.Work, _regexTickLimit, _memoAllowed, Memo, WorkOperations.Validate);
            try
            {
                var e = new Evaluator(utf8Document, state, full: false);
                var valid = _root.Evaluate(ref e, 0, -1);
                return state.DepthExceeded ? ValidationOutcome.LimitExceeded : valid ? ValidationOutcome.Valid : ValidationOutcome.Invalid;
            }
            finally
            {
                state.End();
            }
        }
        finally
        {
            EvaluationState.Return(state);
        }
    }

    /// <summary>Pass/fail validation of a document split across buffers.</summary>
    public ValidationOutcome Evaluate(in ReadOnlySequence<byte> utf8Document) => Evaluate(utf8Document, null);

    /// <summary>Pass/fail validation of a document split across buffers, charged to <paramref name="budget"/>.</summary>
    public ValidationOutcome Evaluate(in ReadOnlySequence<byte> utf8Document, WorkBudget? budget)
    {
        if (utf8Document.IsSingleSegment)
        {
            return Evaluate(utf8Document.FirstSpan, budget);
        }

        if (utf8Document.Length > _limits.MaxDocumentBytes)
        {
            return ValidationOutcome.LimitExceeded;
        }

        var length = (int)utf8Document.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            utf8Document.CopyTo(buffer);
            return Evaluate(buffer.AsSpan(0, length), budget);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Full validation: every error, up to <paramref name="maxErrors"/>.</summary>
    public ValidationResult Validate(ReadOnlySpan<byte> utf8Document, int maxErrors = 100) => Validate(utf8Document, maxErrors, null);

    /// <summary>Full validation charged to <paramref name="budget"/> (the request's), or to <see cref="SchemaLimits.Work"/> when null.</summary>
    public ValidationResult Validate(ReadOnlySpan<byte> utf8Document, int maxErrors, WorkBudget? budget)
        => Validate(utf8Document, maxErrors, budget, WorkOperations.Validate);

    /// <summary>Full validation; <paramref name="operation"/> names the work in a budget error (meta-validation is part of a compilation).</summary>
    internal ValidationResult Validate(ReadOnlySpan<byte> utf8Document, int maxErrors, WorkBudget? budget, string operation)
    {
        if (utf8Document.Length > _limits.MaxDocumentBytes)
        {
            return new ValidationResult(ValidationOutcome.LimitExceeded,
                [new ValidationError("", "", $"the document is {utf8Document.Length} bytes, more than the limit of {_limits.MaxDocumentBytes}")], false);
        }

        var state = EvaluationState.Rent();
        try
        {
            var status = JsonTapeBuilder.Build(state.Tape, utf8Document, _limits.MaxDepth, ref state.ParseStack, out var offset);
            var e = new Evaluator(utf8Document, state, full: true);
            switch (status)
            {
                case TapeStatus.Ok:
                    break;
                case TapeStatus.Malformed:
                    return new ValidationResult(ValidationOutcome.MalformedJson,
                        [new ValidationError("", "", $"the document is not valid JSON (at byte offset {offset})")], false, offset);
                case TapeStatus.TooDeep:
                    return new ValidationResult(ValidationOutcome.LimitExceeded,
                        [new ValidationError("", "", $"the document nests deeper than the limit of {_limits.MaxDepth} (at byte offset {offset})")], false, offset);
                default:
                {
                    var name = System.Text.Encoding.UTF8.GetString(e.Bytes((int)offset));
                    var location = e.InstanceLocation((int)offset); // a name token resolves to its object
                    return new ValidationResult(ValidationOutcome.Invalid,
                        [new ValidationError(location, "", $"the object has the property name \"{name}\" more than once")], false);
                }
            }

            state.MaxDepth = RefDepthLimit;
            state.ErrorCap = Math.Max(1, maxErrors);
            state.Begin(budget, _limits.Work, _regexTickLimit, _memoAllowed, Memo, operation);
            bool valid;
            try
            {
                valid = _root.Evaluate(ref e, 0, -1);
            }
            finally
            {
                state.End();
            }

            var outcome = state.DepthExceeded ? ValidationOutcome.LimitExceeded : valid ? ValidationOutcome.Valid : ValidationOutcome.Invalid;
            var errors = state.Errors.ToArray();
            if (!valid && errors.Length == 0)
            {
                errors = [new ValidationError("", "", "the document is invalid")];
            }

            return new ValidationResult(outcome, valid ? [] : errors, state.Dropped > 0);
        }
        finally
        {
            state.Errors.Clear();
            EvaluationState.Return(state);
        }
    }

    /// <summary>Full validation of a document split across buffers.</summary>
    public ValidationResult Validate(in ReadOnlySequence<byte> utf8Document, int maxErrors = 100) => Validate(utf8Document, maxErrors, null);

    /// <summary>Full validation of a document split across buffers, charged to <paramref name="budget"/>.</summary>
    public ValidationResult Validate(in ReadOnlySequence<byte> utf8Document, int maxErrors, WorkBudget? budget)
    {
        if (utf8Document.IsSingleSegment)
        {
            return Validate(utf8Document.FirstSpan, maxErrors, budget);
        }

        if (utf8Document.Length > _limits.MaxDocumentBytes)
        {
            return new ValidationResult(ValidationOutcome.LimitExceeded,
                [new ValidationError("", "", $"the document is {utf8Document.Length} bytes, more than the limit of {_limits.MaxDocumentBytes}")], false);
        }

        var length = (int)utf8Document.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            utf8Document.CopyTo(buffer);
            return Validate(buffer.AsSpan(0, length), maxErrors, budget);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>How many references may be followed in one chain: generous for deep recursive documents, finite for cycles.</summary>
    private int RefDepthLimit => (_limits.MaxDepth * 8) + 64;

    private static ValidationOutcome Outcome(TapeStatus status) => status switch
    {
        TapeStatus.Malformed => ValidationOutcome.MalformedJson,
        TapeStatus.DuplicateKey => ValidationOutcome.Invalid,
        _ => ValidationOutcome.LimitExceeded,
    };
}
