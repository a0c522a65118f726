using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Registry.Server.Tests.CrossApi;

/// <summary>
/// The Confluent-compatible API at the root paths, over real HTTP with Confluent's media type. Refusals are its numeric
/// error codes. It has no lifecycle states and no validation: those steps go to the engine (<see cref="Answer.Via"/>).
/// </summary>
public sealed class ConfluentHttpDriver(HttpClient http, EngineDriver engine) : ApiDriver
{
    private const string MediaType = "application/vnd.schemaregistry.v1+json";

    public override string Name => "Confluent HTTP";

    public override ApiDriver Fallback => engine;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public override string CodeFor(Outcome outcome) => outcome switch
    {
        Outcome.Ok => Answer.OkCode,
        Outcome.SubjectNotFound => "40401",
        Outcome.VersionNotFound => "40402",
        Outcome.Incompatible => "409",

        // Confluent has one code for everything a mode, an IMPORT clash or a lifecycle rule forbids.
        Outcome.ModeForbids or Outcome.IdConflict or Outcome.IllegalTransition or Outcome.VersionArchived => "42205",
        Outcome.ReferenceExists => "42206",

        // Confluent calls everything wrong with a registration an invalid schema.
        Outcome.InvalidRequest => "42201",

        // Confluent has no code for it: the registry's own, in Confluent's 422xx family.
        Outcome.TooComplex => "42290",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public override Task<Answer> RegisterAsync(string subject, string schema, Reference[]? references = null, int? id = null, int? version = null)
    {
        var body = new Dictionary<string, object?> { ["schemaType"] = "JSON", ["schema"] = schema };
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

        return SendAsync(HttpMethod.Post, $"/subjects/{Path(subject)}/versions", body, static b => Answer.Ok(b.GetProperty("id").GetInt64(), b.GetProperty("version").GetInt32()));
    }

    public override Task<Answer> GetVersionAsync(string subject, int version) =>
        SendAsync(HttpMethod.Get, $"/subjects/{Path(subject)}/versions/{version}", null,
            static b => Answer.Ok(b.GetProperty("id").GetInt64(), b.GetProperty("version").GetInt32()));

    public override Task<Answer> DeleteVersionAsync(string subject, int version, bool permanent = false) =>
        SendAsync(HttpMethod.Delete, $"/subjects/{Path(subject)}/versions/{version}{(permanent ? "?permanent=true" : "")}", null, static _ => Answer.Ok());

    public override Task<Answer> SetModeAsync(string? subject, string mode) =>
        SendAsync(HttpMethod.Put, subject is null ? "/mode" : $"/mode/{Path(subject)}", new Dictionary<string, object?> { ["mode"] = mode }, static _ => Answer.Ok());

    public override Task<Answer> SetLevelAsync(string? subject, string level) =>
        SendAsync(HttpMethod.Put, subject is null ? "/config" : $"/config/{Path(subject)}", new Dictionary<string, object?> { ["compatibility"] = level }, static _ => Answer.Ok());

    public override async Task<Answer> ChangeStateAsync(string subject, int version, string state) =>
        await engine.ChangeStateAsync(subject, version, state) with { Via = engine.Name };

    public override async Task<Answer> ValidateAsync(string subject, int version, string document) =>
        await engine.ValidateAsync(subject, version, document) with { Via = engine.Name };

    public override async Task<Answer> ValidateByIdAsync(long schemaId, string document) =>
        await engine.ValidateByIdAsync(schemaId, document) with { Via = engine.Name };

    private async Task<Answer> SendAsync(HttpMethod method, string path, Dictionary<string, object?>? body, Func<JsonElement, Answer> read)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaType));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(MediaType);
        }

        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        if (response.IsSuccessStatusCode)
        {
            return read(json);
        }

        return new Answer(json.GetProperty("error_code").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Path(string subject) => Uri.EscapeDataString(subject);
}
