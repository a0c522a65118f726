namespace Registry.Engine.Model;

/// <summary>The rules for subject names: 1 to 255 characters, no control characters, no surrounding whitespace.</summary>
public static class SubjectName
{
    /// <summary>The longest subject name accepted, in UTF-16 characters.</summary>
    public const int MaxLength = 255;

    /// <summary>Returns null when <paramref name="subject"/> is acceptable, otherwise why not.</summary>
    public static string? Check(string? subject)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return "The subject name is empty.";
        }

        if (subject.Length > MaxLength)
        {
            return $"The subject name is longer than {MaxLength} characters.";
        }

        if (char.IsWhiteSpace(subject[0]) || char.IsWhiteSpace(subject[^1]))
        {
            return "The subject name starts or ends with whitespace.";
        }

        foreach (var c in subject)
        {
            if (char.IsControl(c))
            {
                return "The subject name contains a control character.";
            }
        }

        for (var i = 0; i < subject.Length; i++)
        {
            // A lone surrogate cannot be stored as UTF-8 and would silently change the name.
            if (char.IsHighSurrogate(subject[i]))
            {
                if (i + 1 >= subject.Length || !char.IsLowSurrogate(subject[i + 1]))
                {
                    return "The subject name contains an unpaired surrogate.";
                }

                i++;
            }
            else if (char.IsLowSurrogate(subject[i]))
            {
                return "The subject name contains an unpaired surrogate.";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="RegistryErrorCode.InvalidRequest"/> when the name is not acceptable.</summary>
    public static void Validate(string? subject)
    {
        if (Check(subject) is { } problem)
        {
            RegistryThrow.InvalidRequest(problem);
        }
    }
}
