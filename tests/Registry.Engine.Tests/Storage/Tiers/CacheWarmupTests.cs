using System.Diagnostics;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Sqlite;
using Registry.Engine.Tests.Registry;
using Registry.Schemas.Validation;

namespace Registry.Engine.Tests.Storage.Tiers;

/// <summary>Start-up warm-up keeps its time budget, whatever a schema costs to load or compile, and skips what fails.</summary>
public sealed class CacheWarmupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Warm_up_ends_at_its_budget_even_when_loading_a_schema_cannot_be_interrupted()
    {
        await using var harness = await EngineHarness.CreateAsync();
        for (var i = 0; i < 8; i++)
        {
            await harness.RegisterAsync($"warm.slow{i}", "{\"type\":\"object\",\"properties\":{\"n" + i + "\":{\"type\":\"string\"}}}");
        }

        // Each schema read blocks a worker for 3 s and ignores cancellation, as a long compile does.
        await using var inner = new SqliteRegistryStore(new SqliteStoreOptions { Path = harness.DatabasePath });
        await inner.InitializeAsync(Ct);
        var slow = new UninterruptibleReads(inner, TimeSpan.FromSeconds(3));
        var registry = new SchemaRegistry(slow, new RegistryEngineOptions(), harness.Time);
        var clock = Stopwatch.StartNew();

        var warmed = await global::Registry.Engine.Storage.Tiers.CacheWarmup.RunAsync(registry, slow, 100, TimeSpan.FromMilliseconds(200), Ct);

        clock.Stop();
        Assert.Equal(0, warmed);
        // Under 3 s: sooner than any one read could finish, so it waited for none (6 s when it waited). The slack above
        // the budget is the thread pool's, whose workers the blocked reads hold (2.1 s once on a loaded 2-core machine).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.9), $"warm-up took {clock.Elapsed} for a 200 ms budget");
    }

    [Fact]
    public async Task Warm_up_skips_a_schema_that_no_longer_compiles_and_warms_the_others()
    {
        // Registered under laxer limits than the server now runs with.
        var lax = new RegistryEngineOptions { Limits = new SchemaLimits { MaxPatternGroupRepeat = 10_000 } };
        await using var harness = await EngineHarness.CreateAsync(lax);
        await harness.RegisterAsync("warm.costly", """{"type":"string","pattern":"(.*a){2000}"}""");
        await harness.RegisterAsync("warm.plain", """{"type":"string","pattern":"^[a-z]+$"}""");
        var registry = await harness.OpenAsync(new RegistryEngineOptions());
        await using var source = new SqliteRegistryStore(new SqliteStoreOptions { Path = harness.DatabasePath });
        await source.InitializeAsync(Ct);
        var clock = Stopwatch.StartNew();

        var warmed = await global::Registry.Engine.Storage.Tiers.CacheWarmup.RunAsync(registry, source, 100, TimeSpan.FromSeconds(10), Ct);

        clock.Stop();
        Assert.Equal(1, warmed);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    /// <summary>A store whose schema reads block without looking at their cancellation token.</summary>
    private sealed class UninterruptibleReads(IRegistryStore inner, TimeSpan delay) : IRegistryStore, IWarmupSource
    {
        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken)
        {
            Thread.Sleep(delay);
            return inner.GetSchemaAsync(id, CancellationToken.None);
        }

        public Task<IReadOnlyList<long>> GetWarmupSchemaIdsAsync(int limit, CancellationToken cancellationToken) =>
            ((IWarmupSource)inner).GetWarmupSchemaIdsAsync(limit, cancellationToken);

        public Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) => inner.FindSchemaIdAsync(fingerprint, cancellationToken);

        public Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken) => inner.GetSubjectAsync(subject, cancellationToken);

        public Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken) => inner.GetVersionAsync(subject, version, cancellationToken);

        public Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken) => inner.ListSubjectsAsync(query, cancellationToken);

        public Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken) => inner.GetSchemaUsageAsync(schemaId, cancellationToken);

        public Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken) => inner.GetReferrersAsync(target, cancellationToken);

        public Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken) => inner.AppendVersionAsync(append, cancellationToken);

        public Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken) => inner.UpdateVersionAsync(update, cancellationToken);

        public Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.SoftDeleteAsync(subject, versions, expectedRevision, now, cancellationToken);

        public Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken) =>
            inner.HardDeleteAsync(subject, versions, wholeSubject, expectedRevision, cancellationToken);

        public Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken) => inner.GetConfigAsync(subject, cancellationToken);

        public Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken) => inner.SetConfigAsync(subject, config, cancellationToken);

        public Task<WriteResult> SetAliasAsync(AliasWrite write, CancellationToken cancellationToken) => inner.SetAliasAsync(write, cancellationToken);

        public Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string subject, string name, int limit, CancellationToken cancellationToken) => inner.GetAliasHistoryAsync(subject, name, limit, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
