using Registry.Protocol;
using Registry.Protocol.Messages;

namespace Registry.Client;

/// <summary>
/// How a <see cref="RegistryClient"/> connects and behaves. Every property has a default that suits a service
/// talking to a registry on its own network; usually only <see cref="Endpoints"/> and <see cref="ClientName"/> are set.
/// </summary>
public sealed record RegistryClientOptions
{
    /// <summary>Default binary-protocol port of the registry server.</summary>
    public const int DefaultPort = 9091;

    /// <summary>
    /// Servers to connect to, as <c>host:port</c> (<c>[v6]:port</c> for IPv6 literals; the port defaults to
    /// <see cref="DefaultPort"/>). Connections are spread over them, and a connection that cannot reach one tries the next.
    /// </summary>
    public IReadOnlyList<string> Endpoints { get; init; } = ["127.0.0.1:9091"];

    /// <summary>
    /// Connections kept open for reads (default 2): every request that is not a write. Each carries many requests at
    /// once (pipelining), so a few serve a whole process; more help only when one connection's socket becomes the
    /// bottleneck. With several endpoints, read connection <c>i</c> starts at endpoint <c>i</c>, so a pool at least as
    /// large as the endpoint list reaches each of them (which <see cref="HedgeDelay"/> needs).
    /// </summary>
    public int PoolSize { get; init; } = 2;

    /// <summary>
    /// Connections for writes (REGISTER, UPDATE_VERSION, DELETE, SET_CONFIG), in addition to <see cref="PoolSize"/>;
    /// default 1, opened on the first write. A write is a barrier on its connection: nothing sent after it on that
    /// connection starts before it is answered (docs/protocol.md, section 5). On connections of their own, writes never
    /// hold up reads. A write connection carries one write at a time (a write runs alone on its connection anyway), so
    /// this is how many writes run at once; a write waits in the client for a free one, and a write that times out
    /// there was never sent. 0 sends writes on the read connections, where reads queue behind them.
    /// A write the client has seen acknowledged is visible to every request it starts afterwards on the same server,
    /// whichever connection carries it (read-your-writes, section 5 rule 4).
    /// </summary>
    public int WriteConnections { get; init; } = 1;

    /// <summary>
    /// When set, a read (any request but a write) that has no answer after this long is sent once more, to an open
    /// read connection to another endpoint, and the first answer is taken (the other is dropped when it comes): a
    /// replica that is slow or cut off from its stores then costs a read this delay, not its time-out. Reads change
    /// nothing, so sending one twice is safe; writes are never sent twice. When the other endpoint answers first, new
    /// reads pass over the slow connection for ten times this delay (at least a second), then try it again. Null (the
    /// default): no hedging. It has an effect only with several endpoints and read connections open to more than one.
    /// </summary>
    public TimeSpan? HedgeDelay { get; init; }

    /// <summary>Most requests the client keeps in flight on one connection (the server may announce fewer).</summary>
    public int MaxInFlightPerConnection { get; init; } = ProtocolLimits.DefaultMaxInFlight;

    /// <summary>
    /// How long a call may take in all (waiting for a connection, for room on it, and for the response) before it
    /// fails with <see cref="TimeoutException"/>. <see cref="RegistryClient.WithTimeout"/> gives a view with another value.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one attempt to open a connection (TCP connect and HELLO) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause after the first failed connection attempt; it doubles with each further failure up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan MinReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest pause between connection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Sent in HELLO: the application's name, recorded by the server as the creator of what this client registers.</summary>
    public string? ClientName { get; init; }

    /// <summary>
    /// Sent in HELLO when set: <c>("bearer", key)</c> or <c>("basic", "id:secret")</c> (docs/security.md); a server
    /// with authentication on refuses a connection without valid ones.
    /// </summary>
    public Credentials? Credentials { get; init; }

    /// <summary>
    /// Connect with TLS and verify the server's certificate (null, the default: plain TCP). The server must have TLS
    /// on its binary listener (<c>Registry:Tls</c>).
    /// </summary>
    public RegistryClientTls? Tls { get; init; }

    /// <summary>Schemas kept in memory by id (they are immutable, so they never go stale), with their compiled validators.</summary>
    public int SchemaCacheCapacity { get; init; } = 10_000;

    /// <summary>
    /// Whether code awaiting a response resumes on the connection's receive loop (fastest: no thread hop) instead of
    /// the thread pool. Only for callers whose continuations are short and never block; default false.
    /// </summary>
    public bool InlineContinuations { get; init; }

    /// <summary>Whether <c>format</c> is asserted by in-process validation; match the server's setting.</summary>
    public bool FormatAssertion { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first property that is out of range.</summary>
    public void Validate()
    {
        if (Endpoints is null || Endpoints.Count == 0)
        {
            throw new ArgumentException("At least one endpoint is needed.", nameof(Endpoints));
        }

        foreach (var endpoint in Endpoints)
        {
            _ = EndpointAddress.Parse(endpoint);
        }

        Require(PoolSize >= 1, nameof(PoolSize), "at least 1");
        Require(WriteConnections >= 0, nameof(WriteConnections), "0 or more");
        Require(HedgeDelay is null || (HedgeDelay > TimeSpan.Zero && HedgeDelay < RequestTimeout), nameof(HedgeDelay), "positive and shorter than RequestTimeout");
        Require(MaxInFlightPerConnection is >= 1 and <= 65536, nameof(MaxInFlightPerConnection), "between 1 and 65536");
        Require(RequestTimeout > TimeSpan.Zero, nameof(RequestTimeout), "positive");
        Require(ConnectTimeout > TimeSpan.Zero, nameof(ConnectTimeout), "positive");
        Require(MinReconnectDelay > TimeSpan.Zero && MaxReconnectDelay >= MinReconnectDelay, nameof(MaxReconnectDelay), "positive and at least MinReconnectDelay");
        Require(SchemaCacheCapacity >= 1, nameof(SchemaCacheCapacity), "at least 1");

        static void Require(bool condition, string name, string rule)
        {
            if (!condition)
            {
                throw new ArgumentException($"{name} must be {rule}.", name);
            }
        }
    }
}
