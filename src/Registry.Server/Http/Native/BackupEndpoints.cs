using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Registry.Engine;
using Registry.Engine.Services;
using Registry.Engine.Services.Backup;
using Registry.Server.Hosting;

namespace Registry.Server.Http.Native;

/// <summary>
/// Backup and restore of the whole registry (<c>docs/backup.md</c>): <c>GET /v1/export</c> streams the backup as the
/// store is read; <c>POST /v1/import</c> streams one in, into one store transaction that commits only when the whole
/// body checked out. Neither holds the backup in memory.
/// </summary>
internal static class BackupEndpoints
{
    public static void MapBackupEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/export", Export)
            .WithName("ExportRegistry")
            .WithSummary("The whole registry as a backup (JSON lines with a manifest of SHA-256 checksums), streamed from one snapshot of the store.")
            .Produces(StatusCodes.Status200OK, contentType: BackupFormat.MediaType).ProducesErrors(422, 503);

        api.MapPost("/import", Import)
            .WithName("ImportRegistry")
            .WithSummary("Restores a backup with its ids, versions and states: into an empty registry, or merged with merge=true; verify=true checks it and writes nothing.")
            .Produces<RestoreResponse>().ProducesErrors(400, 409, 413, 415, 422, 503)
            .Query("merge", "verify");
    }

    private static async Task Export(HttpContext http, SchemaRegistry registry, CancellationToken ct)
    {
        var response = http.Response;
        response.ContentType = BackupFormat.MediaType;
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        response.Headers.ContentDisposition = $"attachment; filename=\"registry-{stamp}.jsonl\"";

        // Written as the store is read. A failure after the first bytes aborts the response: the client is left with a
        // backup that has no manifest, which every reader refuses.
        await registry.ExportAsync(response.Body, ct).ConfigureAwait(false);
    }

    private static async Task<IResult> Import(HttpRequest request, string? merge, string? verify, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        var restore = new RestoreOptions(QueryValues.Flag(merge, "merge"), QueryValues.Flag(verify, "verify"));
        if (!IsBackup(request.ContentType))
        {
            throw new HttpApiException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                $"The body must be a registry backup (Content-Type: {BackupFormat.MediaType}), not '{request.ContentType ?? "(none)"}'.");
        }

        var limit = options.HttpApi.MaxImportBodyBytes;
        if (request.ContentLength > limit)
        {
            throw new RegistryException(RegistryErrorCode.TooLarge, $"The backup is larger than {limit.ToString(CultureInfo.InvariantCulture)} bytes (Registry:HttpApi:MaxImportBodyBytes).");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        RestoreSummary summary;
        try
        {
            summary = await registry.ImportAsync(request.Body, restore, ct).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.InnerException is BadHttpRequestException bad)
        {
            // The body broke the HTTP rules (over the size limit: 413; bad framing: 400): Kestrel's own status.
            throw new HttpApiException(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "too_large" : "malformed_request",
                $"The backup could not be read: {bad.Message}");
        }
        catch (RegistryException e) when (e.InnerException is ConnectionResetException && request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw new OperationCanceledException("The client went away.", e, request.HttpContext.RequestAborted);
        }

        var backup = summary.Backup;
        return TypedResults.Json(new RestoreResponse(
            summary.Restored,
            restore.VerifyOnly,
            summary.RegistryWasEmpty,
            summary.Written,
            summary.Kept,
            new BackupCounts(backup.Schemas, backup.Subjects, backup.Versions, backup.Configs, backup.Aliases, backup.AliasMoves, backup.Bytes)), BackupJsonContext.Default.RestoreResponse);
    }

    private static bool IsBackup(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.HasValue)
        {
            return false;
        }

        var type = media.MediaType.Value!;
        return type.Equals(BackupFormat.MediaType, StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>What a restore did.</summary>
/// <param name="Restored">True when the backup was written and committed.</param>
/// <param name="Verified">True when this was a verification only (nothing written).</param>
/// <param name="RegistryWasEmpty">True when the registry held no schema and no subject before.</param>
/// <param name="Written">Records written (for a verification: that would be written).</param>
/// <param name="Kept">Records the registry already held as the backup has them (merge).</param>
/// <param name="Backup">What the backup holds.</param>
internal sealed record RestoreResponse(bool Restored, bool Verified, bool RegistryWasEmpty, long Written, long Kept, BackupCounts Backup);

/// <summary>Records in a backup, by section, and its size.</summary>
/// <param name="Schemas">Schema ids.</param>
/// <param name="Subjects">Subjects.</param>
/// <param name="Versions">Versions.</param>
/// <param name="Configs">Configuration scopes.</param>
/// <param name="Aliases">Aliases.</param>
/// <param name="AliasHistory">Entries of alias histories.</param>
/// <param name="Bytes">Bytes.</param>
internal sealed record BackupCounts(long Schemas, long Subjects, long Versions, long Configs, long Aliases, long AliasHistory, long Bytes);

/// <summary>Source-generated serialisation of the restore answer.</summary>
[JsonSerializable(typeof(RestoreResponse))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class BackupJsonContext : JsonSerializerContext;
