using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Registry.Client.Tests;

/// <summary>
/// A scripted server on a free loopback port: accepts connections until disposed and serves each with
/// <see cref="ServeAsync"/>; disposing stops accepting and waits for every connection's task. What the fake servers of
/// these tests have alike; each says how it answers.
/// </summary>
internal abstract class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<Task> _served = [];
    private Task _accepting = Task.CompletedTask;
    private int _connections;

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Cancelled when the server is disposed.</summary>
    protected CancellationTokenSource Stop { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await Stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        foreach (var served in _served)
        {
            try
            {
                await served;
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
            }
        }

        Stop.Dispose();
    }

    /// <summary>Starts listening and accepting; called by the subclass once it is fully constructed.</summary>
    protected void Listen()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Serves one accepted connection, numbered from 1 in the order of acceptance.</summary>
    protected abstract Task ServeAsync(Socket socket, int number);

    private async Task AcceptAsync()
    {
        while (!Stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(Stop.Token);
            var number = Interlocked.Increment(ref _connections);
            _served.Add(ServeAsync(socket, number));
        }
    }
}
