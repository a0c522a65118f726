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
/// each of N connections (one blocking thread each) sends a pre-encoded batch of <c>depth</c> GET_SCHEMA_BY_ID frames
/// in one write, reads until <c>depth</c> response frames have come, records the batch's round trip for each of them,
/// and sends the next batch. With <c>--rate</c>, each connection sends its batches on a fixed schedule instead and the
/// latency counts from when a batch was due (no coordinated omission).
/// </summary>
internal static class RawRun
{
    private const long HighestNs = 60_000_000_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var o = LoadOptions.Parse(args.Where(a => a != "--raw").ToArray());
        var endpoint = IPEndPoint.Parse(o.Endpoint);
        int schemaId;
        await using (var client = new RegistryClient(new RegistryClientOptions { Endpoints = [o.Endpoint], PoolSize = 1 }))
        {
            schemaId = (await client.RegisterAsync($"load.get.{o.PayloadBytes}", LoadRun.SchemaOfSize(o.PayloadBytes))).SchemaId;
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
                    // Batches per second per connection at a fixed rate; 0: as fast as answers come.
                    var interval = o.Rate > 0 ? (long)(Stopwatch.Frequency * o.Depth * o.Connections / o.Rate) : 0;
                    var due = Stopwatch.GetTimestamp();
                    long done = 0;
                    while (true)
                    {
                        if (interval > 0)
                        {
                            due += interval;
                            while (Stopwatch.GetTimestamp() < due)
                            {
                                Thread.SpinWait(20);
                            }
                        }

                        var started = interval > 0 ? due : Stopwatch.GetTimestamp();
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
