using Registry.Engine.Services;

namespace Registry.Server.Http.Native;

/// <summary>Schemas by global id.</summary>
internal static class SchemaEndpoints
{
    public static void MapSchemaEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/schemas/{id}", GetSchema)
            .WithName("GetSchema").WithSummary("A schema by global id, with its references and content hash.")
            .Produces<SchemaResponse>().ProducesErrors(400, 404)
            .Query();

        api.MapGet("/schemas/{id}/schema", GetSchemaContent)
            .WithName("GetSchemaContent").WithSummary("The schema with this id, as is.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 404)
            .Query();

        api.MapGet("/schemas/{id}/versions", GetSchemaVersions)
            .WithName("GetSchemaVersions").WithSummary("The subject versions that use this schema id.")
            .Produces<IReadOnlyList<VersionUsageModel>>().ProducesErrors(400, 404)
            .Query("deleted");
    }

    private static async Task<IResult> GetSchema(string id, SchemaRegistry registry, CancellationToken ct)
    {
        var schema = await registry.GetSchemaAsync(QueryValues.SchemaId(id), ct).ConfigureAwait(false);
        return TypedResults.Json(NativeMapping.Schema(schema), NativeJsonContext.Wire.SchemaResponse);
    }

    private static async Task<IResult> GetSchemaContent(string id, SchemaRegistry registry, CancellationToken ct)
    {
        var schema = await registry.GetSchemaAsync(QueryValues.SchemaId(id), ct).ConfigureAwait(false);
        return TypedResults.Bytes(schema.Content, "application/json");
    }

    private static async Task<IResult> GetSchemaVersions(string id, string? deleted, SchemaRegistry registry, CancellationToken ct)
    {
        var usages = await registry.GetSchemaUsageAsync(QueryValues.SchemaId(id), QueryValues.Flag(deleted, "deleted"), ct).ConfigureAwait(false);
        return TypedResults.Json<IReadOnlyList<VersionUsageModel>>(NativeMapping.Usages(usages), NativeJsonContext.Wire.IReadOnlyListVersionUsageModel);
    }
}
