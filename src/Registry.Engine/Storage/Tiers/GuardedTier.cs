using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// Every call to one tier goes through here: behind the tier's circuit breaker, timed and counted in
/// <see cref="TierMetrics"/>, failures logged. The tiers differ only in what a failure means, hence two kinds of call:
/// <list type="bullet">
/// <item><see cref="CallAsync{TState, T}"/>, for the system of record, which is required. Only "unavailable" failures count
/// against its breaker; any other error is an answer the caller must hear and propagates as it is. While the breaker
/// is open, calls fail at once with <see cref="RegistryErrorCode.StoreUnavailable"/> instead of waiting on a dead
/// server.</item>
/// <item><see cref="TryAsync{TState, T}"/>, for an optional tier (shared cache, content tier), which never fails a
/// read: a failure or time-out of any kind is counted, logged and reported as "not served", and the caller goes on to
/// the next tier. Its calls run without the caller's cancellation token: the tier's own time-out bounds them, and one
/// caller giving up must not count as the tier failing.</item>
/// </list>
/// Invariant: every call that the breaker let in reports exactly one of success, failure or abandonment to it.
/// </summary>
/// <typeparam name="TTier">The tier's interface.</typeparam>
internal sealed class GuardedTier<TTier>
    where TTier : class
{
    private readonly Tier _kind;
    private readonly TierMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan? _callTimeout;

    private GuardedTier(TTier target, Tier kind, CircuitBreaker breaker, TierMetrics metrics, ILogger logger, TimeSpan? callTimeout = null)
    {
        _callTimeout = callTimeout;
        Target = target;
        Breaker = breaker;
        _kind = kind;
        _metrics = metrics;
        _logger = logger;
        metrics.TrackBreaker(kind, breaker);
    }

    /// <summary>The tier behind the guard.</summary>
    public TTier Target { get; }

    /// <summary>The tier's circuit breaker.</summary>
    public CircuitBreaker Breaker { get; }

    /// <summary>Guards the system of record (called with <see cref="CallAsync{TState, T}"/>).</summary>
    public static GuardedTier<TTier> Required(TTier target, CircuitBreaker breaker, TierMetrics metrics, ILogger logger) =>
        new(target, Tier.Store, breaker, metrics, logger);

    /// <summary>
    /// Guards an optional tier (called with <see cref="TryAsync{TState, T}"/>); null when it is not configured. With
    /// <paramref name="callTimeout"/>, no call is waited for longer than that, whatever the tier's client does (the Redis
    /// client checks its time-outs only about once a second, so a 500-ms time-out could take 1.5 s).
    /// </summary>
    public static GuardedTier<TTier>? Optional(TTier? target, Tier kind, CircuitBreaker breaker, TierMetrics metrics, ILogger logger, TimeSpan? callTimeout = null) =>
        target is null ? null : new(target, kind, breaker, metrics, logger, callTimeout);

    /// <summary>A client span for one call to this tier, when a tracer listens.</summary>
    private Activity? StartSpan()
    {
        var span = Services.EngineTracing.Source.HasListeners()
            ? Services.EngineTracing.Source.StartActivity("registry.store", ActivityKind.Client)
            : null;
        span?.SetTag("registry.tier", TierMetrics.TierName(_kind));
        return span;
    }

    /// <summary>A call to the required tier: its result, or its exception.</summary>
    public async Task<T> CallAsync<TState, T>(Func<TTier, TState, CancellationToken, Task<T>> call, TState state, CancellationToken cancellationToken)
    {
        if (!Enter())
        {
            throw new RegistryException(
                RegistryErrorCode.StoreUnavailable, "The system of record is unavailable (recent calls failed); retry shortly.", new CircuitOpenException());
        }

        var start = Stopwatch.GetTimestamp();
        using var span = StartSpan();
        try
        {
            var value = await call(Target, state, cancellationToken).ConfigureAwait(false);
            Succeeded(start);
            return value;
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.StoreUnavailable)
        {
            Failed(start);
            Services.EngineTracing.Fail(span, "unavailable");
            throw;
        }
        catch
        {
            Breaker.Abandon();
            Services.EngineTracing.Fail(span, "failed");
            throw;
        }
    }

    /// <summary>
    /// A call to an optional tier: <c>Ok</c> false (and counted) when skipped by the breaker, failed or timed out. With
    /// <paramref name="timeout"/>, the caller waits no longer than that (shorter than the tier's own time-out: a write's
    /// calls after its commit), and a call past it counts as a failure against the breaker.
    /// </summary>
    public async Task<(bool Ok, T Value)> TryAsync<TState, T>(Func<TTier, TState, CancellationToken, Task<T>> call, TState state, TimeSpan? timeout = null)
    {
        if (!Enter())
        {
            return (false, default!);
        }

        var start = Stopwatch.GetTimestamp();
        using var span = StartSpan();
        try
        {
            var pending = call(Target, state, CancellationToken.None);
            var value = (timeout ?? _callTimeout) is { } limit
                ? await pending.WaitAsync(limit, CancellationToken.None).ConfigureAwait(false)
                : await pending.ConfigureAwait(false);
            Succeeded(start);
            return (true, value);
        }
#pragma warning disable CA1031 // an optional tier's failure of any kind means "skip it", never a failed read
        catch (Exception e)
#pragma warning restore CA1031
        {
            Failed(start);
            Services.EngineTracing.Fail(span, "failed");
            TierLog.TierFailed(_logger, TierMetrics.TierName(_kind), e.Message);
            return (false, default!);
        }
    }

    /// <summary>A call to an optional tier that returns nothing: false when it did not happen (or not within <paramref name="timeout"/>).</summary>
    public async Task<bool> TryAsync<TState>(Func<TTier, TState, CancellationToken, Task> call, TState state, TimeSpan? timeout = null) =>
        (await TryAsync(static async (tier, a, ct) =>
        {
            await a.call(tier, a.state, ct).ConfigureAwait(false);
            return true;
        }, (call, state), timeout).ConfigureAwait(false)).Ok;

    /// <summary>True when the breaker lets the call through; a refused call is counted as skipped.</summary>
    private bool Enter()
    {
        if (Breaker.TryEnter())
        {
            return true;
        }

        _metrics.Skip(_kind);
        return false;
    }

    private void Succeeded(long start)
    {
        Breaker.Success();
        _metrics.Elapsed(_kind, start);
    }

    private void Failed(long start)
    {
        Breaker.Failure();
        _metrics.Error(_kind);
        _metrics.FailedAfter(_kind, start);
    }
}

/// <summary>Marks a call the breaker refused: it never reached the system of record, so it changed nothing.</summary>
internal sealed class CircuitOpenException : Exception
{
    public CircuitOpenException()
        : base("The circuit breaker of the system of record is open.")
    {
    }
}
