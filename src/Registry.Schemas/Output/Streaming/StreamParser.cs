// Over 500 lines on purpose: a resumable JSON tokenizer that keeps its place between chunks; every token kind's partial state
// (strings, escapes, numbers, literals cut at any byte) must be handled in the same loop to stay linear in the input.
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Output.Streaming;

/// <summary>Where the streaming parser is in the grammar.</summary>
internal enum ParseMode : byte
{
    Preamble,
    Value,
    ObjectFirst,
    ObjectKey,
    Colon,
    ArrayFirst,
    AfterValue,
    String,
    Number,
    Literal,
    Done,
    Trailer,
    Failed,
}

/// <summary>How a streamed document ended.</summary>
internal enum StreamEnd
{
    Complete,
    Truncated,
    Empty,
    Failed,
}

/// <summary>
/// A resumable RFC 8259 parser fed chunk by chunk. Every byte is examined once: tokens split across chunks resume
/// where they stopped (a string keeps its scan position; only an escape sequence cut by a chunk boundary, at most
/// 12 bytes, is read again). It keeps the document (the final validation needs it) and builds the same token tape
/// as <see cref="JsonTapeBuilder"/>, container by container, so that completed values can be evaluated in place.
/// Invariant: an open container's token has <c>Next == int.MaxValue</c> and <c>Length</c> = members/items so far.
/// </summary>
internal sealed class StreamParser
{
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, (byte)'"', (byte)'\\']);

    private static readonly SearchValues<byte> ValueStarts = SearchValues.Create("{["u8);

    private readonly StreamChecker _checker;
    private readonly JsonTape _tape;
    private readonly int _maxDepth;
    private readonly int _maxBytes;
    private readonly bool _surrounding;
    private readonly byte[] _escape = new byte[4];
    private byte[] _buffer = new byte[1024];
    private int _length;
    private int _pos;
    private ParseMode _mode;
    private bool _key;
    private bool _escaped;
    private bool _watch;
    private bool _stalled;
    private int _stringStart;
    private byte _number;
    private int _numberStart;
    private byte[] _literal = [];
    private int _literalAt;

    public StreamParser(StreamChecker checker, int maxDepth, int maxBytes, bool surroundingText)
    {
        _checker = checker;
        _tape = checker.Tape;
        _tape.Reset();
        _maxDepth = maxDepth;
        _maxBytes = maxBytes;
        _surrounding = surroundingText;
        _mode = surroundingText ? ParseMode.Preamble : ParseMode.Value;
    }

    public ReadOnlySpan<byte> Document => _buffer.AsSpan(0, _length);

    public int Length => _length;

    /// <summary>Offset of the root value's first byte, or -1.</summary>
    public int RootStart { get; private set; } = -1;

    /// <summary>Offset just past the root value, or -1 while it is incomplete.</summary>
    public int RootEnd { get; private set; } = -1;

    public bool IsFailed => _mode == ParseMode.Failed;

    public bool IsRootComplete => _mode is ParseMode.Done or ParseMode.Trailer;

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (_mode == ParseMode.Failed)
        {
            return;
        }

        if ((long)_length + chunk.Length > _maxBytes)
        {
            _checker.Limit(_length, $"The output is longer than the limit of {_maxBytes} bytes.", Document);
            _mode = ParseMode.Failed;
            return;
        }

        if (_length + chunk.Length > _buffer.Length)
        {
            var grown = new byte[Math.Min(Math.Max(_buffer.Length * 2, _length + chunk.Length), Math.Max(_maxBytes, _length + chunk.Length))];
            _buffer.AsSpan(0, _length).CopyTo(grown);
            _buffer = grown;
        }

        chunk.CopyTo(_buffer.AsSpan(_length));
        _length += chunk.Length;
        Run();
    }

    /// <summary>The end of the stream: a number at the end of the text is complete now.</summary>
    public StreamEnd Finish()
    {
        if (_mode == ParseMode.Number && IsAccepting(_number))
        {
            CompleteNumber(_length);
        }

        return _mode switch
        {
            ParseMode.Done or ParseMode.Trailer => StreamEnd.Complete,
            ParseMode.Failed => StreamEnd.Failed,
            _ when RootStart < 0 => StreamEnd.Empty,
            _ => StreamEnd.Truncated,
        };
    }

    private void Run()
    {
        var buffer = _buffer;
        var length = _length;
        var pos = _pos;
        while (pos < length)
        {
            switch (_mode)
            {
                case ParseMode.String:
                    pos = ScanString(buffer, pos, length);
                    if (_stalled)
                    {
                        // An escape sequence is cut by the end of the data: resume at its backslash.
                        _stalled = false;
                        _pos = pos;
                        return;
                    }

                    break;
                case ParseMode.Number:
                    pos = ScanNumber(buffer, pos, length);
                    break;
                case ParseMode.Value:
                    pos = SkipWhitespace(buffer, pos, length);
                    if (pos < length)
                    {
                        pos = BeginValue(buffer, pos);
                    }

                    break;
                case ParseMode.AfterValue:
                    pos = SkipWhitespace(buffer, pos, length);
                    if (pos < length)
                    {
                        pos = AfterValue(buffer[pos], pos);
                    }

                    break;
                case ParseMode.ObjectKey:
                case ParseMode.ObjectFirst:
                    pos = SkipWhitespace(buffer, pos, length);
                    if (pos < length)
                    {
                        pos = MemberStart(buffer[pos], pos);
                    }

                    break;
                case ParseMode.Colon:
                    pos = SkipWhitespace(buffer, pos, length);
                    if (pos < length)
                    {
                        if (buffer[pos] == (byte)':')
                        {
                            _mode = ParseMode.Value;
                            pos++;
                        }
                        else
                        {
                            Malformed(pos, "':' after the property name");
                        }
                    }

                    break;
                case ParseMode.ArrayFirst:
                    pos = SkipWhitespace(buffer, pos, length);
                    if (pos < length)
                    {
                        if (buffer[pos] == (byte)']')
                        {
                            pos = Close(pos, isObject: false);
                        }
                        else
                        {
                            _checker.CommitItem(pos, Document);
                            _mode = ParseMode.Value;
                        }
                    }

                    break;
                case ParseMode.Literal:
                    if (buffer[pos] != _literal[_literalAt])
                    {
                        Malformed(pos, $"the rest of '{Encoding.ASCII.GetString(_literal)}'");
                        break;
                    }

                    pos++;
                    if (++_literalAt == _literal.Length)
                    {
                        ValueDone(pos);
                    }

                    break;
                case ParseMode.Done:
                    pos = SkipWhitespace(buffer, pos, length);
                    if (pos < length)
                    {
                        if (_surrounding)
                        {
                            _mode = ParseMode.Trailer;
                            pos = length;
                        }
                        else
                        {
                            Malformed(pos, "the end of the text after the JSON value");
                        }
                    }

                    break;
                case ParseMode.Preamble:
                {
                    var at = buffer.AsSpan(pos, length - pos).IndexOfAny(ValueStarts);
                    if (at < 0)
                    {
                        pos = length;
                    }
                    else
                    {
                        pos += at;
                        _mode = ParseMode.Value;
                    }

                    break;
                }

                default:
                    pos = length;
                    break;
            }
        }

        _pos = pos;
    }

    /// <summary>
    /// Skips whitespace. Most tokens follow the previous one directly (no call); an indented document has runs of a line
    /// break and spaces between tokens, found with one vectorized search rather than byte by byte.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(byte[] buffer, int pos, int length)
    {
        if (pos >= length || !IsWhitespace(buffer[pos]))
        {
            return pos;
        }

        var at = buffer.AsSpan(pos + 1, length - pos - 1).IndexOfAnyExcept(Whitespace);
        return at < 0 ? length : pos + 1 + at;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsWhitespace(byte b) => b <= (byte)' ' && (b == (byte)' ' || b == (byte)'\n' || b == (byte)'\r' || b == (byte)'\t');

    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \n\r\t"u8);

    private int BeginValue(byte[] buffer, int pos)
    {
        var b = buffer[pos];
        if (_checker.Depth == 0 && RootStart < 0)
        {
            RootStart = pos;
        }

        switch (b)
        {
            case (byte)'{':
            case (byte)'[':
            {
                if (_checker.Depth >= _maxDepth)
                {
                    _checker.Limit(pos, $"The output nests deeper than the limit of {_maxDepth} (at byte {pos}).", Document);
                    _mode = ParseMode.Failed;
                    return pos;
                }

                var isObject = b == (byte)'{';
                var kind = isObject ? JsonKind.Object : JsonKind.Array;
                var token = _tape.Add(pos, 0, (int)kind);
                _tape.Tokens[token].Next = int.MaxValue;
                _checker.BeginValue(kind, pos, Document);
                _checker.Push(token, isObject);
                _mode = isObject ? ParseMode.ObjectFirst : ParseMode.ArrayFirst;
                return pos + 1;
            }

            case (byte)'"':
                _checker.BeginValue(JsonKind.String, pos, Document);
                return StartString(buffer, pos, key: false);
            case (byte)'-':
            case >= (byte)'0' and <= (byte)'9':
                _checker.BeginValue(JsonKind.Number, pos, Document);
                _numberStart = pos;
                _number = NumberStart;
                _mode = ParseMode.Number;
                return pos;
            case (byte)'t':
                return BeginLiteral(pos, JsonKind.True, "true"u8);
            case (byte)'f':
                return BeginLiteral(pos, JsonKind.False, "false"u8);
            case (byte)'n':
                return BeginLiteral(pos, JsonKind.Null, "null"u8);
            default:
                Malformed(pos, "a JSON value");
                return pos;
        }
    }

    /// <summary>A literal's value is known from its first byte: it is checked there; the rest must follow.</summary>
    private int BeginLiteral(int pos, JsonKind kind, ReadOnlySpan<byte> text)
    {
        var token = _tape.Add(pos, text.Length, (int)kind);
        _checker.BeginValue(kind, pos, Document);
        _checker.EndValue(kind, token, pos, Document);
        _literal = kind switch { JsonKind.True => TrueText, JsonKind.False => FalseText, _ => NullText };
        if (pos + text.Length <= _length && _buffer.AsSpan(pos, text.Length).SequenceEqual(text))
        {
            // The whole literal is here (the usual case): no byte-by-byte state.
            ValueDone(pos + text.Length);
            return pos + text.Length;
        }

        _literalAt = 1;
        _mode = ParseMode.Literal;
        return pos + 1;
    }

    private static readonly byte[] TrueText = "true"u8.ToArray();
    private static readonly byte[] FalseText = "false"u8.ToArray();
    private static readonly byte[] NullText = "null"u8.ToArray();

    private int MemberStart(byte b, int pos)
    {
        if (b == (byte)'"')
        {
            if (_mode == ParseMode.ObjectFirst)
            {
                _checker.CommitMember(pos, Document);
            }

            return StartString(_buffer, pos, key: true);
        }

        if (b == (byte)'}' && _mode == ParseMode.ObjectFirst)
        {
            return Close(pos, isObject: true);
        }

        Malformed(pos, _mode == ParseMode.ObjectFirst ? "a property name in double quotes or '}'" : "a property name in double quotes");
        return pos;
    }

    private int AfterValue(byte b, int pos)
    {
        var isObject = _checker.Top.IsObject;
        switch (b)
        {
            case (byte)',':
                if (isObject)
                {
                    _checker.CommitMember(pos, Document);
                    _mode = ParseMode.ObjectKey;

                    // The next name usually follows at once: start it here rather than through the loop.
                    var next = SkipWhitespace(_buffer, pos + 1, _length);
                    return next < _length && _buffer[next] == (byte)'"' ? StartString(_buffer, next, key: true) : next;
                }
                else
                {
                    _checker.CommitItem(pos, Document);
                    _mode = ParseMode.Value;

                    // The next item usually follows at once: begin it here (a string item ends without going further).
                    var next = SkipWhitespace(_buffer, pos + 1, _length);
                    return next < _length ? BeginValue(_buffer, next) : next;
                }
            case (byte)'}' when isObject:
                return Close(pos, isObject: true);
            case (byte)']' when !isObject:
                return Close(pos, isObject: false);
            default:
                Malformed(pos, isObject ? "',' or '}'" : "',' or ']'");
                return pos;
        }
    }

    private int Close(int pos, bool isObject)
    {
        var token = _checker.Top.Token;
        _tape.Tokens[token].Next = _tape.Count;
        _checker.EndValue(isObject ? JsonKind.Object : JsonKind.Array, token, pos, Document);
        _checker.Pop();
        ValueDone(pos + 1);
        return pos + 1;
    }

    /// <summary>A value ended just before <paramref name="end"/>.</summary>
    private void ValueDone(int end)
    {
        if (_checker.Depth == 0)
        {
            _mode = ParseMode.Done;
            RootEnd = end;
        }
        else
        {
            _mode = ParseMode.AfterValue;
        }
    }

    /// <summary>
    /// A string starts at its opening quote <paramref name="pos"/>; returns where parsing goes on. A string whose closing
    /// quote is already in the data, with no escape before it (most names and short values), is checked and completed at
    /// once; any other is read by <see cref="ScanString"/>, chunk by chunk.
    /// </summary>
    private int StartString(byte[] buffer, int pos, bool key)
    {
        _key = key;
        _stringStart = pos + 1;
        _escaped = false;
        _mode = ParseMode.String;
        var length = _length;
        var at = buffer.AsSpan(pos + 1, length - pos - 1).IndexOfAny(StringStops);
        if (at >= 0 && buffer[pos + 1 + at] == (byte)'"')
        {
            _checker.WholeString(key, pos, buffer.AsSpan(pos + 1, at), Document);
            _watch = false;
            return EndString(buffer, pos + 1 + at);
        }

        _watch = key ? _checker.BeginKey(pos, Document) : _checker.BeginString(pos, Document);
        return ScanString(buffer, pos + 1, length, at);
    }

    /// <summary>Reads a string body from <paramref name="pos"/>; <paramref name="first"/> is the first stop's distance when already known.</summary>
    private int ScanString(byte[] buffer, int pos, int length, int first = int.MinValue)
    {
        while (true)
        {
            var span = buffer.AsSpan(pos, length - pos);
            var at = first != int.MinValue ? first : span.IndexOfAny(StringStops);
            first = int.MinValue;
            if (_watch)
            {
                var run = at < 0 ? span : span[..at];
                if (run.Length > 0)
                {
                    _checker.StringBytes(run, pos, raw: true, _key, Document);
                    _watch = _checker.Watching;
                }
            }

            if (at < 0)
            {
                return length;
            }

            pos += at;
            var b = buffer[pos];
            if (b == (byte)'"')
            {
                return EndString(buffer, pos);
            }

            if (b != (byte)'\\')
            {
                Malformed(pos, "no raw control character inside a string (write it as an escape such as \\n)");
                return pos;
            }

            var status = Escape(buffer.AsSpan(pos, length - pos), _escape, out var written, out var consumed);
            if (status == EscapeStatus.NeedMore)
            {
                _stalled = true;
                return pos;
            }

            if (status == EscapeStatus.Invalid)
            {
                Malformed(pos, "a valid escape sequence");
                return pos;
            }

            _escaped = true;
            if (_watch)
            {
                // An escape is decoded whole: it counts as read at its last byte.
                _checker.StringBytes(_escape.AsSpan(0, written), pos + consumed - 1, raw: false, _key, Document);
                _watch = _checker.Watching;
            }

            pos += consumed;
        }
    }

    private int EndString(byte[] buffer, int pos)
    {
        var start = _stringStart;
        var raw = pos - start;
        var kind = _key ? JsonKind.PropertyName : JsonKind.String;
        int token;
        if (!_escaped)
        {
            token = _tape.Add(start, raw, (int)kind);
        }
        else
        {
            var destination = _tape.ReserveSide(raw);
            var written = Unescape(buffer.AsSpan(start, raw), destination);
            token = _tape.Add(_tape.SideLength, written, (int)kind | JsonToken.FlagSideBuffer);
            _tape.SideLength += written;
        }

        if (_key)
        {
            _checker.KeyComplete(token, pos, Document);
            _mode = ParseMode.Colon;

            // The colon and the value usually follow at once: go on here rather than through the loop (a value that is a
            // string ends without going further, so this does not recurse).
            var length = _length;
            var next = SkipWhitespace(buffer, pos + 1, length);
            if (next < length && buffer[next] == (byte)':')
            {
                _mode = ParseMode.Value;
                next = SkipWhitespace(buffer, next + 1, length);
                return next < length ? BeginValue(buffer, next) : next;
            }

            return next;
        }
        else
        {
            _checker.EndValue(JsonKind.String, token, pos, Document);
            ValueDone(pos + 1);
        }

        return pos + 1;
    }

    // Number grammar states: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private const byte NumberStart = 0;
    private const byte Minus = 1;
    private const byte Zero = 2;
    private const byte Integer = 3;
    private const byte Dot = 4;
    private const byte Fraction = 5;
    private const byte E = 6;
    private const byte ExponentSign = 7;
    private const byte Exponent = 8;
    private const byte Stop = 255;

    private static bool IsAccepting(byte state) => state is Zero or Integer or Fraction or Exponent;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Step(byte state, byte b)
    {
        var digit = (uint)(b - '0') <= 9;
        switch (state)
        {
            case NumberStart:
                return b == (byte)'-' ? Minus : b == (byte)'0' ? Zero : digit ? Integer : Stop;
            case Minus:
                return b == (byte)'0' ? Zero : digit ? Integer : Stop;
            case Zero:
                return b == (byte)'.' ? Dot : (b | 0x20) == (byte)'e' ? E : Stop;
            case Integer:
                return digit ? Integer : b == (byte)'.' ? Dot : (b | 0x20) == (byte)'e' ? E : Stop;
            case Dot:
                return digit ? Fraction : Stop;
            case Fraction:
                return digit ? Fraction : (b | 0x20) == (byte)'e' ? E : Stop;
            case E:
                return b is (byte)'+' or (byte)'-' ? ExponentSign : digit ? Exponent : Stop;
            case ExponentSign:
            case Exponent:
                return digit ? Exponent : Stop;
            default:
                return Stop;
        }
    }

    private int ScanNumber(byte[] buffer, int pos, int length)
    {
        var state = _number;
        while (pos < length)
        {
            var b = buffer[pos];
            if ((uint)(b - '0') <= 9 && state is Integer or Fraction or Exponent)
            {
                // A run of digits keeps the state: no step through the grammar for each.
                pos++;
                continue;
            }

            var next = Step(state, b);
            if (next == Stop)
            {
                if (IsAccepting(state))
                {
                    CompleteNumber(pos);
                }
                else
                {
                    Malformed(pos, "a digit");
                }

                return pos;
            }

            state = next;
            pos++;
        }

        _number = state;
        return pos;
    }

    private void CompleteNumber(int end)
    {
        var token = _tape.Add(_numberStart, end - _numberStart, (int)JsonKind.Number);
        _checker.EndValue(JsonKind.Number, token, end, Document);
        ValueDone(end);
    }

    private void Malformed(int pos, string expected)
    {
        var b = _buffer[pos];
        var received = b switch
        {
            (byte)'\n' => "a line break",
            (byte)'\r' => "a carriage return",
            (byte)'\t' => "a tab",
            < 0x20 => $"the control character U+{b:X4}",
            < 0x80 => $"'{(char)b}'",
            _ => "a non-ASCII character",
        };
        _checker.Malformed(pos, expected, received, Document);
        _mode = ParseMode.Failed;
    }

    internal enum EscapeStatus
    {
        Ok,
        NeedMore,
        Invalid,
    }

    /// <summary>
    /// Decodes the escape sequence at the start of <paramref name="input"/> (which begins with a backslash) into UTF-8.
    /// A lone surrogate is invalid: the validator cannot accept it, so no document containing one can be valid.
    /// </summary>
    internal static EscapeStatus Escape(ReadOnlySpan<byte> input, Span<byte> utf8, out int written, out int consumed)
    {
        written = 0;
        consumed = 0;
        if (input.Length < 2)
        {
            return EscapeStatus.NeedMore;
        }

        byte simple = input[1] switch
        {
            (byte)'"' => (byte)'"',
            (byte)'\\' => (byte)'\\',
            (byte)'/' => (byte)'/',
            (byte)'b' => 8,
            (byte)'f' => 12,
            (byte)'n' => 10,
            (byte)'r' => 13,
            (byte)'t' => 9,
            (byte)'u' => 0,
            _ => 255,
        };
        if (simple == 255)
        {
            return EscapeStatus.Invalid;
        }

        if (input[1] != (byte)'u')
        {
            utf8[0] = simple;
            written = 1;
            consumed = 2;
            return EscapeStatus.Ok;
        }

        var status = Hex(input, 2, out var unit);
        if (status != EscapeStatus.Ok)
        {
            return status;
        }

        int codePoint = unit;
        consumed = 6;
        if (unit is >= 0xDC00 and <= 0xDFFF)
        {
            return EscapeStatus.Invalid;
        }

        if (unit is >= 0xD800 and <= 0xDBFF)
        {
            if (input.Length < 7)
            {
                return EscapeStatus.NeedMore;
            }

            if (input[6] != (byte)'\\')
            {
                return EscapeStatus.Invalid;
            }

            if (input.Length < 8)
            {
                return EscapeStatus.NeedMore;
            }

            if (input[7] != (byte)'u')
            {
                return EscapeStatus.Invalid;
            }

            status = Hex(input, 8, out var low);
            if (status != EscapeStatus.Ok)
            {
                return status;
            }

            if (low is < 0xDC00 or > 0xDFFF)
            {
                return EscapeStatus.Invalid;
            }

            codePoint = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            consumed = 12;
        }

        written = new Rune(codePoint).EncodeToUtf8(utf8);
        return EscapeStatus.Ok;
    }

    private static EscapeStatus Hex(ReadOnlySpan<byte> input, int at, out int value)
    {
        value = 0;
        for (var i = at; i < at + 4; i++)
        {
            if (i >= input.Length)
            {
                return EscapeStatus.NeedMore;
            }

            var b = input[i];
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return EscapeStatus.Invalid;
            }

            value = (value << 4) | digit;
        }

        return EscapeStatus.Ok;
    }

    /// <summary>Unescapes a complete, already checked string body.</summary>
    internal static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        var written = 0;
        Span<byte> scratch = stackalloc byte[4];
        while (raw.Length > 0)
        {
            var at = raw.IndexOf((byte)'\\');
            var plain = at < 0 ? raw : raw[..at];
            plain.CopyTo(destination[written..]);
            written += plain.Length;
            if (at < 0)
            {
                break;
            }

            raw = raw[at..];
            if (Escape(raw, scratch, out var n, out var consumed) != EscapeStatus.Ok)
            {
                break; // not reached for a checked body
            }

            scratch[..n].CopyTo(destination[written..]);
            written += n;
            raw = raw[consumed..];
        }

        return written;
    }
}
