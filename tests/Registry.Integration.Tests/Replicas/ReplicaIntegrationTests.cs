using System.Net;
using System.Text.Json;
using Registry.Integration.Tests.Tiers;

namespace Registry.Integration.Tests.Replicas;

/// <summary>Two server processes, each with its own memory, sharing PostgreSQL, Redis and S3.</summary>
[Trait("Requires", "postgres")]
[Trait("Requires", "redis")]
[Trait("Requires", "s3")]
public sealed class ReplicaIntegrationTests
{
    [Fact]
    public async Task Concurrent_registrations_through_two_replicas_produce_one_consistent_history()
    {
        var space = await TierSpace.CreateAsync();
        await using var a = await ReplicaProcess.StartAsync(ReplicaServer.Settings(space));
        await using var b = await ReplicaProcess.StartAsync(ReplicaServer.Settings(space));
        Assert.Equal(HttpStatusCode.OK, (await a.PutAsync("/v1/config/orders", """{"compatibility":"NONE"}""")).Status);
        const int PerReplica = 25;

        async Task<List<(int Version, long Id, string Title)>> RegisterAll(ReplicaClient replica, string tag) =>
            [.. await Task.WhenAll(Enumerable.Range(0, PerReplica).Select(async i =>
            {
                var title = $"{tag}{i}";
                var (status, body) = await replica.PostAsync("/v1/subjects/orders/versions", $$$"""{"schema":{"title":"{{{title}}}"}}""");
                Assert.Equal(HttpStatusCode.Created, status);
                return (body.GetProperty("version").GetInt32(), body.GetProperty("id").GetInt64(), title);
            }))];

        var results = await Task.WhenAll(RegisterAll(a, "a"), RegisterAll(b, "b"));
        var all = results.SelectMany(r => r).ToList();

        Assert.Equal(Enumerable.Range(1, 2 * PerReplica), all.Select(r => r.Version).Order());
        Assert.Equal(Enumerable.Range(1, 2 * PerReplica).Select(i => (long)i), all.Select(r => r.Id).Order());
        foreach (var replica in new ReplicaClient[] { a, b })
        {
            var (status, versions) = await replica.GetAsync("/v1/subjects/orders/versions");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(all.OrderBy(r => r.Version).Select(r => (r.Version, r.Id)),
                versions.EnumerateArray().Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("id").GetInt64())));
            foreach (var registered in all)
            {
                var (_, version) = await replica.GetAsync($"/v1/subjects/orders/versions/{registered.Version}");
                Assert.Equal(registered.Title, version.GetProperty("schema").GetProperty("title").GetString());
            }
        }
    }

    [Fact]
    public async Task A_write_through_one_replica_is_visible_through_the_other_at_once()
    {
        var space = await TierSpace.CreateAsync();
        await using var a = await ReplicaProcess.StartAsync(ReplicaServer.Settings(space));
        await using var b = await ReplicaProcess.StartAsync(ReplicaServer.Settings(space));
        Assert.Equal(HttpStatusCode.OK, (await a.PutAsync("/v1/config/orders", """{"compatibility":"NONE"}""")).Status);

        for (var i = 1; i <= 10; i++)
        {
            var (writer, reader) = i % 2 == 0 ? (a, b) : (b, a);

            // The reader has the subject, its config and the schema in memory and in Redis before each write.
            await reader.GetAsync("/v1/subjects/orders/versions/latest");
            await reader.GetAsync("/v1/config/orders");

            var (created, registered) = await writer.PostAsync("/v1/subjects/orders/versions", $$$"""{"schema":{"title":"v{{{i}}}","type":"object"}}""");
            Assert.Equal(HttpStatusCode.Created, created);
            var id = registered.GetProperty("id").GetInt64();
            var (_, latest) = await reader.GetAsync("/v1/subjects/orders/versions/latest");
            Assert.Equal(i, latest.GetProperty("version").GetInt32());
            Assert.Equal(id, latest.GetProperty("id").GetInt64());
            Assert.Equal(HttpStatusCode.OK, (await reader.PostAsync($"/v1/schemas/{id}/validate", "{}")).Status);

            Assert.Equal(HttpStatusCode.OK, (await writer.PutAsync($"/v1/subjects/orders/versions/{i}/state", """{"state":"DEPRECATED","reason":"next"}""")).Status);
            var (_, deprecated) = await reader.GetAsync($"/v1/subjects/orders/versions/{i}");
            Assert.Equal("DEPRECATED", deprecated.GetProperty("state").GetString());
            Assert.Equal(HttpStatusCode.OK, (await writer.PutAsync($"/v1/subjects/orders/versions/{i}/state", """{"state":"ARCHIVED"}""")).Status);
            var (refused, error) = await reader.PostAsync($"/v1/schemas/{id}/validate", "{}");
            Assert.NotEqual(HttpStatusCode.OK, refused);
            Assert.Equal("version_archived", error.GetProperty("error_code").GetString());

            var level = i % 2 == 0 ? "FORWARD" : "NONE";
            Assert.Equal(HttpStatusCode.OK, (await writer.PutAsync("/v1/config/orders", $$"""{"compatibility":"{{level}}"}""")).Status);
            var (_, config) = await reader.GetAsync("/v1/config/orders");
            Assert.Equal(level, Stored(config));
            if (level == "FORWARD")
            {
                Assert.Equal(HttpStatusCode.OK, (await writer.PutAsync("/v1/config/orders", """{"compatibility":"NONE"}""")).Status);
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await a.SendAsync(HttpMethod.Delete, "/v1/subjects/orders")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync("/v1/subjects/orders/versions/latest")).Status);

        var (_, stats) = await b.GetAsync("/v1/stats");
        Assert.True(stats.GetProperty("invalidations").GetProperty("received").GetInt64() > 0);
        Assert.Equal(0, stats.GetProperty("invalidations").GetProperty("acknowledgement_timeouts").GetInt64());
    }

    private static string? Stored(JsonElement config) =>
        config.TryGetProperty("stored", out var stored) ? stored.GetProperty("compatibility").GetString() : config.GetProperty("compatibility").GetString();
}
