using Registry.Engine.Model;
using Registry.Engine.Storage;

namespace Registry.Engine.Services;

/// <summary>
/// Aliases: named pointers of a subject to one of its versions, moved to deploy (<c>production</c>, <c>staging</c>).
/// Rules: an alias points only at a live ACTIVE or DEPRECATED version; a version an alias points at cannot be
/// soft-deleted or archived (<see cref="LifecycleService"/> asks <see cref="AliasesOf"/>); a protected alias changes
/// only through <see cref="AliasProtection.RequireMayChange"/>. Every change is recorded (who, when, from, to).
/// </summary>
internal sealed class AliasService(RegistryContext context)
{
    /// <summary>Most history entries one read returns.</summary>
    public const int MaxHistory = 1000;

    /// <summary>Most subjects one bundle names.</summary>
    public const int MaxBundleSubjects = 100;

    public async Task<AliasRecord> SetAsync(string subject, string name, VersionSelector target, AliasChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        AliasName.Validate(name);
        await context.RequireWritableAsync(subject, cancellationToken).ConfigureAwait(false);
        using var gate = await context.EnterAsync(subject, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; attempt <= context.Options.MaxWriteAttempts; attempt++)
        {
            var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
            var version = LifecycleService.Resolve(snapshot, target, includeDeleted: false);
            if (!Lifecycle.IsReleased(version.State))
            {
                RegistryThrow.Error(RegistryErrorCode.AliasTargetInvalid,
                    $"Alias '{name}' of subject '{subject}' cannot point at version {version.Version}: it is {Lifecycle.Name(version.State)}, and an alias points only at an ACTIVE or DEPRECATED version.");
            }

            var existing = snapshot.FindAlias(name);
            var isProtected = change.Protected ?? existing?.Protected ?? false;
            if (existing is not null)
            {
                if (existing.Version == version.Version && existing.Protected == isProtected)
                {
                    return existing;
                }

                AliasProtection.RequireMayChange(subject, existing, change);
            }

            var now = context.Now;
            var result = await context.Store.SetAliasAsync(new AliasWrite
            {
                Subject = subject,
                Name = name,
                Version = version.Version,
                Protected = isProtected,
                ExpectedRevision = snapshot.Revision,
                At = now,
                By = change.By,
            }, cancellationToken).ConfigureAwait(false);
            if (await CompleteAsync(result, subject, attempt, cancellationToken).ConfigureAwait(false))
            {
                return new AliasRecord(name, version.Version, isProtected, now, change.By);
            }
        }

        context.ThrowContention(subject);
        return null!;
    }

    public async Task<AliasRecord> DeleteAsync(string subject, string name, AliasChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        AliasName.Validate(name);
        await context.RequireWritableAsync(subject, cancellationToken).ConfigureAwait(false);
        using var gate = await context.EnterAsync(subject, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; attempt <= context.Options.MaxWriteAttempts; attempt++)
        {
            var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
            var existing = Find(snapshot, name);
            AliasProtection.RequireMayChange(subject, existing, change);
            var result = await context.Store.SetAliasAsync(new AliasWrite
            {
                Subject = subject,
                Name = name,
                Version = null,
                Protected = existing.Protected,
                ExpectedRevision = snapshot.Revision,
                At = context.Now,
                By = change.By,
            }, cancellationToken).ConfigureAwait(false);
            if (await CompleteAsync(result, subject, attempt, cancellationToken).ConfigureAwait(false))
            {
                return existing;
            }
        }

        context.ThrowContention(subject);
        return null!;
    }

    public async Task<IReadOnlyList<AliasRecord>> ListAsync(string subject, CancellationToken cancellationToken) =>
        (await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false)).Aliases;

    public async Task<AliasRecord> GetAsync(string subject, string name, CancellationToken cancellationToken)
    {
        AliasName.Validate(name);
        return Find(await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false), name);
    }

    public async Task<IReadOnlyList<AliasMove>> HistoryAsync(string subject, string name, int limit, CancellationToken cancellationToken)
    {
        AliasName.Validate(name);
        if (limit == 0 || limit < -1)
        {
            RegistryThrow.InvalidRequest("The limit is a positive number (or -1 for the maximum).");
        }

        var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        var moves = await context.Store.GetAliasHistoryAsync(subject, name, limit == -1 ? MaxHistory : Math.Min(limit, MaxHistory), cancellationToken).ConfigureAwait(false);
        if (moves.Count == 0)
        {
            Find(snapshot, name);
        }

        return moves;
    }

    /// <summary>The version <paramref name="name"/> points at in each subject, in the order asked.</summary>
    public async Task<IReadOnlyList<SubjectVersion>> BundleAsync(string name, IReadOnlyList<string> subjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        AliasName.Validate(name);
        if (subjects.Count is 0 or > MaxBundleSubjects)
        {
            RegistryThrow.InvalidRequest($"A bundle names 1 to {MaxBundleSubjects} subjects.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var versions = new List<SubjectVersion>(subjects.Count);
        var selector = VersionSelector.Alias(name);
        foreach (var subject in subjects)
        {
            if (!seen.Add(subject))
            {
                RegistryThrow.InvalidRequest($"Subject '{subject}' is named twice in the bundle.");
            }

            var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
            var record = LifecycleService.Resolve(snapshot, selector, includeDeleted: false);
            var schema = await context.GetSchemaAsync(record.SchemaId, cancellationToken).ConfigureAwait(false);
            versions.Add(new SubjectVersion(record, schema.Record));
        }

        return versions;
    }

    /// <summary>The names of the aliases pointing at <paramref name="version"/> in the snapshot.</summary>
    public static List<string> AliasesOf(SubjectSnapshot snapshot, int version)
    {
        var names = new List<string>();
        foreach (var alias in snapshot.Aliases)
        {
            if (alias.Version == version)
            {
                names.Add(alias.Name);
            }
        }

        return names;
    }

    /// <summary>Throws <see cref="RegistryErrorCode.VersionAliased"/> when an alias points at one of <paramref name="versions"/>.</summary>
    public static void RefuseAliased(SubjectSnapshot snapshot, IReadOnlyList<int> versions, string doing)
    {
        foreach (var version in versions)
        {
            var names = AliasesOf(snapshot, version);
            if (names.Count > 0)
            {
                RegistryThrow.Error(RegistryErrorCode.VersionAliased,
                    $"Version {version} of subject '{snapshot.Subject}' cannot be {doing}: alias(es) {string.Join(", ", names.ConvertAll(n => "'" + n + "'"))} point at it; move or delete them first.");
            }
        }
    }

    internal static AliasRecord Find(SubjectSnapshot snapshot, string name) =>
        snapshot.FindAlias(name) ?? RegistryThrow.Error<AliasRecord>(RegistryErrorCode.AliasNotFound, $"Subject '{snapshot.Subject}' has no alias '{name}'.");

    private async Task<bool> CompleteAsync(WriteResult result, string subject, int attempt, CancellationToken cancellationToken)
    {
        switch (result.Outcome)
        {
            case WriteOutcome.Done:
                context.Notify(RegistryChangeKind.Subject, subject, []);
                return true;
            case WriteOutcome.Conflict:
            case WriteOutcome.NotFound:
                await RegistryContext.BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                return false;
            default:
                RegistryThrow.Error(RegistryErrorCode.StoreError, $"Unexpected store outcome {result.Outcome}.");
                return false;
        }
    }
}

/// <summary>
/// The one place that decides who may change a protected alias: a request that says <c>force</c>, made by an
/// administrator when security is on (<see cref="AliasChange.Principal"/> set); with security off, <c>force</c> alone.
/// </summary>
internal static class AliasProtection
{
    public static void RequireMayChange(string subject, AliasRecord existing, AliasChange change)
    {
        if (existing.Protected && (!change.Force || change.Principal is { Role: not Security.Role.Admin }))
        {
            RegistryThrow.Error(RegistryErrorCode.AliasProtected,
                $"Alias '{existing.Name}' of subject '{subject}' is protected: only an administrator's forced request moves, unprotects or deletes it.");
        }
    }
}
