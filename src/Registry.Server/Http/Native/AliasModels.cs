namespace Registry.Server.Http.Native;

/// <summary>An alias of a subject: the version it points at and who set it.</summary>
public sealed record AliasModel
{
    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The alias name.</summary>
    public required string Name { get; init; }

    /// <summary>The version it points at.</summary>
    public required int Version { get; init; }

    /// <summary>True when only an administrator's forced request may move or delete it.</summary>
    public required bool Protected { get; init; }

    /// <summary>When it was last set.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who last set it, when known.</summary>
    public string? UpdatedBy { get; init; }
}

/// <summary>Body of <c>PUT /v1/subjects/{subject}/aliases/{alias}</c>.</summary>
public sealed record AliasRequest
{
    /// <summary>The version to point at.</summary>
    public int Version { get; init; }

    /// <summary>The protection after the change; absent keeps the current one.</summary>
    public bool? Protected { get; init; }

    /// <summary>Changes a protected alias (an administrator's request).</summary>
    public bool? Force { get; init; }
}

/// <summary>One recorded change of an alias.</summary>
/// <param name="From">The version before, or null when the alias was created.</param>
/// <param name="To">The version after, or null when the alias was deleted.</param>
/// <param name="Protected">Its protection after the change.</param>
/// <param name="At">When.</param>
/// <param name="By">Who, when known.</param>
public sealed record AliasMoveModel(int? From, int? To, bool Protected, DateTimeOffset At, string? By);

/// <summary>The versions one alias points at across several subjects.</summary>
public sealed record BundleResponse
{
    /// <summary>The alias.</summary>
    public required string Alias { get; init; }

    /// <summary>One version per subject, in the order asked.</summary>
    public required IReadOnlyList<VersionResponse> Versions { get; init; }
}
