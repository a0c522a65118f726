namespace Registry.Engine.Services;

/// <summary>
/// Bounds how many expensive operations — compiling a schema, checking compatibility, validating documents — run at
/// once, so that cheap requests (health, cached reads) keep threads to run on while expensive ones wait. At most
/// <see cref="Limit"/> run; up to <see cref="MaxQueued"/> more wait their turn, first come first served, without
/// holding a thread; a waiter whose caller cancels (the client disconnected) leaves the queue at once; beyond the
/// queue the engine refuses with <see cref="RegistryErrorCode.Overloaded"/>. Thread-safe.
/// </summary>
public sealed class WorkGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _queued;
    private long _started;

    /// <summary>Creates a gate for <paramref name="limit"/> concurrent operations and <paramref name="maxQueued"/> waiting ones.</summary>
    public WorkGate(int limit, int maxQueued)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueued);
        Limit = limit;
        MaxQueued = maxQueued;
        _slots = new SemaphoreSlim(limit, limit);
    }

    /// <summary>Operations that may run at once.</summary>
    public int Limit { get; }

    /// <summary>Operations that may wait for a slot.</summary>
    public int MaxQueued { get; }

    /// <summary>Operations running now.</summary>
    public int Running => Limit - _slots.CurrentCount;

    /// <summary>Operations waiting now.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Operations that have been given a slot since the gate was created (a work counter).</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Takes a slot if one is free at once; the caller must <see cref="Exit"/>. Never waits, never allocates.</summary>
    public bool TryEnter()
    {
        if (!_slots.Wait(0))
        {
            return false;
        }

        Interlocked.Increment(ref _started);
        return true;
    }

    /// <summary>
    /// Takes a slot, waiting in line for one when none is free; dispose the result to give it back. Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first, and
    /// <see cref="RegistryException"/> (<see cref="RegistryErrorCode.Overloaded"/>) when the line is full.
    /// </summary>
    public ValueTask<WorkSlot> EnterAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return TryEnter() ? ValueTask.FromResult(new WorkSlot(this)) : WaitAsync(cancellationToken);
    }

    /// <summary>Gives back a slot taken with <see cref="TryEnter"/>.</summary>
    public void Exit() => _slots.Release();

    /// <summary>Releases the semaphore's wait handle, if one was created.</summary>
    public void Dispose() => _slots.Dispose();

    private async ValueTask<WorkSlot> WaitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _queued) > MaxQueued)
        {
            Interlocked.Decrement(ref _queued);
            RegistryThrow.Error(RegistryErrorCode.Overloaded,
                $"The server is busy: {Limit} expensive operations are running and {MaxQueued} are waiting; retry later.");
        }

        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }

        Interlocked.Increment(ref _started);
        return new WorkSlot(this);
    }
}

/// <summary>A slot of a <see cref="WorkGate"/>; dispose once to give it back.</summary>
public readonly struct WorkSlot : IDisposable, IEquatable<WorkSlot>
{
    private readonly WorkGate? _gate;

    internal WorkSlot(WorkGate gate) => _gate = gate;

    /// <summary>Gives the slot back.</summary>
    public void Dispose() => _gate?.Exit();

    /// <inheritdoc/>
    public bool Equals(WorkSlot other) => ReferenceEquals(_gate, other._gate);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is WorkSlot other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _gate?.GetHashCode() ?? 0;

    /// <summary>True when both are slots of the same gate.</summary>
    public static bool operator ==(WorkSlot left, WorkSlot right) => left.Equals(right);

    /// <summary>True when they are slots of different gates.</summary>
    public static bool operator !=(WorkSlot left, WorkSlot right) => !left.Equals(right);
}
