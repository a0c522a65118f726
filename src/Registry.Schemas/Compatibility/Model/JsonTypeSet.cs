namespace Registry.Schemas.Compatibility.Model;

/// <summary>
/// The JSON types a schema admits. <c>number</c> is <see cref="Integer"/> | <see cref="Fraction"/>, so the set
/// inclusion of flags is exactly the inclusion of the admitted values (integer is a subset of number).
/// </summary>
[Flags]
internal enum JsonTypeSet
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    String = 16,

    /// <summary>Numbers with a zero fractional part (<c>1</c> and <c>1.0</c>).</summary>
    Integer = 32,

    /// <summary>Numbers with a non-zero fractional part.</summary>
    Fraction = 64,

    Number = Integer | Fraction,
    All = Null | Boolean | Object | Array | String | Number,
}

internal static class JsonTypeSetExtensions
{
    public static bool Includes(this JsonTypeSet set, JsonTypeSet other) => (set & other) == other;

    public static bool Overlaps(this JsonTypeSet set, JsonTypeSet other) => (set & other) != 0;

    /// <summary>The types in JSON Schema spelling, e.g. <c>["integer", "string"]</c>.</summary>
    public static string Describe(this JsonTypeSet set)
    {
        if (set == JsonTypeSet.None)
        {
            return "nothing";
        }

        if (set == JsonTypeSet.All)
        {
            return "any type";
        }

        var parts = new List<string>(7);
        if ((set & JsonTypeSet.Null) != 0)
        {
            parts.Add("null");
        }

        if ((set & JsonTypeSet.Boolean) != 0)
        {
            parts.Add("boolean");
        }

        if ((set & JsonTypeSet.Object) != 0)
        {
            parts.Add("object");
        }

        if ((set & JsonTypeSet.Array) != 0)
        {
            parts.Add("array");
        }

        if ((set & JsonTypeSet.String) != 0)
        {
            parts.Add("string");
        }

        if ((set & JsonTypeSet.Number) == JsonTypeSet.Number)
        {
            parts.Add("number");
        }
        else if ((set & JsonTypeSet.Integer) != 0)
        {
            parts.Add("integer");
        }
        else if ((set & JsonTypeSet.Fraction) != 0)
        {
            parts.Add("non-integer number");
        }

        return parts.Count == 1 ? parts[0] : "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>The type of one JSON value.</summary>
    public static JsonTypeSet TypeOf(System.Text.Json.JsonElement value) => value.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Null => JsonTypeSet.Null,
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => JsonTypeSet.Boolean,
        System.Text.Json.JsonValueKind.Object => JsonTypeSet.Object,
        System.Text.Json.JsonValueKind.Array => JsonTypeSet.Array,
        System.Text.Json.JsonValueKind.String => JsonTypeSet.String,
        System.Text.Json.JsonValueKind.Number => SchemaNumber.From(value).IsInteger ? JsonTypeSet.Integer : JsonTypeSet.Fraction,
        _ => JsonTypeSet.None,
    };
}
