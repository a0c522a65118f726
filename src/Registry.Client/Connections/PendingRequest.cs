using System.Threading.Tasks.Sources;

namespace Registry.Client.Connections;

/// <summary>
/// One request slot of a connection, reused for request after request: the awaitable a caller waits on, completed
/// by the receive loop when the response with the slot's request id arrives, or failed by a time-out, a cancellation
/// or the connection's end — whichever claims the id first (a compare-and-swap), so each request completes once.
/// Reusing the slot, rather than allocating a task per request, is what keeps a warm call free of allocations.
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

    /// <summary>Starts waiting for <paramref name="id"/>; the deadline is published before the id, so a reader of the id sees it.</summary>
    public ValueTask<ResponseFrame> Arm(uint id, long deadline)
    {
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
                    slot.TryFail(id, new OperationCanceledException(token));
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
            _owner.Release(_index);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
