namespace Registry.Engine.Model;

/// <summary>Descriptive facts about a version; may be replaced without registering a new version.</summary>
public sealed record VersionMetadata
{
    /// <summary>No metadata.</summary>
    public static VersionMetadata Empty { get; } = new();

    /// <summary>What the schema is for.</summary>
    public string? Description { get; init; }

    /// <summary>Who owns it (team, person, service).</summary>
    public string? Owner { get; init; }

    /// <summary>Free-form labels.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Free-form key-values.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The data contract (Confluent metadata and rule set) the version was registered with: part of its schema's
    /// identity, fixed at registration (a metadata update keeps it); null when none.
    /// </summary>
    public DataContract? Contract { get; init; }

    /// <summary>True when nothing is set.</summary>
    public bool IsEmpty => Description is null && Owner is null && Tags.Count == 0 && Properties.Count == 0 && Contract is null;
}

/// <summary>Why a version is deprecated, until when it may be used, and what replaces it.</summary>
public sealed record Deprecation
{
    /// <summary>Why.</summary>
    public string? Reason { get; init; }

    /// <summary>When it will be archived (advisory; nothing archives it automatically).</summary>
    public DateTimeOffset? Sunset { get; init; }

    /// <summary>What to use instead, e.g. <c>orders.created:3</c>.</summary>
    public string? Replacement { get; init; }
}
