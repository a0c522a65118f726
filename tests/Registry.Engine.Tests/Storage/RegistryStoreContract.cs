using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Schemas;
using Registry.Engine.Storage;
using Registry.Schemas.Compatibility;

namespace Registry.Engine.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IRegistryStore"/> must have. A store's test class inherits this and says how to
/// create an empty, initialised store; every test here then runs against it.
/// </summary>
public abstract partial class RegistryStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected IRegistryStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new, empty, initialised store.</summary>
    protected abstract Task<IRegistryStore> CreateStoreAsync();

    /// <summary>Another store instance over the same data (another process or replica), initialised.</summary>
    protected abstract Task<IRegistryStore> OpenSecondStoreAsync();

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public virtual async ValueTask DisposeAsync() => await Store.DisposeAsync();

    protected static VersionAppend Append(string subject, long revision, string schema, params SchemaReference[] references)
    {
        var identity = SchemaIdentity.Compute("JSON", Encoding.UTF8.GetBytes(schema), references, 64);
        return new VersionAppend
        {
            Subject = subject,
            ExpectedRevision = revision,
            SchemaType = "JSON",
            Fingerprint = identity.Fingerprint,
            ContentHash = identity.ContentHash,
            Content = Encoding.UTF8.GetBytes(schema),
            References = identity.References,
            CreatedAt = T0,
        };
    }

    protected async Task<AppendResult> AppendAsync(string subject, string schema, params SchemaReference[] references)
    {
        var revision = (await Store.GetSubjectAsync(subject, Ct))?.Revision ?? 0;
        var result = await Store.AppendVersionAsync(Append(subject, revision, schema, references), Ct);
        Assert.Equal(WriteOutcome.Done, result.Outcome);
        return result;
    }

    protected async Task<long> RevisionAsync(string subject) => (await Store.GetSubjectAsync(subject, Ct))!.Revision;

    [Fact]
    public async Task Initialize_twice_keeps_the_data()
    {
        await AppendAsync("a", """{"type":"string"}""");

        await Store.InitializeAsync(Ct);

        Assert.NotNull(await Store.GetSubjectAsync("a", Ct));
    }

    [Fact]
    public async Task First_append_creates_version_1_with_schema_id_1()
    {
        var result = await AppendAsync("orders", """{"type":"object"}""");

        Assert.Equal((WriteOutcome.Done, 1L, 1, true), (result.Outcome, result.SchemaId, result.Version, result.SchemaCreated));
        var snapshot = await Store.GetSubjectAsync("orders", Ct);
        Assert.NotNull(snapshot);
        Assert.Equal(1, snapshot.Revision);
        var version = Assert.Single(snapshot.Versions);
        Assert.Equal((1, 1L, LifecycleState.Active, false), (version.Version, version.SchemaId, version.State, version.IsDeleted));
        Assert.Equal(T0, version.CreatedAt);
    }

    [Fact]
    public async Task Same_fingerprint_under_another_subject_reuses_the_id()
    {
        var first = await AppendAsync("a", """{"type":"string"}""");
        var second = await AppendAsync("b", """{"type":"string"}""");

        Assert.Equal(first.SchemaId, second.SchemaId);
        Assert.False(second.SchemaCreated);
        Assert.Equal(1, second.Version);
    }

    [Fact]
    public async Task New_content_gets_the_next_id_and_the_next_version()
    {
        await AppendAsync("a", """{"type":"string"}""");
        var second = await AppendAsync("a", """{"type":"number"}""");
        var third = await AppendAsync("b", """{"type":"boolean"}""");

        Assert.Equal((2L, 2), (second.SchemaId, second.Version));
        Assert.Equal((3L, 1), (third.SchemaId, third.Version));
    }

    [Fact]
    public async Task Append_against_a_stale_revision_conflicts_and_writes_nothing()
    {
        await AppendAsync("a", """{"type":"string"}""");

        var stale = await Store.AppendVersionAsync(Append("a", 0, """{"type":"number"}"""), Ct);
        var ahead = await Store.AppendVersionAsync(Append("a", 7, """{"type":"number"}"""), Ct);

        Assert.Equal(WriteOutcome.Conflict, stale.Outcome);
        Assert.Equal(WriteOutcome.Conflict, ahead.Outcome);
        Assert.Single((await Store.GetSubjectAsync("a", Ct))!.Versions);
        Assert.Null(await Store.FindSchemaIdAsync(Append("a", 0, """{"type":"number"}""").Fingerprint, Ct));
    }

    [Fact]
    public async Task Schema_record_keeps_content_hash_and_references()
    {
        await AppendAsync("address", """{"type":"object"}""");
        var schema = """{"$ref":"address.json"}""";
        var result = await AppendAsync("customer", schema, new SchemaReference("address.json", "address", 1));

        var record = await Store.GetSchemaAsync(result.SchemaId, Ct);

        Assert.NotNull(record);
        Assert.Equal(schema, Encoding.UTF8.GetString(record.Content.Span));
        Assert.Equal("JSON", record.SchemaType);
        Assert.Equal(32, record.ContentHash.Length);
        Assert.Equal(new SchemaReference("address.json", "address", 1), Assert.Single(record.References));
        Assert.Null(await Store.GetSchemaAsync(99, Ct));
    }

    [Fact]
    public async Task A_reference_to_a_missing_version_writes_nothing()
    {
        var append = Append("customer", 0, """{"$ref":"address.json"}""", new SchemaReference("address.json", "address", 1));

        var result = await Store.AppendVersionAsync(append, Ct);

        Assert.Equal(WriteOutcome.ReferenceNotFound, result.Outcome);
        Assert.Null(await Store.GetSubjectAsync("customer", Ct));
        Assert.Null(await Store.FindSchemaIdAsync(append.Fingerprint, Ct));
        Assert.Equal(1, (await AppendAsync("other", """{"type":"string"}""")).SchemaId);
    }

    [Fact]
    public async Task Referrers_and_usage_are_listed()
    {
        await AppendAsync("address", """{"type":"object"}""");
        await AppendAsync("customer", """{"$ref":"a.json"}""", new SchemaReference("a.json", "address", 1));
        await AppendAsync("supplier", """{"$ref":"a.json"}""", new SchemaReference("a.json", "address", 1));
        await AppendAsync("copy", """{"type":"object"}""");

        var referrers = await Store.GetReferrersAsync(new SubjectVersionRef("address", 1), Ct);
        var usage = await Store.GetSchemaUsageAsync(1, Ct);

        Assert.Equal(["customer", "supplier"], referrers.Select(r => r.Subject));
        Assert.Equal([("address", 1), ("copy", 1)], usage.Select(u => (u.Subject, u.Version)));
    }

    [Fact]
    public async Task Update_changes_state_deprecation_and_metadata()
    {
        await AppendAsync("a", """{"type":"string"}""");
        var metadata = new VersionMetadata
        {
            Description = "Order created — v1 ✓",
            Owner = "team-orders",
            Tags = ["pii", "llm-tool"],
            Properties = new Dictionary<string, string> { ["jira"] = "ORD-1", ["ünï"] = "cödé" },
        };
        var deprecation = new Deprecation { Reason = "use v2", Sunset = new DateTimeOffset(2026, 6, 30, 0, 0, 0, TimeSpan.Zero), Replacement = "a:2" };

        var result = await Store.UpdateVersionAsync(new VersionUpdate
        {
            Subject = "a",
            Version = 1,
            ExpectedRevision = 1,
            State = LifecycleState.Deprecated,
            Deprecation = deprecation,
            Metadata = metadata,
            UpdatedAt = T0.AddDays(1),
        }, Ct);

        Assert.Equal(WriteOutcome.Done, result.Outcome);
        var version = await Store.GetVersionAsync("a", 1, Ct);
        Assert.NotNull(version);
        Assert.Equal(LifecycleState.Deprecated, version.State);
        Assert.Equal(deprecation, version.Deprecation);
        Assert.Equal(metadata.Description, version.Metadata.Description);
        Assert.Equal(metadata.Owner, version.Metadata.Owner);
        Assert.Equal(metadata.Tags, version.Metadata.Tags);
        Assert.Equal(metadata.Properties.OrderBy(p => p.Key), version.Metadata.Properties.OrderBy(p => p.Key));
        Assert.Equal(T0.AddDays(1), version.UpdatedAt);
        Assert.Equal(2, await RevisionAsync("a"));
    }

    [Fact]
    public async Task Update_against_a_stale_revision_or_a_missing_version_changes_nothing()
    {
        await AppendAsync("a", """{"type":"string"}""");
        VersionUpdate Update(int version, long revision) => new()
        {
            Subject = "a",
            Version = version,
            ExpectedRevision = revision,
            State = LifecycleState.Archived,
            Metadata = VersionMetadata.Empty,
            UpdatedAt = T0,
        };

        Assert.Equal(WriteOutcome.Conflict, (await Store.UpdateVersionAsync(Update(1, 0), Ct)).Outcome);
        Assert.Equal(WriteOutcome.NotFound, (await Store.UpdateVersionAsync(Update(2, 1), Ct)).Outcome);
        Assert.Equal(LifecycleState.Active, (await Store.GetVersionAsync("a", 1, Ct))!.State);
        Assert.Equal(1, await RevisionAsync("a"));
    }

    [Fact]
    public async Task Soft_delete_flags_versions_and_keeps_them_readable()
    {
        await AppendAsync("a", """{"type":"string"}""");
        await AppendAsync("a", """{"type":"number"}""");

        var result = await Store.SoftDeleteAsync("a", [1], 2, T0, Ct);

        Assert.Equal(WriteOutcome.Done, result.Outcome);
        var snapshot = await Store.GetSubjectAsync("a", Ct);
        Assert.Equal([true, false], snapshot!.Versions.Select(v => v.IsDeleted));
        Assert.Equal(3, snapshot.Revision);
        Assert.NotNull(await Store.GetSchemaAsync(1, Ct));
    }

    [Fact]
    public async Task Soft_delete_of_a_version_referenced_by_a_live_version_is_refused()
    {
        await AppendAsync("address", """{"type":"object"}""");
        await AppendAsync("customer", """{"$ref":"a.json"}""", new SchemaReference("a.json", "address", 1));

        var refused = await Store.SoftDeleteAsync("address", [1], 1, T0, Ct);
        Assert.Equal(WriteOutcome.ReferenceExists, refused.Outcome);
        Assert.Equal(new SubjectVersionRef("customer", 1), Assert.Single(refused.Referrers));
        Assert.False((await Store.GetVersionAsync("address", 1, Ct))!.IsDeleted);

        Assert.Equal(WriteOutcome.Done, (await Store.SoftDeleteAsync("customer", [1], 1, T0, Ct)).Outcome);
        Assert.Equal(WriteOutcome.Done, (await Store.SoftDeleteAsync("address", [1], 1, T0, Ct)).Outcome);
    }

    [Fact]
    public async Task Hard_delete_of_a_version_referenced_by_any_remaining_version_is_refused()
    {
        await AppendAsync("address", """{"type":"object"}""");
        await AppendAsync("customer", """{"$ref":"a.json"}""", new SchemaReference("a.json", "address", 1));
        Assert.Equal(WriteOutcome.Done, (await Store.SoftDeleteAsync("customer", [1], 1, T0, Ct)).Outcome);
        Assert.Equal(WriteOutcome.Done, (await Store.SoftDeleteAsync("address", [1], 1, T0, Ct)).Outcome);

        var refused = await Store.HardDeleteAsync("address", [1], wholeSubject: false, 2, Ct);
        Assert.Equal(WriteOutcome.ReferenceExists, refused.Outcome);
        Assert.NotNull(await Store.GetVersionAsync("address", 1, Ct));

        Assert.Equal(WriteOutcome.Done, (await Store.HardDeleteAsync("customer", [1], wholeSubject: true, 2, Ct)).Outcome);
        Assert.Equal(WriteOutcome.Done, (await Store.HardDeleteAsync("address", [1], wholeSubject: false, 2, Ct)).Outcome);
        Assert.Null(await Store.GetVersionAsync("address", 1, Ct));
    }

    [Fact]
    public async Task Delete_of_versions_that_are_both_missing_and_referenced_reports_the_missing_version_and_changes_nothing()
    {
        await AppendAsync("address", """{"type":"object"}""");
        await AppendAsync("customer", """{"$ref":"a.json"}""", new SchemaReference("a.json", "address", 1));

        // Version 1 is referenced by a live version, version 2 does not exist: existence is checked first.
        var soft = await Store.SoftDeleteAsync("address", [1, 2], 1, T0, Ct);
        var hard = await Store.HardDeleteAsync("address", [2, 1], wholeSubject: false, 1, Ct);

        Assert.Equal((WriteOutcome.NotFound, 0), (soft.Outcome, soft.Referrers.Count));
        Assert.Equal((WriteOutcome.NotFound, 0), (hard.Outcome, hard.Referrers.Count));
        Assert.Equal(1, await RevisionAsync("address"));
        Assert.False((await Store.GetVersionAsync("address", 1, Ct))!.IsDeleted);
    }

    [Fact]
    public async Task Hard_delete_of_a_whole_subject_allows_references_inside_it()
    {
        await AppendAsync("a", """{"type":"object"}""");
        await AppendAsync("a", """{"$ref":"self.json"}""", new SchemaReference("self.json", "a", 1));
        Assert.Equal(WriteOutcome.Done, (await Store.SoftDeleteAsync("a", [1, 2], 2, T0, Ct)).Outcome);

        var result = await Store.HardDeleteAsync("a", [1, 2], wholeSubject: true, 3, Ct);

        Assert.Equal(WriteOutcome.Done, result.Outcome);
        Assert.Null(await Store.GetSubjectAsync("a", Ct));
    }

    [Fact]
    public async Task Hard_delete_keeps_ids_and_gives_them_back_to_the_same_content()
    {
        var first = await AppendAsync("a", """{"type":"string"}""");
        await Store.SoftDeleteAsync("a", [1], 1, T0, Ct);
        await Store.SetConfigAsync("a", new ConfigRecord { Compatibility = CompatibilityLevel.None }, Ct);

        Assert.Equal(WriteOutcome.Done, (await Store.HardDeleteAsync("a", [1], wholeSubject: true, 2, Ct)).Outcome);

        Assert.Null(await Store.GetSchemaAsync(first.SchemaId, Ct));
        Assert.Equal(ConfigRecord.Empty, await Store.GetConfigAsync("a", Ct));
        var other = await AppendAsync("b", """{"type":"number"}""");
        var again = await AppendAsync("a", """{"type":"string"}""");
        Assert.Equal(2, other.SchemaId);
        Assert.Equal((first.SchemaId, 1), (again.SchemaId, again.Version));
        Assert.NotNull(await Store.GetSchemaAsync(first.SchemaId, Ct));
    }

    [Fact]
    public async Task Hard_delete_of_single_versions_never_reuses_version_numbers()
    {
        await AppendAsync("a", """{"type":"string"}""");
        await AppendAsync("a", """{"type":"number"}""");
        await Store.SoftDeleteAsync("a", [2], 2, T0, Ct);
        await Store.HardDeleteAsync("a", [2], wholeSubject: false, 3, Ct);

        var next = await AppendAsync("a", """{"type":"boolean"}""");

        Assert.Equal(3, next.Version);
    }

    [Fact]
    public async Task Delete_against_a_stale_revision_conflicts()
    {
        await AppendAsync("a", """{"type":"string"}""");

        Assert.Equal(WriteOutcome.Conflict, (await Store.SoftDeleteAsync("a", [1], 5, T0, Ct)).Outcome);
        Assert.Equal(WriteOutcome.Conflict, (await Store.HardDeleteAsync("a", [1], false, 5, Ct)).Outcome);
        Assert.Equal(WriteOutcome.Conflict, (await Store.SoftDeleteAsync("missing", [1], 0, T0, Ct)).Outcome);
        Assert.False((await Store.GetVersionAsync("a", 1, Ct))!.IsDeleted);
    }

    [Fact]
    public async Task Explicit_ids_and_versions_are_used_and_allocation_continues_above_them()
    {
        var imported = await Store.AppendVersionAsync(Append("a", 0, """{"type":"string"}""") with { ExplicitId = 100, ExplicitVersion = 7 }, Ct);
        var next = await AppendAsync("a", """{"type":"number"}""");

        Assert.Equal((WriteOutcome.Done, 100L, 7), (imported.Outcome, imported.SchemaId, imported.Version));
        Assert.Equal((101L, 8), (next.SchemaId, next.Version));
    }

    [Fact]
    public async Task Explicit_ids_and_versions_that_collide_are_refused()
    {
        await AppendAsync("a", """{"type":"string"}""");

        var idOfOtherContent = await Store.AppendVersionAsync(Append("b", 0, """{"type":"number"}""") with { ExplicitId = 1 }, Ct);
        var otherIdForContent = await Store.AppendVersionAsync(Append("b", 0, """{"type":"string"}""") with { ExplicitId = 5 }, Ct);
        var takenVersion = await Store.AppendVersionAsync(Append("a", 1, """{"type":"number"}""") with { ExplicitVersion = 1 }, Ct);

        Assert.Equal(WriteOutcome.IdConflict, idOfOtherContent.Outcome);
        Assert.Equal(WriteOutcome.IdConflict, otherIdForContent.Outcome);
        Assert.Equal(WriteOutcome.IdConflict, takenVersion.Outcome);
        Assert.Null(await Store.GetSubjectAsync("b", Ct));
        Assert.Single((await Store.GetSubjectAsync("a", Ct))!.Versions);
    }

    [Fact]
    public async Task Subjects_are_listed_in_order_with_prefix_deleted_filters_and_paging()
    {
        foreach (var name in new[] { "orders.v2", "orders.created", "payments", "orders.deleted", "ordersx" })
        {
            await AppendAsync(name, $$"""{"title":"{{name}}"}""");
        }

        await Store.SoftDeleteAsync("orders.deleted", [1], 1, T0, Ct);

        async Task<string[]> List(string? prefix, DeletedFilter deleted, int offset = 0, int limit = 100) =>
            [.. await Store.ListSubjectsAsync(new SubjectQuery(prefix, deleted, offset, limit), Ct)];

        Assert.Equal(["orders.created", "orders.v2", "ordersx", "payments"], await List(null, DeletedFilter.Exclude));
        Assert.Equal(["orders.created", "orders.deleted", "orders.v2"], await List("orders.", DeletedFilter.Include));
        Assert.Equal(["orders.deleted"], await List(null, DeletedFilter.Only));
        Assert.Equal(["orders.v2", "ordersx"], await List(null, DeletedFilter.Exclude, offset: 1, limit: 2));
        Assert.Empty(await List("zzz", DeletedFilter.Include));
    }

    [Fact]
    public async Task Prefix_is_literal_not_a_pattern()
    {
        await AppendAsync("a%b", """{"type":"string"}""");
        await AppendAsync("axb", """{"type":"number"}""");
        await AppendAsync("a_c", """{"type":"boolean"}""");

        var list = await Store.ListSubjectsAsync(new SubjectQuery("a%", DeletedFilter.Exclude, 0, 10), Ct);
        var underscore = await Store.ListSubjectsAsync(new SubjectQuery("a_", DeletedFilter.Exclude, 0, 10), Ct);

        Assert.Equal(["a%b"], list);
        Assert.Equal(["a_c"], underscore);
    }

    [Fact]
    public async Task Config_profiles_are_stored_and_an_empty_list_differs_from_none()
    {
        await Store.SetConfigAsync("a", new ConfigRecord { Profiles = ["openai-strict", "gemini"], Mode = RegistryMode.ReadWrite }, Ct);
        await Store.SetConfigAsync("b", new ConfigRecord { Profiles = [] }, Ct);

        var a = await Store.GetConfigAsync("a", Ct);
        var b = await Store.GetConfigAsync("b", Ct);
        Assert.Equal(["openai-strict", "gemini"], a.Profiles!);
        Assert.Equal(RegistryMode.ReadWrite, a.Mode);
        Assert.NotNull(b.Profiles);
        Assert.Empty(b.Profiles);
        Assert.Null((await Store.GetConfigAsync("c", Ct)).Profiles);

        await Store.SetConfigAsync("a", a with { Profiles = null }, Ct);
        Assert.Null((await Store.GetConfigAsync("a", Ct)).Profiles);
    }

    [Fact]
    public async Task Config_is_stored_per_scope_and_an_empty_record_removes_it()
    {
        var global = new ConfigRecord { Compatibility = CompatibilityLevel.Full, Policy = CompatibilityPolicy.Lenient, Mode = RegistryMode.ReadOnly };
        var subject = new ConfigRecord { Compatibility = CompatibilityLevel.ForwardTransitive };

        await Store.SetConfigAsync(null, global, Ct);
        await Store.SetConfigAsync("a", subject, Ct);

        Assert.Equal(global, await Store.GetConfigAsync(null, Ct));
        Assert.Equal(subject, await Store.GetConfigAsync("a", Ct));
        Assert.Equal(ConfigRecord.Empty, await Store.GetConfigAsync("b", Ct));

        await Store.SetConfigAsync("a", ConfigRecord.Empty, Ct);
        Assert.Equal(ConfigRecord.Empty, await Store.GetConfigAsync("a", Ct));
        Assert.Equal(global, await Store.GetConfigAsync(null, Ct));
    }

    [Fact]
    public async Task Subject_names_are_exact_and_case_sensitive()
    {
        await AppendAsync("Orders", """{"type":"string"}""");

        Assert.Null(await Store.GetSubjectAsync("orders", Ct));
        Assert.Null(await Store.GetVersionAsync("orders", 1, Ct));
        Assert.NotNull(await Store.GetVersionAsync("Orders", 1, Ct));
    }

    [Fact]
    public async Task Concurrent_appends_to_one_subject_allocate_every_version_once()
    {
        const int Writers = 16;
        var tasks = Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            var schema = $$"""{"title":"w{{i}}"}""";
            while (true)
            {
                var revision = (await Store.GetSubjectAsync("hot", Ct))?.Revision ?? 0;
                var result = await Store.AppendVersionAsync(Append("hot", revision, schema), Ct);
                if (result.Outcome == WriteOutcome.Done)
                {
                    return result;
                }

                Assert.Equal(WriteOutcome.Conflict, result.Outcome);
            }
        }, Ct)).ToArray();

        var results = await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(1, Writers), results.Select(r => r.Version).Order());
        Assert.Equal(Enumerable.Range(1, Writers).Select(i => (long)i), results.Select(r => r.SchemaId).Order());
        var snapshot = await Store.GetSubjectAsync("hot", Ct);
        Assert.Equal(Writers, snapshot!.Versions.Count);
        Assert.Equal(Writers, snapshot.Revision);
    }

    [Fact]
    public async Task Two_store_instances_on_the_same_data_serialise_through_revisions()
    {
        await using var second = await OpenSecondStoreAsync();
        const int PerStore = 10;
        async Task<List<AppendResult>> Write(IRegistryStore store, string tag)
        {
            var done = new List<AppendResult>();
            for (var i = 0; i < PerStore; i++)
            {
                while (true)
                {
                    var revision = (await store.GetSubjectAsync("shared", Ct))?.Revision ?? 0;
                    var result = await store.AppendVersionAsync(Append("shared", revision, $$"""{"title":"{{tag}}{{i}}"}"""), Ct);
                    if (result.Outcome == WriteOutcome.Done)
                    {
                        done.Add(result);
                        break;
                    }
                }
            }

            return done;
        }

        var results = await Task.WhenAll(Task.Run(() => Write(Store, "a"), Ct), Task.Run(() => Write(second, "b"), Ct));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(Enumerable.Range(1, 2 * PerStore), all.Select(r => r.Version).Order());
        Assert.Equal(2 * PerStore, all.Select(r => r.SchemaId).Distinct().Count());
        Assert.Equal(2 * PerStore, (await second.GetSubjectAsync("shared", Ct))!.Versions.Count);
    }

    private static AliasWrite AliasTo(string subject, long revision, string name, int? version, bool isProtected = false, string? by = null) => new()
    {
        Subject = subject,
        Name = name,
        Version = version,
        Protected = isProtected,
        ExpectedRevision = revision,
        At = T0,
        By = by,
    };

    [Fact]
    public async Task Aliases_are_set_moved_and_deleted_in_the_snapshot_with_every_change_in_the_history()
    {
        await AppendAsync("s", """{"title":"1"}""");
        await AppendAsync("s", """{"title":"2"}""");

        Assert.Equal(WriteOutcome.Done, (await Store.SetAliasAsync(AliasTo("s", await RevisionAsync("s"), "prod", 1, by: "ana"), Ct)).Outcome);
        Assert.Equal(WriteOutcome.Done, (await Store.SetAliasAsync(AliasTo("s", await RevisionAsync("s"), "beta", 2), Ct)).Outcome);
        Assert.Equal(WriteOutcome.Done, (await Store.SetAliasAsync(AliasTo("s", await RevisionAsync("s"), "prod", 2, isProtected: true, by: "bo"), Ct)).Outcome);
        var snapshot = (await Store.GetSubjectAsync("s", Ct))!;

        Assert.Equal([("beta", 2, false), ("prod", 2, true)], snapshot.Aliases.Select(a => (a.Name, a.Version, a.Protected)));
        Assert.Equal("bo", snapshot.FindAlias("prod")!.UpdatedBy);
        Assert.Equal(WriteOutcome.Done, (await Store.SetAliasAsync(AliasTo("s", snapshot.Revision, "prod", null, isProtected: true, by: "cy"), Ct)).Outcome);
        Assert.Equal(["beta"], (await Store.GetSubjectAsync("s", Ct))!.Aliases.Select(a => a.Name));
        var history = await Store.GetAliasHistoryAsync("s", "prod", 10, Ct);
        Assert.Equal([(2, (int?)null, "cy"), (1, 2, "bo"), (null, 1, "ana")], history.Select(m => (m.FromVersion, m.ToVersion, m.By)));
        Assert.Equal(T0, history[0].At);
        Assert.Single(await Store.GetAliasHistoryAsync("s", "prod", 1, Ct));
    }

    [Fact]
    public async Task An_alias_write_bumps_the_revision_and_a_stale_one_conflicts_and_records_nothing()
    {
        await AppendAsync("s", """{"title":"1"}""");
        var before = await RevisionAsync("s");

        Assert.Equal(WriteOutcome.Done, (await Store.SetAliasAsync(AliasTo("s", before, "prod", 1), Ct)).Outcome);
        var stale = await Store.SetAliasAsync(AliasTo("s", before, "prod", 1), Ct);
        var deleteMissing = await Store.SetAliasAsync(AliasTo("s", before + 1, "nope", null), Ct);

        Assert.Equal(before + 1, await RevisionAsync("s"));
        Assert.Equal(WriteOutcome.Conflict, stale.Outcome);
        Assert.Equal(WriteOutcome.NotFound, deleteMissing.Outcome);
        Assert.Single(await Store.GetAliasHistoryAsync("s", "prod", 10, Ct));
        Assert.Empty(await Store.GetAliasHistoryAsync("s", "nope", 10, Ct));
    }

    [Fact]
    public async Task Hard_delete_of_a_whole_subject_removes_its_aliases_and_their_history()
    {
        await AppendAsync("s", """{"title":"1"}""");
        await Store.SetAliasAsync(AliasTo("s", await RevisionAsync("s"), "prod", 1), Ct);
        await Store.SetAliasAsync(AliasTo("s", await RevisionAsync("s"), "prod", null), Ct);
        Assert.Equal(WriteOutcome.Done, (await Store.SoftDeleteAsync("s", [1], await RevisionAsync("s"), T0, Ct)).Outcome);

        Assert.Equal(WriteOutcome.Done, (await Store.HardDeleteAsync("s", [1], wholeSubject: true, await RevisionAsync("s"), Ct)).Outcome);
        await AppendAsync("s", """{"title":"again"}""");

        Assert.Empty((await Store.GetSubjectAsync("s", Ct))!.Aliases);
        Assert.Empty(await Store.GetAliasHistoryAsync("s", "prod", 10, Ct));
    }
}
