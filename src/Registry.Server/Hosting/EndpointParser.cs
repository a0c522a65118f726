using System.Globalization;
using System.Net;

namespace Registry.Server.Hosting;

/// <summary>Parses listener endpoints written as <c>host:port</c>, <c>[v6]:port</c> or <c>*:port</c>.</summary>
internal static class EndpointParser
{
    public static IPEndPoint Parse(string value, string settingName)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"Setting {settingName} is empty; expected host:port.");
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1
            || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port > IPEndPoint.MaxPort)
        {
            throw new InvalidOperationException($"Setting {settingName} = '{value}' is not host:port.");
        }

        var host = value[..colon].Trim('[', ']');
        IPAddress address;
        if (host is "*" or "0.0.0.0")
        {
            address = IPAddress.Any;
        }
        else if (host == "localhost")
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            throw new InvalidOperationException($"Setting {settingName} = '{value}': '{host}' is not an IP address.");
        }

        return new IPEndPoint(address, port);
    }
}
