namespace Registry.Engine.Model;

/// <summary>What writes a subject (or the whole registry) accepts. Values are stored: append, never renumber.</summary>
public enum RegistryMode
{
    /// <summary>Normal operation: registrations get ids and versions allocated by the registry.</summary>
    ReadWrite = 0,

    /// <summary>No registration, deletion or lifecycle change; reads and validation only.</summary>
    ReadOnly = 1,

    /// <summary>Registrations may carry explicit ids and versions (migration, restore); compatibility is not checked.</summary>
    Import = 2,
}
