namespace Registry.Schemas.Compatibility.Model;

/// <summary>
/// The JSON types a schema admits. <c>number</c> is <see cref="Integer"/> | <see cref="Fraction"/>, so the set
/// inclusion of flags is exactly the inclusion of the admitted values (integer is a subset of number).
/// </summary>
[Flags]
internal enum SchemaTypes
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

internal static class SchemaTypesExtensions
{
    public static bool Includes(this SchemaTypes set, SchemaTypes other) => (set & other) == other;

    public static bool Overlaps(this SchemaTypes set, SchemaTypes other) => (set & other) != 0;

    /// <summary>The types in JSON Schema spelling, e.g. <c>["integer", "string"]</c>.</summary>
    public static string Describe(this SchemaTypes set)
    {
        if (set == SchemaTypes.None)
        {
            return "nothing";
        }

        if (set == SchemaTypes.All)
        {
            return "any type";
        }

        var parts = new List<string>(7);
        if ((set & SchemaTypes.Null) != 0)
        {
            parts.Add("null");
        }

        if ((set & SchemaTypes.Boolean) != 0)
        {
            parts.Add("boolean");
        }

        if ((set & SchemaTypes.Object) != 0)
        {
            parts.Add("object");
        }

        if ((set & SchemaTypes.Array) != 0)
        {
            parts.Add("array");
        }

        if ((set & SchemaTypes.String) != 0)
        {
            parts.Add("string");
        }

        if ((set & SchemaTypes.Number) == SchemaTypes.Number)
        {
            parts.Add("number");
        }
        else if ((set & SchemaTypes.Integer) != 0)
        {
            parts.Add("integer");
        }
        else if ((set & SchemaTypes.Fraction) != 0)
        {
            parts.Add("non-integer number");
        }

        return parts.Count == 1 ? parts[0] : "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>The type of one JSON value.</summary>
    public static SchemaTypes TypeOf(System.Text.Json.JsonElement value) => value.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Null => SchemaTypes.Null,
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => SchemaTypes.Boolean,
        System.Text.Json.JsonValueKind.Object => SchemaTypes.Object,
        System.Text.Json.JsonValueKind.Array => SchemaTypes.Array,
        System.Text.Json.JsonValueKind.String => SchemaTypes.String,
        System.Text.Json.JsonValueKind.Number => SchemaNumber.From(value).IsInteger ? SchemaTypes.Integer : SchemaTypes.Fraction,
        _ => SchemaTypes.None,
    };
}
