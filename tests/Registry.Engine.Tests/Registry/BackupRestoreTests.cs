using System.Text;
using Registry.Engine.Services;
using Registry.Engine.Services.Backup;

namespace Registry.Engine.Tests.Registry;

/// <summary>Backup and restore over the embedded store: the disaster-recovery round trip, and damaged backups.</summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private EngineHarness _source = null!;
    private EngineHarness _target = null!;
    private byte[] _backup = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _source = await EngineHarness.CreateAsync();
        _target = await EngineHarness.CreateAsync();
        await BackupScenario.PopulateAsync(_source.Registry);
        _backup = await ExportAsync(_source.Registry);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
    }

    internal static async Task<byte[]> ExportAsync(SchemaRegistry registry)
    {
        using var stream = new MemoryStream();
        var summary = await registry.ExportAsync(stream, Ct);
        Assert.Equal(stream.Length, summary.Bytes);
        return stream.ToArray();
    }

    [Fact]
    public async Task A_restored_registry_answers_every_read_as_the_original_and_goes_on_the_same_way()
    {
        var summary = await _target.Registry.ImportAsync(new MemoryStream(_backup), new RestoreOptions(), Ct);

        Assert.True(summary.Restored);
        Assert.True(summary.RegistryWasEmpty);
        Assert.Equal((10L, 5L, 9L, 5L), (summary.Backup.Schemas, summary.Backup.Subjects, summary.Backup.Versions, summary.Backup.Configs));
        Assert.Equal((2L, 5L), (summary.Backup.Aliases, summary.Backup.AliasMoves));
        Assert.Equal(await BackupScenario.DescribeAsync(_source.Registry), await BackupScenario.DescribeAsync(_target.Registry));
        Assert.Equal(await BackupScenario.ContinueAsync(_source.Registry), await BackupScenario.ContinueAsync(_target.Registry));
    }

    [Fact]
    public async Task A_backup_of_a_restored_registry_holds_the_same_records()
    {
        await _target.Registry.ImportAsync(new MemoryStream(_backup), new RestoreOptions(), Ct);

        var again = await ExportAsync(_target.Registry);

        Assert.Equal(WithoutHeaderTimes(_backup), WithoutHeaderTimes(again));
    }

    [Fact]
    public async Task The_file_is_json_lines_with_a_header_sections_and_a_manifest()
    {
        var lines = Encoding.UTF8.GetString(_backup).Split('\n');

        Assert.StartsWith("""{"format":"llm-schema-registry-backup","format_version":2,""", lines[0], StringComparison.Ordinal);
        Assert.Equal(["schemas", "subjects", "versions", "config", "aliases", "alias_history"], lines.Where(l => l.StartsWith("""{"section":""", StringComparison.Ordinal)).Select(l => l[12..^2]));
        Assert.Contains(lines, l => l.StartsWith("""{"subject":"orders.created","name":"production","version":2,"protected":true,""", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("""{"subject":"orders.created","name":"staging","seq":2,"from":2,"protected":false,""", StringComparison.Ordinal));
        Assert.StartsWith("""{"manifest":{"format_version":2,"header_sha256":""", lines[^2], StringComparison.Ordinal);
        Assert.Equal("", lines[^1]);
    }

    public static TheoryData<string, string> Damages => new()
    {
        { "a changed byte in a schema", "changed byte" },
        { "a changed byte in the header", "changed header" },
        { "a wrong checksum", "wrong checksum" },
        { "a wrong record count", "wrong count" },
        { "a missing section", "missing section" },
        { "a missing record", "missing record" },
        { "a missing manifest", "missing manifest" },
        { "a truncated last line", "truncated" },
        { "lines after the manifest", "trailing" },
        { "a newer format version", "newer version" },
        { "an unknown section", "unknown section" },
        { "a line that is not JSON", "not json" },
        { "an empty file", "empty" },
        { "something else entirely", "not a backup" },
        { "a schema that is not JSON", "bad schema" },
        { "an invalid subject name", "bad subject" },
        { "an unknown lifecycle state", "bad state" },
    };

    [Fact]
    public async Task A_line_that_is_not_JSON_is_named_with_its_line_and_byte_without_the_parsers_internals()
    {
        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            _target.Registry.ImportAsync(new MemoryStream("garbage\n"u8.ToArray()), new RestoreOptions(), Ct));

        Assert.Equal(RegistryErrorCode.InvalidRequest, error.Code);
        Assert.Contains("at line 1: the line is not valid JSON (at byte 1)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_backup_is_refused_with_a_clear_message_and_nothing_is_restored(string damage, string kind)
    {
        var damaged = Damage(_backup, kind);

        var error = await Assert.ThrowsAsync<RegistryException>(() => _target.Registry.ImportAsync(new MemoryStream(damaged), new RestoreOptions(), Ct));

        Assert.True(error.Code == RegistryErrorCode.InvalidRequest, $"{damage}: {error.Code} {error.Message}");
        Assert.StartsWith("The backup ", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _target.Registry.ListSubjectsAsync(deleted: global::Registry.Engine.Storage.DeletedFilter.Include, cancellationToken: Ct));
        await Assert.ThrowsAsync<RegistryException>(async () => await _target.Registry.GetSchemaAsync(1, Ct));
        Assert.Equal(global::Registry.Engine.Model.ConfigRecord.Empty, await _target.Registry.GetConfigAsync(null, Ct));

        // Nothing half-restored: the intact backup still goes into the same registry.
        Assert.True((await _target.Registry.ImportAsync(new MemoryStream(_backup), new RestoreOptions(), Ct)).Restored);
    }

    [Fact]
    public async Task Every_cut_of_the_file_is_refused()
    {
        for (var length = 0; length < _backup.Length; length += Math.Max(1, _backup.Length / 40))
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => _target.Registry.ImportAsync(new MemoryStream(_backup, 0, length), new RestoreOptions(), Ct));
            Assert.Equal(RegistryErrorCode.InvalidRequest, error.Code);
        }

        Assert.Empty(await _target.Registry.ListSubjectsAsync(deleted: global::Registry.Engine.Storage.DeletedFilter.Include, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_restore_into_a_registry_with_data_is_refused_unless_merging()
    {
        await BackupScenario.RegisterAsync(_target.Registry, "local", """{"type":"null"}""");

        var error = await Assert.ThrowsAsync<RegistryException>(() => _target.Registry.ImportAsync(new MemoryStream(_backup), new RestoreOptions(), Ct));

        Assert.Equal(RegistryErrorCode.OperationNotPermitted, error.Code);
        Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
        Assert.Equal(["local"], await _target.Registry.ListSubjectsAsync(deleted: global::Registry.Engine.Storage.DeletedFilter.Include, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_merge_that_clashes_names_the_ids_and_writes_nothing()
    {
        // Id 1 here is other content than id 1 in the backup.
        await BackupScenario.RegisterAsync(_target.Registry, "local", """{"type":"null"}""");

        var error = await Assert.ThrowsAsync<RegistryException>(() => _target.Registry.ImportAsync(new MemoryStream(_backup), new RestoreOptions(Merge: true), Ct));

        Assert.Equal(RegistryErrorCode.IdConflict, error.Code);
        Assert.Contains("schema id 1: this registry gives this schema id to other content", error.Message, StringComparison.Ordinal);
        Assert.Equal(["local"], await _target.Registry.ListSubjectsAsync(deleted: global::Registry.Engine.Storage.DeletedFilter.Include, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_merge_into_the_registry_the_backup_came_from_keeps_everything()
    {
        var before = await BackupScenario.DescribeAsync(_source.Registry);

        var summary = await _source.Registry.ImportAsync(new MemoryStream(_backup), new RestoreOptions(Merge: true), Ct);

        Assert.Equal((0L, 36L), (summary.Written, summary.Kept));
        Assert.Equal(before, await BackupScenario.DescribeAsync(_source.Registry));
    }

    [Fact]
    public async Task A_verification_checks_everything_and_writes_nothing()
    {
        var summary = await _target.Registry.ImportAsync(new MemoryStream(_backup), new RestoreOptions(VerifyOnly: true), Ct);

        Assert.False(summary.Restored);
        Assert.Equal(36L, summary.Written);
        Assert.Empty(await _target.Registry.ListSubjectsAsync(deleted: global::Registry.Engine.Storage.DeletedFilter.Include, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_merge_whose_alias_points_elsewhere_in_this_registry_names_the_alias_and_writes_nothing()
    {
        await _target.Registry.ImportAsync(new MemoryStream(_backup), new RestoreOptions(), Ct);
        await _target.Registry.SetAliasAsync("orders.created", "production", global::Registry.Engine.Model.VersionSelector.Of(1), new AliasChange { Force = true }, Ct);
        await _target.Registry.SetAliasAsync("orders.created", "canary", global::Registry.Engine.Model.VersionSelector.Of(2), null, Ct);

        var error = await Assert.ThrowsAsync<RegistryException>(() => _target.Registry.ImportAsync(new MemoryStream(_backup), new RestoreOptions(Merge: true), Ct));

        Assert.Equal(RegistryErrorCode.IdConflict, error.Code);
        Assert.Contains("subject 'orders.created': alias 'production' points at version 1 in this registry, at version 2 in the backup", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await _target.Registry.GetAliasAsync("orders.created", "production", Ct)).Version);
    }

    [Fact]
    public async Task A_backup_of_format_version_1_still_restores_and_its_registry_has_no_aliases()
    {
        var v1 = BackupOfFormatVersion1();

        var summary = await _target.Registry.ImportAsync(new MemoryStream(v1), new RestoreOptions(), Ct);

        Assert.True(summary.Restored);
        Assert.Equal((1L, 1L, 1L, 1L, 0L, 0L), (summary.Backup.Schemas, summary.Backup.Subjects, summary.Backup.Versions, summary.Backup.Configs, summary.Backup.Aliases, summary.Backup.AliasMoves));
        var read = await _target.Registry.GetVersionAsync("old.format", global::Registry.Engine.Model.VersionSelector.Of(2), false, Ct);
        Assert.Equal(5L, read.SchemaId);
        Assert.Empty(await _target.Registry.ListAliasesAsync("old.format", Ct));
        var next = await BackupScenario.RegisterAsync(_target.Registry, "old.format", """{"type":"object","title":"next"}""");
        Assert.Equal((6L, 3), (next.SchemaId, next.Version));
    }

    [Fact]
    public async Task A_backup_of_format_version_1_that_lists_the_alias_sections_is_refused()
    {
        var lines = Encoding.UTF8.GetString(BackupOfFormatVersion1()).Split('\n');
        lines[0] = lines[0].Replace("\"config\"]", "\"config\",\"aliases\",\"alias_history\"]", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RegistryException>(() => _target.Registry.ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines))), new RestoreOptions(), Ct));

        Assert.Equal(RegistryErrorCode.InvalidRequest, error.Code);
        Assert.Empty(await _target.Registry.ListSubjectsAsync(deleted: global::Registry.Engine.Storage.DeletedFilter.Include, cancellationToken: Ct));
    }

    /// <summary>
    /// A backup as a release that wrote format version 1 wrote it (written out here line by line, with the checksums
    /// computed as that format defines them, so that it does not depend on this build's writer).
    /// </summary>
    internal static byte[] BackupOfFormatVersion1()
    {
        const string Time = "2026-01-02T03:04:05.678+00:00";
        var header = $$$"""{"format":"llm-schema-registry-backup","format_version":1,"created_at":"{{{Time}}}","sections":["schemas","subjects","versions","config"],"counts":{"schemas":1,"subjects":1,"versions":1,"config":1}}""";
        string[][] sections =
        [
            ["""{"section":"schemas"}""", $$"""{"id":5,"schema_type":"JSON","schema":"{\"type\":\"object\"}","created_at":"{{Time}}"}"""],
            ["""{"section":"subjects"}""", $$"""{"subject":"old.format","next_version":3,"created_at":"{{Time}}"}"""],
            ["""{"section":"versions"}""", $$"""{"subject":"old.format","version":2,"schema_id":5,"state":"ACTIVE","deleted":false,"created_at":"{{Time}}","updated_at":"{{Time}}"}"""],
            ["""{"section":"config"}""", """{"compatibility":"FULL"}"""],
        ];
        string[] names = ["schemas", "subjects", "versions", "config"];
        static string Sha(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var file = new StringBuilder(header + "\n");
        var entries = new List<string>();
        for (var i = 0; i < sections.Length; i++)
        {
            var text = string.Concat(sections[i].Select(l => l + "\n"));
            file.Append(text);
            entries.Add($$"""{"name":"{{names[i]}}","records":{{sections[i].Length - 1}},"sha256":"{{Sha(text)}}"}""");
        }

        file.Append($$$"""{"manifest":{"format_version":1,"header_sha256":"{{{Sha(header + "\n")}}}","sections":[{{{string.Join(",", entries)}}}]}}""").Append('\n');
        return Encoding.UTF8.GetBytes(file.ToString());
    }

    /// <summary>The backup with one kind of damage.</summary>
    internal static byte[] Damage(byte[] backup, string kind)
    {
        var lines = Encoding.UTF8.GetString(backup).TrimEnd('\n').Split('\n').ToList();
        var manifest = lines.Count - 1;
        var firstSchema = lines.FindIndex(l => l.StartsWith("""{"id":""", StringComparison.Ordinal));
        var firstVersion = lines.FindIndex(l => l.StartsWith("""{"subject":""", StringComparison.Ordinal) && l.Contains("\"schema_id\"", StringComparison.Ordinal));
        var configSection = lines.IndexOf("""{"section":"config"}""");
        switch (kind)
        {
            case "changed byte":
                lines[firstSchema] = lines[firstSchema].Replace("object", "objecT", StringComparison.Ordinal);
                break;
            case "changed header":
                lines[0] = lines[0].Replace("\"counts\":{\"schemas\":10", "\"counts\":{\"schemas\":11", StringComparison.Ordinal);
                break;
            case "wrong checksum":
                var at = lines[manifest].IndexOf("\"sha256\":\"", StringComparison.Ordinal) + 10;
                lines[manifest] = lines[manifest][..at] + (lines[manifest][at] == '0' ? '1' : '0') + lines[manifest][(at + 1)..];
                break;
            case "wrong count":
                lines[manifest] = lines[manifest].Replace("\"records\":10", "\"records\":9", StringComparison.Ordinal);
                break;
            case "missing section":
                lines.RemoveRange(configSection, manifest - configSection);
                break;
            case "missing record":
                lines.RemoveAt(firstVersion);
                break;
            case "missing manifest":
                lines.RemoveAt(manifest);
                break;
            case "truncated":
                return backup[..^5];
            case "trailing":
                lines.Add(lines[firstSchema]);
                break;
            case "newer version":
                lines[0] = lines[0].Replace("\"format_version\":2", "\"format_version\":3", StringComparison.Ordinal);
                break;
            case "unknown section":
                lines[0] = lines[0].Replace("\"alias_history\"]", "\"alias_history\",\"audit\"]", StringComparison.Ordinal);
                break;
            case "not json":
                lines[firstSchema] = lines[firstSchema][..^1];
                break;
            case "empty":
                return [];
            case "not a backup":
                return Encoding.UTF8.GetBytes("""{"type":"object"}""" + "\n");
            case "bad schema":
                lines[firstSchema] = lines[firstSchema].Replace("\"schema\":\"{", "\"schema\":\"{{", StringComparison.Ordinal);
                break;
            case "bad subject":
                lines[firstVersion] = lines[firstVersion].Replace("\"subject\":\"", "\"subject\":\" ", StringComparison.Ordinal);
                break;
            case "bad state":
                lines[firstVersion] = System.Text.RegularExpressions.Regex.Replace(lines[firstVersion], "\"state\":\"[A-Z]+\"", "\"state\":\"FROZEN\"");
                break;
        }

        return Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
    }

    /// <summary>The backup without its header and manifest (which carry the time it was taken).</summary>
    private static string WithoutHeaderTimes(byte[] backup)
    {
        var lines = Encoding.UTF8.GetString(backup).TrimEnd('\n').Split('\n');
        return string.Join('\n', lines[1..^1]);
    }
}
