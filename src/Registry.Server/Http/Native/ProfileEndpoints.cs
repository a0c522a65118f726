using System.Buffers;
using System.Text.Json;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Schemas.Profiles;
using Registry.Server.Hosting;

namespace Registry.Server.Http.Native;

/// <summary>
/// Provider profiles: the list, lint and transform of a schema (the body) or of a registered version, and the profiles
/// a subject requires of its new versions. The rules are the engine's; this only reads requests and writes results.
/// </summary>
internal static class ProfileEndpoints
{
    public static void MapProfileEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/profiles", ListProfiles)
            .WithName("ListProfiles").WithSummary("The provider profiles, with their versions and targets.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");
        api.MapPost("/lint", LintSchema)
            .WithName("LintSchema").WithSummary("Lints the schema in the body against ?profile=: every violation with its pointer, limit, actual value and effect.")
            .JsonBody<JsonElement>().Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 413, 415, 422);
        api.MapPost("/subjects/{subject}/versions/{version}/lint", LintVersion)
            .WithName("LintVersion").WithSummary("Lints a registered version (references resolved) against ?profile=.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 404, 422);
        api.MapPost("/transform", TransformSchema)
            .WithName("TransformSchema").WithSummary("The strict form of the schema in the body for ?profile=, with every change and lost constraint.")
            .JsonBody<JsonElement>().Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 413, 415, 422);
        api.MapPost("/subjects/{subject}/versions/{version}/transform", TransformVersion)
            .WithName("TransformVersion").WithSummary("The strict form of a registered version for ?profile=.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 404, 422);
        api.MapGet("/config/{subject}/profiles", GetRequired)
            .WithName("GetSubjectProfiles").WithSummary("The provider profiles a subject's new versions must satisfy.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400);
        api.MapPut("/config/{subject}/profiles", SetRequired)
            .WithName("SetSubjectProfiles").WithSummary("Sets the provider profiles a subject's new versions must satisfy ({\"profiles\": [...]}).")
            .JsonBody<JsonElement>().Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 415, 422);
        api.MapDelete("/config/{subject}/profiles", ClearRequired)
            .WithName("ClearSubjectProfiles").WithSummary("Removes a subject's required profiles: it follows the registry-wide list again.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 422);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult ListProfiles() => Write(static w =>
    {
        w.WriteStartArray();
        foreach (var profile in ProviderProfiles.All)
        {
            w.WriteStartObject();
            w.WriteString("name", profile.Name);
            w.WriteString("version", profile.Version);
            w.WriteString("target", profile.Target);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    private static async Task<IResult> LintSchema(string? profile, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        using var body = await RequestBody.ReadJsonAsync(request, options.HttpApi.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var result = await registry.LintAsync(new SchemaInput(body.Memory), profile ?? string.Empty, ct).ConfigureAwait(false);
        ThrowIfUnchecked(result.Status, result.Error);
        return Write(w => WriteLint(w, result, null));
    }

    private static async Task<IResult> LintVersion(string subject, string version, string? profile, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var (found, result) = await registry.LintVersionAsync(subject, QueryValues.Version(version), profile ?? string.Empty, ct).ConfigureAwait(false);
        ThrowIfUnchecked(result.Status, result.Error);
        return Write(w => WriteLint(w, result, found));
    }

    private static async Task<IResult> TransformSchema(string? profile, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        using var body = await RequestBody.ReadJsonAsync(request, options.HttpApi.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var result = await registry.TransformAsync(new SchemaInput(body.Memory), profile ?? string.Empty, ct).ConfigureAwait(false);
        ThrowIfUnchecked(result.Status, result.Error);
        return Write(w => WriteTransform(w, result, null));
    }

    private static async Task<IResult> TransformVersion(string subject, string version, string? profile, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var (found, result) = await registry.TransformVersionAsync(subject, QueryValues.Version(version), profile ?? string.Empty, ct).ConfigureAwait(false);
        ThrowIfUnchecked(result.Status, result.Error);
        return Write(w => WriteTransform(w, result, found));
    }

    private static async Task<IResult> GetRequired(string subject, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var stored = await registry.GetConfigAsync(subject, ct).ConfigureAwait(false);
        var effective = await registry.GetEffectiveConfigAsync(subject, ct).ConfigureAwait(false);
        return Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("subject", subject);
            w.WritePropertyName("profiles");
            WriteNames(w, stored.Profiles);
            w.WritePropertyName("effective");
            WriteNames(w, effective.Profiles);
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> SetRequired(string subject, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        using var body = await RequestBody.ReadJsonAsync(request, options.HttpApi.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var names = ReadProfileList(body.Memory);
        await registry.SetRequiredProfilesAsync(subject, names, ct).ConfigureAwait(false);
        return await GetRequired(subject, registry, ct).ConfigureAwait(false);
    }

    private static async Task<IResult> ClearRequired(string subject, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        await registry.SetRequiredProfilesAsync(subject, null, ct).ConfigureAwait(false);
        return await GetRequired(subject, registry, ct).ConfigureAwait(false);
    }

    /// <summary>Reads <c>{"profiles": ["openai-strict", ...]}</c>; anything else is a 400.</summary>
    internal static List<string> ReadProfileList(ReadOnlyMemory<byte> body)
    {
        const string Shape = "The body is {\"profiles\": [\"openai-strict\", ...]}.";
        var names = new List<string>();
        var found = false;
        try
        {
            var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", Shape);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("profiles"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                found = true;
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", Shape);
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String || names.Count > 64)
                    {
                        throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", Shape);
                    }

                    names.Add(reader.GetString()!);
                }
            }
        }
        catch (JsonException)
        {
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", "The body is not well-formed JSON. " + Shape);
        }

        if (!found)
        {
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", Shape);
        }

        return names;
    }

    /// <summary>A schema that could not be checked at all (not JSON, a reference that leads nowhere, over the work budget) is a 422, not a result.</summary>
    private static void ThrowIfUnchecked(LintStatus status, string? error)
    {
        if (status == LintStatus.InvalidSchema)
        {
            throw new HttpApiException(StatusCodes.Status422UnprocessableEntity, "invalid_schema", $"The schema cannot be checked: {error}.");
        }

        if (status == LintStatus.TooComplex)
        {
            throw new HttpApiException(StatusCodes.Status422UnprocessableEntity, "too_complex", $"The schema cannot be checked: {error}.");
        }
    }

    private static void WriteLint(Utf8JsonWriter w, ProfileLintResult result, SubjectVersion? version)
    {
        w.WriteStartObject();
        WriteHead(w, result.Profile, result.IsAccepted, version);
        w.WriteStartArray("violations");
        foreach (var violation in result.Violations)
        {
            WriteViolation(w, violation);
        }

        w.WriteEndArray();
        w.WriteNumber("violations_dropped", result.ViolationsDropped);
        var s = result.Statistics;
        w.WriteStartObject("statistics");
        w.WriteNumber("properties", s.Properties);
        w.WriteNumber("optional_properties", s.OptionalProperties);
        w.WriteNumber("union_schemas", s.UnionSchemas);
        w.WriteNumber("enum_values", s.EnumValues);
        w.WriteNumber("string_characters", s.StringCharacters);
        w.WriteNumber("nesting_depth", s.NestingDepth);
        w.WriteNumber("max_items_sum", s.MaxItemsSum);
        w.WriteNumber("schemas", s.Schemas);
        w.WriteBoolean("recursive", s.Recursive);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteTransform(Utf8JsonWriter w, ProfileTransformResult result, SubjectVersion? version)
    {
        w.WriteStartObject();
        WriteHead(w, result.Profile, result.IsAccepted, version);
        w.WritePropertyName("schema");
        w.WriteRawValue(result.Schema ?? "null"u8.ToArray(), skipInputValidation: true);
        w.WriteStartArray("changes");
        var lost = 0;
        foreach (var change in result.Changes)
        {
            lost += change.ConstraintLost ? 1 : 0;
            w.WriteStartObject();
            w.WriteString("name", change.Name);
            w.WriteString("pointer", change.Pointer);
            w.WriteString("message", change.Message);
            w.WriteBoolean("constraint_lost", change.ConstraintLost);
            if (change.Keyword is not null)
            {
                w.WriteString("keyword", change.Keyword);
            }

            if (change.Value is not null)
            {
                w.WriteString("value", change.Value);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("lost_constraints", lost);
        w.WriteStartArray("remaining_violations");
        foreach (var violation in result.OutputLint?.Violations ?? [])
        {
            WriteViolation(w, violation);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteHead(Utf8JsonWriter w, Profile profile, bool accepted, SubjectVersion? version)
    {
        w.WriteString("profile", profile.Name);
        w.WriteString("profile_version", profile.Version);
        if (version is not null)
        {
            w.WriteString("subject", version.Subject);
            w.WriteNumber("version", version.Info.Version);
            w.WriteNumber("schema_id", version.Schema.Id);
        }

        w.WriteBoolean("accepted", accepted);
    }

    private static void WriteViolation(Utf8JsonWriter w, ProfileViolation v)
    {
        w.WriteStartObject();
        w.WriteString("name", v.Name);
        w.WriteString("pointer", v.Pointer);
        w.WriteString("effect", ProfileViolation.EffectName(v.Effect));
        w.WriteString("message", v.Message);
        if (v.Keyword is not null)
        {
            w.WriteString("keyword", v.Keyword);
        }

        if (v.Limit is not null)
        {
            w.WriteString("limit", v.Limit);
        }

        if (v.Actual is not null)
        {
            w.WriteString("actual", v.Actual);
        }

        w.WriteString("rule", v.Rule);
        w.WriteStartObject("source");
        w.WriteString("document", v.Source.Document);
        w.WriteString("url", v.Source.Url);
        w.WriteString("date", v.Source.Date);
        w.WriteBoolean("user_report", v.Source.Kind == SourceKind.UserReport);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteNames(Utf8JsonWriter w, IReadOnlyList<string>? names)
    {
        if (names is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartArray();
        foreach (var name in names)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return TypedResults.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }
}
