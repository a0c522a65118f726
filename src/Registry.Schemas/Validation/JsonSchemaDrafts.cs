namespace Registry.Schemas.Validation;

/// <summary>
/// The names of the drafts in settings, configuration and command lines: <c>draft-04</c>, <c>draft-06</c>,
/// <c>draft-07</c>, <c>2019-09</c> and <c>2020-12</c> (read case-insensitively, also as <c>4</c>, <c>7</c>,
/// <c>draft7</c> and the like).
/// </summary>
public static class JsonSchemaDrafts
{
    /// <summary>The names accepted, as a sentence fragment for messages.</summary>
    public const string Names = "draft-04, draft-06, draft-07, 2019-09 or 2020-12";

    /// <summary>The canonical name of a draft.</summary>
    public static string Name(JsonSchemaDraft draft) => draft switch
    {
        JsonSchemaDraft.Draft4 => "draft-04",
        JsonSchemaDraft.Draft6 => "draft-06",
        JsonSchemaDraft.Draft7 => "draft-07",
        JsonSchemaDraft.Draft201909 => "2019-09",
        _ => "2020-12",
    };

    /// <summary>The draft a name stands for, or null when it names none.</summary>
    public static JsonSchemaDraft? Parse(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "4" or "04" or "DRAFT4" or "DRAFT-04" or "DRAFT-4" => JsonSchemaDraft.Draft4,
        "6" or "06" or "DRAFT6" or "DRAFT-06" or "DRAFT-6" => JsonSchemaDraft.Draft6,
        "7" or "07" or "DRAFT7" or "DRAFT-07" or "DRAFT-7" => JsonSchemaDraft.Draft7,
        "2019-09" or "201909" or "DRAFT2019-09" or "DRAFT-2019-09" => JsonSchemaDraft.Draft201909,
        "2020-12" or "202012" or "DRAFT2020-12" or "DRAFT-2020-12" => JsonSchemaDraft.Draft202012,
        _ => null,
    };
}
