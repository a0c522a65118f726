using System.Globalization;

namespace Registry.Schemas.Validation.Patterns;

/// <summary>
/// The characters one position of a pattern may match: explicit ranges of code points (u-mode) or code units, plus
/// whole Unicode general categories (from <c>\p{…}</c>, kept symbolic because .NET classes name them directly), the
/// whole possibly negated. Every operation is exact: negated shorthands inside classes (<c>[^\W\-]</c>) and ranges
/// beyond the Basic Multilingual Plane are computed, not approximated.
/// </summary>
internal sealed class CharSet
{
    public const int MaxCodeUnit = 0xFFFF;
    public const int MaxCodePoint = 0x10FFFF;

    /// <summary>Every category: <c>\p{Any}</c> as a mask.</summary>
    public const uint AllCategories = (1u << 30) - 1;

    public static readonly (int Lo, int Hi)[] Digits = [('0', '9')];
    public static readonly (int Lo, int Hi)[] WordCharacters = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];

    /// <summary>ECMA-262 WhiteSpace and LineTerminator (what <c>\s</c> matches).</summary>
    public static readonly (int Lo, int Hi)[] Whitespace =
    [
        (0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F),
        (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF),
    ];

    /// <summary>What <c>.</c> does not match.</summary>
    public static readonly (int Lo, int Hi)[] LineTerminators = [(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)];

    private CharSet((int Lo, int Hi)[] ranges, uint categories, bool negated)
    {
        Ranges = ranges;
        Categories = categories;
        Negated = negated;
    }

    /// <summary>Sorted, disjoint and not adjacent.</summary>
    public (int Lo, int Hi)[] Ranges { get; }

    /// <summary>Bit <c>1 &lt;&lt; (int)UnicodeCategory</c> for each whole category in the set.</summary>
    public uint Categories { get; }

    /// <summary>True when the set is everything except <see cref="Ranges"/> and <see cref="Categories"/>.</summary>
    public bool Negated { get; }

    public static CharSet Of((int Lo, int Hi)[] ranges, uint categories = 0, bool negated = false) =>
        new(Normalize(ranges), categories, negated);

    public static CharSet Single(int c) => new([(c, c)], 0, negated: false);

    /// <summary>Sorts and merges ranges (overlapping or adjacent) into the invariant form.</summary>
    public static (int Lo, int Hi)[] Normalize(IEnumerable<(int Lo, int Hi)> ranges)
    {
        var list = new List<(int Lo, int Hi)>(ranges);
        list.Sort(static (a, b) => a.Lo.CompareTo(b.Lo));
        var merged = new List<(int Lo, int Hi)>(list.Count);
        foreach (var r in list)
        {
            if (merged.Count > 0 && r.Lo <= merged[^1].Hi + 1)
            {
                if (r.Hi > merged[^1].Hi)
                {
                    merged[^1] = (merged[^1].Lo, r.Hi);
                }
            }
            else
            {
                merged.Add(r);
            }
        }

        return [.. merged];
    }

    /// <summary>The ranges of [0, <paramref name="max"/>] not in <paramref name="ranges"/> (which must be normalized).</summary>
    public static (int Lo, int Hi)[] Complement(ReadOnlySpan<(int Lo, int Hi)> ranges, int max)
    {
        var result = new List<(int Lo, int Hi)>(ranges.Length + 1);
        var next = 0;
        foreach (var (lo, hi) in ranges)
        {
            if (lo > max)
            {
                break;
            }

            if (lo > next)
            {
                result.Add((next, lo - 1));
            }

            next = Math.Max(next, hi + 1);
        }

        if (next <= max)
        {
            result.Add((next, max));
        }

        return [.. result];
    }

    /// <summary>The part of normalized <paramref name="ranges"/> within [lo, hi].</summary>
    public static (int Lo, int Hi)[] Clip(ReadOnlySpan<(int Lo, int Hi)> ranges, int lo, int hi)
    {
        var result = new List<(int Lo, int Hi)>();
        foreach (var r in ranges)
        {
            var a = Math.Max(r.Lo, lo);
            var b = Math.Min(r.Hi, hi);
            if (a <= b)
            {
                result.Add((a, b));
            }
        }

        return [.. result];
    }

    /// <summary>
    /// The supplementary-plane code points (U+10000..U+10FFFF) of the set, exactly: the ranges there, the categories'
    /// members there, negated if the set is. Normalized.
    /// </summary>
    public (int Lo, int Hi)[] AstralRanges()
    {
        var explicitPart = Clip(Ranges, 0x10000, MaxCodePoint);
        var positive = Categories == 0 ? explicitPart : Normalize(explicitPart.Concat(UnicodeCategories.AstralRanges(Categories)));
        if (!Negated)
        {
            return positive;
        }

        var complement = new List<(int Lo, int Hi)>();
        var next = 0x10000;
        foreach (var (lo, hi) in positive)
        {
            if (lo > next)
            {
                complement.Add((next, lo - 1));
            }

            next = hi + 1;
        }

        if (next <= MaxCodePoint)
        {
            complement.Add((next, MaxCodePoint));
        }

        return [.. complement];
    }
}

/// <summary>Unicode general categories: their names in ECMA-262 and .NET, and their members beyond the BMP.</summary>
internal static class UnicodeCategories
{
    // Indexed by UnicodeCategory: the two-letter names .NET classes accept in \p{..}.
    private static readonly string[] DotNetNames =
    [
        "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co",
        "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Cn",
    ];

    private static readonly Dictionary<string, uint> GeneralCategoryValues = BuildValues();

    private static readonly Lazy<(int Lo, int Hi)[][]> Astral = new(ComputeAstral);

    // Unions of categories already computed (\p{L} is the union of five); bounded, since masks are chosen by patterns.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<uint, (int Lo, int Hi)[]> AstralUnions = new();
    private const int MaxCachedUnions = 256;

    /// <summary>The .NET name of one category bit.</summary>
    public static string DotNetName(int category) => DotNetNames[category];

    /// <summary>
    /// Resolves the body of <c>\p{…}</c> (a General_Category value, <c>gc=</c>/<c>General_Category=</c> form, or one of the
    /// binary properties <c>Any</c>, <c>ASCII</c>, <c>Assigned</c>, <c>ASCII_Hex_Digit</c>) to ranges and categories.
    /// </summary>
    public static bool TryResolve(string name, out (int Lo, int Hi)[] ranges, out uint categories)
    {
        ranges = [];
        categories = 0;
        var eq = name.IndexOf('=', StringComparison.Ordinal);
        if (eq >= 0)
        {
            var property = name[..eq];
            return property is "General_Category" or "gc" && GeneralCategoryValues.TryGetValue(name[(eq + 1)..], out categories);
        }

        if (GeneralCategoryValues.TryGetValue(name, out categories))
        {
            return true;
        }

        switch (name)
        {
            case "Any":
                ranges = [(0, CharSet.MaxCodePoint)];
                return true;
            case "ASCII":
                ranges = [(0, 0x7F)];
                return true;
            case "Assigned":
                categories = CharSet.AllCategories & ~Bit(UnicodeCategory.OtherNotAssigned);
                return true;
            case "ASCII_Hex_Digit" or "AHex":
                ranges = [('0', '9'), ('A', 'F'), ('a', 'f')];
                return true;
            default:
                return false;
        }
    }

    /// <summary>The supplementary-plane members of the categories in <paramref name="mask"/>, normalized.</summary>
    public static (int Lo, int Hi)[] AstralRanges(uint mask)
    {
        if (AstralUnions.TryGetValue(mask, out var cached))
        {
            return cached;
        }

        var union = ComputeUnion(mask);
        if (AstralUnions.Count < MaxCachedUnions)
        {
            AstralUnions.TryAdd(mask, union);
        }

        return union;
    }

    private static (int Lo, int Hi)[] ComputeUnion(uint mask)
    {
        var table = Astral.Value;
        var parts = new List<(int Lo, int Hi)>();
        for (var c = 0; c < table.Length; c++)
        {
            if ((mask & (1u << c)) != 0)
            {
                parts.AddRange(table[c]);
            }
        }

        return CharSet.Normalize(parts);
    }

    private static uint Bit(UnicodeCategory c) => 1u << (int)c;

    private static (int Lo, int Hi)[][] ComputeAstral()
    {
        var lists = new List<(int Lo, int Hi)>[DotNetNames.Length];
        for (var i = 0; i < lists.Length; i++)
        {
            lists[i] = [];
        }

        var start = 0x10000;
        var current = CharUnicodeInfo.GetUnicodeCategory(start);
        for (var cp = 0x10001; cp <= CharSet.MaxCodePoint + 1; cp++)
        {
            var category = cp <= CharSet.MaxCodePoint ? CharUnicodeInfo.GetUnicodeCategory(cp) : (UnicodeCategory)(-1);
            if (category != current)
            {
                lists[(int)current].Add((start, cp - 1));
                start = cp;
                current = category;
            }
        }

        var result = new (int Lo, int Hi)[lists.Length][];
        for (var i = 0; i < lists.Length; i++)
        {
            result[i] = [.. lists[i]];
        }

        return result;
    }

    private static Dictionary<string, uint> BuildValues()
    {
        uint Of(params UnicodeCategory[] categories)
        {
            uint mask = 0;
            foreach (var c in categories)
            {
                mask |= Bit(c);
            }

            return mask;
        }

        var letter = Of(UnicodeCategory.UppercaseLetter, UnicodeCategory.LowercaseLetter, UnicodeCategory.TitlecaseLetter,
            UnicodeCategory.ModifierLetter, UnicodeCategory.OtherLetter);
        var cased = Of(UnicodeCategory.UppercaseLetter, UnicodeCategory.LowercaseLetter, UnicodeCategory.TitlecaseLetter);
        var mark = Of(UnicodeCategory.NonSpacingMark, UnicodeCategory.SpacingCombiningMark, UnicodeCategory.EnclosingMark);
        var number = Of(UnicodeCategory.DecimalDigitNumber, UnicodeCategory.LetterNumber, UnicodeCategory.OtherNumber);
        var punctuation = Of(UnicodeCategory.ConnectorPunctuation, UnicodeCategory.DashPunctuation, UnicodeCategory.OpenPunctuation,
            UnicodeCategory.ClosePunctuation, UnicodeCategory.InitialQuotePunctuation, UnicodeCategory.FinalQuotePunctuation,
            UnicodeCategory.OtherPunctuation);
        var symbol = Of(UnicodeCategory.MathSymbol, UnicodeCategory.CurrencySymbol, UnicodeCategory.ModifierSymbol, UnicodeCategory.OtherSymbol);
        var separator = Of(UnicodeCategory.SpaceSeparator, UnicodeCategory.LineSeparator, UnicodeCategory.ParagraphSeparator);
        var other = Of(UnicodeCategory.Control, UnicodeCategory.Format, UnicodeCategory.Surrogate, UnicodeCategory.PrivateUse,
            UnicodeCategory.OtherNotAssigned);

        // ECMA-262, table "Value aliases and canonical values for General_Category" (from Unicode's PropertyValueAliases.txt).
        return new Dictionary<string, uint>(StringComparer.Ordinal)
        {
            ["L"] = letter,
            ["Letter"] = letter,
            ["LC"] = cased,
            ["Cased_Letter"] = cased,
            ["Lu"] = Bit(UnicodeCategory.UppercaseLetter),
            ["Uppercase_Letter"] = Bit(UnicodeCategory.UppercaseLetter),
            ["Ll"] = Bit(UnicodeCategory.LowercaseLetter),
            ["Lowercase_Letter"] = Bit(UnicodeCategory.LowercaseLetter),
            ["Lt"] = Bit(UnicodeCategory.TitlecaseLetter),
            ["Titlecase_Letter"] = Bit(UnicodeCategory.TitlecaseLetter),
            ["Lm"] = Bit(UnicodeCategory.ModifierLetter),
            ["Modifier_Letter"] = Bit(UnicodeCategory.ModifierLetter),
            ["Lo"] = Bit(UnicodeCategory.OtherLetter),
            ["Other_Letter"] = Bit(UnicodeCategory.OtherLetter),
            ["M"] = mark,
            ["Mark"] = mark,
            ["Combining_Mark"] = mark,
            ["Mn"] = Bit(UnicodeCategory.NonSpacingMark),
            ["Nonspacing_Mark"] = Bit(UnicodeCategory.NonSpacingMark),
            ["Mc"] = Bit(UnicodeCategory.SpacingCombiningMark),
            ["Spacing_Mark"] = Bit(UnicodeCategory.SpacingCombiningMark),
            ["Me"] = Bit(UnicodeCategory.EnclosingMark),
            ["Enclosing_Mark"] = Bit(UnicodeCategory.EnclosingMark),
            ["N"] = number,
            ["Number"] = number,
            ["Nd"] = Bit(UnicodeCategory.DecimalDigitNumber),
            ["Decimal_Number"] = Bit(UnicodeCategory.DecimalDigitNumber),
            ["digit"] = Bit(UnicodeCategory.DecimalDigitNumber),
            ["Nl"] = Bit(UnicodeCategory.LetterNumber),
            ["Letter_Number"] = Bit(UnicodeCategory.LetterNumber),
            ["No"] = Bit(UnicodeCategory.OtherNumber),
            ["Other_Number"] = Bit(UnicodeCategory.OtherNumber),
            ["P"] = punctuation,
            ["Punctuation"] = punctuation,
            ["punct"] = punctuation,
            ["Pc"] = Bit(UnicodeCategory.ConnectorPunctuation),
            ["Connector_Punctuation"] = Bit(UnicodeCategory.ConnectorPunctuation),
            ["Pd"] = Bit(UnicodeCategory.DashPunctuation),
            ["Dash_Punctuation"] = Bit(UnicodeCategory.DashPunctuation),
            ["Ps"] = Bit(UnicodeCategory.OpenPunctuation),
            ["Open_Punctuation"] = Bit(UnicodeCategory.OpenPunctuation),
            ["Pe"] = Bit(UnicodeCategory.ClosePunctuation),
            ["Close_Punctuation"] = Bit(UnicodeCategory.ClosePunctuation),
            ["Pi"] = Bit(UnicodeCategory.InitialQuotePunctuation),
            ["Initial_Punctuation"] = Bit(UnicodeCategory.InitialQuotePunctuation),
            ["Pf"] = Bit(UnicodeCategory.FinalQuotePunctuation),
            ["Final_Punctuation"] = Bit(UnicodeCategory.FinalQuotePunctuation),
            ["Po"] = Bit(UnicodeCategory.OtherPunctuation),
            ["Other_Punctuation"] = Bit(UnicodeCategory.OtherPunctuation),
            ["S"] = symbol,
            ["Symbol"] = symbol,
            ["Sm"] = Bit(UnicodeCategory.MathSymbol),
            ["Math_Symbol"] = Bit(UnicodeCategory.MathSymbol),
            ["Sc"] = Bit(UnicodeCategory.CurrencySymbol),
            ["Currency_Symbol"] = Bit(UnicodeCategory.CurrencySymbol),
            ["Sk"] = Bit(UnicodeCategory.ModifierSymbol),
            ["Modifier_Symbol"] = Bit(UnicodeCategory.ModifierSymbol),
            ["So"] = Bit(UnicodeCategory.OtherSymbol),
            ["Other_Symbol"] = Bit(UnicodeCategory.OtherSymbol),
            ["Z"] = separator,
            ["Separator"] = separator,
            ["Zs"] = Bit(UnicodeCategory.SpaceSeparator),
            ["Space_Separator"] = Bit(UnicodeCategory.SpaceSeparator),
            ["Zl"] = Bit(UnicodeCategory.LineSeparator),
            ["Line_Separator"] = Bit(UnicodeCategory.LineSeparator),
            ["Zp"] = Bit(UnicodeCategory.ParagraphSeparator),
            ["Paragraph_Separator"] = Bit(UnicodeCategory.ParagraphSeparator),
            ["C"] = other,
            ["Other"] = other,
            ["Cc"] = Bit(UnicodeCategory.Control),
            ["Control"] = Bit(UnicodeCategory.Control),
            ["cntrl"] = Bit(UnicodeCategory.Control),
            ["Cf"] = Bit(UnicodeCategory.Format),
            ["Format"] = Bit(UnicodeCategory.Format),
            ["Cs"] = Bit(UnicodeCategory.Surrogate),
            ["Surrogate"] = Bit(UnicodeCategory.Surrogate),
            ["Co"] = Bit(UnicodeCategory.PrivateUse),
            ["Private_Use"] = Bit(UnicodeCategory.PrivateUse),
            ["Cn"] = Bit(UnicodeCategory.OtherNotAssigned),
            ["Unassigned"] = Bit(UnicodeCategory.OtherNotAssigned),
        };
    }
}
