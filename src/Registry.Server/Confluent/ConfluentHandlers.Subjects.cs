using Registry.Engine;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage;

namespace Registry.Server.Confluent;

/// <summary>Subjects and their versions.</summary>
internal sealed partial class ConfluentHandlers
{
    /// <summary>Index of the subject in <c>/subjects/{subject}/...</c>.</summary>
    private const int SubjectSegment = 1;

    /// <summary><c>GET /subjects?subjectPrefix=&amp;deleted=&amp;deletedOnly=&amp;offset=&amp;limit=</c></summary>
    public async Task ListSubjects(HttpContext context)
    {
        var prefix = ConfluentHttp.Text(context, "subjectPrefix");
        if (prefix is ":*:" or ":.:")
        {
            // All contexts, or the default one: this registry has only the default context.
            prefix = null;
        }

        var filter = Deletion(context);
        var subjects = await PageAsync(
            (offset, limit, ct) => registry.ListSubjectsAsync(prefix, filter, offset, limit, ct),
            Math.Max(0, ConfluentHttp.Integer(context, "offset", 0)),
            ConfluentHttp.Integer(context, "limit", -1),
            context.RequestAborted).ConfigureAwait(false);
        await ConfluentHttp.WriteJsonAsync(context, subjects, ConfluentJsonContext.Wire.ListString).ConfigureAwait(false);
    }

    /// <summary><c>POST /subjects/{subject}?normalize=&amp;deleted=</c>: the version holding a schema.</summary>
    public async Task Lookup(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, SubjectSegment);
        var includeDeleted = ConfluentHttp.Flag(context, "deleted");
        var request = await ConfluentHttp.ReadJsonAsync(context, MaxBodyBytes, ConfluentBodies.Schema, ConfluentJsonContext.Wire.ConfluentSchemaRequest).ConfigureAwait(false);
        var input = await InputAsync(request, context.RequestAborted).ConfigureAwait(false);
        SubjectVersion found;
        try
        {
            found = await registry.LookupAsync(subject, input, includeDeleted, context.RequestAborted).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.SchemaNotFound && !includeDeleted)
        {
            // A subject whose versions are all soft-deleted is not found unless deleted ones were asked for.
            await RequireLiveSubjectAsync(subject, context.RequestAborted).ConfigureAwait(false);
            throw;
        }

        await ConfluentHttp.WriteJsonAsync(context, ConfluentMapping.Version(found), ConfluentJsonContext.Wire.ConfluentVersionResponse).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /subjects/{subject}/metadata?key=K&amp;value=V...&amp;deleted=</c>: the newest version whose metadata
    /// properties hold every key-value pair (Confluent's getLatestWithMetadata; pairs are matched up by position, a key
    /// without a value is ignored). No such version: 40403; no such subject (or all soft-deleted without
    /// <c>deleted=true</c>): 40401.
    /// </summary>
    public async Task LatestWithMetadata(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, SubjectSegment);
        var includeDeleted = ConfluentHttp.Flag(context, "deleted");
        var keys = context.Request.Query["key"];
        var values = context.Request.Query["value"];
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(keys.Count, values.Count); i++)
        {
            wanted[keys[i] ?? string.Empty] = values[i] ?? string.Empty;
        }

        SubjectVersion found;
        try
        {
            found = await registry.GetLatestWithMetadataAsync(subject, wanted, includeDeleted, context.RequestAborted).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.SchemaNotFound && !includeDeleted)
        {
            await RequireLiveSubjectAsync(subject, context.RequestAborted).ConfigureAwait(false);
            throw;
        }

        RequireJson(found.Schema, subject);
        await ConfluentHttp.WriteJsonAsync(context, ConfluentMapping.Version(found), ConfluentJsonContext.Wire.ConfluentVersionResponse).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /subjects/{subject}?permanent=</c>: the version numbers deleted.</summary>
    public async Task DeleteSubject(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, SubjectSegment);
        var deleted = await registry.DeleteSubjectAsync(subject, ConfluentHttp.Flag(context, "permanent"), context.RequestAborted).ConfigureAwait(false);
        await ConfluentHttp.WriteJsonAsync(context, [.. deleted], ConfluentJsonContext.Wire.ListInt32).ConfigureAwait(false);
    }

    /// <summary><c>GET /subjects/{subject}/versions?deleted=&amp;deletedOnly=&amp;deletedAsNegative=&amp;offset=&amp;limit=</c></summary>
    public async Task ListVersions(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, SubjectSegment);
        var versions = await registry.ListVersionsAsync(subject, Deletion(context), context.RequestAborted).ConfigureAwait(false);
        var negative = ConfluentHttp.Flag(context, "deletedAsNegative");
        var numbers = new List<int>(versions.Count);
        foreach (var version in versions)
        {
            numbers.Add(negative && version.IsDeleted ? -version.Version : version.Version);
        }

        await ConfluentHttp.WriteJsonAsync(context, Page(numbers, context, defaultLimit: -1), ConfluentJsonContext.Wire.ListInt32).ConfigureAwait(false);
    }

    /// <summary><c>POST /subjects/{subject}/versions?normalize=</c>: registers a schema.</summary>
    public async Task Register(HttpContext context)
    {
        var ct = context.RequestAborted;
        var subject = ConfluentHttp.WriteSubject(context, SubjectSegment);
        var request = await ConfluentHttp.ReadJsonAsync(context, MaxBodyBytes, ConfluentBodies.Schema, ConfluentJsonContext.Wire.ConfluentSchemaRequest).ConfigureAwait(false);
        var input = await InputAsync(request, ct).ConfigureAwait(false);
        var result = await registry.RegisterAsync(new SchemaRegistration
        {
            Subject = subject,
            Schema = input.Schema,
            SchemaType = input.SchemaType,
            References = input.References ?? [],
            Contract = input.Contract,
            Normalize = ConfluentHttp.Flag(context, "normalize"),
            Id = request.Id is > 0 ? request.Id : null,
            Version = request.Version is > 0 ? request.Version : null,
            DefaultDraft = input.DefaultDraft,
        }, ct).ConfigureAwait(false);

        var registered = await registry.GetVersionAsync(subject, VersionSelector.Of(result.Version), includeDeleted: true, ct).ConfigureAwait(false);
        var contract = registered.Info.Metadata.Contract;
        await ConfluentHttp.WriteJsonAsync(context, new ConfluentRegisterResponse
        {
            Id = result.SchemaId,
            Version = result.Version,
            References = ConfluentMapping.References(registered.Schema.References),
            Metadata = ConfluentMapping.Metadata(contract?.Metadata),
            RuleSet = ConfluentMapping.RuleSet(contract?.RuleSet),
            Schema = ConfluentMapping.Text(registered.Schema),
        }, ConfluentJsonContext.Wire.ConfluentRegisterResponse).ConfigureAwait(false);
    }

    /// <summary><c>GET /subjects/{subject}/versions/{version}?deleted=</c> (<c>latest</c> and <c>-1</c> too).</summary>
    public async Task GetVersion(HttpContext context)
    {
        var found = await FindVersionAsync(context).ConfigureAwait(false);
        await ConfluentHttp.WriteJsonAsync(context, ConfluentMapping.Version(found), ConfluentJsonContext.Wire.ConfluentVersionResponse).ConfigureAwait(false);
    }

    /// <summary><c>GET /subjects/{subject}/versions/{version}/schema</c>: the schema document itself.</summary>
    public async Task GetVersionSchema(HttpContext context)
    {
        var found = await FindVersionAsync(context).ConfigureAwait(false);
        await ConfluentHttp.WriteBytesAsync(context, found.Schema.Content).ConfigureAwait(false);
    }

    /// <summary><c>GET /subjects/{subject}/versions/{version}/referencedby?deleted=&amp;offset=&amp;limit=</c>: ids of referrers.</summary>
    public async Task ReferencedBy(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, SubjectSegment);
        var version = VersionSelector.Parse(ConfluentHttp.Route(context, "version"));
        var referrers = await registry.GetReferencedByAsync(subject, version, ConfluentHttp.Flag(context, "deleted"), context.RequestAborted).ConfigureAwait(false);
        var ids = new List<long>(referrers.Count);
        foreach (var referrer in referrers)
        {
            ids.Add(referrer.SchemaId);
        }

        ids.Sort();
        await ConfluentHttp.WriteJsonAsync(context, Page(ids, context, defaultLimit: SearchLimit), ConfluentJsonContext.Wire.ListInt64).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /subjects/{subject}/versions/{version}?permanent=</c>: the version number deleted.</summary>
    public async Task DeleteVersion(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, SubjectSegment);
        var version = VersionSelector.Parse(ConfluentHttp.Route(context, "version"));
        var deleted = await registry.DeleteVersionAsync(subject, version, ConfluentHttp.Flag(context, "permanent"), context.RequestAborted).ConfigureAwait(false);
        await ConfluentHttp.WriteIntegerAsync(context, deleted).ConfigureAwait(false);
    }

    private async Task<SubjectVersion> FindVersionAsync(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, SubjectSegment);
        var version = VersionSelector.Parse(ConfluentHttp.Route(context, "version"));
        var includeDeleted = ConfluentHttp.Flag(context, "deleted");
        try
        {
            var found = await registry.GetVersionAsync(subject, version, includeDeleted, context.RequestAborted).ConfigureAwait(false);
            RequireJson(found.Schema, subject);
            return found;
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.VersionNotFound && !includeDeleted)
        {
            // As in Confluent: a subject with no live version is itself not found, unless deleted ones were asked for.
            await RequireLiveSubjectAsync(subject, context.RequestAborted).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RequireLiveSubjectAsync(string subject, CancellationToken cancellationToken) =>
        await registry.ListVersionsAsync(subject, DeletedFilter.Exclude, cancellationToken).ConfigureAwait(false);

    private static DeletedFilter Deletion(HttpContext context) =>
        ConfluentHttp.Flag(context, "deletedOnly") ? DeletedFilter.Only
        : ConfluentHttp.Flag(context, "deleted") ? DeletedFilter.Include
        : DeletedFilter.Exclude;

    /// <summary>Default and largest page of <c>GET /schemas</c> and <c>/referencedby</c>, as in Confluent.</summary>
    private const int SearchLimit = 1000;

    /// <summary>
    /// <c>offset</c> and <c>limit</c> over a sorted list: a negative offset is 0; a limit outside 1..max is the default
    /// (-1: everything).
    /// </summary>
    private static List<T> Page<T>(List<T> items, HttpContext context, int defaultLimit)
    {
        var offset = Math.Max(0, ConfluentHttp.Integer(context, "offset", 0));
        var limit = ConfluentHttp.Integer(context, "limit", -1);
        var max = defaultLimit > 0 ? defaultLimit : int.MaxValue;
        limit = limit > 0 && limit <= max ? limit : max;
        if (offset == 0 && limit >= items.Count)
        {
            return items;
        }

        return offset >= items.Count ? [] : items.GetRange(offset, Math.Min(limit, items.Count - offset));
    }

    /// <summary>Collects a paged engine listing across the engine's own page limit (Confluent lists everything by default).</summary>
    private async Task<List<string>> PageAsync(
        Func<int, int, CancellationToken, Task<IReadOnlyList<string>>> list, int offset, int limit, CancellationToken cancellationToken)
    {
        var remaining = limit > 0 ? limit : int.MaxValue;
        var page = registry.Options.MaxListLimit;
        var all = new List<string>();
        while (remaining > 0)
        {
            var take = Math.Min(remaining, page);
            var names = await list(offset, take, cancellationToken).ConfigureAwait(false);
            all.AddRange(names);
            if (names.Count < take)
            {
                break;
            }

            offset += names.Count;
            remaining -= names.Count;
        }

        return all;
    }
}
