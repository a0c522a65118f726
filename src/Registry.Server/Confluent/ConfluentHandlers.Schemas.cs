using System.Globalization;
using Registry.Engine.Model;
using Registry.Engine.Storage;

namespace Registry.Server.Confluent;

/// <summary>Schemas by id, the schema listing and the supported types.</summary>
internal sealed partial class ConfluentHandlers
{
    private static readonly byte[] TypesBody = "[\"JSON\"]"u8.ToArray();

    /// <summary><c>GET /schemas/types</c></summary>
    public static Task SchemaTypes(HttpContext context) => ConfluentHttp.WriteBytesAsync(context, TypesBody);

    /// <summary>
    /// <c>GET /schemas/ids/{id}</c>: the hot path of every deserializer. A schema whose answer was prepared is answered
    /// synchronously with its bytes. The answer carries the id's data contract (metadata and rule set), which is the
    /// same for every version using the id, so <c>subject</c> (a hint in Confluent) changes nothing; <c>format</c>
    /// and <c>fetchMaxId</c> are ignored: ids are global here and JSON has one format.
    /// </summary>
    public Task GetSchemaById(HttpContext context)
    {
        var pending = registry.GetSchemaAsync(SchemaId(context), context.RequestAborted);
        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitAsync(context, pending);
        }

        var schema = RequireJson(pending.Result, null);
        return _schemaBodies.TryGet(schema, out var body) ? ConfluentHttp.WriteBytesAsync(context, body) : PrepareAsync(context, schema);

        async Task AwaitAsync(HttpContext context, ValueTask<SchemaRecord> pending) =>
            await PrepareAsync(context, RequireJson(await pending.ConfigureAwait(false), null)).ConfigureAwait(false);

        async Task PrepareAsync(HttpContext context, SchemaRecord schema)
        {
            if (!_schemaBodies.TryGet(schema, out var body))
            {
                body = _schemaBodies.Add(schema, await ContractOfAsync(schema.Id, context.RequestAborted).ConfigureAwait(false));
            }

            await ConfluentHttp.WriteBytesAsync(context, body).ConfigureAwait(false);
        }
    }

    /// <summary>The data contract of a schema id: that of any version using it (they share it, being one identity).</summary>
    private async Task<DataContract?> ContractOfAsync(long id, CancellationToken cancellationToken)
    {
        var usages = await registry.GetSchemaUsageAsync(id, includeDeleted: true, cancellationToken).ConfigureAwait(false);
        foreach (var usage in usages)
        {
            try
            {
                var version = await registry.GetVersionAsync(usage.Subject, VersionSelector.Of(usage.Version), includeDeleted: true, cancellationToken).ConfigureAwait(false);
                return version.Info.Metadata.Contract;
            }
            catch (Engine.RegistryException e) when (e.Code is Engine.RegistryErrorCode.VersionNotFound or Engine.RegistryErrorCode.SubjectNotFound)
            {
                // Deleted since it was listed: try the next one.
            }
        }

        return null;
    }

    /// <summary><c>GET /schemas/ids/{id}/schema</c>: the schema document itself.</summary>
    public async Task GetSchemaTextById(HttpContext context)
    {
        var schema = RequireJson(await registry.GetSchemaAsync(SchemaId(context), context.RequestAborted).ConfigureAwait(false), null);
        await ConfluentHttp.WriteBytesAsync(context, schema.Content).ConfigureAwait(false);
    }

    /// <summary><c>GET /schemas/ids/{id}/subjects?deleted=&amp;offset=&amp;limit=</c></summary>
    public async Task GetSubjectsById(HttpContext context)
    {
        var usages = await registry.GetSchemaUsageAsync(SchemaId(context), ConfluentHttp.Flag(context, "deleted"), context.RequestAborted).ConfigureAwait(false);
        var subjects = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var usage in usages)
        {
            subjects.Add(usage.Subject);
        }

        await ConfluentHttp.WriteJsonAsync(context, Page([.. subjects], context, defaultLimit: -1), ConfluentJsonContext.Wire.ListString).ConfigureAwait(false);
    }

    /// <summary><c>GET /schemas/ids/{id}/versions?deleted=&amp;offset=&amp;limit=</c></summary>
    public async Task GetVersionsById(HttpContext context)
    {
        var usages = await registry.GetSchemaUsageAsync(SchemaId(context), ConfluentHttp.Flag(context, "deleted"), context.RequestAborted).ConfigureAwait(false);
        var list = new List<ConfluentSubjectVersion>(usages.Count);
        foreach (var usage in usages)
        {
            list.Add(new ConfluentSubjectVersion(usage.Subject, usage.Version));
        }

        list.Sort(static (a, b) => string.CompareOrdinal(a.Subject, b.Subject) is var c && c != 0 ? c : a.Version.CompareTo(b.Version));
        await ConfluentHttp.WriteJsonAsync(context, Page(list, context, defaultLimit: -1), ConfluentJsonContext.Wire.ListConfluentSubjectVersion).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /schemas?subjectPrefix=&amp;deleted=&amp;latestOnly=&amp;offset=&amp;limit=</c>: versions with their schemas,
    /// by subject then version; at most 1000 per page, as in Confluent.
    /// </summary>
    public async Task ListSchemas(HttpContext context)
    {
        var ct = context.RequestAborted;
        var prefix = ConfluentHttp.Text(context, "subjectPrefix");
        var includeDeleted = ConfluentHttp.Flag(context, "deleted");
        var latestOnly = ConfluentHttp.Flag(context, "latestOnly");
        var skip = Math.Max(0, ConfluentHttp.Integer(context, "offset", 0));
        var limit = ConfluentHttp.Integer(context, "limit", -1);
        limit = limit > 0 && limit <= SearchLimit ? limit : SearchLimit;
        var filter = includeDeleted ? DeletedFilter.Include : DeletedFilter.Exclude;

        var result = new List<ConfluentVersionResponse>();
        var subjects = await PageAsync(
            (offset, take, token) => registry.ListSubjectsAsync(prefix, filter, offset, take, token), 0, -1, ct).ConfigureAwait(false);
        foreach (var subject in subjects)
        {
            IReadOnlyList<VersionRecord> versions;
            try
            {
                versions = await registry.ListVersionsAsync(subject, filter, ct).ConfigureAwait(false);
            }
            catch (Engine.RegistryException e) when (e.Code == Engine.RegistryErrorCode.SubjectNotFound)
            {
                continue; // deleted since it was listed
            }

            for (var i = latestOnly ? versions.Count - 1 : 0; i < versions.Count && i >= 0; i++)
            {
                if (skip > 0)
                {
                    skip--;
                    continue;
                }

                var schema = await registry.GetSchemaAsync(versions[i].SchemaId, ct).ConfigureAwait(false);
                if (!IsJson(schema))
                {
                    break; // A TOOL or AGENT_CARD subject: the Confluent API serves JSON Schema only (a subject's type is fixed).
                }

                result.Add(ConfluentMapping.Version(versions[i], schema));
                if (result.Count == limit)
                {
                    await ConfluentHttp.WriteJsonAsync(context, result, ConfluentJsonContext.Wire.ListConfluentVersionResponse).ConfigureAwait(false);
                    return;
                }
            }
        }

        await ConfluentHttp.WriteJsonAsync(context, result, ConfluentJsonContext.Wire.ListConfluentVersionResponse).ConfigureAwait(false);
    }

    private static bool IsJson(SchemaRecord schema) => string.Equals(schema.SchemaType, "JSON", StringComparison.Ordinal);

    /// <summary>
    /// The one rule of the Confluent API for the registry's artifact types: it serves JSON Schema only, so a TOOL or
    /// AGENT_CARD schema is not found here (40403 by id, 40401 by subject), with a message pointing to the native API;
    /// a Confluent client never receives a schema type it cannot parse.
    /// </summary>
    internal static SchemaRecord RequireJson(SchemaRecord schema, string? subject)
    {
        if (!IsJson(schema))
        {
            if (subject is null)
            {
                ConfluentErrors.Throw(ConfluentErrors.SchemaNotFound,
                    $"Schema {schema.Id} is a {schema.SchemaType}, served by the native API under /v1 only; the Confluent API serves JSON Schema.");
            }

            ConfluentErrors.Throw(ConfluentErrors.SubjectNotFound,
                $"Subject '{subject}' holds {schema.SchemaType} versions, served by the native API under /v1 only; the Confluent API serves JSON Schema.");
        }

        return schema;
    }

    /// <summary>
    /// The id in the path. Not an integer: the path matches nothing in Confluent (404); zero or negative: no such
    /// schema (40403).
    /// </summary>
    private static long SchemaId(HttpContext context)
    {
        var text = ConfluentHttp.Route(context, "id");
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
        {
            ConfluentErrors.Throw(StatusCodes.Status404NotFound, "HTTP 404 Not Found");
        }

        if (id <= 0)
        {
            ConfluentErrors.Throw(ConfluentErrors.SchemaNotFound, $"Schema {id} not found.");
        }

        return id;
    }
}
