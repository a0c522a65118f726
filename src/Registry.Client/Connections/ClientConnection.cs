using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using MessagePack;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Client.Connections;

/// <summary>
/// One TCP connection to the server, shared by any number of concurrent callers. A caller takes a free request slot
/// (its index is the low bits of the request id), encodes its request straight into the send buffer under a short
/// lock, and awaits the slot. Whoever finds no send in progress becomes the sender and writes everything queued
/// with one syscall, so requests issued together travel together (pipelining). One receive loop reads responses and
/// completes the slot named by each response's id; responses may come in any order.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The send buffers hold pooled arrays the GC may take back; the semaphore has no wait handle; callers release slots after the connection ends, so nothing may be disposed under them.")]
internal sealed class ClientConnection
{
    private const int ReceiveBufferSize = 64 * 1024;

    // A request abandoned by its caller keeps its slot until the server answers it; one still unanswered this long
    // after it was abandoned means the server will not answer on this connection: it is closed and replaced.
    private const long LateAnswerLimitMs = 30_000;

    private readonly Socket _socket;

    // Null in plain TCP; with TLS every byte goes through it (one sender and one receive loop, as the stream allows).
    private readonly SslStream? _tls;
    private readonly EndPoint _endpoint;
    private readonly Lock _lock = new();
    private readonly PendingRequest[] _slots;
    private readonly int[] _free;
    private readonly uint _slotMask;
    private readonly int _slotBits;
    private readonly SemaphoreSlim _capacity;

    // Guarded by _lock.
    private SendBuffer _pending = new();
    private SendBuffer _spare = new();
    private bool _sending;

    // True while the receive loop completes the responses of one read: requests queued meanwhile (often by callers
    // resumed on the loop itself) wait and go out together in one send when the loop has finished the read.
    private bool _corked;

    // The negotiated protocol version lets requests carry the caller's traceparent (set once HELLO is answered).
    private volatile bool _traceContext;
    private int _freeCount;

    // The connection whose receive loop is completing responses on this thread, if any (see CurrentReceiver).
    [ThreadStatic]
    private static ClientConnection? _receiving;
    private uint _sequence;
    private Exception? _failure;

    private int _maxFrame = ProtocolLimits.DefaultMaxFrameBytes;
    private long _lastSent;
    private long _avoidUntil;
    private volatile bool _draining;
    private Action<ClientConnection>? _onFailed;

    private ClientConnection(Socket socket, SslStream? tls, EndPoint endpoint, int maxInFlight, bool inlineContinuations)
    {
        _socket = socket;
        _tls = tls;
        _endpoint = endpoint;

        // Slots are a power of two so that the slot of a response is its id's low bits.
        _slotBits = Math.Max(1, (int)Math.Ceiling(Math.Log2(maxInFlight)));
        var slotCount = 1 << _slotBits;
        _slotMask = (uint)slotCount - 1;
        _slots = new PendingRequest[slotCount];
        _free = new int[slotCount];
        for (var i = 0; i < slotCount; i++)
        {
            _slots[i] = new PendingRequest(this, i, !inlineContinuations);
            _free[i] = slotCount - 1 - i;
        }

        _freeCount = slotCount;
        _capacity = new SemaphoreSlim(maxInFlight, maxInFlight);
        _lastSent = Environment.TickCount64;
    }

    /// <summary>
    /// The connection whose receive loop is running on this thread, completing a read's responses: a caller resumed
    /// there (inline continuations) that sends again does best to send on it, where its request joins the batch the
    /// loop sends when it has finished the read.
    /// </summary>
    public static ClientConnection? CurrentReceiver => _receiving;

    /// <summary>The server's endpoint.</summary>
    public EndPoint Endpoint => _endpoint;

    /// <summary>False once the connection failed or the server said it is shutting down: take no new requests here.</summary>
    public bool IsUsable => !_draining && Volatile.Read(ref _failure) is null;

    /// <summary>
    /// Until when (<see cref="Environment.TickCount64"/>) new reads should go elsewhere: a hedged read sent to another
    /// endpoint was answered there first. 0: never marked.
    /// </summary>
    public long AvoidUntil => Volatile.Read(ref _avoidUntil);

    /// <summary>Marks the connection as slow: new reads prefer others until <paramref name="until"/>.</summary>
    public void Avoid(long until) => Volatile.Write(ref _avoidUntil, until);

    /// <summary>Requests in flight (or abandoned and still unanswered) on this connection; a snapshot.</summary>
    public int InFlight => _slots.Length - Volatile.Read(ref _freeCount);

    /// <summary>What the server announced in HELLO.</summary>
    public HelloResponse? Hello { get; private set; }

    /// <summary>Opens a connection and completes HELLO, or throws.</summary>
    public static async Task<ClientConnection> OpenAsync(
        EndPoint endpoint, RegistryClientOptions options, Action<ClientConnection>? onFailed, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        ClientConnection? connection = null;
        SslStream? tls = null;
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            if (options.Tls is { } tlsOptions)
            {
                tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
                var host = endpoint is DnsEndPoint dns ? dns.Host : ((IPEndPoint)endpoint).Address.ToString();
                try
                {
                    await tls.AuthenticateAsClientAsync(tlsOptions.AuthenticationOptions(host), cancellationToken).ConfigureAwait(false);
                }
                catch (System.Security.Authentication.AuthenticationException e)
                {
                    throw new RegistryConnectionException(
                        string.Create(CultureInfo.InvariantCulture, $"The TLS handshake with the registry at {endpoint} failed: {e.Message}"), e);
                }
            }

            connection = new ClientConnection(socket, tls, endpoint, options.MaxInFlightPerConnection, options.InlineContinuations);
            connection.StartReceiving();

            var deadline = Environment.TickCount64 + (long)options.ConnectTimeout.TotalMilliseconds;
            var frame = await connection.SendAsync(new HelloRequest { ClientName = options.ClientName, Credentials = options.Credentials }, deadline, cancellationToken)
                .ConfigureAwait(false);
            var hello = ResponseDecoder.Decode(frame, static (ref ProtocolReader r) => HelloResponse.Read(ref r), out _)
                ?? throw new RegistryConnectionException(StatusCode.ShuttingDown, "The server is shutting down.");
            connection.Accept(hello, options.MaxInFlightPerConnection, onFailed);
            return connection;
        }
        catch (Exception e)
        {
            connection?.Fail(e);
            if (tls is not null)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends a request and returns the awaitable of its response. Completes with <see cref="TimeoutException"/> at
    /// <paramref name="deadline"/> (<see cref="Environment.TickCount64"/> milliseconds), with
    /// <see cref="OperationCanceledException"/> on cancellation, with <see cref="RegistryConnectionException"/> when the
    /// connection fails first.
    /// </summary>
    public ValueTask<ResponseFrame> SendAsync<TBody>(TBody body, long deadline, CancellationToken cancellationToken)
        where TBody : IRequestBody
    {
        if (_capacity.Wait(0, CancellationToken.None))
        {
            return Enqueue(body, deadline, cancellationToken);
        }

        return WaitForRoomAsync(body, deadline, cancellationToken);
    }

    /// <summary>Called by the heartbeat: fails requests past their deadline and keeps an idle connection open.</summary>
    public void OnHeartbeat(long now)
    {
        foreach (var slot in _slots)
        {
            var id = slot.Id;
            if (id != 0 && now >= slot.Deadline)
            {
                slot.TryAbandon(id, new TimeoutException(
                    string.Create(CultureInfo.InvariantCulture, $"The registry at {_endpoint} did not answer in time.")));
            }

            var lateSince = slot.LateSince;
            if (lateSince != 0 && now - lateSince > LateAnswerLimitMs)
            {
                Fail(new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture, $"The registry at {_endpoint} left a request unanswered for {LateAnswerLimitMs / 1000} s past its time-out.")));
                return;
            }
        }

        // The server closes connections idle for its idle time-out; a PING now and then keeps a pooled one open.
        if (Hello is { } hello && IsUsable && now - Volatile.Read(ref _lastSent) > (long)hello.IdleTimeout.TotalMilliseconds / 3)
        {
            _ = PingAsync(now + (long)hello.IdleTimeout.TotalMilliseconds / 3);
        }
    }

    /// <summary>Closes the connection; requests in flight fail with <paramref name="reason"/>.</summary>
    public void Fail(Exception reason)
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = reason;
        }

        try
        {
            _socket.Dispose();
            _tls?.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }

        var failure = Wrap(reason);
        foreach (var slot in _slots)
        {
            slot.TryFail(slot.Id, failure);
            slot.ReleaseLate();
        }

        Volatile.Read(ref _onFailed)?.Invoke(this);
    }

    /// <summary>Returns a slot once its caller has taken the result.</summary>
    internal void Release(int index)
    {
        lock (_lock)
        {
            _free[_freeCount++] = index;
        }

        _capacity.Release();
        SlotReleased?.Invoke();
    }

    /// <summary>Called whenever a request slot is given back (set for the write connections, whose writers wait for any).</summary>
    public Action? SlotReleased { get; set; }

    private async ValueTask<ResponseFrame> WaitForRoomAsync<TBody>(TBody body, long deadline, CancellationToken cancellationToken)
        where TBody : IRequestBody
    {
        var remaining = deadline - Environment.TickCount64;
        if (remaining <= 0 || !await _capacity.WaitAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException(string.Create(
                CultureInfo.InvariantCulture, $"No room for another request on the connection to {_endpoint} in time (all slots in flight)."));
        }

        return await Enqueue(body, deadline, cancellationToken).ConfigureAwait(false);
    }

    // Precondition: one unit of _capacity has been taken for this request.
    private ValueTask<ResponseFrame> Enqueue<TBody>(TBody body, long deadline, CancellationToken cancellationToken)
        where TBody : IRequestBody
    {
        PendingRequest slot;
        uint id;
        ValueTask<ResponseFrame> response;
        bool startSender;
        lock (_lock)
        {
            if (_failure is { } failure)
            {
                _capacity.Release();
                throw Wrap(failure);
            }

            var index = _free[--_freeCount];
            slot = _slots[index];
            id = NextId(index);
            var start = _pending.BeginFrame();
            try
            {
                var writer = new MessagePackWriter(_pending);
                if (_traceContext && Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent })
                {
                    // The caller's span travels with the request; the server's span becomes its child.
                    RequestHeader.Write(ref writer, id, TBody.Opcode, traceParent);
                }
                else
                {
                    RequestHeader.Write(ref writer, id, TBody.Opcode);
                }

                body.Write(ref writer);
                writer.Flush();
                _pending.EndFrame(start, _maxFrame);
            }
            catch
            {
                _pending.Rollback(start);
                _free[_freeCount++] = index;
                _capacity.Release();
                throw;
            }

            // Armed before the sender can see the frame, so the response always finds the slot waiting.
            response = slot.Arm(id, deadline);
            startSender = !_sending && !_corked;
            _sending |= startSender;
        }

        slot.Watch(id, cancellationToken);
        if (startSender)
        {
            _ = SendLoopAsync();
        }

        return response;
    }

    private uint NextId(int index)
    {
        // High bits: a sequence telling a late response from the slot's next request; low bits: the slot. Never 0.
        uint id;
        do
        {
            id = (++_sequence << _slotBits) | (uint)index;
        }
        while (id == 0);
        return id;
    }

    /// <summary>Sends batches until nothing is queued. Runs on the thread that queued first, until a send has to wait.</summary>
    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                SendBuffer batch;
                lock (_lock)
                {
                    if (_pending.Length == 0 || _failure is not null)
                    {
                        _sending = false;
                        return;
                    }

                    batch = _pending;
                    _pending = _spare;
                    _spare = batch;
                }

                var bytes = batch.Written;
                if (_tls is not null)
                {
                    await _tls.WriteAsync(bytes).ConfigureAwait(false);
                }
                else
                {
                    while (!bytes.IsEmpty)
                    {
                        var sent = await _socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);
                        bytes = bytes[sent..];
                    }
                }

                // Only the sender touches the spare buffer between swaps.
                batch.Clear();
                Volatile.Write(ref _lastSent, Environment.TickCount64);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            lock (_lock)
            {
                _sending = false;
            }

            Fail(e);
        }
    }

    private void StartReceiving() => _ = ReceiveLoopAsync();

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    // Full: a frame longer than the buffer is waiting (grown below), or leftovers need moving down.
                    Compact(ref buffer, ref start, ref end, buffer.Length);
                }

                var received = _tls is null
                    ? await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None).ConfigureAwait(false)
                    : await _tls.ReadAsync(buffer.AsMemory(end)).ConfigureAwait(false);
                if (received == 0)
                {
                    throw new RegistryConnectionException(string.Create(CultureInfo.InvariantCulture, $"The registry at {_endpoint} closed the connection."));
                }

                end += received;
                lock (_lock)
                {
                    _corked = true;
                }

                _receiving = this;
                while (end - start >= Frame.HeaderLength)
                {
                    var length = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(start));
                    if (length < 0 || length > _maxFrame)
                    {
                        throw new RegistryConnectionException(string.Create(
                            CultureInfo.InvariantCulture, $"The registry at {_endpoint} sent a frame of {length} bytes, above the limit of {_maxFrame}."));
                    }

                    if (end - start - Frame.HeaderLength < length)
                    {
                        if (start + Frame.HeaderLength + length > buffer.Length)
                        {
                            Compact(ref buffer, ref start, ref end, Frame.HeaderLength + length);
                        }

                        break;
                    }

                    OnFrame(buffer, start + Frame.HeaderLength, length);
                    start += Frame.HeaderLength + length;
                }

                _receiving = null;
                Uncork();

                if (start == end)
                {
                    start = end = 0;
                    if (buffer.Length > 4 * ReceiveBufferSize)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
                    }
                }
            }
        }
        catch (Exception e)
        {
            _receiving = null;
            Fail(e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Ends a read's batch: sends what was queued while the responses were being completed.</summary>
    private void Uncork()
    {
        bool startSender;
        lock (_lock)
        {
            _corked = false;
            startSender = !_sending && _pending.Length > 0 && _failure is null;
            _sending |= startSender;
        }

        if (startSender)
        {
            _ = SendLoopAsync();
        }
    }

    /// <summary>Moves the unread bytes to the start of a buffer that holds at least <paramref name="needed"/> bytes.</summary>
    private static void Compact(ref byte[] buffer, ref int start, ref int end, int needed)
    {
        var unread = end - start;
        var target = buffer;
        if (needed > buffer.Length || (start == 0 && unread == buffer.Length))
        {
            target = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 2 * buffer.Length));
        }

        buffer.AsSpan(start, unread).CopyTo(target);
        if (!ReferenceEquals(target, buffer))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = target;
        }

        start = 0;
        end = unread;
    }

    private void OnFrame(byte[] buffer, int offset, int length)
    {
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(buffer, offset, length));
        var header = ResponseHeader.Read(ref reader);
        if (header.RequestId == 0)
        {
            // A connection-level error (docs/protocol.md, section 6): every request here fails with it.
            var error = ErrorResponse.Read(ref reader);
            throw new RegistryConnectionException(header.Status, $"The registry at {_endpoint} closed the connection: {error.Message}");
        }

        if (header.Status == StatusCode.ShuttingDown)
        {
            _draining = true;
        }

        var slot = _slots[header.RequestId & _slotMask];
        if (slot.Id != header.RequestId)
        {
            // The caller stopped waiting (time-out, cancellation): the late response is dropped, and the slot, kept
            // while the server still had the request, can take another.
            slot.TryCompleteLate(header.RequestId);
            return;
        }

        var frame = ResponseFrame.Copy(buffer.AsSpan(offset, length));
        if (!slot.TryComplete(header.RequestId, frame))
        {
            frame.Dispose();
        }
    }

    private void Accept(HelloResponse hello, int maxInFlight, Action<ClientConnection>? onFailed)
    {
        Hello = hello;
        _traceContext = hello.Version >= RequestHeader.TraceContextVersion;
        _maxFrame = hello.MaxFrameBytes;

        // The server holds each connection to its own in-flight limit: never use more slots than it announced.
        for (var surplus = maxInFlight - hello.MaxInFlight; surplus > 0; surplus--)
        {
            _capacity.Wait(0, CancellationToken.None);
        }

        Volatile.Write(ref _onFailed, onFailed);
    }

    private async Task PingAsync(long deadline)
    {
        try
        {
            using var frame = await SendAsync(default(PingRequest), deadline, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RegistryRequestException or TimeoutException)
        {
            // A failed keep-alive fails the connection by itself; nothing else to do.
        }
    }

    private Exception Wrap(Exception reason) => reason switch
    {
        RegistryConnectionException => reason,
        ObjectDisposedException => new ObjectDisposedException(nameof(RegistryClient), reason),
        _ => new RegistryConnectionException(string.Create(CultureInfo.InvariantCulture, $"The connection to the registry at {_endpoint} failed: {reason.Message}"), reason),
    };
}
