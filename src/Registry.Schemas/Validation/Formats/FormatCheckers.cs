using System.Text;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Validation.Formats;

/// <summary>The <c>format</c> assertions, by name. ASCII formats work on the UTF-8 bytes directly.</summary>
internal static class FormatCheckers
{
    /// <summary>The checker of a format, or null when the format is unknown (unknown formats always pass).</summary>
    public static Func<ReadOnlySpan<byte>, bool>? Get(string name, JsonSchemaDraft draft) => name switch
    {
        "date-time" => DateTimeFormats.IsDateTime,
        "date" => DateTimeFormats.IsDate,
        "time" => DateTimeFormats.IsTime,
        "duration" => DateTimeFormats.IsDuration,
        "email" => static s => EmailFormat.IsEmail(s, international: false),
        "idn-email" => static s => EmailFormat.IsEmail(s, international: true),
        "hostname" => draft >= JsonSchemaDraft.Draft7
            ? static s => HostnameFormat.IsHostname(s, international: false)
            : HostnameFormat.IsRfc1123Hostname,
        "idn-hostname" => static s => HostnameFormat.IsHostname(s, international: true),
        "ipv4" => static s => IpFormats.IsIPv4(s),
        "ipv6" => static s => IpFormats.IsIPv6(s),
        "uri" => static s => UriFormats.Check(s, absolute: true, international: false),
        "uri-reference" => static s => UriFormats.Check(s, absolute: false, international: false),
        "iri" => static s => UriFormats.Check(s, absolute: true, international: true),
        "iri-reference" => static s => UriFormats.Check(s, absolute: false, international: true),
        "uri-template" => UriFormats.IsUriTemplate,
        "uuid" => IsUuid,
        "json-pointer" => static s => IsJsonPointer(s),
        "relative-json-pointer" => IsRelativeJsonPointer,
        "regex" => static s => EcmaPattern.IsUnicodePattern(Encoding.UTF8.GetString(s)),
        _ => null,
    };

    /// <summary>Draft 7 content assertion: the string decodes with its encoding and parses as its media type.</summary>
    public static bool IsContent(ReadOnlySpan<byte> s, bool base64, bool json)
    {
        byte[]? rented = null;
        try
        {
            if (base64)
            {
                rented = System.Buffers.ArrayPool<byte>.Shared.Rent(System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(s.Length));
                if (System.Buffers.Text.Base64.DecodeFromUtf8(s, rented, out var consumed, out var written) != System.Buffers.OperationStatus.Done
                    || consumed != s.Length)
                {
                    return false;
                }

                s = rented.AsSpan(0, written);
            }

            if (json)
            {
                try
                {
                    var reader = new System.Text.Json.Utf8JsonReader(s);
                    while (reader.Read())
                    {
                    }

                    return reader.BytesConsumed > 0;
                }
                catch (System.Text.Json.JsonException)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool IsUuid(ReadOnlySpan<byte> s)
    {
        if (s.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < 36; i++)
        {
            if (i is 8 or 13 or 18 or 23)
            {
                if (s[i] != '-')
                {
                    return false;
                }
            }
            else if (!char.IsAsciiHexDigit((char)s[i]))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsJsonPointer(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            return true;
        }

        if (s[0] != '/')
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '~' && (i + 1 >= s.Length || s[i + 1] is not ((byte)'0' or (byte)'1')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsRelativeJsonPointer(ReadOnlySpan<byte> s)
    {
        var i = 0;
        while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9')
        {
            i++;
        }

        if (i == 0 || (i > 1 && s[0] == '0'))
        {
            return false;
        }

        var rest = s[i..];
        return (rest.Length == 1 && rest[0] == '#') || IsJsonPointer(rest);
    }
}
