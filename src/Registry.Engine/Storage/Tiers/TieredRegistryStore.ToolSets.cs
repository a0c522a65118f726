using Registry.Engine.Model;

namespace Registry.Engine.Storage.Tiers;

/// <summary>Tool sets are not cached in the tiers: every call goes to the system of record.</summary>
public sealed partial class TieredRegistryStore : IToolSetStore
{
    private IToolSetStore ToolSets => Inner as IToolSetStore
        ?? throw new RegistryException(RegistryErrorCode.StoreError, "The system of record keeps no tool sets.");

    /// <inheritdoc />
    public Task<ToolSetRecord?> GetToolSetAsync(string name, CancellationToken cancellationToken) => ToolSets.GetToolSetAsync(name, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListToolSetsAsync(CancellationToken cancellationToken) => ToolSets.ListToolSetsAsync(cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutToolSetAsync(ToolSetRecord set, CancellationToken cancellationToken) => ToolSets.PutToolSetAsync(set, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteToolSetAsync(string name, CancellationToken cancellationToken) => ToolSets.DeleteToolSetAsync(name, cancellationToken);
}
