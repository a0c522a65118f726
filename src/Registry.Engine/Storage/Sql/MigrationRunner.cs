using System.Data.Common;
using System.Globalization;

namespace Registry.Engine.Storage.Sql;

/// <summary>One change to a store's database schema. Append new migrations; never edit an applied one.</summary>
/// <param name="Version">Its number: migrations run in ascending order, each once.</param>
/// <param name="Name">What it does, recorded beside the number.</param>
/// <param name="Sql">The statements.</param>
internal readonly record struct SqlMigration(int Version, string Name, string Sql);

/// <summary>How a store records its applied migrations: the table, and the statement that records one.</summary>
/// <param name="CreateTable">Creates <c>schema_migrations</c> when missing.</param>
/// <param name="Record">$1 version, $2 name, $3 the time applied (Unix milliseconds).</param>
internal sealed record MigrationTable(string CreateTable, string Record);

/// <summary>
/// Brings a database schema up to date: applies, in order, every migration not recorded in <c>schema_migrations</c>,
/// recording each. Not only those above the newest recorded: numbers are reserved per change, so a database migrated by
/// a build with 5 still gets 4 when a later build brings it. Runs inside the caller's transaction, which the caller commits; the caller
/// also keeps other processes out meanwhile (a lock of its own), so each migration is applied exactly once.
/// </summary>
internal static class MigrationRunner
{
    private const string Applied = "SELECT version FROM schema_migrations";

    /// <summary>Applies what is missing; returns how many migrations were applied.</summary>
    public static async Task<int> RunAsync(
        DbConnection connection, DbTransaction? transaction, MigrationTable table, IReadOnlyList<SqlMigration> migrations, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, table.CreateTable, cancellationToken).ConfigureAwait(false);
        var applied = new HashSet<long>();
        await using (var recorded = Command(connection, transaction, Applied))
        {
            await using var reader = await recorded.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
            }
        }

        var count = 0;
        foreach (var migration in migrations)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using var record = Command(connection, transaction, table.Record);
            SqlParameters.Add(record, migration.Version);
            SqlParameters.Add(record, migration.Name);
            SqlParameters.Add(record, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            count++;
        }

        return count;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
