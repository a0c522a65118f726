using Registry.Engine.Model;
using Registry.Engine.Schemas;
using Registry.Schemas;
using Registry.Schemas.Artifacts;
using Registry.Schemas.Profiles;

namespace Registry.Engine.Services;

/// <summary>
/// Provider profiles in the registry: lint and transform of a schema or a registered version against a profile, the
/// profiles a scope requires, and the registration rule that refuses a version violating one of them. The one place
/// where these rules live; the APIs only translate.
/// </summary>
internal sealed class ProfileService(RegistryContext context)
{
    /// <summary>Most profiles one scope may require (there are only a handful; this bounds hostile lists).</summary>
    public const int MaxRequiredProfiles = 16;

    /// <summary>Most version lint results kept in memory; past it the cache starts again (they are recomputed on demand).</summary>
    private const int MaxCachedVersionLints = 4096;

    /// <summary>
    /// A version's lint results, keyed by schema id, profile and profile version. A schema id names immutable content
    /// and immutable references (referenced versions cannot be hard-deleted while referenced), and a profile version
    /// names an immutable rule set, so the key determines the result: caching it is the same as storing it.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long SchemaId, string Profile, string ProfileVersion), ProfileLintResult> _versionLints = new();

    /// <summary>The profile called <paramref name="name"/>; <see cref="RegistryErrorCode.InvalidRequest"/> naming the known ones otherwise.</summary>
    public static Profile Resolve(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            RegistryThrow.InvalidRequest($"Name a profile: one of {KnownNames()}.");
        }

        if (!ProviderProfiles.TryGet(name, out var profile))
        {
            RegistryThrow.InvalidRequest($"Unknown profile '{Shorten(name)}': the profiles are {KnownNames()}.");
        }

        return profile;
    }

    public async Task<ProfileLintResult> LintAsync(SchemaInput input, string profileName, CancellationToken cancellationToken)
    {
        var profile = Resolve(profileName);
        var (content, references) = Read(input);
        var resolver = await context.LoadReferencesAsync(references, requireLive: false, cancellationToken).ConfigureAwait(false);
        using var slot = await context.Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        return ProfileLinter.Lint(content, profile, resolver, LintOptions(), cancellationToken);
    }

    public async Task<(SubjectVersion Version, ProfileLintResult Result)> LintVersionAsync(string subject, VersionSelector version, string profileName, CancellationToken cancellationToken)
    {
        var profile = Resolve(profileName);
        var (found, resolver) = await LoadVersionAsync(subject, version, cancellationToken).ConfigureAwait(false);
        using var slot = await context.Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        return (found, ProfileLinter.Lint(RegistryContext.DocumentSchemaOf(found.Schema), profile, resolver, LintOptions(), cancellationToken));
    }

    /// <summary>
    /// The lint results of a version for each profile its subject requires now (the effective list), in the list's
    /// order. Derived from the version's content and references and the profile's version, and cached (see
    /// <see cref="_versionLints"/>): the registration check computed the same results from the same inputs.
    /// </summary>
    public async Task<IReadOnlyList<ProfileLintResult>> VersionLintsAsync(SubjectVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        var config = await context.GetEffectiveConfigAsync(version.Subject, cancellationToken).ConfigureAwait(false);
        if (config.Profiles.Count == 0 || !string.Equals(version.Schema.SchemaType, "JSON", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var results = new List<ProfileLintResult>(config.Profiles.Count);
        ReferenceResolver? resolver = null;
        foreach (var name in config.Profiles)
        {
            if (!ProviderProfiles.TryGet(name, out var profile))
            {
                continue; // A profile retired from this build.
            }

            var key = (version.Schema.Id, profile.Name, profile.Version);
            if (!_versionLints.TryGetValue(key, out var result))
            {
                resolver ??= await context.LoadReferencesAsync(version.Schema.References, requireLive: false, cancellationToken).ConfigureAwait(false);
                using (await context.Work.EnterAsync(cancellationToken).ConfigureAwait(false))
                {
                    result = ProfileLinter.Lint(version.Schema.Content, profile, resolver, LintOptions(), cancellationToken);
                }

                if (_versionLints.Count >= MaxCachedVersionLints)
                {
                    _versionLints.Clear();
                }

                _versionLints[key] = result;
            }

            results.Add(result);
        }

        return results;
    }

    public async Task<ProfileTransformResult> TransformAsync(SchemaInput input, string profileName, CancellationToken cancellationToken)
    {
        var profile = Resolve(profileName);
        var (content, references) = Read(input);
        var resolver = await context.LoadReferencesAsync(references, requireLive: false, cancellationToken).ConfigureAwait(false);
        using var slot = await context.Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        return ProfileTransformer.Transform(content, profile, resolver, TransformOptions(), cancellationToken);
    }

    public async Task<(SubjectVersion Version, ProfileTransformResult Result)> TransformVersionAsync(string subject, VersionSelector version, string profileName, CancellationToken cancellationToken)
    {
        var profile = Resolve(profileName);
        var (found, resolver) = await LoadVersionAsync(subject, version, cancellationToken).ConfigureAwait(false);
        using var slot = await context.Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        return (found, ProfileTransformer.Transform(RegistryContext.DocumentSchemaOf(found.Schema), profile, resolver, TransformOptions(), cancellationToken));
    }

    /// <summary>
    /// Sets the profiles a scope requires (null: remove the setting, the subject follows the registry's list; empty:
    /// explicitly none). Unknown names and duplicates are refused. Returns what is stored now.
    /// </summary>
    public async Task<ConfigRecord> SetRequiredAsync(string? subject, IReadOnlyList<string>? profiles, CancellationToken cancellationToken)
    {
        if (subject is not null)
        {
            SubjectName.Validate(subject);
        }

        IReadOnlyList<string>? names = null;
        if (profiles is not null)
        {
            if (profiles.Count > MaxRequiredProfiles)
            {
                RegistryThrow.InvalidRequest($"At most {MaxRequiredProfiles} profiles may be required.");
            }

            var list = new List<string>(profiles.Count);
            foreach (var name in profiles)
            {
                var profile = Resolve(name);
                if (list.Contains(profile.Name))
                {
                    RegistryThrow.InvalidRequest($"Profile '{profile.Name}' is listed twice.");
                }

                list.Add(profile.Name);
            }

            names = list;
        }

        var effective = await context.GetEffectiveConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        if (effective.Mode == RegistryMode.ReadOnly)
        {
            RegistryThrow.NotPermitted(subject is null
                ? "The registry is in READONLY mode: its required profiles cannot change."
                : $"Subject '{subject}' is in READONLY mode: its required profiles cannot change.");
        }

        var current = await context.Store.GetConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        var updated = current with { Profiles = names };
        await context.Store.SetConfigAsync(subject, updated, cancellationToken).ConfigureAwait(false);
        context.Notify(RegistryChangeKind.Config, subject, []);
        return updated;
    }

    /// <summary>
    /// The registration rule: a new version of a subject that requires profiles must be accepted by each of them (no
    /// violation the provider rejects, and a finished check). Refused as <see cref="RegistryErrorCode.Incompatible"/>
    /// with one difference per violation, named and located as the linter names them and prefixed with the profile,
    /// so that every API reports it the way it reports an incompatibility.
    /// </summary>
    public static void Enforce(string subject, EffectiveConfig config, ReadOnlyMemory<byte> content, ReferenceResolver resolver, CancellationToken cancellationToken) =>
        Enforce(subject, config, null, content, resolver, cancellationToken);

    /// <summary>
    /// <see cref="Enforce(string, EffectiveConfig, ReadOnlyMemory{byte}, ReferenceResolver, CancellationToken)"/> for a
    /// version of any type: for an artifact (a tool), each of its names must pass the profile's tool-name rule and each
    /// schema inside it (<c>inputSchema</c>, <c>outputSchema</c>) is linted, violations located inside the artifact.
    /// </summary>
    public static void Enforce(string subject, EffectiveConfig config, ArtifactType? artifact, ReadOnlyMemory<byte> content, ReferenceResolver resolver, CancellationToken cancellationToken)
    {
        if (config.Profiles.Count == 0 || config.Mode == RegistryMode.Import)
        {
            return;
        }

        IReadOnlyList<ArtifactSchema> parts = artifact is null ? [new ArtifactSchema("#", content)] : artifact.Schemas(content);
        IReadOnlyList<ArtifactName> names = artifact is null ? [] : artifact.ToolNames(content);

        List<VersionDifference>? violations = null;
        List<string>? refusing = null;
        foreach (var name in config.Profiles)
        {
            if (!ProviderProfiles.TryGet(name, out var profile))
            {
                continue; // A profile retired from this build: nothing left to check against.
            }

            var refused = false;
            foreach (var toolName in names)
            {
                if (profile.ToolNames is { Effect: ViolationEffect.Rejected } rule && !rule.Accepts(toolName.Name))
                {
                    (violations ??= []).Add(new VersionDifference(ViolationNames.ToolNameInvalid, toolName.Pointer, false,
                        $"{profile.Name}: the tool name '{Shorten(toolName.Name)}' breaks the rule: {rule.Describe()}", null));
                    refused = true;
                }
            }

            foreach (var part in parts)
            {
                // The schema was compiled just before (registration), so the MCP profile's validity check is redundant.
                var result = ProfileLinter.Lint(part.Schema, profile, resolver, LintOptions() with { CheckSchemaValidity = false }, cancellationToken);
                if (result.IsAccepted)
                {
                    continue;
                }

                refused = true;
                violations ??= [];
                if (result.Status != LintStatus.Completed)
                {
                    violations.Add(new VersionDifference(
                        result.Status == LintStatus.TooComplex ? "PROFILE_CHECK_TOO_COMPLEX" : "PROFILE_CHECK_FAILED", part.Pointer, false, $"{profile.Name}: {result.Error}", null));
                    continue;
                }

                foreach (var violation in result.Violations)
                {
                    if (violation.Effect == ViolationEffect.Rejected)
                    {
                        violations.Add(new VersionDifference(violation.Name, Within(part.Pointer, violation.Pointer), false, $"{profile.Name}: {Describe(violation)}", null));
                    }
                }
            }

            if (refused)
            {
                (refusing ??= []).Add(profile.Name);
            }
        }

        if (violations is null)
        {
            return;
        }

        var first = violations[0];
        RegistryThrow.Incompatible(
            $"The schema violates the provider profile(s) {string.Join(", ", refusing!)} that subject '{subject}' requires: {violations.Count} violation(s). First: {first.Name} at {first.Location}: {first.Message}",
            violations,
            []);
    }

    private static string Within(string prefix, string pointer) => prefix == "#" ? pointer : prefix + pointer.TrimStart('#');

    private static string Describe(ProfileViolation violation)
    {
        if (violation.Limit is null && violation.Actual is null)
        {
            return violation.Message;
        }

        return $"{violation.Message} (limit {violation.Limit ?? "-"}, actual {violation.Actual ?? "-"})";
    }

    private async Task<(SubjectVersion Version, ReferenceResolver Resolver)> LoadVersionAsync(string subject, VersionSelector version, CancellationToken cancellationToken)
    {
        var snapshot = await context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        var record = LifecycleService.Resolve(snapshot, version, includeDeleted: false);
        var schema = await context.GetSchemaAsync(record.SchemaId, cancellationToken).ConfigureAwait(false);
        var resolver = await context.LoadReferencesAsync(schema.Record.References, requireLive: false, cancellationToken).ConfigureAwait(false);
        return (new SubjectVersion(record, schema.Record), resolver);
    }

    private (ReadOnlyMemory<byte> Content, IReadOnlyList<SchemaReference> References) Read(SchemaInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var type = string.IsNullOrEmpty(input.SchemaType) ? "JSON" : input.SchemaType;
        if (!string.Equals(type, "JSON", StringComparison.OrdinalIgnoreCase))
        {
            RegistryThrow.Error(RegistryErrorCode.UnsupportedSchemaType, $"Provider profiles apply to JSON schemas, not '{Shorten(type)}'.");
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

        return (content, references);
    }

    private static ProfileLintOptions LintOptions() => new() { BaseUri = ReferenceResolver.BaseUri };

    private static ProfileTransformOptions TransformOptions() => new() { Lint = LintOptions() };

    private static string KnownNames()
    {
        var names = new string[ProviderProfiles.All.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = ProviderProfiles.All[i].Name;
        }

        return string.Join(", ", names);
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
