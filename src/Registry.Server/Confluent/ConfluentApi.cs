using Registry.Engine.Services;
using Registry.Server.Hosting;

namespace Registry.Server.Confluent;

/// <summary>
/// The Confluent Schema Registry REST API at the root paths, so that Confluent's serializers and tools work with a
/// change of URL. Handlers are plain request delegates: they read the query the way Confluent's server does and
/// write bodies from <see cref="ConfluentJsonContext"/>; <see cref="ConfluentPipeline"/> supplies content
/// negotiation and the error bodies. Only JSON Schema is supported; AVRO and PROTOBUF are refused with 42201.
/// </summary>
internal static class ConfluentApi
{
    /// <summary>Adds the API's conventions to the pipeline and maps its endpoints.</summary>
    public static void MapConfluentApi(this WebApplication app)
    {
        app.UseConfluentConventions();
        var h = new ConfluentHandlers(
            app.Services.GetRequiredService<SchemaRegistry>(),
            app.Services.GetRequiredService<ServerOptions>());
        var api = app.MapGroup(string.Empty)
            .WithMetadata(ConfluentEndpointMarker.Instance)
            .ExcludeFromDescription();

        api.MapGet("/", ConfluentHandlers.Root);
        api.MapPost("/", ConfluentHandlers.Root);

        api.MapGet("/subjects", h.ListSubjects);
        api.MapPost("/subjects/{subject}", h.Lookup);
        api.MapDelete("/subjects/{subject}", h.DeleteSubject);
        api.MapGet("/subjects/{subject}/metadata", h.LatestWithMetadata);
        api.MapGet("/subjects/{subject}/versions", h.ListVersions);
        api.MapPost("/subjects/{subject}/versions", h.Register);
        api.MapGet("/subjects/{subject}/versions/{version}", h.GetVersion);
        api.MapDelete("/subjects/{subject}/versions/{version}", h.DeleteVersion);
        api.MapGet("/subjects/{subject}/versions/{version}/schema", h.GetVersionSchema);
        api.MapGet("/subjects/{subject}/versions/{version}/referencedby", h.ReferencedBy);

        api.MapGet("/schemas", h.ListSchemas);
        api.MapGet("/schemas/types", ConfluentHandlers.SchemaTypes);
        api.MapGet("/schemas/ids/{id}", h.GetSchemaById);
        api.MapGet("/schemas/ids/{id}/schema", h.GetSchemaTextById);
        api.MapGet("/schemas/ids/{id}/subjects", h.GetSubjectsById);
        api.MapGet("/schemas/ids/{id}/versions", h.GetVersionsById);

        api.MapPost("/compatibility/subjects/{subject}/versions/{version}", h.CheckAgainstVersion);
        api.MapPost("/compatibility/subjects/{subject}/versions", h.CheckAgainstSubject);

        api.MapGet("/config", h.GetGlobalConfig);
        api.MapPut("/config", h.SetGlobalConfig);
        api.MapDelete("/config", h.DeleteGlobalConfig);
        api.MapGet("/config/{subject}", h.GetSubjectConfig);
        api.MapPut("/config/{subject}", h.SetSubjectConfig);
        api.MapDelete("/config/{subject}", h.DeleteSubjectConfig);

        api.MapGet("/mode", h.GetGlobalMode);
        api.MapPut("/mode", h.SetGlobalMode);
        api.MapDelete("/mode", h.DeleteGlobalMode);
        api.MapGet("/mode/{subject}", h.GetSubjectMode);
        api.MapPut("/mode/{subject}", h.SetSubjectMode);
        api.MapDelete("/mode/{subject}", h.DeleteSubjectMode);

        api.MapGet("/contexts", ConfluentHandlers.Contexts);
        api.MapGet("/v1/metadata/id", ConfluentHandlers.ClusterId);
        api.MapGet("/v1/metadata/version", ConfluentHandlers.ServerVersion);
    }
}

/// <summary>The request delegates of the Confluent API, over one engine.</summary>
internal sealed partial class ConfluentHandlers(SchemaRegistry registry, ServerOptions options)
{
    private readonly SchemaIdResponses _schemaBodies = new();

    private long MaxBodyBytes => options.HttpApi.MaxRequestBodyBytes;
}
