using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// How a request names a subject's version: a number from 1, or <see cref="Latest"/>; where the protocol says
/// <c>int | str</c>, also an alias name (without the <c>@</c>), e.g. <c>production</c>.
/// </summary>
public static class VersionSelector
{
    /// <summary>Longest alias name, in UTF-8 bytes (the registry's alias names are ASCII, at most 64 characters).</summary>
    public const int MaxAliasBytes = 64;

    /// <summary>The subject's latest version (its highest non-deleted one), as Confluent's API spells it.</summary>
    public const int Latest = -1;

    /// <summary>The version an alias of the subject points at, e.g. <c>VersionSelector.Alias("production")</c>.</summary>
    public static VersionTarget Alias(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new VersionTarget(0, name);
    }

    /// <summary>A version number, or <see cref="Latest"/>, as a <see cref="VersionTarget"/>.</summary>
    public static VersionTarget Number(int version) => new(version, null);

    /// <summary>True for 1, 2, ... and <see cref="Latest"/>.</summary>
    public static bool IsValid(int version) => version >= 1 || version == Latest;

    internal static int Read(ref ProtocolReader reader, string field)
    {
        var version = reader.ReadInt32(field);
        if (!IsValid(version))
        {
            ProtocolErrors.BadValue(field, "a version is a number from 1, or -1 for the latest.");
        }

        return version;
    }

    /// <summary>A version number or <see cref="Latest"/> (alias null), or an alias name (the number is then 0).</summary>
    internal static int Read(ref ProtocolReader reader, string field, out string? alias)
    {
        if (reader.NextIsString())
        {
            alias = reader.ReadString(field, MaxAliasBytes);
            if (alias.Length == 0)
            {
                ProtocolErrors.BadValue(field, "an alias name is not empty.");
            }

            return 0;
        }

        alias = null;
        return Read(ref reader, field);
    }

    internal static int? ReadNullable(ref ProtocolReader reader, string field)
        => reader.TryReadNil() ? null : Read(ref reader, field);
}

/// <summary>A version as a request names it: a number, <see cref="VersionSelector.Latest"/>, or an alias.</summary>
/// <param name="Version">The number (or <see cref="VersionSelector.Latest"/>); 0 when <paramref name="AliasName"/> is set.</param>
/// <param name="AliasName">The alias, or null.</param>
public readonly record struct VersionTarget(int Version, string? AliasName)
{
    /// <summary>A version number (or <see cref="VersionSelector.Latest"/>) as a target.</summary>
    public static implicit operator VersionTarget(int version) => new(version, null);

    /// <summary>A version number (or <see cref="VersionSelector.Latest"/>) as a target.</summary>
    public static VersionTarget FromInt32(int version) => new(version, null);

    /// <inheritdoc />
    public override string ToString() => AliasName is not null ? "@" + AliasName
        : Version == VersionSelector.Latest ? "latest" : Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
