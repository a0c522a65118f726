namespace Registry.Schemas.Profiles.Lint;

/// <summary>Regular-expression features of an ECMA-262 pattern that some providers cannot compile into a grammar.</summary>
[Flags]
internal enum PatternFeatures
{
    None = 0,
    Backreference = 1,
    Lookaround = 2,
    WordBoundary = 4,
    LargeRepetition = 8,
}

/// <summary>Finds provider-relevant features in a pattern with one linear scan (no regex engine involved).</summary>
internal static class PatternScanner
{
    public static PatternFeatures Scan(string pattern, int largeRepetition, out long largestRepetition)
    {
        var features = PatternFeatures.None;
        largestRepetition = 0;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                if (!inClass)
                {
                    if (next is >= '1' and <= '9' || (next == 'k' && i + 2 < pattern.Length && pattern[i + 2] == '<'))
                    {
                        features |= PatternFeatures.Backreference;
                    }
                    else if (next is 'b' or 'B')
                    {
                        features |= PatternFeatures.WordBoundary;
                    }
                }

                i++;
                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }

                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    break;
                case '(' when i + 2 < pattern.Length && pattern[i + 1] == '?':
                    var kind = pattern[i + 2];
                    if (kind is '=' or '!' || (kind == '<' && i + 3 < pattern.Length && pattern[i + 3] is '=' or '!'))
                    {
                        features |= PatternFeatures.Lookaround;
                    }

                    break;
                case '{':
                    var end = pattern.IndexOf('}', i + 1);
                    if (end > i && TryReadRepetition(pattern.AsSpan(i + 1, end - i - 1), out var largest))
                    {
                        largestRepetition = Math.Max(largestRepetition, largest);
                        if (largest > largeRepetition)
                        {
                            features |= PatternFeatures.LargeRepetition;
                        }

                        i = end;
                    }

                    break;
            }
        }

        return features;
    }

    /// <summary>Reads <c>n</c>, <c>n,</c> or <c>n,m</c> and returns the larger bound.</summary>
    private static bool TryReadRepetition(ReadOnlySpan<char> body, out long largest)
    {
        largest = 0;
        var comma = body.IndexOf(',');
        var first = comma < 0 ? body : body[..comma];
        var second = comma < 0 ? [] : body[(comma + 1)..];
        if (first.IsEmpty || !AllDigits(first) || !AllDigits(second))
        {
            return false;
        }

        largest = Parse(first);
        if (!second.IsEmpty)
        {
            largest = Math.Max(largest, Parse(second));
        }

        return true;
    }

    private static bool AllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static long Parse(ReadOnlySpan<char> digits)
    {
        long value = 0;
        foreach (var c in digits)
        {
            value = Math.Min(value * 10 + (c - '0'), int.MaxValue);
        }

        return value;
    }

    public static string Describe(PatternFeatures features)
    {
        var parts = new List<string>(4);
        if ((features & PatternFeatures.Backreference) != 0)
        {
            parts.Add("a backreference");
        }

        if ((features & PatternFeatures.Lookaround) != 0)
        {
            parts.Add("a look-around");
        }

        if ((features & PatternFeatures.WordBoundary) != 0)
        {
            parts.Add("a word boundary (\\b or \\B)");
        }

        if ((features & PatternFeatures.LargeRepetition) != 0)
        {
            parts.Add("a large {n,m} repetition");
        }

        return string.Join(", ", parts);
    }
}
