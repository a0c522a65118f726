using System.Globalization;
using System.Text;

namespace Registry.Schemas.Output.Streaming;

/// <summary>Words the feedback for a model: plain sentences, the model's own output quoted where it helps.</summary>
internal static class FeedbackWriter
{
    public static OutputFeedback Write(ModelOutputResult result, ReadOnlySpan<byte> text, ModelOutputOptions options, string? unsatisfiable)
    {
        var items = new List<FeedbackItem>();
        foreach (var v in result.Violations)
        {
            if (items.Count == options.MaxErrors)
            {
                break;
            }

            var sentence = v.Details.Count > 0 ? $"{v.Message} ({string.Join("; ", v.Details)})" : v.Message;
            items.Add(new FeedbackItem(v.InstanceLocation, v.Expected, v.Received, sentence));
        }

        string summary;
        string instruction;
        var advice = RetryAdvice.Retry;
        string? echo = null;
        switch (result.Verdict)
        {
            case OutputVerdict.Invalid:
                summary = items.Count == 1
                    ? "Your JSON output does not match the required schema: there is 1 problem."
                    : $"Your JSON output does not match the required schema: there are {items.Count} problems.";
                if (result.Truncation is not null)
                {
                    summary += " It was also cut off before it was complete.";
                }

                instruction = "Correct every problem listed and answer again with the complete JSON only, keeping the parts that were right.";
                echo = Echo(result.Json.Span, options.MaxEchoBytes, "Your previous output was:");
                break;
            case OutputVerdict.Malformed when result.RepairsNeeded.Count > 0:
                summary = "Your output is not strict JSON.";
                instruction = "Answer again with strict JSON: double quotes around every name and string, no comments, no trailing commas, "
                              + "true/false/null in lower case, and no other text.";
                break;
            case OutputVerdict.Malformed:
                summary = "Your output is not valid JSON.";
                echo = Excerpt(text, result.Violations.Count > 0 ? result.Violations[0].ByteOffset : -1);
                instruction = "Answer again with the complete JSON value only, as strict JSON.";
                break;
            case OutputVerdict.NoJson:
                summary = "Your reply contains no JSON value.";
                instruction = "Answer again with only the JSON value, without any other text.";
                break;
            case OutputVerdict.Truncated:
            {
                var truncation = result.Truncation!;
                advice = RetryAdvice.Continue;
                summary = $"Your output was cut off after {truncation.CutOffset.ToString(CultureInfo.InvariantCulture)} bytes, before the JSON was complete"
                          + (truncation.Path.Length > 0 ? $" (while writing {truncation.Path})." : ".");
                items.Add(new FeedbackItem(truncation.Path, "the rest of the JSON value", "the end of the output",
                    $"The output stops in the middle of {ViolationText.Where(truncation.Path)}."));
                echo = Tail(text, 120);
                instruction = "Continue exactly where the output stopped: write only the remaining characters, starting right after the end quoted above, "
                              + "without repeating anything. If the answer is too long, answer again more briefly.";
                break;
            }

            case OutputVerdict.LimitExceeded:
                summary = "Your output is too large or too deeply nested to be checked.";
                if (result.Violations.Count > 0)
                {
                    items.Add(new FeedbackItem("", "a smaller output", "too large an output", result.Violations[0].Message));
                }

                instruction = "Answer again with a smaller JSON value.";
                break;
            default:
                summary = "Your output so far cannot become valid.";
                instruction = "Correct the problems listed and answer again with the complete JSON only.";
                break;
        }

        if (unsatisfiable is not null)
        {
            advice = RetryAdvice.DoNotRetry;
        }

        var sb = new StringBuilder(summary);
        for (var i = 0; i < items.Count; i++)
        {
            sb.Append('\n').Append(i + 1).Append(". ").Append(items[i].Text);
        }

        if (result.Violations.Count > items.Count && result.Verdict == OutputVerdict.Invalid)
        {
            sb.Append("\n(").Append(result.Violations.Count - items.Count).Append(" more problems not listed.)");
        }

        if (echo is not null)
        {
            sb.Append("\n\n").Append(echo);
        }

        sb.Append("\n\n").Append(unsatisfiable is null ? instruction : $"No answer can be accepted: {unsatisfiable}.");
        return new OutputFeedback(advice, summary, items, sb.ToString(), unsatisfiable);
    }

    internal static string NeedText(RepairKinds kind) => kind switch
    {
        RepairKinds.TrailingComma => "a comma before a closing bracket",
        RepairKinds.MissingComma => "a missing comma between two values",
        RepairKinds.Comment => "a comment (JSON has none)",
        RepairKinds.SingleQuotes => "single quotes instead of double quotes",
        RepairKinds.UnquotedKey => "a property name without double quotes",
        RepairKinds.UnquotedString => "a text value without double quotes",
        RepairKinds.PythonLiteral => "True, False or None instead of true, false or null",
        RepairKinds.UndefinedLiteral => "undefined, which is not JSON (use null)",
        RepairKinds.NonFiniteNumber => "NaN or Infinity, which are not JSON numbers",
        RepairKinds.ControlCharacter => "a raw line break or tab inside a string (write \\n or \\t)",
        RepairKinds.InvalidEscape => "an invalid escape sequence in a string",
        RepairKinds.MismatchedBracket => "a closing bracket that does not match its opening bracket",
        RepairKinds.MissingClosingQuote => "a string that is never closed",
        RepairKinds.MissingClosingBracket => "brackets that are never closed",
        _ => "an incomplete value at the end",
    };

    private static string? Echo(ReadOnlySpan<byte> json, int max, string heading)
    {
        if (json.IsEmpty)
        {
            return null;
        }

        if (json.Length <= max)
        {
            return $"{heading}\n{Encoding.UTF8.GetString(json)}";
        }

        return $"{heading} (first {max} bytes)\n{Encoding.UTF8.GetString(Cut(json, max))}…";
    }

    /// <summary>The line holding <paramref name="offset"/> with a caret under it.</summary>
    private static string? Excerpt(ReadOnlySpan<byte> text, long offset)
    {
        if (offset < 0 || text.IsEmpty)
        {
            return null;
        }

        var at = (int)Math.Min(offset, text.Length);
        var lineStart = at == 0 ? 0 : text[..at].LastIndexOf((byte)'\n') + 1;
        var nl = text[at..].IndexOf((byte)'\n');
        var lineEnd = nl < 0 ? text.Length : at + nl;
        var from = Math.Max(lineStart, at - 60);
        var to = Math.Min(lineEnd, at + 60);
        var before = Encoding.UTF8.GetString(text[from..at]);
        var line = Encoding.UTF8.GetString(text[from..to]);
        var (number, column) = LineColumn(text, at);
        return $"The problem is on line {number}, column {column}:\n{line}\n{new string(' ', before.Length)}^";
    }

    private static string Tail(ReadOnlySpan<byte> text, int max)
    {
        var from = Math.Max(0, text.Length - max);
        while (from > 0 && from < text.Length && (text[from] & 0xC0) == 0x80)
        {
            from++;
        }

        return $"The output ended with:\n{(from > 0 ? "…" : "")}{Encoding.UTF8.GetString(text[from..])}";
    }

    private static ReadOnlySpan<byte> Cut(ReadOnlySpan<byte> utf8, int max)
    {
        var end = Math.Min(max, utf8.Length);
        while (end > 0 && end < utf8.Length && (utf8[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return utf8[..end];
    }

    public static (int Line, int Column) LineColumn(ReadOnlySpan<byte> text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        var before = text[..offset];
        var line = before.Count((byte)'\n') + 1;
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        var column = Encoding.UTF8.GetCharCount(before[lineStart..]) + 1;
        return (line, column);
    }
}
