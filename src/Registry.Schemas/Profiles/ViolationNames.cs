namespace Registry.Schemas.Profiles;

/// <summary>One entry of the catalogue of violation names.</summary>
/// <param name="Name">The stable name, e.g. <c>ADDITIONAL_PROPERTIES_NOT_FALSE</c>.</param>
/// <param name="Meaning">What it means.</param>
public sealed record ViolationInfo(string Name, string Meaning);

/// <summary>
/// The stable names of profile violations (see docs/providers.md). A name says what is wrong; whether the provider
/// rejects it, ignores it or leaves it undocumented depends on the profile and is given with each violation.
/// </summary>
public static class ViolationNames
{
    /// <summary>A keyword the provider refuses.</summary>
    public const string KeywordUnsupported = "KEYWORD_UNSUPPORTED";

    /// <summary>A constraining keyword the provider accepts but does not enforce while generating.</summary>
    public const string KeywordIgnored = "KEYWORD_IGNORED";

    /// <summary>A keyword outside the provider's documented subset whose treatment is not known.</summary>
    public const string KeywordUnverified = "KEYWORD_UNVERIFIED";

    /// <summary>Two keywords the provider handles alone but not together.</summary>
    public const string KeywordCombinationUnsupported = "KEYWORD_COMBINATION_UNSUPPORTED";

    /// <summary>The root schema is not an object schema (<c>type: "object"</c>).</summary>
    public const string RootNotObject = "ROOT_NOT_OBJECT";

    /// <summary>The root schema is a union (<c>anyOf</c>).</summary>
    public const string RootAnyOf = "ROOT_ANY_OF";

    /// <summary>An object schema without <c>additionalProperties: false</c>.</summary>
    public const string AdditionalPropertiesNotFalse = "ADDITIONAL_PROPERTIES_NOT_FALSE";

    /// <summary>A declared property missing from <c>required</c>.</summary>
    public const string PropertyNotRequired = "PROPERTY_NOT_REQUIRED";

    /// <summary><c>required</c> names a property that <c>properties</c> does not declare.</summary>
    public const string RequiredPropertyUndeclared = "REQUIRED_PROPERTY_UNDECLARED";

    /// <summary>A schema without <c>type</c> (nor <c>anyOf</c>, <c>$ref</c>, <c>enum</c> or <c>const</c>).</summary>
    public const string TypeMissing = "TYPE_MISSING";

    /// <summary><c>type</c> given as an array of types.</summary>
    public const string TypeArrayUnsupported = "TYPE_ARRAY_UNSUPPORTED";

    /// <summary>An array schema without <c>items</c>.</summary>
    public const string ArrayItemsMissing = "ARRAY_ITEMS_MISSING";

    /// <summary>A boolean schema (<c>true</c>/<c>false</c>) where the provider needs a schema object.</summary>
    public const string BooleanSchemaUnsupported = "BOOLEAN_SCHEMA_UNSUPPORTED";

    /// <summary>A <c>format</c> value outside the provider's list.</summary>
    public const string FormatUnsupported = "FORMAT_UNSUPPORTED";

    /// <summary>A <c>pattern</c> using regular-expression features the provider does not support.</summary>
    public const string PatternUnsupported = "PATTERN_UNSUPPORTED";

    /// <summary>A <c>pattern</c> that does not start with <c>^</c> and end with <c>$</c>.</summary>
    public const string PatternNotAnchored = "PATTERN_NOT_ANCHORED";

    /// <summary>A string with <c>pattern</c> or <c>format</c> and also <c>minLength</c>/<c>maxLength</c>.</summary>
    public const string PatternWithLengthBounds = "PATTERN_WITH_LENGTH_BOUNDS";

    /// <summary>A <c>minItems</c> value the provider does not support.</summary>
    public const string MinItemsUnsupported = "MIN_ITEMS_UNSUPPORTED";

    /// <summary>An <c>enum</c> or <c>const</c> value of a kind the provider does not support.</summary>
    public const string EnumValueUnsupported = "ENUM_VALUE_UNSUPPORTED";

    /// <summary>More enum values in the schema than the provider allows.</summary>
    public const string EnumTooLarge = "ENUM_TOO_LARGE";

    /// <summary>A large string enum whose values are longer in total than the provider allows.</summary>
    public const string EnumStringTooLong = "ENUM_STRING_TOO_LONG";

    /// <summary>Property names, definition names, enum and const values longer in total than the provider allows.</summary>
    public const string StringBudgetExceeded = "STRING_BUDGET_EXCEEDED";

    /// <summary>More object properties in the schema than the provider allows.</summary>
    public const string TooManyProperties = "TOO_MANY_PROPERTIES";

    /// <summary>Objects nested deeper than the provider allows.</summary>
    public const string NestingTooDeep = "NESTING_TOO_DEEP";

    /// <summary>More optional properties (not in <c>required</c>) than the provider allows.</summary>
    public const string TooManyOptionalParameters = "TOO_MANY_OPTIONAL_PARAMETERS";

    /// <summary>More union-typed schemas (<c>anyOf</c> or a type array) than the provider allows.</summary>
    public const string TooManyUnionParameters = "TOO_MANY_UNION_PARAMETERS";

    /// <summary>The <c>maxItems</c> values of the schema add up to more than the provider accepts.</summary>
    public const string ArrayLengthBudgetExceeded = "ARRAY_LENGTH_BUDGET_EXCEEDED";

    /// <summary>A <c>$ref</c> that leads nowhere.</summary>
    public const string RefUnresolvable = "REF_UNRESOLVABLE";

    /// <summary>A <c>$ref</c> to another document.</summary>
    public const string RefExternal = "REF_EXTERNAL";

    /// <summary>A <c>$ref</c> of a form the provider cannot follow (not a <c>#/...</c> pointer).</summary>
    public const string RefUnsupported = "REF_UNSUPPORTED";

    /// <summary>A <c>$ref</c> with sibling keywords.</summary>
    public const string RefWithSiblings = "REF_WITH_SIBLINGS";

    /// <summary>A recursive schema (a cycle of <c>$ref</c>s).</summary>
    public const string RefCycle = "REF_CYCLE";

    /// <summary>A cycle of <c>$ref</c>s that does not pass through an optional property.</summary>
    public const string RefCycleThroughRequired = "REF_CYCLE_THROUGH_REQUIRED";

    /// <summary><c>allOf</c> containing a <c>$ref</c>.</summary>
    public const string AllOfWithRef = "ALL_OF_WITH_REF";

    /// <summary>Keywords beside <c>anyOf</c>/<c>oneOf</c> that the provider ignores.</summary>
    public const string UnionWithSiblings = "UNION_WITH_SIBLINGS";

    /// <summary><c>oneOf</c> generated as <c>anyOf</c>: "exactly one" is not enforced.</summary>
    public const string OneOfAsAnyOf = "ONE_OF_AS_ANY_OF";

    /// <summary>A property name the provider does not accept.</summary>
    public const string PropertyNameInvalid = "PROPERTY_NAME_INVALID";

    /// <summary>An MCP <c>x-mcp-header</c> annotation that breaks the specification's rules.</summary>
    public const string McpHeaderInvalid = "MCP_HEADER_INVALID";

    /// <summary>Not a valid JSON Schema.</summary>
    public const string SchemaInvalid = "SCHEMA_INVALID";

    /// <summary>A tool name the provider does not accept.</summary>
    public const string ToolNameInvalid = "TOOL_NAME_INVALID";

    /// <summary>Two tools with the same name in one request.</summary>
    public const string ToolNameDuplicate = "TOOL_NAME_DUPLICATE";

    /// <summary>More tools in one request than the provider allows.</summary>
    public const string TooManyTools = "TOO_MANY_TOOLS";

    /// <summary>More strict tools in one request than the provider allows.</summary>
    public const string TooManyStrictTools = "TOO_MANY_STRICT_TOOLS";

    /// <summary>Every name with its meaning, in the order of docs/providers.md.</summary>
    public static IReadOnlyList<ViolationInfo> All { get; } =
    [
        new(KeywordUnsupported, "A keyword the provider refuses."),
        new(KeywordIgnored, "A constraining keyword the provider accepts but does not enforce while generating."),
        new(KeywordUnverified, "A keyword outside the provider's documented subset; what the provider does with it is not known."),
        new(KeywordCombinationUnsupported, "Two keywords the provider handles alone but not together."),
        new(RootNotObject, "The root schema is not an object schema."),
        new(RootAnyOf, "The root schema is a union (anyOf)."),
        new(AdditionalPropertiesNotFalse, "An object schema without additionalProperties: false."),
        new(PropertyNotRequired, "A declared property missing from required."),
        new(RequiredPropertyUndeclared, "required names a property that properties does not declare."),
        new(TypeMissing, "A schema without type (nor anyOf, $ref, enum or const)."),
        new(TypeArrayUnsupported, "type given as an array of types."),
        new(ArrayItemsMissing, "An array schema without items."),
        new(BooleanSchemaUnsupported, "A boolean schema (true/false) where the provider needs a schema object."),
        new(FormatUnsupported, "A format value outside the provider's list."),
        new(PatternUnsupported, "A pattern using regular-expression features the provider does not support."),
        new(PatternNotAnchored, "A pattern that does not start with ^ and end with $."),
        new(PatternWithLengthBounds, "A string with pattern or format and also minLength/maxLength."),
        new(MinItemsUnsupported, "A minItems value the provider does not support."),
        new(EnumValueUnsupported, "An enum or const value of a kind the provider does not support."),
        new(EnumTooLarge, "More enum values in the schema than the provider allows."),
        new(EnumStringTooLong, "A large string enum whose values are longer in total than the provider allows."),
        new(StringBudgetExceeded, "Property names, definition names, enum and const values longer in total than the provider allows."),
        new(TooManyProperties, "More object properties in the schema than the provider allows."),
        new(NestingTooDeep, "Objects nested deeper than the provider allows."),
        new(TooManyOptionalParameters, "More optional properties than the provider allows."),
        new(TooManyUnionParameters, "More union-typed schemas (anyOf or a type array) than the provider allows."),
        new(ArrayLengthBudgetExceeded, "The maxItems values of the schema add up to more than the provider accepts."),
        new(RefUnresolvable, "A $ref that leads nowhere."),
        new(RefExternal, "A $ref to another document."),
        new(RefUnsupported, "A $ref of a form the provider cannot follow."),
        new(RefWithSiblings, "A $ref with sibling keywords."),
        new(RefCycle, "A recursive schema (a cycle of $refs)."),
        new(RefCycleThroughRequired, "A cycle of $refs that does not pass through an optional property."),
        new(AllOfWithRef, "allOf containing a $ref."),
        new(UnionWithSiblings, "Keywords beside anyOf/oneOf that the provider ignores."),
        new(OneOfAsAnyOf, "oneOf generated as anyOf: exactly one is not enforced."),
        new(PropertyNameInvalid, "A property name the provider does not accept."),
        new(McpHeaderInvalid, "An MCP x-mcp-header annotation that breaks the specification's rules."),
        new(SchemaInvalid, "Not a valid JSON Schema."),
        new(ToolNameInvalid, "A tool name the provider does not accept."),
        new(ToolNameDuplicate, "Two tools with the same name in one request."),
        new(TooManyTools, "More tools in one request than the provider allows."),
        new(TooManyStrictTools, "More strict tools in one request than the provider allows."),
    ];
}
