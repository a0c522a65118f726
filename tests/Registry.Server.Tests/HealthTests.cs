using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Registry.Server.Http;

namespace Registry.Server.Tests;

public sealed class HealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Live_answers_ok_while_the_process_runs()
    {
        await using var server = await InProcessServer.StartAsync();

        using var response = await server.Http.GetAsync("/health/live", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/health")]
    public async Task Ready_reports_the_store_up_warmup_done_listeners_open_and_each_tier(string path)
    {
        await using var server = await InProcessServer.StartAsync();

        using var response = await server.Http.GetAsync(path, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal("done", body.GetProperty("checks").GetProperty("warmup").GetString());
        Assert.Equal("open", body.GetProperty("checks").GetProperty("listeners").GetString());
        var tiers = body.GetProperty("tiers");
        Assert.Equal("up", tiers.GetProperty("store").GetProperty("status").GetString());
        Assert.Equal("sqlite", tiers.GetProperty("store").GetProperty("provider").GetString());
        Assert.Equal("not_configured", tiers.GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("not_configured", tiers.GetProperty("s3").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_turns_503_when_the_host_begins_to_stop_while_live_stays_ok()
    {
        await using var server = await InProcessServer.StartAsync();
        server.Services.GetRequiredService<Readiness>().ListenersClosing();

        using var ready = await server.Http.GetAsync("/health/ready", Ct);
        using var live = await server.Http.GetAsync("/health/live", Ct);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("unavailable", body.GetProperty("status").GetString());
        Assert.Equal("closed", body.GetProperty("checks").GetProperty("listeners").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
