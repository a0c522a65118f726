namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// Keeps calls away from a tier that keeps failing. Closed: every call goes through; <see cref="Threshold"/>
/// consecutive failures open it. Open: calls are refused (the caller skips the tier) until the break has passed.
/// Half-open: one call goes through as a probe; its success closes the breaker, its failure opens it again.
/// Invariant: a caller that got <c>true</c> from <see cref="TryEnter"/> reports exactly one of
/// <see cref="Success"/>, <see cref="Failure"/> or <see cref="Abandon"/>, so a probe slot is never leaked.
/// </summary>
public sealed class CircuitBreaker
{
    private readonly TimeProvider _time;
    private readonly long _breakTicks;
    private int _failures;
    private long _openUntil; // timestamp (TimeProvider ticks); 0 while closed
    private int _probing;
    private long _opened;

    /// <summary>Creates a closed breaker.</summary>
    public CircuitBreaker(string tier, int threshold, TimeSpan breakDuration, TimeProvider? time = null)
    {
        Tier = tier;
        Threshold = Math.Max(1, threshold);
        _time = time ?? TimeProvider.System;
        _breakTicks = Math.Max(1, (long)(breakDuration.TotalSeconds * _time.TimestampFrequency));
    }

    /// <summary>The tier this breaker guards, for logs and metrics.</summary>
    public string Tier { get; }

    /// <summary>Consecutive failures that open the breaker.</summary>
    public int Threshold { get; }

    /// <summary>True while calls are being refused (open, or half-open with the probe in flight).</summary>
    public bool IsOpen => Volatile.Read(ref _openUntil) != 0;

    /// <summary>How many times the breaker has opened.</summary>
    public long TimesOpened => Volatile.Read(ref _opened);

    /// <summary>Raised when the breaker opens (true) or closes (false).</summary>
    public event Action<CircuitBreaker, bool>? StateChanged;

    /// <summary>True when the call may go to the tier.</summary>
    public bool TryEnter()
    {
        var until = Volatile.Read(ref _openUntil);
        if (until == 0)
        {
            return true;
        }

        if (_time.GetTimestamp() < until)
        {
            return false;
        }

        // Half-open: exactly one caller probes.
        return Interlocked.CompareExchange(ref _probing, 1, 0) == 0;
    }

    /// <summary>The call succeeded.</summary>
    public void Success()
    {
        Volatile.Write(ref _failures, 0);
        if (Volatile.Read(ref _openUntil) != 0)
        {
            Volatile.Write(ref _openUntil, 0);
            Volatile.Write(ref _probing, 0);
            StateChanged?.Invoke(this, false);
        }
    }

    /// <summary>The call failed or timed out.</summary>
    public void Failure()
    {
        if (Volatile.Read(ref _openUntil) != 0)
        {
            // A failed probe (or a late failure while open): wait a whole break again.
            Volatile.Write(ref _openUntil, _time.GetTimestamp() + _breakTicks);
            Volatile.Write(ref _probing, 0);
            return;
        }

        if (Interlocked.Increment(ref _failures) >= Threshold
            && Interlocked.CompareExchange(ref _openUntil, _time.GetTimestamp() + _breakTicks, 0) == 0)
        {
            Interlocked.Increment(ref _opened);
            StateChanged?.Invoke(this, true);
        }
    }

    /// <summary>
    /// Opens the breaker now, without waiting for failures: the tier is known to be unreachable (its connection
    /// reported the loss), so callers skip it at once instead of each waiting for a time-out. After the break, one
    /// probe tries it again as usual.
    /// </summary>
    public void Trip()
    {
        if (Interlocked.CompareExchange(ref _openUntil, _time.GetTimestamp() + _breakTicks, 0) == 0)
        {
            Volatile.Write(ref _probing, 0);
            Interlocked.Increment(ref _opened);
            StateChanged?.Invoke(this, true);
        }
    }

    /// <summary>The call ended without telling anything about the tier (cancelled by its caller).</summary>
    public void Abandon() => Volatile.Write(ref _probing, 0);
}
