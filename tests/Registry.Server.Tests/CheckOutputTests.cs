using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>
/// <c>check-output</c> and <c>check-stream</c> on the native API: model text in, verdict, extraction, repairs, truncation
/// and feedback out; hostile bodies and options get a 4xx with a message, never a 500.
/// </summary>
public sealed class CheckOutputTests : IAsyncLifetime
{
    private const string Weather = """
        {"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["celsius","fahrenheit"]},"days":{"type":"integer","maximum":14}},
         "required":["city","unit"],"additionalProperties":false}
        """;

    private InProcessServer _server = null!;
    private long _schemaId;

    private HttpClient Http => _server.Http;

    public async ValueTask InitializeAsync()
    {
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:HttpApi:MaxRequestBodyBytes"] = "4194304",
        });
        _schemaId = (await Http.RegisterAsync("weather", Weather)).GetProperty("id").GetInt64();
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostTextAsync(string path, byte[] body, string contentType = "text/plain")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> PostTextAsync(string path, string body) => PostTextAsync(path, Encoding.UTF8.GetBytes(body));

    private static void AssertError(HttpStatusCode status, JsonElement body, HttpStatusCode expected, string code)
    {
        Assert.Equal(expected, status);
        Assert.Equal(code, body.ErrorCode());
        var message = body.GetProperty("message").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fenced_answer_with_prose_is_extracted_and_valid_against_a_version()
    {
        const string text = "Sure! Here is the call:\n```json\n{\"city\": \"Oslo\", \"unit\": \"celsius\"}\n```\nAnything else?";

        var (status, body) = await PostTextAsync("/v1/subjects/weather/versions/latest/check-output", text);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("valid", body.GetProperty("verdict").GetString());
        Assert.True(body.GetProperty("valid").GetBoolean());
        Assert.Equal(_schemaId, body.GetProperty("schema_id").GetInt64());
        Assert.Equal("weather", body.GetProperty("subject").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal("fence", body.GetProperty("extraction").GetProperty("source").GetString());
        Assert.Equal("Oslo", body.GetProperty("value").GetProperty("city").GetString());
        var start = body.GetProperty("extraction").GetProperty("start").GetInt32();
        var length = body.GetProperty("extraction").GetProperty("length").GetInt32();
        Assert.Equal("{\"city\": \"Oslo\", \"unit\": \"celsius\"}", Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text), start, length));
    }

    [Fact]
    public async Task Repairs_are_refused_by_default_and_listed_when_allowed()
    {
        const string text = "{'city': 'Oslo', 'unit': 'celsius',}";

        var (refusedStatus, refused) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-output", text);
        var (repairedStatus, repaired) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-output?repair=single_quotes,trailing_comma", text);

        Assert.Equal(HttpStatusCode.OK, refusedStatus);
        Assert.Equal("malformed", refused.GetProperty("verdict").GetString());
        Assert.Contains(refused.GetProperty("repairs_needed").EnumerateArray(), r => r.GetProperty("kind").GetString() == "single_quotes");
        Assert.Equal(HttpStatusCode.OK, repairedStatus);
        Assert.Equal("valid", repaired.GetProperty("verdict").GetString());
        var kinds = repaired.GetProperty("repairs").EnumerateArray().Select(r => r.GetProperty("kind").GetString()).ToHashSet();
        Assert.Contains("single_quotes", kinds);
        Assert.Contains("trailing_comma", kinds);
        Assert.Equal(_schemaId, repaired.GetProperty("schema_id").GetInt64());
    }

    [Fact]
    public async Task An_invalid_answer_gets_feedback_with_path_expected_received_and_provider_messages()
    {
        var (status, body) = await PostTextAsync("/v1/subjects/weather/versions/1/check-output?tool_call_id=call_7", "{\"city\": \"Oslo\", \"unit\": \"kelvin\"}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("invalid", body.GetProperty("verdict").GetString());
        var feedback = body.GetProperty("feedback");
        Assert.True(feedback.GetProperty("retryable").GetBoolean());
        var item = feedback.GetProperty("items")[0];
        Assert.Equal("/unit", item.GetProperty("path").GetString());
        Assert.Contains("celsius", item.GetProperty("expected").GetString(), StringComparison.Ordinal);
        Assert.Contains("kelvin", item.GetProperty("received").GetString(), StringComparison.Ordinal);
        Assert.Equal("call_7", feedback.GetProperty("messages").GetProperty("openai").GetProperty("tool_call_id").GetString());
        Assert.Equal("call_7", feedback.GetProperty("messages").GetProperty("anthropic").GetProperty("content")[0].GetProperty("tool_use_id").GetString());
    }

    [Fact]
    public async Task Output_cut_off_is_truncated_with_what_was_complete()
    {
        var (status, body) = await PostTextAsync("/v1/subjects/weather/versions/1/check-output", "{\"city\": \"Oslo\", \"unit\": \"cel");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("truncated", body.GetProperty("verdict").GetString());
        var truncation = body.GetProperty("truncation");
        Assert.True(truncation.GetProperty("can_still_be_valid").GetBoolean());
        Assert.Equal("Oslo", truncation.GetProperty("completed").GetProperty("city").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("I cannot help with that.")]
    [InlineData("{{{{[[[[\"\"\":::,,,}}}")]
    [InlineData("```json\n```")]
    public async Task Garbage_output_is_a_verdict_with_feedback_not_an_error(string text)
    {
        var (status, body) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-output", text);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(body.GetProperty("verdict").GetString(), new[] { "no_json", "malformed", "truncated" });
        Assert.False(body.GetProperty("valid").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("feedback").GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Invalid_utf8_and_control_bytes_in_the_output_never_give_a_500()
    {
        // Invalid UTF-8 and stray bytes: never valid. (An escaped lone surrogate is well-formed JSON text; whether it
        // is accepted is the validator's business, asserted in the schema tests: here only the status counts.)
        byte[][] bodies =
        [
            [(byte)'{', (byte)'"', (byte)'c', (byte)'i', (byte)'t', (byte)'y', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)',',
             (byte)'"', (byte)'u', (byte)'n', (byte)'i', (byte)'t', (byte)'"', (byte)':', (byte)'"', (byte)'c', (byte)'e', (byte)'l', (byte)'s', (byte)'i', (byte)'u', (byte)'s', (byte)'"', (byte)'}'],
            [0xFF, 0xFE, 0x00, 0x01, (byte)'{', 0x80, (byte)'}'],
            [.. Encoding.UTF8.GetBytes("{'city': '"), 0xED, 0xA0, 0x80, .. Encoding.UTF8.GetBytes("', unit: celsius}")],
        ];

        foreach (var body in bodies)
        {
            foreach (var query in new[] { "", "?repair=all" })
            {
                var (status, answer) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-output{query}", body, "application/octet-stream");

                Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{status} for {Convert.ToHexString(body)}{query}");
                Assert.False(answer.TryGetProperty("valid", out var valid) && valid.GetBoolean(), $"valid for {Convert.ToHexString(body)}");
            }
        }

        var surrogate = Encoding.UTF8.GetBytes("{\"city\": \"\\ud800\", \"unit\": \"celsius\"}");
        var (surrogateStatus, _) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-output", surrogate, "application/octet-stream");
        Assert.True(surrogateStatus is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{surrogateStatus} for an escaped lone surrogate");
    }

    [Fact]
    public async Task An_output_over_the_size_limit_is_413()
    {
        var huge = Encoding.UTF8.GetBytes("{\"city\": \"" + new string('x', 1024 * 1024 + 10) + "\", \"unit\": \"celsius\"}");

        var (status, body) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-output", huge);

        AssertError(status, body, HttpStatusCode.RequestEntityTooLarge, "too_large");
    }

    [Fact]
    public async Task Output_nested_past_the_depth_limit_is_400_limit_exceeded()
    {
        var (status, body) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-output", new string('[', 5000) + new string(']', 5000));

        AssertError(status, body, HttpStatusCode.BadRequest, "limit_exceeded");
        Assert.Contains("nest", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?repair=everything", "repair")]
    [InlineData("?partial=maybe", "partial")]
    [InlineData("?max_errors=lots", "max_errors")]
    public async Task Bad_options_are_400_naming_the_option(string query, string name)
    {
        var (status, body) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-output{query}", "{}");

        AssertError(status, body, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains(name, body.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Unknown_targets_and_archived_versions_are_refused_as_validation_is()
    {
        var (missingStatus, missing) = await PostTextAsync("/v1/subjects/nope/versions/1/check-output", "{}");
        var (badIdStatus, badId) = await PostTextAsync("/v1/schemas/999999/check-output", "{}");
        var (notIdStatus, notId) = await PostTextAsync("/v1/schemas/abc/check-output", "{}");
        await Http.RegisterAsync("old", """{"type":"object"}""");
        Assert.Equal(HttpStatusCode.OK, (await Http.PutJsonAsync("/v1/subjects/old/versions/1/state", """{"state":"DEPRECATED"}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.PutJsonAsync("/v1/subjects/old/versions/1/state", """{"state":"ARCHIVED"}""")).Status);
        var (archivedStatus, archived) = await PostTextAsync("/v1/subjects/old/versions/1/check-output", "{}");

        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.Equal(HttpStatusCode.NotFound, badIdStatus);
        AssertError(notIdStatus, notId, HttpStatusCode.BadRequest, "invalid_request");
        AssertError(archivedStatus, archived, HttpStatusCode.UnprocessableEntity, "version_archived");
        Assert.False(string.IsNullOrEmpty(missing.ErrorCode()));
        Assert.False(string.IsNullOrEmpty(badId.ErrorCode()));
    }

    [Fact]
    public async Task A_stream_is_answered_at_the_first_definite_violation_without_reading_the_rest()
    {
        // The body goes on for seconds after the violation: the answer comes from what had arrived, not from the whole body.
        using var body = new EndlessContent("{\"city\": \"Oslo\", \"unit\": \"kel");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/subjects/weather/versions/1/check-stream") { Content = body };
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, Ct);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("invalid", answer.GetProperty("verdict").GetString());
        Assert.True(answer.GetProperty("stopped_early").GetBoolean());
        Assert.False(answer.GetProperty("can_still_be_valid").GetBoolean());
        var error = answer.GetProperty("errors")[0];
        Assert.Equal("/unit", error.GetProperty("instance_location").GetString());
        Assert.Equal(26, error.GetProperty("byte_offset").GetInt32());
        Assert.True(answer.GetProperty("bytes_read").GetInt64() < 29 + (EndlessContent.Chunks * 64), "the whole body was read");
    }

    [Theory]
    [InlineData("{\"city\": \"Oslo\", \"unit\": \"celsius\"}", "valid")]
    [InlineData("{\"city\": \"Oslo\", \"unit\": \"cel", "truncated")]
    [InlineData("{\"city\": \"Oslo\"}", "invalid")]
    [InlineData("{\"city\" \"Oslo\"}", "malformed")]
    public async Task A_whole_stream_gets_the_full_verdict(string text, string verdict)
    {
        var (status, body) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-stream", text);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(verdict, body.GetProperty("verdict").GetString());
        Assert.Equal(verdict == "valid", body.GetProperty("valid").GetBoolean());
        Assert.Equal(Encoding.UTF8.GetByteCount(text), body.GetProperty("bytes_read").GetInt64());
    }

    [Theory]
    [InlineData("{\"city\":\"Oslo\",\"unit\":\"celsius\",\"days\":null}", "invalid", "valid")]
    [InlineData("{\"city\":\"Oslo\",\"unit\":\"celsius\",\"days\":30}", "invalid", "invalid")]
    [InlineData("{\"city\":null,\"unit\":\"celsius\",\"days\":null}", "invalid", "invalid")]
    public async Task A_stream_under_a_profile_gets_the_verdict_check_output_gives_under_that_profile(string text, string plainVerdict, string profileVerdict)
    {
        var (plainStatus, plain) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-stream", text);
        var (streamStatus, stream) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-stream?profile=openai-strict", text);
        var (checkStatus, check) = await PostTextAsync("/v1/subjects/weather/versions/1/check-output?profile=openai-strict", text);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (plainStatus, streamStatus, checkStatus));
        Assert.Equal(plainVerdict, plain.GetProperty("verdict").GetString());
        Assert.Equal(profileVerdict, stream.GetProperty("verdict").GetString());
        Assert.Equal(check.GetProperty("verdict").GetString(), stream.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task A_stream_with_an_unknown_profile_is_400()
    {
        var (status, body) = await PostTextAsync("/v1/subjects/weather/versions/1/check-stream?profile=no-such-provider", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(body.ErrorCode()));
    }

    [Fact]
    public async Task A_stream_over_the_size_limit_is_413_an_unknown_subject_404_and_deep_nesting_400()
    {
        var (bigStatus, big) = await PostTextAsync($"/v1/schemas/{_schemaId}/check-stream", "[\"" + new string('x', 1024 * 1024 + 10) + "\"]");
        var (missingStatus, missing) = await PostTextAsync("/v1/subjects/no-such-subject/versions/1/check-stream", "[]");
        await Http.RegisterAsync("anything", "{}");
        var (nestedStatus, nested) = await PostTextAsync("/v1/subjects/anything/versions/1/check-stream", new string('[', 5000));

        AssertError(bigStatus, big, HttpStatusCode.RequestEntityTooLarge, "too_large");
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.False(string.IsNullOrEmpty(missing.ErrorCode()));
        AssertError(nestedStatus, nested, HttpStatusCode.BadRequest, "limit_exceeded");
    }

    /// <summary>A request body that sends its prefix, then spaces for seconds (<see cref="Chunks"/> × 64 bytes, 20 ms apart).</summary>
    private sealed class EndlessContent(string prefix) : HttpContent
    {
        public const int Chunks = 150;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(prefix), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            var spaces = Encoding.UTF8.GetBytes(new string(' ', 64));
            for (var i = 0; i < Chunks && !cancellationToken.IsCancellationRequested; i++)
            {
                await Task.Delay(20, cancellationToken);
                await stream.WriteAsync(spaces, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
