using System.Runtime.CompilerServices;
using System.Text;
using Registry.Schemas.Validation.Json;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Validation.Evaluation;

/// <summary>A <c>$ref</c> crossed during full-mode evaluation, to rebuild keyword locations through references.</summary>
internal readonly record struct RefFrame(string RefPath, string TargetPath);

/// <summary>
/// The reusable scratch of one evaluation: the token tape, the annotation bit stack, the dynamic scope and the
/// error list. One per thread is cached so that warm pass/fail evaluation allocates nothing.
/// Invariant: every stack is back at zero between evaluations.
/// </summary>
internal sealed class EvaluationState
{
    private const int RetainedTokens = 1 << 16;   // 1 MiB of tokens
    private const int RetainedBytes = 1 << 20;

    [ThreadStatic]
    private static EvaluationState? cached;

    public readonly JsonTape Tape = new();
    public int[]? ParseStack;
    public ulong[] Bits = new ulong[64];
    public int BitsTop;
    public SchemaResource[] Scope = new SchemaResource[16];
    public int ScopeCount;
    public char[] Chars = new char[256];
    public int Depth;
    public int MaxDepth;
    public bool DepthExceeded;

    // Full mode only.
    public List<ValidationError> Errors = [];
    public int ErrorCap;
    public int Dropped;
    public RefFrame[] Frames = new RefFrame[8];
    public int FrameCount;

    public static EvaluationState Rent()
    {
        var s = cached;
        if (s is null)
        {
            return new EvaluationState();
        }

        cached = null;
        return s;
    }

    public static void Return(EvaluationState s)
    {
        // Keep the scratch of ordinary documents; let the arrays grown by an unusually large one go.
        if (s.Tape.Tokens.Length > RetainedTokens)
        {
            s.Tape.Tokens = new JsonToken[64];
        }

        if (s.Tape.Side.Length > RetainedBytes)
        {
            s.Tape.Side = new byte[256];
        }

        if (s.Chars.Length > RetainedBytes)
        {
            s.Chars = new char[256];
        }

        if (s.Bits.Length > RetainedBytes / 8)
        {
            s.Bits = new ulong[64];
        }

        s.BitsTop = 0;
        s.ScopeCount = 0;
        s.Depth = 0;
        s.DepthExceeded = false;
        s.FrameCount = 0;
        s.Errors = s.Errors.Count == 0 ? s.Errors : [];
        s.Dropped = 0;
        s.Tape.Reset();
        cached = s;
    }

    /// <summary>Reserves a zeroed bit set of <paramref name="bits"/> bits; returns its handle. Free LIFO with <see cref="FreeBits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int AllocBits(int bits)
    {
        var words = (bits + 63) >> 6;
        var handle = BitsTop;
        if (handle + words + 1 > Bits.Length)
        {
            Array.Resize(ref Bits, Math.Max(Bits.Length * 2, handle + words + 1));
        }

        Array.Clear(Bits, handle, words);
        BitsTop = handle + words;
        return handle;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void FreeBits(int handle) => BitsTop = handle;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Mark(int handle, int index) => Bits[handle + (index >> 6)] |= 1UL << index;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsMarked(int handle, int index) => (Bits[handle + (index >> 6)] & (1UL << index)) != 0;

    public void MarkAll(int handle, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Mark(handle, i);
        }
    }

    public void Merge(int into, int from, int count)
    {
        var words = (count + 63) >> 6;
        for (var w = 0; w < words; w++)
        {
            Bits[into + w] |= Bits[from + w];
        }
    }

    /// <summary>UTF-16 copy of a UTF-8 string for the regex engine.</summary>
    public ReadOnlySpan<char> ToChars(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > Chars.Length)
        {
            Chars = new char[Math.Max(utf8.Length, Chars.Length * 2)];
        }

        var n = Encoding.UTF8.GetChars(utf8, Chars);
        return new ReadOnlySpan<char>(Chars, 0, n);
    }

    public void PushScope(SchemaResource resource)
    {
        if (ScopeCount == Scope.Length)
        {
            Array.Resize(ref Scope, Scope.Length * 2);
        }

        Scope[ScopeCount++] = resource;
    }

    public void PushFrame(string refPath, string targetPath)
    {
        if (FrameCount == Frames.Length)
        {
            Array.Resize(ref Frames, Frames.Length * 2);
        }

        Frames[FrameCount++] = new RefFrame(refPath, targetPath);
    }

    /// <summary>The keyword location of <paramref name="keywordPath"/> through the references crossed so far.</summary>
    public string KeywordLocation(string keywordPath)
    {
        if (FrameCount == 0)
        {
            return keywordPath;
        }

        var sb = new StringBuilder(Frames[0].RefPath);
        for (var i = 1; i < FrameCount; i++)
        {
            sb.Append(Suffix(Frames[i].RefPath, Frames[i - 1].TargetPath));
        }

        sb.Append(Suffix(keywordPath, Frames[FrameCount - 1].TargetPath));
        return sb.ToString();
    }

    private static string Suffix(string path, string prefix)
        => path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path;
}
