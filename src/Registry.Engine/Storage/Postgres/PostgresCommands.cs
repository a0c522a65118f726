using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Registry.Engine.Storage.Postgres;

/// <summary>Commands with positional parameters on a connection and transaction, and typed parameters without boxing.</summary>
internal static class PostgresCommands
{
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public static NpgsqlBatchCommand Statement(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>Several statements in one round trip (positional parameters cannot span statements of one command).</summary>
    public static async Task ExecuteBatchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken, params NpgsqlBatchCommand[] statements)
    {
        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var statement in statements)
        {
            batch.BatchCommands.Add(statement);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every row of <paramref name="command"/>, each read by <paramref name="row"/>.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<DbDataReader, T> row, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(row(r));
        }

        return list;
    }

    public static NpgsqlParameter<T> P<T>(T value) => new() { TypedValue = value };

    public static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Int(int? value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = value is { } v ? v : DBNull.Value };

    public static NpgsqlParameter Small(short? value) => new() { NpgsqlDbType = NpgsqlDbType.Smallint, Value = value is { } v ? v : DBNull.Value };

    public static int[] ToArray(IReadOnlyList<int> versions)
    {
        var array = new int[versions.Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = versions[i];
        }

        return array;
    }
}

/// <summary>What a PostgreSQL failure means to the engine.</summary>
internal static class PostgresErrors
{
    /// <summary>
    /// Errors that mean "another writer got there first" and are resolved by re-reading and retrying: a key taken by
    /// a concurrent transaction, a deadlock or serialization failure the server broke.
    /// </summary>
    public static bool IsRace(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    /// <summary>
    /// The engine's view of a failure: the server unreachable, shutting down, out of connections or timing out is
    /// <see cref="RegistryErrorCode.StoreUnavailable"/> (retry later); any other database error is a store error.
    /// Null for exceptions that are not the database's (cancellation by the caller, bugs), which propagate as they are.
    /// </summary>
    public static RegistryException? Translate(Exception e) => e switch
    {
        PostgresException pg when IsUnavailable(pg.SqlState) =>
            new RegistryException(RegistryErrorCode.StoreUnavailable, $"PostgreSQL is unavailable ({pg.SqlState}): {pg.MessageText}", e),
        PostgresException pg =>
            new RegistryException($"PostgreSQL failed ({pg.SqlState}): {pg.MessageText}", e),
        NpgsqlException => new RegistryException(RegistryErrorCode.StoreUnavailable, $"PostgreSQL cannot be reached: {e.Message}", e),
        TimeoutException => new RegistryException(RegistryErrorCode.StoreUnavailable, $"PostgreSQL did not answer in time: {e.Message}", e),
        System.Net.Sockets.SocketException or IOException => new RegistryException(RegistryErrorCode.StoreUnavailable, $"PostgreSQL cannot be reached: {e.Message}", e),
        _ => null,
    };

    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)        // connection exceptions
        || sqlState.StartsWith("53", StringComparison.Ordinal)     // insufficient resources, too many connections
        || sqlState.StartsWith("57P", StringComparison.Ordinal)    // admin/crash shutdown, cannot connect now
        || sqlState == PostgresErrorCodes.QueryCanceled            // statement timeout
        || sqlState.StartsWith("58", StringComparison.Ordinal);    // system error (I/O)
}
