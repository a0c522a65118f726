using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Registry.Engine.Storage.Tiers;

// The primitives of the forms in TierCodec: little-endian integers, length-prefixed bytes and UTF-8 strings.

/// <summary>Writes a form into a growing buffer.</summary>
internal struct TierWriter(int capacity)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(capacity);

    public readonly void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public readonly void Int32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public readonly void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public readonly void Bytes(ReadOnlySpan<byte> value)
    {
        Int32(value.Length);
        _buffer.Write(value);
    }

    public readonly void Ascii(string value)
    {
        var written = Encoding.ASCII.GetBytes(value, _buffer.GetSpan(value.Length));
        _buffer.Advance(written);
    }

    /// <summary>Length-prefixed UTF-8; length -1 for null.</summary>
    public readonly void String(string? value)
    {
        if (value is null)
        {
            Int32(-1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        Int32(length);
        var written = Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(written);
    }

    public readonly byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}

/// <summary>
/// Reads a form from untrusted bytes: every read checks the length it is about to consume against the bytes left, and
/// returns false instead of reading past them or allocating for a length that is not there.
/// </summary>
internal ref struct TierReader(ReadOnlySpan<byte> bytes)
{
    private static readonly UTF8Encoding Utf8Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private ReadOnlySpan<byte> _rest = bytes;

    public readonly bool AtEnd => _rest.IsEmpty;

    public bool Byte(out byte value)
    {
        value = 0;
        if (_rest.IsEmpty)
        {
            return false;
        }

        value = _rest[0];
        _rest = _rest[1..];
        return true;
    }

    public bool Int32(out int value)
    {
        value = 0;
        if (_rest.Length < 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt32LittleEndian(_rest);
        _rest = _rest[4..];
        return true;
    }

    public bool Int64(out long value)
    {
        value = 0;
        if (_rest.Length < 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt64LittleEndian(_rest);
        _rest = _rest[8..];
        return true;
    }

    /// <summary>A count of items of at least <paramref name="minItemBytes"/> each: refused when the bytes left cannot hold them.</summary>
    public bool Count(int minItemBytes, out int count)
    {
        if (!Int32(out count) || count < 0 || (long)count * minItemBytes > _rest.Length)
        {
            count = 0;
            return false;
        }

        return true;
    }

    public bool Bytes(out byte[] value)
    {
        value = [];
        if (!Int32(out var length) || length < 0 || length > _rest.Length)
        {
            return false;
        }

        value = _rest[..length].ToArray();
        _rest = _rest[length..];
        return true;
    }

    public bool Ascii(int length, out string value)
    {
        value = string.Empty;
        if (_rest.Length < length)
        {
            return false;
        }

        value = Encoding.ASCII.GetString(_rest[..length]);
        _rest = _rest[length..];
        return true;
    }

    public bool String(out string? value)
    {
        value = null;
        if (!Int32(out var length) || length < -1 || length > _rest.Length)
        {
            return false;
        }

        if (length == -1)
        {
            return true;
        }

        try
        {
            value = Utf8Strict.GetString(_rest[..length]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        _rest = _rest[length..];
        return true;
    }
}
