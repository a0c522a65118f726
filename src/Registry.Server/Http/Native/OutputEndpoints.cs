using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Registry.Engine;
using Registry.Engine.Services;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;

namespace Registry.Server.Http.Native;

/// <summary>
/// Model output: <c>check-output</c> takes a model's raw text (any media type; it need not be JSON) and answers with
/// the extracted value, the repairs made or needed, truncation, the validation result and feedback for the model;
/// <c>check-stream</c> validates a body as it arrives and answers as soon as a violation no continuation can fix
/// appears. The engine (<see cref="SchemaRegistry.CheckOutputAsync(ValidationTarget, ReadOnlyMemory{byte}, ModelOutputOptions, string, CancellationToken)"/>) does the work; this only translates options
/// from the query string and the result to JSON.
/// </summary>
internal static class OutputEndpoints
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void MapOutputEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/subjects/{subject}/versions/{version}/check-output", CheckByVersion)
            .WithName("CheckOutputByVersion")
            .Query("repair", "extract", "partial", "prefer_valid", "feedback", "max_errors", "tool_call_id", "profile")
            .WithSummary("Checks a model's raw output against a version: extraction, listed repairs, truncation, validation and feedback.")
            .Produces(200, contentType: "application/json").ProducesErrors(400, 404, 413, 422, 429);
        api.MapPost("/schemas/{id}/check-output", CheckById)
            .WithName("CheckOutputById")
            .Query("repair", "extract", "partial", "prefer_valid", "feedback", "max_errors", "tool_call_id", "profile")
            .WithSummary("Checks a model's raw output against a schema id: extraction, listed repairs, truncation, validation and feedback.")
            .Produces(200, contentType: "application/json").ProducesErrors(400, 404, 413, 422, 429);
        api.MapPost("/subjects/{subject}/versions/{version}/check-stream", StreamByVersion)
            .WithName("CheckStreamByVersion")
            .Query("extract", "profile")
            .WithSummary("Validates the body as it arrives against a version; answers at the first violation no continuation can fix.")
            .Produces(200, contentType: "application/json").ProducesErrors(400, 404, 413, 422, 429);
        api.MapPost("/schemas/{id}/check-stream", StreamById)
            .WithName("CheckStreamById")
            .Query("extract", "profile")
            .WithSummary("Validates the body as it arrives against a schema id; answers at the first violation no continuation can fix.")
            .Produces(200, contentType: "application/json").ProducesErrors(400, 404, 413, 422, 429);
    }

    private static Task CheckByVersion(string subject, string version, HttpContext context, SchemaRegistry registry) =>
        CheckAsync(ValidationTarget.ByVersion(SubjectPath.Decode(subject), QueryValues.Version(version)), context, registry);

    private static Task CheckById(string id, HttpContext context, SchemaRegistry registry) =>
        CheckAsync(ValidationTarget.ById(QueryValues.SchemaId(id)), context, registry);

    private static Task StreamByVersion(string subject, string version, HttpContext context, SchemaRegistry registry) =>
        StreamAsync(ValidationTarget.ByVersion(SubjectPath.Decode(subject), QueryValues.Version(version)), context, registry);

    private static Task StreamById(string id, HttpContext context, SchemaRegistry registry) =>
        StreamAsync(ValidationTarget.ById(QueryValues.SchemaId(id)), context, registry);

    private static async Task CheckAsync(ValidationTarget target, HttpContext context, SchemaRegistry registry)
    {
        var query = context.Request.Query;
        var options = Options(query);
        var toolCallId = ToolCallId(query["tool_call_id"]);
        var ct = context.RequestAborted;
        using var body = await RequestBody.ReadAsync(context.Request, registry.Options.MaxModelOutputBytes, ct).ConfigureAwait(false);
        var profile = query["profile"].Count > 0 ? query["profile"][0] : null;
        var check = await registry.CheckOutputAsync(target, body.Memory, options, profile, ct).ConfigureAwait(false);
        if (LimitMessage(check) is { } message)
        {
            // Over a size, nesting or work limit: the request, not the model, has to change.
            throw new HttpApiException(StatusCodes.Status400BadRequest, "limit_exceeded", message);
        }

        await WriteJsonAsync(context, ResultJson(check, toolCallId), ct).ConfigureAwait(false);
    }

    /// <summary>The message of a check that stopped at a size, nesting or work limit; null for any other verdict.</summary>
    internal static string? LimitMessage(OutputCheck check) => check.Result.Verdict != OutputVerdict.LimitExceeded
        ? null
        : check.Result.Violations.Count > 0 ? check.Result.Violations[0].Message : "The output is over a size, nesting or work limit.";

    /// <summary>The result of a check as JSON: the body of <c>check-output</c>, and the <c>result</c> of binary CHECK_OUTPUT.</summary>
    internal static ArrayBufferWriter<byte> ResultJson(OutputCheck check, string? toolCallId)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            WriteTarget(writer, check.SchemaId, check.Subject, check.Version, check.Warning);
            ModelOutputJson.WriteProperties(writer, check.Result, toolCallId);
            writer.WriteEndObject();
        }

        return buffer;
    }

    /// <summary>
    /// Feeds each piece of the body to a session as it is read (no buffering of the whole body before checking) and
    /// answers at the first definite violation without reading the rest; otherwise at the end, with the full
    /// validator's verdict (a body cut off mid-value is <c>truncated</c>).
    /// </summary>
    private static async Task StreamAsync(ValidationTarget target, HttpContext context, SchemaRegistry registry)
    {
        var query = context.Request.Query;
        var skipText = QueryValues.Flag(query["extract"], "extract");
        var ct = context.RequestAborted;
        if (context.Request.ContentLength is { } declared)
        {
            registry.CheckOutputSize(declared);
        }

        var profile = query["profile"].Count > 0 ? query["profile"][0] : null;
        var stream = await registry.StartOutputStreamAsync(target, skipText, profile, ct).ConfigureAwait(false);
        var session = stream.Session;
        var reader = context.Request.BodyReader;
        var stoppedEarly = false;
        while (true)
        {
            var read = await RequestBody.ReadChunkAsync(context.Request, reader, ct).ConfigureAwait(false);
            foreach (var segment in read.Buffer)
            {
                session.Feed(segment.Span);
                if (!session.CanStillBeValid)
                {
                    break;
                }
            }

            reader.AdvanceTo(read.Buffer.End);
            if (!session.CanStillBeValid)
            {
                stoppedEarly = !read.IsCompleted;
                break;
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }
        }

        ValidationResult? final = null;
        if (!stoppedEarly)
        {
            using var slot = await registry.Work.EnterAsync(ct).ConfigureAwait(false);
            final = session.Complete();
        }

        if (session.Violations.Count > 0 && session.Violations[0].Keyword == "limit")
        {
            registry.CheckOutputSize(session.BytesReceived);
            throw new HttpApiException(StatusCodes.Status400BadRequest, "limit_exceeded", session.Violations[0].Message);
        }

        var verdict = Verdict(session, final);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            WriteTarget(writer, stream.SchemaId, stream.Subject, stream.Version, stream.Warning);
            writer.WriteString("verdict", verdict);
            writer.WriteBoolean("valid", verdict == "valid");
            writer.WriteBoolean("can_still_be_valid", verdict is "valid" or "truncated");
            writer.WriteBoolean("stopped_early", stoppedEarly);
            writer.WriteNumber("bytes_read", session.BytesReceived);
            writer.WriteStartArray("errors");
            var errors = session.Violations;
            foreach (var v in errors)
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

                writer.WriteEndObject();
            }

            if (errors.Count == 0 && final is { IsValid: false } && !session.IsTruncated)
            {
                foreach (var e in final.Errors)
                {
                    writer.WriteStartObject();
                    writer.WriteString("instance_location", e.InstanceLocation);
                    writer.WriteString("keyword_location", e.KeywordLocation);
                    writer.WriteString("message", e.Message);
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await WriteJsonAsync(context, buffer, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A violation found while streaming decides; otherwise the full validator's verdict at the end (a body cut off
    /// mid-value is truncated, not invalid).
    /// </summary>
    internal static string Verdict(StreamingValidationSession session, ValidationResult? final)
    {
        if (session.Violations.Count > 0)
        {
            return session.Violations[0].Keyword == "json" ? "malformed" : "invalid";
        }

        if (session.IsTruncated)
        {
            return "truncated";
        }

        return final?.Outcome switch
        {
            ValidationOutcome.Valid => "valid",
            ValidationOutcome.MalformedJson => "malformed",
            _ => "invalid",
        };
    }

    /// <summary>Options from the query: <c>extract</c>, <c>repair</c>, <c>prefer_valid</c>, <c>partial</c>, <c>feedback</c>, <c>max_errors</c>.</summary>
    internal static ModelOutputOptions Options(IQueryCollection query) => new()
    {
        Extract = query["extract"].Count == 0 || QueryValues.Flag(query["extract"], "extract"),
        Repairs = Repairs(query["repair"]),
        PreferValid = query["prefer_valid"].Count == 0 || QueryValues.Flag(query["prefer_valid"], "prefer_valid"),
        Partial = QueryValues.Flag(query["partial"], "partial"),
        Feedback = query["feedback"].Count == 0 || QueryValues.Flag(query["feedback"], "feedback"),
        MaxErrors = QueryValues.Integer(query["max_errors"], "max_errors", ModelOutputOptions.Default.MaxErrors),
    };

    /// <summary><c>repair=all</c>, <c>repair=none</c> (the default) or a comma-separated list of repair names.</summary>
    internal static RepairKinds Repairs(Microsoft.Extensions.Primitives.StringValues values)
    {
        var kinds = RepairKinds.None;
        foreach (var value in values)
        {
            foreach (var name in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!OutputRepair.TryParseName(name, out var kind))
                {
                    throw new RegistryException(RegistryErrorCode.InvalidRequest,
                        $"Unknown repair '{Shorten(name)}'; use all, none, syntax, close_truncated or names such as trailing_comma, single_quotes, python_literal.");
                }

                kinds |= kind;
            }
        }

        return kinds;
    }

    private static string? ToolCallId(Microsoft.Extensions.Primitives.StringValues value)
    {
        var id = value.Count > 0 ? value[0] : null;
        if (id is { Length: > 256 })
        {
            throw new RegistryException(RegistryErrorCode.InvalidRequest, "Query parameter 'tool_call_id' is at most 256 characters.");
        }

        return id;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static void WriteTarget(Utf8JsonWriter writer, long schemaId, string? subject, int? version, string? warning)
    {
        writer.WriteNumber("schema_id", schemaId);
        if (subject is not null)
        {
            writer.WriteString("subject", subject);
        }

        if (version is { } v)
        {
            writer.WriteNumber("version", v);
        }

        if (warning is not null)
        {
            writer.WriteString("warning", warning);
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, ArrayBufferWriter<byte> buffer, CancellationToken ct)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, ct).ConfigureAwait(false);
    }
}
