using System.Text;
using System.Text.Json;
using Registry.Server.Tests;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary><c>registry backup</c> and <c>registry restore</c> against servers in this process: a disaster-recovery round trip.</summary>
public sealed class BackupCommandTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _folder = new("registry-cli-backup");
    private InProcessServer _source = null!;
    private InProcessServer _target = null!;

    public async ValueTask InitializeAsync()
    {
        _source = await InProcessServer.StartAsync();
        _target = await InProcessServer.StartAsync();
        await BackupSource.SeedAsync(_source, _folder);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        _folder.Dispose();
    }

    private static string[] At(InProcessServer server, params string[] args) => [.. args, "--server", $"http://{server.HttpEndpoint}"];

    private static async Task<string> Succeed(InProcessServer server, params string[] args)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("", At(server, args));
        Assert.True(code == 0, $"{string.Join(' ', args)} exited with {code}: {stdout} {stderr}");
        return stdout;
    }

    [Fact]
    public async Task Backup_then_restore_into_an_empty_server_gives_the_same_answers()
    {
        var file = _folder.File("registry.jsonl");

        var backup = await Succeed(_source, "backup", file, "--json");
        var restore = await Succeed(_target, "restore", file);

        using var summary = JsonDocument.Parse(backup);
        Assert.Equal(2, summary.RootElement.GetProperty("schemas").GetInt64());
        Assert.Equal(new FileInfo(file).Length, summary.RootElement.GetProperty("bytes").GetInt64());
        Assert.False(File.Exists(file + ".partial"));
        Assert.StartsWith("Restored 2 schemas, 2 subjects, 2 versions and 1 settings", restore, StringComparison.Ordinal);
        string[][] reads = [["subjects", "list"], ["versions", "show", "order", "1", "--json"], ["versions", "list", "address", "--json"], ["config", "get", "order", "--json"], ["schemas", "get", "2", "--json"]];
        foreach (var read in reads)
        {
            Assert.Equal(await Succeed(_source, read), await Succeed(_target, read));
        }
    }

    [Fact]
    public async Task A_backup_named_gz_is_gzip_compressed_and_restore_and_verify_read_it_transparently()
    {
        var plain = _folder.File("plain.jsonl");
        var compressed = _folder.File("registry.jsonl.gz");
        await Succeed(_source, "backup", plain);

        var backup = await Succeed(_source, "backup", compressed, "--json");
        var verify = await Succeed(_target, "restore", compressed, "--verify");
        var restore = await Succeed(_target, "restore", compressed);

        using var summary = JsonDocument.Parse(backup);
        var bytes = await File.ReadAllBytesAsync(compressed, TestContext.Current.CancellationToken);
        Assert.Equal((0x1f, 0x8b), (bytes[0], bytes[1]));
        Assert.True(summary.RootElement.GetProperty("gzip").GetBoolean());
        Assert.Equal(bytes.Length, summary.RootElement.GetProperty("file_bytes").GetInt64());
        Assert.True(bytes.Length < summary.RootElement.GetProperty("bytes").GetInt64());
        await using (var unzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress))
        {
            var text = await new StreamReader(unzip).ReadToEndAsync(TestContext.Current.CancellationToken);
            Assert.Equal(summary.RootElement.GetProperty("sha256").GetString(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text))));
        }

        Assert.StartsWith("The backup is intact", verify, StringComparison.Ordinal);
        Assert.StartsWith("Restored 2 schemas", restore, StringComparison.Ordinal);
        Assert.Equal(await Succeed(_source, "versions", "show", "order", "1", "--json"), await Succeed(_target, "versions", "show", "order", "1", "--json"));
    }

    [Fact]
    public async Task The_gzip_flag_compresses_any_file_name_and_a_damaged_compressed_backup_is_refused()
    {
        var file = _folder.File("flagged.bin");
        await Succeed(_source, "backup", file, "--gzip");
        var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        Assert.Equal((0x1f, 0x8b), (bytes[0], bytes[1]));
        var damaged = _folder.File("damaged.jsonl.gz");
        await File.WriteAllBytesAsync(damaged, bytes[..^12], TestContext.Current.CancellationToken);

        var (code, _, _) = await CliRunner.RunAsync("", At(_target, "restore", damaged, "--verify"));

        Assert.NotEqual(0, code);
        Assert.Equal("", (await Succeed(_target, "subjects", "list", "--json")).Trim().Trim('[', ']').Trim());
    }

    [Fact]
    public async Task Backup_says_what_it_wrote_and_will_not_replace_a_file_without_force()
    {
        var file = _folder.File("again.jsonl");
        var text = await Succeed(_source, "backup", file);

        var (code, _, stderr) = await CliRunner.RunAsync("", At(_source, "backup", file));

        Assert.Matches(@"^Backed up 2 schemas, 2 subjects, 2 versions, 1 settings and 0 aliases to .+ \(\d+ bytes, SHA-256 [0-9a-f]{64}\)\.", text);
        Assert.Equal(2, code);
        Assert.Contains("--force", stderr, StringComparison.Ordinal);
        await Succeed(_source, "backup", file, "--force");
    }

    [Fact]
    public async Task Verify_accepts_an_intact_backup_and_exits_with_1_for_a_damaged_one_writing_nothing()
    {
        var file = _folder.File("verify.jsonl");
        await Succeed(_source, "backup", file);
        var damaged = _folder.File("damaged.jsonl");
        await File.WriteAllTextAsync(damaged, (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Replace("city", "town", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var intact = await Succeed(_target, "restore", file, "--verify");
        var (code, _, stderr) = await CliRunner.RunAsync("", At(_target, "restore", damaged, "--verify"));
        var (restoreCode, _, restoreError) = await CliRunner.RunAsync("", At(_target, "restore", damaged));

        Assert.StartsWith("The backup is intact: 2 schemas", intact, StringComparison.Ordinal);
        Assert.Equal(1, code);
        Assert.Contains("SHA-256", stderr, StringComparison.Ordinal);
        Assert.Equal(3, restoreCode);
        Assert.Contains("invalid_request", restoreError, StringComparison.Ordinal);
        Assert.Equal("", await Succeed(_target, "subjects", "list"));
    }

    [Fact]
    public async Task Restore_into_a_server_with_data_exits_with_3_unless_merging()
    {
        var file = _folder.File("merge.jsonl");
        await Succeed(_source, "backup", file);

        var (code, _, stderr) = await CliRunner.RunAsync("", At(_source, "restore", file));
        var merged = await Succeed(_source, "restore", file, "--merge", "--json");

        Assert.Equal(3, code);
        Assert.Contains("not empty", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(merged);
        Assert.Equal(0, json.RootElement.GetProperty("written").GetInt64());
        Assert.Equal(7, json.RootElement.GetProperty("kept").GetInt64());
    }

    [Fact]
    public async Task Backup_and_restore_over_the_binary_protocol_are_not_available_and_exit_with_2()
    {
        var file = _folder.File("binary.jsonl");

        var (backupCode, _, backupError) = await CliRunner.RunAsync("", "backup", file, "--server", _source.BinaryEndpoint.ToString(), "--binary");
        var (restoreCode, _, _) = await CliRunner.RunAsync("", "restore", file, "--server", _source.BinaryEndpoint.ToString(), "--binary");

        Assert.Equal((2, 2), (backupCode, restoreCode));
        Assert.Contains("not available over the binary protocol", backupError, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Restore_of_a_missing_file_is_bad_input_and_merge_with_verify_is_refused()
    {
        var (missing, _, _) = await CliRunner.RunAsync("", At(_target, "restore", _folder.File("nope.jsonl")));
        var (both, _, stderr) = await CliRunner.RunAsync("", At(_target, "restore", _folder.File("nope.jsonl"), "--merge", "--verify"));

        Assert.Equal(2, missing);
        Assert.Equal(2, both);
        Assert.Contains("do not go together", stderr, StringComparison.Ordinal);
    }
}
