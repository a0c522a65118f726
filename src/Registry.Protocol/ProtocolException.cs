namespace Registry.Protocol;

/// <summary>
/// The one exception type the protocol's readers throw: a payload could not be decoded, or a value in it breaks a
/// rule of the protocol. <see cref="Status"/> is what the server answers with. Nothing else escapes a reader, so a
/// connection handler needs exactly one catch clause for hostile input.
/// </summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates an exception with <see cref="StatusCode.MalformedFrame"/>.</summary>
    public ProtocolException()
        : this(StatusCode.MalformedFrame, "The payload is malformed.")
    {
    }

    /// <summary>Creates an exception with <see cref="StatusCode.MalformedFrame"/>.</summary>
    public ProtocolException(string message)
        : this(StatusCode.MalformedFrame, message)
    {
    }

    /// <summary>Creates an exception with <see cref="StatusCode.MalformedFrame"/>.</summary>
    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = StatusCode.MalformedFrame;
    }

    /// <summary>Creates an exception with the given status.</summary>
    public ProtocolException(StatusCode status, string message)
        : base(message)
    {
        Status = status;
    }

    /// <summary>The status a response to the offending request carries.</summary>
    public StatusCode Status { get; }
}
