using System.Globalization;
using System.Net;

namespace Registry.Client.Connections;

/// <summary>
/// The client's connections, in two lanes. The read lane holds <see cref="RegistryClientOptions.PoolSize"/> places and
/// carries every request that is not a barrier; the write lane holds <see cref="RegistryClientOptions.WriteConnections"/>
/// places (opened on first use) and carries the barriers (REGISTER, UPDATE_VERSION, DELETE, SET_CONFIG): a barrier
/// holds up every later request on its connection until it is answered (docs/protocol.md, section 5), so on a
/// connection of its own a slow write never delays a read. With no write places, writes share the read lane.
/// Each place holds an open connection or reopens one. Callers are spread over the open ones of their lane (reads pass
/// over a connection marked slow, whose hedged read another endpoint answered first, while another is open); a place
/// whose connection failed reopens it on next use, trying the endpoints in turn and backing off exponentially while
/// attempts fail, so a client rides out a server restart. One timer drives the request time-outs and keep-alives of
/// every connection.
/// </summary>
internal sealed class ConnectionPool : IAsyncDisposable
{
    private readonly Lane _reads;
    private readonly Lane? _writes;
    private readonly Timer _heartbeat;
    private readonly CancellationTokenSource _disposed = new();

    public ConnectionPool(RegistryClientOptions options)
    {
        var endpoints = new EndPoint[options.Endpoints.Count];
        for (var i = 0; i < endpoints.Length; i++)
        {
            endpoints[i] = EndpointAddress.Parse(options.Endpoints[i]);
        }

        EndpointCount = endpoints.Length;
        _reads = new Lane(this, options, endpoints, options.PoolSize, leastLoaded: false);

        // Write place j starts at endpoint j, as read place j does: writes and the first reads go to the first endpoint.
        _writes = options.WriteConnections > 0 ? new Lane(this, options, endpoints, options.WriteConnections, leastLoaded: true) : null;

        HeartbeatPeriod = PeriodFor(options.RequestTimeout);
        _heartbeat = new Timer(static state => ((ConnectionPool)state!).Beat(), this, HeartbeatPeriod, HeartbeatPeriod);
    }

    /// <summary>How often deadlines are checked; a request times out at most this late.</summary>
    public TimeSpan HeartbeatPeriod { get; private set; }

    /// <summary>How many endpoints the client knows.</summary>
    public int EndpointCount { get; }

    private CancellationToken Disposed => _disposed.Token;

    /// <summary>Makes the heartbeat at least fine enough for <paramref name="timeout"/>.</summary>
    public void Support(TimeSpan timeout)
    {
        var period = PeriodFor(timeout);
        if (period < HeartbeatPeriod)
        {
            HeartbeatPeriod = period;
            _heartbeat.Change(period, period);
        }
    }

    /// <summary>An open connection of the read lane: synchronously when one is, otherwise once a place has (re)opened one.</summary>
    public ValueTask<ClientConnection> GetAsync(long deadline, CancellationToken cancellationToken) =>
        _reads.GetAsync(deadline, cancellationToken);

    /// <summary>An open connection for a barrier: of the write lane when there is one, else of the read lane.</summary>
    public ValueTask<ClientConnection> GetForWriteAsync(long deadline, CancellationToken cancellationToken) =>
        (_writes ?? _reads).GetAsync(deadline, cancellationToken);

    /// <summary>Records how long a write to <paramref name="endpoint"/> took (or waited before timing out).</summary>
    public void ObserveWrite(EndPoint endpoint, long elapsedMs) => _writes?.Observe(endpoint, elapsedMs);

    /// <summary>
    /// An open connection of the read lane to another endpoint than <paramref name="busy"/>'s, for a hedged read; null
    /// when none is open (a place whose turn it is starts reopening meanwhile).
    /// </summary>
    public ClientConnection? GetOther(EndPoint busy) => _reads.GetOther(busy);

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        _reads.Close();
        _writes?.Close();
        _disposed.Dispose();
    }

    private static TimeSpan PeriodFor(TimeSpan timeout) => TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 10, 10, 100));

    private void Beat()
    {
        var now = Environment.TickCount64;
        _reads.Beat(now);
        _writes?.Beat(now);
    }

    /// <summary>The places of one lane, and how calls are spread over them.</summary>
    private sealed class Lane
    {
        private readonly ConnectionPool _pool;
        private readonly Place[] _places;
        private readonly EndPoint[] _endpoints;

        // Per endpoint, a moving average of recent write times in milliseconds (0: none yet).
        private readonly long[] _writeMs;
        private readonly bool _leastLoaded;
        private int _next;

        // Completed (and replaced) whenever a write connection gives a slot back or opens: writers waiting for a free
        // write connection look again.
        private TaskCompletionSource _freed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Lane(ConnectionPool pool, RegistryClientOptions options, EndPoint[] endpoints, int size, bool leastLoaded)
        {
            _pool = pool;
            _leastLoaded = leastLoaded;
            _endpoints = endpoints;
            _writeMs = new long[endpoints.Length];
            // A write connection carries one request at a time: a barrier runs alone on its connection anyway, so a
            // second one sent behind it would only queue on the server, and keep queueing there after its caller timed
            // out. Waiting in the client instead, a write that times out before a connection is free was never sent.
            var placeOptions = leastLoaded ? options with { MaxInFlightPerConnection = 1 } : options;
            _places = new Place[size];
            for (var i = 0; i < _places.Length; i++)
            {
                _places[i] = new Place(placeOptions, endpoints, i, leastLoaded ? Signal : null, pool.Disposed);
            }
        }

        public ValueTask<ClientConnection> GetAsync(long deadline, CancellationToken cancellationToken)
        {
            // A caller resumed on one of this lane's receive loops sends on that connection: its request leaves with the
            // others queued while the loop completes the read, in one send.
            if (!_leastLoaded && ClientConnection.CurrentReceiver is { IsUsable: true } receiving && Owns(receiving)
                && (receiving.AvoidUntil == 0 || receiving.AvoidUntil <= Environment.TickCount64))
            {
                return new ValueTask<ClientConnection>(receiving);
            }

            var start = (uint)Interlocked.Increment(ref _next);
            var count = (uint)_places.Length;

            // The place whose turn it is reopens in the background while the call goes to an open one: otherwise a lane
            // would shrink to whichever connections opened first, or survived a restart.
            var turn = _places[start % count];
            if (turn.Open is null && !_pool._disposed.IsCancellationRequested)
            {
                turn.Reopen();
            }

            if (_leastLoaded)
            {
                return GetFreeAsync(start, deadline, cancellationToken);
            }

            // Reads: the next open connection in turn, passing over one marked slow while another will do.
            ClientConnection? avoided = null;
            long now = 0;
            for (uint i = 0; i < count; i++)
            {
                if (_places[(start + i) % count].Open is { } open)
                {
                    var avoidUntil = open.AvoidUntil;
                    if (avoidUntil == 0 || avoidUntil <= (now = now == 0 ? Environment.TickCount64 : now))
                    {
                        return new ValueTask<ClientConnection>(open);
                    }

                    avoided ??= open;
                }
            }

            if (avoided is not null)
            {
                return new ValueTask<ClientConnection>(avoided);
            }

            ObjectDisposedException.ThrowIf(_pool._disposed.IsCancellationRequested, typeof(RegistryClient));
            return _places[start % count].ConnectAsync(deadline, cancellationToken);
        }

        /// <summary>
        /// Writes: an open connection with nothing in flight, else a place not yet opened (and not failing) opened for
        /// the write, else waits until a write connection gives its slot back; so a write never queues behind another
        /// on one connection while a second one is free, and one that times out waiting was never sent.
        /// </summary>
        private async ValueTask<ClientConnection> GetFreeAsync(uint start, long deadline, CancellationToken cancellationToken)
        {
            var count = (uint)_places.Length;
            while (true)
            {
                var freed = Volatile.Read(ref _freed).Task;
                Place? closed = null;
                ClientConnection? best = null;
                var bestMs = long.MaxValue;
                var anyOpen = false;
                for (uint i = 0; i < count; i++)
                {
                    var place = _places[(start + i) % count];
                    if (place.Open is { } open)
                    {
                        // Of the free ones, the one to the endpoint whose recent writes were fastest: a replica that is
                        // slow to write (or times out) gets writes only when the others are all busy.
                        anyOpen = true;
                        if (open.InFlight == 0 && WriteMs(open.Endpoint) is var ms && ms < bestMs)
                        {
                            best = open;
                            bestMs = ms;
                        }
                    }
                    else if (closed is null && !place.Failing)
                    {
                        closed = place;
                    }
                }

                if (best is not null)
                {
                    return best;
                }

                ObjectDisposedException.ThrowIf(_pool._disposed.IsCancellationRequested, typeof(RegistryClient));
                if (closed is not null || !anyOpen)
                {
                    return await (closed ?? _places[start % count]).ConnectAsync(deadline, cancellationToken).ConfigureAwait(false);
                }

                var remaining = deadline - Environment.TickCount64;
                try
                {
                    if (remaining <= 0)
                    {
                        throw new TimeoutException();
                    }

                    await freed.WaitAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    throw new TimeoutException("No write connection became free in time (every one carries a write).");
                }
            }
        }

        public void Observe(EndPoint endpoint, long elapsedMs)
        {
            var i = Array.IndexOf(_endpoints, endpoint);
            if (i >= 0)
            {
                // Racy updates lose a sample now and then, which an average can afford.
                var old = Volatile.Read(ref _writeMs[i]);
                Volatile.Write(ref _writeMs[i], Math.Max(1, old == 0 ? elapsedMs : ((3 * old) + elapsedMs) / 4));
            }
        }

        private long WriteMs(EndPoint endpoint)
        {
            var i = Array.IndexOf(_endpoints, endpoint);
            return i < 0 ? 0 : Volatile.Read(ref _writeMs[i]);
        }

        private void Signal() => Interlocked.Exchange(ref _freed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

        public ClientConnection? GetOther(EndPoint busy)
        {
            var start = (uint)Interlocked.Increment(ref _next);
            var count = (uint)_places.Length;
            for (uint i = 0; i < count; i++)
            {
                var place = _places[(start + i) % count];
                if (place.Open is { } open)
                {
                    if (!open.Endpoint.Equals(busy))
                    {
                        return open;
                    }
                }
                else if (!_pool._disposed.IsCancellationRequested)
                {
                    place.Reopen();
                }
            }

            return null;
        }

        public void Beat(long now)
        {
            foreach (var place in _places)
            {
                place.Current?.OnHeartbeat(now);
            }
        }

        public void Close()
        {
            foreach (var place in _places)
            {
                place.Close();
            }
        }

        private bool Owns(ClientConnection connection)
        {
            foreach (var place in _places)
            {
                if (ReferenceEquals(place.Current, connection))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>One connection of the pool, over its lifetimes.</summary>
    private sealed class Place(RegistryClientOptions options, EndPoint[] endpoints, int index, Action? slotReleased, CancellationToken disposed)
    {
        private readonly Lock _lock = new();
        private volatile ClientConnection? _current;
        private Task<ClientConnection>? _connecting;
        private Exception? _lastError;
        private int _endpoint = index;

        public ClientConnection? Current => _current;

        public ClientConnection? Open => _current is { IsUsable: true } c ? c : null;

        /// <summary>True while the last attempt to open the connection failed (the place is backing off).</summary>
        public bool Failing => Volatile.Read(ref _lastError) is not null;

        public async ValueTask<ClientConnection> ConnectAsync(long deadline, CancellationToken cancellationToken)
        {
            Task<ClientConnection> connecting;
            lock (_lock)
            {
                if (Open is { } open)
                {
                    return open;
                }

                connecting = _connecting ??= ConnectLoopAsync();
            }

            var remaining = deadline - Environment.TickCount64;
            try
            {
                if (remaining <= 0)
                {
                    throw new TimeoutException();
                }

                return await connecting.WaitAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException) when (Volatile.Read(ref _lastError) is { } last)
            {
                throw new RegistryConnectionException(
                    string.Create(CultureInfo.InvariantCulture, $"No connection to the registry in time; the last attempt failed: {last.Message}"), last);
            }
        }

        /// <summary>Starts (re)opening the connection unless it is open or an attempt is under way; does not wait.</summary>
        public void Reopen()
        {
            lock (_lock)
            {
                if (Open is null)
                {
                    _connecting ??= ConnectLoopAsync();
                }
            }
        }

        public void Close()
        {
            _current?.Fail(new ObjectDisposedException(nameof(RegistryClient)));
        }

        private async Task<ClientConnection> ConnectLoopAsync()
        {
            // Leave the caller's lock before the first attempt.
            await Task.Yield();
            var failures = 0;
            while (true)
            {
                disposed.ThrowIfCancellationRequested();
                var endpoint = endpoints[(uint)_endpoint % (uint)endpoints.Length];
                try
                {
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(disposed);
                    attempt.CancelAfter(options.ConnectTimeout);
                    var connection = await ClientConnection.OpenAsync(endpoint, options, OnFailed, attempt.Token).ConfigureAwait(false);
                    connection.SlotReleased = slotReleased;
                    lock (_lock)
                    {
                        _current = connection;
                        _connecting = null;
                        Volatile.Write(ref _lastError, null);
                    }

                    slotReleased?.Invoke();

                    if (disposed.IsCancellationRequested)
                    {
                        connection.Fail(new ObjectDisposedException(nameof(RegistryClient)));
                    }

                    return connection;
                }
                catch (Exception e) when (!disposed.IsCancellationRequested && IsRefusal(e))
                {
                    // Trying again cannot help (the credentials or the certificate are wrong): the callers waiting for
                    // this connection get the refusal now, and the next call starts a new attempt.
                    lock (_lock)
                    {
                        _connecting = null;
                    }

                    Volatile.Write(ref _lastError, e);
                    throw;
                }
                catch (Exception e) when (!disposed.IsCancellationRequested)
                {
                    Volatile.Write(ref _lastError, e);
                    _endpoint++;
                    failures++;
                    await Task.Delay(Backoff(failures), disposed).ConfigureAwait(false);
                }
            }
        }

        /// <summary>HELLO refused for the credentials, or a server certificate the client does not trust.</summary>
        private static bool IsRefusal(Exception e) =>
            e is RegistryRequestException { Status: Registry.Protocol.StatusCode.Unauthenticated or Registry.Protocol.StatusCode.Forbidden }
            or RegistryConnectionException { InnerException: System.Security.Authentication.AuthenticationException };

        private TimeSpan Backoff(int failures)
        {
            var min = options.MinReconnectDelay.TotalMilliseconds;
            var delay = Math.Min(options.MaxReconnectDelay.TotalMilliseconds, min * Math.Pow(2, Math.Min(failures - 1, 20)));

            // Jitter keeps many clients of a restarted server from reconnecting in lock-step.
            return TimeSpan.FromMilliseconds(delay * (0.8 + (0.4 * Random.Shared.NextDouble())));
        }

        private void OnFailed(ClientConnection connection)
        {
            lock (_lock)
            {
                if (ReferenceEquals(_current, connection))
                {
                    _current = null;
                }
            }
        }
    }
}
