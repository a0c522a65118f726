// Over 500 lines on purpose: one read method per wire shape, each with its hostile-input checks beside it (type code,
// bytes present, limits before allocating). Split by shape, those checks would drift apart; the file stays the one
// place to audit what a peer's bytes can make the server do.
using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MessagePack;

namespace Registry.Protocol.Wire;

/// <summary>
/// A cursor over one frame payload that treats every byte as hostile. It wraps <see cref="MessagePackReader"/> and,
/// before each read, checks the type code and that the bytes the value needs are present, so the wrapped reader
/// never throws; every refusal is a <see cref="ProtocolException"/>. Counts and lengths are checked against the
/// remaining bytes and the protocol's limits before anything is sliced or allocated, and nothing recurses on the
/// input (<see cref="Skip"/> keeps an explicit, capped stack).
/// </summary>
/// <remarks>
/// Payloads are whole (the frame reader only hands over complete frames), so running out of bytes is malformed
/// input, not "incomplete". Slices returned (strings, blobs) point into the payload and live as long as it does.
/// </remarks>
public ref struct ProtocolReader
{
    private MessagePackReader _reader;
    private readonly long _length;

    /// <summary>Creates a reader over a frame payload (or any MessagePack value to be read with protocol rules).</summary>
    public ProtocolReader(ReadOnlySequence<byte> payload)
    {
        _reader = new MessagePackReader(payload);
        _length = payload.Length;
    }

    /// <summary>True when every byte has been read.</summary>
    public bool End => _reader.End;

    /// <summary>Bytes not read yet.</summary>
    internal long Remaining => _length - _reader.Consumed;

    internal SequencePosition Position => _reader.Position;

    internal ReadOnlySequence<byte> SliceFrom(SequencePosition start) => _reader.Sequence.Slice(start, _reader.Position);

    /// <summary>Throws unless every byte has been read: a message is exactly one value.</summary>
    public void EnsureEnd(string shape)
    {
        if (!_reader.End)
        {
            ProtocolErrors.TrailingBytes(shape);
        }
    }

    /// <summary>Skips <paramref name="extra"/> trailing fields of the top-level body, then requires the end of the payload.</summary>
    public void EndBody(string shape, int extra)
    {
        Skip(shape, extra);
        EnsureEnd(shape);
    }

    /// <summary>True when the next value is a MessagePack str (consumes nothing).</summary>
    public bool NextIsString() => !_reader.End && _reader.NextMessagePackType == MessagePackType.String;

    /// <summary>Reads nil if it is next; false (consuming nothing) otherwise.</summary>
    public bool TryReadNil() => !_reader.End && _reader.TryReadNil();

    /// <summary>Reads an array header whose count must be exactly <paramref name="count"/>.</summary>
    public void ReadExactFields(string shape, int count)
    {
        var actual = ReadArrayHeader(shape, ProtocolLimits.MaxBodyFields);
        if (actual != count)
        {
            ProtocolErrors.WrongFieldCount(shape, actual, count);
        }
    }

    /// <summary>
    /// Reads the array header of a body or sub-shape that needs at least <paramref name="known"/> fields and returns
    /// how many more follow (fields a later protocol version appended; the caller skips them with
    /// <see cref="Skip"/> after reading the known ones).
    /// </summary>
    public int ReadFields(string shape, int known)
    {
        var count = ReadArrayHeader(shape, ProtocolLimits.MaxBodyFields);
        if (count < known)
        {
            ProtocolErrors.MissingFields(shape, count, known);
        }

        return count - known;
    }

    /// <summary>Reads an array header, refusing more than <paramref name="maxCount"/> elements or more than the remaining bytes can hold.</summary>
    public int ReadArrayHeader(string field, int maxCount, int minElementBytes = 1)
    {
        var code = PeekCode(field);
        var headerSize = code switch
        {
            >= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray => 1,
            MessagePackCode.Array16 => 3,
            MessagePackCode.Array32 => 5,
            _ => 0,
        };
        if (headerSize == 0)
        {
            ProtocolErrors.WrongType(field, "an array", code);
        }

        EnsureRemaining(field, headerSize);
        _reader.TryReadArrayHeader(out var count);
        return CheckCount(field, count, maxCount, minElementBytes);
    }

    /// <summary>Reads a map header (count of pairs), refusing more than <paramref name="maxCount"/> pairs or more than the remaining bytes can hold.</summary>
    public int ReadMapHeader(string field, int maxCount, int minPairBytes = 2)
    {
        var code = PeekCode(field);
        var headerSize = code switch
        {
            >= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap => 1,
            MessagePackCode.Map16 => 3,
            MessagePackCode.Map32 => 5,
            _ => 0,
        };
        if (headerSize == 0)
        {
            ProtocolErrors.WrongType(field, "a map", code);
        }

        EnsureRemaining(field, headerSize);
        _reader.TryReadMapHeader(out var count);
        return CheckCount(field, count, maxCount, minPairBytes);
    }

    /// <summary>Reads any integer that fits in 64 signed bits.</summary>
    public long ReadInt64(string field)
    {
        var code = PeekCode(field);

        // Fast path: a fixint is the one byte just peeked (ids, opcodes, counts and enums are usually small).
        if (code <= MessagePackCode.MaxFixInt || code >= MessagePackCode.MinNegativeFixInt)
        {
            return _reader.ReadInt64();
        }

        var size = IntegerSize(code);
        if (size == 0)
        {
            ProtocolErrors.WrongType(field, "an integer", code);
        }

        EnsureRemaining(field, size);
        if (code == MessagePackCode.UInt64)
        {
            var value = _reader.ReadUInt64();
            if (value > long.MaxValue)
            {
                ProtocolErrors.OutOfRange(field, value);
            }

            return (long)value;
        }

        // Every other integer encoding fits in a long, so this cannot overflow.
        return _reader.ReadInt64();
    }

    /// <summary>Reads an integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int ReadInt32(string field, int min = int.MinValue, int max = int.MaxValue)
    {
        var value = ReadInt64(field);
        if (value < min || value > max)
        {
            ProtocolErrors.OutOfRange(field, value);
        }

        return (int)value;
    }

    /// <summary>Reads nil as null, otherwise an integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int? ReadNullableInt32(string field, int min = int.MinValue, int max = int.MaxValue)
        => TryReadNil() ? null : ReadInt32(field, min, max);

    /// <summary>Reads an integer in the range of <see cref="uint"/>.</summary>
    public uint ReadUInt32(string field)
    {
        var value = ReadInt64(field);
        if (value is < 0 or > uint.MaxValue)
        {
            ProtocolErrors.OutOfRange(field, value);
        }

        return (uint)value;
    }

    /// <summary>Reads a boolean.</summary>
    public bool ReadBoolean(string field)
    {
        var code = PeekCode(field);
        if (code is not (MessagePackCode.True or MessagePackCode.False))
        {
            ProtocolErrors.WrongType(field, "a boolean", code);
        }

        return _reader.ReadBoolean();
    }

    /// <summary>Reads an enum value written as an integer in [0, <paramref name="max"/>].</summary>
    public int ReadEnum(string field, int max)
    {
        var value = ReadInt64(field);
        if (value < 0 || value > max)
        {
            ProtocolErrors.BadValue(field, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value} is not a known value."));
        }

        return (int)value;
    }

    /// <summary>Reads nil as null, otherwise an enum value in [0, <paramref name="max"/>].</summary>
    public int? ReadNullableEnum(string field, int max) => TryReadNil() ? null : ReadEnum(field, max);

    /// <summary>Reads a MessagePack str of at most <paramref name="maxBytes"/> UTF-8 bytes and decodes it (invalid UTF-8 is refused).</summary>
    public string ReadString(string field, int maxBytes)
    {
        var bytes = ReadStrOrBin(field, allowString: true, allowBinary: false, maxBytes);
        return Utf8Text.Decode(bytes, field);
    }

    /// <summary>Reads nil as null, otherwise as <see cref="ReadString"/>.</summary>
    public string? ReadNullableString(string field, int maxBytes) => TryReadNil() ? null : ReadString(field, maxBytes);

    /// <summary>Reads a MessagePack str of at most <paramref name="maxBytes"/> bytes as a slice, checked to be valid UTF-8; allocates nothing.</summary>
    public ReadOnlySequence<byte> ReadUtf8(string field, int maxBytes)
    {
        var bytes = ReadStrOrBin(field, allowString: true, allowBinary: false, maxBytes);
        Utf8Text.Validate(bytes, field);
        return bytes;
    }

    /// <summary>Reads a subject name as a slice, checked against the subject rules; allocates nothing.</summary>
    public ReadOnlySequence<byte> ReadSubjectUtf8(string field)
    {
        // Unbounded here (slicing allocates nothing); SubjectText refuses anything longer than a subject may be.
        var bytes = ReadStrOrBin(field, allowString: true, allowBinary: false, long.MaxValue);
        Span<char> chars = stackalloc char[ProtocolLimits.MaxSubjectLength];
        SubjectText.Decode(bytes, chars, field);
        return bytes;
    }

    /// <summary>Reads a subject name, checked against the subject rules.</summary>
    public string ReadSubject(string field)
    {
        var bytes = ReadStrOrBin(field, allowString: true, allowBinary: false, long.MaxValue);
        Span<char> chars = stackalloc char[ProtocolLimits.MaxSubjectLength];
        var length = SubjectText.Decode(bytes, chars, field);
        return new string(chars[..length]);
    }

    /// <summary>Reads nil as null, otherwise a subject name.</summary>
    public string? ReadNullableSubject(string field) => TryReadNil() ? null : ReadSubject(field);

    /// <summary>
    /// Reads opaque bytes (schema or document content) written as MessagePack bin or str, as a slice of the
    /// payload: no copy, no re-encoding, no allocation. Bounded only by the frame.
    /// </summary>
    public ReadOnlySequence<byte> ReadBlob(string field)
        => ReadStrOrBin(field, allowString: true, allowBinary: true, long.MaxValue);

    /// <summary>Reads nil as null, otherwise opaque bytes (bin) of at most <paramref name="maxBytes"/>.</summary>
    public ReadOnlySequence<byte>? ReadNullableBinary(string field, int maxBytes)
        => TryReadNil() ? null : ReadStrOrBin(field, allowString: false, allowBinary: true, maxBytes);

    /// <summary>
    /// Skips <paramref name="count"/> values of any type. Iterative, with an explicit stack capped at
    /// <see cref="ProtocolLimits.MaxSkipDepth"/> levels: hostile nesting cannot exhaust the thread's stack.
    /// </summary>
    public void Skip(string field, int count)
    {
        if (count <= 0)
        {
            return;
        }

        // Invariant: pending[d] is how many values remain to be skipped at nesting depth d, for d <= depth.
        Span<int> pending = stackalloc int[ProtocolLimits.MaxSkipDepth + 1];
        var depth = 0;
        pending[0] = count;
        while (true)
        {
            if (pending[depth] == 0)
            {
                if (depth == 0)
                {
                    return;
                }

                depth--;
                continue;
            }

            pending[depth]--;
            var children = SkipOneHeader(field);
            if (children > 0)
            {
                if (depth == ProtocolLimits.MaxSkipDepth)
                {
                    ProtocolErrors.TooDeep(field);
                }

                depth++;
                pending[depth] = children;
            }
        }
    }

    /// <summary>Consumes one value if it is a scalar, or the header of an array or map; returns how many values the container holds.</summary>
    private int SkipOneHeader(string field)
    {
        var code = PeekCode(field);
        switch (code)
        {
            case >= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray:
            case MessagePackCode.Array16:
            case MessagePackCode.Array32:
                return ReadArrayHeader(field, int.MaxValue);
            case >= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap:
            case MessagePackCode.Map16:
            case MessagePackCode.Map32:
                // At least two bytes per pair, so twice the count still fits in an int.
                return ReadMapHeader(field, int.MaxValue / 2) * 2;
            case >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr:
            case MessagePackCode.Str8 or MessagePackCode.Str16 or MessagePackCode.Str32:
            case MessagePackCode.Bin8 or MessagePackCode.Bin16 or MessagePackCode.Bin32:
                ReadStrOrBin(field, allowString: true, allowBinary: true, long.MaxValue);
                return 0;
            case MessagePackCode.FixExt1 or MessagePackCode.FixExt2 or MessagePackCode.FixExt4 or MessagePackCode.FixExt8
                or MessagePackCode.FixExt16 or MessagePackCode.Ext8 or MessagePackCode.Ext16 or MessagePackCode.Ext32:
                SkipExtension(field, code);
                return 0;
            default:
                var size = ScalarSize(code);
                if (size == 0)
                {
                    ProtocolErrors.InvalidCode(field, code);
                }

                EnsureRemaining(field, size);
                _reader.ReadRaw(size);
                return 0;
        }
    }

    private void SkipExtension(string field, byte code)
    {
        var headerSize = code switch
        {
            MessagePackCode.Ext8 => 3,
            MessagePackCode.Ext16 => 4,
            MessagePackCode.Ext32 => 6,
            _ => 2,
        };
        EnsureRemaining(field, headerSize);
        _reader.TryReadExtensionFormatHeader(out var header);
        EnsureRemaining(field, header.Length);
        _reader.ReadRaw(header.Length);
    }

    private ReadOnlySequence<byte> ReadStrOrBin(string field, bool allowString, bool allowBinary, long maxBytes)
    {
        var code = PeekCode(field);
        var (headerSize, isString) = code switch
        {
            >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr => (1, true),
            MessagePackCode.Str8 => (2, true),
            MessagePackCode.Str16 => (3, true),
            MessagePackCode.Str32 => (5, true),
            MessagePackCode.Bin8 => (2, false),
            MessagePackCode.Bin16 => (3, false),
            MessagePackCode.Bin32 => (5, false),
            _ => (0, false),
        };
        if (headerSize == 0 || (isString ? !allowString : !allowBinary))
        {
            ProtocolErrors.WrongType(field, allowBinary ? (allowString ? "bin or str" : "bin") : "a string", code);
        }

        EnsureRemaining(field, headerSize);
        long length;
        if (headerSize == 1)
        {
            length = code & 0x1F;
        }
        else
        {
            var header = _reader.ReadRaw(headerSize);
            Span<byte> scratch = stackalloc byte[5];
            header.CopyTo(scratch);
            length = headerSize switch
            {
                2 => scratch[1],
                3 => BinaryPrimitives.ReadUInt16BigEndian(scratch[1..]),
                _ => BinaryPrimitives.ReadUInt32BigEndian(scratch[1..]),
            };
            headerSize = 0;
        }

        if (length > maxBytes)
        {
            ProtocolErrors.TooLong(field, maxBytes);
        }

        EnsureRemaining(field, headerSize + length);
        var raw = _reader.ReadRaw(headerSize + length);
        return headerSize == 0 ? raw : raw.Slice(headerSize);
    }

    private byte PeekCode(string field)
    {
        if (_reader.End)
        {
            ProtocolErrors.Truncated(field);
        }

        return _reader.NextCode;
    }

    private void EnsureRemaining(string field, long bytes)
    {
        if (Remaining < bytes)
        {
            ProtocolErrors.Truncated(field);
        }
    }

    private int CheckCount(string field, int count, int maxCount, int minElementBytes)
    {
        // A 32-bit count above int.MaxValue arrives negative; the unsigned comparison refuses it with the rest.
        if ((uint)count > (uint)maxCount)
        {
            ProtocolErrors.TooMany(field, maxCount);
        }

        // Every element takes at least minElementBytes, so a count the remaining bytes cannot hold is a lie: it is
        // refused here, before any caller sizes a collection by it.
        if ((long)count * minElementBytes > Remaining)
        {
            ProtocolErrors.Truncated(field);
        }

        return count;
    }

    private static int IntegerSize(byte code) => code switch
    {
        <= MessagePackCode.MaxFixInt or >= MessagePackCode.MinNegativeFixInt => 1,
        MessagePackCode.UInt8 or MessagePackCode.Int8 => 2,
        MessagePackCode.UInt16 or MessagePackCode.Int16 => 3,
        MessagePackCode.UInt32 or MessagePackCode.Int32 => 5,
        MessagePackCode.UInt64 or MessagePackCode.Int64 => 9,
        _ => 0,
    };

    private static int ScalarSize(byte code) => code switch
    {
        MessagePackCode.Nil or MessagePackCode.True or MessagePackCode.False => 1,
        MessagePackCode.Float32 => 5,
        MessagePackCode.Float64 => 9,
        _ => IntegerSize(code),
    };
}

/// <summary>Strict UTF-8 decoding: invalid bytes are refused, never replaced.</summary>
internal static class Utf8Text
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(in ReadOnlySequence<byte> bytes, string field)
    {
        string? text = null;
        try
        {
            text = Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
        }

        if (text is null)
        {
            ProtocolErrors.InvalidUtf8(field);
        }

        return text;
    }

    public static void Validate(in ReadOnlySequence<byte> bytes, string field)
    {
        if (bytes.IsSingleSegment)
        {
            if (!System.Text.Unicode.Utf8.IsValid(bytes.FirstSpan))
            {
                ProtocolErrors.InvalidUtf8(field);
            }

            return;
        }

        // Rare: a string split across buffers. Checked in a pooled copy (bounded by the field's limit).
        var length = (int)bytes.Length;
        var copy = ArrayPool<byte>.Shared.Rent(length);
        bytes.CopyTo(copy);
        var valid = System.Text.Unicode.Utf8.IsValid(copy.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(copy);
        if (!valid)
        {
            ProtocolErrors.InvalidUtf8(field);
        }
    }
}

/// <summary>The rules of a subject name: 1 to 255 UTF-16 code units of valid UTF-8 without control characters.</summary>
internal static class SubjectText
{
    // C0 controls, DEL and C1 controls (what char.IsControl matches). SearchValues rather than
    // ContainsAnyInRange, which allocates on Span<char> in .NET 10.
    private static readonly System.Buffers.SearchValues<char> ControlCharacters = System.Buffers.SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F" +
        "\u007F\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F" +
        "\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F");

    /// <summary>Checks <paramref name="utf8"/> and decodes it into <paramref name="chars"/> (at least 255 long); returns the length.</summary>
    public static int Decode(in ReadOnlySequence<byte> utf8, Span<char> chars, string field)
    {
        if (utf8.IsEmpty)
        {
            ProtocolErrors.BadValue(field, "a subject must not be empty.");
        }

        if (utf8.Length > ProtocolLimits.MaxSubjectBytes)
        {
            ProtocolErrors.BadValue(field, "a subject is at most 255 characters long.");
        }

        Span<byte> copy = stackalloc byte[ProtocolLimits.MaxSubjectBytes];
        scoped ReadOnlySpan<byte> bytes;
        if (utf8.IsSingleSegment)
        {
            bytes = utf8.FirstSpan;
        }
        else
        {
            utf8.CopyTo(copy);
            bytes = copy[..(int)utf8.Length];
        }

        var status = System.Text.Unicode.Utf8.ToUtf16(bytes, chars, out _, out var written, replaceInvalidSequences: false);
        if (status == OperationStatus.DestinationTooSmall)
        {
            ProtocolErrors.BadValue(field, "a subject is at most 255 characters long.");
        }

        if (status != OperationStatus.Done)
        {
            ProtocolErrors.InvalidUtf8(field);
        }

        if (chars[..written].ContainsAny(ControlCharacters))
        {
            ProtocolErrors.BadValue(field, "a subject must not contain control characters.");
        }

        return written;
    }
}
