using Registry.Engine;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage;
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
    public async Task<IResponseBody> GetSchemaAsync(int id, CancellationToken cancellationToken)
    {
        var schema = await registry.GetSchemaAsync(id, cancellationToken).ConfigureAwait(false);
        return new SchemaBody(schema);
    }

    public async Task<IResponseBody> GetVersionAsync(GetVersionRequest request, CancellationToken cancellationToken)
    {
        var version = await registry.GetVersionAsync(
            request.Subject, EngineMapping.Version(request.Version), request.IncludeDeleted, cancellationToken).ConfigureAwait(false);
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
        var state = request.State ?? P.LifecycleState.Active;
        if (state is not (P.LifecycleState.Active or P.LifecycleState.Draft))
        {
            RegistryThrow.InvalidRequest("A new version starts as DRAFT or ACTIVE.");
        }

        var result = await registry.RegisterAsync(
            new SchemaRegistration
            {
                Subject = request.Subject,
                Schema = request.Schema,
                SchemaType = EngineMapping.SchemaTypeName(request.SchemaType),
                References = EngineMapping.References(request.References),
                Metadata = EngineMapping.Metadata(request.Metadata),
                Semver = request.SemVer,
                InitialState = (Engine.Model.LifecycleState)state,
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
            Differences = ErrorResponses.Differences(report.Differences, report.ComparedVersions),
        };
    }

    /// <summary>
    /// Validation that could not be answered on the read loop: against a subject's version (resolved in the store),
    /// or against a schema id whose validator was not warm (<paramref name="lease"/> still pending).
    /// </summary>
    public async Task<IResponseBody> ValidateAsync(
        Task<ValidatorLease>? lease, string? subject, int version, IReadOnlyList<ReadOnlyMemory<byte>> documents, int maxErrors, bool batch, CancellationToken cancellationToken)
    {
        var engineCap = registry.Options.MaxValidationErrors;
        if (lease is null)
        {
            var validation = await registry.ValidateBatchAsync(
                EngineTarget.ByVersion(subject!, EngineMapping.Version(version)), documents, cancellationToken).ConfigureAwait(false);
            return new ValidationBody(EngineMapping.SchemaId(validation.SchemaId), validation.Warning, validation.Results, maxErrors, batch);
        }

        var validator = await lease.ConfigureAwait(false);
        var results = new Schemas.Validation.ValidationResult[documents.Count];
        var budget = new Schemas.WorkBudget(registry.Options.Limits.Work, cancellationToken); // one for the whole batch
        for (var i = 0; i < results.Length; i++)
        {
            var document = documents[i].Span;
            results[i] = maxErrors == 0
                ? ValidationBody.Verdict(validator.Schema.Evaluate(document, budget))
                : validator.Schema.Validate(document, ValidationBody.Cap(maxErrors, engineCap), budget);
        }

        return new ValidationBody(EngineMapping.SchemaId(validator.SchemaId), validator.Warning, results, maxErrors, batch);
    }

    public async Task<IResponseBody> UpdateVersionAsync(UpdateVersionRequest request, CancellationToken cancellationToken)
    {
        var subject = request.Subject;
        var selector = EngineMapping.Version(request.Version);
        Engine.Model.SubjectVersion? current = null;
        if (selector.IsLatest || request.SemVer is not null || (request.State is null && request.Deprecation is not null))
        {
            // Every step below must act on the same version, even if a registration moves "latest" meanwhile.
            current = await registry.GetVersionAsync(subject, selector, includeDeleted: false, cancellationToken).ConfigureAwait(false);
            selector = Engine.Model.VersionSelector.Of(current.Version);
        }

        if (request.SemVer is not null && !string.Equals(request.SemVer, current!.Info.Semver, StringComparison.Ordinal))
        {
            RegistryThrow.InvalidRequest("The semantic-version label of an existing version cannot be changed; register a new version.");
        }

        if (request.Metadata is not null)
        {
            current = await registry.UpdateMetadataAsync(subject, selector, EngineMapping.Metadata(request.Metadata), cancellationToken).ConfigureAwait(false);
        }

        var deprecation = request.Deprecation is null ? null : EngineMapping.Deprecation(request.Deprecation);
        if (request.State is { } state)
        {
            current = await registry.ChangeStateAsync(subject, selector, (Engine.Model.LifecycleState)state, deprecation, cancellationToken).ConfigureAwait(false);
        }
        else if (deprecation is not null)
        {
            // New deprecation details for a version that is already deprecated (or archived): same state, new details.
            var now = current!.Info.State;
            if (now is not (Engine.Model.LifecycleState.Deprecated or Engine.Model.LifecycleState.Archived))
            {
                RegistryThrow.InvalidRequest("Deprecation details apply to a DEPRECATED or ARCHIVED version; change the state to DEPRECATED with them.");
            }

            current = await registry.ChangeStateAsync(subject, selector, now, deprecation, cancellationToken).ConfigureAwait(false);
        }

        current ??= await registry.GetVersionAsync(subject, selector, includeDeleted: false, cancellationToken).ConfigureAwait(false);
        return EngineMapping.Info(current.Info);
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

    public async Task<IResponseBody> SetConfigAsync(SetConfigRequest request, CancellationToken cancellationToken)
    {
        if (request.Level is not null || request.Policy is not null)
        {
            await registry.SetCompatibilityAsync(
                request.Subject, (Schemas.Compatibility.CompatibilityLevel?)request.Level, (Schemas.Compatibility.CompatibilityPolicy?)request.Policy,
                cancellationToken).ConfigureAwait(false);
        }

        if (request.Mode is { } mode)
        {
            await registry.SetModeAsync(request.Subject, (Engine.Model.RegistryMode)mode, force: false, cancellationToken).ConfigureAwait(false);
        }

        return EngineMapping.Config(await registry.GetConfigAsync(request.Subject, cancellationToken).ConfigureAwait(false));
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
