// Over 500 lines on purpose: one recursive-descent parser for both ECMA-262 pattern grammars (unicode mode and Annex B); the
// productions call each other and share the cursor and mode flags, and the file is the one place to audit what a pattern may mean.
using System.Globalization;

namespace Registry.Schemas.Validation.Patterns;

/// <summary>
/// Parses an ECMA-262 pattern as <c>new RegExp(p, "u")</c> (the unicode-mode grammar) or as <c>new RegExp(p)</c> (the
/// web-compatible grammar of Annex B.1.2: identity escapes such as <c>\-</c> or <c>\:</c>, legacy octal escapes,
/// <c>\c</c> oddities, literal <c>]</c>, <c>{</c>, <c>}</c>, quantified look-aheads, <c>\k</c> without named groups), with
/// the same verdict and the same meaning JavaScript gives (ES2024, as V8 implements it). Error messages are V8's
/// reasons in plain words, with the offset.
/// </summary>
internal sealed class EcmaRegexParser
{
    /// <summary>Deepest nesting of groups and look-arounds accepted (each level costs stack in every later pass).</summary>
    public const int MaxNesting = 256;

    private readonly string _p;
    private readonly bool _u;
    private readonly int _captureCount;
    private readonly Dictionary<string, int> _namesAhead;
    private readonly HashSet<string> _namesSeen = new(StringComparer.Ordinal);

    // The NamedCaptureGroups grammar parameter: on in u-mode, and otherwise when the pattern has a group name.
    private readonly bool _named;
    private int _i;
    private int _nextCapture = 1;
    private int _depth;
    private bool _backtracking;

    private EcmaRegexParser(string pattern, bool unicode)
    {
        _p = pattern;
        _u = unicode;
        (_captureCount, _namesAhead) = ScanCaptures(pattern);
        _named = unicode || _namesAhead.Count > 0 || HasGroupNameSyntax(pattern);
    }

    /// <summary>Parses in one mode; false with JavaScript's reason when that mode rejects the pattern.</summary>
    public static bool TryParse(string pattern, bool unicode, out EcmaRegexTree? tree, out string? error) =>
        TryParse(pattern, unicode, out tree, out error, out _);

    /// <summary>As above; <paramref name="overLimit"/> tells a pattern nested deeper than <see cref="MaxNesting"/> from a syntax error.</summary>
    public static bool TryParse(string pattern, bool unicode, out EcmaRegexTree? tree, out string? error, out bool overLimit)
    {
        overLimit = false;
        var parser = new EcmaRegexParser(pattern, unicode);
        try
        {
            var root = parser.ParseDisjunction();
            if (parser._i < pattern.Length)
            {
                // Only an unmatched ')' stops the top-level disjunction early.
                throw parser.Fail("unmatched ')'");
            }

            tree = new EcmaRegexTree(root, unicode, parser._nextCapture - 1, parser._backtracking);
            error = null;
            return true;
        }
        catch (PatternSyntaxException e)
        {
            tree = null;
            error = e.Message;
            overLimit = e.OverLimit;
            return false;
        }
    }

    private PatternSyntaxException Fail(string reason) => new($"{reason} at offset {Math.Min(_i, _p.Length)}");

    private static PatternSyntaxException Fail(string reason, int at) => new($"{reason} at offset {at}");

    private bool AtEnd => _i >= _p.Length;

    private char Peek(int ahead = 0) => _i + ahead < _p.Length ? _p[_i + ahead] : '\0';

    private bool Has(int ahead) => _i + ahead < _p.Length;

    // ---- Disjunction, alternative, term -----------------------------------------------------------------------

    private RegexNode ParseDisjunction()
    {
        var first = ParseAlternative();
        if (AtEnd || Peek() != '|')
        {
            return first;
        }

        var branches = new List<RegexNode> { first };
        while (!AtEnd && Peek() == '|')
        {
            _i++;
            branches.Add(ParseAlternative());
        }

        return new AlternationNode([.. branches]);
    }

    private RegexNode ParseAlternative()
    {
        var items = new List<RegexNode>();
        while (!AtEnd && Peek() is not '|' and not ')')
        {
            items.Add(ParseTerm());
        }

        return items.Count switch
        {
            0 => EmptyNode.Instance,
            1 => items[0],
            _ => new SequenceNode([.. items]),
        };
    }

    private RegexNode ParseTerm()
    {
        var start = _i;
        var c = Peek();
        switch (c)
        {
            case '^':
                _i++;
                return Unquantifiable(new AnchorNode(AnchorKind.Start));
            case '$':
                _i++;
                return Unquantifiable(new AnchorNode(AnchorKind.End));
            case '\\' when Peek(1) is 'b' or 'B':
                _i += 2;
                _backtracking = true;
                return Unquantifiable(new AnchorNode(Peek(-1) == 'b' ? AnchorKind.WordBoundary : AnchorKind.NotWordBoundary));
            case '(':
                return ParseGroupTerm(start);
            case '*' or '+' or '?':
                throw Fail("nothing to repeat");
            case '{':
                if (TryReadBraces(_i, out _, out _, out _, out _))
                {
                    throw Fail("nothing to repeat");
                }

                if (_u)
                {
                    throw Fail("lone quantifier brackets");
                }

                _i++;
                return Quantified(new CharNode('{'), start);
            case '}' or ']':
                if (_u)
                {
                    throw Fail("lone quantifier brackets");
                }

                _i++;
                return Quantified(new CharNode(c), start);
            case '.':
                _i++;
                return Quantified(new SetNode(CharSet.Of(CharSet.LineTerminators, negated: true)), start);
            case '[':
                return Quantified(ParseClass(), start);
            case '\\':
                return Quantified(ParseAtomEscape(), start);
            default:
                return Quantified(new CharNode(ReadSourceCharacter()), start);
        }
    }

    private RegexNode ParseGroupTerm(int start)
    {
        if (++_depth > MaxNesting)
        {
            throw new PatternSyntaxException($"groups are nested more than {MaxNesting} deep", overLimit: true);
        }

        _i++; // (
        RegexNode node;
        if (Peek() != '?')
        {
            var number = _nextCapture++;
            node = new GroupNode(ParseGroupBody(start), number);
            _depth--;
            return Quantified(node, start);
        }

        switch (Peek(1))
        {
            case ':':
                _i += 2;
                node = new GroupNode(ParseGroupBody(start), 0);
                _depth--;
                return Quantified(node, start);
            case '=' or '!':
            {
                var negative = Peek(1) == '!';
                _i += 2;
                _backtracking = true;
                node = new LookaroundNode(ParseGroupBody(start), behind: false, negative);
                _depth--;

                // Annex B lets a look-ahead be quantified outside u-mode (QuantifiableAssertion).
                return _u ? Unquantifiable(node, "invalid quantifier") : Quantified(node, start);
            }

            case '<' when Peek(2) is '=' or '!':
            {
                var negative = Peek(2) == '!';
                _i += 3;
                _backtracking = true;
                node = new LookaroundNode(ParseGroupBody(start), behind: true, negative);
                _depth--;
                return Unquantifiable(node, "invalid quantifier");
            }

            case '<':
            {
                _i += 2;
                var nameAt = _i;
                var name = ReadGroupName();
                if (!_namesSeen.Add(name))
                {
                    throw Fail("duplicate capture group name", nameAt);
                }

                var number = _nextCapture++;
                node = new GroupNode(ParseGroupBody(start), number);
                _depth--;
                return Quantified(node, start);
            }

            default:
                throw Fail("invalid group");
        }
    }

    private RegexNode ParseGroupBody(int start)
    {
        var body = ParseDisjunction();
        if (AtEnd)
        {
            throw Fail("unterminated group", start);
        }

        _i++; // )
        return body;
    }

    /// <summary>An assertion: a quantifier after it is an error.</summary>
    private RegexNode Unquantifiable(RegexNode node, string reason = "nothing to repeat")
    {
        if (!AtEnd && (Peek() is '*' or '+' or '?' || (Peek() == '{' && TryReadBraces(_i, out _, out _, out _, out _))))
        {
            throw Fail(reason);
        }

        return node;
    }

    private RegexNode Quantified(RegexNode atom, int start)
    {
        if (AtEnd)
        {
            return atom;
        }

        int min, max;
        var braced = false;
        switch (Peek())
        {
            case '*':
                (min, max) = (0, -1);
                _i++;
                break;
            case '+':
                (min, max) = (1, -1);
                _i++;
                break;
            case '?':
                (min, max) = (0, 1);
                _i++;
                break;
            case '{':
                if (!TryReadBraces(_i, out min, out max, out var end, out var outOfOrder))
                {
                    if (_u)
                    {
                        throw Fail("incomplete quantifier");
                    }

                    // Outside u-mode a '{' that does not make a quantifier is a literal, read as the next atom.
                    return atom;
                }

                if (outOfOrder)
                {
                    throw Fail("numbers out of order in {} quantifier");
                }

                braced = true;
                _i = end;
                break;
            default:
                return atom;
        }

        var lazy = false;
        if (!AtEnd && Peek() == '?')
        {
            lazy = true;
            _i++;
        }

        return new RepeatNode(atom, min, max, lazy, braced, start, _i);
    }

    /// <summary>
    /// Reads <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c> at <paramref name="at"/>. Counts beyond int range are clamped; their
    /// order is compared on the digits, so <c>{99999999999,1}</c> is still out of order.
    /// </summary>
    private bool TryReadBraces(int at, out int min, out int max, out int end, out bool outOfOrder)
    {
        min = max = 0;
        end = at;
        outOfOrder = false;
        var j = at + 1;
        var lowStart = j;
        while (j < _p.Length && char.IsAsciiDigit(_p[j]))
        {
            j++;
        }

        if (j == lowStart || j >= _p.Length)
        {
            return false;
        }

        var low = _p.AsSpan(lowStart, j - lowStart);
        min = ClampedCount(low);
        if (_p[j] == '}')
        {
            max = min;
            end = j + 1;
            return true;
        }

        if (_p[j] != ',')
        {
            return false;
        }

        j++;
        var highStart = j;
        while (j < _p.Length && char.IsAsciiDigit(_p[j]))
        {
            j++;
        }

        if (j >= _p.Length || _p[j] != '}')
        {
            return false;
        }

        if (j == highStart)
        {
            max = -1;
        }
        else
        {
            var high = _p.AsSpan(highStart, j - highStart);
            max = ClampedCount(high);
            outOfOrder = CompareDigits(low, high) > 0;
        }

        end = j + 1;
        return true;
    }

    private static int ClampedCount(ReadOnlySpan<char> digits)
    {
        long value = 0;
        foreach (var d in digits)
        {
            value = (value * 10) + (d - '0');
            if (value > int.MaxValue)
            {
                return int.MaxValue;
            }
        }

        return (int)value;
    }

    private static int CompareDigits(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
    }

    // ---- Characters and escapes -------------------------------------------------------------------------------

    /// <summary>One source character: a code point in u-mode (a surrogate pair is one), a code unit otherwise.</summary>
    private int ReadSourceCharacter()
    {
        var c = _p[_i++];
        if (_u && char.IsHighSurrogate(c) && !AtEnd && char.IsLowSurrogate(_p[_i]))
        {
            return char.ConvertToUtf32(c, _p[_i++]);
        }

        return c;
    }

    private RegexNode ParseAtomEscape()
    {
        var at = _i;
        if (!Has(1))
        {
            throw Fail("\\ at end of pattern");
        }

        var e = Peek(1);
        switch (e)
        {
            case 'd' or 'D' or 's' or 'S' or 'w' or 'W':
                _i += 2;
                return new SetNode(Shorthand(e));
            case 'p' or 'P' when _u:
                return new SetNode(ReadProperty());
            case 'k' when _named:
            {
                _i += 2;
                if (Peek() != '<')
                {
                    throw Fail("invalid named reference", at);
                }

                _i++;
                var name = ReadGroupNameBody(at);
                if (!_namesAhead.TryGetValue(name, out var group))
                {
                    throw Fail("invalid named capture referenced", at);
                }

                _backtracking = true;
                return new BackReferenceNode(group);
            }

            case >= '1' and <= '9':
            {
                var j = _i + 1;
                while (j < _p.Length && char.IsAsciiDigit(_p[j]))
                {
                    j++;
                }

                var digits = _p.AsSpan(_i + 1, j - _i - 1);
                if (CompareDigits(digits, _captureCount.ToString(CultureInfo.InvariantCulture)) <= 0)
                {
                    _i = j;
                    _backtracking = true;
                    return new BackReferenceNode(ClampedCount(digits));
                }

                if (_u)
                {
                    throw Fail("invalid escape");
                }

                // Annex B: not a group number, so a legacy octal escape, or "\8" and "\9" as identity escapes.
                _i++;
                if (e >= '8')
                {
                    _i++;
                    return new CharNode(e);
                }

                return new CharNode(ReadLegacyOctal());
            }

            case '0':
                _i++;
                if (_u)
                {
                    if (Has(1) && char.IsAsciiDigit(Peek(1)))
                    {
                        throw Fail("invalid decimal escape", at);
                    }

                    _i++;
                    return new CharNode(0);
                }

                return new CharNode(ReadLegacyOctal());
            case 'c':
                if (Has(2) && char.IsAsciiLetter(Peek(2)))
                {
                    _i += 3;
                    return new CharNode(Peek(-1) % 32);
                }

                if (_u)
                {
                    throw Fail("invalid unicode escape");
                }

                // Annex B: "\c" not followed by a letter is a literal backslash; the 'c' is read as the next atom.
                _i++;
                return new CharNode('\\');
            default:
                return ReadCharacterEscape(inClass: false) is var value and >= 0 ? new CharNode(value) : throw Fail("invalid escape", at);
        }
    }

    /// <summary>
    /// The escapes shared by atoms and classes (at <c>\</c>): control escapes, <c>\x</c>, <c>\u</c> and identity escapes.
    /// Returns -1 for an escape the mode does not allow.
    /// </summary>
    private int ReadCharacterEscape(bool inClass)
    {
        var e = Peek(1);
        _i += 2;
        switch (e)
        {
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'v':
                return '\v';
            case 'x':
                if (Has(1) && char.IsAsciiHexDigit(Peek()) && char.IsAsciiHexDigit(Peek(1)))
                {
                    _i += 2;
                    return int.Parse(_p.AsSpan(_i - 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }

                return _u ? -1 : 'x';
            case 'u':
                return ReadUnicodeEscapeBody(out var value) ? value : _u ? throw Fail("invalid unicode escape", _i - 2) : 'u';
        }

        if (_u)
        {
            var allowed = e is '^' or '$' or '\\' or '.' or '*' or '+' or '?' or '(' or ')' or '[' or ']' or '{' or '}' or '|' or '/'
                          || (inClass && e == '-');
            return allowed ? e : -1;
        }

        // Annex B IdentityEscape: any source character but 'c' (and 'k' when the pattern names groups).
        return e;
    }

    /// <summary>After <c>\u</c>: four hex digits (in u-mode a surrogate pair of two such escapes is one code point) or, in u-mode, <c>{hex}</c>.</summary>
    private bool ReadUnicodeEscapeBody(out int value)
    {
        value = 0;
        if (_u && Peek() == '{')
        {
            var j = _i + 1;
            long v = 0;
            while (j < _p.Length && char.IsAsciiHexDigit(_p[j]))
            {
                v = Math.Min((v * 16) + HexValue(_p[j]), 0x110000);
                j++;
            }

            if (j == _i + 1 || j >= _p.Length || _p[j] != '}' || v > CharSet.MaxCodePoint)
            {
                return false;
            }

            value = (int)v;
            _i = j + 1;
            return true;
        }

        if (!TryHex4(_i, out value))
        {
            return false;
        }

        _i += 4;
        if (_u && char.IsHighSurrogate((char)value) && Has(5) && Peek() == '\\' && Peek(1) == 'u' && TryHex4(_i + 2, out var low)
            && char.IsLowSurrogate((char)low))
        {
            value = char.ConvertToUtf32((char)value, (char)low);
            _i += 6;
        }

        return true;
    }

    private bool TryHex4(int at, out int value)
    {
        value = 0;
        if (at + 4 > _p.Length)
        {
            return false;
        }

        for (var k = 0; k < 4; k++)
        {
            if (!char.IsAsciiHexDigit(_p[at + k]))
            {
                return false;
            }

            value = (value * 16) + HexValue(_p[at + k]);
        }

        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>Annex B LegacyOctalEscapeSequence at the current digit (0-7): up to three digits, at most 0o377.</summary>
    private int ReadLegacyOctal()
    {
        var first = _p[_i++];
        var value = first - '0';
        if (!AtEnd && Peek() is >= '0' and <= '7')
        {
            value = (value * 8) + (_p[_i++] - '0');
            if (first <= '3' && !AtEnd && Peek() is >= '0' and <= '7')
            {
                value = (value * 8) + (_p[_i++] - '0');
            }
        }

        return value;
    }

    private CharSet Shorthand(char e)
    {
        var max = _u ? CharSet.MaxCodePoint : CharSet.MaxCodeUnit;
        return e switch
        {
            'd' => CharSet.Of(CharSet.Digits),
            'D' => CharSet.Of(CharSet.Complement(CharSet.Digits, max)),
            's' => CharSet.Of(CharSet.Whitespace),
            'S' => CharSet.Of(CharSet.Complement(CharSet.Whitespace, max)),
            'w' => CharSet.Of(CharSet.WordCharacters),
            _ => CharSet.Of(CharSet.Complement(CharSet.WordCharacters, max)),
        };
    }

    /// <summary>u-mode <c>\p{…}</c> or <c>\P{…}</c> at the backslash.</summary>
    private CharSet ReadProperty()
    {
        var at = _i;
        var negated = Peek(1) == 'P';
        _i += 2;
        var close = Peek() == '{' ? _p.IndexOf('}', _i) : -1;
        if (close < 0)
        {
            throw Fail("invalid property name", at);
        }

        var name = _p.Substring(_i + 1, close - _i - 1);
        _i = close + 1;
        if (!UnicodeCategories.TryResolve(name, out var ranges, out var categories))
        {
            throw Fail($"the Unicode property '{name}' is not supported (only General_Category values, Any, ASCII, Assigned and ASCII_Hex_Digit are)", at);
        }

        if (!negated)
        {
            return CharSet.Of(ranges, categories);
        }

        // Categories partition the code points, so the complement of a category set is the other categories.
        return ranges.Length == 0
            ? CharSet.Of([], CharSet.AllCategories & ~categories)
            : CharSet.Of(CharSet.Complement(CharSet.Normalize(ranges), CharSet.MaxCodePoint));
    }

    // ---- Classes ------------------------------------------------------------------------------------------------

    private SetNode ParseClass()
    {
        var start = _i;
        _i++; // [
        var negated = false;
        if (Peek() == '^' && !AtEnd)
        {
            negated = true;
            _i++;
        }

        var ranges = new List<(int Lo, int Hi)>();
        uint categories = 0;
        while (true)
        {
            if (AtEnd)
            {
                throw Fail("unterminated character class", start);
            }

            if (Peek() == ']')
            {
                _i++;
                break;
            }

            var atomAt = _i;
            var a = ParseClassAtom();
            if (Peek() == '-' && Has(1) && Peek(1) != ']')
            {
                _i++; // -
                var b = ParseClassAtom();
                if (a.Set is not null || b.Set is not null)
                {
                    if (_u)
                    {
                        throw Fail("invalid character class", atomAt);
                    }

                    // Annex B: a range with a class at either end is the union of both ends and '-'.
                    Add(a);
                    ranges.Add(('-', '-'));
                    Add(b);
                }
                else if (a.Value > b.Value)
                {
                    throw Fail("range out of order in character class", atomAt);
                }
                else
                {
                    ranges.Add((a.Value, b.Value));
                }
            }
            else
            {
                Add(a);
            }
        }

        return new SetNode(CharSet.Of([.. ranges], categories, negated));

        void Add(ClassAtom atom)
        {
            if (atom.Set is { } set)
            {
                ranges.AddRange(set.Ranges);
                categories |= set.Categories;
            }
            else
            {
                ranges.Add((atom.Value, atom.Value));
            }
        }
    }

    private readonly record struct ClassAtom(int Value, CharSet? Set);

    private ClassAtom ParseClassAtom()
    {
        if (Peek() != '\\')
        {
            return new ClassAtom(ReadSourceCharacter(), null);
        }

        var at = _i;
        if (!Has(1))
        {
            throw Fail("\\ at end of pattern");
        }

        var e = Peek(1);
        switch (e)
        {
            case 'b':
                _i += 2;
                return new ClassAtom('\b', null);
            case '-':
                _i += 2;
                return new ClassAtom('-', null);
            case 'd' or 'D' or 's' or 'S' or 'w' or 'W':
                _i += 2;
                return new ClassAtom(-1, Shorthand(e));
            case 'p' or 'P' when _u:
                return new ClassAtom(-1, ReadProperty());
            case 'c':
                if (Has(2) && (char.IsAsciiLetter(Peek(2)) || (!_u && (char.IsAsciiDigit(Peek(2)) || Peek(2) == '_'))))
                {
                    // Annex B ClassControlLetter also takes digits and '_' inside a class.
                    _i += 3;
                    return new ClassAtom(Peek(-1) % 32, null);
                }

                if (_u)
                {
                    throw Fail("invalid class escape");
                }

                _i++;
                return new ClassAtom('\\', null);
            case >= '0' and <= '9':
                if (_u)
                {
                    if (e == '0' && !(Has(2) && char.IsAsciiDigit(Peek(2))))
                    {
                        _i += 2;
                        return new ClassAtom(0, null);
                    }

                    throw Fail("invalid class escape");
                }

                _i++;
                if (e >= '8')
                {
                    _i++;
                    return new ClassAtom(e, null);
                }

                return new ClassAtom(ReadLegacyOctal(), null);
            case 'k' when _named:
                throw Fail("invalid escape");
            case 'B' when _u:
                throw Fail("invalid escape");
            default:
                return ReadCharacterEscape(inClass: true) is var value and >= 0 ? new ClassAtom(value, null) : throw Fail("invalid escape", at);
        }
    }

    // ---- Group names --------------------------------------------------------------------------------------------

    /// <summary>After <c>(?&lt;</c>: the name and its closing <c>&gt;</c>.</summary>
    private string ReadGroupName() => ReadGroupNameBody(_i - 3);

    private string ReadGroupNameBody(int at)
    {
        if (!TryReadGroupName(_p, ref _i, out var name))
        {
            throw Fail("invalid capture group name", at);
        }

        return name;
    }

    /// <summary>RegExpIdentifierName then <c>&gt;</c>, at <paramref name="i"/> (after the <c>&lt;</c>).</summary>
    private static bool TryReadGroupName(string p, ref int i, out string name)
    {
        name = "";
        var chars = new System.Text.StringBuilder();
        var j = i;
        while (j < p.Length && p[j] != '>')
        {
            int cp;
            if (p[j] == '\\')
            {
                if (j + 1 >= p.Length || p[j + 1] != 'u')
                {
                    return false;
                }

                j += 2;
                if (!TryReadNameEscape(p, ref j, out cp))
                {
                    return false;
                }
            }
            else if (char.IsHighSurrogate(p[j]) && j + 1 < p.Length && char.IsLowSurrogate(p[j + 1]))
            {
                cp = char.ConvertToUtf32(p[j], p[j + 1]);
                j += 2;
            }
            else
            {
                cp = p[j++];
            }

            if (!(chars.Length == 0 ? IsIdentifierStart(cp) : IsIdentifierPart(cp)))
            {
                return false;
            }

            chars.Append(char.ConvertFromUtf32(cp is >= 0xD800 and <= 0xDFFF ? 0xFFFD : cp));
        }

        if (j >= p.Length || chars.Length == 0)
        {
            return false;
        }

        i = j + 1;
        name = chars.ToString();
        return true;
    }

    private static bool TryReadNameEscape(string p, ref int j, out int cp)
    {
        cp = 0;
        if (j < p.Length && p[j] == '{')
        {
            var close = p.IndexOf('}', j);
            if (close < 0 || close == j + 1 || close - j > 9
                || !int.TryParse(p.AsSpan(j + 1, close - j - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out cp)
                || cp > CharSet.MaxCodePoint)
            {
                return false;
            }

            j = close + 1;
            return true;
        }

        if (j + 4 > p.Length || !int.TryParse(p.AsSpan(j, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out cp))
        {
            return false;
        }

        j += 4;
        if (char.IsHighSurrogate((char)cp) && j + 6 <= p.Length && p[j] == '\\' && p[j + 1] == 'u'
            && int.TryParse(p.AsSpan(j + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low)
            && char.IsLowSurrogate((char)low))
        {
            cp = char.ConvertToUtf32((char)cp, (char)low);
            j += 6;
        }

        return true;
    }

    private static bool IsIdentifierStart(int cp)
    {
        if (cp is '$' or '_')
        {
            return true;
        }

        if (cp is >= 0xD800 and <= 0xDFFF)
        {
            return false;
        }

        return CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.LetterNumber;
    }

    private static bool IsIdentifierPart(int cp)
    {
        if (IsIdentifierStart(cp) || cp is 0x200C or 0x200D)
        {
            return true;
        }

        if (cp is >= 0xD800 and <= 0xDFFF)
        {
            return false;
        }

        return CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation;
    }

    // ---- Pre-scan -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Counts capturing groups and records group names before parsing, as JavaScript does: whether <c>\3</c> is a
    /// back-reference, and which names <c>\k&lt;name&gt;</c> may use, depend on groups anywhere in the pattern.
    /// </summary>
    private static (int Count, Dictionary<string, int> Names) ScanCaptures(string p)
    {
        var count = 0;
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < p.Length; i++)
        {
            switch (p[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    for (i++; i < p.Length && p[i] != ']'; i++)
                    {
                        if (p[i] == '\\')
                        {
                            i++;
                        }
                    }

                    break;
                case '(':
                    if (i + 1 < p.Length && p[i + 1] == '?')
                    {
                        if (i + 2 < p.Length && p[i + 2] == '<' && !(i + 3 < p.Length && p[i + 3] is '=' or '!'))
                        {
                            count++;
                            var j = i + 3;
                            if (TryReadGroupName(p, ref j, out var name))
                            {
                                names.TryAdd(name, count);
                            }
                        }
                    }
                    else
                    {
                        count++;
                    }

                    break;
            }
        }

        return (count, names);
    }

    /// <summary>True when the pattern has <c>(?&lt;</c> not starting a look-behind, valid name or not.</summary>
    private static bool HasGroupNameSyntax(string p)
    {
        for (var i = 0; i < p.Length; i++)
        {
            switch (p[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    for (i++; i < p.Length && p[i] != ']'; i++)
                    {
                        if (p[i] == '\\')
                        {
                            i++;
                        }
                    }

                    break;
                case '(' when i + 2 < p.Length && p[i + 1] == '?' && p[i + 2] == '<' && !(i + 3 < p.Length && p[i + 3] is '=' or '!'):
                    return true;
            }
        }

        return false;
    }
}

/// <summary>A pattern that its mode's grammar rejects (or that is nested too deeply); the message is the reason and the offset.</summary>
internal sealed class PatternSyntaxException(string message, bool overLimit = false) : Exception(message)
{
    public bool OverLimit { get; } = overLimit;
}
