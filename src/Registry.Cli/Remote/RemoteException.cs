namespace Registry.Cli.Remote;

/// <summary>How a remote call failed, which decides the exit code.</summary>
internal enum RemoteFailure
{
    /// <summary>The server refused the request (not found, illegal transition, invalid schema, mode, ...): exit 3.</summary>
    Refused,

    /// <summary>The schema is incompatible with the subject's versions: exit 1, a negative answer.</summary>
    Incompatible,

    /// <summary>The server could not be reached, timed out or failed: exit 4.</summary>
    Unavailable,

    /// <summary>The transport cannot do what was asked (e.g. an operation the binary protocol lacks): exit 2.</summary>
    NotSupported,
}

/// <summary>
/// A remote call failed. <see cref="Error"/> has the registry's error code and message (the HTTP API's error body, or the
/// binary protocol's status name in the same snake_case spelling).
/// </summary>
internal sealed class RemoteException : Exception
{
    public RemoteException()
        : this(RemoteFailure.Unavailable, new ErrorModel { ErrorCode = "unavailable", Message = "The request failed." })
    {
    }

    public RemoteException(string message)
        : this(RemoteFailure.Unavailable, new ErrorModel { ErrorCode = "unavailable", Message = message })
    {
    }

    public RemoteException(string message, Exception innerException)
        : base(message, innerException)
    {
        Failure = RemoteFailure.Unavailable;
        Error = new ErrorModel { ErrorCode = "unavailable", Message = message };
    }

    public RemoteException(RemoteFailure failure, ErrorModel error, Exception? innerException = null)
        : base(error?.Message, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Failure = failure;
        Error = error;
    }

    public RemoteFailure Failure { get; }

    public ErrorModel Error { get; }

    public static RemoteException NotSupported(string what) =>
        new(RemoteFailure.NotSupported, new ErrorModel
        {
            ErrorCode = "not_supported",
            Message = $"{what} is not available over the binary protocol; run the command without --binary to use HTTP.",
        });
}
