using System.Data.Common;
using Microsoft.Data.Sqlite;
using Registry.Engine.Storage.Sql;

namespace Registry.Engine.Storage.Sqlite;

/// <summary>
/// One open connection with its prepared commands, used by one caller at a time. Keeping commands alive keeps
/// SQLite's prepared statements alive, so a repeated query is not re-parsed. Parameters are positional
/// (<c>$1</c>, <c>$2</c>, ...), as in <see cref="SqlStatements"/>.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteSession(string connectionString, TimeSpan busyTimeout)
    {
        Connection = new SqliteConnection(connectionString);
        Connection.Open();

        // Per-connection settings. WAL is persistent in the file; setting it again is a no-op.
        // synchronous=FULL: a commit returns only after the WAL is fsynced, so an acknowledged write survives a crash
        // of the process and of the machine. foreign_keys enforces referential integrity of references.
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=FULL;");
        Execute("PRAGMA foreign_keys=ON;");
        Execute($"PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds};");
    }

    public SqliteConnection Connection { get; }

    /// <summary>The cached command for <paramref name="sql"/>, bound to <paramref name="values"/> as <c>$1</c>, <c>$2</c>, ... (null: SQL NULL).</summary>
    public SqliteCommand Command(string sql, params ReadOnlySpan<object?> values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }
        else
        {
            command.Parameters.Clear();
        }

        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue(SqlParameters.Name(i + 1), values[i] ?? DBNull.Value);
        }

        return command;
    }

    public int Execute(string sql, params ReadOnlySpan<object?> values) => Command(sql, values).ExecuteNonQuery();

    public object? Scalar(string sql, params ReadOnlySpan<object?> values) => Command(sql, values).ExecuteScalar();

    /// <summary>Every row, each read by <paramref name="row"/>.</summary>
    public List<T> ReadAll<T>(string sql, Func<DbDataReader, T> row, params ReadOnlySpan<object?> values)
    {
        var list = new List<T>();
        using var r = Command(sql, values).ExecuteReader();
        while (r.Read())
        {
            list.Add(row(r));
        }

        return list;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
