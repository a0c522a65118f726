using System.Buffers;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// VALIDATE_BATCH's request, read in place: <c>[schemaId | nil, subject | nil, version: int, maxErrors: int &gt;= 0,
/// documents: [bin]]</c>, at most <see cref="ProtocolLimits.MaxBatchDocuments"/> documents against one target.
/// Written with <see cref="WriteForSchemaId"/> or <see cref="WriteForSubject"/> followed by
/// <see cref="WriteDocument"/> once per document. Reading allocates nothing: documents are slices of the payload.
/// </summary>
public readonly ref struct ValidateBatchRequest
{
    private const string Shape = "VALIDATE_BATCH body";

    private ValidateBatchRequest(ValidationTarget target, int maxErrors, PayloadList<DocumentView> documents)
    {
        Target = target;
        MaxErrors = maxErrors;
        Documents = documents;
    }

    /// <summary>What to validate against.</summary>
    public ValidationTarget Target { get; }

    /// <summary>How many errors to report per document, already capped.</summary>
    public int MaxErrors { get; }

    /// <summary>The documents.</summary>
    public PayloadList<DocumentView> Documents { get; }

    /// <summary>Writes the body up to its documents, for a schema id; <paramref name="documentCount"/> documents must follow.</summary>
    public static void WriteForSchemaId(ref MessagePackWriter writer, int schemaId, int maxErrors, int documentCount)
    {
        writer.WriteArrayHeader(5);
        ValidationTarget.WriteSchemaId(ref writer, schemaId);
        writer.Write(maxErrors);
        writer.WriteArrayHeader(documentCount);
    }

    /// <summary>Writes the body up to its documents, for a subject's version; <paramref name="documentCount"/> documents must follow.</summary>
    public static void WriteForSubject(ref MessagePackWriter writer, string subject, int version, int maxErrors, int documentCount)
    {
        writer.WriteArrayHeader(5);
        ValidationTarget.WriteSubject(ref writer, subject, version);
        writer.Write(maxErrors);
        writer.WriteArrayHeader(documentCount);
    }

    /// <summary>Writes the body up to its documents, for the version an alias of a subject points at.</summary>
    public static void WriteForSubjectTarget(ref MessagePackWriter writer, string subject, VersionTarget version, int maxErrors, int documentCount)
    {
        writer.WriteArrayHeader(5);
        if (version.AliasName is { } alias)
        {
            ValidationTarget.WriteSubjectAlias(ref writer, subject, alias);
        }
        else
        {
            ValidationTarget.WriteSubject(ref writer, subject, version.Version);
        }

        writer.Write(maxErrors);
        writer.WriteArrayHeader(documentCount);
    }

    /// <summary>Writes one document.</summary>
    public static void WriteDocument(ref MessagePackWriter writer, ReadOnlySpan<byte> document) => writer.WriteBlob(document);

    /// <summary>Reads the body.</summary>
    public static ValidateBatchRequest Read(scoped ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 5);
        var target = ValidationTarget.Read(ref reader, batch: true);
        var maxErrors = Math.Min(reader.ReadInt32("VALIDATE_BATCH.maxErrors", min: 0), ProtocolLimits.MaxErrorsPerDocument);
        var documents = PayloadList<DocumentView>.Read(
            ref reader, "VALIDATE_BATCH.documents", ProtocolLimits.MaxBatchDocuments, minElementBytes: 1);
        reader.EndBody(Shape, extra);
        return new ValidateBatchRequest(target, maxErrors, documents);
    }
}

/// <summary>One document's verdict in a VALIDATE_BATCH response: <c>[outcome: int, truncated: bool, errors: [error]]</c>.</summary>
public readonly ref struct BatchResultView : IPayloadElement<BatchResultView>
{
    internal const int MinEncodedBytes = 4;

    private BatchResultView(ValidationOutcome outcome, bool truncated, PayloadList<DocumentErrorView> errors)
    {
        Outcome = outcome;
        Truncated = truncated;
        Errors = errors;
    }

    /// <summary>The verdict.</summary>
    public ValidationOutcome Outcome { get; }

    /// <summary>True when the document is valid.</summary>
    public bool IsValid => Outcome == ValidationOutcome.Valid;

    /// <summary>True when more errors existed than were asked for.</summary>
    public bool Truncated { get; }

    /// <summary>Why the document is not valid.</summary>
    public PayloadList<DocumentErrorView> Errors { get; }

    static BatchResultView IPayloadElement<BatchResultView>.Read(scoped ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("result", 3);
        var outcome = (ValidationOutcome)reader.ReadEnum("result.outcome", DomainEnums.MaxValidationOutcome);
        var truncated = reader.ReadBoolean("result.truncated");
        var errors = PayloadList<DocumentErrorView>.Read(
            ref reader, "result.errors", ProtocolLimits.MaxErrorsPerDocument, DocumentError.MinEncodedBytes);
        reader.Skip("result", extra);
        return new BatchResultView(outcome, truncated, errors);
    }
}

/// <summary>
/// VALIDATE_BATCH's response, read in place: <c>[schemaId: int, warnings: [warning], results: [[outcome, truncated,
/// errors]]]</c>, one result per document in request order. Written in order with <see cref="WriteStart"/>, the
/// warnings, <see cref="WriteResultsHeader"/>, then per document <see cref="WriteResult"/> and its errors.
/// </summary>
public readonly ref struct ValidateBatchResponse
{
    private const string Shape = "VALIDATE_BATCH response";

    private ValidateBatchResponse(int schemaId, PayloadList<ValidationWarningView> warnings, PayloadList<BatchResultView> results)
    {
        SchemaId = schemaId;
        Warnings = warnings;
        Results = results;
    }

    /// <summary>The schema validated against.</summary>
    public int SchemaId { get; }

    /// <summary>Warnings that apply to every document (e.g. the version is deprecated).</summary>
    public PayloadList<ValidationWarningView> Warnings { get; }

    /// <summary>One verdict per document, in request order.</summary>
    public PayloadList<BatchResultView> Results { get; }

    /// <summary>Writes the schema id and the header of a list of <paramref name="warningCount"/> warnings, which must follow.</summary>
    public static void WriteStart(ref MessagePackWriter writer, int schemaId, int warningCount)
    {
        writer.WriteArrayHeader(3);
        writer.Write(schemaId);
        writer.WriteArrayHeader(warningCount);
    }

    /// <summary>After the warnings: writes the header of the list of <paramref name="resultCount"/> results.</summary>
    public static void WriteResultsHeader(ref MessagePackWriter writer, int resultCount) => writer.WriteArrayHeader(resultCount);

    /// <summary>Writes one document's verdict and the header of its <paramref name="errorCount"/> errors, which must follow.</summary>
    public static void WriteResult(ref MessagePackWriter writer, ValidationOutcome outcome, bool truncated, int errorCount)
    {
        writer.WriteArrayHeader(3);
        writer.Write((int)outcome);
        writer.Write(truncated);
        writer.WriteArrayHeader(errorCount);
    }

    /// <summary>Reads the body.</summary>
    public static ValidateBatchResponse Read(scoped ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 3);
        var schemaId = reader.ReadInt32("VALIDATE_BATCH.schemaId", min: 1);
        var warnings = PayloadList<ValidationWarningView>.Read(
            ref reader, "VALIDATE_BATCH.warnings", ProtocolLimits.MaxWarnings, ValidationWarning.MinEncodedBytes);
        var results = PayloadList<BatchResultView>.Read(
            ref reader, "VALIDATE_BATCH.results", ProtocolLimits.MaxBatchDocuments, BatchResultView.MinEncodedBytes);
        reader.EndBody(Shape, extra);
        return new ValidateBatchResponse(schemaId, warnings, results);
    }
}
