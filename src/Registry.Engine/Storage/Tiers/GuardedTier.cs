using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// Every call to one tier goes through here: behind the tier's circuit breaker, timed and counted in
/// <see cref="TierMetrics"/>, failures logged. The tiers differ only in what a failure means:
/// <list type="bullet">
/// <item>The system of record is required. Only "unavailable" failures count against its breaker; any other error is
/// an answer the caller must hear and propagates as it is. While the breaker is open, calls fail at once with
/// <see cref="RegistryErrorCode.StoreUnavailable"/> instead of waiting on a dead server.</item>
/// <item>An optional tier (shared cache, content tier) never fails a read: a failure or time-out of any kind is
/// counted, logged and reported as "not served", and the caller goes on to the next tier. Its calls run without the
/// caller's cancellation token: the tier's own time-out bounds them, and one caller giving up must not count as the
/// tier failing.</item>
/// </list>
/// Invariant: every call that the breaker let in reports exactly one of success, failure or abandonment to it.
/// </summary>
/// <typeparam name="TTier">The tier's interface.</typeparam>
internal sealed class GuardedTier<TTier>
    where TTier : class
{
    private readonly Tier _kind;
    private readonly bool _required;
    private readonly TierMetrics _metrics;
    private readonly ILogger _logger;

    private GuardedTier(TTier target, Tier kind, bool required, CircuitBreaker breaker, TierMetrics metrics, ILogger logger)
    {
        Target = target;
        Breaker = breaker;
        _kind = kind;
        _required = required;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The tier behind the guard.</summary>
    public TTier Target { get; }

    /// <summary>The tier's circuit breaker.</summary>
    public CircuitBreaker Breaker { get; }

    /// <summary>Guards the system of record: its failures propagate.</summary>
    public static GuardedTier<TTier> Required(TTier target, CircuitBreaker breaker, TierMetrics metrics, ILogger logger) =>
        new(target, Tier.Store, required: true, breaker, metrics, logger);

    /// <summary>Guards an optional tier (null when it is not configured): its failures are skipped.</summary>
    public static GuardedTier<TTier>? Optional(TTier? target, Tier kind, CircuitBreaker breaker, TierMetrics metrics, ILogger logger) =>
        target is null ? null : new(target, kind, required: false, breaker, metrics, logger);

    /// <summary>A call to the required tier: its result, or its exception.</summary>
    public async Task<T> CallAsync<TState, T>(Func<TTier, TState, CancellationToken, Task<T>> call, TState state, CancellationToken cancellationToken) =>
        (await RunAsync(call, state, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>A call to an optional tier: <c>Ok</c> false (and counted) when skipped by the breaker, failed or timed out.</summary>
    public Task<(bool Ok, T Value)> TryAsync<TState, T>(Func<TTier, TState, CancellationToken, Task<T>> call, TState state) =>
        RunAsync(call, state, CancellationToken.None);

    /// <summary>A call to an optional tier that returns nothing: false when it did not happen.</summary>
    public async Task<bool> TryAsync<TState>(Func<TTier, TState, CancellationToken, Task> call, TState state) =>
        (await RunAsync(static async (tier, a, ct) =>
        {
            await a.call(tier, a.state, ct).ConfigureAwait(false);
            return true;
        }, (call, state), CancellationToken.None).ConfigureAwait(false)).Ok;

    private async Task<(bool Ok, T Value)> RunAsync<TState, T>(Func<TTier, TState, CancellationToken, Task<T>> call, TState state, CancellationToken cancellationToken)
    {
        if (!Breaker.TryEnter())
        {
            _metrics.Skip(_kind);
            if (_required)
            {
                throw new RegistryException(
                    RegistryErrorCode.StoreUnavailable, "The system of record is unavailable (recent calls failed); retry shortly.", new CircuitOpenException());
            }

            return (false, default!);
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            var value = await call(Target, state, cancellationToken).ConfigureAwait(false);
            Breaker.Success();
            _metrics.Elapsed(_kind, start);
            return (true, value);
        }
        catch (Exception e) when (CountsAsFailure(e))
        {
            Breaker.Failure();
            _metrics.Error(_kind);
            if (_required)
            {
                throw;
            }

            TierLog.TierFailed(_logger, TierMetrics.TierName(_kind), e.Message);
            return (false, default!);
        }
        catch
        {
            Breaker.Abandon();
            throw;
        }
    }

    /// <summary>Whether <paramref name="e"/> says the tier is unhealthy: for an optional tier anything, for the system of record "unavailable".</summary>
    private bool CountsAsFailure(Exception e) => !_required || e is RegistryException { Code: RegistryErrorCode.StoreUnavailable };
}

/// <summary>Marks a call the breaker refused: it never reached the system of record, so it changed nothing.</summary>
internal sealed class CircuitOpenException : Exception
{
    public CircuitOpenException()
        : base("The circuit breaker of the system of record is open.")
    {
    }
}
