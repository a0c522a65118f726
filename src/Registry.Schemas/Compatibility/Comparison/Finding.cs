namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>One difference found by a <see cref="SchemaComparer"/>, classified for the direction it compared in.</summary>
internal sealed record Finding(string Name, string Location, bool Compatible, string Message)
{
    private int _keyHash;

    /// <summary>The hash of <see cref="Name"/> and <see cref="Location"/>, computed once (a copy made with <c>with</c> keeps both, and it).</summary>
    public int KeyHash
    {
        get
        {
            if (_keyHash == 0)
            {
                _keyHash = HashCode.Combine(Name, Location) | 1;
            }

            return _keyHash;
        }
    }

    // Equality is the four values, not the cached hash.
    public bool Equals(Finding? other)
        => other is not null && Name == other.Name && Location == other.Location && Compatible == other.Compatible && Message == other.Message;

    public override int GetHashCode() => HashCode.Combine(Name, Location, Compatible, Message);

    /// <summary>True when both are about the same name and location.</summary>
    public static bool SameKey(Finding a, Finding b)
        => ReferenceEquals(a, b) || (a.KeyHash == b.KeyHash && a.Name == b.Name && a.Location == b.Location);
}
