namespace Registry.Engine.Security;

/// <summary>
/// Who is calling, once authenticated: a name (an API key's id or a token's subject), a role, and the subjects the
/// role's scoped rights apply to. Immutable and shared: one instance per cached key.
/// </summary>
public sealed class Principal
{
    /// <summary>Creates a principal.</summary>
    public Principal(string name, Role role, IReadOnlyList<string> grants)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(grants);
        Name = name;
        Role = role;
        Grants = grants;
    }

    /// <summary>The key id or token subject; recorded in the audit log and as created-by.</summary>
    public string Name { get; }

    /// <summary>The role.</summary>
    public Role Role { get; }

    /// <summary>Subject patterns: <c>*</c> (every subject), <c>orders.*</c> (a prefix) or an exact subject name.</summary>
    public IReadOnlyList<string> Grants { get; }

    /// <summary>True when a grant covers <paramref name="subject"/>.</summary>
    public bool IsGranted(string subject)
    {
        foreach (var grant in Grants)
        {
            if (SubjectGrant.Covers(grant, subject))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>How a grant pattern covers subject names.</summary>
public static class SubjectGrant
{
    /// <summary>Most grants per key.</summary>
    public const int MaxGrants = 64;

    /// <summary>Longest grant pattern, in characters (a subject name and its <c>*</c>).</summary>
    public const int MaxLength = 256;

    /// <summary>
    /// True when <paramref name="grant"/> covers <paramref name="subject"/>: <c>*</c> covers every subject, a pattern
    /// ending in <c>*</c> every subject starting with what precedes it (ordinal), anything else only the subject of
    /// that exact name.
    /// </summary>
    public static bool Covers(string grant, string subject)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(subject);
        return grant.EndsWith('*')
            ? subject.AsSpan().StartsWith(grant.AsSpan(0, grant.Length - 1), StringComparison.Ordinal)
            : string.Equals(grant, subject, StringComparison.Ordinal);
    }

    /// <summary>Null when the pattern is acceptable, else why not.</summary>
    public static string? Problem(string? grant)
    {
        if (string.IsNullOrEmpty(grant))
        {
            return "a grant must not be empty";
        }

        if (grant.Length > MaxLength)
        {
            return $"a grant is at most {MaxLength} characters";
        }

        if (grant.AsSpan(0, grant.Length - 1).Contains('*'))
        {
            return $"'{grant}': '*' may only end a grant";
        }

        foreach (var c in grant)
        {
            if (char.IsControl(c))
            {
                return "a grant must not contain control characters";
            }
        }

        return null;
    }
}
