using System.Runtime.CompilerServices;

namespace Registry.Schemas.Validation.Evaluation;

/// <summary>How an evaluation memoises verdicts (tests force either way to compare them).</summary>
internal enum MemoPolicy
{
    /// <summary>Memoise once an evaluation has taken many more steps than its document has tokens.</summary>
    Auto,

    /// <summary>Memoise from the start (where the schema allows it).</summary>
    Always,

    /// <summary>Never memoise.</summary>
    Never,
}

/// <summary>
/// Verdicts of memoised nodes (<see cref="Keywords.ValidatorNode.MemoSlot"/>) at instance tokens, for one evaluation:
/// an open-addressing table, cleared when the evaluation ends. Its size is charged against the memory budget.
/// Invariant: <c>_count * 2 &lt;= _keys.Length</c>; an empty slot holds key 0 (keys are never 0).
/// </summary>
internal sealed class VerdictMemo
{
    private const int Retained = 1 << 16;
    private const int BytesPerSlot = sizeof(long) + sizeof(bool);

    private long[] _keys = [];
    private bool[] _verdicts = [];
    private int _count;

    /// <summary>Bytes held by the table.</summary>
    public long Bytes => (long)_keys.Length * BytesPerSlot;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Key(int slot, int token) => ((long)(slot + 1) << 32) | (uint)token;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(long key, int mask) => (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15UL)) >> 32) & mask;

    public bool TryGet(int slot, int token, out bool verdict)
    {
        verdict = false;
        if (_count == 0)
        {
            return false;
        }

        var key = Key(slot, token);
        var mask = _keys.Length - 1;
        for (var i = Hash(key, mask); ; i = (i + 1) & mask)
        {
            var k = _keys[i];
            if (k == key)
            {
                verdict = _verdicts[i];
                return true;
            }

            if (k == 0)
            {
                return false;
            }
        }
    }

    public void Add(int slot, int token, bool verdict, EvaluationState state, string location)
    {
        if ((_count + 1) * 2 > _keys.Length)
        {
            Grow(state, location);
        }

        var key = Key(slot, token);
        var mask = _keys.Length - 1;
        for (var i = Hash(key, mask); ; i = (i + 1) & mask)
        {
            if (_keys[i] == 0)
            {
                _keys[i] = key;
                _verdicts[i] = verdict;
                _count++;
                return;
            }

            if (_keys[i] == key)
            {
                _verdicts[i] = verdict;
                return;
            }
        }
    }

    private void Grow(EvaluationState state, string location)
    {
        var size = Math.Max(256, _keys.Length * 2);
        if ((long)size * BytesPerSlot > state.MemoryLimit)
        {
            throw TooComplexException.Memory(state.Operation, state.Limits.MaxMemoryBytes, state.Where(location));
        }

        var keys = _keys;
        var verdicts = _verdicts;
        _keys = new long[size];
        _verdicts = new bool[size];
        var mask = size - 1;
        for (var j = 0; j < keys.Length; j++)
        {
            if (keys[j] == 0)
            {
                continue;
            }

            var i = Hash(keys[j], mask);
            while (_keys[i] != 0)
            {
                i = (i + 1) & mask;
            }

            _keys[i] = keys[j];
            _verdicts[i] = verdicts[j];
        }
    }

    /// <summary>Empties the table (cheap when unused); lets a table grown by an unusual evaluation go.</summary>
    public void Clear()
    {
        if (_count == 0)
        {
            return;
        }

        _count = 0;
        if (_keys.Length > Retained)
        {
            _keys = [];
            _verdicts = [];
            return;
        }

        Array.Clear(_keys);
    }
}
