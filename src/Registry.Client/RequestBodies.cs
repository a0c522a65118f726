using MessagePack;
using Registry.Protocol;
using Registry.Protocol.Messages;

namespace Registry.Client;

/// <summary>VALIDATE against a schema id, written straight from the caller's document (no copy, no allocation).</summary>
internal readonly struct ValidateByIdBody(int schemaId, int maxErrors, ReadOnlyMemory<byte> document) : IRequestBody
{
    public static Opcode Opcode => Opcode.Validate;

    public void Write(ref MessagePackWriter writer) => ValidateRequest.WriteForSchemaId(ref writer, schemaId, maxErrors, document.Span);
}

/// <summary>VALIDATE against a subject's version (or the version an alias points at).</summary>
internal readonly struct ValidateBySubjectBody(string subject, VersionTarget version, int maxErrors, ReadOnlyMemory<byte> document) : IRequestBody
{
    public static Opcode Opcode => Opcode.Validate;

    public void Write(ref MessagePackWriter writer)
    {
        if (version.AliasName is { } alias)
        {
            ValidateRequest.WriteForSubjectAlias(ref writer, subject, alias, maxErrors, document.Span);
        }
        else
        {
            ValidateRequest.WriteForSubject(ref writer, subject, version.Version, maxErrors, document.Span);
        }
    }
}

/// <summary>VALIDATE_BATCH against a schema id or (when <paramref name="subject"/> is set) a subject's version.</summary>
internal readonly struct ValidateBatchBody(int schemaId, string? subject, VersionTarget version, int maxErrors, IReadOnlyList<ReadOnlyMemory<byte>> documents)
    : IRequestBody
{
    public static Opcode Opcode => Opcode.ValidateBatch;

    public void Write(ref MessagePackWriter writer)
    {
        if (subject is null)
        {
            ValidateBatchRequest.WriteForSchemaId(ref writer, schemaId, maxErrors, documents.Count);
        }
        else
        {
            ValidateBatchRequest.WriteForSubjectTarget(ref writer, subject, version, maxErrors, documents.Count);
        }

        for (var i = 0; i < documents.Count; i++)
        {
            ValidateBatchRequest.WriteDocument(ref writer, documents[i].Span);
        }
    }
}
