namespace Registry.Server.Binary;

/// <summary>
/// The bytes that large frames (above <see cref="FrameAssembler.Threshold"/>) may hold across every connection of the
/// process, from the moment their header is read until their request is answered (<c>Registry:Binary:LargeFrameBudgetBytes</c>).
/// A frame reserves its declared length before the first byte of its payload is copied; a connection whose frame does
/// not fit stops reading (back-pressure through TCP) and is woken when a reservation is returned. A reservation is
/// always for a whole frame, so a frame that has one can complete without asking for more: waiting cannot deadlock.
/// Invariant: 0 &lt;= <see cref="Reserved"/> &lt;= <see cref="Limit"/>.
/// </summary>
internal sealed class FrameBudget
{
    private readonly Lock _lock = new();
    private readonly HashSet<Action> _waiters = [];
    private long _reserved;

    public FrameBudget(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
    }

    /// <summary>Most bytes reserved at once.</summary>
    public long Limit { get; }

    /// <summary>Bytes reserved now.</summary>
    public long Reserved => Volatile.Read(ref _reserved);

    /// <summary>Connections waiting for room now.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>
    /// Reserves <paramref name="bytes"/>, or returns false and calls <paramref name="onAvailable"/> (once) the next time
    /// bytes are returned. The caller then tries again.
    /// </summary>
    public bool TryReserve(long bytes, Action onAvailable)
    {
        lock (_lock)
        {
            if (_reserved + bytes <= Limit)
            {
                Volatile.Write(ref _reserved, _reserved + bytes);
                return true;
            }

            _waiters.Add(onAvailable);
            return false;
        }
    }

    /// <summary>Returns a reservation and wakes whoever waits for one.</summary>
    public void Release(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        Action[]? wake = null;
        lock (_lock)
        {
            Volatile.Write(ref _reserved, _reserved - bytes);
            if (_waiters.Count > 0)
            {
                wake = [.. _waiters];
                _waiters.Clear();
            }
        }

        if (wake is not null)
        {
            foreach (var waiter in wake)
            {
                waiter();
            }
        }
    }

    /// <summary>Stops waking <paramref name="waiter"/> (its connection has ended).</summary>
    public void Forget(Action waiter)
    {
        lock (_lock)
        {
            _waiters.Remove(waiter);
        }
    }
}
