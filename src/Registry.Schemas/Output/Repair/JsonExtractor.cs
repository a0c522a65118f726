namespace Registry.Schemas.Output.Repair;

/// <summary>One place in a model's text that holds (or tried to hold) a JSON value.</summary>
internal sealed record Candidate(ExtractionSource Source, string? Language, ParsedValue Parsed);

/// <summary>
/// Finds the JSON values in a model's text, in the order a reader would take them for the answer: the whole text when
/// it is one value; else the contents of code fences (those tagged json, jsonc, json5 or untagged first, then other
/// languages); then objects and arrays in the prose, left to right. Work is bounded by the budget and by the number of
/// candidates and parse attempts.
/// </summary>
internal static class JsonExtractor
{
    /// <summary>Most parse attempts from brackets in prose (each failure is charged to the budget as well).</summary>
    internal const int MaxAttempts = 256;

    public static List<Candidate> Find(ReadOnlySpan<byte> text, bool extract, int maxDepth, int maxCandidates, RepairBudget budget)
    {
        var candidates = new List<Candidate>();
        Candidate? fallback = null;
        var start = text.StartsWith("\uFEFF"u8) ? 3 : 0;
        var first = SkipWhitespace(text, start, text.Length);
        if (first < text.Length)
        {
            var whole = LenientJsonParser.Parse(text, first, text.Length, maxDepth, budget);
            budget.Charge(Math.Max(1, whole.End - first));
            if (whole.Status == ParseStatus.LimitExceeded)
            {
                candidates.Add(new Candidate(ExtractionSource.Whole, null, whole));
                return candidates;
            }

            var rest = whole.Status == ParseStatus.Complete ? SkipWhitespace(text, whole.End, text.Length) : text.Length;
            if ((whole.Status is ParseStatus.Complete or ParseStatus.Truncated && rest == text.Length) || !extract)
            {
                candidates.Add(new Candidate(ExtractionSource.Whole, null, whole.Status == ParseStatus.Complete && rest != text.Length
                    ? TrailingText(whole, rest)
                    : whole));
                return candidates;
            }

            if (whole.Status == ParseStatus.Malformed && text[first] is (byte)'{' or (byte)'[')
            {
                // The text is meant to be JSON: if nothing better turns up, explain why it is not.
                fallback = new Candidate(ExtractionSource.Whole, null, whole);
            }
        }

        if (!extract || budget.Exhausted)
        {
            return WithFallback(candidates, fallback);
        }

        var fences = Fences(text);
        var later = new List<Candidate>();
        foreach (var fence in fences)
        {
            var contentStart = SkipWhitespace(text, fence.ContentStart, fence.ContentEnd);
            if (contentStart >= fence.ContentEnd || candidates.Count + later.Count >= maxCandidates || budget.Exhausted)
            {
                continue;
            }

            var parsed = LenientJsonParser.Parse(text, contentStart, fence.ContentEnd, maxDepth, budget);
            budget.Charge(Math.Max(1, fence.ContentEnd - contentStart));
            if (parsed.Status == ParseStatus.Truncated && fence.Closed)
            {
                // The fence closed before the value did: the value is unfinished, not cut off by the end of the output.
                parsed = Unclosed(parsed, fence.ContentEnd);
            }

            var candidate = new Candidate(ExtractionSource.Fence, fence.Language, parsed);
            (IsJsonLanguage(fence.Language) ? candidates : later).Add(candidate);
        }

        candidates.AddRange(later);

        // Objects and arrays in the prose, outside the fences.
        var attempts = 0;
        var pos = start;
        var fenceIndex = 0;
        while (pos < text.Length && candidates.Count < maxCandidates && attempts < MaxAttempts && !budget.Exhausted)
        {
            while (fenceIndex < fences.Count && fences[fenceIndex].End <= pos)
            {
                fenceIndex++;
            }

            var limit = fenceIndex < fences.Count ? fences[fenceIndex].Start : text.Length;
            if (pos >= limit)
            {
                pos = fences[fenceIndex].End;
                continue;
            }

            var at = text[pos..limit].IndexOfAny((byte)'{', (byte)'[');
            if (at < 0)
            {
                pos = limit;
                continue;
            }

            pos += at;
            attempts++;
            var parsed = LenientJsonParser.Parse(text, pos, limit, maxDepth, budget);
            var consumed = parsed.Status == ParseStatus.Malformed ? parsed.ErrorOffset - pos : parsed.End - pos;
            budget.Charge(Math.Max(1, consumed));
            switch (parsed.Status)
            {
                case ParseStatus.Complete:
                    candidates.Add(new Candidate(ExtractionSource.Text, null, parsed));
                    pos = parsed.End;
                    break;
                case ParseStatus.Truncated when limit == text.Length:
                    candidates.Add(new Candidate(ExtractionSource.Text, null, parsed));
                    pos = text.Length;
                    break;
                case ParseStatus.LimitExceeded:
                    candidates.Add(new Candidate(ExtractionSource.Text, null, parsed));
                    return candidates;
                default:
                    // A bracket whose parse went some way before failing was probably meant as the answer.
                    if (parsed.ErrorOffset - pos >= MeantAsJson && (fallback is null || parsed.ErrorOffset - pos > fallback.Parsed.ErrorOffset - fallback.Parsed.Start))
                    {
                        fallback = new Candidate(ExtractionSource.Text, null, parsed);
                    }

                    pos++;
                    break;
            }
        }

        return WithFallback(candidates, fallback);
    }

    /// <summary>Bytes a malformed attempt must get through to count as meant for JSON.</summary>
    private const int MeantAsJson = 8;

    /// <summary>Adds the malformed attempt last, when no candidate parsed: the output then reads as malformed JSON, not as no JSON.</summary>
    private static List<Candidate> WithFallback(List<Candidate> candidates, Candidate? fallback)
    {
        if (fallback is not null && !candidates.Exists(static c => c.Parsed.Status is ParseStatus.Complete or ParseStatus.Truncated))
        {
            candidates.Add(fallback);
        }

        return candidates;
    }

    /// <summary>A whole-text value followed by more text, when extraction is off: malformed at the first extra byte.</summary>
    private static ParsedValue TrailingText(ParsedValue value, int at) => new()
    {
        Status = ParseStatus.Malformed,
        Start = value.Start,
        End = at,
        ErrorOffset = at,
        Repairs = value.Repairs,
        Expected = "the end of the text after the JSON value",
        Received = "more text",
    };

    private static ParsedValue Unclosed(ParsedValue value, int fenceEnd) => new()
    {
        Status = ParseStatus.Malformed,
        Start = value.Start,
        End = fenceEnd,
        ErrorOffset = fenceEnd,
        Repairs = value.Repairs,
        Expected = "the rest of the JSON value before the closing code fence",
        Received = "the closing code fence",
    };

    private static bool IsJsonLanguage(string? language)
        => language is null or "" or "json" or "jsonc" or "json5" or "javascript" or "js" or "jsonl";

    private static int SkipWhitespace(ReadOnlySpan<byte> text, int pos, int end)
    {
        while (pos < end && text[pos] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            pos++;
        }

        return pos;
    }

    internal readonly record struct Fence(int Start, int End, int ContentStart, int ContentEnd, string? Language, bool Closed);

    /// <summary>
    /// Code fences (CommonMark: a line of at least three backticks or tildes, indented at most three spaces; it closes at
    /// a line of at least as many of the same character, or at the end of the text).
    /// </summary>
    internal static List<Fence> Fences(ReadOnlySpan<byte> text)
    {
        var fences = new List<Fence>();
        var lineStart = 0;
        while (lineStart < text.Length)
        {
            var lineEnd = LineEnd(text, lineStart);
            if (FenceOpening(text, lineStart, lineEnd, out var marker, out var count, out var infoStart))
            {
                var info = System.Text.Encoding.UTF8.GetString(text[infoStart..lineEnd]).Trim();
                var space = info.IndexOfAny([' ', '\t', '{']);
                var language = (space >= 0 ? info[..space] : info).ToLowerInvariant();
                var contentStart = Math.Min(lineEnd + 1, text.Length);
                var closeLine = contentStart;
                var closed = false;
                while (closeLine < text.Length)
                {
                    var closeEnd = LineEnd(text, closeLine);
                    if (FenceClosing(text, closeLine, closeEnd, marker, count))
                    {
                        closed = true;
                        break;
                    }

                    closeLine = closeEnd + 1;
                }

                var contentEnd = Math.Min(closeLine, text.Length);
                var end = closed ? Math.Min(LineEnd(text, closeLine) + 1, text.Length) : text.Length;
                fences.Add(new Fence(lineStart, end, contentStart, contentEnd, language.Length == 0 ? null : language, closed));
                lineStart = end;
                continue;
            }

            lineStart = lineEnd + 1;
        }

        return fences;
    }

    private static int LineEnd(ReadOnlySpan<byte> text, int start)
    {
        var nl = text[start..].IndexOf((byte)'\n');
        return nl < 0 ? text.Length : start + nl;
    }

    private static bool FenceOpening(ReadOnlySpan<byte> text, int start, int end, out byte marker, out int count, out int infoStart)
    {
        var p = start;
        while (p < end && p - start < 3 && text[p] == (byte)' ')
        {
            p++;
        }

        marker = p < end ? text[p] : (byte)0;
        count = 0;
        infoStart = p;
        if (marker is not ((byte)'`' or (byte)'~'))
        {
            return false;
        }

        while (p < end && text[p] == marker)
        {
            p++;
            count++;
        }

        infoStart = p;
        // An info string of a backtick fence may not contain backticks (then it is inline code).
        return count >= 3 && (marker == (byte)'~' || text[p..end].IndexOf((byte)'`') < 0);
    }

    private static bool FenceClosing(ReadOnlySpan<byte> text, int start, int end, byte marker, int count)
    {
        var p = start;
        while (p < end && p - start < 3 && text[p] == (byte)' ')
        {
            p++;
        }

        var n = 0;
        while (p < end && text[p] == marker)
        {
            p++;
            n++;
        }

        while (p < end && text[p] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            p++;
        }

        return n >= count && p == end;
    }
}
