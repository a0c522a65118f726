using System.Text;
using Registry.Protocol.Messages;

namespace Registry.Client;

/// <summary>
/// A registered schema, as GET_SCHEMA_BY_ID returns it. Immutable: an id never changes content, so the client keeps
/// these for as long as its cache has room.
/// </summary>
public sealed class RegistrySchema
{
    /// <summary>Creates a schema.</summary>
    public RegistrySchema(int id, SchemaType schemaType, ReadOnlyMemory<byte> content, IReadOnlyList<SchemaReference> references)
    {
        Id = id;
        SchemaType = schemaType;
        Content = content;
        References = references ?? throw new ArgumentNullException(nameof(references));
    }

    /// <summary>The global schema id.</summary>
    public int Id { get; }

    /// <summary>The kind of schema.</summary>
    public SchemaType SchemaType { get; }

    /// <summary>The schema's UTF-8 JSON, byte for byte as registered.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>Other subjects' versions the schema refers to.</summary>
    public IReadOnlyList<SchemaReference> References { get; }

    /// <summary>The schema as text.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Content.Span);
}

/// <summary>The verdict on one document.</summary>
public sealed class DocumentVerdict
{
    internal static readonly DocumentVerdict ValidVerdict = new(ValidationOutcome.Valid, false, []);

    /// <summary>Creates a verdict.</summary>
    public DocumentVerdict(ValidationOutcome outcome, bool truncated, IReadOnlyList<DocumentError> errors)
    {
        Outcome = outcome;
        Truncated = truncated;
        Errors = errors ?? throw new ArgumentNullException(nameof(errors));
    }

    /// <summary>Valid, invalid, not JSON, or over a limit.</summary>
    public ValidationOutcome Outcome { get; }

    /// <summary>True when the document is valid.</summary>
    public bool IsValid => Outcome == ValidationOutcome.Valid;

    /// <summary>True when there were more errors than were asked for.</summary>
    public bool Truncated { get; }

    /// <summary>Why the document is not valid; empty when it is, or when no errors were asked for.</summary>
    public IReadOnlyList<DocumentError> Errors { get; }
}

/// <summary>The answer to VALIDATE: which schema was used, any warnings, and the verdict.</summary>
public sealed class ValidationReport
{
    /// <summary>Creates a report.</summary>
    public ValidationReport(int schemaId, IReadOnlyList<ValidationWarning> warnings, DocumentVerdict verdict)
    {
        SchemaId = schemaId;
        Warnings = warnings ?? throw new ArgumentNullException(nameof(warnings));
        Verdict = verdict ?? throw new ArgumentNullException(nameof(verdict));
    }

    /// <summary>The schema validated against (useful when a subject's latest version was asked for).</summary>
    public int SchemaId { get; }

    /// <summary>Things to know although validation went ahead, e.g. that the version is deprecated.</summary>
    public IReadOnlyList<ValidationWarning> Warnings { get; }

    /// <summary>The verdict.</summary>
    public DocumentVerdict Verdict { get; }

    /// <summary>True when the document is valid.</summary>
    public bool IsValid => Verdict.IsValid;

    /// <summary>The outcome.</summary>
    public ValidationOutcome Outcome => Verdict.Outcome;

    /// <summary>Why the document is not valid.</summary>
    public IReadOnlyList<DocumentError> Errors => Verdict.Errors;
}

/// <summary>The answer to VALIDATE_BATCH: one verdict per document, in the order sent.</summary>
public sealed class BatchValidationReport
{
    /// <summary>Creates a report.</summary>
    public BatchValidationReport(int schemaId, IReadOnlyList<ValidationWarning> warnings, IReadOnlyList<DocumentVerdict> verdicts)
    {
        SchemaId = schemaId;
        Warnings = warnings ?? throw new ArgumentNullException(nameof(warnings));
        Verdicts = verdicts ?? throw new ArgumentNullException(nameof(verdicts));
    }

    /// <summary>The schema validated against.</summary>
    public int SchemaId { get; }

    /// <summary>Warnings that apply to every document.</summary>
    public IReadOnlyList<ValidationWarning> Warnings { get; }

    /// <summary>One verdict per document, in request order.</summary>
    public IReadOnlyList<DocumentVerdict> Verdicts { get; }
}

/// <summary>A tool set checked as one request against profiles (TOOLSET CHECK).</summary>
public sealed class ToolSetCheckResult
{
    /// <summary>Creates a result from the server's JSON answer.</summary>
    public ToolSetCheckResult(ReadOnlyMemory<byte> json)
    {
        Json = json;
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Accepted = document.RootElement.TryGetProperty("accepted", out var accepted) && accepted.ValueKind == System.Text.Json.JsonValueKind.True;
    }

    /// <summary>True when every profile accepts the set (no violation a provider rejects).</summary>
    public bool Accepted { get; }

    /// <summary>
    /// The whole answer as UTF-8 JSON, byte for byte what <c>POST /v1/toolsets/{name}/check</c> returns:
    /// <c>{"name", "accepted", "reports": [...]}</c>, one report per profile with its violations.
    /// </summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>The answer as text.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Json.Span);
}
