using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Registry.Engine.Storage.Tiers;
using StackExchange.Redis;

namespace Registry.Engine.Storage.Redis;

/// <summary>
/// Invalidations over Redis pub/sub. Every replica subscribes to one channel and to its own acknowledgement channel.
/// A writer publishes; Redis answers with how many subscribers received the message, so the writer knows how many
/// acknowledgements to wait for (all but its own). A receiver applies the message (the <see cref="Received"/>
/// handlers run to completion, one message at a time, in order) and only then acknowledges. The write is answered
/// after that: a reader sent to another replica by the writer's client finds nothing stale in that replica's memory.
/// </summary>
public sealed partial class RedisInvalidationBus : IInvalidationBus
{
    private readonly IConnectionMultiplexer _redis;
    private readonly TierMetrics _metrics;
    private readonly ILogger _logger;
    private readonly RedisChannel _channel;
    private readonly RedisChannel _ownAcknowledgements;
    private readonly string _acknowledgementPrefix;
    private readonly TimeSpan _operationTimeout;
    private readonly TimeSpan _publishTimeout;
    private readonly TimeSpan _acknowledgementTimeout;
    private readonly ConcurrentDictionary<long, Waiter> _waiters = new();
    private ChannelMessageQueue? _messages;
    private ChannelMessageQueue? _acknowledgements;
    private long _sequence;
    private volatile bool _connected;

    // Replicas that let the last acknowledgement time-out pass without acknowledging (cut off from Redis, whose
    // subscription Redis still counts as its connection was never closed). Later writes do not wait for them, each of
    // which would otherwise cost the whole time-out; once every replica acknowledges a message again, they are waited
    // for again. What they miss meanwhile is bounded by the staleness bound (the TTLs), as for any lost invalidation.
    private int _silent;

    /// <summary>Creates the bus over a connection (owned by the caller).</summary>
    public RedisInvalidationBus(IConnectionMultiplexer redis, RedisTierOptions options, TierMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _metrics = metrics;
        _logger = logger;
        Origin = Guid.NewGuid();
        _channel = RedisChannel.Literal(options.KeyPrefix + "invalidate");
        _acknowledgementPrefix = options.KeyPrefix + "ack:";
        _ownAcknowledgements = RedisChannel.Literal(_acknowledgementPrefix + Origin.ToString("N"));
        _operationTimeout = options.OperationTimeout;
        _publishTimeout = options.WriteTimeout < options.OperationTimeout ? options.WriteTimeout : options.OperationTimeout;
        _acknowledgementTimeout = options.AcknowledgementTimeout;
    }

    /// <inheritdoc />
    public Guid Origin { get; }

    /// <inheritdoc />
    public bool IsConnected => _connected && _redis.IsConnected;

    /// <inheritdoc />
    public event Action<Invalidation>? Received;

    /// <inheritdoc />
    public event Action? Lost;

    /// <inheritdoc />
    public event Action? Restored;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _redis.ConnectionFailed += OnConnectionFailed;
        _redis.ConnectionRestored += OnConnectionRestored;
        await SubscribeAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var subscriber = _redis.GetSubscriber();
            var messages = await subscriber.SubscribeAsync(_channel).WaitAsync(_operationTimeout, cancellationToken).ConfigureAwait(false);
            messages.OnMessage(OnInvalidation);
            var acknowledgements = await subscriber.SubscribeAsync(_ownAcknowledgements).WaitAsync(_operationTimeout, cancellationToken).ConfigureAwait(false);
            acknowledgements.OnMessage(OnAcknowledgement);
            _acknowledgements = acknowledgements;
            _messages = messages;
            _connected = _redis.IsConnected;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is down at start-up: the multiplexer keeps reconnecting, and the subscriptions are made once it is
            // back (OnConnectionRestored); until then nothing mutable is kept in memory.
            Log.SubscribeFailed(_logger, e.Message);
        }
    }

    /// <inheritdoc />
    public async Task<int> PublishAsync(InvalidationKind kind, string? subject, IReadOnlyList<long> schemaIds, CancellationToken cancellationToken)
    {
        if (!_connected)
        {
            // The channel is down (its loss was reported, or it never came up): no other replica can be told now. Fail
            // at once; the outbox remembers and replays it when the channel is back. Waiting for the time-out instead
            // made every write 500 ms slower, and writes queued behind one another while Redis was away.
            throw new IOException("The invalidation channel is not connected.");
        }

        var sequence = Interlocked.Increment(ref _sequence);
        var waiter = new Waiter();
        _waiters[sequence] = waiter;
        try
        {
            var message = TierCodec.EncodeInvalidation(new Invalidation(Origin, sequence, kind, subject, schemaIds));
            // A publish is one round trip: a write waits for it no longer than for its other calls after the commit
            // (WriteTimeout); past that Redis is taken as unreachable, the breaker hears of it and the outbox replays.
            var receivers = await _redis.GetSubscriber().PublishAsync(_channel, message).WaitAsync(_publishTimeout, cancellationToken).ConfigureAwait(false);
            _metrics.Published();
            var others = (int)Math.Max(0, receivers - (_messages is not null && _connected ? 1 : 0));
            waiter.Expect(others - Math.Min(Volatile.Read(ref _silent), others), others);
            try
            {
                await waiter.Task.WaitAsync(_acknowledgementTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _metrics.AcknowledgementTimeout();
                Log.AcknowledgementTimeout(_logger, sequence, waiter.Count, others);
                Volatile.Write(ref _silent, Math.Max(0, others - waiter.Count));
            }

            if (waiter.Count >= others)
            {
                Volatile.Write(ref _silent, 0);
            }

            return waiter.Count;
        }
        finally
        {
            if (waiter.Count < waiter.Everyone)
            {
                // Someone was not waited for: their late acknowledgements are still counted for a while, and when every
                // replica has acknowledged, the silent ones are back and waited for again.
                _ = ForgetLaterAsync(sequence);
            }
            else
            {
                _waiters.TryRemove(sequence, out _);
            }
        }
    }

    /// <summary>Replicas not waited for, as they let an acknowledgement time-out pass (for tests and statistics).</summary>
    public int SilentReplicas => Volatile.Read(ref _silent);

    private async Task ForgetLaterAsync(long sequence)
    {
        await Task.Delay(_acknowledgementTimeout).ConfigureAwait(false);
        _waiters.TryRemove(sequence, out _);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _redis.ConnectionFailed -= OnConnectionFailed;
        _redis.ConnectionRestored -= OnConnectionRestored;
        _connected = false;
        try
        {
            if (_messages is not null)
            {
                await _messages.UnsubscribeAsync().ConfigureAwait(false);
            }

            if (_acknowledgements is not null)
            {
                await _acknowledgements.UnsubscribeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Shutting down with Redis gone: nothing to unsubscribe from.
        }
    }

    private async Task OnInvalidation(ChannelMessage message)
    {
        var invalidation = TierCodec.DecodeInvalidation((byte[]?)message.Message);
        if (invalidation is null)
        {
            Log.Malformed(_logger);
            return;
        }

        if (invalidation.Origin == Origin)
        {
            return;
        }

        _metrics.Received();
        try
        {
            Received?.Invoke(invalidation);
        }
#pragma warning disable CA1031 // a failing handler must not stop the subscription; the writer then times out waiting
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(_logger, e);
            return;
        }

        try
        {
            var channel = RedisChannel.Literal(_acknowledgementPrefix + invalidation.Origin.ToString("N"));
            await _redis.GetSubscriber().PublishAsync(channel, TierCodec.EncodeAcknowledgement(invalidation.Sequence), CommandFlags.FireAndForget).ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            Log.AcknowledgeFailed(_logger, e.Message);
        }
    }

    private void OnAcknowledgement(ChannelMessage message)
    {
        if (TierCodec.TryDecodeAcknowledgement((byte[]?)message.Message, out var sequence) && _waiters.TryGetValue(sequence, out var waiter)
            && waiter.Acknowledged() >= waiter.Everyone)
        {
            // Every replica answered this message: none is silent any more.
            Volatile.Write(ref _silent, 0);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (!_connected)
        {
            return;
        }

        _connected = false;
        Log.Lost(_logger, e.FailureType.ToString());
        Lost?.Invoke();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (_connected || !_redis.IsConnected)
        {
            return;
        }

        _ = RestoreAsync();
    }

    private async Task RestoreAsync()
    {
        if (_messages is null)
        {
            // The subscriptions were never made (Redis was down at start-up): make them now.
            await SubscribeAsync(CancellationToken.None).ConfigureAwait(false);
            if (_messages is null)
            {
                return;
            }
        }

        // Whatever was cached while disconnected may have missed messages: forget it before trusting memory again.
        Lost?.Invoke();
        _connected = true;
        Log.Restored(_logger);
        Restored?.Invoke();
    }

    /// <summary>Counts acknowledgements of one message; completes once the expected number arrived.</summary>
    private sealed class Waiter
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;
        private int _expected = int.MaxValue;
        private int _everyone = int.MaxValue;

        public Task Task => _done.Task;

        public int Count => Volatile.Read(ref _count);

        /// <summary>How many replicas received the message (some of which may not be waited for).</summary>
        public int Everyone => Volatile.Read(ref _everyone);

        public void Expect(int expected, int everyone)
        {
            Volatile.Write(ref _everyone, everyone);
            Volatile.Write(ref _expected, expected);
            Check();
        }

        public int Acknowledged()
        {
            var count = Interlocked.Increment(ref _count);
            Check();
            return count;
        }

        private void Check()
        {
            if (Volatile.Read(ref _count) >= Volatile.Read(ref _expected))
            {
                _done.TrySetResult();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(101, LogLevel.Warning, "Invalidation channel: subscribing failed ({Reason}); memory keeps no mutable facts until Redis is back")]
        public static partial void SubscribeFailed(ILogger logger, string reason);

        [LoggerMessage(102, LogLevel.Warning, "Invalidation {Sequence}: {Acknowledged} of {Expected} replicas acknowledged before the time-out")]
        public static partial void AcknowledgementTimeout(ILogger logger, long sequence, int acknowledged, int expected);

        [LoggerMessage(103, LogLevel.Warning, "Invalidation channel: a malformed message was ignored")]
        public static partial void Malformed(ILogger logger);

        [LoggerMessage(104, LogLevel.Error, "Invalidation channel: applying a message failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception);

        [LoggerMessage(105, LogLevel.Warning, "Invalidation channel: acknowledging failed ({Reason})")]
        public static partial void AcknowledgeFailed(ILogger logger, string reason);

        [LoggerMessage(106, LogLevel.Warning, "Invalidation channel lost ({Failure}): memory forgets every mutable fact and keeps none until it is back")]
        public static partial void Lost(ILogger logger, string failure);

        [LoggerMessage(107, LogLevel.Information, "Invalidation channel restored")]
        public static partial void Restored(ILogger logger);
    }
}
