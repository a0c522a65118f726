using Registry.Engine.Model;
using Registry.Engine.Schemas;
using Registry.Engine.Storage;
using Registry.Schemas;
using Registry.Schemas.Artifacts;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services;

/// <summary>
/// Registration, compatibility checks and lookups by content. A registration is prepared against one revision of
/// the subject (existing content, compilation, compatibility, semver) and committed only if the subject is still at
/// that revision; otherwise it is prepared again against the new one. Nothing is locked while preparing.
/// </summary>
internal sealed class RegistrationService(RegistryContext context)
{
    public async Task<RegistrationResult> RegisterAsync(SchemaRegistration request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        SubjectName.Validate(request.Subject);
        if (request.InitialState is not (LifecycleState.Active or LifecycleState.Draft))
        {
            RegistryThrow.InvalidRequest("A new version starts as DRAFT or ACTIVE.");
        }

        MetadataRules.Validate(request.Metadata);
        _ = ContractRules.Normalize(request.Contract); // refused before any work when the contract itself is wrong
        SemanticVersion? semver = null;
        if (request.Semver is not null && !SemanticVersion.TryParse(request.Semver, out semver))
        {
            RegistryThrow.Error(RegistryErrorCode.InvalidSemver, $"'{request.Semver}' is not a semantic version (MAJOR.MINOR.PATCH).");
        }

        var input = new SchemaInput(request.Schema, request.SchemaType, request.References) { DefaultDraft = request.DefaultDraft };
        var config = await context.GetEffectiveConfigAsync(request.Subject, cancellationToken).ConfigureAwait(false);
        var (type, artifact, content, plainIdentity) = await IdentifyAsync(input, config, cancellationToken).ConfigureAwait(false);
        CheckExplicitId(config.Mode, request);
        var normalize = request.Normalize || config.Contract.Normalize == true;

        using var gate = await context.EnterAsync(request.Subject, cancellationToken).ConfigureAwait(false);
        SchemaIdentity? identity = null;
        long? knownId = null;
        Prepared? prepared = null;
        for (var attempt = 1; attempt <= context.Options.MaxWriteAttempts; attempt++)
        {
            var snapshot = await context.Store.GetSubjectAsync(request.Subject, cancellationToken).ConfigureAwait(false);
            var versions = snapshot?.Versions ?? [];

            // The contract depends on the previous version (inherited when the request brings none) and the settings;
            // it is part of the identity, so the id is looked up again whenever it changes (or was not found yet).
            var contract = config.Mode == RegistryMode.Import
                ? ContractRules.Normalize(request.Contract)
                : ContractRules.Effective(request.Contract, LatestLive(versions)?.Metadata.Contract, config.Contract);
            var withContract = plainIdentity.WithContract(contract);
            if (identity is null || knownId is null || !withContract.Fingerprint.AsSpan().SequenceEqual(identity.Fingerprint))
            {
                identity = withContract;
                knownId = await context.Store.FindSchemaIdAsync(identity.Fingerprint, cancellationToken).ConfigureAwait(false);
            }

            await RequireSubjectTypeAsync(request.Subject, versions, type, cancellationToken).ConfigureAwait(false);
            var explicitVersion = ExplicitVersion(config.Mode, request, versions);

            // Same content already live under this subject: that version is the answer, nothing is written. This holds
            // in READONLY too (as in Confluent), so that producers that register on start-up keep working.
            if (knownId is { } id && explicitVersion is null && FindLive(versions, id) is { } existing)
            {
                if (request.Id is { } wanted && wanted != id)
                {
                    RegistryThrow.Error(RegistryErrorCode.IdConflict, $"This schema already has id {id}, not {wanted}.");
                }

                return new RegistrationResult
                {
                    Subject = request.Subject,
                    Version = existing.Version,
                    SchemaId = id,
                    Created = false,
                    SuggestedBump = VersionBump.None,
                    Semver = existing.Semver,
                };
            }

            if (config.Mode == RegistryMode.ReadOnly)
            {
                RegistryThrow.NotPermitted($"Subject '{request.Subject}' is in READONLY mode.");
            }

            var highestLabel = HighestLabel(versions);
            if (semver is not null && highestLabel is not null && semver <= highestLabel)
            {
                RegistryThrow.Error(RegistryErrorCode.InvalidSemver,
                    $"Semantic version {semver} does not increase: subject '{request.Subject}' already has {highestLabel}.");
            }

            prepared ??= await PrepareAsync(artifact, content, identity, cancellationToken).ConfigureAwait(false);
            ProfileService.Enforce(request.Subject, config, artifact, prepared.Content, prepared.Resolver, cancellationToken);
            var (verdict, compared) = config.Mode == RegistryMode.Import
                ? (null, (IReadOnlyList<int>)[])
                : await CheckAsync(prepared, InGroup(versions, config.Contract.CompatibilityGroup, identity.Contract), config, forBump: true, cancellationToken).ConfigureAwait(false);
            if (verdict is not null && !verdict.IsCompatible && config.Compatibility != CompatibilityLevel.None)
            {
                ThrowIncompatible(request.Subject, config.Compatibility, compared, verdict);
            }

            var append = new VersionAppend
            {
                Subject = request.Subject,
                ExpectedRevision = snapshot?.Revision ?? 0,
                SchemaType = identity.SchemaType,
                Fingerprint = identity.Fingerprint,
                ContentHash = identity.ContentHash,
                // An artifact is stored in its type's canonical form (fixed member order), never re-sorted.
                Content = normalize && artifact is null ? identity.Canonical : content,
                References = identity.References,
                ExplicitId = request.Id,
                ExplicitVersion = explicitVersion,
                State = request.InitialState,
                Semver = semver?.Text,
                Metadata = request.Metadata with { Contract = identity.Contract },
                CreatedAt = context.Now,
                CreatedBy = request.CreatedBy,
            };
            var bump = verdict?.SuggestedBump ?? VersionBump.None;
            var suggestedSemver = verdict is null ? null : await SuggestSemverAsync(prepared, versions, compared, bump, config.Policy, cancellationToken).ConfigureAwait(false);
            var committing = context.Time.GetTimestamp();
            var result = await context.Store.AppendVersionAsync(append, cancellationToken).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case WriteOutcome.Done:
                    if (result.SchemaCreated)
                    {
                        // The next registration to the subject checks against this one: it is in memory, live as of the commit.
                        context.RememberWritten(new SchemaRecord(result.SchemaId, append.SchemaType, append.Content.ToArray(), append.ContentHash, append.References), committing);
                    }

                    context.Notify(RegistryChangeKind.Subject, request.Subject, [result.SchemaId]);
                    return new RegistrationResult
                    {
                        Subject = request.Subject,
                        Version = result.Version,
                        SchemaId = result.SchemaId,
                        Created = true,
                        SuggestedBump = bump,
                        SuggestedSemver = suggestedSemver,
                        Semver = semver?.Text,
                        Differences = verdict is null ? [] : VersionDifference.Resolve(verdict.Differences, compared),
                    };
                case WriteOutcome.Conflict:
                    await RegistryContext.BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                case WriteOutcome.ReferenceNotFound:
                    RegistryThrow.Error(RegistryErrorCode.ReferenceNotFound, "A referenced version was deleted while the schema was being registered.");
                    break;
                default:
                    RegistryThrow.Error(RegistryErrorCode.IdConflict, request.Id is { } explicitId
                        ? $"Id {explicitId} belongs to other content, this content has another id, or version {request.Version} is taken."
                        : $"Version {request.Version} of subject '{request.Subject}' is taken.");
                    break;
            }
        }

        context.ThrowContention(request.Subject);
        return null!;
    }

    public async Task<CompatibilityReport> CheckAsync(string subject, SchemaInput input, VersionSelector? against, CancellationToken cancellationToken)
    {
        var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        var config = await context.GetEffectiveConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        var (type, artifact, content, identity) = await IdentifyAsync(input, config, cancellationToken).ConfigureAwait(false);
        await RequireSubjectTypeAsync(subject, snapshot.Versions, type, cancellationToken).ConfigureAwait(false);
        var prepared = await PrepareAsync(artifact, content, identity, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<VersionRecord> versions = snapshot.Versions;
        var level = config.Compatibility;
        if (against is { } selector)
        {
            // Against one given version: the level's direction, without transitivity. 'latest' is what it is everywhere.
            var one = LifecycleService.Resolve(snapshot, selector, includeDeleted: false);
            versions = [one];
            level = level switch
            {
                CompatibilityLevel.BackwardTransitive => CompatibilityLevel.Backward,
                CompatibilityLevel.ForwardTransitive => CompatibilityLevel.Forward,
                CompatibilityLevel.FullTransitive => CompatibilityLevel.Full,
                _ => level,
            };
        }

        var group = config.Contract.CompatibilityGroup;
        var (verdict, compared) = await CheckAsync(prepared, InGroup(versions, group, ContractRules.Normalize(input.Contract)), config with { Compatibility = level }, forBump: false, cancellationToken).ConfigureAwait(false);
        return new CompatibilityReport
        {
            IsCompatible = verdict?.IsCompatible ?? true,
            Level = level,
            Policy = config.Policy,
            ComparedVersions = compared,
            Differences = verdict is null ? [] : VersionDifference.Resolve(verdict.Differences, compared),
            SuggestedBump = verdict?.SuggestedBump ?? VersionBump.None,
        };
    }

    public async Task<SubjectVersion> LookupAsync(string subject, SchemaInput input, bool includeDeleted, CancellationToken cancellationToken)
    {
        var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        var config = await context.GetEffectiveConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        var (_, _, _, plain) = await IdentifyAsync(input, config, cancellationToken).ConfigureAwait(false);
        var requested = ContractRules.Normalize(input.Contract);
        var match = await FindAsync(snapshot, plain.WithContract(requested), includeDeleted, cancellationToken).ConfigureAwait(false);
        if (match is null)
        {
            // As a registration would: the contract inherited from the latest version and the subject's settings.
            var effective = ContractRules.Effective(input.Contract, LatestLive(snapshot.Versions)?.Metadata.Contract, config.Contract);
            if (!ContractEquals(effective, requested))
            {
                match = await FindAsync(snapshot, plain.WithContract(effective), includeDeleted, cancellationToken).ConfigureAwait(false);
            }
        }

        if (match is null)
        {
            RegistryThrow.Error(RegistryErrorCode.SchemaNotFound, $"Subject '{subject}' has no version with this schema.");
        }

        var schema = await context.GetSchemaAsync(match.SchemaId, cancellationToken).ConfigureAwait(false);
        return new SubjectVersion(match, schema.Record);
    }

    /// <summary>
    /// The newest version whose data contract holds every given metadata property (Confluent's latest-with-metadata),
    /// among released (ACTIVE and DEPRECATED) versions, soft-deleted ones too with <paramref name="includeDeleted"/>.
    /// </summary>
    public async Task<SubjectVersion> LatestWithMetadataAsync(string subject, IReadOnlyDictionary<string, string> properties, bool includeDeleted, CancellationToken cancellationToken)
    {
        var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        for (var i = snapshot.Versions.Count - 1; i >= 0; i--)
        {
            var version = snapshot.Versions[i];
            if ((version.IsDeleted && !includeDeleted) || version.State is not (LifecycleState.Active or LifecycleState.Deprecated)
                || version.Metadata.Contract?.Metadata is not { } metadata || !HoldsAll(metadata.Properties, properties))
            {
                continue;
            }

            var schema = await context.GetSchemaAsync(version.SchemaId, cancellationToken).ConfigureAwait(false);
            return new SubjectVersion(version, schema.Record);
        }

        RegistryThrow.Error(RegistryErrorCode.SchemaNotFound, $"Subject '{subject}' has no version whose metadata holds {Describe(properties)}.");
        return null!;
    }

    private static bool HoldsAll(IReadOnlyDictionary<string, string> held, IReadOnlyDictionary<string, string> wanted)
    {
        foreach (var (key, value) in wanted)
        {
            if (!held.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(IReadOnlyDictionary<string, string> properties) =>
        properties.Count == 0 ? "any properties" : string.Join(", ", properties.Select(static p => $"{p.Key}={p.Value}"));

    private static bool ContractEquals(DataContract? a, DataContract? b) =>
        a is null ? b is null : b is not null && string.Equals(ContractJson.ToJson(a), ContractJson.ToJson(b), StringComparison.Ordinal);

    /// <summary>The newest version (live, or soft-deleted too) whose schema id is the identity's, or null.</summary>
    private async Task<VersionRecord?> FindAsync(SubjectSnapshot snapshot, SchemaIdentity identity, bool includeDeleted, CancellationToken cancellationToken)
    {
        var id = await context.Store.FindSchemaIdAsync(identity.Fingerprint, cancellationToken).ConfigureAwait(false);
        VersionRecord? match = null;
        if (id is not null)
        {
            foreach (var version in snapshot.Versions)
            {
                if (version.SchemaId == id && (includeDeleted || !version.IsDeleted))
                {
                    match = version;
                }
            }
        }

        return match;
    }

    /// <summary>
    /// With a compatibility group (a metadata property name), only the versions whose contract has the same value of
    /// that property as the new one (both absent counts as the same), as Confluent does; otherwise all of them.
    /// </summary>
    private static IReadOnlyList<VersionRecord> InGroup(IReadOnlyList<VersionRecord> versions, string? group, DataContract? contract)
    {
        if (group is null)
        {
            return versions;
        }

        var value = contract?.Property(group);
        var kept = new List<VersionRecord>(versions.Count);
        foreach (var version in versions)
        {
            if (string.Equals(version.Metadata.Contract?.Property(group), value, StringComparison.Ordinal))
            {
                kept.Add(version);
            }
        }

        return kept;
    }

    /// <summary>
    /// Reads a request's schema: its type, the artifact type behind it (null for JSON), the content to store and its
    /// identity. A JSON schema that names no <c>$schema</c> is read in the draft <see cref="RegistryContext.DefaultDraftFor"/>
    /// gives for the subject's <paramref name="config"/>, and that draft is part of its identity (its stored type,
    /// <see cref="SchemaRecord.StoredTypeOf"/>): the same text read in two dialects is two schemas. An artifact is canonicalized by its type (every problem refused as <see cref="RegistryErrorCode.InvalidSchema"/>
    /// with a pointer each), with its references loaded first (they must be live and of a type it may reference) so that
    /// the schemas inside it compile against them.
    /// </summary>
    private async Task<(string Type, ArtifactType? Artifact, ReadOnlyMemory<byte> Content, SchemaIdentity Identity)> IdentifyAsync(SchemaInput input, EffectiveConfig config, CancellationToken cancellationToken)
    {
        var type = string.IsNullOrEmpty(input.SchemaType) ? ArtifactTypes.Json : input.SchemaType.ToUpperInvariant();
        ArtifactType? artifact = null;
        if (!string.Equals(type, ArtifactTypes.Json, StringComparison.Ordinal) && !ArtifactTypes.TryGet(type, out artifact))
        {
            RegistryThrow.Error(RegistryErrorCode.UnsupportedSchemaType,
                $"Schema type '{Shorten(input.SchemaType)}' is not supported; supported: {string.Join(", ", EngineInfo.SupportedSchemaTypes)}.");
        }

        var content = CanonicalJson.WithoutBom(input.Schema);
        if (content.Length > context.Options.Limits.MaxSchemaBytes)
        {
            RegistryThrow.Error(RegistryErrorCode.TooLarge, $"The schema is {content.Length} bytes; the limit is {context.Options.Limits.MaxSchemaBytes}.");
        }

        var references = input.References ?? [];
        foreach (var reference in references)
        {
            if (reference is null || string.IsNullOrEmpty(reference.Name))
            {
                RegistryThrow.InvalidRequest("A reference has no name.");
            }

            if (SubjectName.Check(reference.Subject) is { } problem)
            {
                RegistryThrow.InvalidRequest($"Reference '{reference.Name}': {problem}");
            }

            if (reference.Version < 1)
            {
                RegistryThrow.Error(RegistryErrorCode.InvalidVersion, $"Reference '{reference.Name}' must name a version from 1.");
            }
        }

        if (artifact is not null)
        {
            var resolver = await context.LoadReferencesAsync(references, requireLive: true, type, cancellationToken).ConfigureAwait(false);
            content = Canonicalize(artifact, content, resolver, references);
        }

        // Only a JSON schema that names no dialect of its own carries the default it was read in; artifacts are 2020-12.
        var storedType = artifact is null && !CanonicalJson.NamesSchema(content, context.Options.Limits.MaxDepth)
            ? SchemaRecord.StoredTypeOf(type, context.DefaultDraftFor(config, input.DefaultDraft))
            : type;
        return (type, artifact, content, SchemaIdentity.Compute(storedType, content, references, context.Options.Limits.MaxDepth));
    }

    private byte[] Canonicalize(ArtifactType artifact, ReadOnlyMemory<byte> content, ReferenceResolver resolver, IReadOnlyList<SchemaReference> references)
    {
        IReadOnlyList<ArtifactProblem> problems;
        try
        {
            var canonical = artifact.Canonicalize(content, context.CompilerOptions(resolver));
            var names = new string[references.Count];
            for (var i = 0; i < names.Length; i++)
            {
                names[i] = references[i].Name;
            }

            problems = artifact.ReferenceProblems(canonical, names);
            if (problems.Count == 0)
            {
                return canonical;
            }
        }
        catch (ArtifactDefinitionException e)
        {
            problems = e.Problems;
        }
        catch (TooComplexException e)
        {
            RegistryThrow.TooComplex(e);
            throw; // unreachable: TooComplex never returns
        }

        var errors = new List<SchemaCompilationError>(problems.Count);
        foreach (var problem in problems)
        {
            errors.Add(new SchemaCompilationError(problem.Pointer, problem.Message));
        }

        RegistryThrow.InvalidSchema($"The {artifact.Name} is not valid: {problems.Count} problem(s). First: {problems[0].Pointer}: {problems[0].Message}", errors);
        return null!;
    }

    /// <summary>
    /// A subject's schema type is fixed by its first version (soft-deleted ones count: they can come back); a version
    /// of another type is refused as <see cref="RegistryErrorCode.SchemaTypeMismatch"/>.
    /// </summary>
    private async Task RequireSubjectTypeAsync(string subject, IReadOnlyList<VersionRecord> versions, string type, CancellationToken cancellationToken)
    {
        if (versions.Count == 0)
        {
            return;
        }

        var first = await context.GetSchemaAsync(versions[0].SchemaId, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(first.Record.SchemaType, type, StringComparison.Ordinal))
        {
            RegistryThrow.Error(RegistryErrorCode.SchemaTypeMismatch,
                $"Subject '{subject}' holds {first.Record.SchemaType} versions; a {type} version cannot be added to it (a subject's type is fixed by its first version): register it under another subject.");
        }
    }

    private static string Shorten(string text) => text.Length <= 32 ? text : string.Concat(text.AsSpan(0, 32), "...");

    /// <summary>An explicit schema id is taken only in IMPORT mode (where it must not clash: the store checks that).</summary>
    private static void CheckExplicitId(RegistryMode mode, SchemaRegistration request)
    {
        if (request.Id is < 1 || request.Version is < 1)
        {
            RegistryThrow.InvalidRequest("Explicit ids and versions start at 1.");
        }

        if (mode != RegistryMode.Import && request.Id is not null)
        {
            RegistryThrow.NotPermitted($"An explicit id is accepted only in IMPORT mode; subject '{request.Subject}' is in {ConfigNames.Mode(mode)} mode.");
        }
    }

    /// <summary>
    /// The version number to write, or null to let the store allocate the next one. In IMPORT mode an explicit version
    /// is used as given. Elsewhere it must be the number the registry would give anyway, one more than the highest
    /// version the subject holds (soft-deleted ones included), and then it changes nothing; any other is refused.
    /// </summary>
    private static int? ExplicitVersion(RegistryMode mode, SchemaRegistration request, IReadOnlyList<VersionRecord> versions)
    {
        if (request.Version is not { } wanted || mode == RegistryMode.Import)
        {
            return request.Version;
        }

        var next = versions.Count == 0 ? 1 : versions[^1].Version + 1;
        if (wanted != next)
        {
            RegistryThrow.InvalidRequest(
                $"Version {wanted} is not one more than the latest version of subject '{request.Subject}' (the next version is {next}); explicit versions other than the next are accepted only in IMPORT mode.");
        }

        return null;
    }

    private async Task<Prepared> PrepareAsync(ArtifactType? artifact, ReadOnlyMemory<byte> content, SchemaIdentity identity, CancellationToken cancellationToken)
    {
        var resolver = await context.LoadReferencesAsync(identity.References, requireLive: true, artifact?.Name ?? ArtifactTypes.Json, cancellationToken).ConfigureAwait(false);
        var budget = context.NewBudget(cancellationToken);

        // An artifact's schemas were compiled when it was canonicalized; its document schema is what validators use.
        var schema = artifact is null ? content : artifact.DocumentSchema(content);
        _ = SchemaRecord.SplitStoredType(identity.SchemaType, out var tagged);
        var draft = tagged ?? JsonSchemaDraft.Draft202012;
        if (schema is { } compile)
        {
            await context.CompileAsync(compile, resolver, budget, formatAssertion: null, draft, cancellationToken).ConfigureAwait(false);
        }

        return new Prepared(artifact, content, identity.References, resolver, budget, draft);
    }

    /// <summary>Compares by the prepared version's type: the JSON Schema checker, or the artifact type's rules.</summary>
    private async ValueTask<CompatibilityResult> CompareAsync(
        Prepared prepared, IReadOnlyList<ReadOnlyMemory<byte>> earlier, IReadOnlyList<JsonSchemaDraft> earlierDrafts, CompatibilityLevel level, CompatibilityPolicy policy, ReferenceResolver resolver, CancellationToken cancellationToken)
    {
        if (prepared.Artifact is not { } artifact)
        {
            return await context.CheckAsync(prepared.Content, earlier, level, policy, resolver, prepared.Budget, prepared.DefaultDraft, earlierDrafts, cancellationToken).ConfigureAwait(false);
        }

        using var slot = await context.Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return artifact.Check(prepared.Content, earlier, level, policy, resolver);
        }
        catch (TooComplexException e)
        {
            RegistryThrow.TooComplex(e);
            throw; // unreachable: TooComplex never returns
        }
        catch (ArgumentException e)
        {
            return RegistryThrow.Error<CompatibilityResult>(RegistryErrorCode.InvalidSchema, $"The {artifact.Name} cannot be compared: {e.Message}");
        }
    }

    /// <summary>
    /// Checks against the live versions the level asks for. With <paramref name="forBump"/> and level NONE, still
    /// compares with the latest version (as BACKWARD would) to suggest a bump, but reports no differences: nothing is
    /// incompatible under NONE.
    /// </summary>
    private async Task<(CompatibilityResult? Verdict, IReadOnlyList<int> Compared)> CheckAsync(
        Prepared prepared, IReadOnlyList<VersionRecord> versions, EffectiveConfig config, bool forBump, CancellationToken cancellationToken)
    {
        var live = new List<VersionRecord>(versions.Count);
        foreach (var version in versions)
        {
            if (!version.IsDeleted)
            {
                live.Add(version);
            }
        }

        if (live.Count == 0 || (config.Compatibility == CompatibilityLevel.None && !forBump))
        {
            return (null, []);
        }

        // NONE enforces nothing and reports no differences; the checker still suggests the bump against the latest.
        var level = config.Compatibility;
        var transitive = level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
        var compared = transitive ? live : [live[^1]];
        var earlier = new ReadOnlyMemory<byte>[compared.Count];
        var drafts = new JsonSchemaDraft[compared.Count];
        var numbers = new int[compared.Count];
        for (var i = 0; i < compared.Count; i++)
        {
            var schema = await context.GetSchemaAsync(compared[i].SchemaId, cancellationToken).ConfigureAwait(false);
            earlier[i] = schema.Record.Content;
            drafts[i] = schema.Record.DefaultDraft;
            numbers[i] = compared[i].Version;
        }

        var resolver = await ResolverForAsync(prepared, compared, cancellationToken).ConfigureAwait(false);
        return (await CompareAsync(prepared, earlier, drafts, level, config.Policy, resolver, cancellationToken).ConfigureAwait(false), numbers);
    }

    /// <summary>
    /// One resolver for the new schema and the earlier ones: the new schema's references first, then those of earlier
    /// versions under names not yet taken (the checker takes a single resolver).
    /// </summary>
    private async Task<ReferenceResolver> ResolverForAsync(Prepared prepared, List<VersionRecord> compared, CancellationToken cancellationToken)
    {
        var all = new List<SchemaReference>(prepared.References);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in prepared.References)
        {
            names.Add(reference.Name);
        }

        foreach (var version in compared)
        {
            var schema = await context.GetSchemaAsync(version.SchemaId, cancellationToken).ConfigureAwait(false);
            foreach (var reference in schema.Record.References)
            {
                if (names.Add(reference.Name))
                {
                    all.Add(reference);
                }
            }
        }

        return all.Count == prepared.References.Count
            ? prepared.Resolver
            : await context.LoadReferencesAsync(all, requireLive: false, cancellationToken).ConfigureAwait(false);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowIncompatible(string subject, CompatibilityLevel level, IReadOnlyList<int> compared, CompatibilityResult verdict)
    {
        var incompatible = new List<VersionDifference>();
        foreach (var difference in VersionDifference.Resolve(verdict.Differences, compared))
        {
            if (!difference.IsCompatible)
            {
                incompatible.Add(difference);
            }
        }

        var first = incompatible.Count > 0 ? $" First: {incompatible[0].Name} at {incompatible[0].Location}: {incompatible[0].Message}" : string.Empty;
        if (incompatible.Count > 0 && incompatible[0].Remedy is { } remedy)
        {
            first += $". To fix: {remedy}.";
        }

        RegistryThrow.Incompatible(
            $"The schema is incompatible with version(s) {string.Join(", ", compared)} of subject '{subject}' under {ConfigNames.Level(level)}: {incompatible.Count} incompatible difference(s).{first}",
            incompatible,
            compared);
    }

    private static VersionRecord? FindLive(IReadOnlyList<VersionRecord> versions, long schemaId)
    {
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            if (!versions[i].IsDeleted && versions[i].SchemaId == schemaId)
            {
                return versions[i];
            }
        }

        return null;
    }

    internal static VersionRecord? LatestLive(IReadOnlyList<VersionRecord> versions)
    {
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            if (!versions[i].IsDeleted)
            {
                return versions[i];
            }
        }

        return null;
    }

    internal static VersionRecord? FindVersion(IReadOnlyList<VersionRecord> versions, int number)
    {
        foreach (var version in versions)
        {
            if (version.Version == number)
            {
                return version;
            }
        }

        return null;
    }

    /// <summary>
    /// The label the new version should carry: the newest labelled version's label, bumped by what changed since that
    /// version (not merely since the latest one, which may be unlabelled and already hold a larger change). Null when
    /// the subject has no label or nothing changed.
    /// </summary>
    private async Task<string?> SuggestSemverAsync(
        Prepared prepared, IReadOnlyList<VersionRecord> versions, IReadOnlyList<int> compared, VersionBump bumpFromLatest, CompatibilityPolicy policy, CancellationToken cancellationToken)
    {
        VersionRecord? labelled = null;
        SemanticVersion? label = null;
        for (var i = versions.Count - 1; i >= 0 && labelled is null; i--)
        {
            if (SemanticVersion.TryParse(versions[i].Semver, out var parsed))
            {
                labelled = versions[i];
                label = parsed;
            }
        }

        if (labelled is null || label is null)
        {
            return null;
        }

        var bump = bumpFromLatest;
        if (compared.Count == 0 || compared[^1] != labelled.Version)
        {
            var schema = await context.GetSchemaAsync(labelled.SchemaId, cancellationToken).ConfigureAwait(false);
            var resolver = await ResolverForAsync(prepared, [labelled], cancellationToken).ConfigureAwait(false);
            bump = (await CompareAsync(prepared, [schema.Record.Content], [schema.Record.DefaultDraft], CompatibilityLevel.None, policy, resolver, cancellationToken).ConfigureAwait(false)).SuggestedBump;
        }

        return bump == VersionBump.None ? null : label.Bumped(bump);
    }

    private static SemanticVersion? HighestLabel(IReadOnlyList<VersionRecord> versions)
    {
        SemanticVersion? highest = null;
        foreach (var version in versions)
        {
            if (SemanticVersion.TryParse(version.Semver, out var label) && (highest is null || label! > highest))
            {
                highest = label;
            }
        }

        return highest;
    }

    /// <summary>A compiled request: its content, references, resolver, the budget its compilation and checks share, and the draft it is read in.</summary>
    private sealed record Prepared(ArtifactType? Artifact, ReadOnlyMemory<byte> Content, IReadOnlyList<SchemaReference> References, ReferenceResolver Resolver, WorkBudget Budget, JsonSchemaDraft DefaultDraft);
}
