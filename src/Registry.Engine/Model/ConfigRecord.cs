using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Model;

/// <summary>
/// The settings stored for one scope (a subject, or the whole registry). A null field is not set at that scope and
/// falls back to the global setting, then to the built-in default.
/// </summary>
public sealed record ConfigRecord
{
    /// <summary>Nothing set.</summary>
    public static ConfigRecord Empty { get; } = new();

    /// <summary>Compatibility level.</summary>
    public CompatibilityLevel? Compatibility { get; init; }

    /// <summary>Compatibility policy for open content models.</summary>
    public CompatibilityPolicy? Policy { get; init; }

    /// <summary>Mode.</summary>
    public RegistryMode? Mode { get; init; }

    /// <summary>
    /// Provider profiles (e.g. <c>openai-strict</c>) every new version must satisfy; null: not set at this scope, empty:
    /// explicitly none (overrides the registry-wide list).
    /// </summary>
    public IReadOnlyList<string>? Profiles { get; init; }

    /// <summary>Whether <c>format</c> is asserted when validating against the subject's versions (subjects only).</summary>
    public bool? FormatAssertion { get; init; }

    /// <summary>
    /// The draft a new version's schema is read in when it names no <c>$schema</c> (subjects only); null: the API's
    /// default (draft-07 on the Confluent API), else the server's (<c>Registry:Engine:DefaultDraft</c>).
    /// </summary>
    public JsonSchemaDraft? DefaultDraft { get; init; }

    /// <summary>Confluent's contract settings of the scope (normalize, compatibility group, default and override metadata and rules); null when none.</summary>
    public ContractConfig? Contract { get; init; }

    /// <summary>True when no field is set.</summary>
    public bool IsEmpty => Compatibility is null && Policy is null && Mode is null && Profiles is null && FormatAssertion is null && DefaultDraft is null && Contract is null;
}

/// <summary>The settings in force for a subject once fallbacks are applied.</summary>
/// <param name="Compatibility">Compatibility level.</param>
/// <param name="Policy">Compatibility policy.</param>
/// <param name="Mode">Mode.</param>
public sealed record EffectiveConfig(CompatibilityLevel Compatibility, CompatibilityPolicy Policy, RegistryMode Mode)
{
    /// <summary>The provider profiles a new version must satisfy (the subject's list, else the registry's, else none).</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>Whether <c>format</c> is asserted when validating against the subject's versions: the subject's setting, or the server's.</summary>
    public bool FormatAssertion { get; init; }

    /// <summary>
    /// The subject's own default draft, or null when it sets none (then the API's default applies, else the server's:
    /// see <see cref="ConfigRecord.DefaultDraft"/>).
    /// </summary>
    public JsonSchemaDraft? DefaultDraft { get; init; }

    /// <summary>The contract settings in force: each member the subject's when it sets it, else the registry's.</summary>
    public ContractConfig Contract { get; init; } = ContractConfig.Empty;
}
