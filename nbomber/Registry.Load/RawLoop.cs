using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using HdrHistogram;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Load;

/// <summary>
/// What the event loop of <see cref="RawLoop"/> needs to know about a wire protocol: the pre-encoded request for a
/// slot, and how to cut one response off the front of what has been received.
/// </summary>
internal interface IRawWire
{
    /// <summary>True when responses carry the request's id (answered in any order); false: answered in order.</summary>
    bool UsesIds { get; }

    /// <summary>The encoded request that carries id <paramref name="id"/> (1-based; ignored when ids are not used).</summary>
    ReadOnlySpan<byte> Request(int id);

    /// <summary>
    /// Reads one response from <paramref name="buffer"/> at <paramref name="offset"/>; returns its length in bytes, or
    /// 0 when it has not all come yet. Throws <see cref="InvalidDataException"/> on bytes that are no response.
    /// </summary>
    int TryRead(byte[] buffer, int offset, int count, out int id, out bool ok);
}

/// <summary>
/// The registry's binary protocol: GET_SCHEMA_BY_ID frames pre-encoded with request ids 1..window, responses matched by
/// the id they carry; anything but OK counts as an error.
/// </summary>
internal sealed class RegistryWire : IRawWire
{
    private readonly byte[][] _requests;

    public RegistryWire(int schemaId, int window)
    {
        _requests = new byte[window][];
        using var frames = new FrameWriter();
        for (var i = 0; i < window; i++)
        {
            var w = frames.Start();
            Envelope.WriteRequest(ref w, (uint)(i + 1), new GetSchemaByIdRequest(schemaId));
            _requests[i] = frames.Finish(ref w).ToArray();
        }
    }

    public bool UsesIds => true;

    public ReadOnlySpan<byte> Request(int id) => _requests[id - 1];

    public int TryRead(byte[] buffer, int offset, int count, out int id, out bool ok)
    {
        id = 0;
        ok = false;
        if (count < Frame.HeaderLength)
        {
            return 0;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(offset));
        if (length < 0 || length > ProtocolLimits.DefaultMaxFrameBytes)
        {
            throw new InvalidDataException($"a frame of {length} bytes");
        }

        if (count < Frame.HeaderLength + length)
        {
            return 0;
        }

        var reader = new ProtocolReader(new ReadOnlySequence<byte>(buffer, offset + Frame.HeaderLength, length));
        ResponseHeader header;
        try
        {
            header = ResponseHeader.Read(ref reader);
        }
        catch (ProtocolException e)
        {
            throw new InvalidDataException("a response that does not read: " + e.Message, e);
        }

        if (header.RequestId < 1 || header.RequestId > _requests.Length)
        {
            throw new InvalidDataException($"a response to request {header.RequestId}, which was not sent");
        }

        id = (int)header.RequestId;
        ok = header.Status == StatusCode.Ok;
        return Frame.HeaderLength + length;
    }

    /// <summary>Sends HELLO on a blocking socket and returns the most requests the server lets it have in flight.</summary>
    public static int Hello(Socket socket)
    {
        using (var frames = new FrameWriter())
        {
            var w = frames.Start();
            Envelope.WriteRequest(ref w, 1, new HelloRequest { ClientName = "registry-load-raw" });
            socket.Send(frames.Finish(ref w).Span);
        }

        Span<byte> header = stackalloc byte[Frame.HeaderLength];
        ReceiveExactly(socket, header);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 0 || length > ProtocolLimits.DefaultMaxFrameBytes)
        {
            throw new InvalidDataException($"a HELLO response of {length} bytes");
        }

        var payload = new byte[length];
        ReceiveExactly(socket, payload);
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(payload));
        try
        {
            var envelope = ResponseHeader.Read(ref reader);
            if (envelope.Status != StatusCode.Ok)
            {
                throw new InvalidDataException($"HELLO answered with status {(int)envelope.Status}");
            }

            return HelloResponse.Read(ref reader).MaxInFlight;
        }
        catch (ProtocolException e)
        {
            throw new InvalidDataException("a HELLO response that does not read: " + e.Message, e);
        }
    }

    private static void ReceiveExactly(Socket socket, Span<byte> into)
    {
        while (into.Length > 0)
        {
            var n = socket.Receive(into);
            if (n == 0)
            {
                throw new InvalidDataException("the server closed the connection");
            }

            into = into[n..];
        }
    }
}

/// <summary>
/// Redis's RESP: <c>GET key</c> pre-encoded once (the key <c>redis-benchmark -t set</c> writes), answered in order
/// with a bulk string; a nil or an error reply counts as an error.
/// </summary>
internal sealed class RespWire(string key) : IRawWire
{
    private readonly byte[] _request = System.Text.Encoding.ASCII.GetBytes($"*2\r\n$3\r\nGET\r\n${key.Length}\r\n{key}\r\n");

    public bool UsesIds => false;

    public ReadOnlySpan<byte> Request(int id) => _request;

    public int TryRead(byte[] buffer, int offset, int count, out int id, out bool ok)
    {
        id = 0;
        ok = false;
        var data = buffer.AsSpan(offset, count);
        var line = data.IndexOf("\r\n"u8);
        if (line < 0)
        {
            return 0;
        }

        switch (data[0])
        {
            case (byte)'$':
                if (!int.TryParse(data[1..line], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var length))
                {
                    throw new InvalidDataException("a bulk reply without a length");
                }

                if (length < 0)
                {
                    return line + 2;
                }

                var total = line + 2 + length + 2;
                if (count < total)
                {
                    return 0;
                }

                ok = true;
                return total;
            case (byte)'-' or (byte)'+' or (byte)':':
                return line + 2;
            default:
                throw new InvalidDataException($"a reply starting with byte {data[0]}");
        }
    }
}

/// <summary>
/// A single-threaded driver over non-blocking sockets, as <c>redis-benchmark</c> is: one loop sends pre-encoded
/// requests on every connection and drains whatever responses have come, so the load generator needs one core however
/// many connections it holds. Closed loop (rate 0): each connection sends a batch of <c>window</c> requests in one
/// write and the next batch once all of them are answered, latency from the send. Open loop (a rate): request k of
/// the run is due at <c>start + k / rate</c> on connection <c>k mod connections</c>; the loop reads the clock (never
/// sleeps), sends every request that is due while its connection has fewer than <c>window</c> in flight (requests past
/// that wait their turn), and measures each request's latency from when it was due, not from when it could be sent,
/// so a stall of the server or of the driver counts in full (no coordinated omission). After each pass of sends the
/// loop waits in <c>ppoll</c> until a response comes or the next request is due, and reads only the connections that
/// have something, instead of spinning over them: a thread at real-time priority that never blocks is throttled by the kernel
/// (<c>sched_rt_runtime_us</c>, by default 50 ms of every second), which would stall the driver for 50 ms at a time.
/// </summary>
internal sealed partial class RawLoop
{
    private const long HighestNs = 60_000_000_000;

    /// <summary>Requests slower than this are kept (when they were due, how long they took) to find stalls.</summary>
    private const long SlowNs = 1_000_000;

    private const int MaxSlow = 1 << 20;

    private readonly IRawWire _wire;
    private readonly Connection[] _connections;
    private readonly int _window;

    public RawLoop(IRawWire wire, IReadOnlyList<Socket> sockets, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _wire = wire;
        _window = window;
        _connections = new Connection[sockets.Count];
        for (var c = 0; c < sockets.Count; c++)
        {
            sockets[c].Blocking = false;
            _connections[c] = new Connection(sockets[c], window);
        }
    }

    /// <summary>
    /// Drives the connections for <paramref name="warmup"/> and then <paramref name="duration"/>; only requests due
    /// in the second part are measured (completions counted by when they came, latencies by when they were due).
    /// </summary>
    /// <remarks>
    /// With a <paramref name="tick"/>, the open loop sends what has come due only at whole ticks since the start, so a
    /// connection's requests leave in batches (fewer writes for the driver's core); each request's latency still counts
    /// from its own due time, so the wait for the tick is part of it.
    /// </remarks>
    public RawLoopResult Run(double rate, TimeSpan warmup, TimeSpan duration, TimeSpan tick = default)
    {
        var frequency = Stopwatch.Frequency;
        var interval = rate > 0 ? frequency / rate : 0;
        var tickTicks = Math.Max(1, (long)(tick.TotalSeconds * frequency));
        var histogram = new LongHistogram(HighestNs, 3);
        var slow = new List<(long Due, long Ns)>();
        var count = _connections.Length;
        var t0 = Stopwatch.GetTimestamp();
        var start = t0 + (long)(warmup.TotalSeconds * frequency);
        var end = start + (long)(duration.TotalSeconds * frequency);
        var drainUntil = end + frequency;
        var dueByEnd = interval > 0 ? (long)Math.Ceiling((end - t0) / interval) : 0;
        long completed = 0, failed = 0, issued = 0, sentAll = 0, longestPass = 0, passStart = t0;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (now < end && now - passStart > longestPass)
            {
                longestPass = now - passStart;
            }

            // Requests due before the end are all sent, even when that has to happen after the end (they are measured).
            var sending = now < end || (interval > 0 && sentAll < dueByEnd);
            if (!sending || now >= drainUntil)
            {
                var pending = 0;
                foreach (var connection in _connections)
                {
                    pending += connection.InFlight;
                }

                if (pending == 0 || now >= drainUntil)
                {
                    break;
                }
            }

            if (sending && interval > 0)
            {
                // Requests 0..issued-1 of the whole run are due by the last whole tick.
                issued = Math.Min(dueByEnd, (long)((now - t0) / tickTicks * tickTicks / interval) + 1);
            }

            var output = false;
            for (var c = 0; c < count; c++)
            {
                var connection = _connections[c];
                if (sending)
                {
                    if (interval > 0)
                    {
                        var dueHere = issued > c ? (issued - c + count - 1) / count : 0;
                        while (connection.Sent < dueHere && connection.InFlight < _window)
                        {
                            var k = connection.Sent * count + c;
                            connection.Enqueue(_wire, t0 + (long)(k * interval));
                            sentAll++;
                        }
                    }
                    else if (connection.InFlight == 0)
                    {
                        for (var i = 0; i < _window; i++)
                        {
                            connection.Enqueue(_wire, now);
                        }
                    }
                }

                output |= !connection.Flush();
            }

            // Wait for responses, at most until the next request is due (open loop) or the run ends; not at all while
            // output is stuck in a full socket buffer.
            var until = output ? 0 : !sending ? drainUntil : interval > 0 ? NextTick(t0 + (long)(issued * interval)) : end;
            long NextTick(long due) => due + ((tickTicks - ((due - t0) % tickTicks)) % tickTicks);

            var polled = Stopwatch.GetTimestamp();
            var ready = Poll(until == 0 ? 0 : until - polled);

            // A pass is timed without its wait in ppoll: a long one means the driver itself was held up.
            passStart = Stopwatch.GetTimestamp() - (polled - now);
            for (var c = 0; c < count; c++)
            {
                if (ready is null || ready[c].Returned != 0)
                {
                    _connections[c].Receive(_wire, histogram, slow, start, end, ref completed, ref failed);
                }
            }
        }

        long late = 0, unanswered = 0;
        if (interval > 0)
        {
            // Requests due before the end that were still not sent a second after it: the rate was not held.
            long sent = 0;
            foreach (var connection in _connections)
            {
                sent += connection.Sent;
            }

            late = Math.Max(0, dueByEnd - sent);
        }

        foreach (var connection in _connections)
        {
            unanswered += connection.InFlight;
        }

        return new RawLoopResult(completed, duration, histogram, failed, late, unanswered, TimeSpan.FromSeconds((double)longestPass / frequency))
        {
            Stalls = Stall.Group(slow, frequency),
        };
    }

    /// <summary>
    /// Blocks until a connection has something to read or <paramref name="ticks"/> have passed (0: only looks) and
    /// returns which connections have (null where <c>ppoll</c> is not available: every connection is then read).
    /// </summary>
    private PollFd[]? Poll(long ticks)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var polled = _poll ??= _connections.Select(c => new PollFd { Fd = (int)c.Handle, Events = PollIn }).ToArray();
        // Seconds and the rest apart: ticks × 10^9 overflows a long past about 9 s at a nanosecond frequency.
        var wait = Math.Max(0, ticks);
        var timeout = new TimeSpec { Seconds = wait / Stopwatch.Frequency, Nanoseconds = wait % Stopwatch.Frequency * 1_000_000_000 / Stopwatch.Frequency };
        if (PPoll(polled, (nuint)polled.Length, in timeout, 0) < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != EIntr)
            {
                throw new SocketException(error);
            }

            // Interrupted: nothing is known, so every connection is read.
            for (var i = 0; i < polled.Length; i++)
            {
                polled[i].Returned = PollIn;
            }
        }

        return polled;
    }

    private const short PollIn = 0x001;
    private const int EIntr = 4;

    private PollFd[]? _poll;

    [LibraryImport("libc", EntryPoint = "ppoll", SetLastError = true)]
    private static partial int PPoll([In, Out] PollFd[] fds, nuint count, in TimeSpec timeout, nint signalMask);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Returned;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>One connection's state: what is queued to send, what is in flight and when each was due.</summary>
    private sealed class Connection(Socket socket, int window)
    {
        private readonly byte[] _in = new byte[1 << 20];
        private readonly byte[] _out = new byte[1 << 16];
        private readonly long[] _dueById = new long[window + 1];
        private readonly int[] _freeIds = Enumerable.Range(1, window).Reverse().ToArray();
        private readonly long[] _dueInOrder = new long[window];
        private int _freeCount = window;
        private int _orderHead;
        private int _have;
        private int _outStart;
        private int _outEnd;

        public nint Handle => socket.Handle;

        public long Sent { get; private set; }

        public int InFlight { get; private set; }

        public void Enqueue(IRawWire wire, long due)
        {
            int id;
            if (wire.UsesIds)
            {
                id = _freeIds[--_freeCount];
                _dueById[id] = due;
            }
            else
            {
                id = 0;
                _dueInOrder[(_orderHead + InFlight) % _dueInOrder.Length] = due;
            }

            var request = wire.Request(id);
            if (_outEnd + request.Length > _out.Length)
            {
                Buffer.BlockCopy(_out, _outStart, _out, 0, _outEnd - _outStart);
                _outEnd -= _outStart;
                _outStart = 0;
            }

            request.CopyTo(_out.AsSpan(_outEnd));
            _outEnd += request.Length;
            InFlight++;
            Sent++;
        }

        /// <summary>Sends what is queued, as far as the socket takes it; false when some of it is still queued.</summary>
        public bool Flush()
        {
            while (_outEnd > _outStart)
            {
                var n = socket.Send(_out, _outStart, _outEnd - _outStart, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    return false;
                }

                if (error != SocketError.Success)
                {
                    throw new SocketException((int)error);
                }

                _outStart += n;
            }

            _outStart = _outEnd = 0;
            return true;
        }

        /// <summary>Reads what has come and records each whole response; true when anything was read.</summary>
        public bool Receive(
            IRawWire wire, LongHistogram histogram, List<(long Due, long Ns)> slow, long start, long end, ref long completed, ref long failed)
        {
            if (InFlight == 0)
            {
                return false;
            }

            var n = socket.Receive(_in, _have, _in.Length - _have, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return false;
            }

            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }

            if (n == 0)
            {
                throw new InvalidDataException("the server closed the connection");
            }

            _have += n;
            var now = Stopwatch.GetTimestamp();
            var offset = 0;
            int length;
            while ((length = wire.TryRead(_in, offset, _have - offset, out var id, out var ok)) > 0)
            {
                offset += length;
                if (InFlight == 0)
                {
                    throw new InvalidDataException("a response to no request");
                }

                long due;
                if (wire.UsesIds)
                {
                    due = _dueById[id];
                    if (due == 0)
                    {
                        throw new InvalidDataException($"a second response to request {id}");
                    }

                    _dueById[id] = 0;
                    _freeIds[_freeCount++] = id;
                }
                else
                {
                    due = _dueInOrder[_orderHead];
                    _orderHead = (_orderHead + 1) % _dueInOrder.Length;
                }

                InFlight--;
                if (!ok)
                {
                    failed++;
                }

                if (due >= start && due < end)
                {
                    var ns = Math.Clamp((long)((now - due) * 1e9 / Stopwatch.Frequency), 1, HighestNs);
                    histogram.RecordValue(ns);
                    if (ns >= SlowNs && slow.Count < MaxSlow)
                    {
                        slow.Add((due - start, ns));
                    }
                }

                if (now >= start && now < end)
                {
                    completed++;
                }
            }

            if (offset > 0)
            {
                Buffer.BlockCopy(_in, offset, _in, 0, _have - offset);
                _have -= offset;
            }

            return true;
        }
    }
}

/// <summary>
/// What <see cref="RawLoop.Run"/> measured: responses that came during the measured part, the latency of requests
/// due in it, error responses, requests due that were never sent (late), requests still unanswered at the end, and the
/// longest pass of the loop not counting its waits (the longest the driver itself was held up, e.g. descheduled).
/// </summary>
internal sealed record RawLoopResult(
    long Completed, TimeSpan Duration, LongHistogram Latencies, long Failed, long Late, long Unanswered, TimeSpan LongestPass)
{
    /// <summary>Stretches of requests slower than a millisecond, in order.</summary>
    public IReadOnlyList<Stall> Stalls { get; init; } = [];

    public double Throughput => Completed / Duration.TotalSeconds;
}

/// <summary>
/// A stretch of requests slower than a millisecond whose due times lie within a millisecond of each other: when it
/// started (from the start of the measured part), how many requests it held up and the slowest of them.
/// </summary>
internal readonly record struct Stall(TimeSpan At, int Requests, TimeSpan Worst)
{
    /// <summary>Groups slow requests (due time in Stopwatch ticks from the start, latency in ns) into stalls.</summary>
    public static List<Stall> Group(List<(long Due, long Ns)> slow, long frequency)
    {
        slow.Sort();
        var stalls = new List<Stall>();
        var i = 0;
        while (i < slow.Count)
        {
            var first = slow[i].Due;
            var last = first;
            var worst = 0L;
            var n = 0;
            while (i < slow.Count && slow[i].Due - last <= frequency / 1000)
            {
                last = slow[i].Due;
                worst = Math.Max(worst, slow[i].Ns);
                n++;
                i++;
            }

            stalls.Add(new Stall(TimeSpan.FromSeconds((double)first / frequency), n, TimeSpan.FromTicks(worst / 100)));
        }

        return stalls;
    }
}
