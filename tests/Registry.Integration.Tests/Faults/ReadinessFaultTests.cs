using System.Net;
using System.Text.Json;
using Registry.Integration.Tests.Replicas;
using Registry.Testing;

namespace Registry.Integration.Tests.Faults;

/// <summary>
/// <c>/health/ready</c> follows the system of record: a replica over a PostgreSQL instance of the test's own (initdb and
/// pg_ctl from the Debian packages, a free port; see <see cref="PrivatePostgres"/>, which fails naming what is missing
/// when the binaries are not installed) turns unready when the server stops and ready again when it returns, while
/// <c>/health/live</c> keeps answering.
/// </summary>
[Trait("Requires", "postgres")]
public sealed class ReadinessFaultTests
{
    /// <summary>Generous: the store check itself gives up after 2 s, and a loaded CI machine is slow to restart PostgreSQL.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ready_turns_503_when_postgres_stops_and_200_again_when_it_returns_while_live_stays_200()
    {
        await using var postgres = await PrivatePostgres.StartNewAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Registry:Storage:Provider"] = "postgres",
            ["Registry:Storage:Postgres:ConnectionString"] = postgres.ConnectionString,
            ["Registry:Storage:Postgres:MaxPoolSize"] = "5",
            ["Registry:Storage:Postgres:ConnectTimeout"] = "00:00:02",
        };
        await using var server = await ReplicaServer.StartAsync(settings);

        var up = await ReadyUntilAsync(server, HttpStatusCode.OK, "ready before PostgreSQL stops");
        Assert.Equal("ok", up.GetProperty("status").GetString());
        Assert.Equal("postgres", Store(up).GetProperty("provider").GetString());
        Assert.Equal("up", Store(up).GetProperty("status").GetString());

        await postgres.StopAsync();

        var down = await ReadyUntilAsync(server, HttpStatusCode.ServiceUnavailable, "unready once PostgreSQL has stopped");
        Assert.Equal("unavailable", down.GetProperty("status").GetString());
        Assert.Equal("down", Store(down).GetProperty("status").GetString());
        var error = Store(down).GetProperty("error").GetString();
        Assert.True(error is "unreachable" or "timed out", error);
        Assert.Equal("done", down.GetProperty("checks").GetProperty("warmup").GetString());
        Assert.Equal("open", down.GetProperty("checks").GetProperty("listeners").GetString());
        var (liveStatus, live) = await server.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal("ok", live.GetProperty("status").GetString());

        await postgres.StartAsync();

        var back = await ReadyUntilAsync(server, HttpStatusCode.OK, "ready again once PostgreSQL is back");
        Assert.Equal("up", Store(back).GetProperty("status").GetString());
        Assert.False(Store(back).TryGetProperty("error", out _));
        var (aliasStatus, _) = await server.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, aliasStatus);
    }

    private static JsonElement Store(JsonElement body) => body.GetProperty("tiers").GetProperty("store");

    /// <summary>Polls <c>/health/ready</c> (bounded by <see cref="Patience"/>) until it answers <paramref name="expected"/>; returns that body.</summary>
    private static async Task<JsonElement> ReadyUntilAsync(ReplicaServer server, HttpStatusCode expected, string what)
    {
        JsonElement body = default;
        var last = "no answer yet";
        try
        {
            await Waiting.UntilAsync(async () =>
            {
                var (status, answer) = await server.GetAsync("/health/ready");
                last = $"{(int)status} {answer}";
                body = answer;
                return status == expected;
            }, $"/health/ready {what}", Ct, Patience, TimeSpan.FromMilliseconds(250));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; its last answer was {last}", e);
        }

        return body;
    }
}
