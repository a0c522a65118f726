using System.Globalization;

using Registry.Schemas.Compatibility;

namespace Registry.Engine.Model;

/// <summary>
/// A semantic-version label (<c>MAJOR.MINOR.PATCH[-prerelease][+build]</c>, semver.org 2.0.0), ordered by its
/// precedence rules; build metadata is ignored in comparisons.
/// </summary>
public sealed class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    private const int MaxLength = 128;

    private SemanticVersion(long major, long minor, long patch, string prerelease, string text)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        Prerelease = prerelease;
        Text = text;
    }

    /// <summary>Major.</summary>
    public long Major { get; }

    /// <summary>Minor.</summary>
    public long Minor { get; }

    /// <summary>Patch.</summary>
    public long Patch { get; }

    /// <summary>Pre-release identifiers, empty when none.</summary>
    public string Prerelease { get; }

    /// <summary>The label as written.</summary>
    public string Text { get; }

    /// <summary>Parses a label; false when it is not semver 2.0.0.</summary>
    public static bool TryParse(string? text, out SemanticVersion? version)
    {
        version = null;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        var core = text.AsSpan();
        var plus = core.IndexOf('+');
        if (plus >= 0)
        {
            if (!ValidIdentifiers(core[(plus + 1)..], numericRules: false))
            {
                return false;
            }

            core = core[..plus];
        }

        var prerelease = ReadOnlySpan<char>.Empty;
        var dash = core.IndexOf('-');
        if (dash >= 0)
        {
            prerelease = core[(dash + 1)..];
            if (!ValidIdentifiers(prerelease, numericRules: true))
            {
                return false;
            }

            core = core[..dash];
        }

        Span<Range> parts = stackalloc Range[4];
        if (core.Split(parts, '.') != 3
            || !TryNumber(core[parts[0]], out var major)
            || !TryNumber(core[parts[1]], out var minor)
            || !TryNumber(core[parts[2]], out var patch))
        {
            return false;
        }

        version = new SemanticVersion(major, minor, patch, prerelease.ToString(), text);
        return true;
    }

    /// <summary>The label after applying <paramref name="bump"/> (pre-release dropped); itself for <c>None</c>.</summary>
    public string Bumped(VersionBump bump) => bump switch
    {
        VersionBump.Major => Format(Major + 1, 0, 0),
        VersionBump.Minor => Format(Major, Minor + 1, 0),
        VersionBump.Patch => Format(Major, Minor, Patch + 1),
        _ => Text,
    };

    /// <inheritdoc />
    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        if (c == 0)
        {
            c = Minor.CompareTo(other.Minor);
        }

        if (c == 0)
        {
            c = Patch.CompareTo(other.Patch);
        }

        return c != 0 ? c : ComparePrerelease(Prerelease, other.Prerelease);
    }

    /// <inheritdoc />
    public bool Equals(SemanticVersion? other) => other is not null && CompareTo(other) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SemanticVersion other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch, Prerelease);

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Precedence comparison.</summary>
    public static bool operator <(SemanticVersion left, SemanticVersion right) => left.CompareTo(right) < 0;

    /// <summary>Precedence comparison.</summary>
    public static bool operator >(SemanticVersion left, SemanticVersion right) => left.CompareTo(right) > 0;

    /// <summary>Precedence comparison.</summary>
    public static bool operator <=(SemanticVersion left, SemanticVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Precedence comparison.</summary>
    public static bool operator >=(SemanticVersion left, SemanticVersion right) => left.CompareTo(right) >= 0;

    /// <summary>Precedence equality.</summary>
    public static bool operator ==(SemanticVersion? left, SemanticVersion? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Precedence inequality.</summary>
    public static bool operator !=(SemanticVersion? left, SemanticVersion? right) => !(left == right);

    private static string Format(long major, long minor, long patch) =>
        string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}.{patch}");

    private static bool TryNumber(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || (s.Length > 1 && s[0] == '0'))
        {
            return false;
        }

        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool ValidIdentifiers(ReadOnlySpan<char> s, bool numericRules)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var range in s.Split('.'))
        {
            var id = s[range];
            if (id.IsEmpty)
            {
                return false;
            }

            var numeric = true;
            foreach (var c in id)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }

                numeric &= char.IsAsciiDigit(c);
            }

            if (numericRules && numeric && id.Length > 1 && id[0] == '0')
            {
                return false;
            }
        }

        return true;
    }

    private static int ComparePrerelease(string a, string b)
    {
        // A version without pre-release identifiers has higher precedence than one with them.
        if (a.Length == 0 || b.Length == 0)
        {
            return a.Length == 0 ? (b.Length == 0 ? 0 : 1) : -1;
        }

        var left = a.Split('.');
        var right = b.Split('.');
        for (var i = 0; i < Math.Min(left.Length, right.Length); i++)
        {
            var leftNumeric = long.TryParse(left[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ln);
            var rightNumeric = long.TryParse(right[i], NumberStyles.None, CultureInfo.InvariantCulture, out var rn);
            int c;
            if (leftNumeric && rightNumeric)
            {
                c = ln.CompareTo(rn);
            }
            else if (leftNumeric != rightNumeric)
            {
                c = leftNumeric ? -1 : 1;
            }
            else
            {
                c = string.CompareOrdinal(left[i], right[i]);
            }

            if (c != 0)
            {
                return c;
            }
        }

        return left.Length.CompareTo(right.Length);
    }
}
