using System.Diagnostics.CodeAnalysis;
using Registry.Engine;

namespace Registry.Server.Confluent;

/// <summary>
/// The one mapping from engine error codes to Confluent's numeric codes. A code's first three digits are the HTTP
/// status; the plain codes (400, 404, 409, 415, 422, 500...) equal it. Server-side failures are 5xx, which both
/// Confluent clients retry; deterministic client errors are never 5xx.
/// </summary>
internal static class ConfluentErrors
{
    public const int SubjectNotFound = 40401;
    public const int VersionNotFound = 40402;
    public const int SchemaNotFound = 40403;
    public const int SubjectSoftDeleted = 40404;
    public const int SubjectNotSoftDeleted = 40405;
    public const int VersionSoftDeleted = 40406;
    public const int VersionNotSoftDeleted = 40407;
    public const int SubjectCompatibilityNotConfigured = 40408;
    public const int SubjectModeNotConfigured = 40409;
    public const int Incompatible = 409;
    public const int InvalidSchema = 42201;
    public const int InvalidVersion = 42202;
    public const int InvalidCompatibilityLevel = 42203;
    public const int InvalidMode = 42204;
    public const int OperationNotPermitted = 42205;
    public const int ReferenceExists = 42206;
    public const int InvalidSubject = 42208;
    public const int SchemaTooLarge = 42209;
    public const int InvalidRuleSet = 42210;
    public const int Overloaded = 429;
    public const int Unauthenticated = 40101;
    public const int Forbidden = 40301;
    public const int RateLimited = 42901;

    /// <summary>The registry's own code (Confluent has none for it): the request needs more work than its budget allows.</summary>
    public const int TooComplex = 42290;
    public const int StoreError = 50001;
    public const int OperationTimeout = 50002;
    public const int StoreUnreachable = 50003;

    /// <summary>The Confluent code of an engine error.</summary>
    public static int Code(RegistryErrorCode code) => code switch
    {
        RegistryErrorCode.SubjectNotFound => SubjectNotFound,
        RegistryErrorCode.VersionNotFound or RegistryErrorCode.AliasNotFound => VersionNotFound,
        RegistryErrorCode.SchemaNotFound => SchemaNotFound,
        RegistryErrorCode.SubjectSoftDeleted => SubjectSoftDeleted,
        RegistryErrorCode.SubjectNotSoftDeleted => SubjectNotSoftDeleted,
        RegistryErrorCode.VersionSoftDeleted => VersionSoftDeleted,
        RegistryErrorCode.VersionNotSoftDeleted => VersionNotSoftDeleted,
        RegistryErrorCode.Incompatible => Incompatible,

        // Everything wrong with what was sent to register, look up or check is an invalid schema in Confluent's terms.
        RegistryErrorCode.InvalidRequest
            or RegistryErrorCode.InvalidSchema
            or RegistryErrorCode.UnsupportedSchemaType
            or RegistryErrorCode.SchemaTypeMismatch
            or RegistryErrorCode.InvalidVariables
            or RegistryErrorCode.ReferenceNotFound
            or RegistryErrorCode.InvalidSemver => InvalidSchema,
        RegistryErrorCode.InvalidVersion => InvalidVersion,
        RegistryErrorCode.InvalidCompatibilityLevel => InvalidCompatibilityLevel,
        RegistryErrorCode.InvalidMode => InvalidMode,
        RegistryErrorCode.OperationNotPermitted
            or RegistryErrorCode.IdConflict
            or RegistryErrorCode.IllegalTransition
            or RegistryErrorCode.VersionArchived
            or RegistryErrorCode.AliasProtected
            or RegistryErrorCode.AliasTargetInvalid
            or RegistryErrorCode.VersionAliased => OperationNotPermitted,
        RegistryErrorCode.ReferenceExists => ReferenceExists,
        RegistryErrorCode.InvalidRuleSet => InvalidRuleSet,
        RegistryErrorCode.TooLarge => SchemaTooLarge,
        RegistryErrorCode.TooComplex => TooComplex,

        // A write that kept losing the revision race gave up: Confluent's "operation timed out".
        RegistryErrorCode.ConcurrentModification => OperationTimeout,

        // The system of record cannot be reached: Confluent's "cannot reach the node that performs writes".
        RegistryErrorCode.StoreUnavailable => StoreUnreachable,

        // The work gate's line is full: retry later, as after Confluent Cloud's rate limit.
        RegistryErrorCode.Overloaded => Overloaded,

        // Confluent's authentication and authorisation failures (its RBAC and basic-auth plugins answer these).
        RegistryErrorCode.Unauthenticated => Unauthenticated,
        RegistryErrorCode.Forbidden => Forbidden,
        RegistryErrorCode.RateLimited => RateLimited,
        _ => StoreError,
    };

    /// <summary>The HTTP status of a Confluent code.</summary>
    public static int Status(int errorCode)
    {
        while (errorCode >= 1000)
        {
            errorCode /= 10;
        }

        return errorCode;
    }

    [DoesNotReturn]
    public static void Throw(int errorCode, string message) => throw new ConfluentException(errorCode, message);

    [DoesNotReturn]
    public static T Throw<T>(int errorCode, string message) => throw new ConfluentException(errorCode, message);
}

/// <summary>A refusal that only the Confluent API knows (e.g. 40408), or one it words differently from the engine.</summary>
internal sealed class ConfluentException(int errorCode, string message) : Exception(message)
{
    public int ErrorCode { get; } = errorCode;
}
