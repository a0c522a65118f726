namespace Registry.Server.Hosting;

/// <summary>The "Registry" configuration section (environment variables: <c>REGISTRY__...</c>).</summary>
public sealed class ServerOptions
{
    /// <summary>Name of the configuration section.</summary>
    public const string SectionName = "Registry";

    /// <summary>Where the server listens.</summary>
    public ListenOptions Listen { get; set; } = new();

    /// <summary>Limits of the binary protocol listener.</summary>
    public BinaryProtocolOptions Binary { get; set; } = new();

    /// <summary>How long a graceful shutdown may take before in-flight work is abandoned.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Endpoints of the two listeners, as <c>host:port</c> (port 0 picks a free port).</summary>
public sealed class ListenOptions
{
    /// <summary>HTTP listener (native JSON API, Confluent-compatible API, health).</summary>
    public string Http { get; set; } = "127.0.0.1:8081";

    /// <summary>Binary protocol listener.</summary>
    public string Binary { get; set; } = "127.0.0.1:9091";
}

/// <summary>Limits applied to every binary-protocol connection.</summary>
public sealed class BinaryProtocolOptions
{
    /// <summary>Largest accepted frame payload, in bytes.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;
}
