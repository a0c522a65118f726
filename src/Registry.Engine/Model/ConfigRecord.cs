using Registry.Schemas.Compatibility;

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

    /// <summary>True when no field is set.</summary>
    public bool IsEmpty => Compatibility is null && Policy is null && Mode is null && Profiles is null && FormatAssertion is null;
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
}
