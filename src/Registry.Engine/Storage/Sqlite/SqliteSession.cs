using Microsoft.Data.Sqlite;

namespace Registry.Engine.Storage.Sqlite;

/// <summary>
/// One open connection with its prepared commands, used by one caller at a time. Keeping commands alive keeps
/// SQLite's prepared statements alive, so a repeated query is not re-parsed.
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

    /// <summary>The cached command for <paramref name="sql"/>, with its parameters cleared.</summary>
    public SqliteCommand Command(string sql)
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

        return command;
    }

    public int Execute(string sql) => Command(sql).ExecuteNonQuery();

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
