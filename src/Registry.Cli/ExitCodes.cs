namespace Registry.Cli;

/// <summary>The exit codes of the <c>registry</c> tool (also listed by <c>--help</c> of each command).</summary>
internal static class ExitCodes
{
    /// <summary>Success (and, for checks, a positive answer).</summary>
    public const int Ok = 0;

    /// <summary>A negative answer: a document is invalid, a schema is incompatible, a lookup found nothing.</summary>
    public const int Negative = 1;

    /// <summary>Bad input: unknown command or option, unreadable file, invalid JSON, something the transport cannot do.</summary>
    public const int BadInput = 2;

    /// <summary>The server refused the request: not found, illegal transition, invalid schema, mode, ...</summary>
    public const int Refused = 3;

    /// <summary>The server could not be reached, did not answer in time, or failed.</summary>
    public const int Unavailable = 4;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Interrupted = 130;

    /// <summary>The help text of the codes every remote command may end with.</summary>
    public const string RemoteHelp = """
          0  success
          2  bad input: options, files, or an operation the binary protocol lacks
          3  the server refused the request (not found, illegal transition, invalid schema, ...)
          4  the server could not be reached, timed out, or failed
        """;
}
