using Registry.Schemas.Validation;

namespace Registry.Schemas.Loading;

/// <summary>The vocabularies of 2019-09 and 2020-12 (earlier drafts have them all, implicitly).</summary>
[Flags]
internal enum Vocabularies
{
    None = 0,
    Core = 1,
    Applicator = 2,
    Validation = 4,
    Unevaluated = 8,
    FormatAnnotation = 16,
    FormatAssertion = 32,
    Content = 64,
    MetaData = 128,
    All = Core | Applicator | Validation | Unevaluated | FormatAnnotation | Content | MetaData,
}

/// <summary>The draft and vocabularies a schema resource is interpreted with.</summary>
internal sealed record Dialect(JsonSchemaDraft Draft, Vocabularies Vocabularies)
{
    public static Dialect For(JsonSchemaDraft draft) => draft switch
    {
        JsonSchemaDraft.Draft4 => Draft4,
        JsonSchemaDraft.Draft6 => Draft6,
        JsonSchemaDraft.Draft7 => Draft7,
        JsonSchemaDraft.Draft201909 => Draft201909,
        _ => Draft202012,
    };

    public static readonly Dialect Draft4 = new(JsonSchemaDraft.Draft4, Vocabularies.All);
    public static readonly Dialect Draft6 = new(JsonSchemaDraft.Draft6, Vocabularies.All);
    public static readonly Dialect Draft7 = new(JsonSchemaDraft.Draft7, Vocabularies.All);
    public static readonly Dialect Draft201909 = new(JsonSchemaDraft.Draft201909, Vocabularies.All);
    public static readonly Dialect Draft202012 = new(JsonSchemaDraft.Draft202012, Vocabularies.All);

    public bool Has(Vocabularies v) => (Vocabularies & v) != 0;

    /// <summary>Draft 4–7: <c>$ref</c> replaces its siblings.</summary>
    public bool RefOverridesSiblings => Draft <= JsonSchemaDraft.Draft7;

    public string IdKeyword => Draft == JsonSchemaDraft.Draft4 ? "id" : "$id";

    /// <summary>The draft of a well-known meta-schema URI, or null.</summary>
    public static JsonSchemaDraft? DraftOf(string metaSchemaUri)
    {
        var u = metaSchemaUri.TrimEnd('#');
        if (u.StartsWith("https://", StringComparison.Ordinal))
        {
            u = "http://" + u["https://".Length..];
        }

        return u switch
        {
            "http://json-schema.org/draft-04/schema" => JsonSchemaDraft.Draft4,
            "http://json-schema.org/draft-06/schema" => JsonSchemaDraft.Draft6,
            "http://json-schema.org/draft-07/schema" => JsonSchemaDraft.Draft7,
            "http://json-schema.org/draft/2019-09/schema" => JsonSchemaDraft.Draft201909,
            "http://json-schema.org/draft/2020-12/schema" => JsonSchemaDraft.Draft202012,
            _ => null,
        };
    }

    /// <summary>Vocabulary flags of a vocabulary URI.</summary>
    public static Vocabularies VocabularyOf(string uri) => uri switch
    {
        "https://json-schema.org/draft/2020-12/vocab/core" or "https://json-schema.org/draft/2019-09/vocab/core" => Vocabularies.Core,
        "https://json-schema.org/draft/2020-12/vocab/applicator" or "https://json-schema.org/draft/2019-09/vocab/applicator" => Vocabularies.Applicator,
        "https://json-schema.org/draft/2020-12/vocab/validation" or "https://json-schema.org/draft/2019-09/vocab/validation" => Vocabularies.Validation,
        "https://json-schema.org/draft/2020-12/vocab/unevaluated" => Vocabularies.Unevaluated,
        "https://json-schema.org/draft/2020-12/vocab/format-annotation" or "https://json-schema.org/draft/2019-09/vocab/format" => Vocabularies.FormatAnnotation,
        "https://json-schema.org/draft/2020-12/vocab/format-assertion" => Vocabularies.FormatAssertion,
        "https://json-schema.org/draft/2020-12/vocab/content" or "https://json-schema.org/draft/2019-09/vocab/content" => Vocabularies.Content,
        "https://json-schema.org/draft/2020-12/vocab/meta-data" or "https://json-schema.org/draft/2019-09/vocab/meta-data" => Vocabularies.MetaData,
        _ => Vocabularies.None,
    };
}
