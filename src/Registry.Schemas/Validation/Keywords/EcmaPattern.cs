using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BitFaster.Caching.Lru;

namespace Registry.Schemas.Validation.Keywords;

/// <summary>
/// An ECMA-262 regular expression (with the <c>u</c> flag, as JSON Schema specifies) translated to .NET and compiled
/// so that an untrusted pattern cannot hang the process: the non-backtracking engine (linear time) whenever the pattern
/// allows it, otherwise the backtracking engine with a match time-out.
/// </summary>
internal sealed class EcmaPattern
{
    private const string Whitespace = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
    private const string Word = "a-zA-Z0-9_";
    private const string WordClass = "[a-zA-Z0-9_]";
    private const string SurrogatePair = "[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]";
    private const string AnyCodePoint = "(?:" + SurrogatePair + "|[^\\n\\r\\u2028\\u2029\\uD800-\\uDFFF])";

    private const string AnyCodePointOrTerminator = "(?:" + SurrogatePair + "|[^\\uD800-\\uDFFF])";

    /// <summary>How many distinct compiled patterns the process keeps for reuse.</summary>
    internal const int SharedCapacity = 1024;

    // A non-backtracking Regex costs about 90 KB of heap (mostly its character-class lookup table), while a typical
    // schema costs a few KB; and registries repeat the same patterns across versions and subjects. Regex is thread-safe,
    // so one compiled instance per distinct pattern serves every schema. Bounded by count, so registrations of ever new
    // patterns cannot grow it: an evicted pattern lives on only as long as a schema holds it.
    private static readonly ConcurrentLru<(string Source, TimeSpan Timeout), EcmaPattern> Shared = new(SharedCapacity);

    private readonly Regex _regex;

    private EcmaPattern(string source, Regex regex, bool linear)
    {
        Source = source;
        _regex = regex;
        IsLinear = linear;
    }

    /// <summary>The ECMA-262 source.</summary>
    public string Source { get; }

    /// <summary>True when the pattern runs on the non-backtracking engine.</summary>
    public bool IsLinear { get; }

    /// <summary>Translates and compiles; false with a reason when the pattern is not a valid ECMA-262 (u-mode) pattern.</summary>
    public static bool TryCreate(string source, TimeSpan timeout, out EcmaPattern? pattern, out string? error)
    {
        if (Shared.TryGet((source, timeout), out pattern))
        {
            error = null;
            return true;
        }

        if (!TryCompile(source, timeout, out var created, out error))
        {
            return false;
        }

        // Two compilers racing on one new pattern both compile it; both keep the instance that was cached first.
        pattern = Shared.GetOrAdd((source, timeout), static (_, compiled) => compiled, created);
        return true;
    }

    private static bool TryCompile(string source, TimeSpan timeout, [NotNullWhen(true)] out EcmaPattern? pattern, out string? error)
    {
        pattern = null;
        if (!TryTranslate(source, out var translated, out var backtracking, out error))
        {
            return false;
        }

        try
        {
            if (!backtracking)
            {
                try
                {
                    pattern = new EcmaPattern(source, new Regex(translated, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant), true);
                    return true;
                }
                catch (NotSupportedException)
                {
                    // Fall through to the bounded backtracking engine.
                }
            }

            pattern = new EcmaPattern(source, new Regex(translated, RegexOptions.CultureInvariant, timeout), false);
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>Matches anywhere in the input (patterns are not implicitly anchored). A time-out counts as no match.</summary>
    public bool IsMatch(ReadOnlySpan<char> input, out bool timedOut)
    {
        timedOut = false;
        try
        {
            return _regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            timedOut = true;
            return false;
        }
    }

    /// <summary>ECMA-262 → .NET translation. Sets <paramref name="backtracking"/> when a construct needs the backtracking engine.</summary>
    internal static bool TryTranslate(string p, out string result, out bool backtracking, out string? error)
    {
        var sb = new StringBuilder(p.Length + 16);
        backtracking = false;
        error = null;
        result = "";
        var i = 0;
        while (i < p.Length)
        {
            var c = p[i];
            switch (c)
            {
                case '\\':
                    if (!TranslateEscape(p, ref i, sb, inClass: false, ref backtracking, out error))
                    {
                        return false;
                    }

                    continue;
                case '[':
                    if (!TranslateClass(p, ref i, sb, out error))
                    {
                        return false;
                    }

                    continue;
                case '.':
                    // u-mode: '.' is one code point. Followed by '*' or '+' the unit-wise class accepts exactly the same
                    // strings (no pair-aware construct can start on a lone low surrogate), and it is much cheaper.
                    sb.Append(i + 1 < p.Length && p[i + 1] is '*' or '+' ? "[^\\n\\r\\u2028\\u2029]" : AnyCodePoint);
                    i++;
                    continue;
                case '$':
                    sb.Append("\\z");
                    i++;
                    continue;
                case '(':
                    if (i + 2 < p.Length && p[i + 1] == '?')
                    {
                        var n = p[i + 2];
                        if (n is '=' or '!' || (n == '<' && i + 3 < p.Length && p[i + 3] is '=' or '!'))
                        {
                            backtracking = true;
                        }
                        else if (n != ':' && n != '<')
                        {
                            error = $"invalid group '(?{n}' at {i}";
                            return false;
                        }
                    }

                    sb.Append(c);
                    i++;
                    continue;
                case '{':
                    // A quantifier must be complete in u-mode.
                    var close = p.IndexOf('}', i);
                    if (close < 0 || !IsQuantifierBody(p.AsSpan(i + 1, close - i - 1)))
                    {
                        error = $"lone '{{' at {i}";
                        return false;
                    }

                    sb.Append(p, i, close - i + 1);
                    i = close + 1;
                    continue;
                case '}':
                    error = $"lone '}}' at {i}";
                    return false;
                case ']':
                    error = $"lone ']' at {i}";
                    return false;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < p.Length && char.IsLowSurrogate(p[i + 1]))
                    {
                        // A code point is one atom: quantifiers apply to the whole pair.
                        sb.Append("(?:").Append(c).Append(p[i + 1]).Append(')');
                        i += 2;
                        continue;
                    }

                    if (c is '#' or ' ')
                    {
                        sb.Append('\\');
                    }

                    sb.Append(c);
                    i++;
                    continue;
            }
        }

        result = sb.ToString();
        return true;
    }

    private static bool IsQuantifierBody(ReadOnlySpan<char> body)
    {
        var comma = body.IndexOf(',');
        if (comma < 0)
        {
            return body.Length > 0 && IsDigits(body);
        }

        return comma > 0 && IsDigits(body[..comma]) && (comma == body.Length - 1 || IsDigits(body[(comma + 1)..]));
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return s.Length > 0;
    }

    private static bool TranslateEscape(string p, ref int i, StringBuilder sb, bool inClass, ref bool backtracking, out string? error)
    {
        error = null;
        if (i + 1 >= p.Length)
        {
            error = "pattern ends with '\\'";
            return false;
        }

        var c = p[i + 1];
        i += 2;
        switch (c)
        {
            case 'd':
                sb.Append(inClass ? "0-9" : "[0-9]");
                return true;
            case 'D':
                sb.Append("(?:" + SurrogatePair + "|[^0-9\\uD800-\\uDFFF])");
                return true;
            case 'w':
                sb.Append(inClass ? Word : WordClass);
                return true;
            case 'W':
                sb.Append("(?:" + SurrogatePair + "|[^" + Word + "\\uD800-\\uDFFF])");
                return true;
            case 's':
                sb.Append(inClass ? Whitespace : "[" + Whitespace + "]");
                return true;
            case 'S':
                sb.Append("(?:" + SurrogatePair + "|[^" + Whitespace + "\\uD800-\\uDFFF])");
                return true;
            case 'b':
                if (inClass)
                {
                    sb.Append("\\x08");
                    return true;
                }

                backtracking = true;
                sb.Append("(?:(?<=" + WordClass + ")(?!" + WordClass + ")|(?<!" + WordClass + ")(?=" + WordClass + "))");
                return true;
            case 'B':
                backtracking = true;
                sb.Append("(?:(?<=" + WordClass + ")(?=" + WordClass + ")|(?<!" + WordClass + ")(?!" + WordClass + "))");
                return true;
            case 'f' or 'n' or 'r' or 't' or 'v':
                sb.Append('\\').Append(c);
                return true;
            case 'c':
                if (i < p.Length && char.IsAsciiLetter(p[i]))
                {
                    sb.Append("\\x").Append(((int)(p[i] % 32)).ToString("X2", CultureInfo.InvariantCulture));
                    i++;
                    return true;
                }

                error = "invalid control escape";
                return false;
            case '0':
                if (i < p.Length && char.IsAsciiDigit(p[i]))
                {
                    error = "octal escapes are not allowed";
                    return false;
                }

                sb.Append("\\x00");
                return true;
            case >= '1' and <= '9':
                if (inClass)
                {
                    error = "back-reference in a character class";
                    return false;
                }

                backtracking = true;
                sb.Append('\\').Append(c);
                while (i < p.Length && char.IsAsciiDigit(p[i]))
                {
                    sb.Append(p[i++]);
                }

                return true;
            case 'k':
                if (i < p.Length && p[i] == '<')
                {
                    backtracking = true;
                    var end = p.IndexOf('>', i);
                    if (end < 0)
                    {
                        error = "invalid named back-reference";
                        return false;
                    }

                    sb.Append("\\k").Append(p, i, end - i + 1);
                    i = end + 1;
                    return true;
                }

                error = "invalid escape \\k";
                return false;
            case 'x':
                if (i + 2 <= p.Length && char.IsAsciiHexDigit(p[i]) && char.IsAsciiHexDigit(p[i + 1]))
                {
                    sb.Append("\\x").Append(p, i, 2);
                    i += 2;
                    return true;
                }

                error = "invalid \\x escape";
                return false;
            case 'u':
                return TranslateUnicodeEscape(p, ref i, sb, inClass, out error);
            case 'p' or 'P':
                return TranslateProperty(p, ref i, sb, c == 'P', inClass, out error);
            case '^' or '$' or '\\' or '.' or '*' or '+' or '?' or '(' or ')' or '[' or ']' or '{' or '}' or '|' or '/':
                sb.Append('\\').Append(c);
                return true;
            case '-' when inClass:
                sb.Append("\\-");
                return true;
            default:
                error = $"invalid escape '\\{c}'";
                return false;
        }
    }

    private static bool TranslateUnicodeEscape(string p, ref int i, StringBuilder sb, bool inClass, out string? error)
    {
        error = null;
        int codePoint;
        if (i < p.Length && p[i] == '{')
        {
            var end = p.IndexOf('}', i);
            if (end < 0 || end == i + 1 || !int.TryParse(p.AsSpan(i + 1, end - i - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out codePoint) || codePoint > 0x10FFFF)
            {
                error = "invalid \\u{...} escape";
                return false;
            }

            i = end + 1;
        }
        else if (i + 4 <= p.Length && int.TryParse(p.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out codePoint))
        {
            i += 4;
            // \uD83D\uDC32 is one code point in u-mode.
            if (codePoint is >= 0xD800 and <= 0xDBFF && i + 6 <= p.Length && p[i] == '\\' && p[i + 1] == 'u'
                && int.TryParse(p.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var low) && low is >= 0xDC00 and <= 0xDFFF)
            {
                codePoint = char.ConvertToUtf32((char)codePoint, (char)low);
                i += 6;
            }
        }
        else
        {
            error = "invalid \\u escape";
            return false;
        }

        if (codePoint <= 0xFFFF)
        {
            sb.Append("\\u").Append(codePoint.ToString("X4", CultureInfo.InvariantCulture));
            return true;
        }

        if (inClass)
        {
            error = "astral code points in character classes are not supported";
            return false;
        }

        var pair = char.ConvertFromUtf32(codePoint);
        sb.Append("(?:\\u").Append(((int)pair[0]).ToString("X4", CultureInfo.InvariantCulture))
          .Append("\\u").Append(((int)pair[1]).ToString("X4", CultureInfo.InvariantCulture)).Append(')');
        return true;
    }

    private static readonly Dictionary<string, string> Categories = new(StringComparer.Ordinal)
    {
        ["L"] = "L", ["Letter"] = "L", ["Lu"] = "Lu", ["Uppercase_Letter"] = "Lu", ["Ll"] = "Ll", ["Lowercase_Letter"] = "Ll",
        ["Lt"] = "Lt", ["Titlecase_Letter"] = "Lt", ["Lm"] = "Lm", ["Modifier_Letter"] = "Lm", ["Lo"] = "Lo", ["Other_Letter"] = "Lo",
        ["M"] = "M", ["Mark"] = "M", ["Mn"] = "Mn", ["Nonspacing_Mark"] = "Mn", ["Mc"] = "Mc", ["Spacing_Mark"] = "Mc",
        ["Me"] = "Me", ["Enclosing_Mark"] = "Me", ["N"] = "N", ["Number"] = "N", ["Nd"] = "Nd", ["Decimal_Number"] = "Nd",
        ["digit"] = "Nd", ["Nl"] = "Nl", ["Letter_Number"] = "Nl", ["No"] = "No", ["Other_Number"] = "No",
        ["P"] = "P", ["Punctuation"] = "P", ["punct"] = "P", ["Pc"] = "Pc", ["Connector_Punctuation"] = "Pc", ["Pd"] = "Pd",
        ["Dash_Punctuation"] = "Pd", ["Ps"] = "Ps", ["Open_Punctuation"] = "Ps", ["Pe"] = "Pe", ["Close_Punctuation"] = "Pe",
        ["Pi"] = "Pi", ["Initial_Punctuation"] = "Pi", ["Pf"] = "Pf", ["Final_Punctuation"] = "Pf", ["Po"] = "Po",
        ["Other_Punctuation"] = "Po", ["S"] = "S", ["Symbol"] = "S", ["Sm"] = "Sm", ["Math_Symbol"] = "Sm", ["Sc"] = "Sc",
        ["Currency_Symbol"] = "Sc", ["Sk"] = "Sk", ["Modifier_Symbol"] = "Sk", ["So"] = "So", ["Other_Symbol"] = "So",
        ["Z"] = "Z", ["Separator"] = "Z", ["Zs"] = "Zs", ["Space_Separator"] = "Zs", ["Zl"] = "Zl", ["Line_Separator"] = "Zl",
        ["Zp"] = "Zp", ["Paragraph_Separator"] = "Zp", ["C"] = "C", ["Other"] = "C", ["Cc"] = "Cc", ["Control"] = "Cc",
        ["cntrl"] = "Cc", ["Cf"] = "Cf", ["Format"] = "Cf", ["Cs"] = "Cs", ["Surrogate"] = "Cs", ["Co"] = "Co",
        ["Private_Use"] = "Co", ["Cn"] = "Cn", ["Unassigned"] = "Cn",
    };

    private static bool TranslateProperty(string p, ref int i, StringBuilder sb, bool negated, bool inClass, out string? error)
    {
        error = null;
        if (i >= p.Length || p[i] != '{')
        {
            error = "invalid \\p escape";
            return false;
        }

        var end = p.IndexOf('}', i);
        if (end < 0)
        {
            error = "invalid \\p escape";
            return false;
        }

        var name = p.Substring(i + 1, end - i - 1);
        i = end + 1;
        if (name.StartsWith("General_Category=", StringComparison.Ordinal) || name.StartsWith("gc=", StringComparison.Ordinal))
        {
            name = name[(name.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }

        if (!Categories.TryGetValue(name, out var category))
        {
            error = $"unsupported Unicode property '{name}'";
            return false;
        }

        _ = inClass;
        sb.Append(negated ? "\\P{" : "\\p{").Append(category).Append('}');
        return true;
    }

    private static bool TranslateClass(string p, ref int i, StringBuilder sb, out string? error)
    {
        error = null;
        var start = i;
        i++;
        var negated = i < p.Length && p[i] == '^';
        if (negated)
        {
            i++;
        }

        var body = new StringBuilder();
        var negatedParts = new List<string>(); // \D \W \S \P{..} inside a class become alternatives
        var backtracking = false;
        var first = true;
        while (i < p.Length && (p[i] != ']' || (first && false)))
        {
            first = false;
            var c = p[i];
            if (c == '\\')
            {
                var next = i + 1 < p.Length ? p[i + 1] : '\0';
                if (next is 'D' or 'W' or 'S')
                {
                    var part = new StringBuilder();
                    TranslateEscape(p, ref i, part, inClass: false, ref backtracking, out error);
                    negatedParts.Add(part.ToString());
                    continue;
                }

                if (next == 'P')
                {
                    var part = new StringBuilder();
                    if (!TranslateEscape(p, ref i, part, inClass: false, ref backtracking, out error))
                    {
                        return false;
                    }

                    negatedParts.Add(part.ToString());
                    continue;
                }

                if (!TranslateEscape(p, ref i, body, inClass: true, ref backtracking, out error))
                {
                    return false;
                }

                continue;
            }

            if (char.IsHighSurrogate(c))
            {
                error = "astral code points in character classes are not supported";
                return false;
            }

            if (c is '[')
            {
                body.Append("\\[");
            }
            else if (c == '-' && i + 1 < p.Length && p[i + 1] == '[')
            {
                body.Append("\\-"); // .NET would read "-[" as class subtraction
            }
            else
            {
                body.Append(c);
            }

            i++;
        }

        if (i >= p.Length)
        {
            error = $"unterminated character class at {start}";
            return false;
        }

        i++; // ]
        if (negatedParts.Count == 0)
        {
            if (body.Length == 0)
            {
                sb.Append(negated ? AnyCodePointOrTerminator : "[^\\s\\S]");
            }
            else if (negated)
            {
                // A negated class matches a whole astral code point in u-mode, never half of one.
                sb.Append("(?:").Append(SurrogatePair).Append("|[^").Append(body).Append("\\uD800-\\uDFFF])");
            }
            else
            {
                sb.Append('[').Append(body).Append(']');
            }

            return true;
        }

        if (negated)
        {
            error = "negated shorthand classes inside a negated class are not supported";
            return false;
        }

        sb.Append("(?:");
        if (body.Length > 0)
        {
            sb.Append('[').Append(body).Append("]|");
        }

        sb.Append(string.Join('|', negatedParts)).Append(')');
        return true;
    }
}
