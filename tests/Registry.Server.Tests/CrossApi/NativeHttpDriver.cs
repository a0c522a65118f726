using System.Net;
using System.Text.Json;

namespace Registry.Server.Tests.CrossApi;

/// <summary>The native JSON API under <c>/v1</c>, over real HTTP. Refusals are "status error_code".</summary>
public sealed class NativeHttpDriver(HttpClient http) : ApiDriver
{
    public override string Name => "native HTTP";

    public override string CodeFor(Outcome outcome) => outcome switch
    {
        Outcome.Ok => Answer.OkCode,
        Outcome.SubjectNotFound => "404 subject_not_found",
        Outcome.VersionNotFound => "404 version_not_found",
        Outcome.Incompatible => "409 incompatible",
        Outcome.ModeForbids => "422 operation_not_permitted",
        Outcome.IdConflict => "409 id_conflict",
        Outcome.IllegalTransition => "422 illegal_transition",
        Outcome.ReferenceExists => "422 reference_exists",
        Outcome.VersionArchived => "422 version_archived",
        Outcome.InvalidRequest => "400 invalid_request",
        Outcome.TooComplex => "422 too_complex",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public override Task<Answer> RegisterAsync(string subject, string schema, Reference[]? references = null, int? id = null, int? version = null)
    {
        var body = new Dictionary<string, object?> { ["schema"] = JsonDocument.Parse(schema).RootElement };
        if (references is not null)
        {
            body["references"] = references.Select(r => new Dictionary<string, object> { ["name"] = r.Name, ["subject"] = r.Subject, ["version"] = r.Version }).ToList();
        }

        if (id is not null)
        {
            body["id"] = id;
        }

        if (version is not null)
        {
            body["version"] = version;
        }

        return SendAsync(HttpMethod.Post, $"/v1/subjects/{Path(subject)}/versions", Json(body), Identified);
    }

    public override Task<Answer> GetVersionAsync(string subject, int version) =>
        SendAsync(HttpMethod.Get, $"/v1/subjects/{Path(subject)}/versions/{version}", null, Identified);

    public override Task<Answer> DeleteVersionAsync(string subject, int version, bool permanent = false) =>
        SendAsync(HttpMethod.Delete, $"/v1/subjects/{Path(subject)}/versions/{version}{(permanent ? "?permanent=true" : "")}", null, static _ => Answer.Ok());

    public override Task<Answer> SetModeAsync(string? subject, string mode) =>
        SendAsync(HttpMethod.Put, subject is null ? "/v1/mode" : $"/v1/mode/{Path(subject)}", Json(new Dictionary<string, object?> { ["mode"] = mode }), static _ => Answer.Ok());

    public override Task<Answer> SetLevelAsync(string? subject, string level) =>
        SendAsync(HttpMethod.Put, subject is null ? "/v1/config" : $"/v1/config/{Path(subject)}",
            Json(new Dictionary<string, object?> { ["compatibility"] = level }), static _ => Answer.Ok());

    public override Task<Answer> ChangeStateAsync(string subject, int version, string state) =>
        SendAsync(HttpMethod.Put, $"/v1/subjects/{Path(subject)}/versions/{version}/state", Json(new Dictionary<string, object?> { ["state"] = state }), Identified);

    public override Task<Answer> ValidateAsync(string subject, int version, string document) =>
        SendAsync(HttpMethod.Post, $"/v1/subjects/{Path(subject)}/versions/{version}/validate", document, Validated);

    public override Task<Answer> ValidateByIdAsync(long schemaId, string document) =>
        SendAsync(HttpMethod.Post, $"/v1/schemas/{schemaId}/validate", document, Validated);

    private static Answer Identified(JsonElement body) => Answer.Ok(body.GetProperty("id").GetInt64(), body.GetProperty("version").GetInt32());

    private static Answer Validated(JsonElement body) => Answer.Ok(
        body.GetProperty("schema_id").GetInt64(),
        valid: body.GetProperty("valid").GetBoolean(),
        warned: body.TryGetProperty("warning", out var warning) && warning.ValueKind == JsonValueKind.String);

    private async Task<Answer> SendAsync(HttpMethod method, string path, string? json, Func<JsonElement, Answer> read)
    {
        var (status, body) = await http.SendAsync(method, path, json);
        if (status is HttpStatusCode.OK or HttpStatusCode.Created)
        {
            return read(body);
        }

        return new Answer($"{(int)status} {body.ErrorCode()}");
    }

    private static string Json(Dictionary<string, object?> body) => JsonSerializer.Serialize(body);

    private static string Path(string subject) => Uri.EscapeDataString(subject);
}
