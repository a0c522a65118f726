using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Registry.Load;

/// <summary>
/// A TCP forwarder (<c>forward [--control DIR] listen=target ...</c>): lets a replica in a network namespace reach
/// services that listen on the host's loopback only, and injects network faults on that replica's path alone where the
/// kernel has no <c>netem</c>. The file <c>DIR/fault.PORT</c> (PORT: the target's) holds the fault for traffic from the
/// replica to that service, read every 100 ms: <c>delay MS</c> (every segment held MS ms, segments overlap as on a
/// slow link), <c>loss PCT</c> (a segment is "lost" with probability PCT and arrives after a retransmission time-out
/// of 200 ms, doubling while it keeps being lost, as TCP would deliver it), <c>drop</c> (a partition: nothing passes,
/// no reset; held data flows when the fault ends). No file: no fault.
/// </summary>
internal static class Forwarder
{
    private static string? s_control;

    public static async Task<int> RunAsync(string[] args)
    {
        var pairs = new List<string>(args);
        if (pairs is ["--control", var dir, ..])
        {
            s_control = dir;
            pairs.RemoveRange(0, 2);
        }

        var tasks = new List<Task>();
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=');
            if (parts.Length != 2)
            {
                Console.Error.WriteLine("usage: Registry.Load forward [--control DIR] LISTEN_IP:PORT=TARGET_IP:PORT ...");
                return 2;
            }

            var listener = new TcpListener(IPEndPoint.Parse(parts[0]));
            listener.Start(512);
            var target = IPEndPoint.Parse(parts[1]);
            var fault = new Fault(s_control is null ? null : Path.Combine(s_control, $"fault.{target.Port}"));
            tasks.Add(fault.PollAsync());
            tasks.Add(AcceptAsync(listener, target, fault));
        }

        Console.WriteLine("forwarding " + string.Join(", ", pairs));
        await Task.WhenAll(tasks);
        return 0;
    }

    /// <summary>The fault currently injected on one path, from its control file.</summary>
    private sealed class Fault(string? file)
    {
        public volatile string Kind = "";
        public volatile int Value;

        public async Task PollAsync()
        {
            while (file is not null)
            {
                try
                {
                    var text = File.Exists(file) ? (await File.ReadAllTextAsync(file)).Trim().Split(' ', 2) : [""];
                    Value = text.Length > 1 ? int.Parse(text[1].TrimEnd('%', 'm', 's'), CultureInfo.InvariantCulture) : 0;
                    Kind = text[0];
                }
                catch (Exception e) when (e is IOException or FormatException)
                {
                    // Half-written file: read it again next time.
                }

                await Task.Delay(100);
            }
        }
    }

    private static async Task AcceptAsync(TcpListener listener, IPEndPoint target, Fault fault)
    {
        while (true)
        {
            var inbound = await listener.AcceptSocketAsync();
            _ = PipeAsync(inbound, target, fault);
        }
    }

    private static async Task PipeAsync(Socket inbound, IPEndPoint target, Fault fault)
    {
        using var a = inbound;
        using var b = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        a.NoDelay = true;
        try
        {
            await b.ConnectAsync(target);
            using var sa = new NetworkStream(a, ownsSocket: false);
            using var sb = new NetworkStream(b, ownsSocket: false);
            await Task.WhenAny(CopyAsync(sa, sb, fault), sb.CopyToAsync(sa));
        }
        catch (Exception e) when (e is SocketException or IOException or ArgumentOutOfRangeException)
        {
            // One side went away: both are closed.
        }
    }

    /// <summary>Replica to service: each segment is due when the fault lets it through; order is kept.</summary>
    private static async Task CopyAsync(Stream from, Stream to, Fault fault)
    {
        var queue = Channel.CreateUnbounded<(byte[] Data, long Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            await foreach (var (data, due) in queue.Reader.ReadAllAsync())
            {
                while (fault.Kind == "drop")
                {
                    await Task.Delay(20);
                }

                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
                }

                await to.WriteAsync(data);
            }
        });
        var buffer = new byte[65536];
        long last = 0;
        while (true)
        {
            var n = await from.ReadAsync(buffer);
            if (n == 0)
            {
                break;
            }

            var due = Stopwatch.GetTimestamp();
            if (fault.Kind == "delay")
            {
                due += fault.Value * Stopwatch.Frequency / 1000;
            }
            else if (fault.Kind == "loss")
            {
                for (var rto = 200; Random.Shared.Next(100) < fault.Value && rto < 60_000; rto *= 2)
                {
                    due += rto * Stopwatch.Frequency / 1000;
                }
            }

            last = Math.Max(last, due);
            queue.Writer.TryWrite((buffer.AsSpan(0, n).ToArray(), last));
        }

        queue.Writer.Complete();
        await writer;
    }
}
