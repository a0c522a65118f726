namespace Registry.Schemas.Validation;

/// <summary>The JSON Schema drafts the compiler understands, chosen by a schema's <c>$schema</c>.</summary>
public enum JsonSchemaDraft
{
    /// <summary>draft-04.</summary>
    Draft4 = 4,

    /// <summary>draft-06.</summary>
    Draft6 = 6,

    /// <summary>draft-07.</summary>
    Draft7 = 7,

    /// <summary>2019-09.</summary>
    Draft201909 = 2019,

    /// <summary>2020-12 (the default when a schema has no <c>$schema</c>).</summary>
    Draft202012 = 2020,
}
