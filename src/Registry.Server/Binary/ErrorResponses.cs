using MessagePack;
using Microsoft.AspNetCore.Connections;
using Registry.Engine;
using Registry.Engine.Model;
using Registry.Protocol;
using Registry.Protocol.Messages;

namespace Registry.Server.Binary;

/// <summary>
/// The one place where failures become protocol status codes: <see cref="RegistryErrorCode"/> to
/// <see cref="StatusCode"/>, and any exception to an error response. Every catch in the binary server ends here.
/// </summary>
internal static class ErrorResponses
{
    // The client reads messages and locations with the protocol's text limit; stay well inside it.
    private const int MaxMessageChars = 16 * 1024;

    /// <summary>The status a refusal by the engine is answered with.</summary>
    public static StatusCode ToStatus(RegistryErrorCode code) => code switch
    {
        RegistryErrorCode.InvalidRequest
            or RegistryErrorCode.InvalidVersion
            or RegistryErrorCode.InvalidCompatibilityLevel
            or RegistryErrorCode.InvalidMode
            or RegistryErrorCode.InvalidVariables
            or RegistryErrorCode.InvalidRuleSet => StatusCode.BadRequest,
        RegistryErrorCode.SubjectNotFound or RegistryErrorCode.SubjectSoftDeleted => StatusCode.SubjectNotFound,
        RegistryErrorCode.VersionNotFound or RegistryErrorCode.VersionSoftDeleted => StatusCode.VersionNotFound,
        RegistryErrorCode.SchemaNotFound => StatusCode.SchemaNotFound,
        RegistryErrorCode.SubjectNotSoftDeleted or RegistryErrorCode.VersionNotSoftDeleted => StatusCode.NotSoftDeleted,
        RegistryErrorCode.InvalidSchema or RegistryErrorCode.UnsupportedSchemaType => StatusCode.InvalidSchema,
        RegistryErrorCode.Incompatible => StatusCode.Incompatible,
        RegistryErrorCode.IllegalTransition => StatusCode.IllegalTransition,
        RegistryErrorCode.ReferenceExists => StatusCode.StillReferenced,
        RegistryErrorCode.ReferenceNotFound => StatusCode.ReferenceNotFound,
        RegistryErrorCode.InvalidSemver => StatusCode.SemVerNotIncreasing,
        RegistryErrorCode.OperationNotPermitted => StatusCode.ModeForbids,
        RegistryErrorCode.VersionArchived => StatusCode.VersionArchived,
        RegistryErrorCode.SchemaTypeMismatch => StatusCode.SchemaTypeMismatch,
        RegistryErrorCode.AliasNotFound => StatusCode.AliasNotFound,
        RegistryErrorCode.AliasProtected => StatusCode.AliasProtected,
        RegistryErrorCode.AliasTargetInvalid or RegistryErrorCode.VersionAliased => StatusCode.AliasConflict,
        RegistryErrorCode.ToolSetNotFound => StatusCode.ToolSetNotFound,
        RegistryErrorCode.IdConflict => StatusCode.Conflict,

        // Lost the subject's revision race too often: retrying later may succeed, as with load shedding.
        RegistryErrorCode.ConcurrentModification => StatusCode.Overloaded,
        RegistryErrorCode.TooLarge => StatusCode.TooLarge,
        RegistryErrorCode.TooComplex => StatusCode.TooComplex,
        RegistryErrorCode.StoreUnavailable => StatusCode.Unavailable,
        RegistryErrorCode.Overloaded => StatusCode.Overloaded,
        RegistryErrorCode.Unauthenticated => StatusCode.Unauthenticated,
        RegistryErrorCode.Forbidden => StatusCode.Forbidden,
        RegistryErrorCode.RateLimited => StatusCode.RateLimited,
        _ => StatusCode.Internal,
    };

    /// <summary>
    /// Writes the error response for <paramref name="exception"/> with <paramref name="requestId"/>. Returns true
    /// when the failure was unexpected (a defect or a store failure) and deserves a log entry with the exception.
    /// </summary>
    public static bool Write(ref MessagePackWriter writer, uint requestId, Exception exception, bool shuttingDown)
    {
        switch (exception)
        {
            case ProtocolException p:
                Envelope.WriteError(ref writer, requestId, p.Status, Clip(p.Message));
                return false;
            case RegistryException r:
                ResponseHeader.Write(ref writer, requestId, ToStatus(r.Code));
                Body(r).Write(ref writer);
                return ToStatus(r.Code) == StatusCode.Internal;
            case Schemas.TooComplexException c:
                // Validation on the read loop runs the compiled schema directly, without the engine's translation.
                Envelope.WriteError(ref writer, requestId, StatusCode.TooComplex, Clip(c.Message));
                return false;
            case OperationCanceledException or ConnectionAbortedException when shuttingDown:
                Envelope.WriteError(ref writer, requestId, StatusCode.ShuttingDown, "The server is shutting down.");
                return false;
            case TimeoutException:
                Envelope.WriteError(ref writer, requestId, StatusCode.Timeout, "A store did not answer in time.");
                return false;
            default:
                // Say no more than is safe: the exception goes to the log, not to the peer.
                Envelope.WriteError(ref writer, requestId, StatusCode.Internal, "The server failed to process the request.");
                return true;
        }
    }

    /// <summary>The error body of an engine refusal, with the differences or schema errors that explain it.</summary>
    public static ErrorResponse Body(RegistryException exception)
    {
        var message = Clip(exception.Message);
        if (exception.Code == RegistryErrorCode.Incompatible && exception.Differences.Count > 0)
        {
            return new ErrorResponse
            {
                Message = message,
                Differences = Differences(exception.Differences),
            };
        }

        if (exception.Code == RegistryErrorCode.InvalidSchema && exception.SchemaErrors.Count > 0)
        {
            var count = Math.Min(exception.SchemaErrors.Count, ProtocolLimits.MaxErrorsPerDocument);
            var errors = new DocumentError[count];
            for (var i = 0; i < count; i++)
            {
                var e = exception.SchemaErrors[i];

                // A schema error is located in the schema document, the instance its meta-schema validated.
                errors[i] = new DocumentError(Clip(e.SchemaLocation), string.Empty, Clip(e.Message));
            }

            return new ErrorResponse { Message = message, SchemaErrors = errors };
        }

        return new ErrorResponse { Message = message };
    }

    /// <summary>Engine differences as protocol differences (the engine has named each one's earlier version).</summary>
    public static Protocol.Messages.SchemaDifference[] Differences(IReadOnlyList<VersionDifference> differences)
    {
        var count = Math.Min(differences.Count, ProtocolLimits.MaxDifferences);
        var list = new Protocol.Messages.SchemaDifference[count];
        for (var i = 0; i < count; i++)
        {
            var d = differences[i];
            list[i] = new Protocol.Messages.SchemaDifference(
                Clip(d.Name), Clip(d.Location), Clip(d.Remedy is null ? d.Message : $"{d.Message}. To fix: {d.Remedy}"), d.IsCompatible, d.EarlierVersion);
        }

        return list;
    }

    private static string Clip(string text) => text.Length <= MaxMessageChars ? text : string.Concat(text.AsSpan(0, MaxMessageChars), "...");
}
