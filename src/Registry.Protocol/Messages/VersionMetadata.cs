using System.Collections.ObjectModel;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// Facts about a version that can change without a new version.
/// Wire: <c>[description: str | nil, owner: str | nil, tags: [str], properties: {str: str}]</c>.
/// </summary>
public sealed record VersionMetadata
{
    internal const int MinEncodedBytes = 5;

    /// <summary>No description, no owner, no tags, no properties.</summary>
    public static VersionMetadata Empty { get; } = new();

    /// <summary>What the schema is for.</summary>
    public string? Description { get; init; }

    /// <summary>Who answers for it (a team, a person).</summary>
    public string? Owner { get; init; }

    /// <summary>Free-form labels, in order.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Key-value properties; keys are unique (ordinal comparison).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Writes the metadata.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.WriteNullable(Description);
        writer.WriteNullable(Owner);
        writer.WriteArrayHeader(Tags.Count);
        for (var i = 0; i < Tags.Count; i++)
        {
            writer.Write(Tags[i]);
        }

        writer.WriteMapHeader(Properties.Count);
        foreach (var (key, value) in Properties)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    internal static VersionMetadata Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("metadata", 4);
        var description = reader.ReadNullableString("metadata.description", ProtocolLimits.MaxTextBytes);
        var owner = reader.ReadNullableString("metadata.owner", ProtocolLimits.MaxShortStringBytes);
        var tagCount = reader.ReadArrayHeader("metadata.tags", ProtocolLimits.MaxTags);
        string[] tags = tagCount == 0 ? [] : new string[tagCount];
        for (var i = 0; i < tags.Length; i++)
        {
            tags[i] = reader.ReadString("metadata.tags[]", ProtocolLimits.MaxShortStringBytes);
        }

        var propertyCount = reader.ReadMapHeader("metadata.properties", ProtocolLimits.MaxProperties);
        IReadOnlyDictionary<string, string> properties = ReadOnlyDictionary<string, string>.Empty;
        if (propertyCount > 0)
        {
            var map = new Dictionary<string, string>(propertyCount, StringComparer.Ordinal);
            for (var i = 0; i < propertyCount; i++)
            {
                var key = reader.ReadString("metadata.properties key", ProtocolLimits.MaxShortStringBytes);
                var value = reader.ReadString("metadata.properties value", ProtocolLimits.MaxShortStringBytes);
                if (!map.TryAdd(key, value))
                {
                    ProtocolErrors.BadValue("metadata.properties", $"the key \"{key}\" appears twice.");
                }
            }

            properties = map;
        }

        reader.Skip("metadata", extra);
        return new VersionMetadata { Description = description, Owner = owner, Tags = tags, Properties = properties };
    }
}

/// <summary>
/// Why a version is deprecated and what replaces it.
/// Wire: <c>[reason: str | nil, sunsetAt: int (Unix ms) | nil, replacementSubject: str | nil, replacementVersion: int | nil]</c>.
/// </summary>
public sealed record Deprecation
{
    /// <summary>Why the version is deprecated.</summary>
    public string? Reason { get; init; }

    /// <summary>When the version is planned to be archived.</summary>
    public DateTimeOffset? SunsetAt { get; init; }

    /// <summary>The subject that replaces it, if any.</summary>
    public string? ReplacementSubject { get; init; }

    /// <summary>The version of <see cref="ReplacementSubject"/> that replaces it, if any.</summary>
    public int? ReplacementVersion { get; init; }

    /// <summary>Writes the deprecation.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.WriteNullable(Reason);
        writer.WriteNullableTimestamp(SunsetAt);
        writer.WriteNullable(ReplacementSubject);
        writer.WriteNullable(ReplacementVersion);
    }

    internal static void WriteNullable(ref MessagePackWriter writer, Deprecation? deprecation)
    {
        if (deprecation is null)
        {
            writer.WriteNil();
        }
        else
        {
            deprecation.Write(ref writer);
        }
    }

    internal static Deprecation? ReadNullable(ref ProtocolReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var extra = reader.ReadFields("deprecation", 4);
        var reason = reader.ReadNullableString("deprecation.reason", ProtocolLimits.MaxTextBytes);
        var sunset = reader.ReadNullableTimestamp("deprecation.sunsetAt");
        var subject = reader.ReadNullableSubject("deprecation.replacementSubject");
        var version = reader.ReadNullableInt32("deprecation.replacementVersion", min: 1);
        reader.Skip("deprecation", extra);
        return new Deprecation { Reason = reason, SunsetAt = sunset, ReplacementSubject = subject, ReplacementVersion = version };
    }
}
