using Registry.Engine.Model;
using Registry.Engine.Storage;

namespace Registry.Engine.Services;

/// <summary>
/// State changes, metadata updates and deletions of versions and subjects. Each is decided on one snapshot of the
/// subject and committed only if the subject is still at that revision.
/// </summary>
internal sealed class LifecycleService(RegistryContext context)
{
    public Task<SubjectVersion> ChangeStateAsync(string subject, VersionSelector selector, LifecycleState state, Deprecation? deprecation, CancellationToken cancellationToken) =>
        UpdateVersionAsync(subject, selector, new VersionChange { State = state, Deprecation = deprecation }, cancellationToken);

    public Task<SubjectVersion> UpdateMetadataAsync(string subject, VersionSelector selector, VersionMetadata metadata, CancellationToken cancellationToken)
    {
        MetadataRules.Validate(metadata);
        return UpdateVersionAsync(subject, selector, new VersionChange { Metadata = metadata }, cancellationToken);
    }

    /// <summary>
    /// Applies a state change, new deprecation details and new metadata to one version in one write. Rules: the
    /// transition must be allowed; deprecation details belong to a DEPRECATED or ARCHIVED version (kept from
    /// DEPRECATED through ARCHIVED, cleared on reactivation) and are refused for any other; a semantic-version label
    /// never changes once registered.
    /// </summary>
    public Task<SubjectVersion> UpdateVersionAsync(string subject, VersionSelector selector, VersionChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        MetadataRules.Validate(change.Deprecation);
        if (change.Metadata is not null)
        {
            MetadataRules.Validate(change.Metadata);
        }

        return UpdateAsync(subject, selector, current => Apply(subject, current, change), cancellationToken);
    }

    private static (LifecycleState State, Deprecation? Deprecation, VersionMetadata Metadata) Apply(string subject, VersionRecord current, VersionChange change)
    {
        if (change.Semver is not null && !string.Equals(change.Semver, current.Semver, StringComparison.Ordinal))
        {
            RegistryThrow.InvalidRequest(
                $"The semantic-version label of version {current.Version} of subject '{subject}' is {current.Semver ?? "not set"} and cannot be changed; register a new version.");
        }

        var state = change.State ?? current.State;
        if (!Lifecycle.CanTransition(current.State, state))
        {
            RegistryThrow.Error(RegistryErrorCode.IllegalTransition,
                $"Version {current.Version} of subject '{subject}' cannot go from {Lifecycle.Name(current.State)} to {Lifecycle.Name(state)}.");
        }

        if (change.Deprecation is not null && state is not (LifecycleState.Deprecated or LifecycleState.Archived))
        {
            RegistryThrow.InvalidRequest(change.State is null
                ? $"Version {current.Version} of subject '{subject}' is {Lifecycle.Name(state)}: deprecation details apply to a DEPRECATED or ARCHIVED version; change the state to DEPRECATED with them."
                : $"Deprecation details apply to a DEPRECATED or ARCHIVED version, not to {Lifecycle.Name(state)}.");
        }

        // Deprecation info belongs to DEPRECATED (kept through ARCHIVED); reactivation clears it.
        var deprecation = state switch
        {
            LifecycleState.Deprecated => change.Deprecation ?? current.Deprecation ?? new Deprecation(),
            LifecycleState.Archived => change.Deprecation ?? current.Deprecation,
            _ => null,
        };

        // The data contract belongs to the schema's identity: a metadata change keeps the one the version was registered with.
        return (state, deprecation, change.Metadata is { } metadata ? metadata with { Contract = current.Metadata.Contract } : current.Metadata);
    }

    public async Task<int> DeleteVersionAsync(string subject, VersionSelector selector, bool permanent, CancellationToken cancellationToken)
    {
        await context.RequireWritableAsync(subject, cancellationToken).ConfigureAwait(false);
        using var gate = await context.EnterAsync(subject, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; attempt <= context.Options.MaxWriteAttempts; attempt++)
        {
            var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
            // Soft-deleted versions are found too, so that deleting one twice says so (not "not found").
            var version = Resolve(snapshot, selector, includeDeleted: true);
            WriteResult result;
            if (permanent)
            {
                if (!version.IsDeleted)
                {
                    RegistryThrow.Error(RegistryErrorCode.VersionNotSoftDeleted,
                        $"Version {version.Version} of subject '{subject}' must be soft-deleted before it is deleted permanently.");
                }

                result = await context.Store.HardDeleteAsync(subject, [version.Version], wholeSubject: false, snapshot.Revision, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (version.IsDeleted)
                {
                    RegistryThrow.Error(RegistryErrorCode.VersionSoftDeleted, $"Version {version.Version} of subject '{subject}' is already soft-deleted.");
                }

                AliasService.RefuseAliased(snapshot, [version.Version], "deleted");

                result = await context.Store.SoftDeleteAsync(subject, [version.Version], snapshot.Revision, context.Now, cancellationToken).ConfigureAwait(false);
            }

            if (await CompleteAsync(result, subject, permanent, [version.SchemaId], attempt, cancellationToken, version.Version).ConfigureAwait(false))
            {
                return version.Version;
            }
        }

        context.ThrowContention(subject);
        return 0;
    }

    public async Task<IReadOnlyList<int>> DeleteSubjectAsync(string subject, bool permanent, CancellationToken cancellationToken)
    {
        await context.RequireWritableAsync(subject, cancellationToken).ConfigureAwait(false);
        using var gate = await context.EnterAsync(subject, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; attempt <= context.Options.MaxWriteAttempts; attempt++)
        {
            var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
            var live = new List<int>();
            var all = new List<int>();
            var ids = new List<long>();
            foreach (var version in snapshot.Versions)
            {
                all.Add(version.Version);
                ids.Add(version.SchemaId);
                if (!version.IsDeleted)
                {
                    live.Add(version.Version);
                }
            }

            WriteResult result;
            if (permanent)
            {
                if (live.Count > 0)
                {
                    RegistryThrow.Error(RegistryErrorCode.SubjectNotSoftDeleted,
                        $"Subject '{subject}' must be soft-deleted before it is deleted permanently.");
                }

                result = await context.Store.HardDeleteAsync(subject, all, wholeSubject: true, snapshot.Revision, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (live.Count == 0)
                {
                    RegistryThrow.Error(RegistryErrorCode.SubjectSoftDeleted, $"Subject '{subject}' is already soft-deleted.");
                }

                AliasService.RefuseAliased(snapshot, live, "deleted");

                result = await context.Store.SoftDeleteAsync(subject, live, snapshot.Revision, context.Now, cancellationToken).ConfigureAwait(false);
            }

            if (await CompleteAsync(result, subject, permanent, ids, attempt, cancellationToken).ConfigureAwait(false))
            {
                return permanent ? all : live;
            }
        }

        context.ThrowContention(subject);
        return [];
    }

    /// <summary>
    /// The version a selector names; soft-deleted ones only with <paramref name="includeDeleted"/>. <c>latest</c> (and
    /// Confluent's <c>-1</c>) is the newest released version, ACTIVE or DEPRECATED, preferring live ones: a DRAFT is
    /// not released yet and an ARCHIVED version no longer is, so a reader asking for the latest never gets either
    /// (both remain reachable by number). This is the one place that decides what <c>latest</c> means.
    /// </summary>
    internal static VersionRecord Resolve(SubjectSnapshot snapshot, VersionSelector selector, bool includeDeleted)
    {
        VersionRecord? version;
        if (selector.IsLatest)
        {
            version = LatestReleased(snapshot.Versions, deleted: false);
            if (version is null && includeDeleted)
            {
                version = LatestReleased(snapshot.Versions, deleted: true);
            }

            if (version is null)
            {
                ThrowNoReleasedVersion(snapshot, includeDeleted);
            }

            return version;
        }

        if (selector.AliasName is { } alias)
        {
            // Invariant: an alias points at an existing, live, released version (AliasService and the deletion and
            // archival refusals keep it so); the check below only guards against a store that broke it.
            var pointed = AliasService.Find(snapshot, alias);
            version = RegistrationService.FindVersion(snapshot.Versions, pointed.Version);
            if (version is null)
            {
                RegistryThrow.VersionNotFound(snapshot.Subject, pointed.Version);
            }

            return version;
        }

        version = RegistrationService.FindVersion(snapshot.Versions, selector.Number);
        if (version is null || (version.IsDeleted && !includeDeleted))
        {
            RegistryThrow.VersionNotFound(snapshot.Subject, selector.Number);
        }

        return version;
    }

    /// <summary>The newest ACTIVE or DEPRECATED version that is live (or, with <paramref name="deleted"/>, soft-deleted).</summary>
    internal static VersionRecord? LatestReleased(IReadOnlyList<VersionRecord> versions, bool deleted)
    {
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            if (versions[i].IsDeleted == deleted && Lifecycle.IsReleased(versions[i].State))
            {
                return versions[i];
            }
        }

        return null;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNoReleasedVersion(SubjectSnapshot snapshot, bool includeDeleted)
    {
        var others = new List<string>();
        foreach (var v in snapshot.Versions)
        {
            if (includeDeleted || !v.IsDeleted)
            {
                others.Add($"{v.Version} ({Lifecycle.Name(v.State)}{(v.IsDeleted ? ", soft-deleted" : string.Empty)})");
            }
        }

        if (others.Count == 0)
        {
            RegistryThrow.NoLatestVersion(snapshot.Subject);
        }

        RegistryThrow.Error(RegistryErrorCode.VersionNotFound,
            $"Subject '{snapshot.Subject}' has no released version for 'latest' (latest means the newest ACTIVE or DEPRECATED version); " +
            $"its version(s) {string.Join(", ", others)} can be read by number, and a DRAFT is released by changing its state to ACTIVE.");
    }

    private async Task<SubjectVersion> UpdateAsync(
        string subject,
        VersionSelector selector,
        Func<VersionRecord, (LifecycleState State, Deprecation? Deprecation, VersionMetadata Metadata)> change,
        CancellationToken cancellationToken)
    {
        await context.RequireWritableAsync(subject, cancellationToken).ConfigureAwait(false);
        using var gate = await context.EnterAsync(subject, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; attempt <= context.Options.MaxWriteAttempts; attempt++)
        {
            var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
            var current = Resolve(snapshot, selector, includeDeleted: false);
            var (state, deprecation, metadata) = change(current);
            if (!Lifecycle.IsReleased(state))
            {
                AliasService.RefuseAliased(snapshot, [current.Version], $"made {Lifecycle.Name(state)}");
            }

            var now = context.Now;
            var result = await context.Store.UpdateVersionAsync(new VersionUpdate
            {
                Subject = subject,
                Version = current.Version,
                ExpectedRevision = snapshot.Revision,
                State = state,
                Deprecation = deprecation,
                Metadata = metadata,
                UpdatedAt = now,
            }, cancellationToken).ConfigureAwait(false);
            if (await CompleteAsync(result, subject, permanent: false, [current.SchemaId], attempt, cancellationToken).ConfigureAwait(false))
            {
                var schema = await context.GetSchemaAsync(current.SchemaId, cancellationToken).ConfigureAwait(false);
                return new SubjectVersion(current with { State = state, Deprecation = deprecation, Metadata = metadata, UpdatedAt = now }, schema.Record);
            }
        }

        context.ThrowContention(subject);
        return null!;
    }

    /// <summary>True when done; false to retry after a revision conflict; throws for the other outcomes.</summary>
    private async Task<bool> CompleteAsync(
        WriteResult result, string subject, bool permanent, IReadOnlyList<long> schemaIds, int attempt, CancellationToken cancellationToken, int? version = null)
    {
        switch (result.Outcome)
        {
            case WriteOutcome.Done:
                context.Notify(permanent ? RegistryChangeKind.SubjectHardDeleted : RegistryChangeKind.Subject, subject, schemaIds);
                return true;
            case WriteOutcome.Conflict:
            case WriteOutcome.NotFound: // deleted under us: the next snapshot says what happened
                await RegistryContext.BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                return false;
            case WriteOutcome.ReferenceExists:
                var referrers = new List<string>();
                foreach (var r in result.Referrers)
                {
                    referrers.Add($"'{r.Subject}' version {r.Version}");
                }

                RegistryThrow.Error(RegistryErrorCode.ReferenceExists,
                    $"{(version is { } v ? $"Version {v} of subject '{subject}'" : $"Subject '{subject}'")} cannot be deleted: it is referenced by {string.Join(", ", referrers)}.");
                return false;
            default:
                RegistryThrow.Error(RegistryErrorCode.StoreError, $"Unexpected store outcome {result.Outcome}.");
                return false;
        }
    }
}
