using System.Text;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>JSON pointers as the checker prints them: a URI fragment such as <c>#/properties/a~1b</c>.</summary>
internal static class JsonPointer
{
    /// <summary>Appends one reference token, escaping <c>~</c> and <c>/</c>.</summary>
    public static string Append(string location, string token)
    {
        if (token.AsSpan().IndexOfAny('~', '/') < 0)
        {
            return string.Concat(location, "/", token);
        }

        var builder = new StringBuilder(location.Length + token.Length + 8);
        builder.Append(location).Append('/');
        foreach (var c in token)
        {
            _ = c switch
            {
                '~' => builder.Append("~0"),
                '/' => builder.Append("~1"),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>Appends two reference tokens (a keyword and a name under it).</summary>
    public static string Append(string location, string keyword, string name)
        => keyword.AsSpan().IndexOfAny('~', '/') < 0 && name.AsSpan().IndexOfAny('~', '/') < 0
            ? string.Concat([location, "/", keyword, "/", name])
            : Append(Append(location, keyword), name);

    public static string Append(string location, int index) => Append(location, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
