// Over 500 lines on purpose: the translation of every node of a parsed ECMA-262 pattern into .NET syntax, with the cost bound
// of each beside it; split, the translation and the bounds that keep it safe would drift apart.
using System.Globalization;
using System.Text;

namespace Registry.Schemas.Validation.Patterns;

/// <summary>What a translation costs and needs, besides the .NET pattern itself.</summary>
internal sealed class PatternTranslation(string pattern, bool needsBacktracking, long singletons, bool hasAnchors, int astralClasses)
{
    /// <summary>The largest automaton .NET's linear engine accepts (its default <c>REGEX_NONBACKTRACKING_MAX_AUTOMATA_SIZE</c>).</summary>
    public const int DotNetNonBacktrackingLimit = 10_000;

    /// <summary>The pattern in .NET syntax, to compile with <see cref="System.Text.RegularExpressions.RegexOptions.CultureInvariant"/>.</summary>
    public string Pattern { get; } = pattern;

    /// <summary>Look-arounds, back-references or word boundaries: only the backtracking engine runs it.</summary>
    public bool NeedsBacktracking { get; } = needsBacktracking;

    /// <summary>
    /// The automaton size the linear engine estimates before building it (character positions after unfolding counted
    /// repetitions, times five when anchors are present), computed here the same way so that a pattern the engine would
    /// refuse is not handed to it: that refusal costs superlinear time in the pattern's size.
    /// </summary>
    public long NonBacktrackingSize { get; } = Saturate((hasAnchors ? 5 : 1) * Math.Min(singletons + 1, long.MaxValue / 8));

    /// <summary>True when the linear-time engine is expected to take the pattern.</summary>
    public bool FitsLinearEngine => !NeedsBacktracking && NonBacktrackingSize <= DotNetNonBacktrackingLimit;

    /// <summary>
    /// Surrogate-pair branches whose low surrogates are not the whole range: each adds character classes that the linear
    /// engine must split its alphabet by (<c>\p{L}</c> in u-mode has 36), which makes its automaton slow to build and
    /// large (about 20 MB for <c>\p{L}</c>).
    /// </summary>
    public int AstralClasses { get; } = astralClasses;

    private static long Saturate(long value) => value < 0 ? long.MaxValue : value;
}

/// <summary>The bounds a pattern must stay within to be compiled (from <see cref="SchemaLimits"/>).</summary>
internal readonly record struct PatternBounds(int MaxRepeat, int MaxGroupRepeat, int MaxTranslatedLength);

/// <summary>
/// Writes a parsed ECMA-262 pattern as an equivalent .NET pattern (for a match anywhere in the input, no flags), and
/// checks the repetition bounds on the way. Each construct is written so that .NET gives it JavaScript's meaning:
/// classes are computed exactly (negated shorthands inside classes, astral ranges as surrogate pairs in u-mode),
/// <c>$</c> is the end of input, <c>\b</c> uses JavaScript's ASCII word characters, a back-reference to a group that
/// did not take part matches the empty string, and a quantified look-ahead (Annex B) is the look-ahead once or not at all.
/// </summary>
internal sealed class DotNetRegexWriter
{
    private const string WordClass = "[0-9A-Z_a-z]";
    private const string Nothing = "[^\\s\\S]";

    private readonly StringBuilder _sb = new();
    private readonly EcmaRegexTree _tree;
    private readonly string _source;
    private readonly PatternBounds _bounds;
    private readonly bool _u;
    private readonly bool _omitAstral;
    private bool _anchors;
    private int _astralClasses;
    private string? _error;

    private DotNetRegexWriter(EcmaRegexTree tree, string source, PatternBounds bounds, bool omitAstral)
    {
        _tree = tree;
        _source = source;
        _bounds = bounds;
        _u = tree.Unicode;
        _omitAstral = omitAstral;
    }

    /// <summary>
    /// Translates; false with the bound that was exceeded, in plain words. With <paramref name="omitAstral"/> (u-mode)
    /// the supplementary-plane characters are left out: the result then has the same meaning only on inputs without
    /// surrogates, which is what most inputs are, and it is much cheaper for the linear engine when the pattern has
    /// large Unicode property classes.
    /// </summary>
    public static bool TryWrite(EcmaRegexTree tree, string source, PatternBounds bounds, bool omitAstral, out PatternTranslation? translation, out string? error)
    {
        var writer = new DotNetRegexWriter(tree, source, bounds, omitAstral);
        var cost = writer.Emit(tree.Root);
        if (writer._error is null && writer._sb.Length > bounds.MaxTranslatedLength)
        {
            writer._error = $"the pattern expands to {writer._sb.Length} characters for the matching engine, more than the limit of {bounds.MaxTranslatedLength}";
        }

        if (writer._error is not null)
        {
            translation = null;
            error = writer._error;
            return false;
        }

        translation = new PatternTranslation(writer._sb.ToString(), tree.UsesBacktrackingFeatures, cost.Singletons, writer._anchors, writer._astralClasses);
        error = null;
        return true;
    }

    /// <summary>
    /// Singletons: character positions the way .NET's linear engine counts them (after unfolding counts, one per
    /// emitted class or character). Positions: the same in the pattern's own characters (a class is one), for messages
    /// and the group-repetition bound.
    /// </summary>
    private readonly record struct Cost(long Singletons, long Positions)
    {
        public static Cost operator +(Cost a, Cost b) => new(Add(a.Singletons, b.Singletons), Add(a.Positions, b.Positions));

        public Cost Times(long n) => new(Multiply(Singletons, n), Multiply(Positions, n));

        public Cost Times(long singletons, long positions) => new(Multiply(Singletons, singletons), Multiply(Positions, positions));

        private static long Add(long a, long b) => Math.Min(a + b, long.MaxValue / 4);

        private static long Multiply(long a, long n) => a == 0 || n == 0 ? 0 : a > (long.MaxValue / 4) / n ? long.MaxValue / 4 : a * n;
    }

    private Cost Emit(RegexNode node)
    {
        if (_error is not null || _sb.Length > _bounds.MaxTranslatedLength)
        {
            return default;
        }

        switch (node)
        {
            case EmptyNode:
                return default;
            case CharNode c:
                return EmitChar(c.Value);
            case SetNode s:
                return EmitSet(s.Set);
            case SequenceNode seq:
            {
                Cost total = default;
                foreach (var item in seq.Items)
                {
                    total += Emit(item);
                }

                return total;
            }

            case AlternationNode alt:
            {
                Cost total = default;
                for (var b = 0; b < alt.Branches.Length; b++)
                {
                    if (b > 0)
                    {
                        _sb.Append('|');
                    }

                    total += Emit(alt.Branches[b]);
                }

                return total;
            }

            case GroupNode g:
            {
                _sb.Append(g.Capture > 0 ? "(" : "(?:");
                var cost = Emit(g.Body);
                _sb.Append(')');
                return cost;
            }

            case LookaroundNode l:
                _sb.Append(l.Behind ? (l.Negative ? "(?<!" : "(?<=") : (l.Negative ? "(?!" : "(?="));
                Emit(l.Body);
                _sb.Append(')');
                return default;
            case RepeatNode r:
                return EmitRepeat(r);
            case AnchorNode a:
                EmitAnchor(a.Kind);
                return default;
            case BackReferenceNode b:
            {
                // JavaScript: a reference to a group that has not matched matches the empty string; .NET would fail.
                var n = b.Group.ToString(CultureInfo.InvariantCulture);
                _sb.Append("(?(").Append(n).Append(")\\k<").Append(n).Append(">|)");
                return default;
            }

            default:
                throw new InvalidOperationException("unknown pattern node");
        }
    }

    private void EmitAnchor(AnchorKind kind)
    {
        _anchors = true;
        switch (kind)
        {
            case AnchorKind.Start:
                _sb.Append('^');
                break;
            case AnchorKind.End:
                _sb.Append("\\z");
                break;
            case AnchorKind.WordBoundary:
                _sb.Append("(?:(?<=" + WordClass + ")(?!" + WordClass + ")|(?<!" + WordClass + ")(?=" + WordClass + "))");
                break;
            default:
                _sb.Append("(?:(?<=" + WordClass + ")(?=" + WordClass + ")|(?<!" + WordClass + ")(?!" + WordClass + "))");
                break;
        }
    }

    private Cost EmitRepeat(RepeatNode r)
    {
        if (r.Body is LookaroundNode look)
        {
            // Annex B quantified look-ahead: JavaScript rejects an empty iteration once the minimum is reached, so the
            // assertion runs once (min >= 1) or never takes part (min == 0; kept only for its groups' numbering).
            if (r.Min > 0)
            {
                return Emit(look);
            }

            if (ContainsCapture(look))
            {
                _sb.Append("(?:(?!)");
                Emit(look);
                _sb.Append(")?");
            }

            return default;
        }

        var count = r.Max < 0 ? r.Min : r.Max;
        var single = IsSingleCharacter(r.Body);
        var start = _sb.Length;
        Cost body;
        if (r.Max < 0 && r.Min <= 1 && _u && !_tree.UsesBacktrackingFeatures && r.Body is SetNode { Set: var dot } && IsUnicodeDot(dot))
        {
            // u-mode ".*" and ".+" (not ".{2,}", which counts): unit by unit accepts the same strings (no construct of a
            // linear pattern can start on the second half of a surrogate pair, see the class emission), and the
            // automaton is much smaller.
            _sb.Append("[^\\n\\r\\u2028\\u2029]");
            body = new Cost(1, 1);
        }
        else
        {
            body = Emit(r.Body);
            if (!IsAtomic(r.Body))
            {
                _sb.Insert(start, "(?:").Append(')');
            }
        }

        if (_error is not null)
        {
            return default;
        }

        if (r.Braced)
        {
            var (least, most) = Length(r.Body);
            var unfolded = body.Times(Math.Max(1, count)).Positions;
            if (single && count > _bounds.MaxRepeat)
            {
                _error = $"'{Excerpt(r)}' repeats one character {count} times, more than the limit of {_bounds.MaxRepeat}";
                return default;
            }

            if (!single && least == most && unfolded > _bounds.MaxRepeat)
            {
                _error = $"'{Excerpt(r)}' repeats a group of {most} characters {count} times ({unfolded} in all), more than the limit of {_bounds.MaxRepeat}";
                return default;
            }

            // A group of bounded but variable length ((\.[0-9]{1,5}){0,3}) unfolds like a string of its longest length.
            if (!single && least != most && most != long.MaxValue && unfolded > _bounds.MaxRepeat)
            {
                _error = $"'{Excerpt(r)}' repeats a group of up to {body.Positions} characters or classes {count} times ({unfolded} in all), more than the limit of {_bounds.MaxRepeat}";
                return default;
            }

            // A group of unbounded length ((.*a){n}) repeated by a count is what makes the linear engine's automaton
            // large: after each character it must track every way the iterations so far may have split the input, and
            // a loop inside lets each iteration end anywhere.
            if (!single && most == long.MaxValue && unfolded > _bounds.MaxGroupRepeat)
            {
                _error = $"'{Excerpt(r)}' repeats a group of variable length ({body.Positions} characters or classes) {count} times ({unfolded} in all), more than the limit of {_bounds.MaxGroupRepeat}";
                return default;
            }
        }

        AppendQuantifier(r);

        // .NET's estimate: an unbounded loop counts its body once (or min + 1 times), a bounded one max times.
        // Positions (for the bounds and messages) count what the pattern spells out: a+ is one, a{3,} three.
        return r.Max < 0 ? body.Times(r.Min == 0 ? 1 : r.Min + 1L, Math.Max(1, r.Min)) : body.Times(r.Max);
    }

    private void AppendQuantifier(RepeatNode r)
    {
        var min = r.Min.ToString(CultureInfo.InvariantCulture);
        if (r.Max < 0)
        {
            _sb.Append(r.Min switch { 0 => "*", 1 => "+", _ => "{" + min + ",}" });
        }
        else if (r.Min == 0 && r.Max == 1)
        {
            _sb.Append('?');
        }
        else if (r.Min == r.Max)
        {
            _sb.Append('{').Append(min).Append('}');
        }
        else
        {
            _sb.Append('{').Append(min).Append(',').Append(r.Max.ToString(CultureInfo.InvariantCulture)).Append('}');
        }

        if (r.Lazy)
        {
            _sb.Append('?');
        }
    }

    /// <summary>The shortest and longest input a node can match (long.MaxValue when unbounded or unknown).</summary>
    private static (long Least, long Most) Length(RegexNode node)
    {
        const long Unbounded = long.MaxValue;
        switch (node)
        {
            case CharNode or SetNode:
                return (1, 1);
            case GroupNode g:
                return Length(g.Body);
            case SequenceNode s:
            {
                long least = 0, most = 0;
                foreach (var item in s.Items)
                {
                    var (l, m) = Length(item);
                    least = l > Unbounded - 1 - least ? Unbounded - 1 : least + l;
                    most = m == Unbounded || most == Unbounded ? Unbounded : m > Unbounded - 1 - most ? Unbounded - 1 : most + m;
                }

                return (least, most);
            }

            case AlternationNode a:
            {
                long least = Unbounded, most = 0;
                foreach (var branch in a.Branches)
                {
                    var (l, m) = Length(branch);
                    least = Math.Min(least, l);
                    most = Math.Max(most, m);
                }

                return (least, most);
            }

            case RepeatNode r:
            {
                var (l, m) = Length(r.Body);
                var least = r.Min == 0 || l == 0 ? 0 : l > (Unbounded - 1) / r.Min ? Unbounded - 1 : l * r.Min;
                long most;
                if (m == 0)
                {
                    most = 0;
                }
                else if (r.Max < 0 || m == Unbounded)
                {
                    most = Unbounded;
                }
                else
                {
                    most = m > (Unbounded - 1) / Math.Max(1, r.Max) ? Unbounded - 1 : m * r.Max;
                }

                return (least, most);
            }

            case BackReferenceNode:
                return (0, Unbounded);
            default:
                return (0, 0); // empty, anchors, look-arounds
        }
    }

    private static bool ContainsCapture(RegexNode node) => node switch
    {
        GroupNode g => g.Capture > 0 || ContainsCapture(g.Body),
        LookaroundNode l => ContainsCapture(l.Body),
        RepeatNode r => ContainsCapture(r.Body),
        SequenceNode s => s.Items.Any(ContainsCapture),
        AlternationNode a => a.Branches.Any(ContainsCapture),
        _ => false,
    };

    /// <summary>One character or class, possibly in groups: its repetition count is bounded by MaxRepeat alone.</summary>
    private static bool IsSingleCharacter(RegexNode node)
    {
        while (node is GroupNode g)
        {
            node = g.Body;
        }

        return node is CharNode or SetNode;
    }

    /// <summary>
    /// True when the node is written as one .NET atom that a quantifier applies to whole: a group, a look-around, a
    /// class, a unit, or a non-capturing group (a surrogate pair, a class with astral branches).
    /// </summary>
    private static bool IsAtomic(RegexNode node) => node is GroupNode or LookaroundNode or CharNode or SetNode;

    private static bool IsUnicodeDot(CharSet set) =>
        set.Negated && set.Categories == 0 && set.Ranges.AsSpan().SequenceEqual(CharSet.LineTerminators);

    private string Excerpt(RepeatNode r)
    {
        var text = _source[r.Start..r.End];
        return text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 28), "…", text.AsSpan(text.Length - 28));
    }

    // ---- Characters and classes ---------------------------------------------------------------------------------

    private Cost EmitChar(int value)
    {
        if (value > 0xFFFF && _omitAstral)
        {
            _sb.Append(Nothing);
            return new Cost(1, 1);
        }

        if (value > 0xFFFF)
        {
            var pair = char.ConvertFromUtf32(value);
            _sb.Append("(?:");
            AppendUnit(pair[0]);
            AppendUnit(pair[1]);
            _sb.Append(')');
            return new Cost(2, 1);
        }

        if (_u && value is >= 0xD800 and <= 0xDFFF)
        {
            // u-mode: a lone surrogate code point never matches a well-formed string (see EmitSet).
            _sb.Append(Nothing);
            return new Cost(1, 1);
        }

        AppendUnit(value);
        return new Cost(1, 1);
    }

    /// <summary>
    /// A set as one .NET class for the BMP, plus (u-mode) surrogate pairs for the supplementary planes. In u-mode a
    /// class never matches a surrogate code unit on its own: strings are well-formed UTF-16 here (JSON text decoded
    /// from UTF-8), so such a unit is always half of a pair, which u-mode reads as one code point.
    /// </summary>
    private Cost EmitSet(CharSet set)
    {
        if (!_u)
        {
            AppendClass(set.Ranges, 0, set.Negated, excludeSurrogates: false);
            return new Cost(1, 1);
        }

        var bmp = WithoutSurrogates(CharSet.Clip(set.Ranges, 0, 0xFFFF));
        var categories = set.Categories & ~(1u << (int)UnicodeCategory.Surrogate);
        var hasBmp = set.Negated || bmp.Length > 0 || categories != 0;
        List<((int Lo, int Hi)[] Highs, (int Lo, int Hi)[] Lows)> branches = _omitAstral ? [] : AstralBranches(set.AstralRanges());
        foreach (var branch in branches)
        {
            if (branch.Lows is not [(0xDC00, 0xDFFF)])
            {
                _astralClasses++;
            }
        }

        if (!hasBmp && branches.Count == 0)
        {
            _sb.Append(Nothing);
            return new Cost(1, 1);
        }

        if (branches.Count == 0)
        {
            AppendClass(bmp, categories, set.Negated, excludeSurrogates: true);
            return new Cost(1, 1);
        }

        _sb.Append("(?:");
        if (hasBmp)
        {
            AppendClass(bmp, categories, set.Negated, excludeSurrogates: true);
            _sb.Append('|');
        }

        for (var b = 0; b < branches.Count; b++)
        {
            if (b > 0)
            {
                _sb.Append('|');
            }

            AppendClass(branches[b].Highs, 0, negated: false, excludeSurrogates: false);
            AppendClass(branches[b].Lows, 0, negated: false, excludeSurrogates: false);
        }

        _sb.Append(')');
        return new Cost((hasBmp ? 1 : 0) + (2L * branches.Count), 1);
    }

    private static (int Lo, int Hi)[] WithoutSurrogates((int Lo, int Hi)[] ranges)
    {
        var result = new List<(int Lo, int Hi)>(ranges.Length + 1);
        foreach (var (lo, hi) in ranges)
        {
            if (lo < 0xD800)
            {
                result.Add((lo, Math.Min(hi, 0xD7FF)));
            }

            if (hi > 0xDFFF)
            {
                result.Add((Math.Max(lo, 0xE000), hi));
            }
        }

        return [.. result];
    }

    private void AppendClass((int Lo, int Hi)[] ranges, uint categories, bool negated, bool excludeSurrogates)
    {
        if (!negated && ranges.Length == 0 && categories == 0)
        {
            _sb.Append(Nothing);
            return;
        }

        if (negated && ranges.Length == 0 && categories == 0 && !excludeSurrogates)
        {
            _sb.Append("[\\s\\S]");
            return;
        }

        if (!negated && categories == 0 && ranges.Length == 1 && ranges[0].Lo == ranges[0].Hi)
        {
            AppendUnit(ranges[0].Lo);
            return;
        }

        // Invariant (u-mode): a positive class's ranges hold no surrogates (EmitSet removed them); a negated one excludes
        // them explicitly below.
        _sb.Append(negated ? "[^" : "[");
        foreach (var (lo, hi) in ranges)
        {
            AppendRange(lo, hi);
        }

        for (var c = 0; c < 30; c++)
        {
            if ((categories & (1u << c)) != 0)
            {
                _sb.Append("\\p{").Append(UnicodeCategories.DotNetName(c)).Append('}');
            }
        }

        if (excludeSurrogates && negated)
        {
            _sb.Append("\\uD800-\\uDFFF");
        }

        _sb.Append(']');
    }

    private void AppendRange(int lo, int hi)
    {
        AppendUnit(lo);
        if (hi > lo)
        {
            if (hi > lo + 1)
            {
                _sb.Append('-');
            }

            AppendUnit(hi);
        }
    }

    private void AppendUnit(int unit)
    {
        if (char.IsAsciiLetterOrDigit((char)unit) && unit < 0x80)
        {
            _sb.Append((char)unit);
        }
        else
        {
            _sb.Append("\\u").Append(unit.ToString("X4", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Supplementary-plane ranges as (high surrogates, low surrogates) class pairs: ranges are cut at high-surrogate
    /// boundaries, and high surrogates that take the same low ranges share one branch.
    /// </summary>
    private static List<((int Lo, int Hi)[] Highs, (int Lo, int Hi)[] Lows)> AstralBranches((int Lo, int Hi)[] astral)
    {
        var lowsByHigh = new SortedDictionary<int, List<(int Lo, int Hi)>>();
        var fullHighs = new List<(int Lo, int Hi)>();
        foreach (var (lo, hi) in astral)
        {
            var (h1, l1) = Split(lo);
            var (h2, l2) = Split(hi);
            if (h1 == h2)
            {
                LowsOf(h1).Add((l1, l2));
                continue;
            }

            LowsOf(h1).Add((l1, 0xDFFF));
            if (h2 > h1 + 1)
            {
                fullHighs.Add((h1 + 1, h2 - 1));
            }

            LowsOf(h2).Add((0xDC00, l2));
        }

        var groups = new Dictionary<string, (List<(int Lo, int Hi)> Highs, (int Lo, int Hi)[] Lows)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (high, lows) in lowsByHigh)
        {
            var normalized = CharSet.Normalize(lows);
            AddHighs(normalized, [(high, high)]);
        }

        if (fullHighs.Count > 0)
        {
            AddHighs([(0xDC00, 0xDFFF)], fullHighs);
        }

        var result = new List<((int Lo, int Hi)[] Highs, (int Lo, int Hi)[] Lows)>(order.Count);
        foreach (var key in order)
        {
            result.Add((CharSet.Normalize(groups[key].Highs), groups[key].Lows));
        }

        return result;

        List<(int Lo, int Hi)> LowsOf(int high)
        {
            if (!lowsByHigh.TryGetValue(high, out var list))
            {
                lowsByHigh[high] = list = [];
            }

            return list;
        }

        void AddHighs((int Lo, int Hi)[] lows, List<(int Lo, int Hi)> highs)
        {
            var key = string.Join(',', lows);
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = ([], lows);
                order.Add(key);
            }

            group.Highs.AddRange(highs);
        }

        static (int High, int Low) Split(int cp) => (0xD800 + ((cp - 0x10000) >> 10), 0xDC00 + ((cp - 0x10000) & 0x3FF));
    }
}
