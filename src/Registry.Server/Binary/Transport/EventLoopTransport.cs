using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Registry.Server.Binary.Transport;

/// <summary>
/// The binary listener's address when it is served by the event-loop transport: Kestrel binds each listener with the
/// first transport that says it can, and only <see cref="EventLoopTransportFactory"/> takes this type (the HTTP
/// listener stays on Kestrel's socket transport).
/// </summary>
internal sealed class EventLoopEndPoint(IPEndPoint address, int loops, TimeSpan spin) : EndPoint
{
    /// <summary>The address to bind; once bound, the address bound (port 0 resolved).</summary>
    public IPEndPoint Address { get; } = address;

    /// <summary>Event-loop threads that share the connections.</summary>
    public int Loops { get; } = loops;

    /// <summary>How long a loop polls without sleeping after work.</summary>
    public TimeSpan Spin { get; } = spin;

    public override AddressFamily AddressFamily => Address.AddressFamily;

    public override string ToString() => Address.ToString();
}

/// <summary>Binds <see cref="EventLoopEndPoint"/>s for Kestrel.</summary>
internal sealed class EventLoopTransportFactory(ILoggerFactory loggers) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    // The listener is Kestrel's to dispose; the factory only counts what it holds.
    private Func<int> _openConnections = static () => 0;

    /// <summary>Descriptors the event loops hold now (connections accepted and not yet closed).</summary>
    public int OpenConnections => _openConnections();

    public bool CanBind(EndPoint endpoint) => endpoint is EventLoopEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var requested = (EventLoopEndPoint)endpoint;
        var socket = new Socket(requested.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (requested.Address.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(requested.Address);
            socket.Listen(512);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var bound = new EventLoopEndPoint((IPEndPoint)socket.LocalEndPoint!, requested.Loops, requested.Spin);
        var listener = new EventLoopListener(socket, bound, loggers.CreateLogger("Registry.Server.Binary.Transport"));
        _openConnections = () => listener.OpenConnections;
        return ValueTask.FromResult<IConnectionListener>(listener);
    }
}

/// <summary>Accepts connections with the socket API and gives each to one of its event loops, in turn.</summary>
internal sealed class EventLoopListener : IConnectionListener
{
    private readonly Socket _socket;
    private readonly EventLoop[] _loops;
    private readonly ILogger _logger;
    private int _next;

    public EventLoopListener(Socket socket, EventLoopEndPoint endpoint, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        EndPoint = endpoint;
        _loops = new EventLoop[endpoint.Loops];
        try
        {
            for (var i = 0; i < _loops.Length; i++)
            {
                _loops[i] = new EventLoop(i, endpoint.Spin, logger);
            }
        }
        catch
        {
            foreach (var loop in _loops)
            {
                loop?.Dispose();
            }

            socket.Dispose();
            throw;
        }
    }

    public EndPoint EndPoint { get; }

    /// <summary>Connections whose descriptors are still open, over every loop.</summary>
    public int OpenConnections => _loops.Sum(static loop => loop.Count);

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException
                || (e is SocketException s && s.SocketErrorCode == SocketError.OperationAborted))
            {
                // Unbound: Kestrel stops accepting.
                return null;
            }
            catch (SocketException e)
            {
                // The peer gave up before it was accepted (a reset); the next one is accepted.
                TransportLog.AcceptFailed(_logger, e.SocketErrorCode.ToString());
                continue;
            }

            try
            {
                accepted.NoDelay = true;
                accepted.Blocking = false;
                var loop = _loops[(uint)Interlocked.Increment(ref _next) % (uint)_loops.Length];
                var connection = new EventLoopConnection(accepted, loop);
                connection.Start();
                return connection;
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                TransportLog.AcceptFailed(_logger, e.Message);
                accepted.Dispose();
            }
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}

internal static partial class TransportLog
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "A binary connection could not be accepted: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 61, Level = LogLevel.Critical, Message = "A binary-protocol event loop stopped: epoll_wait failed with errno {Errno}; its connections are no longer served")]
    public static partial void LoopFailed(ILogger logger, int errno);

    [LoggerMessage(EventId = 62, Level = LogLevel.Error, Message = "A callback on binary connection {ConnectionId}'s close failed")]
    public static partial void ClosedCallbackFailed(ILogger logger, Exception error, string connectionId);
}
