using System.Text.Json;
using Microsoft.Data.Sqlite;
using Registry.Server.Tests;

namespace Registry.Cli.Tests;

/// <summary><c>registry keys</c> and <c>registry audit</c> against a registry with authentication on.</summary>
public sealed class SecurityCommandTests : IAsyncLifetime
{
    private const string AdminKey = "rk_0d0d0d0d0d0d0d0d.the-key-commands-admin-secret";

    private InProcessServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
    {
        ["Registry:Security:Enabled"] = "true",
        ["Registry:Security:BootstrapAdminKey"] = AdminKey,
        ["Registry:Security:RateLimit:FailedAuthenticationsPerMinute"] = "0",
    });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_created_key_is_printed_once_works_is_listed_without_its_secret_and_stops_working_when_revoked()
    {
        var (code, stdout, stderr) = await Run("keys", "create", "--role", "Developer", "--grant", "orders.*", "--grant", "billing.*", "--description", "orders team", "--expires", "2099-01-01");

        Assert.True(code == 0, stdout + stderr);
        var key = stdout.Trim();
        Assert.Matches("^rk_[0-9a-f]{16}\\.", key);
        var id = key[..key.IndexOf('.', StringComparison.Ordinal)];
        Assert.Contains($"created {id} (developer on orders.*, billing.*)", stderr, StringComparison.Ordinal);
        Assert.Contains("not shown again", stderr, StringComparison.Ordinal);

        // The key works: a developer registers on its grant.
        var schema = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(schema, """{"type":"object"}""", TestContext.Current.CancellationToken);
        var registered = await CliRunner.RunAsync("", "schemas", "register", "orders.placed", schema, "--api-key", key, "--server", Url);
        File.Delete(schema);
        Assert.True(registered.ExitCode == 0, registered.Stdout + registered.Stderr);

        var (_, listed, _) = await Run("keys", "list");
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.Contains("orders team", listed, StringComparison.Ordinal);
        Assert.Contains("2099-01-01 00:00:00Z", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key[(id.Length + 1)..], listed, StringComparison.Ordinal);

        // A whole key pasted instead of its id revokes that key; the secret is not echoed back.
        var revoked = await Run("keys", "revoke", key);
        Assert.True(revoked.ExitCode == 0, revoked.Stdout + revoked.Stderr);
        Assert.StartsWith($"revoked {id} at ", revoked.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(key[(id.Length + 1)..], revoked.Stdout + revoked.Stderr, StringComparison.Ordinal);

        var refused = await CliRunner.RunAsync("", "subjects", "list", "--api-key", key, "--server", Url);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("unauthenticated", refused.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("--api-key KEY or the REGISTRY_API_KEY", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_of_create_holds_the_key_and_list_never_does()
    {
        var (_, created, _) = await Run("keys", "create", "--role", "reader", "--json");
        using var document = JsonDocument.Parse(created);
        var key = document.RootElement.GetProperty("key").GetString()!;

        var (_, listed, _) = await Run("keys", "list", "--json");

        using var list = JsonDocument.Parse(listed);
        var mine = Assert.Single(list.RootElement.EnumerateArray(), k => k.GetProperty("key_id").GetString() == document.RootElement.GetProperty("key_id").GetString());
        Assert.Equal("reader", mine.GetProperty("role").GetString());
        Assert.True(!mine.TryGetProperty("key", out var secret) || secret.ValueKind == JsonValueKind.Null);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("superuser", "unknown value 'superuser'")]
    [InlineData(null, "--role")]
    public async Task A_missing_or_unknown_role_is_bad_input(string? role, string message)
    {
        string[] args = role is null ? ["keys", "create"] : ["keys", "create", "--role", role];

        var (code, _, stderr) = await Run(args);

        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grant_the_server_refuses_is_reported_in_its_words()
    {
        var (code, _, stderr) = await Run("keys", "create", "--role", "developer", "--grant", "or*ders");

        Assert.NotEqual(0, code);
        Assert.Contains("'*' may only end a grant", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_that_is_not_an_admin_cannot_manage_keys()
    {
        var (_, reader, _) = await Run("keys", "create", "--role", "reader");

        var (code, _, stderr) = await CliRunner.RunAsync("", "keys", "list", "--api-key", reader.Trim(), "--server", Url);

        Assert.Equal(3, code);
        Assert.Contains("forbidden", stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_audit_list_shows_key_operations_filtered_by_principal_and_verify_finds_a_changed_row()
    {
        await Run("keys", "create", "--role", "reader", "--description", "audited");
        var adminId = AdminKey[..AdminKey.IndexOf('.', StringComparison.Ordinal)];

        var (code, stdout, stderr) = await Run("audit", "list", "--principal", adminId, "--since", "2020-01-01", "--json");
        Assert.True(code == 0, stdout + stderr);
        using var rows = JsonDocument.Parse(stdout);
        Assert.Contains(rows.RootElement.EnumerateArray(), r => r.GetProperty("operation").GetString() == "key_create" && r.GetProperty("outcome").GetString() == "ok");
        Assert.All(rows.RootElement.EnumerateArray(), r => Assert.Equal(adminId, r.GetProperty("principal").GetString()));

        // --limit pages: one row asked, one row given.
        var (_, one, _) = await Run("audit", "list", "--limit", "1", "--json");
        using (var page = JsonDocument.Parse(one))
        {
            Assert.Equal(1, page.RootElement.GetArrayLength());
        }

        var intact = await Run("audit", "verify");
        Assert.True(intact.ExitCode == 0, intact.Stdout + intact.Stderr);
        Assert.StartsWith("intact: ", intact.Stdout, StringComparison.Ordinal);

        var last = rows.RootElement.EnumerateArray().Last().GetProperty("sequence").GetInt64();
        await using (var connection = new SqliteConnection($"Data Source={_server.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_log SET outcome = 'denied' WHERE seq = $1";
            command.Parameters.AddWithValue("$1", last);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        var broken = await Run("audit", "verify");
        Assert.Equal(1, broken.ExitCode);
        Assert.StartsWith($"BROKEN at row {last}: ", broken.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_the_binary_protocol_the_commands_say_to_use_http()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", "keys", "list", "--api-key", AdminKey, "--binary", "--server", _server.BinaryEndpoint.ToString());

        Assert.Equal(2, code);
        Assert.Contains("without --binary", stderr, StringComparison.Ordinal);
    }

    private string Url => $"http://{_server.HttpEndpoint}";

    private Task<(int ExitCode, string Stdout, string Stderr)> Run(params string[] args) =>
        CliRunner.RunAsync("", [.. args, "--api-key", AdminKey, "--server", Url]);
}
