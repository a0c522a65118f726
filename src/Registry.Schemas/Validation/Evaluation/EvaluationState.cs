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
    private static EvaluationState? _cached;

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

    // The budget. Invariant: Steps < PollAt outside Poll; PollAt <= StepLimit + 1.
    public long Steps;
    public long PollAt;
    public long StepLimit;
    public long RegexTicks;
    public long RegexTickLimit;
    public long MemoryLimit;
    public WorkLimits Limits = WorkLimits.Default;
    public WorkBudget? Budget;
    public CancellationToken Cancellation;
    public string Operation = WorkOperations.Validate;

    // Memoisation of verdicts: allowed by the compiled schema, switched on once an evaluation proves costly.
    public bool MemoActive;
    public long MemoActivateAt;
    public int MemoReplays;
    public readonly VerdictMemo Memo = new();

    // Full mode only.
    public List<ValidationError> Errors = [];
    public int ErrorCap;
    public int Dropped;
    public RefFrame[] Frames = new RefFrame[8];
    public int FrameCount;

    public static EvaluationState Rent()
    {
        var s = _cached;
        if (s is null)
        {
            return new EvaluationState();
        }

        _cached = null;
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

        s.Memo.Clear();
        s.Budget = null;
        s.Cancellation = default;
        s.BitsTop = 0;
        s.ScopeCount = 0;
        s.Depth = 0;
        s.DepthExceeded = false;
        s.FrameCount = 0;
        s.Errors = s.Errors.Count == 0 ? s.Errors : [];
        s.Dropped = 0;
        s.Tape.Reset();
        _cached = s;
    }

    /// <summary>
    /// Starts the budget of one evaluation: what is left of <paramref name="budget"/>, or, without one, the whole of
    /// <paramref name="limits"/> for this evaluation alone. Memoisation starts off (unless <paramref name="memo"/>
    /// forces it) and switches on when the evaluation has taken many more steps than the document has tokens.
    /// </summary>
    public void Begin(WorkBudget? budget, WorkLimits limits, long regexTickLimit, bool memoAllowed, MemoPolicy memo, string operation)
    {
        Budget = budget;
        Operation = operation;
        Steps = 0;
        RegexTicks = 0;
        if (budget is null)
        {
            Limits = limits;
            StepLimit = limits.MaxSteps;
            RegexTickLimit = regexTickLimit;
            MemoryLimit = limits.MaxMemoryBytes;
            Cancellation = default;
        }
        else
        {
            budget.CancellationToken.ThrowIfCancellationRequested();
            Limits = budget.Limits;
            StepLimit = budget.StepsLeft;
            RegexTickLimit = budget.RegexTicksLeft;
            MemoryLimit = budget.MemoryLeft;
            Cancellation = budget.CancellationToken;
        }

        PollAt = Math.Min(PollInterval, StepLimit + 1);
        MemoReplays = 0;
        MemoActive = memoAllowed && memo == MemoPolicy.Always;
        MemoActivateAt = memoAllowed && memo == MemoPolicy.Auto ? (8L * Tape.Count) + 2048 : long.MaxValue;
    }

    /// <summary>Charges what the evaluation used to its request's budget (also after a failure).</summary>
    public void End()
    {
        Budget?.Record(Steps, RegexTicks, Memo.Bytes);
        Budget = null;
    }

    /// <summary>
    /// Runs every <see cref="PollInterval"/> steps: ends the evaluation when its steps are spent or its request is
    /// cancelled, and switches memoisation on once the evaluation has proved costly.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Poll(string location)
    {
        if (Steps > StepLimit)
        {
            throw TooComplexException.Steps(Operation, Limits.MaxSteps, Where(location));
        }

        Cancellation.ThrowIfCancellationRequested();
        if (Steps >= MemoActivateAt)
        {
            MemoActive = true;
        }

        PollAt = Math.Min(Steps + PollInterval, StepLimit + 1);
    }

    /// <summary>Steps a keyword spends beyond the per-node charge (hashing, exact arithmetic on long numbers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Charge(long steps, string location)
    {
        Steps += steps;
        if (Steps >= PollAt)
        {
            Poll(location);
        }
    }

    /// <summary>Charges time spent matching a pattern (in <see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    public void ChargeRegex(long ticks, string location)
    {
        RegexTicks += ticks;
        if (RegexTicks > RegexTickLimit)
        {
            throw TooComplexException.RegexTime(Operation, Limits.MaxRegexTime, Where(location));
        }
    }

    /// <summary>
    /// The schema location a budget error names: the keyword's, when validating a document against the caller's
    /// schema; none when the schema being evaluated is a meta-schema (compiling), whose locations mean nothing to the caller.
    /// </summary>
    public string? Where(string path) => ReferenceEquals(Operation, WorkOperations.Validate) ? "#" + path : null;

    /// <summary>Steps between two polls of the budget and the cancellation token.</summary>
    public const int PollInterval = 4096;

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
