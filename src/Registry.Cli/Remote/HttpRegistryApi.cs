using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Registry.Cli.Remote;

/// <summary>The registry's native HTTP API (<c>/v1</c>): every remote command goes through one of these calls.</summary>
internal sealed class HttpRegistryApi : IRegistryApi
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue PlainText = new("text/plain");
    private readonly HttpClient _http;

    public HttpRegistryApi(Uri server, TimeSpan timeout, RemoteSecurity? security = null)
    {
        _http = (security ?? RemoteSecurity.None).CreateHttpClient(server, timeout, decompress: true);
    }

    public string Transport => "HTTP";

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    public async Task<HealthModel> HealthAsync(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var health = await SendAsync(HttpMethod.Get, "health", null, CliJsonContext.Default.HealthModel, ct);
        return health with { RoundTripMs = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds };
    }

    public Task<IReadOnlyList<string>> ListSubjectsAsync(string? prefix, DeletedFilter deleted, int offset, int limit, CancellationToken ct)
    {
        var query = new Query();
        query.Add("prefix", prefix);
        AddDeleted(query, deleted);
        query.Add("offset", offset == 0 ? null : offset.ToString(CultureInfo.InvariantCulture));
        query.Add("limit", limit < 0 ? null : limit.ToString(CultureInfo.InvariantCulture));
        return SendAsync(HttpMethod.Get, "v1/subjects" + query, null, CliJsonContext.Default.IReadOnlyListString, ct);
    }

    public Task<IReadOnlyList<VersionSummary>> ListVersionsAsync(string subject, DeletedFilter deleted, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        var query = new Query();
        AddDeleted(query, deleted);
        return SendAsync(HttpMethod.Get, $"{SubjectPath(subject)}/versions{query}", null, CliJsonContext.Default.IReadOnlyListVersionSummary, ct);
    }

    public Task<VersionModel> GetVersionAsync(string subject, string version, bool deleted, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"{VersionPath(subject, version)}{Flag("deleted", deleted)}", null, CliJsonContext.Default.VersionModel, ct);

    public Task<DeleteModel> DeleteSubjectAsync(string subject, bool permanent, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"{SubjectPath(subject)}{Flag("permanent", permanent)}", null, CliJsonContext.Default.DeleteModel, ct);

    public Task<DeleteModel> DeleteVersionAsync(string subject, string version, bool permanent, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"{VersionPath(subject, version)}{Flag("permanent", permanent)}", null, CliJsonContext.Default.DeleteModel, ct);

    public Task<SchemaModel> GetSchemaAsync(long id, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"v1/schemas/{id.ToString(CultureInfo.InvariantCulture)}", null, CliJsonContext.Default.SchemaModel, ct);

    public Task<IReadOnlyList<VersionUsageModel>> GetSchemaUsagesAsync(long id, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"v1/schemas/{id.ToString(CultureInfo.InvariantCulture)}/versions", null, CliJsonContext.Default.IReadOnlyListVersionUsageModel, ct);

    public Task<RegisterResultModel> RegisterAsync(string subject, RegisterInput input, CancellationToken ct)
    {
        var body = Body(writer =>
        {
            WriteSchemaInput(writer, input.Schema);
            if (input.Metadata is { } metadata)
            {
                writer.WritePropertyName("metadata");
                WriteMetadata(writer, metadata);
            }

            WriteIfSet(writer, "semver", input.Semver);
            WriteIfSet(writer, "state", input.State);
            if (input.Normalize)
            {
                writer.WriteBoolean("normalize", true);
            }

            if (input.Id is { } id)
            {
                writer.WriteNumber("id", id);
            }

            if (input.Version is { } version)
            {
                writer.WriteNumber("version", version);
            }
        });
        return SendAsync(HttpMethod.Post, $"{SubjectPath(subject)}/versions", body, CliJsonContext.Default.RegisterResultModel, ct);
    }

    public Task<VersionModel> LookupAsync(string subject, SchemaInput input, bool deleted, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"{SubjectPath(subject)}/lookup{Flag("deleted", deleted)}", Body(w => WriteSchemaInput(w, input)), CliJsonContext.Default.VersionModel, ct);

    public Task<CompatibilityModel> CheckCompatibilityAsync(string subject, SchemaInput input, string? version, CancellationToken ct)
    {
        var query = new Query();
        query.Add("version", version);
        return SendAsync(HttpMethod.Post, $"{SubjectPath(subject)}/compatibility{query}", Body(w => WriteSchemaInput(w, input)), CliJsonContext.Default.CompatibilityModel, ct);
    }

    public Task<VersionModel> ChangeStateAsync(string subject, string version, StateChange change, CancellationToken ct)
    {
        var body = Body(writer =>
        {
            writer.WriteString("state", change.State);
            WriteIfSet(writer, "reason", change.Reason);
            if (change.Sunset is { } sunset)
            {
                writer.WriteString("sunset", sunset);
            }

            WriteIfSet(writer, "replacement", change.Replacement);
        });
        return SendAsync(HttpMethod.Put, $"{VersionPath(subject, version)}/state", body, CliJsonContext.Default.VersionModel, ct);
    }

    public Task<VersionModel> UpdateMetadataAsync(string subject, string version, MetadataModel metadata, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteMetadata(writer, metadata);
        }

        return SendAsync(HttpMethod.Put, $"{VersionPath(subject, version)}/metadata", buffer.WrittenMemory, CliJsonContext.Default.VersionModel, ct);
    }

    public Task<ConfigModel> GetGlobalConfigAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Get, "v1/config", null, CliJsonContext.Default.ConfigModel, ct);

    public Task<SubjectConfigModel> GetSubjectConfigAsync(string subject, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, ConfigPath("config", subject), null, CliJsonContext.Default.SubjectConfigModel, ct);

    public Task<ConfigModel> SetGlobalConfigAsync(string? level, string? policy, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, "v1/config", ConfigBody(level, policy), CliJsonContext.Default.ConfigModel, ct);

    public Task<SubjectConfigModel> SetSubjectConfigAsync(string subject, string? level, string? policy, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, ConfigPath("config", subject), ConfigBody(level, policy), CliJsonContext.Default.SubjectConfigModel, ct);

    public Task<SubjectConfigModel> ClearSubjectConfigAsync(string subject, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, ConfigPath("config", subject), null, CliJsonContext.Default.SubjectConfigModel, ct);

    public Task<ModeModel> GetModeAsync(string? subject, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, subject is null ? "v1/mode" : ConfigPath("mode", subject), null, CliJsonContext.Default.ModeModel, ct);

    public Task<ModeModel> SetModeAsync(string? subject, string mode, bool force, CancellationToken ct) =>
        SendAsync(
            HttpMethod.Put,
            (subject is null ? "v1/mode" : ConfigPath("mode", subject)) + Flag("force", force),
            Body(w => w.WriteString("mode", mode)),
            CliJsonContext.Default.ModeModel,
            ct);

    public Task<ModeModel> ClearModeAsync(string subject, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, ConfigPath("mode", subject), null, CliJsonContext.Default.ModeModel, ct);

    public async Task<ValidateModel> ValidateAsync(string subject, string version, ReadOnlyMemory<byte> document, int maxErrors, CancellationToken ct)
    {
        try
        {
            return await SendAsync(HttpMethod.Post, $"{VersionPath(subject, version)}/validate", document, CliJsonContext.Default.ValidateModel, ct);
        }
        catch (RemoteException e) when (e.Error.ErrorCode is "malformed_document" or "limit_exceeded")
        {
            // The API answers a document that is not JSON, or over a limit, as a bad request; the CLI reports it as
            // that document's outcome, like a local validation does.
            return new ValidateModel
            {
                Valid = false,
                Outcome = e.Error.ErrorCode == "malformed_document" ? "malformed_json" : "limit_exceeded",
                Subject = subject,
                Errors = [new ValidationErrorModel("", "", e.Error.Message)],
            };
        }
    }

    public async Task<IReadOnlyList<LintReportModel>> LintVersionAsync(string subject, string version, IReadOnlyList<string> profiles, CancellationToken ct)
    {
        var reports = new List<LintReportModel>(profiles.Count);
        foreach (var profile in profiles)
        {
            reports.Add(await SendAsync(HttpMethod.Post, $"{VersionPath(subject, version)}/lint?profile={Uri.EscapeDataString(profile)}", "{}"u8.ToArray(), CliJsonContext.Default.LintReportModel, ct));
        }

        return reports;
    }

    public Task<byte[]> CheckOutputAsync(string subject, string version, ReadOnlyMemory<byte> output, OutputCheckArgs args, CancellationToken ct)
    {
        var query = new StringBuilder("/check-output?repair=").Append(Uri.EscapeDataString(args.Repair))
            .Append("&extract=").Append(args.Extract ? "true" : "false")
            .Append("&partial=").Append(args.Partial ? "true" : "false");
        if (!string.IsNullOrEmpty(args.Profile))
        {
            query.Append("&profile=").Append(Uri.EscapeDataString(args.Profile));
        }

        if (!string.IsNullOrEmpty(args.ToolCallId))
        {
            query.Append("&tool_call_id=").Append(Uri.EscapeDataString(args.ToolCallId));
        }

        return SendRawAsync(HttpMethod.Post, VersionPath(subject, version) + query, output, PlainText, ct);
    }

    public Task<KeyModel> CreateKeyAsync(KeyInput input, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "v1/keys", Body(w =>
        {
            w.WriteString("role", input.Role);
            w.WriteStartArray("grants");
            foreach (var grant in input.Grants)
            {
                w.WriteStringValue(grant);
            }

            w.WriteEndArray();
            if (input.ExpiresAt is { } expires)
            {
                w.WriteString("expires_at", expires);
            }

            if (input.Description is { } description)
            {
                w.WriteString("description", description);
            }
        }), CliJsonContext.Default.KeyModel, ct);

    public async Task<IReadOnlyList<KeyModel>> ListKeysAsync(CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, "v1/keys", null, CliJsonContext.Default.KeyListModel, ct)).Keys;

    public Task<KeyModel> RevokeKeyAsync(string keyId, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, "v1/keys/" + Uri.EscapeDataString(keyId), null, CliJsonContext.Default.KeyModel, ct);

    public Task<AuditPageModel> ReadAuditAsync(AuditFilter filter, CancellationToken ct)
    {
        var query = new Query();
        query.Add("subject", filter.Subject);
        query.Add("principal", filter.Principal);
        query.Add("since", filter.Since?.ToString("O", CultureInfo.InvariantCulture));
        query.Add("after", filter.After?.ToString(CultureInfo.InvariantCulture));
        query.Add("limit", filter.Limit.ToString(CultureInfo.InvariantCulture));
        return SendAsync(HttpMethod.Get, "v1/audit" + query, null, CliJsonContext.Default.AuditPageModel, ct);
    }

    public Task<AuditVerifyModel> VerifyAuditAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Get, "v1/audit/verify", null, CliJsonContext.Default.AuditVerifyModel, ct);

    public Task<IReadOnlyList<string>> ListToolSetsAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Get, "v1/toolsets", null, CliJsonContext.Default.IReadOnlyListString, ct);

    public Task<ToolSetModel> GetToolSetAsync(string name, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, ToolSetPath(name), null, CliJsonContext.Default.ToolSetModel, ct);

    public async Task<(ToolSetModel Set, bool Created)> PutToolSetAsync(string name, IReadOnlyList<ToolSetToolModel> tools, CancellationToken ct)
    {
        var body = Body(writer =>
        {
            writer.WriteStartArray("tools");
            foreach (var tool in tools)
            {
                writer.WriteStartObject();
                writer.WriteString("subject", tool.Subject);
                WriteIfSet(writer, "version", tool.Version);
                WriteIfSet(writer, "name", tool.Name);
                WriteIfSet(writer, "description", tool.Description);
                if (tool.Strict is { } strict)
                {
                    writer.WriteBoolean("strict", strict);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
        var (status, bytes) = await SendForStatusAsync(HttpMethod.Put, ToolSetPath(name), body, Json, ct);
        return (Deserialize(bytes, ToolSetPath(name), CliJsonContext.Default.ToolSetModel), status == HttpStatusCode.Created);
    }

    public Task DeleteToolSetAsync(string name, CancellationToken ct) =>
        SendRawAsync(HttpMethod.Delete, ToolSetPath(name), null, Json, ct);

    public async Task<byte[]> CheckToolSetAsync(string name, IReadOnlyList<string> profiles, CancellationToken ct)
    {
        var path = ToolSetPath(name) + "/check";
        if (profiles.Count == 0)
        {
            return await SendRawAsync(HttpMethod.Post, path, "{}"u8.ToArray(), Json, ct);
        }

        // The endpoint checks one profile (or all); several are asked one by one and their reports joined in one answer.
        var answers = new List<byte[]>(profiles.Count);
        foreach (var profile in profiles)
        {
            answers.Add(await SendRawAsync(HttpMethod.Post, $"{path}?profile={Uri.EscapeDataString(profile)}", "{}"u8.ToArray(), Json, ct));
        }

        return answers.Count == 1 ? answers[0] : JoinChecks(answers);
    }

    public Task<byte[]> ExportToolSetAsync(string name, string format, bool transform, CancellationToken ct) =>
        SendRawAsync(HttpMethod.Get, $"{ToolSetPath(name)}?format={Uri.EscapeDataString(format)}{(transform ? "&transform=true" : "")}", null, Json, ct);

    /// <summary>Several check answers of one set as one: the set's name, accepted when every answer is, and every report.</summary>
    private static byte[] JoinChecks(List<byte[]> answers)
    {
        var documents = answers.Select(a => JsonDocument.Parse(a)).ToList();
        try
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteString("name", documents[0].RootElement.GetProperty("name").GetString());
                writer.WriteBoolean("accepted", documents.All(d => d.RootElement.GetProperty("accepted").GetBoolean()));
                writer.WriteStartArray("reports");
                foreach (var document in documents)
                {
                    foreach (var report in document.RootElement.GetProperty("reports").EnumerateArray())
                    {
                        report.WriteTo(writer);
                    }
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, ReadOnlyMemory<byte>? body, JsonTypeInfo<T> type, CancellationToken ct)
        => Deserialize(await SendRawAsync(method, path, body, Json, ct), path, type);

    private T Deserialize<T>(byte[] bytes, string path, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, type) ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            throw Unreachable($"the server at {_http.BaseAddress} answered {path} with a body that is not the registry's: {e.Message}", e);
        }
    }

    /// <summary>
    /// A call of the native HTTP API that has no typed method here (<paramref name="path"/> relative to the server, e.g.
    /// <c>v1/subjects/s/aliases</c>; a JSON body or none): the body of a success, or the refusal as a <see cref="RemoteException"/>.
    /// </summary>
    public Task<byte[]> CallAsync(HttpMethod method, string path, ReadOnlyMemory<byte>? body, CancellationToken ct) =>
        SendRawAsync(method, path, body, Json, ct);

    /// <summary>Sends a request; the body of a success, or the refusal as a <see cref="RemoteException"/>.</summary>
    private async Task<byte[]> SendRawAsync(HttpMethod method, string path, ReadOnlyMemory<byte>? body, MediaTypeHeaderValue contentType, CancellationToken ct)
        => (await SendForStatusAsync(method, path, body, contentType, ct)).Body;

    /// <summary>Sends a request; the status and body of a success, or the refusal as a <see cref="RemoteException"/>.</summary>
    private async Task<(HttpStatusCode Status, byte[] Body)> SendForStatusAsync(HttpMethod method, string path, ReadOnlyMemory<byte>? body, MediaTypeHeaderValue contentType, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is { } content)
        {
            request.Content = new ReadOnlyMemoryContent(content);
            request.Content.Headers.ContentType = contentType;
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable($"cannot reach the registry at {_http.BaseAddress}: {RemoteSecurity.Reason(e)}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Unreachable($"the registry at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0.#} s", e);
        }

        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return (response.StatusCode, bytes);
            }

            throw Failure(response.StatusCode, bytes);
        }
    }

    private RemoteException Failure(HttpStatusCode status, byte[] body)
    {
        ErrorModel? error = null;
        try
        {
            error = body.Length == 0 ? null : JsonSerializer.Deserialize(body, CliJsonContext.Default.ErrorModel);
        }
        catch (JsonException)
        {
            // Not the registry's error body (a proxy's page, say): described from the status below.
        }

        error ??= new ErrorModel
        {
            ErrorCode = (int)status >= 500 ? "server_error" : "http_" + ((int)status).ToString(CultureInfo.InvariantCulture),
            Message = $"The server at {_http.BaseAddress} answered HTTP {(int)status} without a registry error body.",
        };
        var failure = (int)status >= 500 ? RemoteFailure.Unavailable
            : error.ErrorCode == "incompatible" ? RemoteFailure.Incompatible
            : RemoteFailure.Refused;
        return new RemoteException(failure, error);
    }

    private static RemoteException Unreachable(string message, Exception inner) =>
        new(RemoteFailure.Unavailable, new ErrorModel { ErrorCode = "unavailable", Message = message }, inner);

    private static string SubjectPath(string subject) => "v1/subjects/" + Uri.EscapeDataString(subject);

    private static string VersionPath(string subject, string version) => $"{SubjectPath(subject)}/versions/{Uri.EscapeDataString(version)}";

    private static string ToolSetPath(string name) => "v1/toolsets/" + Uri.EscapeDataString(name);

    private static string ConfigPath(string root, string subject) => $"v1/{root}/{Uri.EscapeDataString(subject)}";

    private static string Flag(string name, bool value) => value ? $"?{name}=true" : "";

    private static void AddDeleted(Query query, DeletedFilter deleted)
    {
        if (deleted == DeletedFilter.Include)
        {
            query.Add("deleted", "true");
        }
        else if (deleted == DeletedFilter.Only)
        {
            query.Add("deleted_only", "true");
        }
    }

    private static ReadOnlyMemory<byte> ConfigBody(string? level, string? policy) => Body(writer =>
    {
        WriteIfSet(writer, "compatibility", level);
        WriteIfSet(writer, "policy", policy);
    });

    private static ReadOnlyMemory<byte> Body(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static void WriteSchemaInput(Utf8JsonWriter writer, SchemaInput input)
    {
        // The schema goes as the JSON value it is; the file was checked to be JSON when it was read.
        writer.WritePropertyName("schema");
        writer.WriteRawValue(input.Schema.Span);
        WriteIfSet(writer, "schema_type", input.SchemaType);
        if (input.References.Count > 0)
        {
            writer.WriteStartArray("references");
            foreach (var reference in input.References)
            {
                writer.WriteStartObject();
                writer.WriteString("name", reference.Name);
                writer.WriteString("subject", reference.Subject);
                writer.WriteNumber("version", reference.Version);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
    }

    private static void WriteMetadata(Utf8JsonWriter writer, MetadataModel metadata)
    {
        writer.WriteStartObject();
        WriteIfSet(writer, "description", metadata.Description);
        WriteIfSet(writer, "owner", metadata.Owner);
        if (metadata.Tags is { } tags)
        {
            writer.WriteStartArray("tags");
            foreach (var tag in tags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
        }

        if (metadata.Properties is { } properties)
        {
            writer.WriteStartObject("properties");
            foreach (var (key, value) in properties)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>A query string built from the parameters that are set.</summary>
    private sealed class Query
    {
        private readonly StringBuilder _text = new();

        public void Add(string name, string? value)
        {
            if (value is null)
            {
                return;
            }

            _text.Append(_text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        public override string ToString() => _text.ToString();
    }
}
