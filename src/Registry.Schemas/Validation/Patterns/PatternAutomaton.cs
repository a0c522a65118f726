using System.Text.RegularExpressions;
using BitFaster.Caching.Lru;

namespace Registry.Schemas.Validation.Patterns;

/// <summary>Which automaton of a pattern: the whole of it, or (for u-mode patterns with large astral classes) one of two halves.</summary>
internal enum PatternVariant
{
    /// <summary>The exact translation, on the linear engine when it fits.</summary>
    Whole,

    /// <summary>The translation without supplementary-plane characters, for inputs without surrogates; linear when it fits.</summary>
    BmpInput,

    /// <summary>The exact translation for inputs with surrogates, on the backtracking engine (cheap to build for large classes).</summary>
    AstralInput,
}

/// <summary>What makes two compiled automata interchangeable: the source, the variant, and the bounds it was compiled under.</summary>
internal readonly record struct PatternKey(
    string Source, PatternVariant Variant, TimeSpan BacktrackingTimeout, TimeSpan LinearTimeout, long MaxBytes, PatternBounds Bounds);

/// <summary>
/// One compiled .NET regular expression and the bytes it holds: what its construction allocated, plus what every match
/// allocated since (the linear engine builds its automaton lazily, state by state, as inputs need them; the backtracking
/// engine keeps grown stacks). Allocation is an upper bound of what stays reachable, measured without reflection.
/// </summary>
internal sealed class PatternAutomaton
{
    private long _bytes;
    private bool _counted;
    private bool _removed;

    internal PatternAutomaton(PatternKey key, Regex regex, bool linear, long bytes)
    {
        Key = key;
        Regex = regex;
        IsLinear = linear;
        _bytes = bytes;
    }

    public PatternKey Key { get; }

    public Regex Regex { get; }

    public bool IsLinear { get; }

    /// <summary>Bytes charged for this automaton.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>True once the cache let go of it (evicted, trimmed, or over its own budget): users rebuild or look it up again.</summary>
    public bool Retired => Volatile.Read(ref _removed);

    /// <summary>Cache bookkeeping, under a lock on the automaton so that growth, insertion and removal never double count.</summary>
    internal long CountIn(ref long total)
    {
        lock (this)
        {
            if (_removed || _counted)
            {
                return 0;
            }

            _counted = true;
            return Interlocked.Add(ref total, _bytes);
        }
    }

    internal void Uncount(ref long total)
    {
        lock (this)
        {
            if (_counted)
            {
                Interlocked.Add(ref total, -_bytes);
                _counted = false;
            }

            Volatile.Write(ref _removed, true);
        }
    }

    internal long Grow(long delta, ref long total)
    {
        lock (this)
        {
            _bytes += delta;
            if (_counted)
            {
                Interlocked.Add(ref total, delta);
            }

            return _bytes;
        }
    }
}

/// <summary>
/// The compiled automata of the process, shared by every schema that uses the same pattern (Regex is thread-safe), bounded
/// by the bytes they hold (each charged its own measured size) and by count. Schemas keep only weak references to
/// automata, so what the cache lets go of is collected; a schema whose automaton was let go of rebuilds it on next use.
/// </summary>
internal sealed class PatternAutomatonCache
{
    /// <summary>Most distinct automata kept, whatever their bytes.</summary>
    public const int DefaultCapacity = 16_384;

    /// <summary>Default byte bound of the shared cache.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    private readonly ConcurrentLru<PatternKey, PatternAutomaton> _lru;
    private long _maxBytes;
    private long _bytes;

    public PatternAutomatonCache(int capacity = DefaultCapacity, long maxBytes = DefaultMaxBytes)
    {
        _lru = new ConcurrentLru<PatternKey, PatternAutomaton>(Math.Max(3, capacity));
        _maxBytes = Math.Max(1, maxBytes);

        // Every way out (eviction by count, trim, removal, clear) is reported here, so the byte count follows.
        _lru.Events.Value!.ItemRemoved += (_, e) => e.Value!.Uncount(ref _bytes);
    }

    /// <summary>The cache of the process.</summary>
    public static PatternAutomatonCache Shared { get; } = new();

    public long MaxBytes
    {
        get => Interlocked.Read(ref _maxBytes);
        set
        {
            Interlocked.Exchange(ref _maxBytes, Math.Max(1, value));
            TrimToBytes();
        }
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => _lru.Count;

    public bool TryGet(PatternKey key, out PatternAutomaton automaton) => _lru.TryGet(key, out automaton!);

    /// <summary>Caches an automaton, or returns the one another caller cached first for the same key.</summary>
    public PatternAutomaton Add(PatternAutomaton created)
    {
        var entry = _lru.GetOrAdd(created.Key, static (_, c) => c, created);
        if (ReferenceEquals(entry, created) && created.CountIn(ref _bytes) > MaxBytes)
        {
            TrimToBytes();
        }

        return entry;
    }

    /// <summary>Charges growth observed during a match; an automaton over its own budget is let go of (its next user rebuilds it).</summary>
    public void Charge(PatternAutomaton automaton, long delta)
    {
        if (automaton.Grow(delta, ref _bytes) > automaton.Key.MaxBytes)
        {
            _lru.TryRemove(new KeyValuePair<PatternKey, PatternAutomaton>(automaton.Key, automaton));
            automaton.Uncount(ref _bytes);
        }
        else if (Interlocked.Read(ref _bytes) > MaxBytes)
        {
            TrimToBytes();
        }
    }

    /// <summary>Drops everything (tests).</summary>
    public void Clear() => _lru.Clear();

    private void TrimToBytes()
    {
        var eviction = _lru.Policy.Eviction.Value!;
        for (var round = 0; round < 64; round++)
        {
            var bytes = Interlocked.Read(ref _bytes);
            var count = _lru.Count;
            var max = MaxBytes;
            if (bytes <= max || count == 0)
            {
                return;
            }

            var average = Math.Max(1, bytes / count);
            eviction.Trim((int)Math.Clamp(((bytes - max) / average) + 1, 1, count));
        }
    }
}
