using System.Globalization;
using System.Net;

namespace Registry.Client.Connections;

/// <summary>
/// A fixed number of connection places, each holding an open connection or reopening one. Callers are spread over
/// the open ones round-robin; a place whose connection failed reopens it on next use, trying the endpoints in turn
/// and backing off exponentially while attempts fail, so a client rides out a server restart. One timer drives the
/// request time-outs and keep-alives of every connection.
/// </summary>
internal sealed class ConnectionPool : IAsyncDisposable
{
    private readonly Place[] _places;
    private readonly Timer _heartbeat;
    private readonly CancellationTokenSource _disposed = new();
    private int _next;

    public ConnectionPool(RegistryClientOptions options)
    {
        var endpoints = new EndPoint[options.Endpoints.Count];
        for (var i = 0; i < endpoints.Length; i++)
        {
            endpoints[i] = EndpointAddress.Parse(options.Endpoints[i]);
        }

        _places = new Place[options.PoolSize];
        for (var i = 0; i < _places.Length; i++)
        {
            _places[i] = new Place(options, endpoints, i, _disposed.Token);
        }

        HeartbeatPeriod = PeriodFor(options.RequestTimeout);
        _heartbeat = new Timer(static state => ((ConnectionPool)state!).Beat(), this, HeartbeatPeriod, HeartbeatPeriod);
    }

    /// <summary>How often deadlines are checked; a request times out at most this late.</summary>
    public TimeSpan HeartbeatPeriod { get; private set; }

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

    /// <summary>An open connection: synchronously when one is, otherwise once a place has (re)opened one.</summary>
    public ValueTask<ClientConnection> GetAsync(long deadline, CancellationToken cancellationToken)
    {
        // A caller resumed on one of this pool's receive loops sends on that connection: its request leaves with the
        // others queued while the loop completes the read, in one send.
        if (ClientConnection.CurrentReceiver is { IsUsable: true } receiving && Owns(receiving))
        {
            return new ValueTask<ClientConnection>(receiving);
        }

        var start = (uint)Interlocked.Increment(ref _next);
        var count = (uint)_places.Length;

        // The place whose turn it is reopens in the background while the call goes to an open one: otherwise a pool
        // would shrink to whichever connections opened first, or survived a restart.
        var turn = _places[start % count];
        if (turn.Open is null && !_disposed.IsCancellationRequested)
        {
            turn.Reopen();
        }

        for (uint i = 0; i < count; i++)
        {
            if (_places[(start + i) % count].Open is { } open)
            {
                return new ValueTask<ClientConnection>(open);
            }
        }

        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, typeof(RegistryClient));
        return _places[start % count].ConnectAsync(deadline, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        foreach (var place in _places)
        {
            place.Close();
        }

        _disposed.Dispose();
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

    private static TimeSpan PeriodFor(TimeSpan timeout) => TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 10, 10, 100));

    private void Beat()
    {
        var now = Environment.TickCount64;
        foreach (var place in _places)
        {
            place.Current?.OnHeartbeat(now);
        }
    }

    /// <summary>One connection of the pool, over its lifetimes.</summary>
    private sealed class Place(RegistryClientOptions options, EndPoint[] endpoints, int index, CancellationToken disposed)
    {
        private readonly Lock _lock = new();
        private volatile ClientConnection? _current;
        private Task<ClientConnection>? _connecting;
        private Exception? _lastError;
        private int _endpoint = index;

        public ClientConnection? Current => _current;

        public ClientConnection? Open => _current is { IsUsable: true } c ? c : null;

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
                    lock (_lock)
                    {
                        _current = connection;
                        _connecting = null;
                        Volatile.Write(ref _lastError, null);
                    }

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
