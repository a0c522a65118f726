using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// What a write made stale, forgotten everywhere before the write is answered: in this process's memory, in the shared
/// cache (generations bumped, values deleted), and on every other replica (published on the invalidation channel, which
/// returns once they have acknowledged). What cannot be sent while the shared cache or the channel is unreachable is
/// kept (up to <see cref="MaxPendingKeys"/> keys) and replayed before the next write, or as soon as the channel is back;
/// the other replicas, who cannot know what they missed, are then told to forget every mutable fact.
/// </summary>
internal sealed class InvalidationOutbox
{
    /// <summary>Most keys kept for replay; beyond that, the rest stay stale in the shared cache until their TTL.</summary>
    public const int MaxPendingKeys = 10_000;

    private readonly MemoryFacts _facts;
    private readonly GuardedTier<ISharedCache>? _shared;
    private readonly IInvalidationBus? _bus;
    private readonly TierMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _writeTimeout;
    private readonly ConcurrentQueue<FactKey> _pendingKeys = new();
    private int _pendingOverflow;
    private int _pendingPublish;

    // Set when a publish failed on a channel that looked connected (time-out: Redis slow or cut off), cleared by the
    // next one that succeeds.
    private volatile bool _channelFailing;

    /// <param name="facts">This process's memory.</param>
    /// <param name="shared">The shared cache, or null.</param>
    /// <param name="bus">The invalidation channel, or null.</param>
    /// <param name="writeTimeout">
    /// Longest wait for the shared cache's invalidation: past it the call counts as failed against the breaker and its
    /// keys are kept for replay, so a write is never held for the shared cache's full time-out.
    /// </param>
    /// <param name="metrics">Counters.</param>
    /// <param name="logger">Logs.</param>
    public InvalidationOutbox(MemoryFacts facts, GuardedTier<ISharedCache>? shared, IInvalidationBus? bus, TimeSpan writeTimeout, TierMetrics metrics, ILogger logger)
    {
        _writeTimeout = writeTimeout;
        _facts = facts;
        _shared = shared;
        _bus = bus;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Invalidations that could not reach the shared cache or the other replicas yet.</summary>
    public int Pending => _pendingKeys.Count + Volatile.Read(ref _pendingPublish);

    /// <summary>
    /// After a committed write: this process forgets the facts, the shared cache bumps their generations and deletes
    /// them, then every other replica is told and has acknowledged. Only then is the write answered.
    /// </summary>
    public async Task PublishAsync(InvalidationKind kind, string? subject, IReadOnlyList<long> ids, IReadOnlyList<FactKey> keys)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await ForgetAsync(keys).ConfigureAwait(false);
        _metrics.WriteStage("invalidate", started);
        if (_bus is null)
        {
            return;
        }

        started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await PublishAndWaitAsync(_bus, kind, subject, ids).ConfigureAwait(false);
        }
        finally
        {
            _metrics.WriteStage("acknowledge", started);
        }
    }

    private async Task PublishAndWaitAsync(IInvalidationBus bus, InvalidationKind kind, string? subject, IReadOnlyList<long> ids)
    {
        if (_channelFailing && _shared is { Breaker.IsOpen: true })
        {
            // The last publish failed and the shared tier is being skipped since: a publish now would only wait for its
            // time-out. Remembered, and replayed once the tier answers again (the breaker's probe closes it).
            Volatile.Write(ref _pendingPublish, 1);
            _metrics.Skip(Tier.Shared);
            return;
        }

        try
        {
            await bus.PublishAsync(kind, subject, ids, CancellationToken.None).ConfigureAwait(false);
            _channelFailing = false;
        }
#pragma warning disable CA1031 // any failure of the channel: remembered and replayed, the write itself is done
        catch (Exception e)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _pendingPublish, 1);
            _metrics.Error(Tier.Shared);
            TierLog.PublishFailed(_logger, e.Message);
            if (bus.IsConnected)
            {
                // A channel that looks connected and does not answer (a partition drops packets, no loss is reported):
                // the time-out counts against the shared tier's breaker like a failed call.
                _channelFailing = true;
                if (_shared is { Breaker: { IsOpen: false } breaker })
                {
                    breaker.Failure();
                }
            }
        }
    }

    /// <summary>How many times <see cref="ForgetAsync"/> steps the generation of each key it is given.</summary>
    public const int GenerationSteps = 2;

    /// <summary>Forgets facts here and in the shared cache (remembered for later if the shared cache is unreachable).</summary>
    public async Task ForgetAsync(IReadOnlyList<FactKey> keys)
    {
        foreach (var key in keys)
        {
            _facts.Invalidate(key);
        }

        if (_shared is not null
            && !await _shared.TryAsync(static (s, keys, ct) => s.InvalidateAsync(keys, ct), keys, _writeTimeout).ConfigureAwait(false))
        {
            Remember(keys);
        }

        // Again, now that the shared cache has dropped them: a reader that captured the generation after the first step
        // may have read the shared cache's old entry before it was dropped, and must not keep it (its fill is refused,
        // or what it kept is never served).
        foreach (var key in keys)
        {
            _facts.Invalidate(key);
        }
    }

    /// <summary>Sends what could not be sent while the shared cache or the channel was unreachable.</summary>
    public async Task ReplayAsync()
    {
        if (Volatile.Read(ref _pendingPublish) == 0 && _pendingKeys.IsEmpty)
        {
            return;
        }

        if (_shared is not null && !_pendingKeys.IsEmpty && !_shared.Breaker.IsOpen)
        {
            var keys = new List<FactKey>();
            while (keys.Count < MaxPendingKeys && _pendingKeys.TryDequeue(out var key))
            {
                keys.Add(key);
            }

            if (!await _shared.TryAsync(static (s, keys, ct) => s.InvalidateAsync(keys, ct), (IReadOnlyList<FactKey>)keys, _writeTimeout).ConfigureAwait(false))
            {
                foreach (var key in keys)
                {
                    _pendingKeys.Enqueue(key);
                }

                return;
            }

            if (Interlocked.Exchange(ref _pendingOverflow, 0) == 1)
            {
                TierLog.PendingOverflow(_logger, MaxPendingKeys);
            }
        }

        if (_bus is not null && _bus.IsConnected && !(_channelFailing && _shared is { Breaker.IsOpen: true })
            && Interlocked.Exchange(ref _pendingPublish, 0) == 1)
        {
            try
            {
                // Which facts were missed is not known any more: every replica forgets all its mutable facts.
                await _bus.PublishAsync(InvalidationKind.All, null, [], CancellationToken.None).ConfigureAwait(false);
                _channelFailing = false;
                TierLog.Replayed(_logger);
            }
#pragma warning disable CA1031 // still unreachable: try again on the next write or reconnection
            catch (Exception)
#pragma warning restore CA1031
            {
                Volatile.Write(ref _pendingPublish, 1);
            }
        }
    }

    private void Remember(IReadOnlyList<FactKey> keys)
    {
        foreach (var key in keys)
        {
            if (_pendingKeys.Count >= MaxPendingKeys)
            {
                Volatile.Write(ref _pendingOverflow, 1);
                break;
            }

            _pendingKeys.Enqueue(key);
        }

        // The other replicas must hear of it too, once the channel is back.
        Volatile.Write(ref _pendingPublish, 1);
    }
}
