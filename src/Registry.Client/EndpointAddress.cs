using System.Globalization;
using System.Net;

namespace Registry.Client;

/// <summary>Parses <c>host:port</c>, <c>[v6]:port</c> and bare hosts into endpoints.</summary>
internal static class EndpointAddress
{
    public static EndPoint Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("An endpoint is empty.", nameof(text));
        }

        var host = text.Trim();
        var port = RegistryClientOptions.DefaultPort;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ArgumentException($"Endpoint '{text}': missing ']'.", nameof(text));
            }

            if (close + 1 < host.Length)
            {
                port = ParsePort(text, host.AsSpan(close + 1));
            }

            host = host[1..close];
        }
        else
        {
            var colon = host.LastIndexOf(':');
            if (colon >= 0 && host.IndexOf(':', StringComparison.Ordinal) == colon)
            {
                port = ParsePort(text, host.AsSpan(colon));
                host = host[..colon];
            }
        }

        return IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
    }

    private static int ParsePort(string text, ReadOnlySpan<char> colonAndPort)
    {
        if (colonAndPort.Length < 2 || colonAndPort[0] != ':'
            || !int.TryParse(colonAndPort[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentException($"Endpoint '{text}' is not host:port.", nameof(text));
        }

        return port;
    }
}
