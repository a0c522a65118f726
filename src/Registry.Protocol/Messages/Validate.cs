using System.Buffers;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// What a document is validated against: a schema id, or a subject's version. On the wire three fields inline in
/// the body, <c>schemaId: int | nil, subject: str | nil, version: int</c>: exactly one of the first two is non-nil;
/// the version (&gt;= 1, or -1 for latest, or a str naming an alias) counts only with a subject, and is written 0 with
/// a schema id.
/// </summary>
public readonly ref struct ValidationTarget
{
    private ValidationTarget(int schemaId, ReadOnlySequence<byte> subject, int version, string? alias = null)
    {
        SchemaId = schemaId;
        SubjectUtf8 = subject;
        Version = version;
        Alias = alias;
    }

    /// <summary>True when the target is a schema id; false when it is a subject's version.</summary>
    public bool IsSchemaId => SchemaId != 0;

    /// <summary>The schema id, or 0 when the target is a subject's version.</summary>
    public int SchemaId { get; }

    /// <summary>The subject as UTF-8 (checked against the subject rules); empty when the target is a schema id.</summary>
    public ReadOnlySequence<byte> SubjectUtf8 { get; }

    /// <summary>The version, or <see cref="VersionSelector.Latest"/>; 0 when the target is a schema id.</summary>
    public int Version { get; }

    /// <summary>The alias whose version is the target (then <see cref="Version"/> is 0), or null.</summary>
    public string? Alias { get; }

    /// <summary>The subject as a string (allocates); null when the target is a schema id.</summary>
    public string? GetSubject() => IsSchemaId ? null : Utf8Text.Decode(SubjectUtf8, "subject");

    /// <summary>Writes the three target fields for a schema id.</summary>
    public static void WriteSchemaId(ref MessagePackWriter writer, int schemaId)
    {
        writer.Write(schemaId);
        writer.WriteNil();
        writer.Write(0);
    }

    /// <summary>Writes the three target fields for a subject's version.</summary>
    public static void WriteSubject(ref MessagePackWriter writer, string subject, int version)
    {
        writer.WriteNil();
        writer.Write(subject);
        writer.Write(version);
    }

    /// <summary>Writes the three target fields for a subject's version, its latest, or the version an alias points at.</summary>
    public static void WriteSubject(ref MessagePackWriter writer, string subject, VersionTarget version)
    {
        if (version.AliasName is { } alias)
        {
            WriteSubjectAlias(ref writer, subject, alias);
        }
        else
        {
            WriteSubject(ref writer, subject, version.Version);
        }
    }

    /// <summary>
    /// Reads the three target fields into owned values, for the bodies that keep them (CHECK_OUTPUT, STREAM_OPEN):
    /// a schema id, or a subject with a version number, <see cref="VersionSelector.Latest"/> or an alias.
    /// </summary>
    internal static (int? SchemaId, string? Subject, int Version, string? Alias) ReadOwned(
        scoped ref ProtocolReader reader, string op, string subjectField, string versionField)
    {
        if (reader.TryReadNil())
        {
            var subject = reader.ReadNullableSubject(subjectField);
            if (subject is null)
            {
                ProtocolErrors.BadValue(op, "give a schema id or a subject.");
            }

            var version = VersionSelector.Read(ref reader, versionField, out var alias);
            return (null, subject, version, alias);
        }

        var schemaId = reader.ReadInt32(op + ".schemaId", min: 1);
        if (!reader.TryReadNil())
        {
            reader.ReadSubject(subjectField);
            ProtocolErrors.BadValue(op, "give a schema id or a subject, not both.");
        }

        reader.ReadInt32(versionField);
        return (schemaId, null, 0, null);
    }

    /// <summary>Writes the three target fields for the version an alias of a subject points at.</summary>
    public static void WriteSubjectAlias(ref MessagePackWriter writer, string subject, string alias)
    {
        writer.WriteNil();
        writer.Write(subject);
        writer.Write(alias);
    }

    internal static ValidationTarget Read(scoped ref ProtocolReader reader, bool batch)
    {
        // Field names are constants: building them per request would allocate on the hot path.
        var op = batch ? "VALIDATE_BATCH" : "VALIDATE";
        var subjectField = batch ? "VALIDATE_BATCH.subject" : "VALIDATE.subject";
        var versionField = batch ? "VALIDATE_BATCH.version" : "VALIDATE.version";
        if (reader.TryReadNil())
        {
            if (reader.TryReadNil())
            {
                ProtocolErrors.BadValue(op, "give a schema id or a subject.");
            }

            var subject = reader.ReadSubjectUtf8(subjectField);
            var version = VersionSelector.Read(ref reader, versionField, out var alias);
            return new ValidationTarget(0, subject, version, alias);
        }

        var schemaId = reader.ReadInt32(batch ? "VALIDATE_BATCH.schemaId" : "VALIDATE.schemaId", min: 1);
        if (!reader.TryReadNil())
        {
            // Read first, so that a truncated or mistyped field is reported as malformed, not as "both".
            reader.ReadSubjectUtf8(subjectField);
            ProtocolErrors.BadValue(op, "give a schema id or a subject, not both.");
        }

        // Meaningless with a schema id; read to keep the shape strict, then ignored.
        reader.ReadInt32(versionField);
        return new ValidationTarget(schemaId, default, 0);
    }
}

/// <summary>
/// VALIDATE's request, read in place: <c>[schemaId | nil, subject | nil, version: int, maxErrors: int &gt;= 0,
/// document: bin]</c>. <see cref="MaxErrors"/> 0 asks only for the verdict (the fastest path); more asks for up to
/// that many errors (at most <see cref="ProtocolLimits.MaxErrorsPerDocument"/>). Hot path: reads and writes allocate
/// nothing; the document is a slice of the payload.
/// </summary>
public readonly ref struct ValidateRequest
{
    private const string Shape = "VALIDATE body";

    private ValidateRequest(ValidationTarget target, int maxErrors, ReadOnlySequence<byte> document)
    {
        Target = target;
        MaxErrors = maxErrors;
        Document = document;
    }

    /// <summary>What to validate against.</summary>
    public ValidationTarget Target { get; }

    /// <summary>How many errors to report, already capped at <see cref="ProtocolLimits.MaxErrorsPerDocument"/>.</summary>
    public int MaxErrors { get; }

    /// <summary>The document's UTF-8 JSON bytes, a slice of the payload.</summary>
    public ReadOnlySequence<byte> Document { get; }

    /// <summary>Writes the body for validation against a schema id.</summary>
    public static void WriteForSchemaId(ref MessagePackWriter writer, int schemaId, int maxErrors, ReadOnlySpan<byte> document)
    {
        writer.WriteArrayHeader(5);
        ValidationTarget.WriteSchemaId(ref writer, schemaId);
        writer.Write(maxErrors);
        writer.WriteBlob(document);
    }

    /// <summary>Writes the body for validation against a subject's version (or <see cref="VersionSelector.Latest"/>).</summary>
    public static void WriteForSubject(ref MessagePackWriter writer, string subject, int version, int maxErrors, ReadOnlySpan<byte> document)
    {
        writer.WriteArrayHeader(5);
        ValidationTarget.WriteSubject(ref writer, subject, version);
        writer.Write(maxErrors);
        writer.WriteBlob(document);
    }

    /// <summary>Writes the body for validation against the version an alias of a subject points at.</summary>
    public static void WriteForSubjectAlias(ref MessagePackWriter writer, string subject, string alias, int maxErrors, ReadOnlySpan<byte> document)
    {
        writer.WriteArrayHeader(5);
        ValidationTarget.WriteSubjectAlias(ref writer, subject, alias);
        writer.Write(maxErrors);
        writer.WriteBlob(document);
    }

    /// <summary>Reads the body.</summary>
    public static ValidateRequest Read(scoped ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 5);
        var target = ValidationTarget.Read(ref reader, batch: false);
        var maxErrors = Math.Min(reader.ReadInt32("VALIDATE.maxErrors", min: 0), ProtocolLimits.MaxErrorsPerDocument);
        var document = reader.ReadBlob("VALIDATE.document");
        reader.EndBody(Shape, extra);
        return new ValidateRequest(target, maxErrors, document);
    }
}

/// <summary>
/// VALIDATE's response, read in place: <c>[schemaId: int, warnings: [warning], outcome: int, truncated: bool,
/// errors: [error]]</c>. <c>schemaId</c> is the schema actually used (useful when the target was "latest").
/// Written in order with <see cref="WriteStart"/>, the warnings, <see cref="WriteOutcome"/>, the errors; or at once
/// with <see cref="Write"/>. Hot path: neither side allocates.
/// </summary>
public readonly ref struct ValidateResponse
{
    private const string Shape = "VALIDATE response";

    private ValidateResponse(int schemaId, PayloadList<ValidationWarningView> warnings, ValidationOutcome outcome, bool truncated, PayloadList<DocumentErrorView> errors)
    {
        SchemaId = schemaId;
        Warnings = warnings;
        Outcome = outcome;
        Truncated = truncated;
        Errors = errors;
    }

    /// <summary>The schema validated against.</summary>
    public int SchemaId { get; }

    /// <summary>Warnings (e.g. the version is deprecated).</summary>
    public PayloadList<ValidationWarningView> Warnings { get; }

    /// <summary>The verdict.</summary>
    public ValidationOutcome Outcome { get; }

    /// <summary>True when the document is valid.</summary>
    public bool IsValid => Outcome == ValidationOutcome.Valid;

    /// <summary>True when more errors existed than were asked for.</summary>
    public bool Truncated { get; }

    /// <summary>Why the document is not valid (empty when it is, or when no errors were asked for).</summary>
    public PayloadList<DocumentErrorView> Errors { get; }

    /// <summary>Writes the schema id and the header of a list of <paramref name="warningCount"/> warnings, which must follow.</summary>
    public static void WriteStart(ref MessagePackWriter writer, int schemaId, int warningCount)
    {
        writer.WriteArrayHeader(5);
        writer.Write(schemaId);
        writer.WriteArrayHeader(warningCount);
    }

    /// <summary>After the warnings: writes the verdict and the header of a list of <paramref name="errorCount"/> errors, which must follow.</summary>
    public static void WriteOutcome(ref MessagePackWriter writer, ValidationOutcome outcome, bool truncated, int errorCount)
    {
        writer.Write((int)outcome);
        writer.Write(truncated);
        writer.WriteArrayHeader(errorCount);
    }

    /// <summary>Writes the whole body.</summary>
    public static void Write(
        ref MessagePackWriter writer,
        int schemaId,
        ValidationOutcome outcome,
        bool truncated,
        ReadOnlySpan<DocumentError> errors,
        ReadOnlySpan<ValidationWarning> warnings)
    {
        WriteStart(ref writer, schemaId, warnings.Length);
        foreach (var warning in warnings)
        {
            warning.Write(ref writer);
        }

        WriteOutcome(ref writer, outcome, truncated, errors.Length);
        foreach (var error in errors)
        {
            error.Write(ref writer);
        }
    }

    /// <summary>Reads the body.</summary>
    public static ValidateResponse Read(scoped ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 5);
        var schemaId = reader.ReadInt32("VALIDATE.schemaId", min: 1);
        var warnings = PayloadList<ValidationWarningView>.Read(
            ref reader, "VALIDATE.warnings", ProtocolLimits.MaxWarnings, ValidationWarning.MinEncodedBytes);
        var outcome = (ValidationOutcome)reader.ReadEnum("VALIDATE.outcome", DomainEnums.MaxValidationOutcome);
        var truncated = reader.ReadBoolean("VALIDATE.truncated");
        var errors = PayloadList<DocumentErrorView>.Read(
            ref reader, "VALIDATE.errors", ProtocolLimits.MaxErrorsPerDocument, DocumentError.MinEncodedBytes);
        reader.EndBody(Shape, extra);
        return new ValidateResponse(schemaId, warnings, outcome, truncated, errors);
    }
}
