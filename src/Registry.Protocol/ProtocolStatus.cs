namespace Registry.Protocol;

/// <summary>
/// Facts about <see cref="StatusCode"/> values shared by the binary server and the client. (Named apart from
/// ASP.NET's <c>StatusCodes</c>: these are the binary protocol's statuses, not HTTP's. The HTTP APIs map the engine's
/// error codes themselves.)
/// </summary>
public static class ProtocolStatus
{
    /// <summary>The stable upper-case name of a status, as docs/protocol.md lists it (e.g. <c>SUBJECT_NOT_FOUND</c>).</summary>
    public static string GetName(StatusCode status) => status switch
    {
        StatusCode.Ok => "OK",
        StatusCode.MalformedFrame => "MALFORMED_FRAME",
        StatusCode.UnknownOpcode => "UNKNOWN_OPCODE",
        StatusCode.BadRequest => "BAD_REQUEST",
        StatusCode.TooLarge => "TOO_LARGE",
        StatusCode.UnsupportedVersion => "UNSUPPORTED_VERSION",
        StatusCode.HandshakeRequired => "HANDSHAKE_REQUIRED",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        StatusCode.Forbidden => "FORBIDDEN",
        StatusCode.SchemaNotFound => "SCHEMA_NOT_FOUND",
        StatusCode.SubjectNotFound => "SUBJECT_NOT_FOUND",
        StatusCode.VersionNotFound => "VERSION_NOT_FOUND",
        StatusCode.ReferenceNotFound => "REFERENCE_NOT_FOUND",
        StatusCode.InvalidSchema => "INVALID_SCHEMA",
        StatusCode.Incompatible => "INCOMPATIBLE",
        StatusCode.IllegalTransition => "ILLEGAL_TRANSITION",
        StatusCode.ModeForbids => "MODE_FORBIDS",
        StatusCode.VersionArchived => "VERSION_ARCHIVED",
        StatusCode.StillReferenced => "STILL_REFERENCED",
        StatusCode.NotSoftDeleted => "NOT_SOFT_DELETED",
        StatusCode.SemVerNotIncreasing => "SEMVER_NOT_INCREASING",
        StatusCode.Conflict => "CONFLICT",
        StatusCode.TooComplex => "TOO_COMPLEX",
        StatusCode.RateLimited => "RATE_LIMITED",
        StatusCode.SchemaTypeMismatch => "SCHEMA_TYPE_MISMATCH",
        StatusCode.AliasNotFound => "ALIAS_NOT_FOUND",
        StatusCode.AliasProtected => "ALIAS_PROTECTED",
        StatusCode.AliasConflict => "ALIAS_CONFLICT",
        StatusCode.ToolSetNotFound => "TOOLSET_NOT_FOUND",
        StatusCode.Internal => "INTERNAL",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.Overloaded => "OVERLOADED",
        StatusCode.TooManyConnections => "TOO_MANY_CONNECTIONS",
        StatusCode.Timeout => "TIMEOUT",
        StatusCode.ShuttingDown => "SHUTTING_DOWN",
        _ => "UNKNOWN",
    };

    /// <summary>
    /// True when the same request may succeed if sent again later, unchanged (after back-off, or on another
    /// connection or replica). Every other failure will fail again.
    /// </summary>
    public static bool IsRetryable(StatusCode status) => status is StatusCode.Unavailable or StatusCode.Overloaded
        or StatusCode.TooManyConnections or StatusCode.Timeout or StatusCode.ShuttingDown or StatusCode.RateLimited;
}
