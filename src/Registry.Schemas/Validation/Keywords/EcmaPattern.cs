using System.Text.RegularExpressions;
using Registry.Schemas.Validation.Patterns;

namespace Registry.Schemas.Validation.Keywords;

/// <summary>Why a pattern could not be compiled: a syntax error, or a bound it exceeds.</summary>
/// <param name="OverLimit">True when the pattern is valid but exceeds a limit of <see cref="SchemaLimits"/>.</param>
/// <param name="Reason">What is wrong, in plain words.</param>
internal readonly record struct PatternError(bool OverLimit, string Reason)
{
    /// <summary>The sentence for a compilation error, naming the pattern (shortened when long).</summary>
    public string Describe(string source) => OverLimit
        ? $"the pattern {Quote(source)} is too costly to compile: {Reason}"
        : $"the pattern {Quote(source)} is not a valid ECMA-262 regular expression: {Reason}";

    private static string Quote(string source) => source.Length <= 120
        ? $"'{source}'"
        : $"'{source.AsSpan(0, 100)}…' ({source.Length} characters)";
}

/// <summary>
/// An ECMA-262 regular expression compiled so that an untrusted pattern cannot hang the process or hold unbounded memory.
/// A pattern is read as JavaScript's <c>new RegExp(p, "u")</c> reads it when that accepts it (JSON Schema's dialect:
/// code points, <c>\p{…}</c>, <c>\u{…}</c>), otherwise as <c>new RegExp(p)</c> reads it (Annex B web-compatible syntax,
/// UTF-16 code units), and translated to .NET with the same meaning. It runs on the linear-time engine whenever the
/// pattern allows (no look-arounds, back-references or word boundaries, automaton small enough), otherwise on the
/// backtracking engine; each engine has a match time-out. Size and repetition bounds are checked before anything is
/// built, and the compiled automaton is owned by a byte-bounded cache shared by every schema (see <see cref="PatternCache"/>).
/// </summary>
internal sealed class EcmaPattern
{
    /// <summary>
    /// Above this many partial surrogate-pair classes (see <see cref="PatternTranslation.AstralClasses"/>), inputs with
    /// supplementary-plane characters get their own automaton, on the backtracking engine, built on first need.
    /// </summary>
    internal const int MaxLinearAstralClasses = 8;

    private readonly PatternAutomatonCache _cache;
    private readonly PatternKey _key;
    private readonly PatternKey? _astralKey;
    private readonly WeakReference<PatternAutomaton> _current;
    private WeakReference<PatternAutomaton>? _astral;

    private EcmaPattern(PatternAutomatonCache cache, PatternKey key, PatternKey? astralKey, PatternAutomaton automaton, bool unicode)
    {
        _cache = cache;
        _key = key;
        _astralKey = astralKey;
        _current = new WeakReference<PatternAutomaton>(automaton);
        IsLinear = automaton.IsLinear;
        IsUnicode = unicode;
    }

    /// <summary>The ECMA-262 source.</summary>
    public string Source => _key.Source;

    /// <summary>True when the pattern runs on the non-backtracking (linear-time) engine (inputs with astral characters aside, see <see cref="MaxLinearAstralClasses"/>).</summary>
    public bool IsLinear { get; }

    /// <summary>True when the pattern is read with the <c>u</c> flag's meaning; false when only Annex B syntax accepts it.</summary>
    public bool IsUnicode { get; }

    /// <summary>The automaton this pattern matches inputs without surrogates with (shared with every schema using the same pattern).</summary>
    internal PatternAutomaton Automaton => Acquire(_current, _key);

    /// <summary>Parses, checks the bounds, translates and compiles (or finds the shared automaton); false with the reason.</summary>
    public static bool TryCreate(string source, SchemaLimits limits, out EcmaPattern? pattern, out PatternError? error) =>
        TryCreate(source, limits, PatternAutomatonCache.Shared, out pattern, out error);

    internal static bool TryCreate(string source, SchemaLimits limits, PatternAutomatonCache cache, out EcmaPattern? pattern, out PatternError? error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        pattern = null;
        if (source.Length > limits.MaxPatternLength)
        {
            error = new PatternError(true, $"it is {source.Length} characters long, more than the limit of {limits.MaxPatternLength}");
            return false;
        }

        var bounds = new PatternBounds(limits.MaxPatternRepeat, limits.MaxPatternGroupRepeat, TranslatedLengthLimit(limits));
        if (!TryTranslate(source, PatternVariant.Whole, bounds, out var tree, out var translation, out error))
        {
            return false;
        }

        var key = new PatternKey(source, PatternVariant.Whole, limits.PatternMatchTimeout, limits.LinearPatternMatchTimeout, limits.MaxPatternAutomatonBytes, bounds);
        PatternKey? astralKey = null;
        if (translation!.AstralClasses > MaxLinearAstralClasses)
        {
            // Large astral classes would make the linear automaton slow to build and large: split by input.
            astralKey = key with { Variant = PatternVariant.AstralInput };
            key = key with { Variant = PatternVariant.BmpInput };
        }

        if (!cache.TryGet(key, out var automaton))
        {
            if (key.Variant != PatternVariant.Whole && !TryTranslate(source, key.Variant, bounds, out _, out translation, out error))
            {
                return false;
            }

            automaton = Build(key, translation!);
            if (automaton.Bytes > key.MaxBytes)
            {
                error = new PatternError(true, $"its automaton takes {automaton.Bytes} bytes, more than the limit of {key.MaxBytes} for one pattern");
                return false;
            }

            automaton = cache.Add(automaton);
        }

        pattern = new EcmaPattern(cache, key, astralKey, automaton, tree!.Unicode);
        return true;
    }

    /// <summary>
    /// The longest .NET pattern a translation may produce: classes over the supplementary planes (<c>\p{L}</c> in
    /// u-mode) expand to surrogate-pair alternations, so a short pattern can expand a lot.
    /// </summary>
    internal static int TranslatedLengthLimit(SchemaLimits limits) => (int)Math.Min(int.MaxValue / 2, Math.Max(1L << 20, 16L * limits.MaxPatternLength));

    /// <summary>True when <c>new RegExp(source, "u")</c> accepts the pattern (what <c>format: "regex"</c> asserts).</summary>
    public static bool IsUnicodePattern(string source) => EcmaRegexParser.TryParse(source, unicode: true, out _, out _);

    /// <summary>Parses (u-mode first, then Annex B) and translates within the bounds.</summary>
    internal static bool TryTranslate(
        string source, PatternVariant variant, PatternBounds bounds, out EcmaRegexTree? tree, out PatternTranslation? translation, out PatternError? error)
    {
        translation = null;
        if (!EcmaRegexParser.TryParse(source, unicode: true, out tree, out var unicodeError, out var tooDeep))
        {
            if (tooDeep)
            {
                error = new PatternError(true, unicodeError!);
                return false;
            }

            if (!EcmaRegexParser.TryParse(source, unicode: false, out tree, out var syntaxError, out tooDeep))
            {
                error = new PatternError(tooDeep, syntaxError!);
                return false;
            }
        }

        try
        {
            if (!DotNetRegexWriter.TryWrite(tree!, source, bounds, omitAstral: variant == PatternVariant.BmpInput, out translation, out var limitError))
            {
                error = new PatternError(true, limitError!);
                return false;
            }
        }
        catch (InsufficientExecutionStackException)
        {
            error = new PatternError(true, "it is nested too deeply");
            return false;
        }

        error = null;
        return true;
    }

    private static PatternAutomaton Build(PatternKey key, PatternTranslation translation)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Regex? regex = null;
        var linear = false;
        if (translation.FitsLinearEngine && key.Variant != PatternVariant.AstralInput)
        {
            try
            {
                regex = new Regex(translation.Pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, key.LinearTimeout);
                linear = true;
            }
            catch (NotSupportedException)
            {
                // The engine's own estimate disagreed with ours: the bounded backtracking engine takes it.
            }
        }

        regex ??= new Regex(translation.Pattern, RegexOptions.CultureInvariant, key.BacktrackingTimeout);
        return new PatternAutomaton(key, regex, linear, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>
    /// Matches anywhere in the input (patterns are not implicitly anchored). A time-out counts as no match. What the
    /// match allocates (new automaton states) is charged to the shared automaton.
    /// </summary>
    public bool IsMatch(ReadOnlySpan<char> input, out bool timedOut)
    {
        timedOut = false;
        var automaton = _astralKey is { } astralKey && input.ContainsAnyInRange('\uD800', '\uDFFF')
            ? Acquire(_astral ??= new WeakReference<PatternAutomaton>(null!), astralKey)
            : Acquire(_current, _key);
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            return automaton.Regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            timedOut = true;
            return false;
        }
        finally
        {
            var grown = GC.GetAllocatedBytesForCurrentThread() - before;
            if (grown > 0)
            {
                _cache.Charge(automaton, grown);
            }
        }
    }

    private PatternAutomaton Acquire(WeakReference<PatternAutomaton> current, PatternKey key)
    {
        if (current.TryGetTarget(out var automaton) && automaton is not null && !automaton.Retired)
        {
            return automaton;
        }

        // Let go of by the cache (or never built): another schema may have built it already; otherwise build it (same
        // source, same bounds, so the translation succeeds as it did at compilation).
        if (!_cache.TryGet(key, out automaton))
        {
            if (!TryTranslate(key.Source, key.Variant, key.Bounds, out _, out var translation, out _))
            {
                throw new InvalidOperationException("a pattern that compiled once no longer translates");
            }

            automaton = _cache.Add(Build(key, translation!));
        }

        current.SetTarget(automaton);
        return automaton;
    }
}
