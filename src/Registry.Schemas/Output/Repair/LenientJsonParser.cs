// Over 500 lines on purpose: one parser for model text with every repair it may make (quotes, commas, comments, literals,
// truncation) at the point of the grammar where it applies, so each repair is recorded where it happens and nowhere else.
using System.Text;

namespace Registry.Schemas.Output.Repair;

/// <summary>How a lenient parse of one value ended.</summary>
internal enum ParseStatus
{
    Complete,
    Truncated,
    Malformed,
    LimitExceeded,
}

/// <summary>The result of parsing one JSON-like value out of a model's text.</summary>
internal sealed class ParsedValue
{
    public ParseStatus Status { get; init; }

    /// <summary>Span of the value in the text (for truncated output, up to the end of the text).</summary>
    public int Start { get; init; }

    public int End { get; init; }

    /// <summary>Strict JSON of the value when repairs (or, truncated, closing) changed it; null when the text's span is already strict JSON.</summary>
    public byte[]? Rewritten { get; init; }

    /// <summary>Repairs of the syntax, in text order.</summary>
    public List<OutputRepair> Repairs { get; init; } = [];

    /// <summary>Truncated: the repairs that closed the cut-off value.</summary>
    public List<OutputRepair> ClosingRepairs { get; init; } = [];

    /// <summary>Truncated: the strict JSON prefix as written (repaired, not closed): what a stream validator would have seen.</summary>
    public byte[]? Prefix { get; init; }

    /// <summary>Truncated: the complete values only, closed.</summary>
    public byte[]? Completed { get; init; }

    /// <summary>Truncated: the characters that close the value as written (a quote, brackets).</summary>
    public string Closing { get; init; } = "";

    /// <summary>Truncated: JSON pointer of the value being written at the cut.</summary>
    public string CutPath { get; init; } = "";

    /// <summary>Malformed: where and why.</summary>
    public int ErrorOffset { get; init; }

    public string Expected { get; init; } = "";

    public string Received { get; init; } = "";

    public RepairKinds RepairKindsUsed
    {
        get
        {
            var kinds = RepairKinds.None;
            foreach (var r in Repairs)
            {
                kinds |= r.Kind;
            }

            return kinds;
        }
    }
}

/// <summary>Counts work across the parses of one request; exhausting it or cancelling ends the work.</summary>
internal sealed class RepairBudget(long steps, CancellationToken cancellationToken)
{
    private readonly long _steps = steps;
    private long _remaining = steps;
    private int _untilCheck = 4096;

    public bool Exhausted { get; private set; }

    /// <summary>Steps charged so far (may pass the budget by the last charge, after which the caller stops).</summary>
    public long Spent => _steps - _remaining;

    public CancellationToken CancellationToken => cancellationToken;

    /// <summary>Charges <paramref name="steps"/>; false once the budget is spent.</summary>
    public bool Charge(long steps)
    {
        _remaining -= steps;
        _untilCheck -= (int)Math.Min(steps, 4096);
        if (_untilCheck <= 0)
        {
            _untilCheck = 4096;
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (_remaining < 0)
        {
            Exhausted = true;
        }

        return !Exhausted;
    }
}

/// <summary>
/// Reads one JSON value from a model's text, repairing what models commonly get wrong and recording each repair with
/// its offset, and detecting output cut off mid-value. The output is built lazily: until the first repair it is the
/// text itself (no copy); afterwards, the text between repairs is copied in runs.
/// Invariant: output so far = <see cref="_out"/> + text[<see cref="_mark"/>, current position).
/// </summary>
internal ref struct LenientJsonParser
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly int _end;
    private readonly int _maxDepth;
    private readonly RepairBudget _budget;
    private ByteBuilder? _out;
    private int _mark;
    private int _pos;
    private readonly List<OutputRepair> _repairs;
    private readonly List<byte> _closers;
    private readonly List<PathSegment> _path;

    // Truncation state.
    private bool _cut;
    private bool _cutInString;
    private byte[]? _prefix;
    private int _lastCompleteOut;
    private int _lastCompleteDepth;
    private int _controlCount;
    private int _controlOffset;

    // Malformed state.
    private int _errorOffset;
    private string _expected;
    private string _received;

    private LenientJsonParser(ReadOnlySpan<byte> text, int start, int end, int maxDepth, RepairBudget budget)
    {
        _text = text;
        _pos = start;
        _mark = start;
        _end = end;
        _maxDepth = maxDepth;
        _budget = budget;
        _repairs = [];
        _closers = [];
        _path = [];
        _expected = "";
        _received = "";
        _lastCompleteOut = -1;
    }

    private enum Step
    {
        Ok,
        Truncated,
        Malformed,
        Limit,
    }

    private struct PathSegment
    {
        public bool IsObject;
        public int Index;
        public int KeyStart;
        public int KeyEnd;
    }

    /// <summary>
    /// Parses the value that starts at <paramref name="start"/> (the first byte of the value) and ends at or before
    /// <paramref name="end"/>. A bare word is a string only inside an object or array, never as the value itself.
    /// </summary>
    public static ParsedValue Parse(ReadOnlySpan<byte> text, int start, int end, int maxDepth, RepairBudget budget)
    {
        var parser = new LenientJsonParser(text, start, end, maxDepth, budget);
        var step = parser.Value(0);
        if (step == Step.Truncated && !parser._keptCut)
        {
            // Cut before anything of the value could be kept ("tru", "-"): there is no value.
            step = parser.Malformed(end, "a complete JSON value");
        }

        return parser.Result(step, start);
    }

    private readonly int OutPos(int p) => (_out?.Length ?? 0) + (p - _mark);

    private void Flush(int upTo)
    {
        _out ??= new ByteBuilder(Math.Max(64, (_end - _mark) + 16));
        if (upTo > _mark)
        {
            _out.Append(_text[_mark..upTo]);
        }

        _mark = Math.Max(_mark, upTo);
    }

    /// <summary>Replaces text[<paramref name="at"/>, at + <paramref name="length"/>) by <paramref name="replacement"/>.</summary>
    private void Replace(int at, int length, ReadOnlySpan<byte> replacement)
    {
        Flush(at);
        _out!.Append(replacement);
        _mark = at + length;
    }

    private void Repair(RepairKinds kind, int at, int length, string description, ReadOnlySpan<byte> replacement)
    {
        Replace(at, length, replacement);
        _repairs.Add(new OutputRepair(kind, at, length, description));
    }

    private void Completed(int depth)
    {
        _lastCompleteOut = OutPos(_pos);
        _lastCompleteDepth = depth;
    }

    private Step Malformed(int at, string expected)
    {
        _errorOffset = at;
        _expected = expected;
        _received = at >= _end ? "the end of the text" : Describe(_text[at]);
        return Step.Malformed;
    }

    private static string Describe(byte b) => b switch
    {
        (byte)'\n' => "a line break",
        (byte)'\r' => "a carriage return",
        (byte)'\t' => "a tab",
        < 0x20 => $"the control character U+{b:X4}",
        < 0x80 => $"'{(char)b}'",
        _ => "a non-ASCII character",
    };

    /// <summary>The text ended where more was needed: remember the output as written (the stream prefix).</summary>
    private Step Cut(int prefixEnd)
    {
        if (!_cut)
        {
            _cut = true;
            Flush(Math.Max(prefixEnd, _mark));
            _prefix = _out!.ToArray();
            _mark = _end;
        }

        _pos = _end;
        return Step.Truncated;
    }

    /// <summary>Whitespace and comments (removed as repairs).</summary>
    private void Trivia()
    {
        while (_pos < _end)
        {
            var b = _text[_pos];
            if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            {
                _pos++;
                continue;
            }

            if (b == (byte)'/' && _pos + 1 < _end && (_text[_pos + 1] == (byte)'/' || _text[_pos + 1] == (byte)'*'))
            {
                var start = _pos;
                int stop;
                if (_text[_pos + 1] == (byte)'/')
                {
                    var nl = _text[_pos.._end].IndexOf((byte)'\n');
                    stop = nl < 0 ? _end : _pos + nl;
                }
                else
                {
                    var close = _text[(_pos + 2).._end].IndexOf("*/"u8);
                    stop = close < 0 ? _end : _pos + 2 + close + 2;
                }

                Repair(RepairKinds.Comment, start, stop - start, "removed a comment", default);
                _pos = stop;
                continue;
            }

            if (b == (byte)'#')
            {
                var nl = _text[_pos.._end].IndexOf((byte)'\n');
                var stop = nl < 0 ? _end : _pos + nl;
                Repair(RepairKinds.Comment, _pos, stop - _pos, "removed a comment", default);
                _pos = stop;
                continue;
            }

            break;
        }
    }

    private Step Value(int depth)
    {
        if (!_budget.Charge(1))
        {
            return Step.Limit;
        }

        Trivia();
        if (_pos >= _end)
        {
            return CutDangling();
        }

        var b = _text[_pos];
        switch (b)
        {
            case (byte)'{':
                return Container(depth, isObject: true);
            case (byte)'[':
                return Container(depth, isObject: false);
            case (byte)'"':
            case (byte)'\'':
                return String(depth, isKey: false);
            case (byte)'-' when _pos + 1 < _end && _text[_pos + 1] == (byte)'I':
                return Word(depth);
            case (byte)'-':
            case >= (byte)'0' and <= (byte)'9':
                return Number(depth);
            default:
                if (IsWordStart(b))
                {
                    return Word(depth);
                }

                return Malformed(_pos, "a JSON value");
        }
    }

    private static bool IsWordStart(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a' || b is (byte)'_' or (byte)'$';

    private static bool IsWordByte(byte b) => IsWordStart(b) || (uint)(b - '0') <= 9;

    private Step Container(int depth, bool isObject)
    {
        if (depth >= _maxDepth)
        {
            _errorOffset = _pos;
            _expected = $"nesting no deeper than {_maxDepth}";
            _received = "deeper nesting";
            return Step.Limit;
        }

        var close = isObject ? (byte)'}' : (byte)']';
        _pos++;
        _closers.Add(close);
        _path.Add(new PathSegment { IsObject = isObject, Index = -1, KeyStart = -1 });
        var level = _path.Count - 1;
        Completed(depth + 1);
        var lastCompleteOut = OutPos(_pos);
        var expectingMember = true;
        var afterComma = -1;
        var commaOut = -1;
        var previousEnd = _pos;
        var count = 0;
        while (true)
        {
            if (!_budget.Charge(1))
            {
                return Step.Limit;
            }

            Trivia();
            if (_pos >= _end)
            {
                var step = Cut(_end);
                if (afterComma >= 0)
                {
                    DropTail(lastCompleteOut, afterComma);
                }

                _keptCut = true;
                return step;
            }

            var b = _text[_pos];
            if (b == close || (b is (byte)'}' or (byte)']' && OpenerMatches(b)))
            {
                if (afterComma >= 0)
                {
                    RemoveComma(afterComma, commaOut);
                }

                if (b != close)
                {
                    // "[1, 2}" inside an object: the array's bracket is missing; the enclosing container takes the '}'.
                    Repair(RepairKinds.MismatchedBracket, _pos, 0, $"inserted a missing '{(char)close}'", isObject ? "}"u8 : "]"u8);
                    _pos--;
                }

                _pos++;
                _closers.RemoveAt(_closers.Count - 1);
                _path.RemoveAt(level);
                Completed(depth);
                return Step.Ok;
            }

            if (!expectingMember)
            {
                if (b == (byte)',')
                {
                    afterComma = _pos;
                    commaOut = OutPos(_pos);
                    expectingMember = true;
                    _pos++;
                    continue;
                }

                if (b is (byte)'"' or (byte)'\'' or (byte)'{' or (byte)'[' or (byte)'-' || IsWordByte(b))
                {
                    InsertComma(previousEnd, lastCompleteOut);
                    expectingMember = true;
                    afterComma = -1;
                }
                else
                {
                    return Malformed(_pos, isObject ? "',' or '}'" : "',' or ']'");
                }
            }

            if (b == (byte)',')
            {
                return Malformed(_pos, isObject ? "a property name" : "a value");
            }

            var segment = _path[level];
            segment.Index = count;
            if (isObject)
            {
                segment.KeyStart = _pos;
                var keyStep = Key(depth + 1);
                segment.KeyEnd = keyStep == Step.Ok ? _pos : -1; // a name cut off names nothing yet
                _path[level] = segment;
                if (keyStep == Step.Truncated)
                {
                    DropTail(lastCompleteOut, afterComma >= 0 ? afterComma : segment.KeyStart);
                    return keyStep;
                }

                if (keyStep != Step.Ok)
                {
                    return keyStep;
                }

                Trivia();
                if (_pos >= _end)
                {
                    var step = Cut(_end);
                    DropTail(lastCompleteOut, afterComma >= 0 ? afterComma : segment.KeyStart);
                    return step;
                }

                if (_text[_pos] != (byte)':')
                {
                    return Malformed(_pos, "':' after the property name");
                }

                _pos++;
            }
            else
            {
                _path[level] = segment;
            }

            var valueStart = _pos;
            var valueStep = Value(depth + 1);
            if (valueStep == Step.Truncated)
            {
                if (_keptCut)
                {
                    return valueStep;
                }

                DropTail(lastCompleteOut, afterComma >= 0 ? afterComma : (isObject ? segment.KeyStart : valueStart));
                return valueStep;
            }

            if (valueStep != Step.Ok)
            {
                return valueStep;
            }

            count++;
            previousEnd = _pos;
            lastCompleteOut = OutPos(_pos);
            expectingMember = false;
            afterComma = -1;
        }
    }

    /// <summary>Removes a trailing comma, which a later repair (a comment after it) may already have copied to the output.</summary>
    private void RemoveComma(int at, int outAt)
    {
        if (at >= _mark)
        {
            Repair(RepairKinds.TrailingComma, at, 1, "removed a trailing comma", default);
            return;
        }

        _out!.RemoveAt(outAt);
        _repairs.Add(new OutputRepair(RepairKinds.TrailingComma, at, 1, "removed a trailing comma"));
    }

    /// <summary>Inserts a missing comma after the previous value (possibly already copied to the output).</summary>
    private void InsertComma(int at, int outAt)
    {
        if (at >= _mark)
        {
            Repair(RepairKinds.MissingComma, at, 0, "inserted a missing comma", ","u8);
            return;
        }

        _out!.Insert(outAt, (byte)',');
        _repairs.Add(new OutputRepair(RepairKinds.MissingComma, at, 0, "inserted a missing comma"));
    }

    /// <summary>True when the closer matches an enclosing container (so the current one lacks its own closer).</summary>
    private readonly bool OpenerMatches(byte b)
    {
        for (var i = _closers.Count - 2; i >= 0; i--)
        {
            if (_closers[i] == b)
            {
                return true;
            }
        }

        return false;
    }

    private bool _keptCut;

    /// <summary>At a cut: removes the incomplete member or item (from <paramref name="from"/> in the text) from the output.</summary>
    private void DropTail(int keepOut, int from)
    {
        _keptCut = true; // the container itself is kept, closed
        if (_out is null || _out.Length <= keepOut)
        {
            return;
        }

        _out.Length = keepOut;
        _repairs.Add(new OutputRepair(RepairKinds.IncompleteTail, from, _end - from, "removed the incomplete member or item at the end"));
    }

    private Step Key(int depth)
    {
        var b = _text[_pos];
        if (b is (byte)'"' or (byte)'\'')
        {
            return String(depth, isKey: true);
        }

        if (IsWordByte(b) || b == (byte)'-')
        {
            var start = _pos;
            while (_pos < _end && (IsWordByte(_text[_pos]) || _text[_pos] == (byte)'-'))
            {
                _pos++;
            }

            if (_pos >= _end)
            {
                return Cut(_end);
            }

            var quoted = new byte[_pos - start + 2];
            quoted[0] = (byte)'"';
            _text[start.._pos].CopyTo(quoted.AsSpan(1));
            quoted[^1] = (byte)'"';
            Repair(RepairKinds.UnquotedKey, start, _pos - start, $"quoted the property name {Encoding.UTF8.GetString(_text[start.._pos])}", quoted);
            return Step.Ok;
        }

        return Malformed(_pos, "a property name in double quotes");
    }

    private Step String(int depth, bool isKey)
    {
        var start = _pos;
        var quote = _text[_pos];
        var single = quote == (byte)'\'';
        if (single)
        {
            Repair(RepairKinds.SingleQuotes, start, 1, "replaced single quotes with double quotes", "\""u8);
        }

        _pos++;
        _controlCount = 0;
        while (true)
        {
            var rest = _text[_pos.._end];
            var at = single ? rest.IndexOfAny(SingleStops) : rest.IndexOfAny(DoubleStops);
            if (at < 0)
            {
                return CutString(isKey);
            }

            _pos += at;
            var b = _text[_pos];
            if (b == quote)
            {
                if (single)
                {
                    Replace(_pos, 1, "\""u8);
                }

                _pos++;
                if (_controlCount > 0)
                {
                    _repairs.Add(new OutputRepair(RepairKinds.ControlCharacter, _controlOffset, 1,
                        _controlCount == 1 ? "escaped a raw control character (line break or tab) inside a string"
                            : $"escaped {_controlCount} raw control characters (line breaks or tabs) inside a string"));
                }

                if (!isKey)
                {
                    Completed(depth);
                }

                return Step.Ok;
            }

            if (b == (byte)'"')
            {
                // Only in single-quoted strings.
                Replace(_pos, 1, "\\\""u8);
                _pos++;
                continue;
            }

            if (b == (byte)'\\')
            {
                var step = Escape(single, isKey);
                if (step != Step.Ok)
                {
                    return step;
                }

                continue;
            }

            // A raw control character.
            if (_controlCount++ == 0)
            {
                _controlOffset = _pos;
            }

            Replace(_pos, 1, ControlEscape(b));
            _pos++;
        }
    }

    private static readonly System.Buffers.SearchValues<byte> DoubleStops = System.Buffers.SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, (byte)'"', (byte)'\\']);

    private static readonly System.Buffers.SearchValues<byte> SingleStops = System.Buffers.SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, (byte)'"', (byte)'\\', (byte)'\'']);

    private static ReadOnlySpan<byte> ControlEscape(byte b) => b switch
    {
        (byte)'\n' => "\\n"u8,
        (byte)'\r' => "\\r"u8,
        (byte)'\t' => "\\t"u8,
        8 => "\\b"u8,
        12 => "\\f"u8,
        _ => Encoding.ASCII.GetBytes($"\\u{b:x4}"),
    };

    private Step CutString(bool isKey)
    {
        var step = Cut(_end);
        _keptCut = !isKey;
        _cutInString = !isKey;
        return step;
    }

    private Step Escape(bool single, bool isKey)
    {
        var at = _pos;
        if (at + 1 >= _end)
        {
            // Cut right after the backslash: the prefix stops before it.
            var step = Cut(at);
            _keptCut = !isKey;
            _cutInString = !isKey;
            return step;
        }

        var next = _text[at + 1];
        switch (next)
        {
            case (byte)'"':
            case (byte)'\\':
            case (byte)'/':
            case (byte)'b':
            case (byte)'f':
            case (byte)'n':
            case (byte)'r':
            case (byte)'t':
                _pos += 2;
                return Step.Ok;
            case (byte)'\'' when single:
                Replace(at, 2, "'"u8);
                _pos += 2;
                return Step.Ok;
            case (byte)'u':
            {
                if (at + 6 > _end)
                {
                    var step = Cut(at);
                    _keptCut = !isKey;
                    _cutInString = !isKey;
                    return step;
                }

                if (!Hex(_text.Slice(at + 2, 4), out var unit))
                {
                    Repair(RepairKinds.InvalidEscape, at, 1, "escaped a backslash that began no valid escape sequence", "\\\\"u8);
                    _pos++;
                    return Step.Ok;
                }

                if (unit is >= 0xD800 and <= 0xDBFF)
                {
                    if (at + 12 > _end && _end - at >= 8 && _text[at + 6] == (byte)'\\' && _text[at + 7] == (byte)'u')
                    {
                        var step = Cut(at);
                        _keptCut = !isKey;
                        _cutInString = !isKey;
                        return step;
                    }

                    if (at + 12 <= _end && _text[at + 6] == (byte)'\\' && _text[at + 7] == (byte)'u'
                        && Hex(_text.Slice(at + 8, 4), out var low) && low is >= 0xDC00 and <= 0xDFFF)
                    {
                        _pos += 12;
                        return Step.Ok;
                    }
                }
                else if (unit is < 0xDC00 or > 0xDFFF)
                {
                    _pos += 6;
                    return Step.Ok;
                }

                Repair(RepairKinds.InvalidEscape, at, 6, "replaced an escaped lone surrogate by U+FFFD", "\\ufffd"u8);
                _pos += 6;
                return Step.Ok;
            }

            default:
                Repair(RepairKinds.InvalidEscape, at, 1, $"escaped a backslash before '{(char)next}', which begins no escape sequence", "\\\\"u8);
                _pos++;
                return Step.Ok;
        }
    }

    private static bool Hex(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            int d = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                return false;
            }

            value = (value << 4) | d;
        }

        return true;
    }

    private Step Number(int depth)
    {
        var start = _pos;
        var p = _pos;
        if (_text[p] == (byte)'-')
        {
            p++;
        }

        var intStart = p;
        while (p < _end && (uint)(_text[p] - '0') <= 9)
        {
            p++;
        }

        var intDigits = p - intStart;
        var lastGood = intDigits > 0 ? p : -1;
        if (intDigits > 1 && _text[intStart] == (byte)'0')
        {
            return Malformed(intStart + 1, "no leading zero in a number");
        }

        if (p < _end && _text[p] == (byte)'.')
        {
            p++;
            var fracStart = p;
            while (p < _end && (uint)(_text[p] - '0') <= 9)
            {
                p++;
            }

            if (p > fracStart)
            {
                lastGood = p;
            }
            else if (p < _end)
            {
                return Malformed(p, "a digit after the decimal point");
            }
        }

        if (p < _end && (_text[p] | 0x20) == (byte)'e' && lastGood == p)
        {
            p++;
            if (p < _end && _text[p] is (byte)'+' or (byte)'-')
            {
                p++;
            }

            var expStart = p;
            while (p < _end && (uint)(_text[p] - '0') <= 9)
            {
                p++;
            }

            if (p > expStart)
            {
                lastGood = p;
            }
            else if (p < _end)
            {
                return Malformed(p, "a digit in the exponent");
            }
        }

        if (intDigits == 0)
        {
            if (p >= _end)
            {
                _pos = _end;
                return CutDangling();
            }

            return Malformed(p, "a digit");
        }

        if (p >= _end)
        {
            // A number at the end of the text may have been cut: keep its complete part.
            var step = Cut(lastGood);
            if (lastGood < _end && _out is not null)
            {
                _repairs.Add(new OutputRepair(RepairKinds.IncompleteTail, lastGood, _end - lastGood, "removed the incomplete end of a number"));
            }

            _keptCut = true;
            return step;
        }

        if (IsWordStart(_text[p]) && depth > 0)
        {
            // "12px": a bare word that starts with digits.
            _pos = start;
            return BareString(depth, start);
        }

        _pos = p;
        Completed(depth);
        return Step.Ok;
    }

    private Step CutDangling()
    {
        var step = Cut(_end);
        _keptCut = false;
        return step;
    }

    private Step Word(int depth)
    {
        var start = _pos;
        var p = _pos + (_text[_pos] == (byte)'-' ? 1 : 0);
        while (p < _end && IsWordByte(_text[p]))
        {
            p++;
        }

        var word = _text[start..p];
        var cutWord = p >= _end;
        if (!cutWord && !IsWordBoundary(_text[p]))
        {
            // "open-ended", "yes!" continue as bare text.
            return depth == 0 ? Malformed(start, "a JSON value") : BareString(depth, start);
        }

        var kind = LiteralKind(word, out var replacement, out var description);
        if (kind is null)
        {
            if (cutWord)
            {
                // "tru", "nul", a bare word cut by the end: nothing certain to keep.
                _pos = _end;
                return CutDangling();
            }

            return depth == 0 ? Malformed(start, "a JSON value") : BareString(depth, start);
        }

        if (kind != RepairKinds.None)
        {
            Repair(kind.Value, start, word.Length, description, replacement);
        }

        _pos = p;
        Completed(depth);
        if (cutWord)
        {
            var step = Cut(_end);
            _keptCut = true;
            return step;
        }

        return Step.Ok;
    }

    /// <summary>The repair a word needs as a literal: None for JSON's own, null for a word that is no literal.</summary>
    private static RepairKinds? LiteralKind(ReadOnlySpan<byte> word, out ReadOnlySpan<byte> replacement, out string description)
    {
        replacement = default;
        description = "";
        if (word.SequenceEqual("true"u8) || word.SequenceEqual("false"u8) || word.SequenceEqual("null"u8))
        {
            return RepairKinds.None;
        }

        if (word.SequenceEqual("True"u8) || word.SequenceEqual("False"u8) || word.SequenceEqual("None"u8))
        {
            replacement = word[0] == (byte)'T' ? "true"u8 : word[0] == (byte)'F' ? "false"u8 : "null"u8;
            description = $"replaced Python {Encoding.ASCII.GetString(word)} with {Encoding.ASCII.GetString(replacement)}";
            return RepairKinds.PythonLiteral;
        }

        if (word.SequenceEqual("undefined"u8))
        {
            replacement = "null"u8;
            description = "replaced undefined with null";
            return RepairKinds.UndefinedLiteral;
        }

        if (word.SequenceEqual("NaN"u8) || word.SequenceEqual("Infinity"u8) || word.SequenceEqual("-Infinity"u8))
        {
            replacement = "null"u8;
            description = $"replaced {Encoding.ASCII.GetString(word)} (not a JSON number) with null";
            return RepairKinds.NonFiniteNumber;
        }

        return null;
    }

    private static bool IsWordBoundary(byte b) => b is (byte)',' or (byte)'}' or (byte)']' or (byte)':' or (byte)' ' or (byte)'\n'
        or (byte)'\r' or (byte)'\t' or (byte)'/' or (byte)'#';

    /// <summary>A bare value (<c>open</c>, <c>yes please</c>, <c>12px</c>) up to the next delimiter, as a string.</summary>
    private Step BareString(int depth, int start)
    {
        var p = start;
        while (p < _end && _text[p] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)'\n' or (byte)'\r' or (byte)'"'))
        {
            p++;
        }

        var stop = p;
        while (stop > start && _text[stop - 1] is (byte)' ' or (byte)'\t')
        {
            stop--;
        }

        var text = Encoding.UTF8.GetString(_text[start..stop]);
        var quoted = Encoding.UTF8.GetBytes(System.Text.Json.JsonEncodedText.Encode(text, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString());
        var replacement = new byte[quoted.Length + 2];
        replacement[0] = (byte)'"';
        quoted.CopyTo(replacement, 1);
        replacement[^1] = (byte)'"';
        Repair(RepairKinds.UnquotedString, start, stop - start, $"quoted the bare text {Streaming.ViolationText.Quote(text, 40)} as a string", replacement);
        _pos = stop;
        Completed(depth);
        if (p >= _end)
        {
            var step = Cut(_end);
            _keptCut = true;
            return step;
        }

        return Step.Ok;
    }

    private ParsedValue Result(Step step, int start)
    {
        // Repairs that look back (a trailing comma found at the bracket) were recorded late: list them in text order.
        if (_repairs.Count > 1)
        {
            var ordered = _repairs.OrderBy(static r => r.Offset).ToArray(); // stable
            _repairs.Clear();
            _repairs.AddRange(ordered);
        }
        switch (step)
        {
            case Step.Ok:
            {
                var end = _pos;
                byte[]? rewritten = null;
                if (_out is not null)
                {
                    Flush(end);
                    rewritten = _out.ToArray();
                }

                return new ParsedValue { Status = ParseStatus.Complete, Start = start, End = end, Rewritten = rewritten, Repairs = _repairs };
            }

            case Step.Truncated:
                return Truncated(start);
            case Step.Limit:
                return new ParsedValue
                {
                    Status = ParseStatus.LimitExceeded,
                    Start = start,
                    End = _pos,
                    ErrorOffset = _errorOffset,
                    Expected = _expected.Length > 0 ? _expected : "less work",
                    Received = _received.Length > 0 ? _received : "more than the work limit",
                };
            default:
                return new ParsedValue
                {
                    Status = ParseStatus.Malformed,
                    Start = start,
                    End = _errorOffset,
                    Repairs = _repairs,
                    ErrorOffset = _errorOffset,
                    Expected = _expected,
                    Received = _received,
                };
        }
    }

    private ParsedValue Truncated(int start)
    {
        var closing = new StringBuilder();
        var closingRepairs = new List<OutputRepair>();
        if (_cutInString)
        {
            closing.Append('"');
            closingRepairs.Add(new OutputRepair(RepairKinds.MissingClosingQuote, _end, 0, "closed the string cut off at the end"));
        }

        for (var i = _closers.Count - 1; i >= 0; i--)
        {
            closing.Append((char)_closers[i]);
        }

        if (_closers.Count > 0)
        {
            closingRepairs.Add(new OutputRepair(RepairKinds.MissingClosingBracket, _end, 0, $"added the closing brackets {closing.ToString().TrimStart('"')}"));
        }

        // The tail drops were recorded among the repairs: they belong to the closing.
        for (var i = _repairs.Count - 1; i >= 0; i--)
        {
            if (_repairs[i].Kind == RepairKinds.IncompleteTail)
            {
                closingRepairs.Insert(0, _repairs[i]);
                _repairs.RemoveAt(i);
            }
        }

        _out ??= new ByteBuilder(16);
        var body = _out.ToArray();
        var closed = new byte[body.Length + closing.Length];
        body.CopyTo(closed, 0);
        Encoding.ASCII.GetBytes(closing.ToString(), closed.AsSpan(body.Length));

        byte[] completed = [];
        if (_lastCompleteOut >= 0 && _prefix is not null)
        {
            var keep = Math.Min(_lastCompleteOut, _prefix.Length);
            completed = new byte[keep + _lastCompleteDepth];
            _prefix.AsSpan(0, keep).CopyTo(completed);
            for (var i = 0; i < _lastCompleteDepth; i++)
            {
                completed[keep + i] = _closers[_lastCompleteDepth - 1 - i];
            }

            // A completed value ends with a comma-free tail; drop a trailing comma left by the cut, if any.
            completed = StripTrailingComma(completed, keep);
        }

        return new ParsedValue
        {
            Status = ParseStatus.Truncated,
            Start = start,
            End = _end,
            Rewritten = closed,
            Repairs = _repairs,
            ClosingRepairs = closingRepairs,
            Prefix = _prefix ?? [],
            Completed = completed,
            Closing = closing.ToString(),
            CutPath = CutPath(),
        };
    }

    private static byte[] StripTrailingComma(byte[] completed, int keep)
    {
        var i = keep - 1;
        while (i >= 0 && completed[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i--;
        }

        if (i < 0 || completed[i] != (byte)',')
        {
            return completed;
        }

        var result = new byte[completed.Length - (keep - i)];
        completed.AsSpan(0, i).CopyTo(result);
        completed.AsSpan(keep).CopyTo(result.AsSpan(i));
        return result;
    }

    private readonly string CutPath()
    {
        var sb = new StringBuilder();
        foreach (var segment in _path)
        {
            if (segment.Index < 0)
            {
                break;
            }

            if (!segment.IsObject)
            {
                sb.Append('/').Append(segment.Index);
                continue;
            }

            if (segment.KeyStart < 0 || segment.KeyEnd <= segment.KeyStart)
            {
                break;
            }

            sb.Append('/');

            var raw = _text[segment.KeyStart..segment.KeyEnd];
            var name = raw.Length >= 2 && raw[0] is (byte)'"' or (byte)'\'' && raw[^1] == raw[0]
                ? Encoding.UTF8.GetString(raw[1..^1])
                : Encoding.UTF8.GetString(raw).Trim('"', '\'');
            Validation.Evaluation.Evaluator.AppendPointerSegment(sb, name);
        }

        return sb.ToString();
    }
}

/// <summary>A growable byte buffer whose length can be cut back.</summary>
internal sealed class ByteBuilder(int capacity)
{
    private byte[] _buffer = new byte[capacity];

    public int Length { get; set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (Length + bytes.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes.Length));
        }

        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

    public void RemoveAt(int index)
    {
        _buffer.AsSpan(index + 1, Length - index - 1).CopyTo(_buffer.AsSpan(index));
        Length--;
    }

    public void Insert(int index, byte value)
    {
        Append([0]);
        _buffer.AsSpan(index, Length - 1 - index).CopyTo(_buffer.AsSpan(index + 1));
        _buffer[index] = value;
    }
}
