using Registry.Protocol.Messages;

namespace Registry.Cli.Remote;

/// <summary>The HTTP API's spelling of the binary protocol's enums (<c>BACKWARD_TRANSITIVE</c>, <c>malformed_json</c>, ...).</summary>
internal static class ApiNames
{
    public static readonly string[] Levels = ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"];

    public static readonly string[] Policies = ["STRICT", "LENIENT"];

    public static readonly string[] Modes = ["READWRITE", "READONLY", "IMPORT"];

    public static readonly string[] States = ["DRAFT", "ACTIVE", "DEPRECATED", "ARCHIVED"];

    public static readonly string[] Roles = ["admin", "developer", "service", "reader"];

    /// <summary>True for <c>@name</c>, as the HTTP API spells the version an alias of the subject points at.</summary>
    public static bool IsAlias(string version) => version.Length > 1 && version[0] == '@';

    public static string Level(CompatibilityLevel level) => Levels[(int)level];

    public static string Policy(CompatibilityPolicy policy) => Policies[(int)policy];

    public static string Mode(RegistryMode mode) => Modes[(int)mode];

    public static string State(LifecycleState state) => States[(int)state];

    public static string Bump(VersionBump bump) => bump switch
    {
        VersionBump.None => "NONE",
        VersionBump.Patch => "PATCH",
        VersionBump.Minor => "MINOR",
        _ => "MAJOR",
    };

    public static string Outcome(ValidationOutcome outcome) => outcome switch
    {
        ValidationOutcome.Valid => "valid",
        ValidationOutcome.Invalid => "invalid",
        ValidationOutcome.MalformedJson => "malformed_json",
        _ => "limit_exceeded",
    };

    public static CompatibilityLevel ParseLevel(string name) => (CompatibilityLevel)IndexOf(Levels, name);

    public static CompatibilityPolicy ParsePolicy(string name) => (CompatibilityPolicy)IndexOf(Policies, name);

    public static RegistryMode ParseMode(string name) => (RegistryMode)IndexOf(Modes, name);

    public static LifecycleState ParseState(string name) => (LifecycleState)IndexOf(States, name);

    /// <summary>
    /// The canonical spelling of a level, policy, mode or state typed in any case, with or without underscores or
    /// dashes (<c>full-transitive</c> → <c>FULL_TRANSITIVE</c>); null when it is none of <paramref name="names"/>.
    /// </summary>
    public static string? Canonical(string[] names, string text)
    {
        var key = Squash(text);
        foreach (var name in names)
        {
            if (string.Equals(Squash(name), key, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return null;
    }

    private static string Squash(string text) =>
        text.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);

    private static int IndexOf(string[] names, string name)
    {
        var index = Array.IndexOf(names, name);
        return index >= 0 ? index : throw new ArgumentOutOfRangeException(nameof(name), name, "not a known name");
    }
}
