using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Protocol;
using Registry.Protocol.Messages;
using EngineTarget = Registry.Engine.Services.ValidationTarget;
using P = Registry.Protocol.Messages;

namespace Registry.Server.Binary;

/// <summary>
/// The operations that may reach the store, run off the connection's read loop. Each takes a request that owns its
/// data (read out of the frame before the frame's buffer was released) and returns the response body; failures are
/// exceptions, turned into error responses by <see cref="ErrorResponses"/>.
/// </summary>
internal sealed class RegistryOperations(SchemaRegistry registry)
{
    public async Task<IResponseBody> GetSchemaAsync(int id, int protocolVersion, CancellationToken cancellationToken)
    {
        var schema = await registry.GetSchemaAsync(id, cancellationToken).ConfigureAwait(false);
        EngineMapping.RequireReadable(schema, protocolVersion);
        return new SchemaBody(schema);
    }

    public async Task<IResponseBody> GetVersionAsync(GetVersionRequest request, int protocolVersion, CancellationToken cancellationToken)
    {
        var version = await registry.GetVersionAsync(
            request.Subject, EngineMapping.Version(request.Version, request.Alias), request.IncludeDeleted, cancellationToken).ConfigureAwait(false);
        EngineMapping.RequireReadable(version.Schema, protocolVersion);
        return EngineMapping.Version(version);
    }

    public async Task<IResponseBody> ListSubjectsAsync(ListSubjectsRequest request, CancellationToken cancellationToken)
    {
        var filter = request.IncludeDeleted ? DeletedFilter.Include : DeletedFilter.Exclude;
        var max = registry.Options.MaxListLimit;
        var limit = Math.Min(request.Limit, max);

        // One more than the page tells whether more follow; at the engine's maximum page, a second query asks.
        var page = await registry.ListSubjectsAsync(request.Prefix, filter, request.Offset, Math.Min(limit + 1, max), cancellationToken)
            .ConfigureAwait(false);
        bool hasMore;
        if (page.Count > limit)
        {
            hasMore = true;
            var trimmed = new string[limit];
            for (var i = 0; i < trimmed.Length; i++)
            {
                trimmed[i] = page[i];
            }

            page = trimmed;
        }
        else if (page.Count == limit && (long)request.Offset + limit <= int.MaxValue)
        {
            var next = await registry.ListSubjectsAsync(request.Prefix, filter, request.Offset + limit, 1, cancellationToken).ConfigureAwait(false);
            hasMore = next.Count > 0;
        }
        else
        {
            hasMore = false;
        }

        return new ListSubjectsResponse { Subjects = page, HasMore = hasMore };
    }

    public async Task<IResponseBody> ListVersionsAsync(ListVersionsRequest request, CancellationToken cancellationToken)
    {
        var versions = await registry.ListVersionsAsync(
            request.Subject, request.IncludeDeleted ? DeletedFilter.Include : DeletedFilter.Exclude, cancellationToken).ConfigureAwait(false);
        var numbers = new int[versions.Count];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = versions[i].Version;
        }

        return new VersionListResponse { Versions = numbers };
    }

    public async Task<IResponseBody> RegisterAsync(RegisterRequest request, string? createdBy, CancellationToken cancellationToken)
    {
        var result = await registry.RegisterAsync(
            new SchemaRegistration
            {
                Subject = request.Subject,
                Schema = request.Schema,
                SchemaType = EngineMapping.SchemaTypeName(request.SchemaType),
                References = EngineMapping.References(request.References),
                Metadata = EngineMapping.Metadata(request.Metadata),
                Semver = request.SemVer,
                InitialState = (Engine.Model.LifecycleState)(request.State ?? P.LifecycleState.Active),
                CreatedBy = createdBy,
                Id = request.ImportSchemaId,
                Version = request.ImportVersion,
            },
            cancellationToken).ConfigureAwait(false);
        return new RegisterResponse
        {
            SchemaId = EngineMapping.SchemaId(result.SchemaId),
            Version = result.Version,
            SuggestedBump = (P.VersionBump)result.SuggestedBump,
            Created = result.Created,
        };
    }

    public async Task<IResponseBody> CheckCompatibilityAsync(CheckCompatibilityRequest request, CancellationToken cancellationToken)
    {
        var input = new SchemaInput(request.Schema, EngineMapping.SchemaTypeName(request.SchemaType), EngineMapping.References(request.References));
        Engine.Model.VersionSelector? against = request.Version is { } v ? EngineMapping.Version(v) : null;
        var report = await registry.CheckCompatibilityAsync(request.Subject, input, against, cancellationToken).ConfigureAwait(false);
        return new CheckCompatibilityResponse
        {
            IsCompatible = report.IsCompatible,
            SuggestedBump = (P.VersionBump)report.SuggestedBump,
            Differences = ErrorResponses.Differences(report.Differences),
        };
    }

    /// <summary>
    /// Validation that could not be answered on the read loop: against a subject's version (resolved in the store), or
    /// against a schema id whose validator was not warm. The engine applies every rule; this only writes the answer.
    /// </summary>
    public async Task<IResponseBody> ValidateAsync(
        EngineTarget target, IReadOnlyList<ReadOnlyMemory<byte>> documents, int maxErrors, bool batch, CancellationToken cancellationToken)
    {
        var validation = await registry.ValidateBatchAsync(
            target, documents, Math.Min(maxErrors, ProtocolLimits.MaxErrorsPerDocument), cancellationToken).ConfigureAwait(false);
        return new ValidationBody(EngineMapping.SchemaId(validation.SchemaId), validation.Warning, validation.Results, maxErrors, batch);
    }

    public async Task<IResponseBody> UpdateVersionAsync(UpdateVersionRequest request, CancellationToken cancellationToken)
    {
        var updated = await registry.UpdateVersionAsync(
            request.Subject,
            EngineMapping.Version(request.Version),
            new VersionChange
            {
                State = (Engine.Model.LifecycleState?)request.State,
                Semver = request.SemVer,
                Metadata = request.Metadata is null ? null : EngineMapping.Metadata(request.Metadata),
                Deprecation = request.Deprecation is null ? null : EngineMapping.Deprecation(request.Deprecation),
            },
            cancellationToken).ConfigureAwait(false);
        return EngineMapping.Info(updated.Info);
    }

    public async Task<IResponseBody> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        if (request.Version is { } version)
        {
            var deleted = await registry.DeleteVersionAsync(request.Subject, EngineMapping.Version(version), request.Permanent, cancellationToken)
                .ConfigureAwait(false);
            return new VersionListResponse { Versions = [deleted] };
        }

        var versions = await registry.DeleteSubjectAsync(request.Subject, request.Permanent, cancellationToken).ConfigureAwait(false);
        return new VersionListResponse { Versions = versions };
    }

    public async Task<IResponseBody> GetConfigAsync(GetConfigRequest request, CancellationToken cancellationToken)
    {
        if (request.Effective)
        {
            return EngineMapping.Config(await registry.GetEffectiveConfigAsync(request.Subject, cancellationToken).ConfigureAwait(false));
        }

        return EngineMapping.Config(await registry.GetConfigAsync(request.Subject, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// SET_CONFIG changes the mode and the compatibility settings through two engine calls. Leaving READONLY goes first
    /// and entering it last, so that one request may both lift READONLY and change the level (or change the level and
    /// then close the scope); a READONLY scope refuses a level change on its own (the engine's rule).
    /// </summary>
    public async Task<IResponseBody> SetConfigAsync(SetConfigRequest request, CancellationToken cancellationToken)
    {
        var mode = (Engine.Model.RegistryMode?)request.Mode;
        var readOnlyLast = mode == Engine.Model.RegistryMode.ReadOnly;
        if (mode is { } early && !readOnlyLast)
        {
            await registry.SetModeAsync(request.Subject, early, force: false, cancellationToken).ConfigureAwait(false);
        }

        if (request.Level is not null || request.Policy is not null)
        {
            await registry.SetCompatibilityAsync(
                request.Subject, (Schemas.Compatibility.CompatibilityLevel?)request.Level, (Schemas.Compatibility.CompatibilityPolicy?)request.Policy,
                cancellationToken).ConfigureAwait(false);
        }

        if (readOnlyLast)
        {
            await registry.SetModeAsync(request.Subject, Engine.Model.RegistryMode.ReadOnly, force: false, cancellationToken).ConfigureAwait(false);
        }

        return EngineMapping.Config(await registry.GetConfigAsync(request.Subject, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>LINT: one engine lint per profile named, of the schema sent or of the registered version.</summary>
    public async Task<IResponseBody> LintAsync(LintRequest request, CancellationToken cancellationToken)
    {
        var results = new ProfileLintReport[request.Profiles.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var profile = request.Profiles[i];
            var result = request.Schema is { } schema
                ? await registry.LintAsync(new SchemaInput(schema), profile, cancellationToken).ConfigureAwait(false)
                : (await registry.LintVersionAsync(request.Subject!, EngineMapping.Version(request.Version, request.Alias), profile, cancellationToken).ConfigureAwait(false)).Result;
            results[i] = EngineMapping.Lint(result);
        }

        return new LintResponse { Results = results };
    }

    /// <summary>
    /// CHECK_OUTPUT: the engine's check, answered with the JSON result HTTP <c>check-output</c> writes (one writer for
    /// both). A check stopped by a size, nesting or work limit is TOO_LARGE, as HTTP answers it with 400 limit_exceeded.
    /// </summary>
    public async Task<IResponseBody> CheckOutputAsync(CheckOutputRequest request, CancellationToken cancellationToken)
    {
        var options = new Schemas.Output.ModelOutputOptions
        {
            Extract = request.Extract,
            Repairs = Http.Native.OutputEndpoints.Repairs(request.Repair),
            PreferValid = request.PreferValid,
            Partial = request.Partial,
            Feedback = request.Feedback,
            MaxErrors = request.MaxErrors,
        };
        var target = request.Subject is { } subject
            ? EngineTarget.ByVersion(subject, EngineMapping.Version(request.Version, request.Alias))
            : EngineTarget.ById(request.SchemaId ?? 0);
        var check = await registry.CheckOutputAsync(target, request.Output, options, request.Profile, cancellationToken).ConfigureAwait(false);
        if (Http.Native.OutputEndpoints.LimitMessage(check) is { } message)
        {
            throw new ProtocolException(StatusCode.TooLarge, message);
        }

        return new CheckOutputResponse
        {
            SchemaId = EngineMapping.SchemaId(check.SchemaId),
            Verdict = Schemas.Output.ModelOutputJson.VerdictName(check.Result.Verdict),
            Valid = check.Result.IsValid,
            Result = Http.Native.OutputEndpoints.ResultJson(check, request.ToolCallId).WrittenMemory,
        };
    }

    /// <summary>
    /// TOOLSET: the engine's tool-set operations (its rules, its errors), translated. CHECK and EXPORT answer with the
    /// JSON the HTTP endpoints write, from the same writers.
    /// </summary>
    public async Task<IResponseBody> ToolSetAsync(ToolSetRequest request, string? by, CancellationToken cancellationToken)
    {
        switch (request.Action)
        {
            case ToolSetAction.List:
                return new P.ToolSetResponse { Names = await registry.ListToolSetsAsync(cancellationToken).ConfigureAwait(false) };
            case ToolSetAction.Get:
                return new P.ToolSetResponse { Set = EngineMapping.ToolSet(await registry.GetToolSetAsync(request.Name!, cancellationToken).ConfigureAwait(false)) };
            case ToolSetAction.Put:
            {
                var tools = request.Tools!;
                var members = new List<ToolSetMember>(tools.Count);
                foreach (var tool in tools)
                {
                    members.Add(new ToolSetMember(tool.Subject, tool.Version, tool.Name, tool.Description, tool.Strict));
                }

                var (set, created) = await registry.PutToolSetAsync(request.Name!, members, by, cancellationToken).ConfigureAwait(false);
                return new P.ToolSetResponse { Set = EngineMapping.ToolSet(set), Created = created };
            }

            case ToolSetAction.Delete:
                await registry.DeleteToolSetAsync(request.Name!, cancellationToken).ConfigureAwait(false);
                return new P.ToolSetResponse();
            case ToolSetAction.Check:
            {
                var (set, reports) = await registry.CheckToolSetAsync(request.Name!, request.Profiles, cancellationToken).ConfigureAwait(false);
                return new P.ToolSetResponse { Result = Http.Native.ToolSetEndpoints.CheckJson(set, reports) };
            }

            default:
                return new P.ToolSetResponse
                {
                    Result = await registry.ExportToolSetAsync(request.Name!, request.Format, request.Transform, cancellationToken).ConfigureAwait(false),
                };
        }
    }

    public async Task<IResponseBody> ListSchemaUsagesAsync(int id, CancellationToken cancellationToken)
        => EngineMapping.Usages(await registry.GetSchemaUsageAsync(id, includeDeleted: false, cancellationToken).ConfigureAwait(false));

    public async Task<IResponseBody> ListReferencedByAsync(ListReferencedByRequest request, CancellationToken cancellationToken)
        => EngineMapping.Usages(await registry.GetReferencedByAsync(
            request.Subject, EngineMapping.Version(request.Version), includeDeleted: false, cancellationToken).ConfigureAwait(false));
}

/// <summary>GET_SCHEMA_BY_ID's response body from an engine record (the path taken after a cache miss).</summary>
internal sealed class SchemaBody(SchemaRecord schema) : IResponseBody
{
    public void Write(ref MessagePack.MessagePackWriter writer) => Write(ref writer, schema);

    /// <summary>Writes the body without converting anything: the hot path uses this directly.</summary>
    public static void Write(ref MessagePack.MessagePackWriter writer, SchemaRecord schema)
    {
        writer.WriteArrayHeader(4);
        writer.Write(EngineMapping.SchemaId(schema.Id));
        SchemaTypes.Write(ref writer, EngineMapping.SchemaType(schema.SchemaType));
        writer.Write(schema.Content.Span);
        EngineMapping.WriteReferences(ref writer, schema.References);
    }
}
