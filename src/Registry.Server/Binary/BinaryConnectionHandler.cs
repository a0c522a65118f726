using Microsoft.AspNetCore.Connections;
using Registry.Engine.Services;
using Registry.Protocol;
using Registry.Server.Hosting;

namespace Registry.Server.Binary;

/// <summary>
/// Serves the binary protocol on the connections Kestrel hands over (<c>UseConnectionHandler</c>): admits each one
/// under the connection limit and runs a <see cref="BinaryConnection"/> on it. The protocol is docs/protocol.md.
/// </summary>
internal sealed class BinaryConnectionHandler : ConnectionHandler
{
    private readonly BinaryProtocolOptions _options;
    private readonly BinaryConnectionSet _connections;
    private readonly RequestDispatcher _dispatcher;
    private readonly ILogger<BinaryConnectionHandler> _logger;

    /// <summary>Creates the handler; <paramref name="security"/> is registered only when <c>Registry:Security:Enabled</c> is true.</summary>
    public BinaryConnectionHandler(
        ServerOptions options, SchemaRegistry registry, BinaryConnectionSet connections, ILogger<BinaryConnectionHandler> logger,
        Telemetry.RegistryMetrics? metrics = null, BinarySecurity? security = null, Telemetry.AccessLog? accessLog = null)
    {
        _options = options.Binary;
        _connections = connections;
        _dispatcher = new RequestDispatcher(registry, _options, security) { Metrics = metrics, AccessLog = accessLog };
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        using var served = new BinaryConnection(connection, _dispatcher, _options, _connections.FrameBudget, _logger);
        if (!_connections.TryAdd(served))
        {
            await served.RefuseAsync(StatusCode.TooManyConnections, "The server has as many connections as it accepts; retry later.")
                .ConfigureAwait(false);
            return;
        }

        _dispatcher.Metrics?.ConnectionOpened();
        try
        {
            await served.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.Remove(served);
        }
    }
}
