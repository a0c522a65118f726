using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Server.Hosting;

namespace Registry.Server.Http.Native;

/// <summary>Subjects and their versions: list, register, read, look up, check, change state and metadata, delete.</summary>
internal static class SubjectEndpoints
{
    public static void MapSubjectEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/subjects", ListSubjects)
            .WithName("ListSubjects").WithSummary("Subject names, filtered by prefix, deletion, and the metadata of their versions (tag, owner, q: text in the name or a description), paged.")
            .Produces<IReadOnlyList<string>>().ProducesErrors(400)
            .Query("prefix", "deleted", "deleted_only", "offset", "limit", "tag", "owner", "q");

        api.MapGet("/subjects/{subject}/versions", ListVersions)
            .WithName("ListVersions").WithSummary("The versions of a subject.")
            .Produces<IReadOnlyList<VersionSummary>>().ProducesErrors(400, 404)
            .Query("deleted", "deleted_only");

        api.MapPost("/subjects/{subject}/versions", Register)
            .WithName("RegisterSchema")
            .WithSummary("Registers a schema: validated, checked for compatibility, given an id and the next version (or the existing version with the same content).")
            .JsonBody<RegisterSchemaRequest>()
            .Produces<RegisterSchemaResponse>(StatusCodes.Status201Created).Produces<RegisterSchemaResponse>()
            .ProducesErrors(400, 409, 413, 415, 422)
            .Query();

        api.MapGet("/subjects/{subject}/versions/{version}", GetVersion)
            .WithName("GetVersion").WithSummary("A version (number or 'latest') with its schema, state and metadata.")
            .Produces<VersionResponse>().ProducesErrors(400, 404)
            .Query("deleted");

        api.MapGet("/subjects/{subject}/versions/{version}/schema", GetVersionSchema)
            .WithName("GetVersionSchema").WithSummary("The schema of a version, as is.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 404)
            .Query("deleted");

        api.MapGet("/subjects/{subject}/versions/{version}/tool", ExportTool)
            .WithName("ExportTool")
            .WithSummary("A TOOL version written as ?format=mcp (the canonical form, the default), openai or anthropic; header Registry-Tool-Lossy says whether the format left something out.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 404, 422)
            .Query("format");

        api.MapPost("/subjects/{subject}/versions/{version}/render", RenderPrompt)
            .WithName("RenderPrompt")
            .WithSummary("A PROMPT version rendered with the variables in the body (a JSON object): validated against its variables schema first; 422 invalid_variables names each missing or ill-typed one.")
            .JsonBody<System.Text.Json.JsonElement>().Produces<RenderResponse>().ProducesErrors(400, 404, 413, 415, 422);

        api.MapGet("/subjects/{subject}/versions/{version}/referenced-by", ReferencedBy)
            .WithName("GetReferencedBy").WithSummary("The versions whose schemas reference this version.")
            .Produces<IReadOnlyList<VersionUsageModel>>().ProducesErrors(400, 404)
            .Query("deleted");

        api.MapPut("/subjects/{subject}/versions/{version}/state", ChangeState)
            .WithName("ChangeState").WithSummary("Moves a version through DRAFT → ACTIVE → DEPRECATED → ARCHIVED (DEPRECATED → ACTIVE to reactivate).")
            .JsonBody<StateChangeRequest>()
            .Produces<VersionResponse>().ProducesErrors(400, 404, 415, 422)
            .Query();

        api.MapPut("/subjects/{subject}/versions/{version}/metadata", UpdateMetadata)
            .WithName("UpdateMetadata").WithSummary("Replaces the metadata of a version without creating a new version.")
            .JsonBody<MetadataModel>()
            .Produces<VersionResponse>().ProducesErrors(400, 404, 415, 422)
            .Query();

        api.MapDelete("/subjects/{subject}/versions/{version}", DeleteVersion)
            .WithName("DeleteVersion").WithSummary("Soft-deletes a version, or with permanent=true removes a soft-deleted one.")
            .Produces<DeleteResponse>().ProducesErrors(400, 404, 422)
            .Query("permanent");

        api.MapDelete("/subjects/{subject}", DeleteSubject)
            .WithName("DeleteSubject").WithSummary("Soft-deletes every version of a subject, or with permanent=true removes a soft-deleted subject.")
            .Produces<DeleteResponse>().ProducesErrors(400, 404, 422)
            .Query("permanent");

        api.MapPost("/subjects/{subject}/lookup", Lookup)
            .WithName("LookupSchema").WithSummary("The version of the subject holding this schema (same canonical content and references).")
            .JsonBody<SchemaInputRequest>()
            .Produces<VersionResponse>().ProducesErrors(400, 404, 413, 415, 422)
            .Query("deleted");

        api.MapPost("/subjects/{subject}/compatibility", CheckCompatibility)
            .WithName("CheckCompatibility")
            .WithSummary("Checks a schema without registering it: against ?version= (one version), or what the subject's level requires.")
            .JsonBody<SchemaInputRequest>()
            .Produces<CompatibilityResponse>().ProducesErrors(400, 404, 413, 415, 422)
            .Query("version");
    }

    private static async Task<IResult> ListSubjects(
        string? prefix, string? deleted, string? deleted_only, string? offset, string? limit, string? tag, string? owner, string? q,
        SchemaRegistry registry, CancellationToken ct)
    {
        var names = await registry.SearchSubjectsAsync(new SubjectSearch
        {
            Prefix = prefix,
            Deleted = QueryValues.Deleted(deleted, deleted_only),
            Tag = QueryValues.Text(tag),
            Owner = QueryValues.Text(owner),
            Text = QueryValues.Text(q),
            Offset = QueryValues.Integer(offset, "offset", 0),
            Limit = QueryValues.Integer(limit, "limit", -1),
        }, ct).ConfigureAwait(false);
        return TypedResults.Json(names, NativeJsonContext.Wire.IReadOnlyListString);
    }

    private static async Task<IResult> ListVersions(string subject, string? deleted, string? deleted_only, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var versions = await registry.ListVersionsAsync(subject, QueryValues.Deleted(deleted, deleted_only), ct).ConfigureAwait(false);
        var list = new List<VersionSummary>(versions.Count);
        foreach (var v in versions)
        {
            list.Add(new VersionSummary(v.Version, v.SchemaId, Lifecycle.Name(v.State), v.IsDeleted, v.Semver));
        }

        return TypedResults.Json<IReadOnlyList<VersionSummary>>(list, NativeJsonContext.Wire.IReadOnlyListVersionSummary);
    }

    private static async Task<IResult> Register(string subject, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.Registration, NativeJsonContext.Wire.RegisterSchemaRequest, ct).ConfigureAwait(false);
        var result = await registry.RegisterAsync(new SchemaRegistration
        {
            Subject = subject,
            Schema = model.Schema.Utf8,
            SchemaType = model.SchemaType ?? "JSON",
            References = NativeMapping.References(model.References),
            Metadata = NativeMapping.Metadata(model.Metadata),
            Semver = model.Semver,
            InitialState = NativeMapping.State(model.State, LifecycleState.Active),
            CreatedBy = request.HttpContext.User.Identity?.IsAuthenticated == true ? request.HttpContext.User.Identity.Name : null,
            Normalize = model.Normalize ?? false,
            Id = model.Id,
            Version = model.Version,
        }, ct).ConfigureAwait(false);

        var response = new RegisterSchemaResponse
        {
            Subject = result.Subject,
            Version = result.Version,
            Id = result.SchemaId,
            Created = result.Created,
            SuggestedBump = ConfigNames.Bump(result.SuggestedBump),
            SuggestedSemver = result.SuggestedSemver,
            Semver = result.Semver,
            Differences = NativeMapping.Differences(result.Differences),
        };
        if (result.Created)
        {
            request.HttpContext.Response.Headers.Location =
                $"/v1/subjects/{Uri.EscapeDataString(result.Subject)}/versions/{result.Version}";
        }

        return TypedResults.Json(response, NativeJsonContext.Wire.RegisterSchemaResponse,
            statusCode: result.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetVersion(string subject, string version, string? deleted, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var found = await registry.GetVersionAsync(subject, QueryValues.Version(version), QueryValues.Flag(deleted, "deleted"), ct).ConfigureAwait(false);
        var lints = await registry.GetVersionLintsAsync(found, ct).ConfigureAwait(false);
        return TypedResults.Json(NativeMapping.Version(found) with { Lint = NativeMapping.Lints(lints) }, NativeJsonContext.Wire.VersionResponse);
    }

    private static async Task<IResult> GetVersionSchema(string subject, string version, string? deleted, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var found = await registry.GetVersionAsync(subject, QueryValues.Version(version), QueryValues.Flag(deleted, "deleted"), ct).ConfigureAwait(false);
        return TypedResults.Bytes(found.Schema.Content, "application/json");
    }

    private static async Task<IResult> ExportTool(string subject, string version, string? format, HttpResponse response, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var (_, tool) = await registry.ExportToolAsync(subject, QueryValues.Version(version), format ?? "mcp", ct).ConfigureAwait(false);
        response.Headers["Registry-Tool-Lossy"] = tool.Lossy ? "true" : "false";
        return TypedResults.Bytes(tool.Content, "application/json");
    }

    private static async Task<IResult> RenderPrompt(string subject, string version, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var selector = QueryValues.Version(version);
        using var body = await RequestBody.ReadJsonAsync(request, options.HttpApi.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var (found, text) = await registry.RenderPromptAsync(subject, selector, body.Memory, ct).ConfigureAwait(false);
        return TypedResults.Json(new RenderResponse(found.Info.Subject, found.Info.Version, found.Schema.Id, text), NativeJsonContext.Wire.RenderResponse);
    }

    private static async Task<IResult> ReferencedBy(string subject, string version, string? deleted, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var referrers = await registry.GetReferencedByAsync(subject, QueryValues.Version(version), QueryValues.Flag(deleted, "deleted"), ct).ConfigureAwait(false);
        return TypedResults.Json<IReadOnlyList<VersionUsageModel>>(NativeMapping.Usages(referrers), NativeJsonContext.Wire.IReadOnlyListVersionUsageModel);
    }

    private static async Task<IResult> ChangeState(string subject, string version, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var selector = QueryValues.Version(version);
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.StateChange, NativeJsonContext.Wire.StateChangeRequest, ct).ConfigureAwait(false);
        var state = NativeMapping.State(model.State, LifecycleState.Active);
        var deprecation = model.Reason is null && model.Sunset is null && model.Replacement is null
            ? null
            : new Deprecation { Reason = model.Reason, Sunset = model.Sunset, Replacement = model.Replacement };
        var changed = await registry.ChangeStateAsync(subject, selector, state, deprecation, ct).ConfigureAwait(false);
        return TypedResults.Json(NativeMapping.Version(changed), NativeJsonContext.Wire.VersionResponse);
    }

    private static async Task<IResult> UpdateMetadata(string subject, string version, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var selector = QueryValues.Version(version);
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.Metadata, NativeJsonContext.Wire.MetadataModel, ct).ConfigureAwait(false);
        var changed = await registry.UpdateMetadataAsync(subject, selector, NativeMapping.Metadata(model), ct).ConfigureAwait(false);
        return TypedResults.Json(NativeMapping.Version(changed), NativeJsonContext.Wire.VersionResponse);
    }

    private static async Task<IResult> DeleteVersion(string subject, string version, string? permanent, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var hard = QueryValues.Flag(permanent, "permanent");
        var deleted = await registry.DeleteVersionAsync(subject, QueryValues.Version(version), hard, ct).ConfigureAwait(false);
        return TypedResults.Json(new DeleteResponse(subject, [deleted], hard), NativeJsonContext.Wire.DeleteResponse);
    }

    private static async Task<IResult> DeleteSubject(string subject, string? permanent, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var hard = QueryValues.Flag(permanent, "permanent");
        var deleted = await registry.DeleteSubjectAsync(subject, hard, ct).ConfigureAwait(false);
        return TypedResults.Json(new DeleteResponse(subject, deleted, hard), NativeJsonContext.Wire.DeleteResponse);
    }

    private static async Task<IResult> Lookup(string subject, string? deleted, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.SchemaInput, NativeJsonContext.Wire.SchemaInputRequest, ct).ConfigureAwait(false);
        var input = new SchemaInput(model.Schema.Utf8, model.SchemaType ?? "JSON", NativeMapping.References(model.References));
        var found = await registry.LookupAsync(subject, input, QueryValues.Flag(deleted, "deleted"), ct).ConfigureAwait(false);
        return TypedResults.Json(NativeMapping.Version(found), NativeJsonContext.Wire.VersionResponse);
    }

    private static async Task<IResult> CheckCompatibility(string subject, string? version, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        VersionSelector? against = version is null ? null : QueryValues.Version(version);
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.SchemaInput, NativeJsonContext.Wire.SchemaInputRequest, ct).ConfigureAwait(false);
        var input = new SchemaInput(model.Schema.Utf8, model.SchemaType ?? "JSON", NativeMapping.References(model.References));
        var report = await registry.CheckCompatibilityAsync(subject, input, against, ct).ConfigureAwait(false);
        return TypedResults.Json(new CompatibilityResponse
        {
            IsCompatible = report.IsCompatible,
            Level = ConfigNames.Level(report.Level),
            Policy = ConfigNames.Policy(report.Policy),
            ComparedVersions = report.ComparedVersions,
            Differences = NativeMapping.Differences(report.Differences),
            SuggestedBump = ConfigNames.Bump(report.SuggestedBump),
        }, NativeJsonContext.Wire.CompatibilityResponse);
    }
}
