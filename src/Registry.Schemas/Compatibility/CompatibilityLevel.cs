namespace Registry.Schemas.Compatibility;

/// <summary>How a new version must relate to the versions before it.</summary>
public enum CompatibilityLevel
{
    /// <summary>Nothing is checked.</summary>
    None,

    /// <summary>The new schema accepts every document the latest version accepted.</summary>
    Backward,

    /// <summary>As <see cref="Backward"/>, against every earlier live version.</summary>
    BackwardTransitive,

    /// <summary>The latest version accepts every document the new schema accepts.</summary>
    Forward,

    /// <summary>As <see cref="Forward"/>, against every earlier live version.</summary>
    ForwardTransitive,

    /// <summary>Both <see cref="Backward"/> and <see cref="Forward"/>.</summary>
    Full,

    /// <summary>Both, against every earlier live version.</summary>
    FullTransitive,
}

/// <summary>How strictly an open content model is judged.</summary>
public enum CompatibilityPolicy
{
    /// <summary>Adding a property to an open content model is incompatible (a document may already use that name with another type).</summary>
    Strict,

    /// <summary>Adding an optional property to an open content model is compatible.</summary>
    Lenient,
}

/// <summary>The semantic-version bump a change calls for.</summary>
public enum VersionBump
{
    /// <summary>No difference at all.</summary>
    None,

    /// <summary>Annotation-only changes (title, description, examples...).</summary>
    Patch,

    /// <summary>Compatible additions.</summary>
    Minor,

    /// <summary>An incompatible change.</summary>
    Major,
}
