using System.Collections.Frozen;
using Microsoft.AspNetCore.Routing.Patterns;
using Registry.Engine.Security;

namespace Registry.Server.Security;

/// <summary>What an HTTP endpoint does, for the authorisation rule; <see cref="IsPublic"/> endpoints need no credentials.</summary>
/// <param name="Operation">The operation.</param>
/// <param name="IsPublic">Health and the OpenAPI document.</param>
/// <param name="HardDeleteWhenPermanent">A delete that becomes a hard delete with <c>permanent</c> set to anything but <c>false</c>.</param>
internal readonly record struct HttpOperation(SecuredOperation Operation, bool IsPublic = false, bool HardDeleteWhenPermanent = false);

/// <summary>
/// The table of every HTTP endpoint of both APIs (method and route pattern) and the operation it is, with the subject
/// taken from the route. The adapters' only part in authorisation: the decision is <see cref="Authorizer"/>'s. An
/// endpoint missing here is admin-only (fail closed); tests/Registry.Server.Tests/Security checks that none is missing.
/// </summary>
internal static class HttpOperations
{
    private static readonly HttpOperation Public = new(SecuredOperation.Read, IsPublic: true);
    private static readonly HttpOperation Read = new(SecuredOperation.Read);
    private static readonly HttpOperation Validate = new(SecuredOperation.Validate);
    private static readonly HttpOperation Register = new(SecuredOperation.Register);
    private static readonly HttpOperation Lifecycle = new(SecuredOperation.Lifecycle);
    private static readonly HttpOperation Delete = new(SecuredOperation.Delete, HardDeleteWhenPermanent: true);
    private static readonly HttpOperation SubjectConfig = new(SecuredOperation.SubjectConfig);
    private static readonly HttpOperation GlobalConfig = new(SecuredOperation.GlobalConfig);
    private static readonly HttpOperation Keys = new(SecuredOperation.ManageKeys);
    private static readonly HttpOperation Audit = new(SecuredOperation.ReadAudit);

    /// <summary>Endpoints not in the table: only an admin may call them.</summary>
    public static readonly HttpOperation Unlisted = new(SecuredOperation.GlobalConfig);

    /// <summary>"METHOD pattern" → operation.</summary>
    public static FrozenDictionary<string, HttpOperation> Table { get; } = new Dictionary<string, HttpOperation>(StringComparer.Ordinal)
    {
        // Outside both APIs.
        ["GET /health"] = Public,
        ["GET /health/live"] = Public,
        ["GET /health/ready"] = Public,
        ["GET /metrics"] = Public,
        ["GET /v1/export"] = Read,
        ["POST /v1/import"] = GlobalConfig,
        ["GET /openapi/{documentName}.json"] = Public,
        ["GET /v1/stats"] = Read,

        // Native API.
        ["GET /v1/subjects"] = Read,
        ["GET /v1/subjects/{subject}/versions"] = Read,
        ["POST /v1/subjects/{subject}/versions"] = Register,
        ["GET /v1/subjects/{subject}/versions/{version}"] = Read,
        ["GET /v1/subjects/{subject}/versions/{version}/schema"] = Read,
        ["GET /v1/subjects/{subject}/versions/{version}/referenced-by"] = Read,
        ["GET /v1/subjects/{subject}/versions/{version}/tool"] = Read,
        ["GET /v1/subjects/{subject}/aliases"] = Read,
        ["GET /v1/subjects/{subject}/aliases/{alias}"] = Read,
        ["PUT /v1/subjects/{subject}/aliases/{alias}"] = Lifecycle,
        ["DELETE /v1/subjects/{subject}/aliases/{alias}"] = Lifecycle,
        ["GET /v1/subjects/{subject}/aliases/{alias}/history"] = Read,
        ["GET /v1/bundles/{alias}"] = Read,
        ["POST /v1/tools/convert"] = Validate,
        ["PUT /v1/subjects/{subject}/versions/{version}/state"] = Lifecycle,
        ["PUT /v1/subjects/{subject}/versions/{version}/metadata"] = Lifecycle,
        ["DELETE /v1/subjects/{subject}/versions/{version}"] = Delete,
        ["DELETE /v1/subjects/{subject}"] = Delete,
        ["POST /v1/subjects/{subject}/lookup"] = Read,
        ["POST /v1/subjects/{subject}/compatibility"] = Validate,
        ["GET /v1/schemas/{id}"] = Read,
        ["GET /v1/schemas/{id}/schema"] = Read,
        ["GET /v1/schemas/{id}/versions"] = Read,
        ["GET /v1/config"] = Read,
        ["PUT /v1/config"] = GlobalConfig,
        ["GET /v1/config/{subject}"] = Read,
        ["PUT /v1/config/{subject}"] = SubjectConfig,
        ["DELETE /v1/config/{subject}"] = SubjectConfig,
        ["GET /v1/mode"] = Read,
        ["PUT /v1/mode"] = GlobalConfig,
        ["GET /v1/mode/{subject}"] = Read,
        ["PUT /v1/mode/{subject}"] = SubjectConfig,
        ["DELETE /v1/mode/{subject}"] = SubjectConfig,
        ["POST /v1/schemas/{id}/validate"] = Validate,
        ["POST /v1/schemas/{id}/validate/batch"] = Validate,
        ["POST /v1/subjects/{subject}/versions/{version}/validate"] = Validate,
        ["POST /v1/subjects/{subject}/versions/{version}/render"] = Validate,
        ["POST /v1/subjects/{subject}/versions/{version}/validate/batch"] = Validate,
        ["POST /v1/subjects/{subject}/versions/{version}/check-output"] = Validate,
        ["POST /v1/schemas/{id}/check-output"] = Validate,
        ["POST /v1/subjects/{subject}/versions/{version}/check-stream"] = Validate,
        ["POST /v1/schemas/{id}/check-stream"] = Validate,
        ["GET /v1/profiles"] = Read,
        ["POST /v1/lint"] = Validate,
        ["POST /v1/subjects/{subject}/versions/{version}/lint"] = Validate,
        ["POST /v1/transform"] = Validate,
        ["POST /v1/subjects/{subject}/versions/{version}/transform"] = Validate,
        ["GET /v1/config/{subject}/profiles"] = Read,
        ["PUT /v1/config/{subject}/profiles"] = SubjectConfig,
        ["DELETE /v1/config/{subject}/profiles"] = SubjectConfig,
        ["GET /v1/toolsets"] = Read,
        ["GET /v1/toolsets/{name}"] = Read,
        ["PUT /v1/toolsets/{name}"] = SubjectConfig,
        ["DELETE /v1/toolsets/{name}"] = SubjectConfig,
        ["POST /v1/toolsets/{name}/check"] = Validate,
        ["POST /v1/keys"] = Keys,
        ["GET /v1/keys"] = Keys,
        ["GET /v1/keys/{keyId}"] = Keys,
        ["DELETE /v1/keys/{keyId}"] = Keys,
        ["GET /v1/audit"] = Audit,
        ["GET /v1/audit/verify"] = Audit,

        // Confluent API.
        ["GET /"] = Read,
        ["POST /"] = Read,
        ["GET /subjects"] = Read,
        ["POST /subjects/{subject}"] = Read,
        ["DELETE /subjects/{subject}"] = Delete,
        ["GET /subjects/{subject}/metadata"] = Read,
        ["GET /subjects/{subject}/versions"] = Read,
        ["POST /subjects/{subject}/versions"] = Register,
        ["GET /subjects/{subject}/versions/{version}"] = Read,
        ["DELETE /subjects/{subject}/versions/{version}"] = Delete,
        ["GET /subjects/{subject}/versions/{version}/schema"] = Read,
        ["GET /subjects/{subject}/versions/{version}/referencedby"] = Read,
        ["GET /schemas"] = Read,
        ["GET /schemas/types"] = Read,
        ["GET /schemas/ids/{id}"] = Read,
        ["GET /schemas/ids/{id}/schema"] = Read,
        ["GET /schemas/ids/{id}/subjects"] = Read,
        ["GET /schemas/ids/{id}/versions"] = Read,
        ["POST /compatibility/subjects/{subject}/versions/{version}"] = Validate,
        ["POST /compatibility/subjects/{subject}/versions"] = Validate,
        ["GET /config"] = Read,
        ["PUT /config"] = GlobalConfig,
        ["DELETE /config"] = GlobalConfig,
        ["GET /config/{subject}"] = Read,
        ["PUT /config/{subject}"] = SubjectConfig,
        ["DELETE /config/{subject}"] = SubjectConfig,
        ["GET /mode"] = Read,
        ["PUT /mode"] = GlobalConfig,
        ["DELETE /mode"] = GlobalConfig,
        ["GET /mode/{subject}"] = Read,
        ["PUT /mode/{subject}"] = SubjectConfig,
        ["DELETE /mode/{subject}"] = SubjectConfig,
        ["GET /contexts"] = Read,
        ["GET /v1/metadata/id"] = Read,
        ["GET /v1/metadata/version"] = Read,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The key of an endpoint in <see cref="Table"/>.</summary>
    public static string Key(string method, RoutePattern pattern) => method + " " + Pattern(pattern);

    /// <summary>The route pattern as the table writes it (leading '/', no trailing one).</summary>
    public static string Pattern(RoutePattern pattern)
    {
        var text = pattern.RawText ?? string.Empty;
        text = text.StartsWith('/') ? text : "/" + text;
        return text.Length > 1 ? text.TrimEnd('/') : text;
    }

    /// <summary>The operation and subject of a request routed to <paramref name="endpoint"/>.</summary>
    public static (SecuredOperation Operation, bool IsPublic, string? Subject) Classify(HttpContext context, RouteEndpoint endpoint)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsHead(method))
        {
            method = HttpMethods.Get;
        }

        var found = Table.TryGetValue(Key(method, endpoint.RoutePattern), out var operation) ? operation : Unlisted;
        var kind = found.HardDeleteWhenPermanent && IsPermanent(context) ? SecuredOperation.HardDelete : found.Operation;
        return (kind, found.IsPublic, Subject(context, endpoint.RoutePattern));
    }

    /// <summary>Fail closed: any value of <c>permanent</c> but <c>false</c> (or none) is a hard delete for authorisation.</summary>
    private static bool IsPermanent(HttpContext context)
    {
        var values = context.Request.Query["permanent"];
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value) && !value.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The subject named by the route, decoded as the handlers decode it (the grant must be judged on the name the
    /// engine will act on): the native API turns the <c>%2F</c> Kestrel leaves in a route value into '/'
    /// (SubjectPath); the Confluent API, when a '%' remains, decodes the raw segment once (ConfluentHttp).
    /// </summary>
    private static string? Subject(HttpContext context, RoutePattern pattern)
    {
        // A tool set is not a subject, but its writes are judged like a subject's config: on the set's name, which a
        // developer's grants must cover.
        if (context.Request.RouteValues["subject"] is not string value)
        {
            return Pattern(pattern).StartsWith("/v1/toolsets/", StringComparison.Ordinal) ? context.Request.RouteValues["name"] as string : null;
        }

        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        if (Pattern(pattern).StartsWith("/v1/", StringComparison.Ordinal))
        {
            return Http.Native.SubjectPath.Decode(value);
        }

        for (var i = 0; i < pattern.PathSegments.Count; i++)
        {
            foreach (var part in pattern.PathSegments[i].Parts)
            {
                if (part is RoutePatternParameterPart { Name: "subject" })
                {
                    return Confluent.ConfluentHttp.Subject(context, i);
                }
            }
        }

        return value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }
}
