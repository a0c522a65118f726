using Registry.Schemas.Compatibility;

namespace Registry.Engine.Model;

/// <summary>Wire names of modes and compatibility settings (Confluent spelling: upper case with underscores).</summary>
public static class ConfigNames
{
    /// <summary>The wire name of a mode.</summary>
    public static string Mode(RegistryMode mode) => mode switch
    {
        RegistryMode.ReadWrite => "READWRITE",
        RegistryMode.ReadOnly => "READONLY",
        RegistryMode.Import => "IMPORT",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Parses a mode name, case-insensitively.</summary>
    public static bool TryParseMode(string? value, out RegistryMode mode)
    {
        for (var m = RegistryMode.ReadWrite; m <= RegistryMode.Import; m++)
        {
            if (string.Equals(value, Mode(m), StringComparison.OrdinalIgnoreCase))
            {
                mode = m;
                return true;
            }
        }

        mode = default;
        return false;
    }

    /// <summary>The wire name of a compatibility level.</summary>
    public static string Level(CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.None => "NONE",
        CompatibilityLevel.Backward => "BACKWARD",
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.Forward => "FORWARD",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.Full => "FULL",
        CompatibilityLevel.FullTransitive => "FULL_TRANSITIVE",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>Parses a compatibility level name, case-insensitively.</summary>
    public static bool TryParseLevel(string? value, out CompatibilityLevel level)
    {
        for (var l = CompatibilityLevel.None; l <= CompatibilityLevel.FullTransitive; l++)
        {
            if (string.Equals(value, Level(l), StringComparison.OrdinalIgnoreCase))
            {
                level = l;
                return true;
            }
        }

        level = default;
        return false;
    }

    /// <summary>The wire name of a compatibility policy.</summary>
    public static string Policy(CompatibilityPolicy policy) => policy switch
    {
        CompatibilityPolicy.Strict => "STRICT",
        CompatibilityPolicy.Lenient => "LENIENT",
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    /// <summary>Parses a compatibility policy name, case-insensitively.</summary>
    public static bool TryParsePolicy(string? value, out CompatibilityPolicy policy)
    {
        if (string.Equals(value, "STRICT", StringComparison.OrdinalIgnoreCase))
        {
            policy = CompatibilityPolicy.Strict;
            return true;
        }

        if (string.Equals(value, "LENIENT", StringComparison.OrdinalIgnoreCase))
        {
            policy = CompatibilityPolicy.Lenient;
            return true;
        }

        policy = default;
        return false;
    }

    /// <summary>The wire name of a suggested version bump.</summary>
    public static string Bump(VersionBump bump) => bump switch
    {
        VersionBump.None => "NONE",
        VersionBump.Patch => "PATCH",
        VersionBump.Minor => "MINOR",
        VersionBump.Major => "MAJOR",
        _ => throw new ArgumentOutOfRangeException(nameof(bump)),
    };
}
