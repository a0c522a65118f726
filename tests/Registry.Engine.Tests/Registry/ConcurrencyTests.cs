using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Schemas.Compatibility;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>
/// Many writers at once: no duplicate version, no lost version, ids unique and without gaps — inside one engine
/// (local write queue) and across engines sharing the file with the local queue off (only the store's revision
/// checks between them, as between replicas).
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Tasks = 24;

    [Fact]
    public async Task Concurrent_registrations_of_the_same_content_create_one_version()
    {
        await using var h = await EngineHarness.CreateAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(_ => Task.Run(() => h.RegisterAsync("same", TestSchemas.PersonV1), Ct)));

        Assert.All(results, r => Assert.Equal((1, 1L), (r.Version, r.SchemaId)));
        Assert.Single(results, r => r.Created);
        Assert.Single(await h.Registry.ListVersionsAsync("same", cancellationToken: Ct));
    }

    [Fact]
    public async Task Concurrent_registrations_of_different_content_get_every_version_once_and_unique_ids()
    {
        await using var h = await EngineHarness.CreateAsync();
        await h.Registry.SetCompatibilityAsync("hot", CompatibilityLevel.None, cancellationToken: Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(i => Task.Run(() => h.RegisterAsync("hot", TestSchemas.Titled($"t{i}")), Ct)));

        AssertContiguous(results.Select(r => r.Version), Tasks);
        AssertContiguous(results.Select(r => (int)r.SchemaId), Tasks);
        var versions = await h.Registry.ListVersionsAsync("hot", cancellationToken: Ct);
        Assert.Equal(results.OrderBy(r => r.Version).Select(r => r.SchemaId), versions.Select(v => v.SchemaId));
    }

    [Fact]
    public async Task Concurrent_registrations_across_subjects_share_ids_by_content()
    {
        await using var h = await EngineHarness.CreateAsync();

        // Every task registers the same 4 contents, each under its own subject.
        var results = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(i => Task.Run(async () =>
        {
            var ids = new List<long>();
            for (var c = 0; c < 4; c++)
            {
                await h.Registry.SetCompatibilityAsync($"s{i}", CompatibilityLevel.None, cancellationToken: Ct);
                ids.Add((await h.RegisterAsync($"s{i}", TestSchemas.Titled($"c{c}"))).SchemaId);
            }

            return ids;
        }, Ct)));

        Assert.Equal(4, results.SelectMany(r => r).Distinct().Count());
        Assert.All(results, ids => Assert.Equal(results[0], ids));
        AssertContiguous(results[0].Select(id => (int)id), 4);
    }

    [Fact]
    public async Task Engines_sharing_a_file_without_local_queues_stay_consistent()
    {
        var options = new RegistryEngineOptions { SerializeLocalWrites = false };
        await using var h = await EngineHarness.CreateAsync(options);
        var engines = new[] { h.Registry, await h.OpenAsync(options), await h.OpenAsync(options) };
        await engines[0].SetCompatibilityAsync("shared", CompatibilityLevel.None, cancellationToken: Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(i => Task.Run(() =>
            engines[i % engines.Length].RegisterAsync(new SchemaRegistration
            {
                Subject = "shared",
                Schema = System.Text.Encoding.UTF8.GetBytes(i % 4 == 0 ? TestSchemas.Titled("dup") : TestSchemas.Titled($"u{i}")),
            }, Ct), Ct)));

        var created = results.Where(r => r.Created).ToList();
        AssertContiguous(created.Select(r => r.Version), created.Count);
        Assert.Equal(Tasks - (Tasks / 4) + 1, created.Count);
        Assert.Single(results.Select(r => r.SchemaId).Where(id => results.Count(r => r.SchemaId == id) > 1).Distinct());
        var versions = await engines[1].ListVersionsAsync("shared", cancellationToken: Ct);
        Assert.Equal(created.Count, versions.Count);
        Assert.Equal(versions.Count, versions.Select(v => v.SchemaId).Distinct().Count());
    }

    [Fact]
    public async Task Concurrent_state_changes_and_registrations_do_not_lose_either()
    {
        await using var h = await EngineHarness.CreateAsync(new RegistryEngineOptions { SerializeLocalWrites = false });
        var other = await h.OpenAsync(new RegistryEngineOptions { SerializeLocalWrites = false });
        await h.Registry.SetCompatibilityAsync("mixed", CompatibilityLevel.None, cancellationToken: Ct);
        await h.RegisterAsync("mixed", TestSchemas.Titled("base"));

        var registrations = Enumerable.Range(0, 10).Select(i => Task.Run(() => h.RegisterAsync("mixed", TestSchemas.Titled($"r{i}")), Ct));
        var metadata = Enumerable.Range(0, 10).Select(i => Task.Run(() => other.UpdateMetadataAsync("mixed", VersionSelector.Of(1), new VersionMetadata { Owner = $"o{i}" }, Ct), Ct));
        await Task.WhenAll([.. registrations, .. metadata]);

        var versions = await h.Registry.ListVersionsAsync("mixed", cancellationToken: Ct);
        Assert.Equal(Enumerable.Range(1, 11), versions.Select(v => v.Version));
        Assert.StartsWith("o", versions[0].Metadata.Owner, StringComparison.Ordinal);
    }

    private static void AssertContiguous(IEnumerable<int> values, int count) =>
        Assert.Equal(Enumerable.Range(1, count), values.Order());
}
