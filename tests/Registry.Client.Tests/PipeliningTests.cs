using System.Text;
using Registry.Protocol.Messages;

namespace Registry.Client.Tests;

/// <summary>Many concurrent calls multiplexed over few connections, each answered with its own response.</summary>
public sealed class PipeliningTests
{
    private static CancellationToken Ct => ClientFixture.Ct;

    [Fact]
    public async Task Hundreds_of_concurrent_calls_on_one_connection_each_get_the_answer_to_their_own_request()
    {
        await using var f = await ClientFixture.StartAsync(configure: o => o with { PoolSize = 1, MaxInFlightPerConnection = 64 });
        var ids = new int[8];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = (await f.Client.RegisterAsync($"limits.{i}", $$"""{"type":"integer","maximum":{{i}}}""", Ct)).SchemaId;
        }

        // Call n validates n % 10 against schema n % 8 (maximum n % 8), so each answer says which request it was for.
        var calls = new Task<(int Call, bool Valid, int SchemaId)>[600];
        for (var n = 0; n < calls.Length; n++)
        {
            var call = n;
            calls[n] = Task.Run(async () =>
            {
                var report = await f.Client.ValidateAsync(ids[call % 8], Encoding.UTF8.GetBytes((call % 10).ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken: Ct);
                return (call, report.IsValid, report.SchemaId);
            }, Ct);
        }

        var results = await Task.WhenAll(calls);

        Assert.All(results, r =>
        {
            Assert.Equal(ids[r.Call % 8], r.SchemaId);
            Assert.Equal(r.Call % 10 <= r.Call % 8, r.Valid);
        });
    }

    [Fact]
    public async Task Concurrent_fetches_of_different_ids_each_return_their_own_schema()
    {
        await using var f = await ClientFixture.StartAsync(configure: o => o with { PoolSize = 2 });
        var schemas = new Dictionary<int, string>();
        for (var i = 0; i < 20; i++)
        {
            var text = $$"""{"type":"string","maxLength":{{i + 1}}}""";
            schemas[(await f.Client.RegisterAsync($"strings.{i}", text, Ct)).SchemaId] = text;
        }

        var fetches = schemas.Keys.SelectMany(id => Enumerable.Repeat(id, 25)).Select(async id => (id, await f.Client.FetchSchemaAsync(id, Ct))).ToArray();
        var fetched = await Task.WhenAll(fetches);

        Assert.All(fetched, r => Assert.Equal((r.id, schemas[r.id]), (r.Item2.Id, r.Item2.ToString())));
    }

    [Fact]
    public async Task Without_write_connections_a_registration_followed_at_once_by_a_read_of_latest_sees_the_registration()
    {
        // Writes on the one read connection: the read, sent after the write on the same connection, waits for it (a
        // barrier). With write connections, only a read sent after the write is acknowledged is sure to see it
        // (LaneTests).
        await using var f = await ClientFixture.StartAsync(configure: o => o with { PoolSize = 1, WriteConnections = 0 });
        await f.Client.RegisterAsync("counter", """{"type":"integer"}""", Ct);
        await f.Client.SetConfigAsync(new SetConfigRequest { Subject = "counter", Level = CompatibilityLevel.None }, Ct);

        for (var i = 2; i <= 6; i++)
        {
            var registering = f.Client.RegisterAsync("counter", $$"""{"type":"integer","minimum":{{i}}}""", Ct).AsTask();
            var reading = f.Client.GetVersionAsync("counter", cancellationToken: Ct).AsTask();
            await Task.WhenAll(registering, reading);

            // Both went out on the one connection; the read was sent after the write, so it sees it (a barrier).
            Assert.Equal(i, (await registering).Version);
            Assert.Equal(i, (await reading).Info.Version);
        }
    }
}
