using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// One difference between a new schema and an earlier version, named and located.
/// Wire: <c>[name: str, location: str, message: str, compatible: bool, earlierVersion: int | nil]</c>.
/// </summary>
/// <param name="Name">Stable name, e.g. <c>TYPE_NARROWED</c>, <c>REQUIRED_ATTRIBUTE_ADDED</c>.</param>
/// <param name="Location">JSON pointer into the schema, e.g. <c>#/properties/age</c>.</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="IsCompatible">Whether this difference is allowed under the level and policy checked.</param>
/// <param name="EarlierVersion">The version this difference is against, when known.</param>
public readonly record struct SchemaDifference(string Name, string Location, string Message, bool IsCompatible, int? EarlierVersion)
{
    internal const int MinEncodedBytes = 6;

    /// <summary>Writes the difference.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        writer.Write(Name);
        writer.Write(Location);
        writer.Write(Message);
        writer.Write(IsCompatible);
        writer.WriteNullable(EarlierVersion);
    }

    /// <summary>Writes a list of differences.</summary>
    public static void WriteList(ref MessagePackWriter writer, IReadOnlyList<SchemaDifference> differences)
    {
        ArgumentNullException.ThrowIfNull(differences);
        writer.WriteArrayHeader(differences.Count);
        for (var i = 0; i < differences.Count; i++)
        {
            differences[i].Write(ref writer);
        }
    }

    internal static SchemaDifference Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("difference", 5);
        var name = reader.ReadString("difference.name", ProtocolLimits.MaxShortStringBytes);
        var location = reader.ReadString("difference.location", ProtocolLimits.MaxTextBytes);
        var message = reader.ReadString("difference.message", ProtocolLimits.MaxTextBytes);
        var compatible = reader.ReadBoolean("difference.compatible");
        var earlier = reader.ReadNullableInt32("difference.earlierVersion", min: 1);
        reader.Skip("difference", extra);
        return new SchemaDifference(name, location, message, compatible, earlier);
    }

    internal static SchemaDifference[] ReadList(ref ProtocolReader reader, string field)
    {
        var count = reader.ReadArrayHeader(field, ProtocolLimits.MaxDifferences, MinEncodedBytes);
        if (count == 0)
        {
            return [];
        }

        var differences = new SchemaDifference[count];
        for (var i = 0; i < differences.Length; i++)
        {
            differences[i] = Read(ref reader);
        }

        return differences;
    }
}

/// <summary>A subject and one of its versions. Wire: <c>[subject: str, version: int &gt;= 1]</c>.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Version">The version.</param>
public readonly record struct SubjectVersion(string Subject, int Version)
{
    internal const int MinEncodedBytes = 4;

    /// <summary>Writes the pair.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(Subject);
        writer.Write(Version);
    }

    internal static SubjectVersion Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("subjectVersion", 2);
        var subject = reader.ReadSubject("subjectVersion.subject");
        var version = reader.ReadInt32("subjectVersion.version", min: 1);
        reader.Skip("subjectVersion", extra);
        return new SubjectVersion(subject, version);
    }
}
