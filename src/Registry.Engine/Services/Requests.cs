using Registry.Engine.Model;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services;

/// <summary>A schema to register under a subject.</summary>
public sealed record SchemaRegistration
{
    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The schema text, UTF-8 JSON.</summary>
    public required ReadOnlyMemory<byte> Schema { get; init; }

    /// <summary>The schema type; only <c>JSON</c> is supported.</summary>
    public string SchemaType { get; init; } = "JSON";

    /// <summary>Versions of other subjects this schema refers to by name.</summary>
    public IReadOnlyList<SchemaReference> References { get; init; } = [];

    /// <summary>Metadata of the new version (its <see cref="VersionMetadata.Contract"/> is ignored: see <see cref="Contract"/>).</summary>
    public VersionMetadata Metadata { get; init; } = VersionMetadata.Empty;

    /// <summary>
    /// The data contract (Confluent metadata and rule set) asked for; null members (or a null contract) are taken from
    /// the previous version, then combined with the subject's default and override settings (<see cref="ContractRules.Effective"/>).
    /// Part of the schema's identity.
    /// </summary>
    public DataContract? Contract { get; init; }

    /// <summary>Optional semantic-version label; must be higher than every label already in the subject.</summary>
    public string? Semver { get; init; }

    /// <summary>DRAFT or ACTIVE.</summary>
    public LifecycleState InitialState { get; init; } = LifecycleState.Active;

    /// <summary>Who registers it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Store the canonical form instead of the text as given (a new schema only; an existing id keeps its text).</summary>
    public bool Normalize { get; init; }

    /// <summary>IMPORT mode only: the schema id to use.</summary>
    public long? Id { get; init; }

    /// <summary>IMPORT mode only: the version number to use.</summary>
    public int? Version { get; init; }

    /// <summary>
    /// The API's draft for a JSON schema that names no <c>$schema</c> when the subject sets none (the Confluent API:
    /// draft-07); null: the server's (<see cref="RegistryEngineOptions.DefaultDraft"/>).
    /// </summary>
    public JsonSchemaDraft? DefaultDraft { get; init; }
}

/// <summary>What a registration did.</summary>
public sealed record RegistrationResult
{
    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The version holding the schema (new, or the existing one with the same content).</summary>
    public required int Version { get; init; }

    /// <summary>The global schema id.</summary>
    public required long SchemaId { get; init; }

    /// <summary>False when the subject already had a live version with this schema (nothing was written).</summary>
    public required bool Created { get; init; }

    /// <summary>The bump the change from the latest live version calls for (None for a first version or an existing one).</summary>
    public required VersionBump SuggestedBump { get; init; }

    /// <summary>The highest semantic-version label of the subject bumped by <see cref="SuggestedBump"/>, when the subject has labels.</summary>
    public string? SuggestedSemver { get; init; }

    /// <summary>The label of the version.</summary>
    public string? Semver { get; init; }

    /// <summary>The (compatible) differences from the earlier versions checked.</summary>
    public IReadOnlyList<VersionDifference> Differences { get; init; } = [];
}

/// <summary>
/// A change to an existing version, applied at once against one revision of the subject. Null members are left as
/// they are; metadata and deprecation, when given, replace the old ones whole.
/// </summary>
public sealed record VersionChange
{
    /// <summary>The new lifecycle state; the transition must be allowed.</summary>
    public LifecycleState? State { get; init; }

    /// <summary>New deprecation details; only a version that is (or becomes) DEPRECATED or ARCHIVED takes them.</summary>
    public Deprecation? Deprecation { get; init; }

    /// <summary>New metadata, replacing the old.</summary>
    public VersionMetadata? Metadata { get; init; }

    /// <summary>
    /// The version's semantic-version label as the caller believes it to be. A label is given at registration and never
    /// changes: any other value is refused.
    /// </summary>
    public string? Semver { get; init; }
}

/// <summary>
/// A search for subjects: the listing's prefix, deletion filter and paging, and filters over the metadata of the
/// subject's versions (null: not filtered). A subject matches when one of its versions (those the deletion filter
/// admits) satisfies every filter given.
/// </summary>
public sealed record SubjectSearch
{
    /// <summary>Only names starting with this (ordinal).</summary>
    public string? Prefix { get; init; }

    /// <summary>Live subjects and versions, or also (only) soft-deleted ones.</summary>
    public Storage.DeletedFilter Deleted { get; init; }

    /// <summary>A tag one version carries (case-insensitive).</summary>
    public string? Tag { get; init; }

    /// <summary>The owner of one version (case-insensitive).</summary>
    public string? Owner { get; init; }

    /// <summary>Text in the subject's name or in one version's description (case-insensitive).</summary>
    public string? Text { get; init; }

    /// <summary>Matches to skip.</summary>
    public int Offset { get; init; }

    /// <summary>Most matches to return; -1 for the configured maximum.</summary>
    public int Limit { get; init; } = -1;

    /// <summary>True when a metadata filter is given.</summary>
    public bool FiltersMetadata => Tag is not null || Owner is not null || Text is not null;
}

/// <summary>A schema given for a lookup or a compatibility check.</summary>
/// <param name="Schema">UTF-8 JSON.</param>
/// <param name="SchemaType">The schema type.</param>
/// <param name="References">Its references.</param>
public sealed record SchemaInput(ReadOnlyMemory<byte> Schema, string SchemaType = "JSON", IReadOnlyList<SchemaReference>? References = null)
{
    /// <summary>As <see cref="SchemaRegistration.DefaultDraft"/>: the API's draft for a schema that names no <c>$schema</c>.</summary>
    public JsonSchemaDraft? DefaultDraft { get; init; }

    /// <summary>The data contract (Confluent metadata and rule set) the schema comes with, when any: part of its identity.</summary>
    public DataContract? Contract { get; init; }
}

/// <summary>The verdict of a compatibility check that registers nothing.</summary>
public sealed record CompatibilityReport
{
    /// <summary>True when the schema could be registered.</summary>
    public required bool IsCompatible { get; init; }

    /// <summary>The level checked.</summary>
    public required CompatibilityLevel Level { get; init; }

    /// <summary>The policy applied.</summary>
    public required CompatibilityPolicy Policy { get; init; }

    /// <summary>The versions compared with, oldest first.</summary>
    public required IReadOnlyList<int> ComparedVersions { get; init; }

    /// <summary>Every difference found, each naming the version it was found against.</summary>
    public required IReadOnlyList<VersionDifference> Differences { get; init; }

    /// <summary>The suggested bump from the latest compared version.</summary>
    public required VersionBump SuggestedBump { get; init; }
}

/// <summary>What to validate against: a schema id, or a subject and version.</summary>
public readonly record struct ValidationTarget
{
    private ValidationTarget(long schemaId, string? subject, VersionSelector version)
    {
        SchemaId = schemaId;
        Subject = subject;
        Version = version;
    }

    /// <summary>The schema id, when targeting by id.</summary>
    public long SchemaId { get; }

    /// <summary>The subject, when targeting by subject.</summary>
    public string? Subject { get; }

    /// <summary>The version, when targeting by subject.</summary>
    public VersionSelector Version { get; }

    /// <summary>
    /// Whether <c>format</c> is asserted for this request; null for the subject's setting (by subject) or the server's
    /// (by id).
    /// </summary>
    public bool? FormatAssertion { get; init; }

    /// <summary>Targets a schema id.</summary>
    public static ValidationTarget ById(long schemaId) => new(schemaId, null, default);

    /// <summary>Targets a version of a subject.</summary>
    public static ValidationTarget ByVersion(string subject, VersionSelector version) => new(0, subject, version);
}

/// <summary>The result of validating documents: against which schema, any deprecation warning, and one result per document.</summary>
public sealed record DocumentValidation
{
    /// <summary>The schema id validated against.</summary>
    public required long SchemaId { get; init; }

    /// <summary>The subject, when validated by subject.</summary>
    public string? Subject { get; init; }

    /// <summary>The version, when validated by subject.</summary>
    public int? Version { get; init; }

    /// <summary>Set when the version (or every version of the id) is DEPRECATED.</summary>
    public string? Warning { get; init; }

    /// <summary>The type of the schema validated against (<c>JSON</c>, <c>TOOL</c>, ...).</summary>
    public string SchemaType { get; init; } = Registry.Schemas.Artifacts.ArtifactTypes.Json;

    /// <summary>One result per document, in order.</summary>
    public required IReadOnlyList<ValidationResult> Results { get; init; }
}

/// <summary>A compiled validator ready for use, and the deprecation warning that goes with it.</summary>
/// <param name="Schema">The compiled schema.</param>
/// <param name="SchemaId">The id.</param>
/// <param name="Warning">Null, or why the schema should no longer be used.</param>
/// <param name="SchemaType">The schema's type (<c>JSON</c>, <c>TOOL</c>, ...), as stored: the validation metrics are tagged with it.</param>
public readonly record struct ValidatorLease(CompiledSchema Schema, long SchemaId, string? Warning, string SchemaType);

/// <summary>What changed, for cache invalidation in this and other processes.</summary>
public enum RegistryChangeKind
{
    /// <summary>A subject's versions changed (new version, state, metadata, soft delete).</summary>
    Subject,

    /// <summary>Versions were hard-deleted: their schema ids may have no version left.</summary>
    SubjectHardDeleted,

    /// <summary>A configuration or mode changed (subject null: the registry-wide one).</summary>
    Config,
}

/// <summary>A change notification.</summary>
public sealed class RegistryChangedEventArgs : EventArgs
{
    /// <summary>Creates a notification.</summary>
    public RegistryChangedEventArgs(RegistryChangeKind kind, string? subject, IReadOnlyList<long> schemaIds)
    {
        Kind = kind;
        Subject = subject;
        SchemaIds = schemaIds;
    }

    /// <summary>What changed.</summary>
    public RegistryChangeKind Kind { get; }

    /// <summary>The subject, or null for the registry-wide configuration.</summary>
    public string? Subject { get; }

    /// <summary>The schema ids whose versions changed.</summary>
    public IReadOnlyList<long> SchemaIds { get; }
}

/// <summary>Who changes an alias, and how.</summary>
public sealed record AliasChange
{
    /// <summary>The protection after the change; null keeps the current one (unprotected for a new alias).</summary>
    public bool? Protected { get; init; }

    /// <summary>Allows changing a protected alias (an administrator's request).</summary>
    public bool Force { get; init; }

    /// <summary>Who asks, when security is on: a protected alias changes only for an administrator's forced request.</summary>
    public Security.Principal? Principal { get; init; }

    /// <summary>Who changes it, when known.</summary>
    public string? By { get; init; }
}

/// <summary>The contract settings a configuration change names.</summary>
[Flags]
public enum ContractSettings
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><see cref="ContractConfig.Normalize"/>.</summary>
    Normalize = 1,

    /// <summary><see cref="ContractConfig.ValidateFields"/>.</summary>
    ValidateFields = 2,

    /// <summary><see cref="ContractConfig.CompatibilityGroup"/>.</summary>
    CompatibilityGroup = 4,

    /// <summary><see cref="ContractConfig.DefaultMetadata"/>.</summary>
    DefaultMetadata = 8,

    /// <summary><see cref="ContractConfig.OverrideMetadata"/>.</summary>
    OverrideMetadata = 16,

    /// <summary><see cref="ContractConfig.DefaultRuleSet"/>.</summary>
    DefaultRuleSet = 32,

    /// <summary><see cref="ContractConfig.OverrideRuleSet"/>.</summary>
    OverrideRuleSet = 64,
}

/// <summary>A change of contract settings: the members named in <paramref name="Set"/> take their value in <paramref name="Values"/> (null clears one).</summary>
/// <param name="Values">The new values.</param>
/// <param name="Set">Which members change.</param>
public sealed record ContractConfigChange(ContractConfig Values, ContractSettings Set);
