using System.Net;
using System.Net.Sockets;

namespace Registry.Load;

/// <summary>
/// A plain TCP forwarder (<c>forward listen=target ...</c>): lets a replica in a network namespace reach services that
/// listen on the host's loopback only, so <c>tc netem</c> on the namespace's veth shapes that replica's traffic alone.
/// </summary>
internal static class Forwarder
{
    public static async Task<int> RunAsync(string[] pairs)
    {
        var tasks = new List<Task>();
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=');
            if (parts.Length != 2)
            {
                Console.Error.WriteLine("usage: Registry.Load forward LISTEN_IP:PORT=TARGET_IP:PORT ...");
                return 2;
            }

            var listener = new TcpListener(IPEndPoint.Parse(parts[0]));
            listener.Start(512);
            tasks.Add(AcceptAsync(listener, IPEndPoint.Parse(parts[1])));
        }

        Console.WriteLine("forwarding " + string.Join(", ", pairs));
        await Task.WhenAll(tasks);
        return 0;
    }

    private static async Task AcceptAsync(TcpListener listener, IPEndPoint target)
    {
        while (true)
        {
            var inbound = await listener.AcceptSocketAsync();
            _ = PipeAsync(inbound, target);
        }
    }

    private static async Task PipeAsync(Socket inbound, IPEndPoint target)
    {
        using var a = inbound;
        using var b = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        a.NoDelay = true;
        try
        {
            await b.ConnectAsync(target);
            using var sa = new NetworkStream(a, ownsSocket: false);
            using var sb = new NetworkStream(b, ownsSocket: false);
            await Task.WhenAny(sa.CopyToAsync(sb), sb.CopyToAsync(sa));
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // One side went away: both are closed.
        }
    }
}
