using System.Text.RegularExpressions;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// Evaluates <c>pattern</c> and <c>patternProperties</c> regular expressions (unanchored, as JSON Schema says).
/// Each pattern is compiled once per comparison, with the non-backtracking engine when it supports the pattern and
/// a match time-out otherwise, so a hostile pattern cannot hang the checker. Returns null when a pattern cannot be
/// evaluated (invalid, or timed out), and callers treat that as "unknown", never as a proof. Time spent matching is
/// charged to the request's regex budget, so many values cannot multiply the time-out.
/// </summary>
internal sealed class PatternMatcher(WorkBudget budget)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<string, Regex?> _compiled = new(StringComparer.Ordinal);

    public bool? IsMatch(string pattern, string input)
    {
        var regex = Get(pattern);
        if (regex is null)
        {
            return null;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
        finally
        {
            budget.ChargeRegex(System.Diagnostics.Stopwatch.GetTimestamp() - started, WorkOperations.Compare);
        }
    }

    private Regex? Get(string pattern)
    {
        if (_compiled.TryGetValue(pattern, out var regex))
        {
            return regex;
        }

        regex = Create(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)
                ?? Create(pattern, RegexOptions.CultureInvariant);
        _compiled[pattern] = regex;
        return regex;
    }

    private static Regex? Create(string pattern, RegexOptions options)
    {
        try
        {
            return new Regex(pattern, options, Timeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
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
