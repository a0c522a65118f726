using Microsoft.AspNetCore.Http.Features;

namespace Registry.Server.Http;

/// <summary>
/// The query parameters an endpoint reads. An endpoint that carries this metadata refuses any other parameter with a
/// 400 that lists these, rather than silently ignoring it (a misspelt filter would otherwise return everything).
/// </summary>
internal sealed class KnownQuery(params string[] names)
{
    public IReadOnlyList<string> Names { get; } = names;

    public bool Contains(string name)
    {
        foreach (var known in Names)
        {
            if (string.Equals(known, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why the request's query does not fit, or null.</summary>
    public string? Problem(HttpRequest request)
    {
        foreach (var key in request.Query.Keys)
        {
            if (Contains(key))
            {
                continue;
            }

            var route = $"{request.Method} {(request.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? request.Path.Value}";
            if (Names.Count == 0)
            {
                return $"Unknown query parameter '{BodyCheck.Quote(key)}': {route} takes no query parameters.";
            }

            var list = string.Join(", ", Names);
            var shape = new BodyShape(string.Empty, UnknownFields.Refuse, [.. Names.Select(static n => new BodyField(n, FieldKind.String))]);
            return shape.Suggest(key, typos: true) is { } suggestion
                ? $"Unknown query parameter '{BodyCheck.Quote(key)}'; did you mean '{suggestion}'? {route} knows: {list}."
                : $"Unknown query parameter '{BodyCheck.Quote(key)}'; {route} knows: {list}.";
        }

        return null;
    }
}

/// <summary>Conventions of the HTTP APIs' routes, for endpoint definitions and for the answers to unmatched requests.</summary>
internal static class RouteConventions
{
    /// <summary>Declares the query parameters the endpoint reads; any other is refused (see <see cref="KnownQuery"/>).</summary>
    public static TBuilder Query<TBuilder>(this TBuilder builder, params string[] names)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new KnownQuery(names));

    /// <summary>
    /// For a request that matched no route: when the path would match with some of its '/' read as part of a subject
    /// name, the path with those encoded as <c>%2F</c>; otherwise null. <paramref name="prefix"/> is the API's root
    /// (<c>/v1</c> or empty).
    /// </summary>
    public static string? EncodedSubjectPath(HttpContext context, string prefix)
    {
        var path = RawPath(context);
        if (!path.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var segments = path[(prefix.Length + 1)..].Split('/');
        var start = segments.Length > 2 && segments[0] == "compatibility" && segments[1] == "subjects" ? 2
            : segments.Length > 1 && segments[0] is "subjects" or "config" or "mode" ? 1
            : -1;
        if (start < 0 || segments.Length - start < 2)
        {
            return null;
        }

        // The subject runs up to the first word that follows a subject in some route.
        var end = segments.Length;
        if (segments[0] != "config" && segments[0] != "mode")
        {
            for (var i = start + 1; i < segments.Length; i++)
            {
                if (segments[i] is "versions" or "lookup" or "compatibility")
                {
                    end = i;
                    break;
                }
            }
        }

        if (end - start < 2)
        {
            return null;
        }

        var subject = string.Join("%2F", segments[start..end]);
        var rest = end < segments.Length ? "/" + string.Join('/', segments[end..]) : string.Empty;
        return $"{prefix}/{string.Join('/', segments[..start])}/{subject}{rest}";
    }

    /// <summary>The message for a request that matched no route, with the <c>%2F</c> hint when it applies.</summary>
    public static string NotFound(HttpContext context, string prefix, string see)
    {
        var request = context.Request;
        var path = RawPath(context);
        if (EncodedSubjectPath(context, prefix) is { } encoded)
        {
            return $"No endpoint matches {request.Method} {BodyCheck.Quote(path)}. A '/' inside a subject name must be encoded as %2F: {BodyCheck.Quote(encoded)}";
        }

        return $"No endpoint matches {request.Method} {BodyCheck.Quote(path)}; {see}";
    }

    /// <summary>The message for a known path asked with a method it does not take; the Allow header is already set.</summary>
    public static string MethodNotAllowed(HttpContext context)
    {
        var allow = context.Response.Headers.Allow.ToString();
        var path = BodyCheck.Quote(RawPath(context));
        return allow.Length == 0
            ? $"{context.Request.Method} is not allowed on {path}."
            : $"{context.Request.Method} is not allowed on {path}; allowed: {allow}.";
    }

    /// <summary>The path as the client sent it (escapes kept), without the query.</summary>
    private static string RawPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return context.Request.PathBase + context.Request.Path;
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? raw : raw[..query];
    }
}
