using System.Buffers;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// One reason a document is invalid, in the JSON Schema "basic" output shape.
/// Wire: <c>[instanceLocation: str, keywordLocation: str, message: str]</c>.
/// </summary>
/// <param name="InstanceLocation">JSON pointer into the document (empty for the root).</param>
/// <param name="KeywordLocation">JSON pointer of the failing keyword through the schema.</param>
/// <param name="Message">Human-readable explanation.</param>
public readonly record struct DocumentError(string InstanceLocation, string KeywordLocation, string Message)
{
    internal const int MinEncodedBytes = 4;

    /// <summary>Writes an error from its parts (no <see cref="DocumentError"/> needed).</summary>
    public static void Write(ref MessagePackWriter writer, string instanceLocation, string keywordLocation, string message)
    {
        writer.WriteArrayHeader(3);
        writer.Write(instanceLocation);
        writer.Write(keywordLocation);
        writer.Write(message);
    }

    /// <summary>Writes the error.</summary>
    public void Write(ref MessagePackWriter writer) => Write(ref writer, InstanceLocation, KeywordLocation, Message);

    /// <summary>Writes a list of errors.</summary>
    public static void WriteList(ref MessagePackWriter writer, ReadOnlySpan<DocumentError> errors)
    {
        writer.WriteArrayHeader(errors.Length);
        foreach (var error in errors)
        {
            error.Write(ref writer);
        }
    }

    internal static DocumentError Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("error", 3);
        var instance = reader.ReadString("error.instanceLocation", ProtocolLimits.MaxTextBytes);
        var keyword = reader.ReadString("error.keywordLocation", ProtocolLimits.MaxTextBytes);
        var message = reader.ReadString("error.message", ProtocolLimits.MaxTextBytes);
        reader.Skip("error", extra);
        return new DocumentError(instance, keyword, message);
    }

    internal static DocumentError[] ReadList(ref ProtocolReader reader, string field)
    {
        var count = reader.ReadArrayHeader(field, ProtocolLimits.MaxErrorsPerDocument, MinEncodedBytes);
        if (count == 0)
        {
            return [];
        }

        var errors = new DocumentError[count];
        for (var i = 0; i < errors.Length; i++)
        {
            errors[i] = Read(ref reader);
        }

        return errors;
    }
}

/// <summary>A <see cref="DocumentError"/> read in place: UTF-8 slices of the payload.</summary>
public readonly ref struct DocumentErrorView : IPayloadElement<DocumentErrorView>
{
    private DocumentErrorView(ReadOnlySequence<byte> instance, ReadOnlySequence<byte> keyword, ReadOnlySequence<byte> message)
    {
        InstanceLocationUtf8 = instance;
        KeywordLocationUtf8 = keyword;
        MessageUtf8 = message;
    }

    /// <summary>JSON pointer into the document, as UTF-8.</summary>
    public ReadOnlySequence<byte> InstanceLocationUtf8 { get; }

    /// <summary>JSON pointer of the failing keyword, as UTF-8.</summary>
    public ReadOnlySequence<byte> KeywordLocationUtf8 { get; }

    /// <summary>Human-readable explanation, as UTF-8.</summary>
    public ReadOnlySequence<byte> MessageUtf8 { get; }

    /// <summary>Copies the view into an owned <see cref="DocumentError"/>.</summary>
    public DocumentError ToError() => new(
        Utf8Text.Decode(InstanceLocationUtf8, "error.instanceLocation"),
        Utf8Text.Decode(KeywordLocationUtf8, "error.keywordLocation"),
        Utf8Text.Decode(MessageUtf8, "error.message"));

    static DocumentErrorView IPayloadElement<DocumentErrorView>.Read(scoped ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("error", 3);
        var instance = reader.ReadUtf8("error.instanceLocation", ProtocolLimits.MaxTextBytes);
        var keyword = reader.ReadUtf8("error.keywordLocation", ProtocolLimits.MaxTextBytes);
        var message = reader.ReadUtf8("error.message", ProtocolLimits.MaxTextBytes);
        reader.Skip("error", extra);
        return new DocumentErrorView(instance, keyword, message);
    }
}

/// <summary>
/// Something the caller should know although validation went ahead (e.g. the version is deprecated).
/// Wire: <c>[kind: int, message: str]</c>.
/// </summary>
/// <param name="Kind">Why.</param>
/// <param name="Message">Human-readable explanation (e.g. the deprecation reason and replacement).</param>
public readonly record struct ValidationWarning(ValidationWarningKind Kind, string Message)
{
    internal const int MinEncodedBytes = 3;

    /// <summary>Writes a warning from its parts.</summary>
    public static void Write(ref MessagePackWriter writer, ValidationWarningKind kind, string message)
    {
        writer.WriteArrayHeader(2);
        writer.Write((int)kind);
        writer.Write(message);
    }

    /// <summary>Writes the warning.</summary>
    public void Write(ref MessagePackWriter writer) => Write(ref writer, Kind, Message);

    /// <summary>Writes a list of warnings.</summary>
    public static void WriteList(ref MessagePackWriter writer, ReadOnlySpan<ValidationWarning> warnings)
    {
        writer.WriteArrayHeader(warnings.Length);
        foreach (var warning in warnings)
        {
            warning.Write(ref writer);
        }
    }
}

/// <summary>A <see cref="ValidationWarning"/> read in place.</summary>
public readonly ref struct ValidationWarningView : IPayloadElement<ValidationWarningView>
{
    private ValidationWarningView(ValidationWarningKind kind, ReadOnlySequence<byte> message)
    {
        Kind = kind;
        MessageUtf8 = message;
    }

    /// <summary>Why.</summary>
    public ValidationWarningKind Kind { get; }

    /// <summary>Human-readable explanation, as UTF-8.</summary>
    public ReadOnlySequence<byte> MessageUtf8 { get; }

    /// <summary>Copies the view into an owned <see cref="ValidationWarning"/>.</summary>
    public ValidationWarning ToWarning() => new(Kind, Utf8Text.Decode(MessageUtf8, "warning.message"));

    static ValidationWarningView IPayloadElement<ValidationWarningView>.Read(scoped ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("warning", 2);
        var kind = (ValidationWarningKind)reader.ReadEnum("warning.kind", DomainEnums.MaxValidationWarningKind);
        var message = reader.ReadUtf8("warning.message", ProtocolLimits.MaxTextBytes);
        reader.Skip("warning", extra);
        return new ValidationWarningView(kind, message);
    }
}

/// <summary>One document of a VALIDATE_BATCH request, read in place: its bytes as a slice of the payload.</summary>
public readonly ref struct DocumentView : IPayloadElement<DocumentView>
{
    private DocumentView(ReadOnlySequence<byte> bytes) => Bytes = bytes;

    /// <summary>The document's UTF-8 JSON bytes, exactly as sent.</summary>
    public ReadOnlySequence<byte> Bytes { get; }

    static DocumentView IPayloadElement<DocumentView>.Read(scoped ref ProtocolReader reader)
        => new(reader.ReadBlob("VALIDATE_BATCH.documents[]"));
}
