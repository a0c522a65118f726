namespace Registry.Engine.Storage.Sqlite;

/// <summary>Settings of the embedded SQLite store (<c>Registry:Storage:Sqlite:...</c>).</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Path of the database file; its folder is created when missing. Relative paths are relative to the working directory.</summary>
    public string Path { get; set; } = "./data/registry.db";

    /// <summary>How long a write waits for another process holding the file's write lock.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most connections used for reads at once (WAL lets them run alongside the writer).</summary>
    public int MaxReadConnections { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);
}
