using System.Text;

namespace Registry.Schemas.Loading;

/// <summary>
/// RFC 3986 reference resolution on strings (section 5.2), so that identifiers compare exactly as written rather than
/// as <see cref="Uri"/> would canonicalise them. Also handles relative bases (a schema without an absolute <c>$id</c>).
/// </summary>
internal static class UriReference
{
    private readonly record struct Parts(string? Scheme, string? Authority, string Path, string? Query, string? Fragment);

    private static Parts Parse(string s)
    {
        string? scheme = null;
        string? authority = null;
        string? query = null;
        string? fragment = null;
        var hash = s.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            fragment = s[(hash + 1)..];
            s = s[..hash];
        }

        var question = s.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            query = s[(question + 1)..];
            s = s[..question];
        }

        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && IsScheme(s.AsSpan(0, colon)))
        {
            scheme = s[..colon];
            s = s[(colon + 1)..];
        }

        if (s.StartsWith("//", StringComparison.Ordinal))
        {
            var slash = s.IndexOf('/', 2);
            authority = slash < 0 ? s[2..] : s[2..slash];
            s = slash < 0 ? "" : s[slash..];
        }

        return new Parts(scheme, authority, s, query, fragment);
    }

    private static bool IsScheme(ReadOnlySpan<char> s)
    {
        if (!char.IsAsciiLetter(s[0]))
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

    /// <summary>Resolves <paramref name="reference"/> against <paramref name="baseUri"/> (which may be empty or relative).</summary>
    public static string Resolve(string baseUri, string reference)
    {
        var r = Parse(reference);
        var b = Parse(baseUri);
        string? scheme, authority, query;
        string path;
        if (r.Scheme is not null)
        {
            scheme = r.Scheme;
            authority = r.Authority;
            path = RemoveDotSegments(r.Path);
            query = r.Query;
        }
        else
        {
            scheme = b.Scheme;
            if (r.Authority is not null)
            {
                authority = r.Authority;
                path = RemoveDotSegments(r.Path);
                query = r.Query;
            }
            else
            {
                authority = b.Authority;
                if (r.Path.Length == 0)
                {
                    path = b.Path;
                    query = r.Query ?? b.Query;
                }
                else
                {
                    if (r.Path.StartsWith('/'))
                    {
                        path = RemoveDotSegments(r.Path);
                    }
                    else
                    {
                        string merged;
                        if (b.Authority is not null && b.Path.Length == 0)
                        {
                            merged = "/" + r.Path;
                        }
                        else
                        {
                            var slash = b.Path.LastIndexOf('/');
                            merged = slash < 0 ? r.Path : b.Path[..(slash + 1)] + r.Path;
                        }

                        path = RemoveDotSegments(merged);
                    }

                    query = r.Query;
                }
            }
        }

        var sb = new StringBuilder();
        if (scheme is not null)
        {
            sb.Append(scheme).Append(':');
        }

        if (authority is not null)
        {
            sb.Append("//").Append(authority);
        }

        sb.Append(path);
        if (query is not null)
        {
            sb.Append('?').Append(query);
        }

        if (r.Fragment is not null)
        {
            sb.Append('#').Append(r.Fragment);
        }

        return sb.ToString();
    }

    private static string RemoveDotSegments(string path)
    {
        if (!path.Contains('.', StringComparison.Ordinal))
        {
            return path;
        }

        var input = path;
        var output = new List<string>();
        var absolute = input.StartsWith('/');
        var segments = input.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var seg = segments[i];
            if (i == 0 && absolute)
            {
                continue;
            }

            if (seg == ".")
            {
                if (i == segments.Length - 1)
                {
                    output.Add("");
                }

                continue;
            }

            if (seg == "..")
            {
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }

                if (i == segments.Length - 1)
                {
                    output.Add("");
                }

                continue;
            }

            output.Add(seg);
        }

        return (absolute ? "/" : "") + string.Join('/', output);
    }

    /// <summary>Splits off the fragment: ("http://x/y", "frag") for "http://x/y#frag"; an absent fragment is "".</summary>
    public static (string Document, string Fragment) SplitFragment(string uri)
    {
        var hash = uri.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? (uri, "") : (uri[..hash], uri[(hash + 1)..]);
    }

    /// <summary>True when the URI has a scheme (can be handed to a resolver).</summary>
    public static bool IsAbsolute(string uri) => Parse(uri).Scheme is not null;

    /// <summary>Decodes %XX escapes (UTF-8) in a fragment.</summary>
    public static string PercentDecode(string s)
    {
        if (!s.Contains('%', StringComparison.Ordinal))
        {
            return s;
        }

        try
        {
            return Uri.UnescapeDataString(s);
        }
        catch (UriFormatException)
        {
            return s;
        }
    }
}
