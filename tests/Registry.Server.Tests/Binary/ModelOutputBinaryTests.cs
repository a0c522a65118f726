using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Registry.Protocol;
using Registry.Protocol.Messages;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests.Binary;

/// <summary>
/// LINT and CHECK_OUTPUT over a real socket, compared with what the native HTTP API answers for the same request,
/// and the <c>profile</c> option of check-output on both.
/// </summary>
public sealed class ModelOutputBinaryTests
{
    private const string Weather = """
        {"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["celsius","fahrenheit"]},"days":{"type":"integer","maximum":14}},
         "required":["city","unit"],"additionalProperties":false}
        """;

    // Not strict for OpenAI: "days" is optional and the object is open.
    private const string Open = """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> RegisterAsync(FrameStream wire, string subject, string schema)
    {
        await wire.SendAsync(FrameStream.Request(1, new RegisterRequest { Subject = subject, Schema = Encoding.UTF8.GetBytes(schema) }));
        var response = await wire.ReadAsync();
        Assert.Equal(StatusCode.Ok, response.Status);
        return response.Body(static (ref Protocol.Wire.ProtocolReader r) => RegisterResponse.Read(ref r).SchemaId);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostTextAsync(HttpClient http, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain");
        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<RawResponse> CallAsync<T>(FrameStream wire, uint id, T body)
        where T : IRequestBody
    {
        await wire.SendAsync(FrameStream.Request(id, body));
        var response = await wire.ReadAsync();
        Assert.Equal(id, response.RequestId);
        return response;
    }

    [Fact]
    public async Task Check_output_over_binary_returns_the_same_result_as_http_check_output()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await RegisterAsync(wire, "weather", Weather);
        const string text = "Here you go:\n```json\n{\"city\": \"Oslo\", \"unit\": \"kelvin\", \"days\": 30,}\n```";

        var (status, httpBody) = await PostTextAsync(server.Http, "/v1/subjects/weather/versions/1/check-output?repair=all&tool_call_id=call_7", text);
        var response = await CallAsync(wire, 5, new CheckOutputRequest
        {
            Subject = "weather",
            Version = 1,
            Output = Encoding.UTF8.GetBytes(text),
            Repair = "all",
            ToolCallId = "call_7",
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(StatusCode.Ok, response.Status);
        var check = response.Body(static (ref Protocol.Wire.ProtocolReader r) => CheckOutputResponse.Read(ref r));
        Assert.Equal((schemaId, "invalid", false), (check.SchemaId, check.Verdict, check.Valid));
        Assert.Equal(httpBody, Encoding.UTF8.GetString(check.Result.Span));
        using var json = JsonDocument.Parse(check.Result);
        Assert.Equal("trailing_comma", json.RootElement.GetProperty("repairs")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Check_output_by_schema_id_of_a_valid_answer_is_valid()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await RegisterAsync(wire, "weather", Weather);

        var response = await CallAsync(wire, 6, new CheckOutputRequest { SchemaId = schemaId, Output = """{"city":"Oslo","unit":"celsius"}"""u8.ToArray() });

        var check = response.Body(static (ref Protocol.Wire.ProtocolReader r) => CheckOutputResponse.Read(ref r));
        Assert.Equal(("valid", true), (check.Verdict, check.Valid));
    }

    [Fact]
    public async Task Check_output_with_an_unknown_profile_or_repair_is_a_bad_request_on_binary()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await RegisterAsync(wire, "weather", Weather);

        var profile = await CallAsync(wire, 7, new CheckOutputRequest { SchemaId = schemaId, Output = "{}"u8.ToArray(), Profile = "no-such-provider" });
        var repair = await CallAsync(wire, 8, new CheckOutputRequest { SchemaId = schemaId, Output = "{}"u8.ToArray(), Repair = "magic" });

        Assert.Equal(StatusCode.BadRequest, profile.Status);
        Assert.Equal(StatusCode.BadRequest, repair.Status);
    }

    [Fact]
    public async Task A_null_for_an_optional_property_is_absent_under_the_openai_strict_profile_on_http_and_binary()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        await RegisterAsync(wire, "weather", Weather);
        const string output = """{"city":"Oslo","unit":"celsius","days":null}""";

        var (plainStatus, plain) = await PostTextAsync(server.Http, "/v1/subjects/weather/versions/1/check-output", output);
        var (mappedStatus, mapped) = await PostTextAsync(server.Http, "/v1/subjects/weather/versions/1/check-output?profile=openai-strict", output);
        var binary = (await CallAsync(wire, 9, new CheckOutputRequest { Subject = "weather", Output = Encoding.UTF8.GetBytes(output), Profile = "openai-strict" }))
            .Body(static (ref Protocol.Wire.ProtocolReader r) => CheckOutputResponse.Read(ref r));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (plainStatus, mappedStatus));
        Assert.Equal("invalid", JsonDocument.Parse(plain).RootElement.GetProperty("verdict").GetString());
        Assert.Equal("valid", JsonDocument.Parse(mapped).RootElement.GetProperty("verdict").GetString());
        Assert.Equal(("valid", true), (binary.Verdict, binary.Valid));
    }

    [Fact]
    public async Task The_original_schema_still_enforces_what_the_profile_dropped_after_mapping()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        await RegisterAsync(wire, "weather", Weather);

        // maximum 14 is not enforced by OpenAI's strict mode; the original schema still refuses 30.
        var (status, body) = await PostTextAsync(server.Http, "/v1/subjects/weather/versions/1/check-output?profile=openai-strict",
            """{"city":"Oslo","unit":"celsius","days":30}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("invalid", root.GetProperty("verdict").GetString());
        Assert.Contains("/days", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_binary_stream_under_a_profile_reads_null_for_an_optional_property_as_absent_as_http_check_stream_does()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await RegisterAsync(wire, "weather", Weather);
        const string output = """{"city":"Oslo","unit":"celsius","days":null}""";

        var plainOpen = (await CallAsync(wire, 60, new StreamOpenRequest { SchemaId = schemaId }))
            .Body(static (ref Protocol.Wire.ProtocolReader r) => StreamOpenResponse.Read(ref r));
        var plain = Chunk(await CallAsync(wire, 61, new StreamChunkRequest { StreamId = plainOpen.StreamId, Chunk = Encoding.UTF8.GetBytes(output), Final = true }));
        var mappedOpen = (await CallAsync(wire, 62, new StreamOpenRequest { Subject = "weather", Version = 1, Profile = "openai-strict" }))
            .Body(static (ref Protocol.Wire.ProtocolReader r) => StreamOpenResponse.Read(ref r));
        var prefix = Chunk(await CallAsync(wire, 63, new StreamChunkRequest { StreamId = mappedOpen.StreamId, Chunk = Encoding.UTF8.GetBytes(output[..^1]) }));
        var mapped = Chunk(await CallAsync(wire, 64, new StreamChunkRequest { StreamId = mappedOpen.StreamId, Chunk = "}"u8.ToArray(), Final = true }));
        var (httpStatus, http) = await PostTextAsync(server.Http, $"/v1/schemas/{schemaId}/check-stream?profile=openai-strict", output);
        var unknown = await CallAsync(wire, 65, new StreamOpenRequest { SchemaId = schemaId, Profile = "no-such-provider" });

        Assert.Equal("invalid", plain.Verdict);
        Assert.Equal("in_progress", prefix.Verdict);
        Assert.Equal(("valid", true), (mapped.Verdict, mapped.CanStillBeValid));
        Assert.Equal(HttpStatusCode.OK, httpStatus);
        Assert.Equal("valid", JsonDocument.Parse(http).RootElement.GetProperty("verdict").GetString());
        Assert.Equal(StatusCode.BadRequest, unknown.Status);
    }

    [Fact]
    public async Task Lint_over_binary_names_the_same_violations_as_http_lint_for_a_schema_and_a_version()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        await RegisterAsync(wire, "open", Open);

        var bySchema = (await CallAsync(wire, 10, new LintRequest { Schema = Encoding.UTF8.GetBytes(Open), Profiles = ["openai-strict", "gemini"] }))
            .Body(static (ref Protocol.Wire.ProtocolReader r) => LintResponse.Read(ref r));
        var byVersion = (await CallAsync(wire, 11, new LintRequest { Subject = "open", Version = 1, Profiles = ["openai-strict"] }))
            .Body(static (ref Protocol.Wire.ProtocolReader r) => LintResponse.Read(ref r));
        var (_, http) = await server.Http.PostJsonAsync("/v1/lint?profile=openai-strict", Open);

        var (_, httpVersion) = await server.Http.PostJsonAsync("/v1/subjects/open/versions/1/lint?profile=openai-strict", "{}");
        Assert.True(byVersion.Results[0].Status == LintCheckStatus.Completed, $"{byVersion.Results[0].Status}: {byVersion.Results[0].Error}; http: {httpVersion}");
        Assert.Equal(["openai-strict", "gemini"], bySchema.Results.Select(r => r.Profile));
        var openai = bySchema.Results[0];
        Assert.False(openai.Accepted);
        Assert.Equal(LintCheckStatus.Completed, openai.Status);
        Assert.Contains(openai.Violations, v => v.Name == "ADDITIONAL_PROPERTIES_NOT_FALSE" && v.Effect == LintEffect.Rejected);
        Assert.Contains(openai.Violations, v => v.Name == "PROPERTY_NOT_REQUIRED" && v.Pointer.Contains("days", StringComparison.Ordinal));
        var httpNames = http.GetProperty("violations").EnumerateArray().Select(v => (v.GetProperty("name").GetString(), v.GetProperty("pointer").GetString()));
        Assert.Equal(httpNames, openai.Violations.Select(v => ((string?)v.Name, (string?)v.Pointer)));
        Assert.Equal(openai.Violations.Select(v => v.Name), byVersion.Results[0].Violations.Select(v => v.Name));
    }

    [Fact]
    public async Task Lint_with_an_unknown_profile_or_without_a_target_is_a_bad_request()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);

        var unknown = await CallAsync(wire, 12, new LintRequest { Schema = "{}"u8.ToArray(), Profiles = ["no-such-provider"] });
        var neither = await CallAsync(wire, 13, new LintRequest { Profiles = ["openai-strict"] });
        var missing = await CallAsync(wire, 14, new LintRequest { Subject = "nobody", Version = 1, Profiles = ["openai-strict"] });

        Assert.Equal(StatusCode.BadRequest, unknown.Status);
        Assert.Equal(StatusCode.BadRequest, neither.Status);
        Assert.Equal(StatusCode.SubjectNotFound, missing.Status);
    }

    private static StreamChunkResponse Chunk(RawResponse response)
    {
        Assert.Equal(StatusCode.Ok, response.Status);
        return response.Body(static (ref Protocol.Wire.ProtocolReader r) => StreamChunkResponse.Read(ref r));
    }

    [Fact]
    public async Task A_stream_fed_in_chunks_stays_in_progress_and_ends_valid_with_the_final_chunk()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await RegisterAsync(wire, "weather", Weather);
        var opened = (await CallAsync(wire, 20, new StreamOpenRequest { Subject = "weather", Version = 1 }))
            .Body(static (ref Protocol.Wire.ProtocolReader r) => StreamOpenResponse.Read(ref r));

        var first = Chunk(await CallAsync(wire, 21, new StreamChunkRequest { StreamId = opened.StreamId, Chunk = """{"city":"Os"""u8.ToArray() }));
        var last = Chunk(await CallAsync(wire, 22, new StreamChunkRequest { StreamId = opened.StreamId, Chunk = """lo","unit":"celsius"}"""u8.ToArray(), Final = true }));
        var after = await CallAsync(wire, 23, new StreamChunkRequest { StreamId = opened.StreamId, Chunk = " "u8.ToArray() });

        Assert.Equal(schemaId, opened.SchemaId);
        Assert.Equal(("in_progress", true, 11L), (first.Verdict, first.CanStillBeValid, first.BytesReceived));
        Assert.Equal(("valid", true), (last.Verdict, last.CanStillBeValid));
        Assert.Equal(StatusCode.BadRequest, after.Status);
    }

    [Fact]
    public async Task A_stream_reports_an_enum_no_member_starts_with_at_the_chunk_that_makes_it_definite()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await RegisterAsync(wire, "weather", Weather);
        var opened = (await CallAsync(wire, 30, new StreamOpenRequest { SchemaId = schemaId, Extract = true }))
            .Body(static (ref Protocol.Wire.ProtocolReader r) => StreamOpenResponse.Read(ref r));

        var prose = Chunk(await CallAsync(wire, 31, new StreamChunkRequest { StreamId = opened.StreamId, Chunk = "Sure:\n```json\n{\"city\":\"Oslo\","u8.ToArray() }));
        var bad = Chunk(await CallAsync(wire, 32, new StreamChunkRequest { StreamId = opened.StreamId, Chunk = "\"unit\":\"kel"u8.ToArray() }));

        Assert.Equal("in_progress", prose.Verdict);
        Assert.Equal(("invalid", false), (bad.Verdict, bad.CanStillBeValid));
        var error = Assert.Single(bad.Errors);
        Assert.Equal(("/unit", "enum"), (error.InstanceLocation, error.Keyword));
    }

    [Fact]
    public async Task A_stream_cut_off_mid_value_is_truncated_not_invalid()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await RegisterAsync(wire, "weather", Weather);
        var opened = (await CallAsync(wire, 40, new StreamOpenRequest { SchemaId = schemaId }))
            .Body(static (ref Protocol.Wire.ProtocolReader r) => StreamOpenResponse.Read(ref r));

        var last = Chunk(await CallAsync(wire, 41, new StreamChunkRequest { StreamId = opened.StreamId, Chunk = """{"city":"Oslo","un"""u8.ToArray(), Final = true }));

        Assert.Equal(("truncated", true), (last.Verdict, last.CanStillBeValid));
    }

    [Fact]
    public async Task A_chunk_for_a_stream_never_opened_is_a_bad_request()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);

        var response = await CallAsync(wire, 50, new StreamChunkRequest { StreamId = 9, Chunk = "{"u8.ToArray() });

        Assert.Equal(StatusCode.BadRequest, response.Status);
    }
}
