using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Registry.Server.Binary.Transport;

/// <summary>
/// One thread waiting in <c>epoll_wait</c> for the connections given to it. When a connection is readable the thread
/// receives once into the connection's input pipe and flushes it; the pipes schedule inline, so the binary protocol's
/// loop runs on this thread, answers what memory can answer, and its flush sends the responses from here too: one
/// receive and one send per batch of requests, no hand-off between threads (the socket transport receives once more
/// than that, speculatively, and hands each completion to the thread pool). Connections are closed on this thread only,
/// so a descriptor number is never reused while this thread may still receive on it.
/// </summary>
internal sealed unsafe class EventLoop : IDisposable
{
    private const int MaxEvents = 256;

    // Wake-ups that sleep at once after a poll that found nothing.
    private const int SpinRest = 16;

    // The data word of the loop's own wake-up descriptor; connections' tokens start at 1.
    private const ulong WakeToken = 0;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Thread _thread;
    private readonly ConcurrentDictionary<ulong, EventLoopConnection> _connections = new();
    private readonly ConcurrentQueue<EventLoopConnection> _closing = new();
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly long _spinTicks;
    private volatile bool _stopped;
    private volatile bool _stopping;
    private bool _disposed;
    private long _nextToken;

    // epoll_ctl calls under way from other threads; the descriptor is closed only once none is.
    private int _controlling;

    public EventLoop(int index, TimeSpan spin, ILogger logger)
    {
        _logger = logger;
        _spinTicks = (long)(spin.TotalSeconds * Stopwatch.Frequency);
        _epoll = Linux.EpollCreate(Linux.CloseOnExec);
        if (_epoll < 0)
        {
            throw new IOException($"The binary listener could not create its event loop (epoll_create1: errno {Marshal.GetLastPInvokeError()}).");
        }

        _wake = Linux.EventFd(0, Linux.CloseOnExec | Linux.NonBlocking);
        if (_wake < 0 || Linux.EpollControl(_epoll, Linux.EpollCtlAdd, _wake, Linux.EpollIn, WakeToken) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (_wake >= 0)
            {
                Linux.Close(_wake);
            }

            Linux.Close(_epoll);
            throw new IOException($"The binary listener could not create its event loop (eventfd: errno {errno}).");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = $"binary-loop-{index}" };
        _thread.Start();
    }

    /// <summary>Connections this loop serves now.</summary>
    public int Count => _connections.Count;

    /// <summary>Where the loop and its connections log.</summary>
    public ILogger Logger => _logger;

    /// <summary>
    /// Adds, changes or removes a connection's registration; false when epoll refused, or when the loop has stopped (its
    /// connections are then ended, and its descriptor may already be closed).
    /// </summary>
    public bool Control(int op, int fd, uint events, ulong token)
    {
        Interlocked.Increment(ref _controlling);
        try
        {
            return !_stopped && Linux.EpollControl(_epoll, op, fd, events, token) == 0;
        }
        finally
        {
            Interlocked.Decrement(ref _controlling);
        }
    }

    /// <summary>A token naming a new connection in this loop's events.</summary>
    public ulong Add(EventLoopConnection connection)
    {
        var token = (ulong)Interlocked.Increment(ref _nextToken);
        _connections[token] = connection;
        return token;
    }

    /// <summary>Forgets a connection that never started.</summary>
    public void Remove(ulong token) => _connections.TryRemove(token, out _);

    /// <summary>
    /// Closes <paramref name="connection"/>'s descriptor on the loop thread, after the events already taken for it; at
    /// once when the loop has stopped.
    /// </summary>
    public void Close(EventLoopConnection connection)
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                _closing.Enqueue(connection);
                Wake();
                return;
            }
        }

        Retire(connection);
    }

    /// <summary>Stops the thread and ends the connections still open (their descriptors close as their sides end).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping = true;
        Wake();
        _thread.Join();
        StopServing();

        // Registrations under way elsewhere saw _stopped or finish before the descriptor goes.
        SpinWait.SpinUntil(() => Volatile.Read(ref _controlling) == 0);
        Linux.Close(_wake);
        Linux.Close(_epoll);
    }

    /// <summary>No more events will be taken: every connection still here is ended, and closes without the loop.</summary>
    private void StopServing()
    {
        lock (_gate)
        {
            _stopped = true;
        }

        DrainClosing();
        foreach (var connection in _connections.Values)
        {
            connection.Abandon();
        }
    }

    private void Wake()
    {
        ulong one = 1;
        Linux.Write(_wake, (byte*)&one, sizeof(ulong));
    }

    private void Run()
    {
        var size = Linux.EpollEventSize;
        var offset = Linux.EpollDataOffset;
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * size));
        try
        {
            // After work, poll without sleeping for a short while (Registry:Binary:EventLoopSpinMicroseconds): a peer that
            // asks again within it is served without waking a sleeping thread, which costs tens of µs (more on a virtual
            // machine, whose idle CPU halts); one connection's round trip halves. When a poll finds nothing, the next
            // SpinRest wake-ups sleep at once: traffic sparser than the window is not worth a busy CPU.
            var spinUntil = 0L;
            var rest = 0;
            while (!_stopping)
            {
                var count = Linux.EpollWait(_epoll, events, MaxEvents, spinUntil != 0 ? 0 : -1);
                if (count == 0)
                {
                    if (Stopwatch.GetTimestamp() >= spinUntil)
                    {
                        spinUntil = 0;
                        rest = SpinRest;
                    }

                    continue;
                }

                if (count < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Linux.EIntr)
                    {
                        continue;
                    }

                    TransportLog.LoopFailed(_logger, errno);
                    StopServing();
                    return;
                }

                var woken = false;
                for (var i = 0; i < count; i++)
                {
                    var entry = events + (i * size);
                    var token = *(ulong*)(entry + offset);
                    if (token == WakeToken)
                    {
                        woken = true;
                    }
                    else if (_connections.TryGetValue(token, out var connection))
                    {
                        connection.OnEvents(*(uint*)entry);
                    }
                }

                if (_spinTicks == 0 || rest > 0)
                {
                    spinUntil = 0;
                    rest = Math.Max(rest - 1, 0);
                }
                else
                {
                    spinUntil = Stopwatch.GetTimestamp() + _spinTicks;
                }

                // Closes wait until every event taken in this pass has been handled.
                if (woken)
                {
                    ulong counter;
                    Linux.Read(_wake, (byte*)&counter, sizeof(ulong));
                    DrainClosing();
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }

    private void DrainClosing()
    {
        while (_closing.TryDequeue(out var connection))
        {
            Retire(connection);
        }
    }

    private void Retire(EventLoopConnection connection)
    {
        _connections.TryRemove(connection.Token, out _);
        connection.CloseDescriptor();
    }
}
