using Registry.Engine.Model;
using Registry.Engine.Storage.Memory;
using Registry.Schemas;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services;

/// <summary>
/// Validates documents against a schema id or a version. The compiled validator is cached with the schema, so a
/// warm validation by id touches neither the store nor the allocator before the validator runs.
/// </summary>
internal sealed class ValidationService(RegistryContext context)
{
    /// <summary>
    /// The validator for a schema id if everything needed is in memory and fresh: never touches the store, never
    /// allocates. False means "ask <see cref="GetValidatorAsync"/>", which also gives the reason for a refusal.
    /// </summary>
    public bool TryGetWarmValidator(long schemaId, out ValidatorLease lease)
    {
        if (context.TryGetLive(schemaId, out var entry)
            && entry.Compiled is { } compiled
            && entry.TryGetUsability(Environment.TickCount64, out var usability, out var warning)
            && usability != SchemaUsability.Archived)
        {
            lease = new ValidatorLease(compiled, schemaId, warning, entry.Record.SchemaType);
            return true;
        }

        lease = default;
        return false;
    }

    /// <summary>
    /// The validator for a schema id: refused when every version using it is ARCHIVED, with a warning when none is
    /// DRAFT or ACTIVE but one is DEPRECATED. Completes synchronously, without allocating, once warm.
    /// </summary>
    public ValueTask<ValidatorLease> GetValidatorAsync(long schemaId, CancellationToken cancellationToken)
    {
        return TryGetWarmValidator(schemaId, out var lease) ? ValueTask.FromResult(lease) : SlowAsync(schemaId, cancellationToken);

        async ValueTask<ValidatorLease> SlowAsync(long schemaId, CancellationToken cancellationToken)
        {
            var entry = await context.GetSchemaAsync(schemaId, cancellationToken).ConfigureAwait(false);
            var (usability, warning) = await GetUsabilityAsync(entry, cancellationToken).ConfigureAwait(false);
            if (usability == SchemaUsability.Archived)
            {
                RegistryThrow.Error(RegistryErrorCode.VersionArchived, $"Every version using schema {schemaId} is ARCHIVED; validation is refused.");
            }

            var compiled = await context.GetCompiledAsync(entry, cancellationToken).ConfigureAwait(false);
            return new ValidatorLease(compiled, schemaId, warning, entry.Record.SchemaType);
        }
    }

    /// <summary>Throws <see cref="RegistryErrorCode.TooLarge"/> when a batch holds more documents than the configured limit.</summary>
    public void CheckBatchSize(int count)
    {
        if (count > context.Options.MaxBatchDocuments)
        {
            RegistryThrow.Error(RegistryErrorCode.TooLarge, $"A batch holds at most {context.Options.MaxBatchDocuments} documents; this one has {count} or more.");
        }
    }

    /// <summary>
    /// Validates documents against a schema id or a version. <paramref name="maxErrors"/>: null reports every error up
    /// to the configured cap, 0 only the verdict (the cheapest), more up to that many (never above the cap).
    /// </summary>
    public async Task<DocumentValidation> ValidateAsync(ValidationTarget target, IReadOnlyList<ReadOnlyMemory<byte>> documents, int? maxErrors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        CheckBatchSize(documents.Count);
        if (maxErrors < 0)
        {
            RegistryThrow.InvalidRequest("The number of errors asked for cannot be negative.");
        }

        var (lease, subject, versionNumber) = await ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        var cap = Math.Min(maxErrors ?? int.MaxValue, context.Options.MaxValidationErrors);

        // One slot of the work gate and one budget of work for the whole batch: a request cannot multiply its work by
        // sending more documents, and a caller that goes away stops it between documents (and within one, at the
        // budget's next poll).
        var budget = context.NewBudget(cancellationToken);
        var results = new ValidationResult[documents.Count];
        using var slot = await context.Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        using var span = EngineTracing.Start("registry.validate");
        span?.SetTag("registry.schema_id", lease.SchemaId);
        span?.SetTag("registry.documents", results.Length);
        try
        {
            for (var i = 0; i < results.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results[i] = Validate(lease.Schema, documents[i].Span, cap, budget);
            }
        }
        catch (TooComplexException e)
        {
            EngineTracing.Fail(span, "too_complex");
            RegistryThrow.TooComplex(e);
        }

        return new DocumentValidation
        {
            SchemaId = lease.SchemaId,
            Subject = subject,
            Version = versionNumber,
            Warning = lease.Warning,
            SchemaType = lease.SchemaType,
            Results = results,
        };
    }

    /// <summary>
    /// The validator of a target with the rules every validation follows: an ARCHIVED version (or a schema id only
    /// ARCHIVED versions use) is refused, a DEPRECATED one gives a warning; <c>format</c> is asserted as the request, else
    /// the subject (by version), else the server says.
    /// </summary>
    public async ValueTask<(ValidatorLease Lease, string? Subject, int? Version)> ResolveAsync(ValidationTarget target, CancellationToken cancellationToken)
    {
        if (target.Subject is null)
        {
            var lease = await GetValidatorAsync(target.SchemaId, cancellationToken).ConfigureAwait(false);
            if (target.FormatAssertion is { } asserted && asserted != context.Options.FormatAssertion)
            {
                var entry = await context.GetSchemaAsync(target.SchemaId, cancellationToken).ConfigureAwait(false);
                lease = lease with { Schema = await context.GetCompiledAsync(entry, asserted, cancellationToken).ConfigureAwait(false) };
            }

            return (lease, null, null);
        }

        var snapshot = await context.GetExistingSubjectAsync(target.Subject, cancellationToken).ConfigureAwait(false);
        var version = LifecycleService.Resolve(snapshot, target.Version, includeDeleted: false);
        if (version.State == LifecycleState.Archived)
        {
            RegistryThrow.Error(RegistryErrorCode.VersionArchived,
                $"Version {version.Version} of subject '{version.Subject}' is ARCHIVED; validation against it is refused.");
        }

        var formats = target.FormatAssertion
            ?? (await context.GetEffectiveConfigAsync(target.Subject, cancellationToken).ConfigureAwait(false)).FormatAssertion;
        var versionEntry = await context.GetSchemaAsync(version.SchemaId, cancellationToken).ConfigureAwait(false);
        var compiled = await context.GetCompiledAsync(versionEntry, formats, cancellationToken).ConfigureAwait(false);
        var versionLease = new ValidatorLease(
            compiled, version.SchemaId, version.State == LifecycleState.Deprecated ? DeprecationWarning(version) : null, versionEntry.Record.SchemaType);
        return (versionLease, version.Subject, version.Version);
    }

    /// <summary>
    /// One document. With a cap of 0 only the verdict is computed. The compiled schema itself refuses a document over
    /// the size or depth limits (outcome LimitExceeded), on this path and on the binary protocol's hot path alike.
    /// </summary>
    private static ValidationResult Validate(CompiledSchema schema, ReadOnlySpan<byte> document, int maxErrors, WorkBudget budget) =>
        maxErrors == 0 ? new ValidationResult(schema.Evaluate(document, budget), [], truncated: false) : schema.Validate(document, maxErrors, budget);

    private async ValueTask<(SchemaUsability, string?)> GetUsabilityAsync(CachedSchema entry, CancellationToken cancellationToken)
    {
        if (entry.TryGetUsability(Environment.TickCount64, out var usability, out var warning))
        {
            return (usability, warning);
        }

        var usages = await context.Store.GetSchemaUsageAsync(entry.Record.Id, cancellationToken).ConfigureAwait(false);

        // Live versions decide; when every version is soft-deleted, those decide (the content is still served by id).
        var anyLive = false;
        foreach (var usage in usages)
        {
            anyLive |= !usage.IsDeleted;
        }

        VersionUsage? deprecated = null;
        usability = SchemaUsability.Archived;
        foreach (var usage in usages)
        {
            if (anyLive && usage.IsDeleted)
            {
                continue;
            }

            if (usage.State is LifecycleState.Active or LifecycleState.Draft)
            {
                usability = SchemaUsability.Usable;
                break;
            }

            if (usage.State == LifecycleState.Deprecated)
            {
                usability = SchemaUsability.Deprecated;
                deprecated ??= usage;
            }
        }

        if (usages.Count == 0)
        {
            RegistryThrow.SchemaNotFound(entry.Record.Id);
        }

        warning = usability == SchemaUsability.Deprecated
            ? $"Schema {entry.Record.Id} is used only by DEPRECATED versions (e.g. version {deprecated!.Version} of subject '{deprecated.Subject}')."
            : null;
        entry.SetUsability(usability, warning, Environment.TickCount64 + (long)context.Options.UsageRefreshInterval.TotalMilliseconds);
        return (usability, warning);
    }

    private static string DeprecationWarning(VersionRecord version)
    {
        var text = $"Version {version.Version} of subject '{version.Subject}' is DEPRECATED";
        if (version.Deprecation is { } d)
        {
            if (!string.IsNullOrEmpty(d.Reason))
            {
                text += $": {d.Reason}";
            }

            if (d.Sunset is { } sunset)
            {
                text += $"; sunset {sunset:yyyy-MM-dd}";
            }

            if (!string.IsNullOrEmpty(d.Replacement))
            {
                text += $"; use {d.Replacement} instead";
            }
        }

        return text + ".";
    }
}
