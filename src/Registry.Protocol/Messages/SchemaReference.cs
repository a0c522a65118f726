using System.Buffers;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// A schema's reference to another subject's version, under the name the schema uses for it (a <c>$ref</c> URI).
/// Wire: <c>[name: str, subject: str, version: int &gt;= 1]</c>.
/// </summary>
/// <param name="Name">The name the referring schema uses.</param>
/// <param name="Subject">The referenced subject.</param>
/// <param name="Version">The referenced version (a concrete number, never "latest").</param>
public readonly record struct SchemaReference(string Name, string Subject, int Version)
{
    // fixarray + at least a 1-byte name + a 2-byte subject + a 1-byte version.
    internal const int MinEncodedBytes = 5;

    /// <summary>Writes the reference.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write(Name);
        writer.Write(Subject);
        writer.Write(Version);
    }

    /// <summary>Writes a list of references.</summary>
    public static void WriteList(ref MessagePackWriter writer, ReadOnlySpan<SchemaReference> references)
    {
        writer.WriteArrayHeader(references.Length);
        foreach (var reference in references)
        {
            reference.Write(ref writer);
        }
    }

    internal static SchemaReference Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("reference", 3);
        var name = reader.ReadString("reference.name", ProtocolLimits.MaxShortStringBytes);
        var subject = reader.ReadSubject("reference.subject");
        var version = reader.ReadInt32("reference.version", min: 1);
        reader.Skip("reference", extra);
        return new SchemaReference(name, subject, version);
    }

    internal static SchemaReference[] ReadList(ref ProtocolReader reader, string field)
    {
        var count = reader.ReadArrayHeader(field, ProtocolLimits.MaxReferences, MinEncodedBytes);
        if (count == 0)
        {
            return [];
        }

        var references = new SchemaReference[count];
        for (var i = 0; i < references.Length; i++)
        {
            references[i] = Read(ref reader);
        }

        return references;
    }
}

/// <summary>A <see cref="SchemaReference"/> read in place: UTF-8 slices of the payload, nothing allocated.</summary>
public readonly ref struct SchemaReferenceView : IPayloadElement<SchemaReferenceView>
{
    private SchemaReferenceView(ReadOnlySequence<byte> name, ReadOnlySequence<byte> subject, int version)
    {
        NameUtf8 = name;
        SubjectUtf8 = subject;
        Version = version;
    }

    /// <summary>The name the referring schema uses, as UTF-8.</summary>
    public ReadOnlySequence<byte> NameUtf8 { get; }

    /// <summary>The referenced subject, as UTF-8 (checked against the subject rules).</summary>
    public ReadOnlySequence<byte> SubjectUtf8 { get; }

    /// <summary>The referenced version.</summary>
    public int Version { get; }

    /// <summary>Copies the view into an owned <see cref="SchemaReference"/> (allocates the strings).</summary>
    public SchemaReference ToReference()
        => new(Utf8Text.Decode(NameUtf8, "reference.name"), Utf8Text.Decode(SubjectUtf8, "reference.subject"), Version);

    static SchemaReferenceView IPayloadElement<SchemaReferenceView>.Read(scoped ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("reference", 3);
        var name = reader.ReadUtf8("reference.name", ProtocolLimits.MaxShortStringBytes);
        var subject = reader.ReadSubjectUtf8("reference.subject");
        var version = reader.ReadInt32("reference.version", min: 1);
        reader.Skip("reference", extra);
        return new SchemaReferenceView(name, subject, version);
    }
}
