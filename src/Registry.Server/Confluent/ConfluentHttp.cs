using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Registry.Engine.Model;
using Registry.Server.Http;

namespace Registry.Server.Confluent;

/// <summary>
/// Reading requests the way Confluent's server (JAX-RS) does, and writing responses. Query parameters: booleans are
/// true only for a case-insensitive "true" (the .NET client sends <c>True</c>/<c>False</c>); integers that do not
/// parse take their default; unknown parameters are ignored (kafkajs sends <c>?name=</c>).
/// </summary>
internal static class ConfluentHttp
{
    public static bool Flag(HttpContext context, string name) =>
        string.Equals(context.Request.Query[name].ToString(), "true", StringComparison.OrdinalIgnoreCase);

    public static int Integer(HttpContext context, string name, int fallback) =>
        int.TryParse(context.Request.Query[name].ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;

    public static string? Text(HttpContext context, string name)
    {
        var value = context.Request.Query[name].ToString();
        return value.Length == 0 ? null : value;
    }

    public static string Route(HttpContext context, string name) => (string)context.Request.RouteValues[name]!;

    /// <summary>
    /// The subject in the path segment at <paramref name="segment"/> (0-based), for a read: a name the registry
    /// could never hold is simply not found.
    /// </summary>
    public static string ReadSubject(HttpContext context, int segment)
    {
        var subject = Subject(context, segment);
        if (SubjectName.Check(subject) is not null)
        {
            ConfluentErrors.Throw(ConfluentErrors.SubjectNotFound, $"Subject '{subject}' not found.");
        }

        return subject;
    }

    /// <summary>The subject in the path, for a write: an unacceptable name is 42208.</summary>
    public static string WriteSubject(HttpContext context, int segment)
    {
        var subject = Subject(context, segment);
        if (SubjectName.Check(subject) is { } problem)
        {
            ConfluentErrors.Throw(ConfluentErrors.InvalidSubject, $"The specified subject '{subject}' is not valid: {problem}");
        }

        return subject;
    }

    /// <summary>
    /// Clients percent-encode subjects (<c>/</c> as <c>%2F</c>, <c>:</c> as <c>%3A</c>). Kestrel decodes every escape
    /// in the path except <c>%2F</c>, so a route value still holding a '%' is ambiguous ("%2F" may have been sent as
    /// "%252F"); then the segment is taken from the raw request target and decoded exactly once.
    /// </summary>
    internal static string Subject(HttpContext context, int segment)
    {
        var value = Route(context, "subject");
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is not null && RawSegment(raw, segment) is { } encoded)
        {
            return Uri.UnescapeDataString(encoded);
        }

        return value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }

    private static string? RawSegment(string target, int segment)
    {
        var path = target.AsSpan();
        var query = path.IndexOf('?');
        if (query >= 0)
        {
            path = path[..query];
        }

        if (!path.StartsWith("/"))
        {
            // Absolute form (http://host/path): skip the scheme and authority.
            var scheme = path.IndexOf("://", StringComparison.Ordinal);
            if (scheme < 0)
            {
                return null;
            }

            var rest = path[(scheme + 3)..];
            var slash = rest.IndexOf('/');
            if (slash < 0)
            {
                return null;
            }

            path = rest[slash..];
        }

        path = path[1..];
        for (var i = 0; i < segment; i++)
        {
            var next = path.IndexOf('/');
            if (next < 0)
            {
                return null;
            }

            path = path[(next + 1)..];
        }

        var end = path.IndexOf('/');
        return (end < 0 ? path : path[..end]).ToString();
    }

    /// <summary>
    /// Reads and parses a JSON body, checked against <paramref name="shape"/> first so that every refusal names the
    /// field in the registry's words. A body that is not JSON or does not fit is a 400, a missing body a 422, as in
    /// Confluent.
    /// </summary>
    public static async Task<T> ReadJsonAsync<T>(HttpContext context, long maxBytes, BodyShape shape, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        using var body = await RequestBody.ReadAsync(context.Request, maxBytes, context.RequestAborted).ConfigureAwait(false);
        if (BodyCheck.Problem(body.Memory.Span, shape, typeInfo.Options.MaxDepth) is { } problem)
        {
            var empty = body.Memory.Span.Trim(" \t\r\n"u8).IsEmpty;
            ConfluentErrors.Throw(empty ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest, problem);
        }

        try
        {
            return JsonSerializer.Deserialize(body.Memory.Span, typeInfo)
                ?? ConfluentErrors.Throw<T>(StatusCodes.Status422UnprocessableEntity, $"The request body is null; {shape.What} is {shape.Summary()}.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            return ConfluentErrors.Throw<T>(StatusCodes.Status400BadRequest, RequestBody.Unreadable(e, shape));
        }
    }

    /// <summary>
    /// As <see cref="ReadJsonAsync"/>, and the names of the members the body's object holds (null ones included), for
    /// bodies where a member left out means "unchanged" and a member sent as null means "cleared".
    /// </summary>
    public static async Task<(T Value, HashSet<string> Members)> ReadJsonWithMembersAsync<T>(HttpContext context, long maxBytes, BodyShape shape, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        using var body = await RequestBody.ReadAsync(context.Request, maxBytes, context.RequestAborted).ConfigureAwait(false);
        if (BodyCheck.Problem(body.Memory.Span, shape, typeInfo.Options.MaxDepth) is { } problem)
        {
            var empty = body.Memory.Span.Trim(" \t\r\n"u8).IsEmpty;
            ConfluentErrors.Throw(empty ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest, problem);
        }

        try
        {
            var members = Members(body.Memory.Span);
            var value = JsonSerializer.Deserialize(body.Memory.Span, typeInfo)
                ?? ConfluentErrors.Throw<T>(StatusCodes.Status422UnprocessableEntity, $"The request body is null; {shape.What} is {shape.Summary()}.");
            return (value, members);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            return ConfluentErrors.Throw<(T, HashSet<string>)>(StatusCodes.Status400BadRequest, RequestBody.Unreadable(e, shape));
        }
    }

    /// <summary>The names of the top-level members of a JSON object (already checked to be one).</summary>
    private static HashSet<string> Members(ReadOnlySpan<byte> json)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                members.Add(reader.GetString()!);
                reader.Read();
                reader.Skip();
            }
        }

        return members;
    }

    public static Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo) =>
        WriteBytesAsync(context, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    /// <summary>Writes a 200 body. The content type was negotiated before the endpoint ran.</summary>
    public static Task WriteBytesAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = body.Length;
        var flush = context.Response.BodyWriter.WriteAsync(body, context.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    /// <summary>A bare JSON integer (the answer of a version deletion).</summary>
    public static Task WriteIntegerAsync(HttpContext context, long value) =>
        WriteBytesAsync(context, System.Text.Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
}
