using System.Net;

namespace Registry.Server.Hosting;

/// <summary>The endpoints the listeners actually bound (useful when the configured port is 0).</summary>
public sealed class BoundEndpoints
{
    /// <summary>The HTTP listener's endpoint, known once the server has started.</summary>
    public IPEndPoint? Http { get; internal set; }

    /// <summary>The binary listener's endpoint, known once the server has started.</summary>
    public IPEndPoint? Binary { get; internal set; }

    /// <summary>How the binary listener is served: "sockets", or "event loop, N threads".</summary>
    public string? BinaryTransport { get; internal set; }
}
