using Registry.Engine.Services;

namespace Registry.Engine.Storage.Tiers;

/// <summary>Connects a <see cref="TieredRegistryStore"/> to the engine above it: what the engine forgets when another replica wrote.</summary>
public static class RemoteChanges
{
    /// <summary>Subscribes <paramref name="registry"/> to the store's remote changes.</summary>
    public static void Connect(TieredRegistryStore store, SchemaRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(registry);
        store.RemoteChanged += change => Apply(registry, change);
    }

    /// <summary>Applies one change to the engine's schema cache.</summary>
    public static void Apply(SchemaRegistry registry, Invalidation change)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(change);
        switch (change.Kind)
        {
            case InvalidationKind.All:
                registry.Cache.Clear();
                break;
            case InvalidationKind.SubjectHardDeleted:
                registry.ApplyRemoteChange(RegistryChangeKind.SubjectHardDeleted, change.SchemaIds);
                break;
            case InvalidationKind.Subject:
                registry.ApplyRemoteChange(RegistryChangeKind.Subject, change.SchemaIds);
                break;
            default:
                // Configuration is not held by the engine.
                break;
        }
    }
}
