using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// Evaluates <c>pattern</c> and <c>patternProperties</c> regular expressions (unanchored, as JSON Schema says) with the
/// meaning, bounds and match time-outs validation gives them (<see cref="EcmaPattern"/>, default
/// <see cref="SchemaLimits"/>), sharing validation's compiled automata. Each pattern is looked up once per comparison.
/// Returns null when a pattern cannot be evaluated (invalid, over a bound, or timed out), and callers treat that as
/// "unknown", never as a proof. Time spent matching is charged to the request's regex budget, so many values cannot
/// multiply the time-out.
/// </summary>
internal sealed class PatternMatcher(WorkBudget budget)
{
    private readonly Dictionary<string, EcmaPattern?> _compiled = new(StringComparer.Ordinal);

    public bool? IsMatch(string pattern, string input)
    {
        if (!_compiled.TryGetValue(pattern, out var compiled))
        {
            compiled = EcmaPattern.TryCreate(pattern, SchemaLimits.Default, out var created, out _) ? created : null;
            _compiled[pattern] = compiled;
        }

        if (compiled is null)
        {
            return null;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var matched = compiled.IsMatch(input, out var timedOut);
            return timedOut ? null : matched;
        }
        finally
        {
            budget.ChargeRegex(System.Diagnostics.Stopwatch.GetTimestamp() - started, WorkOperations.Compare);
        }
    }

    /// <summary>
    /// True when no property name can match both patterns: both are anchored literal prefixes (<c>^x-</c>,
    /// <c>^abc</c>) and neither prefix starts the other. Anything else may overlap.
    /// </summary>
    public static bool AreDisjoint(string a, string b)
    {
        var x = LiteralPrefix(a);
        var y = LiteralPrefix(b);
        return x is not null && y is not null && !x.StartsWith(y, StringComparison.Ordinal) && !y.StartsWith(x, StringComparison.Ordinal);
    }

    /// <summary>The literal after <c>^</c> up to the first metacharacter, when non-empty; a trailing quantifier shortens it by one.</summary>
    private static string? LiteralPrefix(string pattern)
    {
        if (pattern.Length < 2 || pattern[0] != '^')
        {
            return null;
        }

        var end = 1;
        while (end < pattern.Length && !IsMeta(pattern[end]))
        {
            end++;
        }

        // "^ab?" or "^ab*": the quantifier applies to the last literal character, which is then optional.
        if (end < pattern.Length && pattern[end] is '?' or '*' or '{')
        {
            end--;
        }

        return end > 1 ? pattern[1..end] : null;
    }

    private static bool IsMeta(char c) => c is '\\' or '.' or '*' or '+' or '?' or '(' or ')' or '[' or ']' or '{' or '}' or '|' or '^' or '$';
}
