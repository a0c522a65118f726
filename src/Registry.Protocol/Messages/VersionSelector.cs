using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>How a request names a subject's version: a number from 1, or <see cref="Latest"/>.</summary>
public static class VersionSelector
{
    /// <summary>The subject's latest version (its highest non-deleted one), as Confluent's API spells it.</summary>
    public const int Latest = -1;

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

    internal static int? ReadNullable(ref ProtocolReader reader, string field)
        => reader.TryReadNil() ? null : Read(ref reader, field);
}
