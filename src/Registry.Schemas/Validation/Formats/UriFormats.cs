using System.Text;

namespace Registry.Schemas.Validation.Formats;

/// <summary>RFC 3986 URIs and references, RFC 3987 IRIs and references, RFC 6570 URI templates (syntax only).</summary>
internal static class UriFormats
{
    private const string SubDelims = "!$&'()*+,;=";

    public static bool Check(ReadOnlySpan<byte> utf8, bool absolute, bool international)
    {
        // Transcoded into scratch, not a string: the check allocates nothing for ordinary lengths.
        char[]? rented = null;
        var buffer = utf8.Length <= 256 ? stackalloc char[256] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(utf8, buffer);
            return Check(buffer[..length], absolute, international);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static bool Check(ReadOnlySpan<char> s, bool absolute, bool international)
    {
        var hash = s.IndexOf('#');
        if (hash >= 0)
        {
            if (!Chars(s[(hash + 1)..], international, "/?:@"))
            {
                return false;
            }

            s = s[..hash];
        }

        var question = s.IndexOf('?');
        if (question >= 0)
        {
            if (!Chars(s[(question + 1)..], international, "/?:@", allowPrivate: true))
            {
                return false;
            }

            s = s[..question];
        }

        var colon = s.IndexOf(':');
        var slash = s.IndexOf('/');
        var hasScheme = colon > 0 && (slash < 0 || colon < slash);
        if (hasScheme)
        {
            if (!IsScheme(s[..colon]))
            {
                return false;
            }

            s = s[(colon + 1)..];
        }
        else if (absolute)
        {
            return false;
        }

        if (s.StartsWith("//"))
        {
            var end = s[2..].IndexOf('/');
            var authority = end < 0 ? s[2..] : s.Slice(2, end);
            if (!Authority(authority, international))
            {
                return false;
            }

            s = end < 0 ? [] : s[(end + 2)..];
        }
        else if (!hasScheme)
        {
            // A relative-path reference: the first segment may not contain a colon.
            var firstSlash = s.IndexOf('/');
            var first = firstSlash < 0 ? s : s[..firstSlash];
            if (first.Contains(':'))
            {
                return false;
            }
        }

        return Chars(s, international, "/:@");
    }

    private static bool IsScheme(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !char.IsAsciiLetter(s[0]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '-' and not '.')
            {
                return false;
            }
        }

        return true;
    }

    private static bool Authority(ReadOnlySpan<char> authority, bool international)
    {
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            if (!Chars(authority[..at], international, ":"))
            {
                return false;
            }

            authority = authority[(at + 1)..];
        }

        ReadOnlySpan<char> host;
        if (authority.StartsWith("["))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            var literal = authority[1..close];
            if (literal.Length > 0 && (literal[0] is 'v' or 'V'))
            {
                var dot = literal.IndexOf('.');
                if (dot < 2 || dot == literal.Length - 1 || !IsHex(literal[1..dot]) || !Chars(literal[(dot + 1)..], false, ":"))
                {
                    return false;
                }
            }
            else if (!IsIPv6(literal))
            {
                return false;
            }

            host = [];
            authority = authority[(close + 1)..];
            if (authority.Length > 0 && authority[0] != ':')
            {
                return false;
            }
        }
        else
        {
            var colon = authority.IndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            authority = colon < 0 ? [] : authority[colon..];
        }

        if (host.Length > 0 && !Chars(host, international, ""))
        {
            return false;
        }

        if (authority.Length > 0)
        {
            foreach (var c in authority[1..])
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsIPv6(ReadOnlySpan<char> literal)
    {
        if (literal.Length > 64)
        {
            return false;
        }

        Span<byte> ascii = stackalloc byte[literal.Length];
        for (var i = 0; i < literal.Length; i++)
        {
            if (literal[i] > 0x7F)
            {
                return false;
            }

            ascii[i] = (byte)literal[i];
        }

        return IpFormats.IsIPv6(ascii);
    }

    /// <summary>Unreserved, percent-encoded, sub-delims and <paramref name="extra"/> (plus ucschar for IRIs).</summary>
    private static bool Chars(ReadOnlySpan<char> s, bool international, string extra, bool allowPrivate = false)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' || SubDelims.Contains(c, StringComparison.Ordinal)
                || extra.Contains(c, StringComparison.Ordinal))
            {
                continue;
            }

            if (c == '%')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
                {
                    return false;
                }

                i += 2;
                continue;
            }

            if (international && c > 0x7F)
            {
                int cp = c;
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    cp = char.ConvertToUtf32(c, s[i + 1]);
                    i++;
                }
                else if (char.IsSurrogate(c))
                {
                    return false;
                }

                if (IsUcschar(cp) || (allowPrivate && IsPrivate(cp)))
                {
                    continue;
                }
            }

            return false;
        }

        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsUcschar(int c) => c is (>= 0xA0 and <= 0xD7FF) or (>= 0xF900 and <= 0xFDCF) or (>= 0xFDF0 and <= 0xFFEF)
        || (c >= 0x10000 && (c & 0xFFFF) <= 0xFFFD && c < 0xE0000) || c is >= 0xE1000 and <= 0xEFFFD;

    private static bool IsPrivate(int c) => c is (>= 0xE000 and <= 0xF8FF) or (>= 0xF0000 and <= 0xFFFFD) or (>= 0x100000 and <= 0x10FFFD);

    public static bool IsUriTemplate(ReadOnlySpan<byte> utf8)
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

        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '{')
            {
                var close = s.IndexOf('}', i + 1);
                if (close < 0 || !IsExpression(s.AsSpan(i + 1, close - i - 1)))
                {
                    return false;
                }

                i = close;
                continue;
            }

            if (c == '}' || c <= 0x20 || c == 0x7F || c is '"' or '<' or '>' or '\\' or '^' or '`' or '|')
            {
                return false;
            }

            if (c == '%' && (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2])))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsExpression(ReadOnlySpan<char> e)
    {
        if (e.IsEmpty)
        {
            return false;
        }

        if ("+#./;?&".Contains(e[0], StringComparison.Ordinal))
        {
            e = e[1..];
        }

        foreach (var range in e.Split(','))
        {
            var spec = e[range];
            if (spec.EndsWith("*"))
            {
                spec = spec[..^1];
            }
            else if (spec.IndexOf(':') is var colon and >= 0)
            {
                var length = spec[(colon + 1)..];
                if (length.IsEmpty || length.Length > 4 || length[0] == '0' || length.ContainsAnyExceptInRange('0', '9'))
                {
                    return false;
                }

                spec = spec[..colon];
            }

            if (!IsVarName(spec))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsVarName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name[0] == '.' || name[^1] == '.')
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '%')
            {
                if (i + 2 >= name.Length || !char.IsAsciiHexDigit(name[i + 1]) || !char.IsAsciiHexDigit(name[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (c == '.')
            {
                if (name[i + 1] == '.')
                {
                    return false;
                }
            }
            else if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
