using System.Globalization;
using Registry.Schemas.Loading;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Validation.Compilation;

/// <summary>
/// Turns what the meta-schema's validator reports about a schema into what a person can act on. The validator
/// reports every failing meta-schema keyword, so one slip (<c>"type": "strng"</c>) yields several errors at the same
/// place (an enum, a type, an anyOf) and a schema that is not one (<c>42</c>) yields one per meta-schema branch. Here
/// each place in the schema with an error (the deepest ones: an error about a parent is a consequence) gets one
/// message, at its schema location, saying what the keyword there must hold and what it holds instead.
/// </summary>
internal static class MetaSchemaErrors
{
    private const string SchemaValue = "a schema (an object or a boolean)";
    private const string SchemaMap = "an object whose values are schemas";
    private const string SchemaList = "a non-empty array of schemas";
    private const string Count = "a non-negative integer";
    private const string Text = "a string";
    private const string Flag = "true or false";

    /// <summary>What each keyword's value must be (the JSON Schema specifications, all drafts).</summary>
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["type"] = "a type name (null, boolean, object, array, number, integer or string) or an array of them",
        ["enum"] = "an array of values",
        ["required"] = "an array of property names (strings, each listed once)",
        ["properties"] = SchemaMap,
        ["patternProperties"] = SchemaMap + " (keyed by regular expressions)",
        ["$defs"] = SchemaMap,
        ["definitions"] = SchemaMap,
        ["dependentSchemas"] = SchemaMap,
        ["dependentRequired"] = "an object whose values are arrays of property names",
        ["dependencies"] = "an object whose values are schemas or arrays of property names",
        ["allOf"] = SchemaList,
        ["anyOf"] = SchemaList,
        ["oneOf"] = SchemaList,
        ["prefixItems"] = SchemaList,
        ["items"] = SchemaValue,
        ["additionalItems"] = SchemaValue,
        ["additionalProperties"] = SchemaValue,
        ["unevaluatedItems"] = SchemaValue,
        ["unevaluatedProperties"] = SchemaValue,
        ["not"] = SchemaValue,
        ["if"] = SchemaValue,
        ["then"] = SchemaValue,
        ["else"] = SchemaValue,
        ["contains"] = SchemaValue,
        ["propertyNames"] = SchemaValue,
        ["contentSchema"] = SchemaValue,
        ["minLength"] = Count,
        ["maxLength"] = Count,
        ["minItems"] = Count,
        ["maxItems"] = Count,
        ["minProperties"] = Count,
        ["maxProperties"] = Count,
        ["minContains"] = Count,
        ["maxContains"] = Count,
        ["minimum"] = "a number",
        ["maximum"] = "a number",
        ["exclusiveMinimum"] = "a number",
        ["exclusiveMaximum"] = "a number",
        ["multipleOf"] = "a number greater than 0",
        ["pattern"] = "a regular expression (a string)",
        ["format"] = Text,
        ["title"] = Text,
        ["description"] = Text,
        ["$comment"] = Text,
        ["contentMediaType"] = Text,
        ["contentEncoding"] = Text,
        ["$anchor"] = "an anchor name (a string of letters, digits, '-', '_', '.' and ':', starting with a letter)",
        ["$dynamicAnchor"] = "an anchor name (a string)",
        ["$ref"] = "a URI reference (a string)",
        ["$dynamicRef"] = "a URI reference (a string)",
        ["$recursiveRef"] = "a URI reference (a string)",
        ["$schema"] = "a URI (a string)",
        ["$id"] = "a URI reference (a string)",
        ["id"] = "a URI reference (a string)",
        ["uniqueItems"] = Flag,
        ["readOnly"] = Flag,
        ["writeOnly"] = Flag,
        ["deprecated"] = Flag,
        ["$recursiveAnchor"] = Flag,
        ["examples"] = "an array",
        ["$vocabulary"] = "an object whose values are true or false",
    };

    /// <summary>Keywords whose value is one schema.</summary>
    private static readonly HashSet<string> OneSchema = new(StringComparer.Ordinal)
    {
        "additionalItems", "additionalProperties", "unevaluatedItems", "unevaluatedProperties", "not", "if", "then", "else",
        "contains", "propertyNames", "contentSchema",
    };

    /// <summary>Keywords whose value maps names to schemas.</summary>
    private static readonly HashSet<string> NamedSchemas = new(StringComparer.Ordinal)
    {
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies",
    };

    /// <summary>Keywords whose value is an array of schemas.</summary>
    private static readonly HashSet<string> SchemaArrays = new(StringComparer.Ordinal) { "allOf", "anyOf", "oneOf", "prefixItems" };

    /// <summary>Applicators whose own failure only repeats their branches'.</summary>
    private static readonly HashSet<string> Applicators = new(StringComparer.Ordinal)
    {
        "anyOf", "oneOf", "allOf", "not", "$ref", "$dynamicRef", "$recursiveRef", "if", "then", "else",
    };

    /// <summary>One message per place with an error, deepest places only, in the order the validator found them.</summary>
    public static List<SchemaCompilationError> Describe(SchemaDocument doc, JsonSchemaDraft draft, IReadOnlyList<ValidationError> errors)
    {
        var described = new List<SchemaCompilationError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var error in errors)
        {
            var location = error.InstanceLocation;
            if (!seen.Add(location) || HasDeeper(errors, location))
            {
                continue;
            }

            described.Add(new SchemaCompilationError(doc.Label + "#" + location, Message(doc, draft, location, errors)));
        }

        return described;
    }

    private static bool HasDeeper(IReadOnlyList<ValidationError> errors, string location)
    {
        foreach (var other in errors)
        {
            if (other.InstanceLocation.Length > location.Length
                && other.InstanceLocation.StartsWith(location, StringComparison.Ordinal)
                && other.InstanceLocation[location.Length] == '/')
            {
                return true;
            }
        }

        return false;
    }

    private static string Message(SchemaDocument doc, JsonSchemaDraft draft, string location, IReadOnlyList<ValidationError> errors)
    {
        var token = doc.Follow(0, location);
        var (role, keyword) = RoleOf(doc, location);
        var value = token < 0 ? "it" : Describe(doc, token);
        switch (role)
        {
            case Role.Schema:
                var expected = draft == JsonSchemaDraft.Draft4 ? "an object" : "an object or a boolean";
                return location.Length == 0
                    ? $"the schema must be {expected} (a JSON Schema), not {value}"
                    : $"a schema must be {expected}, not {value}";
            case Role.KeywordValue when keyword == "type" && token >= 0 && doc.Kind(token) == JsonKind.String && !KeywordMessages.IsTypeName(doc.String(token)):
                return KeywordMessages.NotAType(doc.String(token));
            case Role.KeywordItem when keyword == "type" && token >= 0 && doc.Kind(token) == JsonKind.String && !KeywordMessages.IsTypeName(doc.String(token)):
                return KeywordMessages.NotAType(doc.String(token));
            case Role.KeywordValue when Expected.TryGetValue(keyword!, out var what):
                var must = $"'{keyword}' must be {ExpectedIn(draft, keyword!, what)}";
                return token >= 0 && doc.Kind(token) is JsonKind.Object or JsonKind.Array && FitsContainer(keyword!, doc.Kind(token), draft)
                    ? $"{must}: {Specific(location, errors)}"
                    : $"{must}, not {value}";
            case Role.KeywordItem when Expected.TryGetValue(keyword!, out var whole):
                return $"'{keyword}' must be {ExpectedIn(draft, keyword!, whole)}; item {Last(location)} is {value}";
            default:
                return Specific(location, errors);
        }
    }

    private static string ExpectedIn(JsonSchemaDraft draft, string keyword, string expected) => keyword switch
    {
        "items" => draft >= JsonSchemaDraft.Draft202012 ? SchemaValue : "a schema or an array of schemas",
        "exclusiveMinimum" or "exclusiveMaximum" => draft == JsonSchemaDraft.Draft4 ? Flag : "a number",
        _ => expected,
    };

    /// <summary>True when the value has the container kind the keyword takes, so the problem is inside it.</summary>
    private static bool FitsContainer(string keyword, JsonKind kind, JsonSchemaDraft draft) => kind switch
    {
        JsonKind.Array => keyword is "type" or "enum" or "required" or "allOf" or "anyOf" or "oneOf" or "prefixItems" or "examples"
            || (keyword == "items" && draft < JsonSchemaDraft.Draft202012),
        _ => NamedSchemas.Contains(keyword) || keyword is "dependentRequired" or "$vocabulary",
    };

    /// <summary>The validator's own words for the most specific failure at a place (not an applicator's summary).</summary>
    private static string Specific(string location, IReadOnlyList<ValidationError> errors)
    {
        ValidationError? fallback = null;
        foreach (var error in errors)
        {
            if (error.InstanceLocation != location)
            {
                continue;
            }

            fallback ??= error;
            if (!Applicators.Contains(Last(error.KeywordLocation)))
            {
                return error.Message;
            }
        }

        return fallback?.Message ?? "not valid against the meta-schema";
    }

    private enum Role
    {
        Schema,
        KeywordValue,
        KeywordItem,
        Other,
    }

    /// <summary>
    /// What the value at <paramref name="location"/> is in the schema: a schema, the value of a keyword, an item of a
    /// keyword's array, or something else (inside an unknown keyword, say). Decided by walking the pointer from the
    /// root, which is a schema, through the keywords whose values hold schemas.
    /// </summary>
    private static (Role Role, string? Keyword) RoleOf(SchemaDocument doc, string location)
    {
        if (location.Length == 0)
        {
            return (Role.Schema, null);
        }

        var role = Role.Schema;
        string? keyword = null;
        var token = 0;
        foreach (var raw in location[1..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            var container = token;
            token = token >= 0 ? doc.Follow(token, "/" + raw) : -1;
            switch (role)
            {
                case Role.Schema:
                    keyword = segment;
                    role = Role.KeywordValue;
                    break;
                case Role.KeywordValue when NamedSchemas.Contains(keyword!):
                    // dependencies (draft 7 and earlier): a value is a schema or an array of property names.
                    role = keyword == "dependencies" && token >= 0 && doc.Kind(token) == JsonKind.Array ? Role.Other : Role.Schema;
                    break;
                case Role.KeywordValue when SchemaArrays.Contains(keyword!) || (keyword == "items" && container >= 0 && doc.Kind(container) == JsonKind.Array):
                    role = Role.Schema;
                    break;
                case Role.KeywordValue:
                    role = Role.KeywordItem;
                    break;
                default:
                    return (Role.Other, null);
            }

            // The value of a keyword that holds one schema is a schema.
            if (role == Role.KeywordValue && (OneSchema.Contains(keyword!) || (keyword == "items" && (token < 0 || doc.Kind(token) != JsonKind.Array))))
            {
                role = Role.Schema;
            }
        }

        return (role, keyword);
    }

    private static string Last(string pointer)
    {
        var slash = pointer.LastIndexOf('/');
        return slash < 0 ? pointer : pointer[(slash + 1)..];
    }

    /// <summary>What a value is, for messages: "a number (42)", "a string (\"strng\")", "an array".</summary>
    private static string Describe(SchemaDocument doc, int token) => doc.Kind(token) switch
    {
        JsonKind.String => $"a string (\"{KeywordMessages.Quote(doc.String(token))}\")",
        JsonKind.Number => string.Create(CultureInfo.InvariantCulture, $"a number ({KeywordMessages.Quote(doc.String(token))})"),
        JsonKind.True => "true",
        JsonKind.False => "false",
        JsonKind.Null => "null",
        JsonKind.Object => "an object",
        _ => "an array",
    };
}
