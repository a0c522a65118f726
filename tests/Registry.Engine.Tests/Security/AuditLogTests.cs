using Microsoft.Data.Sqlite;
using Registry.Engine.Security;
using Registry.Engine.Storage.Sqlite;
using Registry.Testing;

namespace Registry.Engine.Tests.Security;

/// <summary>The hash-chained audit log over the embedded store: appending, filtering, and finding a tampered row.</summary>
public sealed class AuditLogTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _folder = new("audit");
    private SqliteRegistryStore _store = null!;
    private AuditLog _log = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteRegistryStore(new SqliteStoreOptions { Path = _folder.File("registry.db") });
        await _store.InitializeAsync(Ct);
        _log = new AuditLog(_store);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task Rows_are_numbered_in_order_and_each_names_the_hash_of_the_one_before()
    {
        var first = await _log.RecordAsync(Entry(0, "alice", "orders.created"), Ct);
        var second = await _log.RecordAsync(Entry(1, "bob", "payments.created"), Ct);

        Assert.Equal(1, first.Sequence);
        Assert.Equal(2, second.Sequence);
        Assert.Equal(AuditChain.Genesis.ToArray(), first.PreviousHash.ToArray());
        Assert.Equal(first.Hash.ToArray(), second.PreviousHash.ToArray());
        var verification = await _log.VerifyAsync(Ct);
        Assert.Equal(2, verification.Rows);
        Assert.Null(verification.Break);
    }

    [Fact]
    public async Task Reads_filter_by_subject_principal_and_time()
    {
        await _log.RecordAsync(Entry(0, "alice", "orders.created"), Ct);
        await _log.RecordAsync(Entry(10, "bob", "orders.created"), Ct);
        await _log.RecordAsync(Entry(20, "alice", "payments.created"), Ct);

        var bySubject = await _log.ReadAsync(new AuditQuery("orders.created", null, null, 0, 100), Ct);
        var byPrincipal = await _log.ReadAsync(new AuditQuery(null, "alice", null, 0, 100), Ct);
        var since = await _log.ReadAsync(new AuditQuery(null, null, Start.AddMinutes(10), 0, 100), Ct);

        Assert.Equal([1L, 2L], bySubject.Select(r => r.Sequence));
        Assert.Equal([1L, 3L], byPrincipal.Select(r => r.Sequence));
        Assert.Equal([2L, 3L], since.Select(r => r.Sequence));
    }

    [Theory]
    [InlineData("UPDATE audit_log SET outcome = 'ok' WHERE seq = 2", 2)]
    [InlineData("UPDATE audit_log SET principal = 'mallory' WHERE seq = 3", 3)]
    [InlineData("DELETE FROM audit_log WHERE seq = 2", 2)]
    public async Task A_changed_or_removed_row_breaks_the_chain_and_the_verifier_names_it(string tampering, long brokenAt)
    {
        for (var i = 0; i < 4; i++)
        {
            await _log.RecordAsync(Entry(i, "alice", "orders.created") with { Outcome = "denied" }, Ct);
        }

        await using (var connection = new SqliteConnection($"Data Source={_store.Path};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = tampering;
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        var verification = await _log.VerifyAsync(Ct);

        Assert.NotNull(verification.Break);
        Assert.Equal(brokenAt, verification.Break.Sequence);
    }

    [Fact]
    public async Task A_row_rewritten_with_a_recomputed_hash_still_breaks_the_next_row()
    {
        for (var i = 0; i < 3; i++)
        {
            await _log.RecordAsync(Entry(i, "alice", "orders.created"), Ct);
        }

        var rows = await _log.ReadAsync(new AuditQuery(null, null, null, 0, 10), Ct);
        var forged = rows[1].Entry with { Principal = "mallory" };
        var forgedHash = AuditChain.Hash(rows[0].Hash.Span, 2, forged);
        await using (var connection = new SqliteConnection($"Data Source={_store.Path};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_log SET principal = 'mallory', hash = $h WHERE seq = 2";
            command.Parameters.AddWithValue("$h", forgedHash);
            await command.ExecuteNonQueryAsync(Ct);
        }

        var verification = await _log.VerifyAsync(Ct);

        Assert.Equal(3, verification.Break?.Sequence);
    }

    private static AuditEntry Entry(int minutes, string principal, string subject) => new()
    {
        Time = Start.AddMinutes(minutes),
        Principal = principal,
        Source = "127.0.0.1",
        Operation = "register",
        Subject = subject,
        Version = 1,
        Outcome = "ok",
    };
}
