using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HdrHistogram;
using Registry.Client;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;

namespace Registry.Load;

/// <summary>
/// The server's capacity without <see cref="RegistryClient"/> in the way, as <c>redis-benchmark</c> measures Redis:
/// pre-encoded GET_SCHEMA_BY_ID frames over plain sockets, driven by <see cref="RawLoop"/> (one thread, non-blocking
/// sockets; closed loop in batches of <c>depth</c>, or open loop at <c>--rate</c> with latency from each request's due
/// time). <c>--redis</c> drives a Redis server the same way with RESP GETs, for a side-by-side at the same rate.
/// <c>--threads</c> keeps the earlier closed-loop driver: one blocking thread per connection, each sending a batch of
/// <c>depth</c> frames and reading the <c>depth</c> responses before the next.
/// </summary>
internal static class RawRun
{
    private const long HighestNs = 60_000_000_000;

    /// <summary>Exit code of a run that did not hold its target rate or got error responses.</summary>
    public const int NotHeld = 3;

    private const int StallsShown = 12;

    /// <summary>Share of the target rate an open-loop run must achieve to count.</summary>
    public const double HeldShare = 0.98;

    public static async Task<int> RunAsync(string[] args)
    {
        var threads = args.Contains("--threads");
        var redis = args.Contains("--redis");
        var tickAt = Array.IndexOf(args, "--tick-us");
        var tick = tickAt >= 0 && tickAt + 1 < args.Length
            ? TimeSpan.FromMicroseconds(double.Parse(args[tickAt + 1], System.Globalization.CultureInfo.InvariantCulture))
            : TimeSpan.Zero;
        var o = LoadOptions.Parse(args.Where((a, i) => a is not ("--raw" or "--threads" or "--redis" or "--tick-us") && (tickAt < 0 || i != tickAt + 1)).ToArray());
        var endpoint = IPEndPoint.Parse(o.Endpoint);
        if (redis)
        {
            return Report(o, RunLoop(o, endpoint, new RespWire(RedisBenchmarkKey), _ => int.MaxValue, tick));
        }

        int schemaId;
        await using (var client = new RegistryClient(new RegistryClientOptions { Endpoints = [o.Endpoint], PoolSize = 1 }))
        {
            schemaId = (await client.RegisterAsync($"load.get.{o.PayloadBytes}", LoadRun.SchemaOfSize(o.PayloadBytes))).SchemaId;
        }

        if (threads && o.Rate > 0)
        {
            throw new ArgumentException("--threads is closed loop only; --rate runs on the single-threaded loop.");
        }

        if (!threads)
        {
            return Report(o, RunLoop(o, endpoint, new RegistryWire(schemaId, o.Depth), RegistryWire.Hello, tick));
        }

        var batch = Encode(o.Depth, schemaId);
        var hello = EncodeHello();
        if (o.Warmup > TimeSpan.Zero)
        {
            Run(o, endpoint, hello, batch, o.Warmup, out _, out _);
        }

        var errors = Run(o, endpoint, hello, batch, o.Duration, out var completed, out var histogram);
        var result = new LoadResult(completed, o.Duration, histogram, errors);
        Console.WriteLine(o.Tsv ? result.ToTsv(o) : result.ToReport(o));
        return completed > 0 ? 0 : 1;
    }

    /// <summary>The key <c>redis-benchmark -t set</c> writes and <c>-t get</c> reads (without <c>-r</c>).</summary>
    private const string RedisBenchmarkKey = "key:__rand_int__";

    /// <summary>
    /// Connects, greets each connection (<paramref name="hello"/> returns the in-flight limit it announces), and runs
    /// the single-threaded loop with <c>depth</c> requests in flight per connection at most.
    /// </summary>
    private static RawLoopResult RunLoop(LoadOptions o, IPEndPoint endpoint, IRawWire wire, Func<Socket, int> hello, TimeSpan tick)
    {
        var sockets = new List<Socket>();
        try
        {
            for (var c = 0; c < o.Connections; c++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets.Add(socket);
                socket.Connect(endpoint);
                var limit = hello(socket);
                if (o.Depth > limit)
                {
                    throw new ArgumentException($"--depth {o.Depth} is more than the {limit} requests the server allows in flight per connection.");
                }
            }

            return new RawLoop(wire, sockets, o.Depth).Run(o.Rate, o.Warmup, o.Duration, tick);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>
    /// Prints the result; an open-loop run below <see cref="HeldShare"/> of its target, with requests it never sent,
    /// or with error responses fails (exit code <see cref="NotHeld"/>) and says why on stderr.
    /// </summary>
    private static int Report(LoadOptions o, RawLoopResult r)
    {
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        if (r.Failed > 0)
        {
            errors["error responses"] = r.Failed;
        }

        var result = new LoadResult(r.Completed, r.Duration, r.Latencies, errors);
        Console.WriteLine(o.Tsv ? result.ToTsv(o) : result.ToReport(o));
        Console.Error.WriteLine(FormattableString.Invariant(
            $"registry-load raw: longest pass of the driver {r.LongestPass.TotalMicroseconds:F0} µs; {r.Stalls.Count} stalls (requests over 1 ms due within 1 ms of each other){(r.Stalls.Count > 0 ? ":" : string.Empty)}"));
        foreach (var stall in r.Stalls.OrderByDescending(s => s.Worst).Take(StallsShown).OrderBy(s => s.At))
        {
            Console.Error.WriteLine(FormattableString.Invariant(
                $"  at {stall.At.TotalMilliseconds:F1} ms: {stall.Requests} requests, worst {stall.Worst.TotalMicroseconds:F0} µs"));
        }

        var problems = Problems(o.Rate, r);
        foreach (var problem in problems)
        {
            Console.Error.WriteLine("registry-load raw: " + problem);
        }

        return problems.Count > 0 ? NotHeld : r.Completed > 0 ? 0 : 1;
    }

    /// <summary>Why a run does not count, if it does not: the rate not held, requests never sent, error responses.</summary>
    internal static List<string> Problems(double rate, RawLoopResult r)
    {
        var problems = new List<string>();
        if (rate > 0 && r.Throughput < HeldShare * rate)
        {
            problems.Add(FormattableString.Invariant(
                $"achieved {r.Throughput:F0} requests/s, below {HeldShare:P0} of the target {rate:F0}; the latencies do not describe that rate."));
        }

        if (r.Late > 0)
        {
            problems.Add(FormattableString.Invariant($"{r.Late} requests due in the run were never sent."));
        }

        if (r.Failed > 0)
        {
            problems.Add(FormattableString.Invariant($"{r.Failed} error responses."));
        }

        return problems;
    }

    private static Dictionary<string, long> Run(
        LoadOptions o, IPEndPoint endpoint, byte[] hello, byte[] batch, TimeSpan duration, out long completed, out LongHistogram merged)
    {
        var histograms = new LongHistogram[o.Connections];
        var counts = new long[o.Connections];
        var failures = new string?[o.Connections];
        var threads = new Thread[o.Connections];
        using var ready = new Barrier(o.Connections + 1);
        long end = 0;
        for (var c = 0; c < o.Connections; c++)
        {
            var index = c;
            histograms[c] = new LongHistogram(HighestNs, 3);
            threads[c] = new Thread(() =>
            {
                try
                {
                    using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    socket.Connect(endpoint);
                    var buffer = new byte[1 << 20];
                    socket.Send(hello);
                    var have = 0;
                    ReadFrames(socket, buffer, ref have, 1);
                    ready.SignalAndWait();
                    var stop = Volatile.Read(ref end);
                    long done = 0;
                    while (true)
                    {
                        var started = Stopwatch.GetTimestamp();
                        if (started >= stop)
                        {
                            break;
                        }

                        socket.Send(batch);
                        ReadFrames(socket, buffer, ref have, o.Depth);
                        var finished = Stopwatch.GetTimestamp();
                        histograms[index].RecordValueWithCount(
                            Math.Clamp((long)((finished - started) * 1e9 / Stopwatch.Frequency), 1, HighestNs), o.Depth);
                        done += o.Depth;
                    }

                    counts[index] = done;
                }
                catch (Exception e) when (e is SocketException or InvalidDataException)
                {
                    failures[index] = e.GetType().Name + ": " + e.Message;
                    ready.RemoveParticipant();
                }
            })
            { IsBackground = true, Name = "raw-" + c };
            threads[c].Start();
        }

        Volatile.Write(ref end, Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency) + Stopwatch.Frequency / 10);
        ready.SignalAndWait();
        Volatile.Write(ref end, Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency));
        foreach (var t in threads)
        {
            t.Join();
        }

        merged = new LongHistogram(HighestNs, 3);
        completed = 0;
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var c = 0; c < o.Connections; c++)
        {
            merged.Add(histograms[c]);
            completed += counts[c];
            if (failures[c] is { } f)
            {
                errors[f] = errors.GetValueOrDefault(f) + 1;
            }
        }

        return errors;
    }

    /// <summary>Reads until <paramref name="frames"/> whole frames have come; a partial next frame stays at the start.</summary>
    private static void ReadFrames(Socket socket, byte[] buffer, ref int have, int frames)
    {
        var offset = 0;
        while (frames > 0)
        {
            while (have - offset >= Frame.HeaderLength)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(offset));
                if (length < 0 || length > buffer.Length - Frame.HeaderLength)
                {
                    throw new InvalidDataException($"frame of {length} bytes");
                }

                if (have - offset < Frame.HeaderLength + length)
                {
                    break;
                }

                offset += Frame.HeaderLength + length;
                if (--frames == 0)
                {
                    break;
                }
            }

            if (frames == 0)
            {
                break;
            }

            if (offset > 0)
            {
                Buffer.BlockCopy(buffer, offset, buffer, 0, have - offset);
                have -= offset;
                offset = 0;
            }

            var n = socket.Receive(buffer, have, buffer.Length - have, SocketFlags.None);
            if (n == 0)
            {
                throw new InvalidDataException("the server closed the connection");
            }

            have += n;
        }

        Buffer.BlockCopy(buffer, offset, buffer, 0, have - offset);
        have -= offset;
    }

    private static byte[] EncodeHello()
    {
        using var frames = new FrameWriter();
        var w = frames.Start();
        Envelope.WriteRequest(ref w, 1, new HelloRequest { ClientName = "registry-load-raw" });
        return frames.Finish(ref w).ToArray();
    }

    private static byte[] Encode(int depth, int schemaId)
    {
        using var frames = new FrameWriter();
        var all = new List<byte>();
        for (var i = 0; i < depth; i++)
        {
            var w = frames.Start();
            Envelope.WriteRequest(ref w, (uint)(i + 2), new GetSchemaByIdRequest(schemaId));
            all.AddRange(frames.Finish(ref w).ToArray());
        }

        return [.. all];
    }
}
