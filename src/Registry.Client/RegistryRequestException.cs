using Registry.Protocol;
using Registry.Protocol.Messages;

namespace Registry.Client;

/// <summary>
/// The server refused a request (<see cref="Status"/> says why), or, as <see cref="RegistryConnectionException"/>, the
/// connection failed before the answer came. A per-call time-out is a <see cref="TimeoutException"/> instead, and
/// cancellation an <see cref="OperationCanceledException"/>.
/// </summary>
public class RegistryRequestException : Exception
{
    /// <summary>Creates an exception for a refusal with <see cref="StatusCode.Internal"/>.</summary>
    public RegistryRequestException()
        : this(StatusCode.Internal, "The request failed.")
    {
    }

    /// <summary>Creates an exception for a refusal with <see cref="StatusCode.Internal"/>.</summary>
    public RegistryRequestException(string message)
        : this(StatusCode.Internal, message)
    {
    }

    /// <summary>Creates an exception for a refusal with <see cref="StatusCode.Internal"/> and its cause.</summary>
    public RegistryRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = StatusCode.Internal;
    }

    /// <summary>Creates an exception for a refusal.</summary>
    public RegistryRequestException(StatusCode status, string message)
        : base(message)
    {
        Status = status;
    }

    /// <summary>Creates an exception for a refusal with its cause.</summary>
    public RegistryRequestException(StatusCode status, string message, Exception? innerException)
        : base(message, innerException)
    {
        Status = status;
    }

    /// <summary>Creates an exception from the error body the server sent.</summary>
    public RegistryRequestException(StatusCode status, ErrorResponse error)
        : base(error?.Message)
    {
        ArgumentNullException.ThrowIfNull(error);
        Status = status;
        Differences = error.Differences;
        SchemaErrors = error.SchemaErrors;
    }

    /// <summary>Why the request failed (<c>ProtocolStatus.GetName</c> gives its stable name).</summary>
    public StatusCode Status { get; }

    /// <summary>For <see cref="StatusCode.Incompatible"/>: the differences that break the subject's compatibility level.</summary>
    public IReadOnlyList<SchemaDifference> Differences { get; } = [];

    /// <summary>For <see cref="StatusCode.InvalidSchema"/>: where the schema is wrong.</summary>
    public IReadOnlyList<DocumentError> SchemaErrors { get; } = [];

    /// <summary>True when the same request may succeed if sent again later (after back-off).</summary>
    public bool IsRetryable => ProtocolStatus.IsRetryable(Status);
}

/// <summary>
/// The connection carrying a request failed (or could not be opened) before its answer came. The request may or may
/// not have been applied; reads are retried by the client on another connection while time remains, so callers see
/// this for writes, or once the time-out budget is spent.
/// </summary>
public sealed class RegistryConnectionException : RegistryRequestException
{
    /// <summary>Creates an exception with <see cref="StatusCode.Unavailable"/>.</summary>
    public RegistryConnectionException()
        : base(StatusCode.Unavailable, "The connection to the registry failed.")
    {
    }

    /// <summary>Creates an exception with <see cref="StatusCode.Unavailable"/>.</summary>
    public RegistryConnectionException(string message)
        : base(StatusCode.Unavailable, message)
    {
    }

    /// <summary>Creates an exception with <see cref="StatusCode.Unavailable"/> and its cause.</summary>
    public RegistryConnectionException(string message, Exception innerException)
        : base(StatusCode.Unavailable, message, innerException)
    {
    }

    /// <summary>Creates an exception for a connection-level error the server sent (request id 0).</summary>
    public RegistryConnectionException(StatusCode status, string message)
        : base(status, message)
    {
    }
}
