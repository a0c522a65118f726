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

    /// <summary>Most partial-validation sessions open at once on one connection.</summary>
    public const int MaxStreams = 16;

    private readonly Dictionary<int, Engine.Services.OutputStream> _streams = [];
    private int _lastStreamId;

    /// <summary>Keeps an opened stream (STREAM_OPEN completes off the read loop); its id, or 0 when too many are open.</summary>
    public int AddStream(Engine.Services.OutputStream stream)
    {
        lock (_streams)
        {
            if (_streams.Count >= MaxStreams)
            {
                return 0;
            }

            var id = ++_lastStreamId;
            _streams[id] = stream;
            return id;
        }
    }

    /// <summary>The open stream called <paramref name="id"/>, or null.</summary>
    public Engine.Services.OutputStream? GetStream(int id)
    {
        lock (_streams)
        {
            return _streams.GetValueOrDefault(id);
        }
    }

    /// <summary>Closes a stream (its final chunk, or a violation that ended it).</summary>
    public void RemoveStream(int id)
    {
        lock (_streams)
        {
            _streams.Remove(id);
        }
    }

    public void Establish(int version, string? clientName, Engine.Security.Principal? principal = null)
    {
        ProtocolVersion = version;
        ClientName = clientName;
        Principal = principal;
        IsEstablished = true;
    }
}
