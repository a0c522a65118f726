using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Registry.Schemas.Validation.Json;

/// <summary>The kind of a token on a <see cref="JsonTape"/>.</summary>
internal enum JsonKind : byte
{
    Null = 0,
    False = 1,
    True = 2,
    Number = 3,
    String = 4,
    PropertyName = 5,
    Object = 6,
    Array = 7,
}

/// <summary>
/// One token of a parsed document. Scalars point at their bytes; containers record their child count and where
/// their subtree ends, so a subtree is the contiguous token range [index, Next).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct JsonToken
{
    /// <summary>Offset of the token's bytes (in the document, or in the tape's side buffer when <see cref="InSideBuffer"/>).</summary>
    public int Start;

    /// <summary>Byte length of a scalar (unescaped for strings), or the number of members/items of a container.</summary>
    public int Length;

    /// <summary>Index of the token after this token's subtree.</summary>
    public int Next;

    /// <summary>Kind in the low byte, flags above.</summary>
    public int Info;

    public const int FlagSideBuffer = 0x100;   // string bytes are unescaped into the side buffer
    public const int FlagInteger = 0x200;      // number literal without fraction or exponent
    public const int FlagAscii = 0x400;        // string bytes are all ASCII

    public readonly JsonKind Kind
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (JsonKind)(byte)Info;
    }

    public readonly bool InSideBuffer => (Info & FlagSideBuffer) != 0;

    public readonly bool IsIntegerLiteral => (Info & FlagInteger) != 0;

    public readonly bool IsAscii => (Info & FlagAscii) != 0;
}

/// <summary>
/// A parsed JSON document as a flat array of tokens over its UTF-8 bytes. Strings with escapes are stored unescaped
/// in a side buffer so that every string is available as a plain UTF-8 span. Reusable: <see cref="Reset"/> keeps the
/// arrays. Invariant: tokens [0, Count) are complete; token 0 is the root.
/// </summary>
internal sealed class JsonTape
{
    internal JsonToken[] Tokens;
    internal byte[] Side = new byte[256];
    internal int Count;
    internal int SideLength;

    /// <summary>The document bytes when the tape owns them (schemas); for pooled validation tapes the caller passes the span.</summary>
    internal byte[]? OwnedBytes;

    public JsonTape()
        : this(64)
    {
    }

    /// <summary>A tape writing its tokens into <paramref name="tokens"/> (a rented array, say) until it grows.</summary>
    public JsonTape(JsonToken[] tokens)
    {
        Tokens = tokens;
    }

    /// <summary>A tape with room for <paramref name="tokens"/> tokens before it grows.</summary>
    public JsonTape(int tokens)
    {
        Tokens = new JsonToken[Math.Max(tokens, 64)];
    }

    /// <summary>
    /// Room for the tokens of a document of <paramref name="bytes"/> bytes as schemas are usually written (about one
    /// token per 16 bytes), so that parsing one does not copy the token array at every doubling.
    /// </summary>
    public static int TokensFor(int bytes) => Math.Min(bytes / 16, 1 << 20);

    public void Reset()
    {
        Count = 0;
        SideLength = 0;
        OwnedBytes = null;
    }

    public ref JsonToken this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Tokens[index];
    }

    /// <summary>The unescaped UTF-8 bytes of a string, property name or the literal of a number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> document, int index)
    {
        ref var t = ref Tokens[index];
        return (t.Info & JsonToken.FlagSideBuffer) != 0
            ? new ReadOnlySpan<byte>(Side, t.Start, t.Length)
            : document.Slice(t.Start, t.Length);
    }

    /// <summary>
    /// True when the subtrees at <paramref name="x"/> of <paramref name="a"/> and <paramref name="y"/> of
    /// <paramref name="b"/> (tapes owning their documents) are the same tokens in the same order: the same value,
    /// written with any whitespace and escapes. False says nothing (objects with their members in another order, a
    /// number written differently, are the same value too).
    /// </summary>
    public static bool SameTokens(JsonTape a, int x, JsonTape b, int y)
    {
        var count = a.Tokens[x].Next - x;
        if (b.Tokens[y].Next - y != count)
        {
            return false;
        }

        for (var k = 0; k < count; k++)
        {
            ref var s = ref a.Tokens[x + k];
            ref var t = ref b.Tokens[y + k];
            if (s.Kind != t.Kind || s.Length != t.Length)
            {
                return false;
            }

            if ((s.Kind is JsonKind.String or JsonKind.PropertyName or JsonKind.Number) && !a.Bytes(x + k).SequenceEqual(b.Bytes(y + k)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Bytes of a token of a tape that owns its document.</summary>
    public ReadOnlySpan<byte> Bytes(int index) => Bytes(OwnedBytes, index);

    /// <summary>Appends a token; returns its index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Add(int start, int length, int info)
    {
        if (Count == Tokens.Length)
        {
            Array.Resize(ref Tokens, Tokens.Length * 2);
        }

        ref var t = ref Tokens[Count];
        t.Start = start;
        t.Length = length;
        t.Next = Count + 1;
        t.Info = info;
        return Count++;
    }

    internal Span<byte> ReserveSide(int length)
    {
        if (SideLength + length > Side.Length)
        {
            Array.Resize(ref Side, Math.Max(Side.Length * 2, SideLength + length));
        }

        return Side.AsSpan(SideLength, length);
    }

    /// <summary>Index of the first member value of an object, or first item of an array (undefined when empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FirstChild(int container) => container + 1;

    /// <summary>Finds the value of a property by name in an object token (linear; used at compile time and on cold paths).</summary>
    public int FindProperty(ReadOnlySpan<byte> document, int obj, ReadOnlySpan<byte> name)
    {
        var count = Tokens[obj].Length;
        var i = obj + 1;
        for (var m = 0; m < count; m++)
        {
            if (Bytes(document, i).SequenceEqual(name))
            {
                return i + 1;
            }

            i = Tokens[i + 1].Next;
        }

        return -1;
    }
}
