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
        if (divisor.DividesInstance(e.Bytes(token)))
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
    public EcmaPattern Pattern => pattern;

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        if (pattern.IsMatch(e.State.ToChars(e.Bytes(token)), out var timedOut))
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

/// <summary><c>enum</c>: string members through a hash map, others by structural equality.</summary>
internal sealed class EnumKeyword : Keyword
{
    private readonly JsonTape _schemaTape;
    private readonly Utf8KeyMap _strings;
    private readonly int[] _others;

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
        else
        {
            foreach (var other in _others)
            {
                if (JsonEquality.Equal(e.Tape, e.Json, token, _schemaTape, _schemaTape.OwnedBytes, other))
                {
                    return true;
                }
            }
        }

        if (e.Full)
        {
            e.Report(Path, token, $"{e.Render(token)} is not one of the enumerated values");
        }

        return false;
    }
}
