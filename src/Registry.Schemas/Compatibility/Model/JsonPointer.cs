using System.Text;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>JSON pointers as the checker prints them: a URI fragment such as <c>#/properties/a~1b</c>.</summary>
internal static class JsonPointer
{
    /// <summary>Appends one reference token, escaping <c>~</c> and <c>/</c>.</summary>
    public static string Append(string location, string token)
    {
        var builder = new StringBuilder(location.Length + token.Length + 1);
        builder.Append(location).Append('/');

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
}
