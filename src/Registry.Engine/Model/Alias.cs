using System.Buffers;

namespace Registry.Engine.Model;

/// <summary>A named, movable pointer of a subject to one of its versions (e.g. <c>production</c>).</summary>
/// <param name="Name">The alias name (see <see cref="AliasName"/>).</param>
/// <param name="Version">The version it points at: always a live ACTIVE or DEPRECATED version.</param>
/// <param name="Protected">True when only an administrator's forced request may move or delete it.</param>
/// <param name="UpdatedAt">When it was last set.</param>
/// <param name="UpdatedBy">Who last set it, when known.</param>
public sealed record AliasRecord(string Name, int Version, bool Protected, DateTimeOffset UpdatedAt, string? UpdatedBy);

/// <summary>One change of an alias, as recorded in its history.</summary>
/// <param name="Name">The alias.</param>
/// <param name="FromVersion">The version it pointed at before, or null when it was created.</param>
/// <param name="ToVersion">The version it points at after, or null when it was deleted.</param>
/// <param name="Protected">Its protection after the change.</param>
/// <param name="At">When.</param>
/// <param name="By">Who, when known.</param>
public sealed record AliasMove(string Name, int? FromVersion, int? ToVersion, bool Protected, DateTimeOffset At, string? By);

/// <summary>The rules of alias names.</summary>
public static class AliasName
{
    /// <summary>Longest alias name, in characters.</summary>
    public const int MaxLength = 64;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

    /// <summary>
    /// True for 1 to 64 characters of letters, digits, <c>_</c>, <c>.</c> and <c>-</c>, starting with a letter, other
    /// than <c>latest</c> (which already names the newest released version).
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> name) =>
        name.Length is > 0 and <= MaxLength
        && char.IsAsciiLetter(name[0])
        && !name.ContainsAnyExcept(Allowed)
        && !name.Equals("latest", StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws <see cref="RegistryErrorCode.InvalidRequest"/> unless <paramref name="name"/> is valid.</summary>
    public static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsValid(name))
        {
            RegistryThrow.InvalidRequest(
                $"Alias name '{(name.Length <= 32 ? name : string.Concat(name.AsSpan(0, 32), "..."))}' is not valid: 1 to {MaxLength} letters, digits, '_', '.' or '-', starting with a letter, and not 'latest'.");
        }
    }
}
