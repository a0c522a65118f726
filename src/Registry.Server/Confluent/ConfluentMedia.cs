using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Registry.Server.Confluent;

/// <summary>
/// Media types of the Confluent API. Responses are <c>application/vnd.schemaregistry.v1+json</c> unless the Accept
/// header prefers one of the other two; request bodies may carry any of the three, <c>application/octet-stream</c>
/// or no type at all (Confluent parses all of them as JSON).
/// </summary>
internal static class ConfluentMedia
{
    public const string V1 = "application/vnd.schemaregistry.v1+json";
    public const string Generic = "application/vnd.schemaregistry+json";
    public const string Json = "application/json";
    private const string OctetStream = "application/octet-stream";

    /// <summary>In the server's order of preference, which breaks ties between equal client qualities.</summary>
    private static readonly string[] Produced = [V1, Generic, Json];

    /// <summary>The response type for an Accept header, or null when it accepts none of the three (406).</summary>
    public static string? Negotiate(StringValues accept)
    {
        if (accept.Count == 0)
        {
            return V1;
        }

        if (accept.Count == 1 && (string.IsNullOrEmpty(accept[0]) || accept[0] == "*/*"))
        {
            return V1;
        }

        if (!MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            // An unreadable Accept header is treated as absent rather than refused.
            return V1;
        }

        string? chosen = null;
        var best = 0.0;
        foreach (var candidate in Produced)
        {
            var quality = Quality(candidate, ranges);
            if (quality > best)
            {
                best = quality;
                chosen = candidate;
            }
        }

        return chosen;
    }

    /// <summary>True when a request body of this type is read as JSON.</summary>
    public static bool IsAcceptedBody(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.HasValue)
        {
            return false;
        }

        var type = media.MediaType.Value;
        return type.Equals(V1, StringComparison.OrdinalIgnoreCase)
            || type.Equals(Generic, StringComparison.OrdinalIgnoreCase)
            || type.Equals(Json, StringComparison.OrdinalIgnoreCase)
            || type.Equals(OctetStream, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The client's quality for <paramref name="candidate"/>: that of the most specific range matching it.</summary>
    private static double Quality(string candidate, IList<MediaTypeHeaderValue> ranges)
    {
        var specificity = -1;
        var quality = 0.0;
        foreach (var range in ranges)
        {
            var type = range.MediaType;
            var level = type.Equals(candidate, StringComparison.OrdinalIgnoreCase) ? 2
                : type.Equals("application/*", StringComparison.OrdinalIgnoreCase) ? 1
                : type.Equals("*/*", StringComparison.Ordinal) ? 0
                : -1;
            if (level > specificity)
            {
                specificity = level;
                quality = range.Quality ?? 1.0;
            }
        }

        return quality;
    }
}
