using Microsoft.OpenApi;

namespace Registry.Server.Http.Native;

/// <summary>The native JSON API under <c>/v1</c> (the root paths are left to the Confluent-compatible API).</summary>
internal static class NativeApi
{
    public const string Prefix = "/v1";

    public static void MapNativeApi(this IEndpointRouteBuilder routes)
    {
        // Endpoints read no query parameter unless they declare it with Query(...): any other is refused.
        var api = routes.MapGroup(Prefix).WithTags("registry").Query();
        api.MapSubjectEndpoints();
        api.MapSchemaEndpoints();
        api.MapConfigEndpoints();
        api.MapValidationEndpoints();
        api.MapBackupEndpoints();
        api.MapOutputEndpoints();
        api.MapProfileEndpoints();
        api.MapAliasEndpoints();
        api.MapToolSetEndpoints();

        // Requests that match nothing get their JSON 404 (or 405 with Allow) from ErrorHandling, which sees what
        // routing decided; a fallback route here would turn every wrong method into a 404.
    }

    /// <summary>
    /// Documents a JSON request body of type <typeparamref name="T"/>. Unlike <c>Accepts</c>, this adds no content-type
    /// constraint to routing, so a body of the wrong type reaches the handler and gets the API's own 415.
    /// </summary>
    public static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(static async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken).ConfigureAwait(false);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = new() { Schema = schema } },
            };
        });

    /// <summary>Declares the error statuses an endpoint may answer, all with an <see cref="ErrorResponse"/> body.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<ErrorResponse>(status);
        }

        return builder;
    }
}
