using Registry.Engine.Model;
using Registry.Engine.Storage.Sql;

namespace Registry.Engine.Storage.Sqlite;

/// <summary>Tool sets in the same file (migration 6); each call runs under the write lock.</summary>
public sealed partial class SqliteRegistryStore : IToolSetStore
{
    /// <inheritdoc />
    public Task<ToolSetRecord?> GetToolSetAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(static (s, name, ct) => SqlToolSets.GetAsync(s.Connection, name, ct), name, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListToolSetsAsync(CancellationToken cancellationToken) =>
        WriteAsync(static (s, _, ct) => SqlToolSets.ListAsync(s.Connection, ct), 0, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutToolSetAsync(ToolSetRecord set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        return WriteAsync(static (s, set, ct) => SqlToolSets.PutAsync(s.Connection, set, ct), set, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteToolSetAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(static (s, name, ct) => SqlToolSets.DeleteAsync(s.Connection, name, ct), name, cancellationToken);
}
