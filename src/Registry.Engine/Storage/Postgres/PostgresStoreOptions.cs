namespace Registry.Engine.Storage.Postgres;

/// <summary>Settings of the PostgreSQL store (<c>Registry:Storage:Postgres:...</c>).</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>Npgsql connection string (host, port, database, user, password, TLS...).</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Most pooled connections per process; 0 keeps what the connection string says (Npgsql's default is 100).</summary>
    public int MaxPoolSize { get; set; }

    /// <summary>Connections kept open while idle.</summary>
    public int MinPoolSize { get; set; }

    /// <summary>How long opening a connection may take before the store is reported unavailable.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one statement may run.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Statements Npgsql prepares automatically per connection (0 disables automatic preparation).</summary>
    public int MaxAutoPrepare { get; set; } = 64;
}
