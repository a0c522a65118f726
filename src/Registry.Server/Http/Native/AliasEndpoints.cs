using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Server.Hosting;

namespace Registry.Server.Http.Native;

/// <summary>
/// Aliases (named, movable pointers to versions), bundles (one alias across several subjects) and the conversion of
/// tool definitions between provider formats. Every read path of a version also accepts <c>@alias</c> where it takes
/// a version number.
/// </summary>
internal static class AliasEndpoints
{
    public static void MapAliasEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/subjects/{subject}/aliases", List)
            .WithName("ListAliases").WithSummary("The aliases of a subject, by name.")
            .Produces<IReadOnlyList<AliasModel>>().ProducesErrors(400, 404)
            .Query();

        api.MapGet("/subjects/{subject}/aliases/{alias}", Get)
            .WithName("GetAlias").WithSummary("One alias: the version it points at, its protection, who set it and when.")
            .Produces<AliasModel>().ProducesErrors(400, 404)
            .Query();

        api.MapPut("/subjects/{subject}/aliases/{alias}", Set)
            .WithName("SetAlias")
            .WithSummary("Creates or moves an alias to an ACTIVE or DEPRECATED version; a protected alias moves only with force (an administrator's request).")
            .JsonBody<AliasRequest>()
            .Produces<AliasModel>().ProducesErrors(400, 403, 404, 409, 415, 422)
            .Query();

        api.MapDelete("/subjects/{subject}/aliases/{alias}", Delete)
            .WithName("DeleteAlias").WithSummary("Deletes an alias (a protected one only with force=true); its history is kept.")
            .Produces<AliasModel>().ProducesErrors(400, 403, 404, 409)
            .Query("force");

        api.MapGet("/subjects/{subject}/aliases/{alias}/history", History)
            .WithName("GetAliasHistory").WithSummary("Every change of an alias, newest first: from which version to which, who and when.")
            .Produces<IReadOnlyList<AliasMoveModel>>().ProducesErrors(400, 404)
            .Query("limit");

        api.MapPost("/tools/convert", ConvertTool)
            .WithName("ConvertTool")
            .WithSummary("Checks the tool definition in the body (MCP, OpenAI or Anthropic JSON) and writes it as ?format=mcp|openai|anthropic.")
            .JsonBody<System.Text.Json.JsonElement>()
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 413, 415, 422)
            .Query("format");

        api.MapGet("/bundles/{alias}", Bundle)
            .WithName("GetBundle").WithSummary("For each subject of ?subjects=a,b,c, the version the alias points at, with its schema.")
            .Produces<BundleResponse>().ProducesErrors(400, 404)
            .Query("subjects");
    }

    private static async Task<IResult> List(string subject, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var aliases = await registry.ListAliasesAsync(subject, ct).ConfigureAwait(false);
        var list = new List<AliasModel>(aliases.Count);
        foreach (var alias in aliases)
        {
            list.Add(Model(subject, alias));
        }

        return TypedResults.Json<IReadOnlyList<AliasModel>>(list, NativeJsonContext.Wire.IReadOnlyListAliasModel);
    }

    private static async Task<IResult> Get(string subject, string alias, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var found = await registry.GetAliasAsync(subject, alias, ct).ConfigureAwait(false);
        return TypedResults.Json(Model(subject, found), NativeJsonContext.Wire.AliasModel);
    }

    private static async Task<IResult> Set(string subject, string alias, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.Alias, NativeJsonContext.Wire.AliasRequest, ct).ConfigureAwait(false);
        var set = await registry.SetAliasAsync(subject, alias, VersionSelector.Of(model.Version), new AliasChange
        {
            Protected = model.Protected,
            Force = model.Force ?? false,
            By = Caller(request),
            Principal = Security.HttpSecurity.PrincipalOf(request.HttpContext),
        }, ct).ConfigureAwait(false);
        return TypedResults.Json(Model(subject, set), NativeJsonContext.Wire.AliasModel);
    }

    private static async Task<IResult> Delete(string subject, string alias, string? force, HttpRequest request, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var deleted = await registry.DeleteAliasAsync(subject, alias, new AliasChange
        {
            Force = QueryValues.Flag(force, "force"),
            By = Caller(request),
            Principal = Security.HttpSecurity.PrincipalOf(request.HttpContext),
        }, ct).ConfigureAwait(false);
        return TypedResults.Json(Model(subject, deleted), NativeJsonContext.Wire.AliasModel);
    }

    private static async Task<IResult> History(string subject, string alias, string? limit, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var moves = await registry.GetAliasHistoryAsync(subject, alias, QueryValues.Integer(limit, "limit", -1), ct).ConfigureAwait(false);
        var list = new List<AliasMoveModel>(moves.Count);
        foreach (var move in moves)
        {
            list.Add(new AliasMoveModel(move.FromVersion, move.ToVersion, move.Protected, move.At, move.By));
        }

        return TypedResults.Json<IReadOnlyList<AliasMoveModel>>(list, NativeJsonContext.Wire.IReadOnlyListAliasMoveModel);
    }

    private static async Task<IResult> Bundle(string alias, string? subjects, SchemaRegistry registry, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(subjects))
        {
            throw new Engine.RegistryException(Engine.RegistryErrorCode.InvalidRequest, "Query parameter 'subjects' lists the subjects of the bundle, separated by commas.");
        }

        var names = subjects.Split(',');
        var versions = await registry.GetBundleAsync(alias, names, ct).ConfigureAwait(false);
        var list = new List<VersionResponse>(versions.Count);
        foreach (var version in versions)
        {
            list.Add(NativeMapping.Version(version));
        }

        return TypedResults.Json(new BundleResponse { Alias = alias, Versions = list }, NativeJsonContext.Wire.BundleResponse);
    }

    private static async Task<IResult> ConvertTool(string? format, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        using var body = await RequestBody.ReadJsonAsync(request, options.HttpApi.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var converted = registry.ConvertTool(body.Memory, format);
        request.HttpContext.Response.Headers["Registry-Tool-Lossy"] = converted.Lossy ? "true" : "false";
        return TypedResults.Bytes(converted.Content, "application/json");
    }

    private static AliasModel Model(string subject, AliasRecord alias) => new()
    {
        Subject = subject,
        Name = alias.Name,
        Version = alias.Version,
        Protected = alias.Protected,
        UpdatedAt = alias.UpdatedAt,
        UpdatedBy = alias.UpdatedBy,
    };

    private static string? Caller(HttpRequest request) => Security.HttpSecurity.PrincipalOf(request.HttpContext)?.Name;
}
