using System.Runtime.CompilerServices;
using System.Text;
using Registry.Schemas.Validation.Evaluation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Validation.Keywords;

/// <summary>How a numeric bound compares.</summary>
internal enum BoundKind
{
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
}

/// <summary><c>minimum</c>, <c>maximum</c>, <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c> (exact for any literal).</summary>
internal sealed class NumberBoundKeyword(string path, BoundKind kind, NumericBound bound) : Keyword(path)
{
    public (BoundKind Kind, NumericBound Bound) Parts => (kind, bound);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var c = bound.CompareInstance(e.Bytes(token));
        var ok = kind switch
        {
            BoundKind.Minimum => c >= 0,
            BoundKind.Maximum => c <= 0,
            BoundKind.ExclusiveMinimum => c > 0,
            _ => c < 0,
        };
        if (!ok && e.Full)
        {
            var relation = kind switch
            {
                BoundKind.Minimum => "less than the minimum",
                BoundKind.Maximum => "greater than the maximum",
                BoundKind.ExclusiveMinimum => "not greater than the exclusive minimum",
                _ => "not less than the exclusive maximum",
            };
            e.Report(Path, token, $"{e.Render(token)} is {relation} {bound}");
        }

        return ok;
    }
}

/// <summary><c>multipleOf</c>, exact for decimals (0.1 divides 0.3).</summary>
internal sealed class MultipleOfKeyword(string path, NumericBound divisor) : Keyword(path)
{
    public NumericBound Divisor => divisor;

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        if (divisor.DividesInstance(e.Bytes(token), e.State, Path))
        {
            return true;
        }

        if (e.Full)
        {
            e.Report(Path, token, $"{e.Render(token)} is not a multiple of {divisor}");
        }

        return false;
    }
}

/// <summary><c>minLength</c> / <c>maxLength</c>, counted in Unicode code points.</summary>
internal sealed class LengthKeyword(string path, long limit, bool isMax) : Keyword(path)
{
    public (long Limit, bool IsMax) Parts => (limit, isMax);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var bytes = e.Bytes(token);
        bool ok;
        if (isMax)
        {
            // Code points never exceed bytes: short strings pass without counting.
            ok = bytes.Length <= limit || CodePoints(bytes) <= limit;
        }
        else
        {
            ok = bytes.Length >= limit && (bytes.Length >= limit * 4 || CodePoints(bytes) >= limit);
        }

        if (!ok && e.Full)
        {
            e.Report(Path, token, $"{e.Render(token)} is {(isMax ? "longer" : "shorter")} than {limit} characters");
        }

        return ok;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int CodePoints(ReadOnlySpan<byte> utf8)
    {
        // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
        var continuation = 0;
        foreach (var b in utf8)
        {
            continuation += (b & 0xC0) == 0x80 ? 1 : 0;
        }

        return utf8.Length - continuation;
    }
}

/// <summary><c>pattern</c>.</summary>
internal sealed class PatternKeyword(string path, EcmaPattern pattern) : Keyword(path)
{
    /// <summary>Inputs at least this long have their match timed and charged to the regex budget.</summary>
    internal const int TimedLength = 64;

    public EcmaPattern Pattern => pattern;

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        if (Match(ref e, pattern, e.State.ToChars(e.Bytes(token)), Path, out var timedOut))
        {
            return true;
        }

        if (e.Full)
        {
            e.Report(Path, token, timedOut
                ? $"matching the pattern {pattern.Source} timed out"
                : $"{e.Render(token)} does not match the pattern {pattern.Source}");
        }

        return false;
    }

    /// <summary>
    /// Matches, charging the time to the evaluation's regex budget when the match can be slow: always on the
    /// backtracking engine (bounded per match by its time-out only), and for long inputs on the linear one. Short
    /// inputs on the linear engine are not timed, so that the common case pays no clock reads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Match(ref Evaluator e, EcmaPattern pattern, ReadOnlySpan<char> input, string path, out bool timedOut)
    {
        if (pattern.IsLinear && input.Length < TimedLength)
        {
            return pattern.IsMatch(input, out timedOut);
        }

        return MatchTimed(e.State, pattern, input, path, out timedOut);
    }

    private static bool MatchTimed(EvaluationState state, EcmaPattern pattern, ReadOnlySpan<char> input, string path, out bool timedOut)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var matched = pattern.IsMatch(input, out timedOut);
        state.ChargeRegex(System.Diagnostics.Stopwatch.GetTimestamp() - started, path);
        return matched;
    }
}

/// <summary><c>format</c> as an assertion.</summary>
internal sealed class FormatKeyword(string path, string format, Func<ReadOnlySpan<byte>, bool> check) : Keyword(path)
{
    public string Format => format;

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        if (check(e.Bytes(token)))
        {
            return true;
        }

        if (e.Full)
        {
            e.Report(Path, token, $"{e.Render(token)} is not a valid {format}");
        }

        return false;
    }
}

/// <summary><c>const</c>.</summary>
internal sealed class ConstKeyword(string path, JsonTape schemaTape, int value) : Keyword(path)
{
    public (JsonTape Tape, int Value) Parts => (schemaTape, value);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        e.State.Charge(e.Tape.Tokens[token].Next - token, Path);
        if (JsonEquality.Equal(e.Tape, e.Json, token, schemaTape, schemaTape.OwnedBytes, value))
        {
            return true;
        }

        if (e.Full)
        {
            e.Report(Path, token, $"{e.Render(token)} is not the constant {Encoding.UTF8.GetString(ValueText(schemaTape, value))}");
        }

        return false;
    }

    internal static ReadOnlySpan<byte> ValueText(JsonTape tape, int value)
    {
        ref var t = ref tape.Tokens[value];
        if (t.Kind is JsonKind.Object or JsonKind.Array)
        {
            return t.Kind == JsonKind.Object ? "{...}"u8 : "[...]"u8;
        }

        return t.Kind == JsonKind.String ? tape.Bytes(value) : tape.OwnedBytes.AsSpan(t.Start, t.Length);
    }
}

/// <summary>
/// <c>enum</c>: string members through a hash map; other members by structural equality, scanned when they are few,
/// otherwise found by their keyed hash (<see cref="JsonValueHash"/>) in a sorted table, so that a large enum costs
/// a lookup per value rather than a scan.
/// </summary>
internal sealed class EnumKeyword : Keyword
{
    private const int ScanLimit = 8;
    private readonly JsonTape _schemaTape;
    private readonly Utf8KeyMap _strings;
    private readonly int[] _others;
    private readonly ulong[] _otherHashes; // sorted, parallel to _others, empty when they are scanned

    public (JsonTape Tape, Utf8KeyMap Strings, int[] Others) Parts => (_schemaTape, _strings, _others);

    public EnumKeyword(string path, JsonTape schemaTape, int array) : base(path)
    {
        _schemaTape = schemaTape;
        var strings = new List<byte[]>();
        var others = new List<int>();
        var item = array + 1;
        for (var n = 0; n < schemaTape.Tokens[array].Length; n++)
        {
            if (schemaTape.Tokens[item].Kind == JsonKind.String)
            {
                strings.Add(schemaTape.Bytes(item).ToArray());
            }
            else
            {
                others.Add(item);
            }

            item = schemaTape.Tokens[item].Next;
        }

        _strings = new Utf8KeyMap(strings);
        _others = [.. others];
        _otherHashes = [];
        if (_others.Length > ScanLimit)
        {
            _otherHashes = new ulong[_others.Length];
            for (var i = 0; i < _others.Length; i++)
            {
                _otherHashes[i] = JsonValueHash.Of(schemaTape, schemaTape.OwnedBytes, _others[i]);
            }

            Array.Sort(_otherHashes, _others);
        }
    }

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var kind = e.Tape.Tokens[token].Kind;
        if (kind is JsonKind.String or JsonKind.PropertyName)
        {
            if (_strings.Find(e.Bytes(token)) >= 0)
            {
                return true;
            }
        }
        else if (_otherHashes.Length == 0 ? Scan(ref e, token) : Lookup(ref e, token))
        {
            return true;
        }

        if (e.Full)
        {
            e.Report(Path, token, $"{e.Render(token)} is not one of the enumerated values");
        }

        return false;
    }

    private bool Scan(ref Evaluator e, int token)
    {
        foreach (var other in _others)
        {
            if (JsonEquality.Equal(e.Tape, e.Json, token, _schemaTape, _schemaTape.OwnedBytes, other))
            {
                return true;
            }
        }

        return false;
    }

    private bool Lookup(ref Evaluator e, int token)
    {
        e.State.Charge(e.Tape.Tokens[token].Next - token, Path);
        var hash = JsonValueHash.Of(e.Tape, e.Json, token);
        var i = Array.BinarySearch(_otherHashes, hash);
        if (i < 0)
        {
            return false;
        }

        while (i > 0 && _otherHashes[i - 1] == hash)
        {
            i--;
        }

        for (; i < _otherHashes.Length && _otherHashes[i] == hash; i++)
        {
            if (JsonEquality.Equal(e.Tape, e.Json, token, _schemaTape, _schemaTape.OwnedBytes, _others[i]))
            {
                return true;
            }
        }

        return false;
    }
}
