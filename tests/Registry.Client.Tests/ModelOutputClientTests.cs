using System.Text;
using System.Text.Json;
using Registry.Protocol;
using Registry.Protocol.Messages;

namespace Registry.Client.Tests;

/// <summary><see cref="RegistryClient.LintAsync(ReadOnlyMemory{byte}, IReadOnlyList{string}, CancellationToken)"/> and <see cref="RegistryClient.CheckOutputAsync(CheckOutputRequest, CancellationToken)"/> against the server in this process.</summary>
public sealed class ModelOutputClientTests
{
    private const string Tool = """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","maximum":14}},"required":["city"]}""";

    private static CancellationToken Ct => ClientFixture.Ct;

    [Fact]
    public async Task Lint_async_reports_each_profile_with_named_violations_for_a_schema_and_a_version()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.RegisterAsync("tools.weather", Tool, Ct);

        var bySchema = await f.Client.LintAsync(Encoding.UTF8.GetBytes(Tool), ["openai-strict", "mcp-tool"], Ct);
        var byVersion = await f.Client.LintAsync("tools.weather", VersionSelector.Latest, ["openai-strict"], Ct);

        Assert.Equal(["openai-strict", "mcp-tool"], bySchema.Select(r => r.Profile));
        Assert.False(bySchema[0].Accepted);
        Assert.Contains(bySchema[0].Violations, v => v.Name == "PROPERTY_NOT_REQUIRED" && v.Pointer.EndsWith("/days", StringComparison.Ordinal));
        Assert.Equal(LintCheckStatus.Completed, bySchema[1].Status);
        Assert.Equal(bySchema[0].Violations.Select(v => (v.Name, v.Pointer)), byVersion[0].Violations.Select(v => (v.Name, v.Pointer)));
    }

    [Fact]
    public async Task Lint_async_with_an_unknown_profile_throws_bad_request()
    {
        await using var f = await ClientFixture.StartAsync();

        var e = await Assert.ThrowsAsync<RegistryRequestException>(async () => await f.Client.LintAsync("{}"u8.ToArray(), ["no-such-provider"], Ct));

        Assert.Equal(StatusCode.BadRequest, e.Status);
        Assert.Contains("openai-strict", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_output_async_extracts_repairs_and_validates_with_feedback()
    {
        await using var f = await ClientFixture.StartAsync();
        var registered = await f.Client.RegisterAsync("tools.weather", Tool, Ct);

        var valid = await f.Client.CheckOutputAsync(registered.SchemaId, "Sure:\n```json\n{\"city\":\"Oslo\"}\n```", Ct);
        var repaired = await f.Client.CheckOutputAsync(
            new CheckOutputRequest { Subject = "tools.weather", Output = "{'city': 'Oslo', 'days': 30,}"u8.ToArray(), Repair = "all" }, Ct);

        Assert.Equal(("valid", true, registered.SchemaId), (valid.Verdict, valid.Valid, valid.SchemaId));
        Assert.Equal(("invalid", false), (repaired.Verdict, repaired.Valid));
        using var json = JsonDocument.Parse(repaired.Result);
        Assert.True(json.RootElement.GetProperty("repairs").GetArrayLength() >= 2);
        Assert.Contains("/days", json.RootElement.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_output_async_under_a_profile_reads_null_for_an_optional_property_as_absent()
    {
        await using var f = await ClientFixture.StartAsync();
        var registered = await f.Client.RegisterAsync("tools.weather", Tool, Ct);
        var output = """{"city":"Oslo","days":null}"""u8.ToArray();

        var plain = await f.Client.CheckOutputAsync(new CheckOutputRequest { SchemaId = registered.SchemaId, Output = output }, Ct);
        var mapped = await f.Client.CheckOutputAsync(new CheckOutputRequest { SchemaId = registered.SchemaId, Output = output, Profile = "openai-strict" }, Ct);

        Assert.False(plain.Valid);
        Assert.True(mapped.Valid);
    }

    [Fact]
    public async Task An_output_stream_session_under_a_profile_reads_null_for_an_optional_property_as_absent()
    {
        await using var f = await ClientFixture.StartAsync();
        var registered = await f.Client.RegisterAsync("tools.weather", Tool, Ct);
        var output = """{"city":"Oslo","days":null}"""u8.ToArray();

        var plain = await f.Client.OpenOutputStreamAsync(registered.SchemaId, cancellationToken: Ct);
        var plainAnswer = await plain.FeedAsync(output, cancellationToken: Ct);
        var mapped = await f.Client.OpenOutputStreamAsync("tools.weather", VersionSelector.Latest, extract: false, profile: "openai-strict", Ct);
        await mapped.FeedAsync(output, cancellationToken: Ct);
        var mappedAnswer = await mapped.CompleteAsync(cancellationToken: Ct);

        Assert.Equal("invalid", plainAnswer.Verdict);
        Assert.Equal("valid", mappedAnswer.Verdict);
    }

    [Fact]
    public async Task An_output_stream_session_fed_byte_by_byte_ends_valid_and_a_bad_one_stops_at_the_first_definite_violation()
    {
        await using var f = await ClientFixture.StartAsync();
        var registered = await f.Client.RegisterAsync("tools.weather", Tool, Ct);
        var good = """{"city":"Oslo","days":3}"""u8.ToArray();

        var session = await f.Client.OpenOutputStreamAsync(registered.SchemaId, cancellationToken: Ct);
        foreach (var b in good)
        {
            var answer = await session.FeedAsync(new[] { b }, cancellationToken: Ct);
            Assert.Equal("in_progress", answer.Verdict);
        }

        var verdict = await session.CompleteAsync(cancellationToken: Ct);
        var bad = await f.Client.OpenOutputStreamAsync("tools.weather", VersionSelector.Latest, cancellationToken: Ct);
        var early = await bad.FeedAsync("""{"city":7,"""u8.ToArray(), cancellationToken: Ct);

        Assert.Equal(("valid", true), (verdict.Verdict, session.IsFinished));
        Assert.Equal("invalid", early.Verdict);
        Assert.True(bad.IsFinished);
        Assert.Equal("/city", Assert.Single(early.Errors).InstanceLocation);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await bad.FeedAsync("}"u8.ToArray(), cancellationToken: Ct));
    }
}
