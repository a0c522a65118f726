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

        Assert.StartsWith("""{"format":"llm-schema-registry-backup","format_version":1,""", lines[0], StringComparison.Ordinal);
        Assert.Equal(["schemas", "subjects", "versions", "config"], lines.Where(l => l.StartsWith("""{"section":""", StringComparison.Ordinal)).Select(l => l[12..^2]));
        Assert.StartsWith("""{"manifest":{"format_version":1,"header_sha256":""", lines[^2], StringComparison.Ordinal);
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

        Assert.Equal((0L, 29L), (summary.Written, summary.Kept));
        Assert.Equal(before, await BackupScenario.DescribeAsync(_source.Registry));
    }

    [Fact]
    public async Task A_verification_checks_everything_and_writes_nothing()
    {
        var summary = await _target.Registry.ImportAsync(new MemoryStream(_backup), new RestoreOptions(VerifyOnly: true), Ct);

        Assert.False(summary.Restored);
        Assert.Equal(29L, summary.Written);
        Assert.Empty(await _target.Registry.ListSubjectsAsync(deleted: global::Registry.Engine.Storage.DeletedFilter.Include, cancellationToken: Ct));
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
                lines[0] = lines[0].Replace("\"format_version\":1", "\"format_version\":2", StringComparison.Ordinal);
                break;
            case "unknown section":
                lines[0] = lines[0].Replace("\"config\"]", "\"config\",\"aliases\"]", StringComparison.Ordinal);
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
