using System.Text;
using System.Text.Json;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Output;

/// <summary>
/// The one JSON shape of a <see cref="ModelOutputResult"/> (snake_case, as the native HTTP API), written without
/// reflection so that the HTTP endpoint, the binary protocol and the CLI print the same document.
/// </summary>
public static class ModelOutputJson
{
    /// <summary>The stable name of a verdict (<c>valid</c>, <c>invalid</c>, <c>truncated</c>, <c>incomplete</c>, <c>malformed</c>, <c>no_json</c>, <c>limit_exceeded</c>).</summary>
    public static string VerdictName(OutputVerdict verdict) => verdict switch
    {
        OutputVerdict.Valid => "valid",
        OutputVerdict.Invalid => "invalid",
        OutputVerdict.Truncated => "truncated",
        OutputVerdict.Incomplete => "incomplete",
        OutputVerdict.Malformed => "malformed",
        OutputVerdict.NoJson => "no_json",
        _ => "limit_exceeded",
    };

    /// <summary>The stable name of a retry advice (<c>retry</c>, <c>continue</c>, <c>do_not_retry</c>).</summary>
    public static string AdviceName(RetryAdvice advice) => advice switch
    {
        RetryAdvice.Retry => "retry",
        RetryAdvice.Continue => "continue",
        _ => "do_not_retry",
    };

    /// <summary>
    /// Writes <paramref name="result"/> as one JSON object. <paramref name="toolCallId"/> goes into the ready-to-send
    /// provider messages of the feedback (OpenAI <c>tool_call_id</c>, Anthropic <c>tool_use_id</c>).
    /// </summary>
    public static void Write(Utf8JsonWriter writer, ModelOutputResult result, string? toolCallId = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteProperties(writer, result, toolCallId);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes the properties of <see cref="Write"/> into an object the caller has started, so that an API can put its
    /// own properties (the schema checked against) beside them.
    /// </summary>
    public static void WriteProperties(Utf8JsonWriter writer, ModelOutputResult result, string? toolCallId = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteString("verdict", VerdictName(result.Verdict));
        writer.WriteBoolean("valid", result.IsValid);
        if (result.Extraction is { } e)
        {
            writer.WriteStartObject("extraction");
            writer.WriteString("source", e.Source switch { ExtractionSource.Whole => "whole", ExtractionSource.Fence => "fence", _ => "text" });
            writer.WriteNumber("start", e.Start);
            writer.WriteNumber("length", e.Length);
            if (e.Language is not null)
            {
                writer.WriteString("language", e.Language);
            }

            writer.WriteNumber("candidate", e.Candidate);
            writer.WriteNumber("candidates", e.Candidates);
            writer.WriteEndObject();
        }

        if (!result.Json.IsEmpty && result.Validation is null or { Outcome: ValidationOutcome.Valid or ValidationOutcome.Invalid })
        {
            writer.WritePropertyName("value");
            writer.WriteRawValue(result.Json.Span);
        }

        WriteRepairs(writer, "repairs", result.Repairs);
        if (result.RepairsNeeded.Count > 0)
        {
            WriteRepairs(writer, "repairs_needed", result.RepairsNeeded);
        }

        if (result.Truncation is { } t)
        {
            writer.WriteStartObject("truncation");
            writer.WriteNumber("cut_offset", t.CutOffset);
            writer.WriteString("path", t.Path);
            if (!t.Completed.IsEmpty)
            {
                writer.WritePropertyName("completed");
                writer.WriteRawValue(t.Completed.Span, skipInputValidation: false);
            }

            writer.WriteString("closing", t.Closing);
            writer.WriteBoolean("can_still_be_valid", t.CanStillBeValid);
            WriteViolations(writer, "errors", t.Violations);
            writer.WriteEndObject();
        }

        WriteViolations(writer, "errors", result.Violations);
        if (result.Validation is { } v)
        {
            writer.WriteStartObject("validation");
            writer.WriteString("outcome", v.Outcome switch
            {
                ValidationOutcome.Valid => "valid",
                ValidationOutcome.Invalid => "invalid",
                ValidationOutcome.MalformedJson => "malformed_json",
                _ => "limit_exceeded",
            });
            writer.WriteStartArray("errors");
            foreach (var error in v.Errors)
            {
                writer.WriteStartObject();
                writer.WriteString("instance_location", error.InstanceLocation);
                writer.WriteString("keyword_location", error.KeywordLocation);
                writer.WriteString("message", error.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteBoolean("truncated", v.Truncated);
            writer.WriteEndObject();
        }

        if (result.Feedback is { } f)
        {
            writer.WriteStartObject("feedback");
            writer.WriteString("advice", AdviceName(f.Advice));
            writer.WriteBoolean("retryable", f.Retryable);
            writer.WriteString("summary", f.Summary);
            if (f.NotRetryableReason is not null)
            {
                writer.WriteString("not_retryable_reason", f.NotRetryableReason);
            }

            writer.WriteStartArray("items");
            foreach (var item in f.Items)
            {
                writer.WriteStartObject();
                writer.WriteString("path", item.Path);
                writer.WriteString("expected", item.Expected);
                writer.WriteString("received", item.Received);
                writer.WriteString("text", item.Text);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("text", f.Text);
            writer.WriteStartObject("messages");
            var id = toolCallId ?? "";
            writer.WritePropertyName("openai");
            writer.WriteRawValue(f.OpenAIToolMessage(id));
            writer.WritePropertyName("anthropic");
            writer.WriteRawValue(f.AnthropicToolResult(id));
            writer.WritePropertyName("user");
            writer.WriteRawValue(f.UserMessage());
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }

    /// <summary>The result as a JSON string (see <see cref="Write"/>).</summary>
    public static string ToJson(ModelOutputResult result, string? toolCallId = null, bool indented = false)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = indented,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            Write(writer, result, toolCallId);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteRepairs(Utf8JsonWriter writer, string name, IReadOnlyList<OutputRepair> repairs)
    {
        writer.WriteStartArray(name);
        foreach (var r in repairs)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", r.Name);
            writer.WriteNumber("offset", r.Offset);
            writer.WriteNumber("length", r.Length);
            writer.WriteString("description", r.Description);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteViolations(Utf8JsonWriter writer, string name, IReadOnlyList<SchemaViolation> violations)
    {
        writer.WriteStartArray(name);
        foreach (var v in violations)
        {
            writer.WriteStartObject();
            writer.WriteString("instance_location", v.InstanceLocation);
            writer.WriteString("keyword_location", v.KeywordLocation);
            writer.WriteString("keyword", v.Keyword);
            writer.WriteString("expected", v.Expected);
            writer.WriteString("received", v.Received);
            writer.WriteString("message", v.Message);
            if (v.ByteOffset >= 0)
            {
                writer.WriteNumber("byte_offset", v.ByteOffset);
            }

            if (v.Details.Count > 0)
            {
                writer.WriteStartArray("details");
                foreach (var d in v.Details)
                {
                    writer.WriteStringValue(d);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
