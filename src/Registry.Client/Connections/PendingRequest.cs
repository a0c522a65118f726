using System.Threading.Tasks.Sources;

namespace Registry.Client.Connections;

/// <summary>
/// One request slot of a connection, reused for request after request: the awaitable a caller waits on, completed
/// by the receive loop when the response with the slot's request id arrives, or failed by a time-out, a cancellation
/// or the connection's end — whichever claims the id first (a compare-and-swap), so each request completes once.
/// Reusing the slot, rather than allocating a task per request, is what keeps a warm call free of allocations.
/// A request its caller stopped waiting for (time-out, cancellation) is still in flight on the server: its slot is
/// given back only once the late response has arrived (or the connection has ended), so that the requests a
/// connection has outstanding never exceed the server's in-flight limit and a backlog of abandoned requests cannot
/// build up on the server ahead of every new one.
/// </summary>
internal sealed class PendingRequest : IValueTaskSource<ResponseFrame>
{
    private readonly ClientConnection _owner;
    private readonly int _index;
    private ManualResetValueTaskSourceCore<ResponseFrame> _core;

    // The request this slot waits for; 0 when it waits for none. Written before the request is sent.
    private uint _id;
    private long _deadline;
    private CancellationTokenRegistration _cancellation;

    // The abandoned request whose late response the slot still waits for (0: none), and since when.
    private uint _late;
    private long _lateSince;

    // Who still holds the slot: its caller until it has taken the result, and an abandoned request until its late
    // response (or the connection's end); the last to let go gives the slot back.
    private int _holds;
    private readonly Lock _abandoning = new();

    public PendingRequest(ClientConnection owner, int index, bool runContinuationsAsynchronously)
    {
        _owner = owner;
        _index = index;
        _core.RunContinuationsAsynchronously = runContinuationsAsynchronously;
    }

    /// <summary>The request in flight, or 0.</summary>
    public uint Id => Volatile.Read(ref _id);

    /// <summary>When the request times out, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long Deadline => Volatile.Read(ref _deadline);

    /// <summary>When the request abandoned on this slot was given up (<see cref="Environment.TickCount64"/>), or 0.</summary>
    public long LateSince => Volatile.Read(ref _late) == 0 ? 0 : Volatile.Read(ref _lateSince);

    /// <summary>Starts waiting for <paramref name="id"/>; the deadline is published before the id, so a reader of the id sees it.</summary>
    public ValueTask<ResponseFrame> Arm(uint id, long deadline)
    {
        Volatile.Write(ref _holds, 1);
        Volatile.Write(ref _deadline, deadline);
        Volatile.Write(ref _id, id);
        return new ValueTask<ResponseFrame>(this, _core.Version);
    }

    /// <summary>Fails the request when <paramref name="cancellationToken"/> is cancelled first.</summary>
    public void Watch(uint id, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var (slot, id) = (ValueTuple<PendingRequest, uint>)state!;
                    slot.TryAbandon(id, new OperationCanceledException(token));
                },
                (this, id));
        }
    }

    public bool TryComplete(uint id, ResponseFrame frame)
    {
        if (id == 0 || Interlocked.CompareExchange(ref _id, 0, id) != id)
        {
            return false;
        }

        _core.SetResult(frame);
        return true;
    }

    public bool TryFail(uint id, Exception exception)
    {
        if (id == 0 || Interlocked.CompareExchange(ref _id, 0, id) != id)
        {
            return false;
        }

        _core.SetException(exception);
        return true;
    }

    /// <summary>
    /// Fails the request for its caller, who stops waiting (time-out, cancellation), while the server may still answer
    /// it: the slot stays taken until <see cref="TryCompleteLate"/> or <see cref="ReleaseLate"/>.
    /// </summary>
    public bool TryAbandon(uint id, Exception exception)
    {
        // Abandoning is rare (a time-out and a cancellation may race for the same request): one at a time per slot.
        lock (_abandoning)
        {
            if (id == 0 || Volatile.Read(ref _id) != id)
            {
                return false;
            }

            // Counted before the id is claimed: once claimed the caller may take the result and let go at once; the
            // late marker is set before too, so a response arriving right after the claim finds it.
            Interlocked.Increment(ref _holds);
            Volatile.Write(ref _lateSince, Environment.TickCount64);
            Volatile.Write(ref _late, id);
            if (Interlocked.CompareExchange(ref _id, 0, id) != id)
            {
                // Answered or failed meanwhile: nothing was abandoned (unless the connection's end already let go).
                if (Interlocked.CompareExchange(ref _late, 0, id) == id)
                {
                    LetGo();
                }

                return false;
            }
        }

        _core.SetException(exception);
        return true;
    }

    /// <summary>The late response to the abandoned request <paramref name="id"/> arrived: the slot may be reused.</summary>
    public bool TryCompleteLate(uint id)
    {
        if (id == 0 || Interlocked.CompareExchange(ref _late, 0, id) != id)
        {
            return false;
        }

        LetGo();
        return true;
    }

    /// <summary>The connection ended: no late response will come for the abandoned request, if any.</summary>
    public void ReleaseLate()
    {
        var late = Volatile.Read(ref _late);
        if (late != 0)
        {
            TryCompleteLate(late);
        }
    }

    public ResponseFrame GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            // Unregister does not wait for a callback already running; that callback's id no longer matches.
            _cancellation.Unregister();
            _cancellation = default;
            _core.Reset();
            LetGo();
        }
    }

    private void LetGo()
    {
        if (Interlocked.Decrement(ref _holds) == 0)
        {
            _owner.Release(_index);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
