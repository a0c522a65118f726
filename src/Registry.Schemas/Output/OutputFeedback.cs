using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Registry.Schemas.Output;

/// <summary>Whether asking the model again can help.</summary>
public enum RetryAdvice
{
    /// <summary>Send the feedback and ask for a corrected answer.</summary>
    Retry,

    /// <summary>The output was cut off: ask the model to continue where it stopped (or to answer more briefly).</summary>
    Continue,

    /// <summary>No answer can satisfy the schema (see <see cref="OutputFeedback.NotRetryableReason"/>): do not retry.</summary>
    DoNotRetry,
}

/// <summary>One problem, for the model: where, what was expected, what was received.</summary>
/// <param name="Path">JSON pointer in the output (empty for the root).</param>
/// <param name="Expected">What the schema expects there.</param>
/// <param name="Received">What the output has there.</param>
/// <param name="Text">The problem as one sentence.</param>
public sealed record FeedbackItem(string Path, string Expected, string Received, string Text);

/// <summary>
/// Feedback for a model whose output was not valid, written for the model to act on: a summary, one sentence per
/// problem (path, expected, received), its own output echoed where it helps, and what to do next; with ready-to-send
/// messages in the shapes providers take for tool errors.
/// </summary>
public sealed class OutputFeedback
{
    internal OutputFeedback(RetryAdvice advice, string summary, IReadOnlyList<FeedbackItem> items, string text, string? notRetryableReason)
    {
        Advice = advice;
        Summary = summary;
        Items = items;
        Text = text;
        NotRetryableReason = notRetryableReason;
    }

    /// <summary>Whether a retry can help, and which kind.</summary>
    public RetryAdvice Advice { get; }

    /// <summary>True unless <see cref="Advice"/> is <see cref="RetryAdvice.DoNotRetry"/>.</summary>
    public bool Retryable => Advice != RetryAdvice.DoNotRetry;

    /// <summary>One sentence saying what is wrong overall.</summary>
    public string Summary { get; }

    /// <summary>The problems, one by one.</summary>
    public IReadOnlyList<FeedbackItem> Items { get; }

    /// <summary>The complete message for the model (summary, problems, echo, instruction).</summary>
    public string Text { get; }

    /// <summary>When <see cref="Advice"/> is <see cref="RetryAdvice.DoNotRetry"/>: why no answer can be valid.</summary>
    public string? NotRetryableReason { get; }

    /// <summary>
    /// An OpenAI Chat Completions tool message answering the call <paramref name="toolCallId"/>:
    /// <c>{"role":"tool","tool_call_id":"…","content":"…"}</c>.
    /// </summary>
    public string OpenAIToolMessage(string toolCallId) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("role", "tool");
        w.WriteString("tool_call_id", toolCallId);
        w.WriteString("content", Text);
        w.WriteEndObject();
    });

    /// <summary>
    /// An Anthropic Messages user turn carrying a <c>tool_result</c> block for <paramref name="toolUseId"/> with
    /// <c>is_error: true</c>: <c>{"role":"user","content":[{"type":"tool_result","tool_use_id":"…","is_error":true,"content":"…"}]}</c>.
    /// </summary>
    public string AnthropicToolResult(string toolUseId) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("role", "user");
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", "tool_result");
        w.WriteString("tool_use_id", toolUseId);
        w.WriteBoolean("is_error", true);
        w.WriteString("content", Text);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>A plain user message, for output requested as a response format rather than a tool call: <c>{"role":"user","content":"…"}</c>.</summary>
    public string UserMessage() => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("role", "user");
        w.WriteString("content", Text);
        w.WriteEndObject();
    });

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
