using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Schemas;
using Registry.Engine.Storage;
using Registry.Schemas.Compatibility;

namespace Registry.Engine.Tests.Storage;

/// <summary>What every store that implements <see cref="IRegistryArchive"/> (backup and restore) must do.</summary>
public abstract partial class RegistryStoreContract
{
    private static readonly DateTimeOffset T1 = new(2026, 2, 3, 4, 5, 6, 789, TimeSpan.Zero);

    private IRegistryArchive Archive => Assert.IsAssignableFrom<IRegistryArchive>(Store);

    private static ArchivedSchema ArchivedSchema(long id, string schema, params SchemaReference[] references)
    {
        var identity = SchemaIdentity.Compute("JSON", Encoding.UTF8.GetBytes(schema), references, 64);
        return new ArchivedSchema(id, "JSON", identity.Fingerprint, identity.ContentHash, Encoding.UTF8.GetBytes(schema), identity.References, T1);
    }

    private static ArchivedVersion ArchivedVersion(string subject, int version, long schemaId, LifecycleState state = LifecycleState.Active, bool deleted = false) =>
        new(new VersionRecord
        {
            Subject = subject,
            Version = version,
            SchemaId = schemaId,
            State = state,
            IsDeleted = deleted,
            Semver = "1.2.3",
            Metadata = new VersionMetadata { Owner = "team-a", Tags = ["x"], Properties = new Dictionary<string, string> { ["k"] = "v" } },
            Deprecation = state == LifecycleState.Deprecated ? new Deprecation { Reason = "old", Sunset = T1, Replacement = "b:1" } : null,
            CreatedAt = T1,
            CreatedBy = "alice",
            UpdatedAt = T1.AddMinutes(1),
        });

    /// <summary>Ids 3 and 9 (9 references a:4), subject a with versions 2 (deprecated) and 4 (soft-deleted), next version 7.</summary>
    private static List<ArchiveRecord> SampleArchive() =>
    [
        ArchivedSchema(3, """{"type":"object"}"""),
        ArchivedSchema(9, """{"$ref":"a.json"}""", new SchemaReference("a.json", "a", 4)),
        new ArchivedSubject("a", 7, T1),
        new ArchivedSubject("b", 2, T1),
        ArchivedVersion("a", 2, 3, LifecycleState.Deprecated),
        ArchivedVersion("a", 4, 3, deleted: true),
        ArchivedVersion("b", 1, 9),
        new ArchivedConfig(null, new ConfigRecord { Compatibility = CompatibilityLevel.Full }),
        new ArchivedConfig("a", new ConfigRecord { Mode = RegistryMode.ReadOnly, Policy = CompatibilityPolicy.Lenient }),
    ];

    private static async IAsyncEnumerable<ArchiveRecord> Feed(IEnumerable<ArchiveRecord> records, Exception? atEnd = null)
    {
        foreach (var record in records)
        {
            await Task.Yield();
            yield return record;
        }

        if (atEnd is not null)
        {
            throw atEnd;
        }
    }

    private async Task<List<ArchiveRecord>> ReadArchiveAsync()
    {
        var list = new List<ArchiveRecord>();
        await foreach (var record in Archive.ReadArchiveAsync(Ct))
        {
            list.Add(record);
        }

        return list;
    }

    [Fact]
    public async Task An_imported_archive_keeps_its_ids_versions_states_facts_and_settings()
    {
        var result = await Archive.ImportArchiveAsync(Feed(SampleArchive()), new ArchiveImportOptions(Merge: false, DryRun: false), Ct);

        Assert.Equal((ArchiveImportOutcome.Done, 9L, true), (result.Outcome, result.Written, result.StoreWasEmpty));
        Assert.Equal("""{"type":"object"}""", Encoding.UTF8.GetString((await Store.GetSchemaAsync(3, Ct))!.Content.Span));
        Assert.Equal([new SchemaReference("a.json", "a", 4)], (await Store.GetSchemaAsync(9, Ct))!.References);
        var a = (await Store.GetSubjectAsync("a", Ct))!;
        Assert.Equal([2, 4], a.Versions.Select(v => v.Version));
        Assert.Equal(Describe(ArchivedVersion("a", 2, 3, LifecycleState.Deprecated)), Describe(new ArchivedVersion(a.Versions[0])));
        Assert.True(a.Versions[1].IsDeleted);
        Assert.Equal([new SubjectVersionRef("b", 1)], (await Store.GetReferrersAsync(new SubjectVersionRef("a", 4), Ct)).Select(u => new SubjectVersionRef(u.Subject, u.Version)));
        Assert.Equal(new ConfigRecord { Compatibility = CompatibilityLevel.Full }, await Store.GetConfigAsync(null, Ct));
        Assert.Equal(new ConfigRecord { Mode = RegistryMode.ReadOnly, Policy = CompatibilityPolicy.Lenient }, await Store.GetConfigAsync("a", Ct));

        // The next version of a is 7 (as recorded), and new content gets the id after the highest imported one.
        var appended = await Store.AppendVersionAsync(Append("a", a.Revision, """{"type":"string"}"""), Ct);
        Assert.Equal((WriteOutcome.Done, 10L, 7), (appended.Outcome, appended.SchemaId, appended.Version));
    }

    [Fact]
    public async Task Reading_the_archive_gives_the_counts_then_every_row_in_order_and_importing_it_again_reproduces_it()
    {
        await Archive.ImportArchiveAsync(Feed(SampleArchive()), new ArchiveImportOptions(false, false), Ct);

        var read = await ReadArchiveAsync();

        Assert.Equal(new ArchiveCounts(2, 2, 3, 2), read[0]);
        Assert.Equal(SampleArchive().Select(Describe), read.Skip(1).Select(Describe));
    }

    [Fact]
    public async Task An_import_whose_records_end_with_an_exception_leaves_nothing_behind()
    {
        var failure = new InvalidOperationException("checksum mismatch");

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => Archive.ImportArchiveAsync(Feed(SampleArchive(), failure), new ArchiveImportOptions(false, false), Ct));

        Assert.Same(failure, thrown);
        Assert.Null(await Store.GetSchemaAsync(3, Ct));
        Assert.Null(await Store.GetSubjectAsync("a", Ct));
        Assert.Equal(ConfigRecord.Empty, await Store.GetConfigAsync(null, Ct));
        var retried = await Archive.ImportArchiveAsync(Feed(SampleArchive()), new ArchiveImportOptions(false, false), Ct);
        Assert.Equal(ArchiveImportOutcome.Done, retried.Outcome);
    }

    [Fact]
    public async Task An_import_into_a_store_with_data_is_refused_unless_merging_and_a_dry_run_writes_nothing()
    {
        await AppendAsync("existing", """{"type":"null"}""");

        var refused = await Archive.ImportArchiveAsync(Feed(SampleArchive()), new ArchiveImportOptions(false, false), Ct);
        var dry = await Archive.ImportArchiveAsync(Feed(SampleArchive()), new ArchiveImportOptions(Merge: true, DryRun: true), Ct);

        Assert.Equal((ArchiveImportOutcome.NotEmpty, false), (refused.Outcome, refused.StoreWasEmpty));
        Assert.Equal((ArchiveImportOutcome.Verified, 9L), (dry.Outcome, dry.Written));
        Assert.Null(await Store.GetSubjectAsync("a", Ct));
        Assert.Null(await Store.GetSchemaAsync(3, Ct));
    }

    [Fact]
    public async Task A_merge_keeps_equal_rows_and_a_clash_names_the_ids_and_writes_nothing()
    {
        await Archive.ImportArchiveAsync(Feed(SampleArchive()), new ArchiveImportOptions(false, false), Ct);

        var again = await Archive.ImportArchiveAsync(Feed(SampleArchive()), new ArchiveImportOptions(Merge: true, DryRun: false), Ct);
        var clashing = await Archive.ImportArchiveAsync(
            Feed([ArchivedSchema(3, """{"type":"array"}"""), ArchivedSchema(20, """{"type":"object"}"""), new ArchivedSubject("c", 2, T1), ArchivedVersion("a", 2, 9), ArchivedVersion("c", 1, 3)]),
            new ArchiveImportOptions(Merge: true, DryRun: false), Ct);

        Assert.Equal((ArchiveImportOutcome.Done, 0L, 9L), (again.Outcome, again.Written, again.Kept));
        Assert.Equal(ArchiveImportOutcome.Clash, clashing.Outcome);
        Assert.Equal([(3L, (string?)null, (int?)null), (20L, null, null), (9L, "a", 2)], clashing.Clashes.Select(c => (c.SchemaId!.Value, c.Subject, c.Version)));
        Assert.Contains("id 3", clashing.Clashes[1].Reason, StringComparison.Ordinal);
        Assert.Null(await Store.GetSubjectAsync("c", Ct));
        Assert.Null(await Store.GetSchemaAsync(20, Ct));
    }

    [Fact]
    public async Task A_reference_to_a_version_in_neither_the_archive_nor_the_store_is_a_clash()
    {
        var result = await Archive.ImportArchiveAsync(
            Feed([ArchivedSchema(9, """{"$ref":"a.json"}""", new SchemaReference("a.json", "a", 4)), new ArchivedSubject("b", 2, T1), ArchivedVersion("b", 1, 9)]),
            new ArchiveImportOptions(false, false), Ct);

        var clash = Assert.Single(result.Clashes);
        Assert.Equal(("b", 1), (clash.Subject, clash.Version));
        Assert.Contains("version 4 of subject 'a'", clash.Reason, StringComparison.Ordinal);
        Assert.Null(await Store.GetSubjectAsync("b", Ct));
    }

    private static string Describe(ArchiveRecord record) => record switch
    {
        ArchivedSchema s => $"schema {s.Id} {s.SchemaType} {Convert.ToHexString(s.Fingerprint.Span)} {Convert.ToHexString(s.ContentHash.Span)} {Encoding.UTF8.GetString(s.Content.Span)} {string.Join(",", s.References)} {s.CreatedAt:O}",
        ArchivedVersion v => $"version {v.Version with { Metadata = VersionMetadata.Empty }} {RecordJson.WriteMetadata(v.Version.Metadata)}",
        _ => record.ToString()!,
    };
}
