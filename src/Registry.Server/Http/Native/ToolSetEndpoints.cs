using System.Buffers;
using System.Text.Json;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Server.Hosting;

namespace Registry.Server.Http.Native;

/// <summary>
/// Named tool sets: create or replace, read (or export in a provider's tools format), list, delete, and check as one
/// request per profile. The rules are the engine's; this only reads requests and writes results.
/// </summary>
internal static class ToolSetEndpoints
{
    public static void MapToolSetEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/toolsets", List)
            .WithName("ListToolSets").WithSummary("The names of the tool sets.")
            .Produces<IReadOnlyList<string>>();
        api.MapGet("/toolsets/{name}", Get)
            .WithName("GetToolSet").Query("format", "transform")
            .WithSummary("A tool set as stored; with ?format=openai|anthropic|gemini|mcp, its tools in that provider's format (transform=true: strict tools in the format's strict form).")
            .Produces<ToolSetResponse>().ProducesErrors(400, 404, 422);
        api.MapPut("/toolsets/{name}", Put)
            .WithName("PutToolSet").WithSummary("Creates or replaces a tool set: {\"tools\": [{\"subject\", \"version\", \"name\", \"description\", \"strict\"}]}.")
            .JsonBody<ToolSetRequest>()
            .Produces<ToolSetResponse>().Produces<ToolSetResponse>(StatusCodes.Status201Created).ProducesErrors(400, 404, 415, 422);
        api.MapDelete("/toolsets/{name}", Delete)
            .WithName("DeleteToolSet").WithSummary("Removes a tool set.")
            .Produces(StatusCodes.Status204NoContent).ProducesErrors(400, 404, 422);
        api.MapPost("/toolsets/{name}/check", Check)
            .WithName("CheckToolSet").Query("profile")
            .WithSummary("Checks the set as one request against ?profile= (every profile when absent): each tool, the tool names, and per-request totals.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesErrors(400, 404, 422);
    }

    private static async Task<IResult> List(SchemaRegistry registry, CancellationToken ct)
    {
        var names = await registry.ListToolSetsAsync(ct).ConfigureAwait(false);
        return TypedResults.Json(names, NativeJsonContext.Wire.IReadOnlyListString);
    }

    private static async Task<IResult> Get(string name, string? format, string? transform, SchemaRegistry registry, CancellationToken ct)
    {
        if (format is not null)
        {
            var exported = await registry.ExportToolSetAsync(name, format, QueryValues.Flag(transform, "transform"), ct).ConfigureAwait(false);
            return TypedResults.Bytes(exported, "application/json");
        }

        var set = await registry.GetToolSetAsync(name, ct).ConfigureAwait(false);
        return TypedResults.Json(Response(set), NativeJsonContext.Wire.ToolSetResponse);
    }

    private static async Task<IResult> Put(string name, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.ToolSet, NativeJsonContext.Wire.ToolSetRequest, ct).ConfigureAwait(false);
        var members = new List<ToolSetMember>(model.Tools.Count);
        foreach (var tool in model.Tools)
        {
            if (tool is null)
            {
                throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", "A tool of the set is null.");
            }

            members.Add(new ToolSetMember(tool.Subject, tool.Version ?? "latest", tool.Name ?? tool.Subject, tool.Description, tool.Strict ?? true));
        }

        var by = request.HttpContext.User.Identity?.IsAuthenticated == true ? request.HttpContext.User.Identity.Name : null;
        var (set, created) = await registry.PutToolSetAsync(name, members, by, ct).ConfigureAwait(false);
        var response = Response(set);
        return created
            ? TypedResults.Json(response, NativeJsonContext.Wire.ToolSetResponse, statusCode: StatusCodes.Status201Created)
            : TypedResults.Json(response, NativeJsonContext.Wire.ToolSetResponse);
    }

    private static async Task<IResult> Delete(string name, SchemaRegistry registry, CancellationToken ct)
    {
        await registry.DeleteToolSetAsync(name, ct).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Check(string name, string? profile, SchemaRegistry registry, CancellationToken ct)
    {
        var (set, reports) = await registry.CheckToolSetAsync(name, profile is null ? [] : [profile], ct).ConfigureAwait(false);
        return TypedResults.Bytes(CheckJson(set, reports), "application/json");
    }

    /// <summary>The answer of a check, <c>{"name", "accepted", "reports": [...]}</c>: the HTTP body, and the binary TOOLSET CHECK's result.</summary>
    internal static byte[] CheckJson(ToolSetRecord set, IReadOnlyList<Registry.Schemas.Profiles.Tools.ToolSetReport> reports)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("name", set.Name);
            var accepted = true;
            foreach (var report in reports)
            {
                accepted &= report.IsAccepted;
            }

            w.WriteBoolean("accepted", accepted);
            w.WriteStartArray("reports");
            foreach (var report in reports)
            {
                report.WriteTo(w);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }

    private static ToolSetResponse Response(ToolSetRecord set)
    {
        var tools = new List<ToolSetMemberModel>(set.Tools.Count);
        foreach (var t in set.Tools)
        {
            tools.Add(new ToolSetMemberModel { Subject = t.Subject, Version = t.Version, Name = t.Name, Description = t.Description, Strict = t.Strict });
        }

        return new ToolSetResponse { Name = set.Name, Tools = tools, UpdatedAt = set.UpdatedAt, UpdatedBy = set.UpdatedBy };
    }
}
