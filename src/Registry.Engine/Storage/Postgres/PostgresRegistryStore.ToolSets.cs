using Registry.Engine.Model;
using Registry.Engine.Storage.Sql;

namespace Registry.Engine.Storage.Postgres;

/// <summary>Tool sets (migration 6); each call is one statement (a put is an upsert, so concurrent writers cannot clash).</summary>
public sealed partial class PostgresRegistryStore : IToolSetStore
{
    /// <inheritdoc />
    public Task<ToolSetRecord?> GetToolSetAsync(string name, CancellationToken cancellationToken) =>
        RunAsync(static async (source, name, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await SqlToolSets.GetAsync(connection, name, ct).ConfigureAwait(false);
        }, name, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListToolSetsAsync(CancellationToken cancellationToken) =>
        RunAsync(static async (source, _, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await SqlToolSets.ListAsync(connection, ct).ConfigureAwait(false);
        }, 0, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutToolSetAsync(ToolSetRecord set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        return RunAsync(static async (source, set, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await SqlToolSets.PutAsync(connection, set, ct).ConfigureAwait(false);
        }, set, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteToolSetAsync(string name, CancellationToken cancellationToken) =>
        RunAsync(static async (source, name, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await SqlToolSets.DeleteAsync(connection, name, ct).ConfigureAwait(false);
        }, name, cancellationToken);
}
