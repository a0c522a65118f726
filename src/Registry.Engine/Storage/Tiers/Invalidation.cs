namespace Registry.Engine.Storage.Tiers;

/// <summary>What an invalidation tells the other replicas to forget.</summary>
public enum InvalidationKind : byte
{
    /// <summary>A subject's versions changed (new version, state, metadata, soft delete): its snapshot and the usage of the ids.</summary>
    Subject = 0,

    /// <summary>Versions were hard-deleted: also the schemas by id (they may have no version left) and the subject's configuration.</summary>
    SubjectHardDeleted = 1,

    /// <summary>A configuration changed (subject null: the registry-wide one).</summary>
    Config = 2,

    /// <summary>Everything mutable (sent after invalidations were lost while the shared cache was unreachable).</summary>
    All = 3,
}

/// <summary>An invalidation on the wire.</summary>
/// <param name="Origin">The replica that wrote.</param>
/// <param name="Sequence">Its sequence number at that replica (acknowledgements name it).</param>
/// <param name="Kind">What changed.</param>
/// <param name="Subject">The subject, or the config scope (null: registry-wide).</param>
/// <param name="SchemaIds">The schema ids whose versions changed.</param>
public sealed record Invalidation(Guid Origin, long Sequence, InvalidationKind Kind, string? Subject, IReadOnlyList<long> SchemaIds);
