using Registry.Engine.Model;

namespace Registry.Engine.Storage;

/// <summary>
/// Named tool sets (migration 6 of the SQL stores). Each call is one statement; a set is written whole, so there is no
/// partial state to guard. Not cached in the tiers: sets are read rarely, by people and deployment pipelines.
/// </summary>
public interface IToolSetStore
{
    /// <summary>The set called <paramref name="name"/>, or null.</summary>
    Task<ToolSetRecord?> GetToolSetAsync(string name, CancellationToken cancellationToken);

    /// <summary>The names of all sets, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListToolSetsAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces a set; true when it was created.</summary>
    Task<bool> PutToolSetAsync(ToolSetRecord set, CancellationToken cancellationToken);

    /// <summary>Removes a set; false when there was none.</summary>
    Task<bool> DeleteToolSetAsync(string name, CancellationToken cancellationToken);
}
