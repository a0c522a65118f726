namespace Registry.Server.Binary;

/// <summary>
/// What a connection has negotiated: whether HELLO succeeded, the protocol version, who is calling. Written only by
/// the connection's read loop (HELLO is a barrier, so no operation runs while it changes); read by operations.
/// </summary>
internal sealed class ConnectionSession(string connectionId, CancellationToken closed)
{
    /// <summary>The transport's connection id, for logs.</summary>
    public string ConnectionId { get; } = connectionId;

    /// <summary>Cancelled when the peer goes away: work done only for this connection may stop.</summary>
    public CancellationToken Closed { get; } = closed;

    /// <summary>True once HELLO succeeded.</summary>
    public bool IsEstablished { get; private set; }

    /// <summary>The negotiated protocol version (0 before HELLO).</summary>
    public int ProtocolVersion { get; private set; }

    /// <summary>The HELLO client name, recorded as created-by of versions registered on this connection.</summary>
    public string? ClientName { get; private set; }

    /// <summary>Who HELLO authenticated (null when security is off).</summary>
    public Engine.Security.Principal? Principal { get; private set; }

    /// <summary>The peer's address, for the audit log.</summary>
    public string Source { get; init; } = "unknown";

    public void Establish(int version, string? clientName, Engine.Security.Principal? principal = null)
    {
        ProtocolVersion = version;
        ClientName = clientName;
        Principal = principal;
        IsEstablished = true;
    }
}
