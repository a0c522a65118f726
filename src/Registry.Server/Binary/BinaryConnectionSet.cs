using System.Collections.Concurrent;
using Registry.Server.Hosting;

namespace Registry.Server.Binary;

/// <summary>
/// The binary connections alive in this process: enforces the connection limit, runs the one timer that checks every
/// connection's idle and handshake time-outs (a timer per connection would cost more than the checks), and tells
/// every connection when the server starts to shut down. Holds the <see cref="Binary.FrameBudget"/> the connections share.
/// </summary>
internal sealed class BinaryConnectionSet : IDisposable
{
    private readonly ConcurrentDictionary<BinaryConnection, byte> _live = new();
    private readonly int _maxConnections;
    private readonly Timer _heartbeat;
    private readonly CancellationTokenRegistration _stopping;
    private int _count;
    private volatile bool _shuttingDown;

    public BinaryConnectionSet(ServerOptions options, IHostApplicationLifetime? lifetime = null)
    {
        var binary = options.Binary;
        _maxConnections = binary.MaxConnections;
        FrameBudget = new FrameBudget(binary.LargeFrameBudgetBytes);

        // A quarter of the shortest time-out, between 50 ms and 1 s: a time-out fires at most a quarter late.
        var shortest = binary.IdleTimeout < binary.HandshakeTimeout ? binary.IdleTimeout : binary.HandshakeTimeout;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(shortest.TotalMilliseconds / 4, 50, 1000));
        _heartbeat = new Timer(static state => ((BinaryConnectionSet)state!).Tick(), this, tick, tick);
        if (lifetime is not null)
        {
            _stopping = lifetime.ApplicationStopping.Register(static state => ((BinaryConnectionSet)state!).ShutDown(), this);
        }
    }

    /// <summary>The bytes large frames may hold across every connection.</summary>
    public FrameBudget FrameBudget { get; }

    /// <summary>Connections being served.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>True once the server has begun to shut down.</summary>
    public bool IsShuttingDown => _shuttingDown;

    /// <summary>Admits a connection, or returns false when the limit is reached.</summary>
    public bool TryAdd(BinaryConnection connection)
    {
        if (Interlocked.Increment(ref _count) > _maxConnections)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        _live.TryAdd(connection, 0);
        if (_shuttingDown)
        {
            connection.RequestShutdown();
        }

        return true;
    }

    public void Remove(BinaryConnection connection)
    {
        if (_live.TryRemove(connection, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Asks every connection to finish what it has in flight and close.</summary>
    public void ShutDown()
    {
        _shuttingDown = true;
        foreach (var (connection, _) in _live)
        {
            connection.RequestShutdown();
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _heartbeat.Dispose();
    }

    private void Tick()
    {
        var now = Environment.TickCount64;
        foreach (var (connection, _) in _live)
        {
            connection.CheckTimeouts(now);
        }
    }
}
