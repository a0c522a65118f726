using System.Text;

namespace Registry.Schemas.Validation.Formats;

/// <summary>RFC 5321 mailboxes (<c>email</c>) and their RFC 6531 internationalised form (<c>idn-email</c>).</summary>
internal static class EmailFormat
{
    public static bool IsEmail(ReadOnlySpan<byte> utf8, bool international)
    {
        string s;
        try
        {
            s = Encoding.UTF8.GetString(utf8);
        }
        catch (ArgumentException)
        {
            return false;
        }

        var at = LocalPartEnd(s, international);
        if (at <= 0 || at >= s.Length - 1 || s[at] != '@')
        {
            return false;
        }

        var domain = s[(at + 1)..];
        if (domain.StartsWith('[') && domain.EndsWith(']'))
        {
            var literal = domain[1..^1];
            return literal.StartsWith("IPv6:", StringComparison.Ordinal)
                ? IpFormats.IsIPv6(Encoding.ASCII.GetBytes(literal[5..]))
                : IpFormats.IsIPv4(Encoding.ASCII.GetBytes(literal));
        }

        return HostnameFormat.IsHostname(Encoding.UTF8.GetBytes(domain), international);
    }

    /// <summary>The index of the '@' after a valid local part, or -1.</summary>
    private static int LocalPartEnd(string s, bool international)
    {
        if (s.Length == 0)
        {
            return -1;
        }

        if (s[0] == '"')
        {
            for (var i = 1; i < s.Length; i++)
            {
                var c = s[i];
                if (c == '\\')
                {
                    i++;
                    continue;
                }

                if (c == '"')
                {
                    return i > 1 && i + 1 < s.Length ? i + 1 : -1;
                }

                if (c < 0x20 && c != '\t')
                {
                    return -1;
                }

                if (c > 0x7E && !international)
                {
                    return -1;
                }
            }

            return -1;
        }

        var previousDot = true; // no leading dot
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '@')
            {
                return previousDot ? -1 : i;
            }

            if (c == '.')
            {
                if (previousDot)
                {
                    return -1;
                }

                previousDot = true;
                continue;
            }

            previousDot = false;
            if (!IsAtext(c, international))
            {
                return -1;
            }
        }

        return -1;
    }

    private static bool IsAtext(char c, bool international)
        => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal)
           || (international && c > 0x7F && c != '\uFF20');
}
