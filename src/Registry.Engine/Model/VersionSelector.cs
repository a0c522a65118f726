using System.Globalization;

namespace Registry.Engine.Model;

/// <summary>A version number, the latest released version of a subject, or the version an alias points at.</summary>
public readonly record struct VersionSelector
{
    private VersionSelector(int number) => Number = number;

    private VersionSelector(string alias) => AliasName = alias;

    /// <summary>The latest live version.</summary>
    public static VersionSelector Latest => default;

    /// <summary>The version number, or 0 for <see cref="Latest"/> and for an alias.</summary>
    public int Number { get; }

    /// <summary>The alias this selector names (written <c>@name</c>), or null.</summary>
    public string? AliasName { get; }

    /// <summary>True for <see cref="Latest"/>.</summary>
    public bool IsLatest => Number == 0 && AliasName is null;

    /// <summary>True when the selector names an alias.</summary>
    public bool IsAlias => AliasName is not null;

    /// <summary>The version an alias points at; throws <see cref="RegistryErrorCode.InvalidRequest"/> for a malformed name.</summary>
    public static VersionSelector Alias(string name)
    {
        Model.AliasName.Validate(name);
        return new VersionSelector(name);
    }

    /// <summary>A specific version; throws <see cref="RegistryErrorCode.InvalidVersion"/> unless it is at least 1.</summary>
    public static VersionSelector Of(int number)
    {
        if (number < 1)
        {
            RegistryThrow.Error(RegistryErrorCode.InvalidVersion, $"Version {number} is not valid: versions are integers from 1, or 'latest'.");
        }

        return new VersionSelector(number);
    }

    /// <summary>Parses <c>latest</c>, <c>-1</c> (Confluent's spelling of latest), a positive integer or <c>@alias</c>.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out VersionSelector selector)
    {
        if (text.Length > 1 && text[0] == '@' && Model.AliasName.IsValid(text[1..]))
        {
            selector = new VersionSelector(text[1..].ToString());
            return true;
        }

        if (text.Equals("latest", StringComparison.OrdinalIgnoreCase) || text.SequenceEqual("-1"))
        {
            selector = Latest;
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            selector = new VersionSelector(n);
            return true;
        }

        selector = default;
        return false;
    }

    /// <summary>Parses like <see cref="TryParse"/>, throwing <see cref="RegistryErrorCode.InvalidVersion"/> on failure.</summary>
    public static VersionSelector Parse(string text)
    {
        if (!TryParse(text, out var selector))
        {
            RegistryThrow.Error(RegistryErrorCode.InvalidVersion,
                $"Version '{Truncate(text)}' is not valid: versions are integers from 1, 'latest' or '@alias'.");
        }

        return selector;
    }

    /// <inheritdoc />
    public override string ToString() => AliasName is not null ? "@" + AliasName : IsLatest ? "latest" : Number.ToString(CultureInfo.InvariantCulture);

    private static string Truncate(string text) => text.Length <= 32 ? text : string.Concat(text.AsSpan(0, 32), "...");
}
