// Over 500 lines on purpose: the rule table of every provider profile, each rule beside its source document and date; one table
// that docs/providers.md mirrors entry by entry.
namespace Registry.Schemas.Profiles;

/// <summary>
/// The built-in provider profiles. Every rule names its source and the date of the copy it was read from; rules
/// known only from users' error reports say so (<see cref="SourceKind.UserReport"/>). docs/providers.md lists them all.
/// </summary>
public static class ProviderProfiles
{
    // ----- sources -------------------------------------------------------------------------------------------------

    private static readonly ProfileSource OpenAiGuide = new(
        "OpenAI Structured Outputs guide, \"Supported schemas\"",
        "https://developers.openai.com/api/docs/guides/structured-outputs#supported-schemas", "2026-02", SourceKind.ProviderDocumentation);

    private static readonly ProfileSource OpenAiFunctionName = new(
        "openai-python FunctionDefinition.name (generated from OpenAI's OpenAPI specification)",
        "https://github.com/openai/openai-python/blob/main/src/openai/types/shared/function_definition.py", "2026-08-21", SourceKind.ProviderSourceCode);

    private static readonly ProfileSource OpenAiOneOfReport = new(
        "\"'oneOf' is not permitted\" (ai-dynamo/dynamo#15153; openai/openai-agents-python#1884)",
        "https://github.com/openai/openai-agents-python/pull/1884", "2025-10-11", SourceKind.UserReport);

    private static readonly ProfileSource OpenAiDefaultReport = new(
        "\"'default' is not permitted\" (567-labs/instructor#961)",
        "https://github.com/567-labs/instructor/issues/961", "2024-08-31", SourceKind.UserReport);

    private static readonly ProfileSource OpenAiRefSiblingsReport = new(
        "\"$ref cannot have keywords {'description'}\" (defog-ai/defog#244; camel-ai/camel#3001)",
        "https://github.com/defog-ai/defog/pull/244", "2026-03-13", SourceKind.UserReport);

    private static readonly ProfileSource OpenAiItemsReport = new(
        "\"array schema missing items\" (sigoden/aichat#1049; ooples/token-optimizer-mcp#154)",
        "https://github.com/ooples/token-optimizer-mcp/pull/154", "2026-04-20", SourceKind.UserReport);

    private static readonly ProfileSource OpenAiTypeReport = new(
        "\"schema must have a 'type' key\" (apexive/odoo-llm#212)",
        "https://github.com/apexive/odoo-llm/issues/212", "2026", SourceKind.UserReport);

    private static readonly ProfileSource OpenAiFormatReport = new(
        "\"'uri' is not a valid format\" (can1357/oh-my-pi#206)",
        "https://github.com/can1357/oh-my-pi/issues/206", "2026-02-28", SourceKind.UserReport);

    private static readonly ProfileSource OpenAiToolsReport = new(
        "\"Invalid 'tools': array too long. Expected an array with maximum length 128\" (vishalmysore/Tools4AI#16)",
        "https://github.com/vishalmysore/Tools4AI/issues/16", "2024-05-15", SourceKind.UserReport);

    private static readonly ProfileSource AnthropicGuide = new(
        "Claude docs, Structured outputs: \"JSON Schema limitations\" and \"Schema complexity limits\"",
        "https://platform.claude.com/docs/en/build-with-claude/structured-outputs", "2026-09-20", SourceKind.ProviderDocumentation);

    private static readonly ProfileSource AnthropicToolName = new(
        "Claude API reference, Messages, tools[].name: \"^[a-zA-Z0-9_-]{1,64}$\"; input_schema type \"object\"",
        "https://platform.claude.com/docs/en/api/messages", "2026-08-07", SourceKind.ProviderDocumentation);

    private static readonly ProfileSource AnthropicSdk = new(
        "anthropic-sdk-python lib/_parse/_transform.py (the SDK's own strict-schema transform)",
        "https://github.com/anthropics/anthropic-sdk-python/blob/main/src/anthropic/lib/_parse/_transform.py", "2026-06-04", SourceKind.ProviderSourceCode);

    private static readonly ProfileSource GeminiSchemaType = new(
        "python-genai types.Schema (\"a select subset of an OpenAPI 3.0 schema object\")",
        "https://github.com/googleapis/python-genai/blob/main/google/genai/types.py", "2026-08-21", SourceKind.ProviderSourceCode);

    private static readonly ProfileSource GeminiFunctionDeclaration = new(
        "python-genai types.FunctionDeclaration (name and parameter name rules)",
        "https://github.com/googleapis/python-genai/blob/main/google/genai/types.py", "2026-08-21", SourceKind.ProviderSourceCode);

    private static readonly ProfileSource GeminiJsonSchemaDoc = new(
        "python-genai GenerateContentConfig.response_json_schema (the API's list of supported JSON Schema properties)",
        "https://github.com/googleapis/python-genai/blob/main/google/genai/types.py", "2026-08-21", SourceKind.ProviderSourceCode);

    private static readonly ProfileSource GeminiUnknownNameReport = new(
        "\"Invalid JSON payload received. Unknown name ... Cannot find field\" (felinics/Memoh#620; Mirrowel/LLM-API-Key-Proxy#86; pizza-bot-app/pizza-bot#62)",
        "https://github.com/felinics/Memoh/issues/620", "2026-06-12", SourceKind.UserReport);

    private static readonly ProfileSource GeminiTypeArrayReport = new(
        "\"Proto field is not repeating, cannot start list\" (WordPress/ai-provider-for-google#33; zed-industries/zed#53919)",
        "https://github.com/WordPress/ai-provider-for-google/issues/33", "2026-07-27", SourceKind.UserReport);

    private static readonly ProfileSource GeminiItemsReport = new(
        "\"parameters.properties[...].items: missing field\" (cline/cline#7339)",
        "https://github.com/cline/cline/issues/7339", "2025", SourceKind.UserReport);

    private static readonly ProfileSource GeminiFormatReport = new(
        "\"only 'enum' and 'date-time' are supported for STRING type\" (hideya/langchain-mcp-tools-ts#36)",
        "https://github.com/hideya/langchain-mcp-tools-ts/issues/36", "2025-06-17", SourceKind.UserReport);

    private static readonly ProfileSource GeminiIgnoredReport = new(
        "responseJsonSchema forwards keywords outside the supported list and Gemini does not enforce them (vercel/ai#18325)",
        "https://github.com/vercel/ai/pull/18325", "2026-08-10", SourceKind.UserReport);

    private static readonly ProfileSource GeminiMaxItemsReport = new(
        "INVALID_ARGUMENT when the maxItems of a tool schema add up to more than about 960 (googleapis/python-genai#2170)",
        "https://github.com/googleapis/python-genai/issues/2170", "2026-03-16", SourceKind.UserReport);

    private static readonly ProfileSource VllmBackend = new(
        "vLLM vllm/v1/structured_output/backend_xgrammar.py (has_xgrammar_unsupported_json_features, STRING_SUPPORTED_FORMATS)",
        "https://github.com/vllm-project/vllm/blob/main/vllm/v1/structured_output/backend_xgrammar.py", "2026-08 (commit 030141c1)", SourceKind.ProviderSourceCode);

    private static readonly ProfileSource XgrammarConverter = new(
        "xgrammar cpp/json_schema_converter.cc (SchemaParser::Parse: warnings and keyword precedence)",
        "https://github.com/mlc-ai/xgrammar/blob/main/cpp/json_schema_converter.cc", "2026-08-17", SourceKind.ProviderSourceCode);

    private static readonly ProfileSource LlamaReadme = new(
        "llama.cpp grammars/README.md, \"JSON Schemas → GBNF\" known limitations",
        "https://github.com/ggml-org/llama.cpp/blob/master/grammars/README.md", "2026-08 (commit 363a490b)", SourceKind.ProviderDocumentation);

    private static readonly ProfileSource LlamaConverter = new(
        "llama.cpp common/json-schema-to-grammar.cpp (common_schema_converter::visit, _visit_pattern, resolve_refs)",
        "https://github.com/ggml-org/llama.cpp/blob/master/common/json-schema-to-grammar.cpp", "2026-08 (commit 011c6c3c)", SourceKind.ProviderSourceCode);

    private static readonly ProfileSource McpTools = new(
        "MCP specification 2026-07-28, Server features / Tools (Tool, Tool Names, x-mcp-header)",
        "https://modelcontextprotocol.io/specification/2026-07-28/server/tools", "2026-07-28", SourceKind.Specification);

    private static readonly ProfileSource McpSchema = new(
        "MCP schema 2026-07-28 schema.ts, Tool.inputSchema (\"type: 'object' is required at the root\"; any 2020-12 keyword)",
        "https://github.com/modelcontextprotocol/modelcontextprotocol/blob/main/schema/2026-07-28/schema.ts", "2026-07-28", SourceKind.Specification);

    private static readonly ProfileSource McpJsonSchemaUsage = new(
        "MCP specification 2026-07-28, Basic / JSON Schema Usage (2020-12 default dialect)",
        "https://modelcontextprotocol.io/specification/2026-07-28/basic#json-schema-usage", "2026-07-28", SourceKind.Specification);

    // ----- profiles ------------------------------------------------------------------------------------------------

    /// <summary>OpenAI Structured Outputs (<c>response_format</c> / <c>text.format</c> with <c>strict: true</c>) and strict function calling.</summary>
    public static Profile OpenAiStrict { get; } = new(
        "openai-strict",
        "2026-09-20",
        "OpenAI Structured Outputs and strict function calling (strict: true)",
        [
            K("type", KeywordSupport.Supported, OpenAiGuide),
            K("enum", KeywordSupport.Supported, OpenAiGuide),
            K("const", KeywordSupport.Supported, OpenAiGuide, "const values count toward the 120,000-character budget"),
            K("anyOf", KeywordSupport.Supported, OpenAiGuide, "not at the root; each branch must itself follow the subset"),
            K("properties", KeywordSupport.Supported, OpenAiGuide),
            K("required", KeywordSupport.Supported, OpenAiGuide, "must list every property"),
            K("additionalProperties", KeywordSupport.Supported, OpenAiGuide, "must be false"),
            K("items", KeywordSupport.Supported, OpenAiGuide),
            K("$ref", KeywordSupport.Supported, OpenAiGuide, "local references; recursion is supported"),
            K("$defs", KeywordSupport.Supported, OpenAiGuide),
            K("definitions", KeywordSupport.Supported, OpenAiGuide),
            K("pattern", KeywordSupport.Supported, OpenAiGuide),
            K("format", KeywordSupport.Supported, OpenAiGuide, "only the listed formats"),
            K("multipleOf", KeywordSupport.Supported, OpenAiGuide),
            K("maximum", KeywordSupport.Supported, OpenAiGuide),
            K("exclusiveMaximum", KeywordSupport.Supported, OpenAiGuide),
            K("minimum", KeywordSupport.Supported, OpenAiGuide),
            K("exclusiveMinimum", KeywordSupport.Supported, OpenAiGuide),
            K("minItems", KeywordSupport.Supported, OpenAiGuide),
            K("maxItems", KeywordSupport.Supported, OpenAiGuide),
            K("minLength", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("maxLength", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("patternProperties", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("unevaluatedProperties", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("propertyNames", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("minProperties", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("maxProperties", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("unevaluatedItems", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("contains", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("minContains", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("maxContains", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("uniqueItems", KeywordSupport.Supported, OpenAiGuide, "named only among the keywords fine-tuned models do not support"),
            K("title", KeywordSupport.Supported, OpenAiGuide),
            K("description", KeywordSupport.Supported, OpenAiGuide),
            K("allOf", KeywordSupport.Rejected, OpenAiGuide),
            K("not", KeywordSupport.Rejected, OpenAiGuide),
            K("dependentRequired", KeywordSupport.Rejected, OpenAiGuide),
            K("dependentSchemas", KeywordSupport.Rejected, OpenAiGuide),
            K("dependencies", KeywordSupport.Rejected, OpenAiGuide, "the draft-07 spelling of dependentRequired/dependentSchemas"),
            K("if", KeywordSupport.Rejected, OpenAiGuide),
            K("then", KeywordSupport.Rejected, OpenAiGuide),
            K("else", KeywordSupport.Rejected, OpenAiGuide),
            K("oneOf", KeywordSupport.Rejected, OpenAiOneOfReport),
            K("default", KeywordSupport.Rejected, OpenAiDefaultReport),
        ],
        K("*", KeywordSupport.Unverified, OpenAiGuide, "not in the documented subset"),
        K("*", KeywordSupport.Unverified, OpenAiGuide, "not in the documented subset"),
        [
            R(RuleKind.RootMustBeObject, "root-object", ViolationNames.RootNotObject, ViolationEffect.Rejected, "The root schema must be an object.", OpenAiGuide),
            R(RuleKind.RootNotAnyOf, "root-not-anyof", ViolationNames.RootAnyOf, ViolationEffect.Rejected, "The root schema must not be anyOf.", OpenAiGuide),
            R(RuleKind.ObjectsClosed, "objects-closed", ViolationNames.AdditionalPropertiesNotFalse, ViolationEffect.Rejected, "Every object must set additionalProperties: false.", OpenAiGuide),
            R(RuleKind.AllPropertiesRequired, "all-required", ViolationNames.PropertyNotRequired, ViolationEffect.Rejected, "Every property must be listed in required; optional fields are unions with null.", OpenAiGuide),
            R(RuleKind.RequiredMustBeDeclared, "required-declared", ViolationNames.RequiredPropertyUndeclared, ViolationEffect.Advisory, "required should list only declared properties: in a closed object an undeclared required property can never be produced.", OpenAiGuide),
            R(RuleKind.TypeRequired, "type-required", ViolationNames.TypeMissing, ViolationEffect.Rejected, "Every schema needs a type (or anyOf, $ref, enum, const).", OpenAiTypeReport),
            R(RuleKind.ArrayItemsRequired, "array-items", ViolationNames.ArrayItemsMissing, ViolationEffect.Rejected, "Every array schema needs items.", OpenAiItemsReport),
            R(RuleKind.BooleanSchemas, "boolean-schemas", ViolationNames.BooleanSchemaUnsupported, ViolationEffect.Advisory, "Boolean subschemas (other than additionalProperties: false) are not in the documented subset.", OpenAiGuide),
            R(RuleKind.Formats, "formats", ViolationNames.FormatUnsupported, ViolationEffect.Rejected, "format must be one of the listed formats.", OpenAiFormatReport),
            R(RuleKind.RefSiblings, "ref-alone", ViolationNames.RefWithSiblings, ViolationEffect.Rejected, "A $ref must have no sibling keywords.", OpenAiRefSiblingsReport),
            R(RuleKind.RefExternal, "ref-local", ViolationNames.RefExternal, ViolationEffect.Advisory, "Only local references (#/$defs/..., #) are documented.", OpenAiGuide),
            R(RuleKind.MaxProperties, "max-properties", ViolationNames.TooManyProperties, ViolationEffect.Rejected, "At most 5,000 object properties in total.", OpenAiGuide, 5000),
            R(RuleKind.MaxNesting, "max-nesting", ViolationNames.NestingTooDeep, ViolationEffect.Rejected, "At most 10 levels of object nesting.", OpenAiGuide, 10),
            R(RuleKind.StringBudget, "string-budget", ViolationNames.StringBudgetExceeded, ViolationEffect.Rejected, "Property names, definition names, enum values and const values total at most 120,000 characters.", OpenAiGuide, 120_000),
            R(RuleKind.MaxEnumValues, "max-enum-values", ViolationNames.EnumTooLarge, ViolationEffect.Rejected, "At most 1,000 enum values across the schema.", OpenAiGuide, 1000),
            R(RuleKind.LargeStringEnum, "large-string-enum", ViolationNames.EnumStringTooLong, ViolationEffect.Rejected, "A string enum with more than 250 values totals at most 15,000 characters.", OpenAiGuide, 15_000),
            R(RuleKind.MaxTools, "max-tools", ViolationNames.TooManyTools, ViolationEffect.Rejected, "At most 128 tools per request.", OpenAiToolsReport, 128),
            R(RuleKind.ToolNamesUnique, "unique-tool-names", ViolationNames.ToolNameDuplicate, ViolationEffect.Rejected, "Tool names must be unique in a request.", OpenAiFunctionName),
        ],
        ["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"],
        OpenAiGuide,
        new NameRule(64, "_-", false, ViolationEffect.Rejected, OpenAiFunctionName),
        null)
    {
        StrictOnly = true,
    };

    /// <summary>Anthropic strict tool use (<c>strict: true</c>) and structured outputs (<c>output_config.format</c>).</summary>
    public static Profile AnthropicStrict { get; } = new(
        "anthropic-strict",
        "2026-09-20",
        "Anthropic strict tool use (tools[].strict) and JSON outputs (output_config.format)",
        [
            K("type", KeywordSupport.Supported, AnthropicGuide),
            K("enum", KeywordSupport.Supported, AnthropicGuide, "strings, numbers, booleans or nulls only"),
            K("const", KeywordSupport.Supported, AnthropicGuide),
            K("anyOf", KeywordSupport.Supported, AnthropicGuide),
            K("allOf", KeywordSupport.Supported, AnthropicGuide, "not with $ref inside"),
            K("$ref", KeywordSupport.Supported, AnthropicGuide, "local only, no recursion"),
            K("$defs", KeywordSupport.Supported, AnthropicGuide),
            K("definitions", KeywordSupport.Supported, AnthropicGuide),
            K("default", KeywordSupport.Supported, AnthropicGuide),
            K("required", KeywordSupport.Supported, AnthropicGuide),
            K("additionalProperties", KeywordSupport.Supported, AnthropicGuide, "must be false"),
            K("properties", KeywordSupport.Supported, AnthropicGuide),
            K("items", KeywordSupport.Supported, AnthropicGuide),
            K("format", KeywordSupport.Supported, AnthropicGuide, "only the listed formats"),
            K("minItems", KeywordSupport.Supported, AnthropicGuide, "only the values 0 and 1"),
            K("pattern", KeywordSupport.Supported, AnthropicGuide, "no backreferences, look-arounds or word boundaries"),
            K("title", KeywordSupport.Supported, AnthropicSdk),
            K("description", KeywordSupport.Supported, AnthropicGuide),
            K("minimum", KeywordSupport.Rejected, AnthropicGuide),
            K("maximum", KeywordSupport.Rejected, AnthropicGuide),
            K("exclusiveMinimum", KeywordSupport.Rejected, AnthropicGuide),
            K("exclusiveMaximum", KeywordSupport.Rejected, AnthropicGuide),
            K("multipleOf", KeywordSupport.Rejected, AnthropicGuide),
            K("minLength", KeywordSupport.Rejected, AnthropicGuide),
            K("maxLength", KeywordSupport.Rejected, AnthropicGuide),
            K("maxItems", KeywordSupport.Rejected, AnthropicGuide),
            K("uniqueItems", KeywordSupport.Rejected, AnthropicGuide),
            K("oneOf", KeywordSupport.Rejected, AnthropicGuide, "not in the supported list; the SDK rewrites it to anyOf"),
        ],
        K("*", KeywordSupport.Rejected, AnthropicGuide, "\"If you use an unsupported feature, you'll receive a 400 error\""),
        K("*", KeywordSupport.Unverified, AnthropicSdk, "annotations outside the list; the SDK moves them into the description"),
        [
            R(RuleKind.RootMustBeObject, "root-object", ViolationNames.RootNotObject, ViolationEffect.Rejected, "A tool's input_schema must be an object schema.", AnthropicToolName),
            R(RuleKind.ObjectsClosed, "objects-closed", ViolationNames.AdditionalPropertiesNotFalse, ViolationEffect.Rejected, "additionalProperties must be set to false for objects.", AnthropicGuide),
            R(RuleKind.RequiredMustBeDeclared, "required-declared", ViolationNames.RequiredPropertyUndeclared, ViolationEffect.Advisory, "required should list only declared properties: in a closed object an undeclared required property can never be produced.", AnthropicGuide),
            R(RuleKind.Formats, "formats", ViolationNames.FormatUnsupported, ViolationEffect.Rejected, "format must be one of the listed formats.", AnthropicGuide),
            R(RuleKind.MinItemsZeroOrOne, "min-items-0-1", ViolationNames.MinItemsUnsupported, ViolationEffect.Rejected, "minItems may only be 0 or 1.", AnthropicGuide),
            R(RuleKind.EnumPrimitiveValues, "enum-primitives", ViolationNames.EnumValueUnsupported, ViolationEffect.Rejected, "enum values must be strings, numbers, booleans or null.", AnthropicGuide),
            R(RuleKind.AllOfWithRef, "allof-without-ref", ViolationNames.AllOfWithRef, ViolationEffect.Rejected, "allOf may not contain $ref.", AnthropicGuide),
            R(RuleKind.RefExternal, "ref-local", ViolationNames.RefExternal, ViolationEffect.Rejected, "External $ref is not supported.", AnthropicGuide),
            R(RuleKind.RefCycle, "no-recursion", ViolationNames.RefCycle, ViolationEffect.Rejected, "Recursive schemas are not supported.", AnthropicGuide),
            R(RuleKind.PatternFeatures, "pattern-features", ViolationNames.PatternUnsupported, ViolationEffect.Rejected, "Patterns may not use backreferences, look-arounds or \\b/\\B.", AnthropicGuide),
            R(RuleKind.PatternLargeRepetition, "pattern-large-repetition", ViolationNames.PatternUnsupported, ViolationEffect.Advisory, "Complex {n,m} quantifiers with large ranges may be refused (no threshold is documented; this profile flags ranges above 1,000).", AnthropicGuide, 1000),
            R(RuleKind.BooleanSchemas, "boolean-schemas", ViolationNames.BooleanSchemaUnsupported, ViolationEffect.Advisory, "Boolean subschemas (other than additionalProperties: false) are not in the documented subset.", AnthropicGuide),
            R(RuleKind.MaxOptional, "max-optional", ViolationNames.TooManyOptionalParameters, ViolationEffect.Rejected, "At most 24 optional parameters across all strict schemas of a request.", AnthropicGuide, 24),
            R(RuleKind.MaxUnion, "max-union", ViolationNames.TooManyUnionParameters, ViolationEffect.Rejected, "At most 16 parameters with union types (anyOf or type arrays) across all strict schemas of a request.", AnthropicGuide, 16),
            R(RuleKind.MaxStrictTools, "max-strict-tools", ViolationNames.TooManyStrictTools, ViolationEffect.Rejected, "At most 20 strict tools per request.", AnthropicGuide, 20),
            R(RuleKind.RequestOptional, "request-optional", ViolationNames.TooManyOptionalParameters, ViolationEffect.Rejected, "At most 24 optional parameters across all strict schemas of a request.", AnthropicGuide, 24),
            R(RuleKind.RequestUnion, "request-union", ViolationNames.TooManyUnionParameters, ViolationEffect.Rejected, "At most 16 union-typed parameters across all strict schemas of a request.", AnthropicGuide, 16),
            R(RuleKind.ToolNamesUnique, "unique-tool-names", ViolationNames.ToolNameDuplicate, ViolationEffect.Rejected, "Tool names must be unique in a request.", AnthropicToolName),
        ],
        ["date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"],
        AnthropicGuide,
        new NameRule(64, "_-", false, ViolationEffect.Rejected, AnthropicToolName),
        null)
    {
        StrictOnly = true,
    };

    /// <summary>Gemini <c>responseSchema</c> and function <c>parameters</c>: the OpenAPI 3.0 subset (the <c>Schema</c> proto).</summary>
    public static Profile Gemini { get; } = new(
        "gemini",
        "2026-09-20",
        "Gemini API responseSchema and FunctionDeclaration.parameters (OpenAPI 3.0 subset, Schema proto)",
        [
            K("type", KeywordSupport.Supported, GeminiSchemaType, "a single type; arrays of types are refused"),
            K("format", KeywordSupport.Supported, GeminiSchemaType, "strings: only enum and date-time on the Gemini API"),
            K("title", KeywordSupport.Supported, GeminiSchemaType),
            K("description", KeywordSupport.Supported, GeminiSchemaType),
            K("nullable", KeywordSupport.Supported, GeminiSchemaType),
            K("enum", KeywordSupport.Supported, GeminiSchemaType, "string values only"),
            K("items", KeywordSupport.Supported, GeminiSchemaType),
            K("minItems", KeywordSupport.Supported, GeminiSchemaType),
            K("maxItems", KeywordSupport.Supported, GeminiSchemaType),
            K("properties", KeywordSupport.Supported, GeminiSchemaType),
            K("required", KeywordSupport.Supported, GeminiSchemaType),
            K("propertyOrdering", KeywordSupport.Supported, GeminiSchemaType),
            K("minimum", KeywordSupport.Supported, GeminiSchemaType),
            K("maximum", KeywordSupport.Supported, GeminiSchemaType),
            K("anyOf", KeywordSupport.Supported, GeminiSchemaType),
            K("minLength", KeywordSupport.Supported, GeminiSchemaType),
            K("maxLength", KeywordSupport.Supported, GeminiSchemaType),
            K("pattern", KeywordSupport.Supported, GeminiSchemaType),
            K("minProperties", KeywordSupport.Supported, GeminiSchemaType),
            K("maxProperties", KeywordSupport.Supported, GeminiSchemaType),
            K("default", KeywordSupport.Supported, GeminiSchemaType),
            K("example", KeywordSupport.Supported, GeminiSchemaType),
            K("additionalProperties", KeywordSupport.Rejected, GeminiUnknownNameReport, "the SDK type lists it (Vertex AI), the Gemini API refuses it"),
            K("$ref", KeywordSupport.Rejected, GeminiUnknownNameReport, "the SDK type has ref/defs for Vertex AI; the Gemini API subset has none"),
            K("$defs", KeywordSupport.Rejected, GeminiUnknownNameReport),
        ],
        K("*", KeywordSupport.Rejected, GeminiUnknownNameReport, "any field the Schema proto lacks fails the whole request"),
        K("*", KeywordSupport.Rejected, GeminiUnknownNameReport, "any field the Schema proto lacks fails the whole request"),
        [
            R(RuleKind.TypeArrays, "single-type", ViolationNames.TypeArrayUnsupported, ViolationEffect.Rejected, "type must be a single type; use nullable for null.", GeminiTypeArrayReport),
            R(RuleKind.ArrayItemsRequired, "array-items", ViolationNames.ArrayItemsMissing, ViolationEffect.Rejected, "Every array schema needs items.", GeminiItemsReport),
            R(RuleKind.BooleanSchemas, "boolean-schemas", ViolationNames.BooleanSchemaUnsupported, ViolationEffect.Rejected, "Subschemas must be Schema objects; true/false are not.", GeminiSchemaType),
            R(RuleKind.Formats, "formats", ViolationNames.FormatUnsupported, ViolationEffect.Rejected, "String formats are limited to enum and date-time (numbers: float, double; integers: int32, int64).", GeminiFormatReport),
            R(RuleKind.EnumStringValues, "enum-strings", ViolationNames.EnumValueUnsupported, ViolationEffect.Rejected, "enum values must be strings.", GeminiSchemaType),
            R(RuleKind.RefCycle, "no-recursion", ViolationNames.RefCycle, ViolationEffect.Rejected, "Without $ref a recursive schema cannot be expressed.", GeminiSchemaType),
            R(RuleKind.ParameterNames, "parameter-names", ViolationNames.PropertyNameInvalid, ViolationEffect.Advisory, "Function parameter names: start with a letter or _, only a-z, A-Z, 0-9, _, at most 64 characters.", GeminiFunctionDeclaration),
            R(RuleKind.MaxItemsBudget, "max-items-budget", ViolationNames.ArrayLengthBudgetExceeded, ViolationEffect.Advisory, "The maxItems of a schema adding up to more than about 960 have been refused (undocumented).", GeminiMaxItemsReport, 960),
            R(RuleKind.ToolNamesUnique, "unique-tool-names", ViolationNames.ToolNameDuplicate, ViolationEffect.Rejected, "Function names must be unique in a request.", GeminiFunctionDeclaration),
        ],
        ["enum", "date-time", "float", "double", "int32", "int64"],
        GeminiFormatReport,
        new NameRule(128, "_.:-", true, ViolationEffect.Rejected, GeminiFunctionDeclaration),
        new NameRule(64, "_", true, ViolationEffect.Advisory, GeminiFunctionDeclaration));

    /// <summary>Gemini <c>responseJsonSchema</c> and function <c>parametersJsonSchema</c>: JSON Schema with a documented subset.</summary>
    public static Profile GeminiJsonSchema { get; } = new(
        "gemini-json-schema",
        "2026-09-20",
        "Gemini API responseJsonSchema and FunctionDeclaration.parametersJsonSchema (JSON Schema subset)",
        [
            K("$id", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("$defs", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("$ref", KeywordSupport.Supported, GeminiJsonSchemaDoc, "no siblings except $-keywords; cycles only through optional properties"),
            K("$anchor", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("$schema", KeywordSupport.Supported, GeminiJsonSchemaDoc, "a $-keyword; harmless"),
            K("type", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("format", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("title", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("description", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("enum", KeywordSupport.Supported, GeminiJsonSchemaDoc, "strings and numbers"),
            K("items", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("prefixItems", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("minItems", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("maxItems", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("minimum", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("maximum", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("anyOf", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("oneOf", KeywordSupport.Supported, GeminiJsonSchemaDoc, "interpreted as anyOf"),
            K("properties", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("additionalProperties", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("required", KeywordSupport.Supported, GeminiJsonSchemaDoc),
            K("propertyOrdering", KeywordSupport.Supported, GeminiJsonSchemaDoc),
        ],
        K("*", KeywordSupport.Ignored, GeminiIgnoredReport, "\"only the following properties are supported\"; others are accepted and not enforced"),
        K("*", KeywordSupport.Ignored, GeminiIgnoredReport, "annotations: harmless"),
        [
            R(RuleKind.RefSiblings, "ref-alone", ViolationNames.RefWithSiblings, ViolationEffect.Rejected, "If $ref is set, no other keywords except those starting with $ may be set.", GeminiJsonSchemaDoc),
            R(RuleKind.RefCycleRequired, "cycles-optional", ViolationNames.RefCycleThroughRequired, ViolationEffect.Rejected, "Cyclic references may only pass through non-required properties.", GeminiJsonSchemaDoc),
            R(RuleKind.OneOfExclusivity, "oneof-as-anyof", ViolationNames.OneOfAsAnyOf, ViolationEffect.Ignored, "oneOf is interpreted as anyOf.", GeminiJsonSchemaDoc),
            R(RuleKind.EnumStringOrNumberValues, "enum-strings-numbers", ViolationNames.EnumValueUnsupported, ViolationEffect.Ignored, "enum is supported for strings and numbers.", GeminiJsonSchemaDoc),
            R(RuleKind.MaxItemsBudget, "max-items-budget", ViolationNames.ArrayLengthBudgetExceeded, ViolationEffect.Advisory, "The maxItems of a schema adding up to more than about 960 have been refused (undocumented).", GeminiMaxItemsReport, 960),
            R(RuleKind.ToolNamesUnique, "unique-tool-names", ViolationNames.ToolNameDuplicate, ViolationEffect.Rejected, "Function names must be unique in a request.", GeminiFunctionDeclaration),
        ],
        null,
        null,
        new NameRule(128, "_.:-", true, ViolationEffect.Rejected, GeminiFunctionDeclaration),
        null)
    {
        RefSiblings = RefSiblingMode.NonDollar,
    };

    /// <summary>vLLM structured outputs with the xgrammar backend (<c>structured_outputs.json</c>, <c>response_format</c>).</summary>
    public static Profile VllmXgrammar { get; } = new(
        "vllm-xgrammar",
        "2026-09-20",
        "vLLM structured outputs, xgrammar backend",
        [
            K("not", KeywordSupport.Ignored, XgrammarConverter, "\"Keyword not is not supported\" (warning)"),
            K("if", KeywordSupport.Ignored, XgrammarConverter),
            K("then", KeywordSupport.Ignored, XgrammarConverter),
            K("else", KeywordSupport.Ignored, XgrammarConverter),
            K("dependentRequired", KeywordSupport.Ignored, XgrammarConverter),
            K("dependentSchemas", KeywordSupport.Ignored, XgrammarConverter),
            K("dependencies", KeywordSupport.Ignored, XgrammarConverter, "not read"),
            K("uniqueItems", KeywordSupport.Rejected, VllmBackend),
            K("contains", KeywordSupport.Rejected, VllmBackend),
            K("minContains", KeywordSupport.Rejected, VllmBackend),
            K("maxContains", KeywordSupport.Rejected, VllmBackend),
            K("multipleOf", KeywordSupport.Rejected, VllmBackend),
            K("$dynamicRef", KeywordSupport.Ignored, XgrammarConverter, "not read"),
            K("$recursiveRef", KeywordSupport.Ignored, XgrammarConverter, "not read"),
        ],
        K("*", KeywordSupport.Supported, XgrammarConverter, "the rest of 2020-12 is converted"),
        K("*", KeywordSupport.Supported, XgrammarConverter, "annotations are skipped"),
        [
            R(RuleKind.Formats, "formats", ViolationNames.FormatUnsupported, ViolationEffect.Rejected, "format must be one of xgrammar's formats.", VllmBackend),
            R(RuleKind.PatternWithLengthBounds, "pattern-or-length", ViolationNames.PatternWithLengthBounds, ViolationEffect.Rejected, "A string may not combine pattern or format with minLength/maxLength (xgrammar drops the lengths).", VllmBackend),
            R(RuleKind.PropertyNamesCombination, "property-names-alone", ViolationNames.KeywordCombinationUnsupported, ViolationEffect.Rejected, "propertyNames may not be combined with properties, patternProperties, a schema-valued additionalProperties or unevaluatedProperties.", VllmBackend),
            R(RuleKind.PatternPropertiesCombination, "pattern-properties-alone", ViolationNames.KeywordCombinationUnsupported, ViolationEffect.Rejected, "patternProperties may have one pattern and no properties beside it.", VllmBackend),
            R(RuleKind.RefSiblings, "ref-alone", ViolationNames.RefWithSiblings, ViolationEffect.Ignored, "Keywords beside $ref are ignored ($ref wins).", XgrammarConverter),
            R(RuleKind.UnionSiblings, "union-alone", ViolationNames.UnionWithSiblings, ViolationEffect.Ignored, "Keywords beside anyOf/oneOf are ignored (the union wins).", XgrammarConverter),
            R(RuleKind.AllOfMultiple, "allof-single", ViolationNames.KeywordIgnored, ViolationEffect.Ignored, "allOf with more than one schema is generated as any value.", XgrammarConverter),
            R(RuleKind.OneOfExclusivity, "oneof-as-anyof", ViolationNames.OneOfAsAnyOf, ViolationEffect.Advisory, "oneOf whose branches xgrammar cannot prove disjoint is generated as anyOf.", XgrammarConverter),
            R(RuleKind.UntypedConstraints, "untyped-constraints", ViolationNames.KeywordIgnored, ViolationEffect.Ignored, "A schema without type, properties or items is generated as any value: its type-specific keywords are skipped.", XgrammarConverter),
        ],
        ["email", "date", "time", "date-time", "duration", "ipv4", "ipv6", "hostname", "uuid", "uri", "uri-reference", "uri-template", "json-pointer", "relative-json-pointer"],
        VllmBackend,
        null,
        null)
    {
        TypeGatedKeywords = true,
        RefSiblings = RefSiblingMode.Assertions,
        UntypedIsAnyValue = true,
        UntypedIgnoredKeywords = ["minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "minProperties", "maxProperties", "required"],
    };

    /// <summary>llama.cpp: <c>json_schema</c> / <c>response_format</c> converted to a GBNF grammar (C++ converter, as llama-server uses it).</summary>
    public static Profile LlamaCppGbnf { get; } = new(
        "llama-cpp-gbnf",
        "2026-09-20",
        "llama.cpp llama-server json_schema / response_format, converted to GBNF",
        [
            K("not", KeywordSupport.Ignored, LlamaReadme),
            K("if", KeywordSupport.Ignored, LlamaReadme),
            K("then", KeywordSupport.Ignored, LlamaReadme),
            K("else", KeywordSupport.Ignored, LlamaReadme),
            K("dependentSchemas", KeywordSupport.Ignored, LlamaReadme),
            K("dependentRequired", KeywordSupport.Ignored, LlamaConverter, "not read"),
            K("dependencies", KeywordSupport.Ignored, LlamaConverter, "not read"),
            K("uniqueItems", KeywordSupport.Ignored, LlamaReadme),
            K("contains", KeywordSupport.Ignored, LlamaReadme),
            K("minContains", KeywordSupport.Ignored, LlamaReadme),
            K("maxContains", KeywordSupport.Ignored, LlamaReadme),
            K("patternProperties", KeywordSupport.Ignored, LlamaReadme),
            K("prefixItems", KeywordSupport.Ignored, LlamaReadme, "\"prefixItems is broken (but items works)\""),
            K("propertyNames", KeywordSupport.Ignored, LlamaConverter, "not read"),
            K("minProperties", KeywordSupport.Ignored, LlamaConverter, "not read"),
            K("maxProperties", KeywordSupport.Ignored, LlamaConverter, "not read"),
            K("unevaluatedProperties", KeywordSupport.Ignored, LlamaConverter, "not read"),
            K("unevaluatedItems", KeywordSupport.Ignored, LlamaConverter, "not read"),
            K("multipleOf", KeywordSupport.Ignored, LlamaConverter, "not read"),
            K("$anchor", KeywordSupport.Ignored, LlamaReadme),
            K("$dynamicRef", KeywordSupport.Ignored, LlamaConverter, "not read"),
            K("$recursiveRef", KeywordSupport.Ignored, LlamaConverter, "not read"),
        ],
        K("*", KeywordSupport.Supported, LlamaConverter, "\"Unsupported features are skipped silently\": the keywords above are those skipped"),
        K("*", KeywordSupport.Supported, LlamaConverter, "annotations are skipped"),
        [
            R(RuleKind.PatternAnchored, "pattern-anchored", ViolationNames.PatternNotAnchored, ViolationEffect.Rejected, "A pattern must start with ^ and end with $.", LlamaConverter),
            R(RuleKind.PatternLookaround, "pattern-lookaround", ViolationNames.PatternUnsupported, ViolationEffect.Ignored, "Look-arounds in a pattern are dropped (\"Unsupported pattern syntax\").", LlamaConverter),
            R(RuleKind.RefNonPointer, "ref-pointer", ViolationNames.RefUnsupported, ViolationEffect.Rejected, "A $ref must be a #/ pointer or an https:// address (\"Unsupported ref\").", LlamaConverter),
            R(RuleKind.RefExternal, "ref-remote", ViolationNames.RefExternal, ViolationEffect.Rejected, "Remote $refs are not supported in the C++ converter.", LlamaReadme),
            R(RuleKind.RefSiblings, "ref-alone", ViolationNames.RefWithSiblings, ViolationEffect.Ignored, "Keywords beside $ref are ignored ($ref wins).", LlamaConverter),
            R(RuleKind.UnionSiblings, "union-alone", ViolationNames.UnionWithSiblings, ViolationEffect.Ignored, "Keywords beside anyOf/oneOf are ignored: properties cannot be mixed with anyOf/oneOf.", LlamaReadme),
            R(RuleKind.OneOfExclusivity, "oneof-as-anyof", ViolationNames.OneOfAsAnyOf, ViolationEffect.Ignored, "oneOf is generated as anyOf.", LlamaConverter),
            R(RuleKind.AllOfPartial, "allof-merge", ViolationNames.KeywordIgnored, ViolationEffect.Ignored, "allOf: only the properties and enums of its schemas are combined; their other keywords are ignored.", LlamaConverter),
            R(RuleKind.UntypedConstraints, "untyped-constraints", ViolationNames.KeywordIgnored, ViolationEffect.Ignored, "Length and numeric bounds are applied only when type is declared (string, integer).", LlamaConverter),
            R(RuleKind.NumberBoundsIntegerOnly, "integer-bounds-only", ViolationNames.KeywordIgnored, ViolationEffect.Ignored, "minimum/maximum/exclusive bounds are enforced for integers only.", LlamaReadme),
            R(RuleKind.PatternWithLengthBounds, "pattern-or-length", ViolationNames.PatternWithLengthBounds, ViolationEffect.Ignored, "With pattern or a supported format, minLength/maxLength are ignored.", LlamaConverter),
            R(RuleKind.Formats, "formats", ViolationNames.FormatUnsupported, ViolationEffect.Ignored, "Only date, time, date-time and uuid formats are enforced.", LlamaConverter),
        ],
        ["date", "time", "date-time", "uuid", "uuid1", "uuid2", "uuid3", "uuid4", "uuid5"],
        LlamaConverter,
        null,
        null)
    {
        RefSiblings = RefSiblingMode.Assertions,
        UntypedIgnoredKeywords = ["minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
    };

    /// <summary>MCP tool definitions (<c>inputSchema</c>), specification 2026-07-28.</summary>
    public static Profile McpTool { get; } = new(
        "mcp-tool",
        "2026-09-20",
        "Model Context Protocol tool definitions (tools/list), specification 2026-07-28",
        [],
        K("*", KeywordSupport.Supported, McpSchema, "any JSON Schema 2020-12 keyword"),
        K("*", KeywordSupport.Supported, McpJsonSchemaUsage),
        [
            R(RuleKind.RootMustBeObject, "root-object", ViolationNames.RootNotObject, ViolationEffect.Rejected, "inputSchema must have type: \"object\" at the root.", McpSchema),
            R(RuleKind.SchemaValid, "valid-schema", ViolationNames.SchemaInvalid, ViolationEffect.Rejected, "inputSchema MUST be a valid JSON Schema object (2020-12 unless $schema says otherwise).", McpTools),
            R(RuleKind.McpHeader, "x-mcp-header", ViolationNames.McpHeaderInvalid, ViolationEffect.Rejected, "x-mcp-header: a non-empty HTTP token, unique (case-insensitive), on integer, string or boolean properties only; clients MUST exclude a tool that breaks it.", McpTools),
            R(RuleKind.ToolNamesUnique, "unique-tool-names", ViolationNames.ToolNameDuplicate, ViolationEffect.Advisory, "Tool names SHOULD be unique within a server.", McpTools),
        ],
        null,
        null,
        new NameRule(128, "_-.", false, ViolationEffect.Advisory, McpTools),
        null);

    /// <summary>Every built-in profile.</summary>
    public static IReadOnlyList<Profile> All { get; } = [OpenAiStrict, AnthropicStrict, Gemini, GeminiJsonSchema, VllmXgrammar, LlamaCppGbnf, McpTool];

    /// <summary>Finds a profile by name (<c>openai-strict</c>, ...), ignoring case.</summary>
    public static bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Profile? profile)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                profile = candidate;
                return true;
            }
        }

        profile = null;
        return false;
    }

    private static KeywordRule K(string keyword, KeywordSupport support, ProfileSource source, string? note = null) => new(keyword, support, source, note);

    private static ProfileRule R(RuleKind kind, string id, string violation, ViolationEffect effect, string description, ProfileSource source, long? limit = null)
        => new(id, violation, effect, description, source, limit) { Kind = kind };
}
