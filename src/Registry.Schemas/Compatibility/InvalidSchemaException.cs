namespace Registry.Schemas.Compatibility;

/// <summary>
/// A schema given to the compatibility checker is not valid JSON, is not a JSON Schema, or has a reference that
/// cannot be resolved. An <see cref="ArgumentException"/>, so callers that catch that keep working.
/// </summary>
public sealed class InvalidSchemaException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InvalidSchemaException()
    {
        Location = "#";
    }

    /// <summary>Creates the exception.</summary>
    public InvalidSchemaException(string message)
        : base(message)
    {
        Location = "#";
        Reason = message;
    }

    /// <summary>Creates the exception.</summary>
    public InvalidSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
        Location = "#";
        Reason = message;
    }

    /// <summary>Creates the exception for a problem at <paramref name="location"/>.</summary>
    public InvalidSchemaException(string location, string message, Exception? innerException = null)
        : base($"{location}: {message}", innerException)
    {
        Location = location;
        Reason = message;
    }

    /// <summary>JSON pointer of the offending part of the schema (<c>#</c> for the whole document).</summary>
    public string Location { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; } = string.Empty;

    /// <summary>Which schema was bad, when the checker was comparing several: -1 for the new one, otherwise the index of the earlier one.</summary>
    public int SchemaIndex { get; init; } = -1;
}
