namespace Registry.Schemas.Validation.Formats;

/// <summary>Dotted-quad IPv4 (RFC 2673, no leading zeros) and RFC 4291 IPv6 text forms (no zone, no prefix).</summary>
internal static class IpFormats
{
    public static bool IsIPv4(ReadOnlySpan<byte> s)
    {
        var parts = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            var value = 0;
            while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9' && i - start < 3)
            {
                value = (value * 10) + (s[i] - '0');
                i++;
            }

            var length = i - start;
            if (length == 0 || value > 255 || (length > 1 && s[start] == '0'))
            {
                return false;
            }

            parts++;
            if (i == s.Length)
            {
                return parts == 4;
            }

            if (s[i] != '.' || parts == 4)
            {
                return false;
            }

            i++;
        }
    }

    public static bool IsIPv6(ReadOnlySpan<byte> s)
    {
        if (s.Length < 2)
        {
            return false;
        }

        var groups = 0;
        var compressed = false;
        var i = 0;
        if (s[0] == ':')
        {
            if (s[1] != ':')
            {
                return false;
            }

            compressed = true;
            i = 2;
            if (i == s.Length)
            {
                return true;
            }
        }

        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiHexDigit((char)s[i]) && i - start < 5)
            {
                i++;
            }

            if (i < s.Length && s[i] == '.')
            {
                // An embedded IPv4 address ends the address and counts as two groups.
                return IsIPv4(s[start..]) && (compressed ? groups + 2 <= 7 : groups + 2 == 8);
            }

            var length = i - start;
            if (length is 0 or > 4)
            {
                return false;
            }

            groups++;
            if (i == s.Length)
            {
                break;
            }

            if (s[i] != ':')
            {
                return false;
            }

            i++;
            if (i < s.Length && s[i] == ':')
            {
                if (compressed)
                {
                    return false;
                }

                compressed = true;
                i++;
                if (i == s.Length)
                {
                    break;
                }
            }
            else if (i == s.Length)
            {
                return false; // trailing single colon
            }
        }

        return compressed ? groups <= 7 : groups == 8;
    }
}
