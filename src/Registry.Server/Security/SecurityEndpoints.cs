using System.Globalization;
using Registry.Engine;
using Registry.Engine.Security;
using Registry.Server.Hosting;
using Registry.Server.Http;

namespace Registry.Server.Security;

/// <summary>
/// Keys and the audit log on the native API (admins only, by <see cref="HttpOperations"/>): <c>POST/GET /v1/keys</c>,
/// <c>GET/DELETE /v1/keys/{keyId}</c>, <c>GET /v1/audit</c>, <c>GET /v1/audit/verify</c>. Mapped whether or not
/// security is enabled: without it there is no principal and they answer 404-free but keys are not checked anywhere.
/// </summary>
internal static class SecurityEndpoints
{
    public static void MapSecurityEndpoints(this WebApplication app)
    {
        var api = app.MapGroup(Http.Native.NativeApi.Prefix).WithTags("security").ExcludeFromDescription().Query();
        api.MapPost("/keys", CreateKey);
        api.MapGet("/keys", ListKeys);
        api.MapGet("/keys/{keyId}", GetKey);
        api.MapDelete("/keys/{keyId}", RevokeKey);
        api.MapGet("/audit", ReadAudit).Query("subject", "principal", "since", "after", "limit");
        api.MapGet("/audit/verify", VerifyAudit);
    }

    private static async Task<IResult> CreateKey(HttpContext context, ApiKeyService keys, AuditRecorder audit, ServerOptions options)
    {
        var ct = context.RequestAborted;
        var model = await RequestBody.ReadModelAsync(context.Request, options.HttpApi.MaxRequestBodyBytes, SecurityJsonContext.KeyBody, SecurityJsonContext.Wire.KeyRequest, ct)
            .ConfigureAwait(false);
        if (!SecurityNames.TryParseRole(model.Role, out var role))
        {
            throw new RegistryException(RegistryErrorCode.InvalidRequest, "role: must be one of admin, developer, service, reader.");
        }

        var principal = HttpSecurity.PrincipalOf(context);
        var created = await keys.CreateAsync(new ApiKeySpec(role, model.Grants ?? [], model.ExpiresAt, model.Description), principal?.Name, ct).ConfigureAwait(false);
        await audit.RecordAsync(KeyEntry(context, principal, "key_create", created.Record.KeyId), CancellationToken.None).ConfigureAwait(false);
        return TypedResults.Json(Model(created.Record) with { Key = created.Key }, SecurityJsonContext.Wire.KeyModel, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListKeys(ApiKeyService keys, CancellationToken ct)
    {
        var list = await keys.ListAsync(ct).ConfigureAwait(false);
        return TypedResults.Json(new KeyListResponse([.. list.Select(Model)]), SecurityJsonContext.Wire.KeyListResponse);
    }

    private static async Task<IResult> GetKey(string keyId, ApiKeyService keys, CancellationToken ct) =>
        await keys.GetAsync(keyId, ct).ConfigureAwait(false) is { } key
            ? TypedResults.Json(Model(key), SecurityJsonContext.Wire.KeyModel)
            : throw NoKey(keyId);

    private static async Task<IResult> RevokeKey(string keyId, HttpContext context, ApiKeyService keys, AuditRecorder audit)
    {
        if (!await keys.RevokeAsync(keyId, context.RequestAborted).ConfigureAwait(false))
        {
            throw NoKey(keyId);
        }

        await audit.RecordAsync(KeyEntry(context, HttpSecurity.PrincipalOf(context), "key_revoke", keyId), CancellationToken.None).ConfigureAwait(false);
        var key = await keys.GetAsync(keyId, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(Model(key!), SecurityJsonContext.Wire.KeyModel);
    }

    private static async Task<IResult> ReadAudit(HttpContext context, AuditRecorder audit)
    {
        var query = context.Request.Query;
        DateTimeOffset? since = null;
        if (query["since"].ToString() is { Length: > 0 } sinceText)
        {
            since = DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw new RegistryException(RegistryErrorCode.InvalidRequest, "since: expected an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z.");
        }

        var after = Number(query["after"].ToString(), "after", 0);
        var limit = (int)Number(query["limit"].ToString(), "limit", 100);
        var rows = await audit.Log.ReadAsync(
            new AuditQuery(Text(query["subject"].ToString()), Text(query["principal"].ToString()), since, after, limit), context.RequestAborted).ConfigureAwait(false);
        var models = rows.Select(static r => new AuditModel
        {
            Sequence = r.Sequence,
            Time = r.Entry.Time,
            Principal = r.Entry.Principal,
            Source = r.Entry.Source,
            Operation = r.Entry.Operation,
            Subject = r.Entry.Subject,
            Version = r.Entry.Version,
            Target = r.Entry.Target,
            Outcome = r.Entry.Outcome,
            Hash = Convert.ToHexStringLower(r.Hash.Span),
        }).ToList();
        return TypedResults.Json(new AuditListResponse(models, rows.Count == limit ? rows[^1].Sequence : null), SecurityJsonContext.Wire.AuditListResponse);
    }

    private static async Task<IResult> VerifyAudit(AuditRecorder audit, CancellationToken ct)
    {
        var result = await audit.Log.VerifyAsync(ct).ConfigureAwait(false);
        return TypedResults.Json(new AuditVerifyResponse(result.Rows, result.Break is null, result.Break?.Sequence, result.Break?.Reason), SecurityJsonContext.Wire.AuditVerifyResponse);
    }

    private static AuditEntry KeyEntry(HttpContext context, Principal? principal, string operation, string keyId) => new()
    {
        Time = DateTimeOffset.UtcNow,
        Principal = principal?.Name ?? "anonymous",
        Source = context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
        Operation = operation,
        Target = keyId,
        Outcome = "ok",
    };

    private static KeyModel Model(ApiKeyRecord key) => new()
    {
        KeyId = key.KeyId,
        Role = SecurityNames.Of(key.Role),
        Grants = key.Grants,
        Description = key.Description,
        CreatedAt = key.CreatedAt,
        CreatedBy = key.CreatedBy,
        ExpiresAt = key.ExpiresAt,
        RevokedAt = key.RevokedAt,
    };

    private static HttpApiException NoKey(string keyId) => new(StatusCodes.Status404NotFound, "key_not_found", $"There is no key {keyId}.");

    private static string? Text(string value) => value.Length == 0 ? null : value;

    private static long Number(string value, string name, long fallback) =>
        value.Length == 0 ? fallback
        : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new RegistryException(RegistryErrorCode.InvalidRequest, $"{name}: expected a non-negative integer.");
}
