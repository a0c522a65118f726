using Registry.Schemas.Output.Streaming;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Output;

/// <summary>Options of a <see cref="StreamingValidationSession"/>.</summary>
public sealed record StreamingOptions
{
    /// <summary>The defaults: the schema's document and depth limits, 100 violations, strict JSON from the first byte.</summary>
    public static StreamingOptions Default { get; } = new();

    /// <summary>Largest document accepted, in bytes; null takes the schema's <see cref="SchemaLimits.MaxDocumentBytes"/>.</summary>
    public int? MaxDocumentBytes { get; init; }

    /// <summary>Deepest nesting accepted; null takes the schema's <see cref="SchemaLimits.MaxDepth"/>.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Most violations collected (checking stops adding past it).</summary>
    public int MaxViolations { get; init; } = 100;

    /// <summary>
    /// When true, text before the first <c>{</c> or <c>[</c> (prose, a <c>```json</c> fence line) and everything after the
    /// root value is ignored, so that a model's raw stream can be fed as it arrives.
    /// </summary>
    public bool SkipSurroundingText { get; init; }

    /// <summary>
    /// The mapper of the provider profile the output is generated under, or null. When its profile changes the shape
    /// (optional properties sent as <c>null</c>), a prefix is only checked to be JSON: a <c>null</c> the schema would
    /// refuse may stand for an absent property, so no schema violation is definite before the end; <see
    /// cref="StreamingValidationSession.Complete"/> maps the document back to the schema's shape and validates that,
    /// as <see cref="ModelOutputChecker"/> does with <see cref="ModelOutputOptions.ProfileMapper"/>.
    /// </summary>
    public Profiles.ProfileOutputMapper? ProfileMapper { get; init; }
}

/// <summary>What a <see cref="StreamingValidationSession"/> knows after a chunk.</summary>
/// <param name="CanStillBeValid">False once a violation no continuation can fix was found (or the text cannot be JSON).</param>
/// <param name="NewViolations">How many violations this chunk added to <see cref="StreamingValidationSession.Violations"/>.</param>
/// <param name="RootComplete">True once the root value is complete.</param>
public readonly record struct StreamFeedResult(bool CanStillBeValid, int NewViolations, bool RootComplete);

/// <summary>
/// Validates a document while it arrives, chunk by chunk, against a compiled schema: after each chunk it says whether
/// the document can still become valid and reports the violations that no continuation can fix (a completed value of
/// the wrong type, a property a closed object does not allow, a string no enum member starts with, one item too many,
/// malformed JSON, ...), each at the byte that made it definite. Every byte is parsed once (linear in the total size);
/// keywords that cannot be decided early run, through the validator's own code, when their value completes.
/// <see cref="Complete"/> ends the stream and returns the full validator's verdict on the whole document.
/// Not thread-safe: one session per stream.
/// </summary>
public sealed class StreamingValidationSession
{
    private readonly CompiledSchema _schema;
    private readonly StreamChecker _checker;
    private readonly StreamParser _parser;
    private readonly bool _surrounding;
    private readonly Profiles.ProfileOutputMapper? _mapper;
    private ValidationResult? _final;
    private long _received;

    /// <summary>Starts a session for one document.</summary>
    public StreamingValidationSession(CompiledSchema schema, StreamingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        options ??= StreamingOptions.Default;
        _schema = schema;
        var limits = schema.Parts.Limits;
        _mapper = options.ProfileMapper is { ChangesShape: true } mapper ? mapper : null;
        _checker = new StreamChecker(schema, options.MaxViolations, checkSchema: _mapper is null);
        _surrounding = options.SkipSurroundingText;
        _parser = new StreamParser(_checker, options.MaxDepth ?? limits.MaxDepth, options.MaxDocumentBytes ?? limits.MaxDocumentBytes, _surrounding);
    }

    /// <summary>False once the document cannot become valid whatever follows.</summary>
    public bool CanStillBeValid => _checker.Violations.Count == 0 && !_parser.IsFailed && (_final is null || _final.IsValid);

    /// <summary>True once the root value is complete (what follows may only be whitespace, or ignored text).</summary>
    public bool IsRootComplete => _parser.IsRootComplete;

    /// <summary>Bytes fed so far.</summary>
    public long BytesReceived => _received;

    /// <summary>The violations found so far, in the order they became definite.</summary>
    public IReadOnlyList<SchemaViolation> Violations => _checker.Violations;

    /// <summary>The JSON pointer of the value being written at the end of the data so far.</summary>
    public string CurrentLocation => _checker.PathOf(_checker.Depth, _parser.Document);

    /// <summary>The document received so far.</summary>
    public ReadOnlySpan<byte> Document => _parser.Document;

    /// <summary>Parses and checks the next chunk.</summary>
    public StreamFeedResult Feed(ReadOnlySpan<byte> utf8Chunk)
    {
        if (_final is not null)
        {
            throw new InvalidOperationException("The stream was completed; start a new session for another document.");
        }

        var before = _checker.Violations.Count;
        _received += utf8Chunk.Length;
        _parser.Feed(utf8Chunk);
        return new StreamFeedResult(CanStillBeValid, _checker.Violations.Count - before, _parser.IsRootComplete);
    }

    /// <summary>True when <see cref="Complete"/> found the document cut off before its root value was complete.</summary>
    public bool IsTruncated { get; private set; }

    /// <summary>
    /// Ends the stream: a number at the very end completes, and the full validator gives the definitive verdict on the
    /// whole document (for a document cut off, <see cref="ValidationOutcome.MalformedJson"/> and <see cref="IsTruncated"/>).
    /// Idempotent.
    /// </summary>
    public ValidationResult Complete()
    {
        if (_final is not null)
        {
            return _final;
        }

        var end = _parser.Finish();
        var document = _parser.Document;
        switch (end)
        {
            case StreamEnd.Truncated:
                IsTruncated = true;
                _final = new ValidationResult(ValidationOutcome.MalformedJson,
                    [new ValidationError(CurrentLocation, "", $"the document ends before its value is complete (after {document.Length} bytes)")], false, document.Length);
                break;
            case StreamEnd.Empty:
                _final = new ValidationResult(ValidationOutcome.MalformedJson,
                    [new ValidationError("", "", "the output contains no JSON value")], false, document.Length);
                break;
            case StreamEnd.Failed when _checker.Violations.Count > 0 && _checker.Violations[^1].Keyword == "limit":
                _final = new ValidationResult(ValidationOutcome.LimitExceeded, [new ValidationError("", "", _checker.Violations[^1].Message)], false);
                break;
            default:
            {
                var root = _surrounding && _parser.RootStart >= 0 && _parser.RootEnd >= 0
                    ? document[_parser.RootStart.._parser.RootEnd]
                    : document;
                _final = FullValidation(_schema, root, _mapper, 100);
                break;
            }
        }

        return _final;
    }

    /// <summary>Runs the validator, turning its failure on hostile escapes into a malformed verdict.</summary>
    internal static ValidationResult FullValidation(CompiledSchema schema, ReadOnlySpan<byte> document)
        => FullValidation(schema, document, null, 100);

    /// <summary>As <see cref="FullValidation(CompiledSchema, ReadOnlySpan{byte})"/>, through a profile's mapping when one is given.</summary>
    private static ValidationResult FullValidation(CompiledSchema schema, ReadOnlySpan<byte> document, Profiles.ProfileOutputMapper? mapper, int maxErrors)
    {
        try
        {
            return mapper is null ? schema.Validate(document, maxErrors) : mapper.Validate(schema, document, maxErrors);
        }
        catch (InvalidOperationException)
        {
            // A \u escape of a lone surrogate makes the JSON reader throw when it copies the string.
            return new ValidationResult(ValidationOutcome.MalformedJson,
                [new ValidationError("", "", "the document contains an escaped lone surrogate (\\uD800-\\uDFFF without its pair)")], false);
        }
    }

    /// <summary>Feeds a whole document and ends it without the final validation (the checks' own findings only).</summary>
    internal static IReadOnlyList<SchemaViolation> Explain(CompiledSchema schema, ReadOnlySpan<byte> document, int maxViolations)
    {
        var checker = new StreamChecker(schema, maxViolations, eager: false);
        var limits = schema.Parts.Limits;
        var parser = new StreamParser(checker, limits.MaxDepth, Math.Max(limits.MaxDocumentBytes, document.Length), surroundingText: false);
        parser.Feed(document);
        parser.Finish();
        return checker.Violations;
    }

    /// <summary>Feeds a prefix of a document (not ended): the definite violations and whether it can still become valid.</summary>
    internal static (IReadOnlyList<SchemaViolation> Violations, bool CanStillBeValid) Prefix(CompiledSchema schema, ReadOnlySpan<byte> prefix, int maxViolations)
    {
        var checker = new StreamChecker(schema, maxViolations);
        var limits = schema.Parts.Limits;
        var parser = new StreamParser(checker, limits.MaxDepth, Math.Max(limits.MaxDocumentBytes, prefix.Length), surroundingText: false);
        parser.Feed(prefix);
        return (checker.Violations, checker.Violations.Count == 0 && !parser.IsFailed);
    }
}
