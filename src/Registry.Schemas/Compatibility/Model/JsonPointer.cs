using System.Text;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>JSON pointers as the checker prints them: a URI fragment such as <c>#/properties/a~1b</c>.</summary>
internal static class JsonPointer
{
    /// <summary>Appends one reference token, escaping <c>~</c> and <c>/</c>.</summary>
    public static string Append(string location, string token)
    {
        var builder = new StringBuilder(location.Length + token.Length + 1);
        builder.Append(location);
        if (location.Length == 0 || location[^1] != '/')
        {
            builder.Append('/');
        }

        foreach (var c in token)
        {
            if (c == '~')
            {
                builder.Append("~0");
            }
            else if (c == '/')
            {
                builder.Append("~1");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    public static string Append(string location, int index) => Append(location, index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Splits a fragment pointer (<c>/a/b~1c</c>, percent-decoded first) into unescaped tokens.</summary>
    public static bool TrySplit(string fragment, out string[] tokens)
    {
        tokens = [];
        var decoded = Uri.UnescapeDataString(fragment);
        if (decoded.Length == 0)
        {
            return true;
        }

        if (decoded[0] != '/')
        {
            return false;
        }

        var parts = decoded[1..].Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = parts[i].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        }

        tokens = parts;
        return true;
    }
}
