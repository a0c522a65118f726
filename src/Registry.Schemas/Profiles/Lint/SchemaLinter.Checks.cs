// Over 500 lines on purpose: one method per provider rule over a node of the graph, each with its violation name; the table of
// rules in docs/providers.md is mirrored here rule by rule.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Profiles.Lint;

/// <summary>The per-schema checks of the profile rules.</summary>
internal sealed partial class SchemaLinter
{
    private static readonly KeywordId[] BoundKeywords = [KeywordId.Minimum, KeywordId.Maximum, KeywordId.ExclusiveMinimum, KeywordId.ExclusiveMaximum];

    private static bool IsRoot(int node) => node == 0;

    private void CheckBooleanSchema(int node, string? keyword, bool value)
    {
        if (IsRoot(node) || keyword is null || !_profile.Has(RuleKind.BooleanSchemas))
        {
            return;
        }

        var id = SchemaKeywords.Find(keyword);
        if (id == KeywordId.AdditionalProperties || _profile.SupportOf(id) != KeywordSupport.Supported)
        {
            return; // additionalProperties is the objects-closed rule's business; an unsupported keyword is reported as such
        }

        Report(RuleKind.BooleanSchemas, Pointer(node), $"the schema '{(value ? "true" : "false")}' is a boolean; {_profile.Name} expects a schema object here",
            keyword, "a schema object", value ? "true" : "false");
    }

    private void CheckUnknownKeyword(int node, JsonProperty property, ReadOnlySpan<byte> raw)
    {
        if (raw.SequenceEqual(McpHeaderName) && _profile.Has(RuleKind.McpHeader))
        {
            return; // checked with the schema's type in CheckTypes
        }

        var rule = _profile.UnlistedAnnotations;
        switch (rule.Support)
        {
            case KeywordSupport.Rejected:
                ReportKeyword(ViolationNames.KeywordUnsupported, ViolationEffect.Rejected, At(node, property.Name), property.Name, rule,
                    $"'{Shorten(property.Name)}' is not a keyword {_profile.Name} accepts; the provider refuses unknown fields");
                break;
            case KeywordSupport.Unverified:
                ReportKeyword(ViolationNames.KeywordUnverified, ViolationEffect.Advisory, At(node, property.Name), property.Name, rule,
                    $"'{Shorten(property.Name)}' is not in {_profile.Name}'s documented subset");
                break;
        }
    }

    private void CheckKeywordSupport(int node, KeywordId id, in JsonElement value, JsonTypes types, bool typeDeclared, JsonElement[] slots, KeywordMask mask, JsonSchemaDraft draft)
    {
        var effective = id;
        if (id == KeywordId.Items && value.ValueKind == JsonValueKind.Array)
        {
            effective = KeywordId.PrefixItems; // draft 2019-09 and older: items as an array is a tuple
        }
        else if (id == KeywordId.AdditionalItems && mask.Has(KeywordId.Items) && slots[(int)KeywordId.Items].ValueKind == JsonValueKind.Array)
        {
            effective = KeywordId.Items;
        }

        var support = _profile.SupportOf(effective);
        if (support == KeywordSupport.Supported)
        {
            return;
        }

        var rule = _profile.KeywordRuleOf(effective);
        var name = SchemaKeywords.Name(id);
        var category = SchemaKeywords.Info(id).Category;
        if (support == KeywordSupport.Rejected && _profile.TypeGatedKeywords && !TypeGateMatches(id, types, typeDeclared))
        {
            support = KeywordSupport.Ignored;
        }

        var note = rule.Note is null ? string.Empty : $" ({rule.Note})";
        switch (support)
        {
            case KeywordSupport.Rejected:
                ReportKeyword(ViolationNames.KeywordUnsupported, ViolationEffect.Rejected, At(node, name), name, rule,
                    $"{name} is not supported by {_profile.Name}; the provider refuses the schema{note}");
                break;
            case KeywordSupport.Ignored when category == KeywordCategory.Assertion:
                ReportKeyword(ViolationNames.KeywordIgnored, ViolationEffect.Ignored, At(node, name), name, rule,
                    $"{name} is accepted but not enforced by {_profile.Name}{note}");
                break;
            case KeywordSupport.Unverified:
                ReportKeyword(ViolationNames.KeywordUnverified, ViolationEffect.Advisory, At(node, name), name, rule,
                    $"{name} is not in {_profile.Name}'s documented subset{note}");
                break;
        }
    }

    /// <summary>vLLM's check reads the declared type: multipleOf counts for numbers, uniqueItems/contains for arrays.</summary>
    private static bool TypeGateMatches(KeywordId id, JsonTypes types, bool typeDeclared)
    {
        if (!typeDeclared)
        {
            return false;
        }

        return id switch
        {
            KeywordId.MultipleOf => (types & (JsonTypes.Number | JsonTypes.Integer)) != 0,
            KeywordId.UniqueItems or KeywordId.Contains or KeywordId.MinContains or KeywordId.MaxContains => (types & JsonTypes.Array) != 0,
            _ => true,
        };
    }

    private void CheckTypes(int node, JsonElement[] slots, KeywordMask mask, JsonTypes types, bool typeDeclared, int typeArrayLength, in JsonElement mcpHeader)
    {
        if (typeArrayLength >= 0 && _profile.Has(RuleKind.TypeArrays))
        {
            Report(RuleKind.TypeArrays, At(node, "type"), $"type is an array of types; {_profile.Name} takes one type (use nullable for null, anyOf for the rest)",
                "type", "one type", RawText(slots[(int)KeywordId.Type]));
        }

        if (!mask.Has(KeywordId.Type) && !mask.Has(KeywordId.AnyOf) && !mask.Has(KeywordId.Ref) && !mask.Has(KeywordId.Enum)
            && !mask.Has(KeywordId.Const) && !mask.Has(KeywordId.OneOf) && !mask.Has(KeywordId.AllOf) && _profile.Has(RuleKind.TypeRequired))
        {
            Report(RuleKind.TypeRequired, Pointer(node), "the schema has no type", "type");
        }

        if (mask.Has(KeywordId.AnyOf) || mask.Has(KeywordId.OneOf) || System.Numerics.BitOperations.PopCount((uint)types) >= 2)
        {
            _unions++;
        }

        if (mcpHeader.ValueKind != JsonValueKind.Undefined)
        {
            CheckMcpHeader(node, mcpHeader, types, typeDeclared);
        }
    }

    private void CheckMcpHeader(int node, in JsonElement header, JsonTypes types, bool typeDeclared)
    {
        string? problem = null;
        if (header.ValueKind != JsonValueKind.String || header.GetString() is not { Length: > 0 } name)
        {
            problem = "its value must be a non-empty string";
        }
        else if (!IsHttpToken(name))
        {
            problem = "its value must be an HTTP field-name token (letters, digits and !#$%&'*+-.^_`|~)";
        }
        else if (!(_mcpHeaders ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(name))
        {
            problem = $"'{Shorten(name)}' is used by another x-mcp-header (names are compared case-insensitively)";
        }
        else if (!typeDeclared || (types & ~(JsonTypes.Integer | JsonTypes.String | JsonTypes.Boolean)) != 0)
        {
            problem = "it may only be applied to integer, string or boolean parameters";
        }

        if (problem is not null)
        {
            Report(RuleKind.McpHeader, At(node, "x-mcp-header"), $"x-mcp-header is invalid: {problem}; clients must exclude the tool", "x-mcp-header");
        }
    }

    private static bool IsHttpToken(string name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    private void CheckObject(int node, JsonElement[] slots, KeywordMask mask, JsonTypes types, bool typeDeclared)
    {
        var additional = mask.Has(KeywordId.AdditionalProperties) ? slots[(int)KeywordId.AdditionalProperties] : default;
        var closed = additional.ValueKind == JsonValueKind.False;
        if (!closed && _profile.Has(RuleKind.ObjectsClosed))
        {
            if (additional.ValueKind == JsonValueKind.Undefined)
            {
                Report(RuleKind.ObjectsClosed, Pointer(node), "the object does not set additionalProperties: false", "additionalProperties", "false", "absent");
            }
            else
            {
                Report(RuleKind.ObjectsClosed, At(node, "additionalProperties"), "additionalProperties must be false", "additionalProperties", "false",
                    additional.ValueKind == JsonValueKind.True ? "true" : "a schema");
            }
        }

        var properties = mask.Has(KeywordId.Properties) ? slots[(int)KeywordId.Properties] : default;
        var required = mask.Has(KeywordId.Required) ? slots[(int)KeywordId.Required] : default;
        if (properties.ValueKind == JsonValueKind.Object)
        {
            var requireAll = _profile.Has(RuleKind.AllPropertiesRequired);
            var parameterNames = IsRoot(node) ? _profile.ParameterNames : null;
            foreach (var property in properties.EnumerateObject())
            {
                _budget.Step();
                _properties++;
                _stringChars += NameLength(property);
                if (!IsListed(required, property))
                {
                    _optional++;
                    if (requireAll)
                    {
                        Report(RuleKind.AllPropertiesRequired, At(node, "properties", property.Name),
                            $"'{Shorten(property.Name)}' is not listed in required; {_profile.Name} needs every property required (make it nullable instead)",
                            "required");
                    }
                }

                if (parameterNames is not null && !parameterNames.Accepts(property.Name))
                {
                    Report(RuleKind.ParameterNames, At(node, "properties", property.Name),
                        $"the parameter name '{Shorten(property.Name)}' breaks the rule: {parameterNames.Describe()}", "properties", parameterNames.Describe(), Shorten(property.Name));
                }
            }
        }

        if (required.ValueKind == JsonValueKind.Array && closed && _profile.Has(RuleKind.RequiredMustBeDeclared))
        {
            var index = 0;
            foreach (var item in required.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && !Declares(properties, item))
                {
                    Report(RuleKind.RequiredMustBeDeclared, At(node, "required", index),
                        $"'{Shorten(item.GetString()!)}' is required but not declared in properties of this closed object: no value can satisfy it", "required");
                }

                index++;
            }
        }

        if (typeDeclared && (types & JsonTypes.Object) != 0)
        {
            if (mask.Has(KeywordId.PropertyNames) && _profile.Has(RuleKind.PropertyNamesCombination)
                && (mask.Has(KeywordId.Properties) || mask.Has(KeywordId.PatternProperties) || additional.ValueKind == JsonValueKind.Object
                    || (mask.Has(KeywordId.UnevaluatedProperties) && slots[(int)KeywordId.UnevaluatedProperties].ValueKind != JsonValueKind.True)))
            {
                Report(RuleKind.PropertyNamesCombination, At(node, "propertyNames"),
                    "propertyNames is combined with properties, patternProperties, a schema-valued additionalProperties or unevaluatedProperties", "propertyNames");
            }

            if (mask.Has(KeywordId.PatternProperties) && _profile.Has(RuleKind.PatternPropertiesCombination)
                && slots[(int)KeywordId.PatternProperties].ValueKind == JsonValueKind.Object
                && (mask.Has(KeywordId.Properties) || CountProperties(slots[(int)KeywordId.PatternProperties]) > 1))
            {
                Report(RuleKind.PatternPropertiesCombination, At(node, "patternProperties"),
                    "patternProperties has more than one pattern or is combined with properties", "patternProperties");
            }
        }
    }

    private static int CountProperties(in JsonElement element)
    {
        var count = 0;
        foreach (var unused in element.EnumerateObject())
        {
            count++;
        }

        return count;
    }

    /// <summary>Whether <paramref name="properties"/> declares the name held by the string <paramref name="name"/>.</summary>
    private static bool Declares(in JsonElement properties, in JsonElement name)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var raw = JsonMarshal.GetRawUtf8Value(name);
        var body = raw.Length >= 2 && raw[0] == (byte)'"' ? raw[1..^1] : raw;
        return body.IndexOf((byte)'\\') < 0 ? properties.TryGetProperty(body, out _) : properties.TryGetProperty(name.GetString()!, out _);
    }

    private void CheckArray(int node, JsonElement[] slots, KeywordMask mask, JsonTypes types, bool typeDeclared)
    {
        if (typeDeclared && (types & JsonTypes.Array) != 0 && !mask.Has(KeywordId.Items) && _profile.Has(RuleKind.ArrayItemsRequired))
        {
            Report(RuleKind.ArrayItemsRequired, Pointer(node), "the array schema has no items", "items", "present", "absent");
        }

        if (mask.Has(KeywordId.MinItems) && _profile.Has(RuleKind.MinItemsZeroOrOne))
        {
            var minItems = slots[(int)KeywordId.MinItems];
            if (minItems.ValueKind == JsonValueKind.Number && !(minItems.TryGetInt64(out var value) && value is 0 or 1))
            {
                Report(RuleKind.MinItemsZeroOrOne, At(node, "minItems"), $"minItems is {RawText(minItems)}; {_profile.Name} supports only 0 and 1",
                    "minItems", "0 or 1", RawText(minItems));
            }
        }

        if (mask.Has(KeywordId.MaxItems) && slots[(int)KeywordId.MaxItems].ValueKind == JsonValueKind.Number)
        {
            _maxItemsSum += slots[(int)KeywordId.MaxItems].TryGetInt64(out var max) ? Math.Max(0, max) : int.MaxValue;
        }
    }

    private void CheckString(int node, JsonElement[] slots, KeywordMask mask, JsonTypes types, bool typeDeclared, bool impliedString)
    {
        var stringTyped = impliedString || (typeDeclared && (types & JsonTypes.String) != 0);
        var stringOrUntyped = stringTyped || !typeDeclared;
        var format = mask.Has(KeywordId.Format) ? slots[(int)KeywordId.Format] : default;
        var formatListed = false;
        if (format.ValueKind == JsonValueKind.String && _profile.SupportedFormats is { } formats)
        {
            foreach (var candidate in formats)
            {
                if (format.ValueEquals(candidate))
                {
                    formatListed = true;
                    break;
                }
            }

            var applies = _profile.TypeGatedKeywords ? stringTyped : true;
            if (!formatListed && applies && _profile.Has(RuleKind.Formats))
            {
                Report(RuleKind.Formats, At(node, "format"), $"the format '{Shorten(format.GetString()!)}' is not one {_profile.Name} supports", "format",
                    string.Join(", ", formats), Shorten(format.GetString()!));
            }
        }

        var pattern = mask.Has(KeywordId.Pattern) ? slots[(int)KeywordId.Pattern] : default;
        if (pattern.ValueKind == JsonValueKind.String)
        {
            CheckPattern(node, pattern, mask, stringOrUntyped);
        }

        var lengths = mask.Has(KeywordId.MinLength) || mask.Has(KeywordId.MaxLength);
        if (lengths && _profile.Rule(RuleKind.PatternWithLengthBounds) is { } lengthRule)
        {
            var generative = _profile.TypeGatedKeywords
                ? stringTyped && (mask.Has(KeywordId.Pattern) || mask.Has(KeywordId.Format))
                : stringOrUntyped && (pattern.ValueKind == JsonValueKind.String || formatListed);
            if (generative)
            {
                var keyword = mask.Has(KeywordId.MinLength) ? "minLength" : "maxLength";
                Report(lengthRule, At(node, keyword), $"{keyword} beside {(mask.Has(KeywordId.Pattern) ? "pattern" : "format")} is not enforced together with it", keyword);
            }
        }
    }

    private void CheckPattern(int node, in JsonElement pattern, KeywordMask mask, bool stringOrUntyped)
    {
        var text = pattern.GetString()!;
        var largeLimit = (int)(_profile.Rule(RuleKind.PatternLargeRepetition)?.Limit ?? int.MaxValue);
        var features = PatternScanner.Scan(text, largeLimit, out var largest);
        if (_profile.Has(RuleKind.PatternFeatures))
        {
            var refused = features & (PatternFeatures.Backreference | PatternFeatures.Lookaround | PatternFeatures.WordBoundary);
            if (refused != PatternFeatures.None)
            {
                Report(RuleKind.PatternFeatures, At(node, "pattern"), $"the pattern uses {PatternScanner.Describe(refused)}", "pattern",
                    "no backreferences, look-arounds or word boundaries", PatternScanner.Describe(refused));
            }
        }

        if ((features & PatternFeatures.LargeRepetition) != 0 && _profile.Has(RuleKind.PatternLargeRepetition))
        {
            Report(RuleKind.PatternLargeRepetition, At(node, "pattern"), $"the pattern repeats up to {largest} times", "pattern",
                largeLimit.ToString(CultureInfo.InvariantCulture), largest.ToString(CultureInfo.InvariantCulture));
        }

        // llama.cpp reaches the pattern only for string (or untyped) schemas that are not references, unions or value lists.
        var reached = stringOrUntyped && !mask.Has(KeywordId.Ref) && !mask.Has(KeywordId.AnyOf) && !mask.Has(KeywordId.OneOf)
                      && !mask.Has(KeywordId.Const) && !mask.Has(KeywordId.Enum);
        if (reached && _profile.Has(RuleKind.PatternAnchored) && !(text.StartsWith('^') && text.EndsWith('$')))
        {
            Report(RuleKind.PatternAnchored, At(node, "pattern"), "the pattern must start with ^ and end with $", "pattern", "^...$", Shorten(text));
        }

        if (reached && (features & PatternFeatures.Lookaround) != 0 && _profile.Has(RuleKind.PatternLookaround))
        {
            Report(RuleKind.PatternLookaround, At(node, "pattern"), "the pattern's look-arounds are dropped from the grammar", "pattern");
        }
    }

    private void CheckNumber(int node, KeywordMask mask, JsonTypes types, bool typeDeclared, bool impliedString)
    {
        if (_profile.Has(RuleKind.NumberBoundsIntegerOnly) && typeDeclared && types != JsonTypes.Integer)
        {
            foreach (var bound in BoundKeywords)
            {
                if (mask.Has(bound))
                {
                    var name = SchemaKeywords.Name(bound);
                    Report(RuleKind.NumberBoundsIntegerOnly, At(node, name), $"{name} is enforced only for type integer", name);
                }
            }
        }

        if (!typeDeclared && !impliedString && _profile.Rule(RuleKind.UntypedConstraints) is { } untyped)
        {
            var structured = mask.Has(KeywordId.Properties) || mask.Has(KeywordId.AdditionalProperties) || mask.Has(KeywordId.UnevaluatedProperties)
                             || mask.Has(KeywordId.Items) || mask.Has(KeywordId.PrefixItems) || mask.Has(KeywordId.UnevaluatedItems);
            var wins = mask.Has(KeywordId.Ref) || mask.Has(KeywordId.Const) || mask.Has(KeywordId.Enum) || mask.Has(KeywordId.AnyOf)
                       || mask.Has(KeywordId.OneOf) || mask.Has(KeywordId.AllOf);
            if (wins || (_profile.UntypedIsAnyValue && structured))
            {
                return; // another keyword decides what is generated (and is checked on its own)
            }

            foreach (var name in _profile.UntypedIgnoredKeywords)
            {
                var id = SchemaKeywords.Find(name);
                if (mask.Has(id))
                {
                    Report(untyped, At(node, name), $"{name} is skipped because the schema declares no type", name);
                }
            }
        }
    }

    private void CheckValues(int node, JsonElement[] slots, KeywordMask mask)
    {
        if (mask.Has(KeywordId.Enum) && slots[(int)KeywordId.Enum].ValueKind == JsonValueKind.Array)
        {
            var values = slots[(int)KeywordId.Enum];
            var count = 0;
            long chars = 0;
            var allStrings = true;
            foreach (var value in values.EnumerateArray())
            {
                _budget.Step();
                var length = value.ValueKind == JsonValueKind.String ? StringLength(value) : JsonMarshal.GetRawUtf8Value(value).Length;
                chars += length;
                allStrings &= value.ValueKind == JsonValueKind.String;
                CheckEnumValue(node, value, count);
                count++;
            }

            _enumValues += count;
            _stringChars += chars;
            if (count > 250 && allStrings && _profile.Rule(RuleKind.LargeStringEnum) is { Limit: { } limit } && chars > limit)
            {
                Report(RuleKind.LargeStringEnum, At(node, "enum"), $"the enum has {count} string values totalling {chars} characters",
                    "enum", limit.ToString(CultureInfo.InvariantCulture), chars.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (mask.Has(KeywordId.Const))
        {
            var value = slots[(int)KeywordId.Const];
            _stringChars += value.ValueKind == JsonValueKind.String ? StringLength(value) : JsonMarshal.GetRawUtf8Value(value).Length;
        }

        foreach (var definitions in (ReadOnlySpan<KeywordId>)[KeywordId.Defs, KeywordId.Definitions])
        {
            if (mask.Has(definitions) && slots[(int)definitions].ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in slots[(int)definitions].EnumerateObject())
                {
                    _stringChars += NameLength(entry);
                }
            }
        }
    }

    private void CheckEnumValue(int node, in JsonElement value, int index)
    {
        var kind = value.ValueKind;
        if (_profile.Has(RuleKind.EnumPrimitiveValues) && kind is JsonValueKind.Object or JsonValueKind.Array)
        {
            Report(RuleKind.EnumPrimitiveValues, At(node, "enum", index), "the enum value is an object or array; only strings, numbers, booleans and null are supported",
                "enum", "string, number, boolean or null", Describe(kind));
        }

        if (_profile.Has(RuleKind.EnumStringValues) && kind != JsonValueKind.String)
        {
            Report(RuleKind.EnumStringValues, At(node, "enum", index), "the enum value is not a string", "enum", "string", Describe(kind));
        }

        if (_profile.Has(RuleKind.EnumStringOrNumberValues) && kind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            Report(RuleKind.EnumStringOrNumberValues, At(node, "enum", index), "the enum value is neither a string nor a number and is not enforced",
                "enum", "string or number", Describe(kind));
        }
    }

    private void CheckApplicators(int node, JsonElement[] slots, KeywordMask mask, int assertionSiblingsOfUnion)
    {
        if (IsRoot(node) && mask.Has(KeywordId.AnyOf) && _profile.Has(RuleKind.RootNotAnyOf))
        {
            Report(RuleKind.RootNotAnyOf, At(node, "anyOf"), "the root schema is an anyOf; the root must be an object", "anyOf");
        }

        if (mask.Has(KeywordId.AllOf) && slots[(int)KeywordId.AllOf].ValueKind == JsonValueKind.Array)
        {
            var allOf = slots[(int)KeywordId.AllOf];
            var members = allOf.GetArrayLength();
            if (_profile.Has(RuleKind.AllOfWithRef))
            {
                var index = 0;
                foreach (var member in allOf.EnumerateArray())
                {
                    if (member.ValueKind == JsonValueKind.Object && member.TryGetProperty("$ref"u8, out _))
                    {
                        Report(RuleKind.AllOfWithRef, At(node, "allOf", index), "allOf contains a $ref", "allOf");
                    }

                    index++;
                }
            }

            var decided = mask.Has(KeywordId.Ref) || mask.Has(KeywordId.Const) || mask.Has(KeywordId.Enum) || mask.Has(KeywordId.AnyOf) || mask.Has(KeywordId.OneOf);
            if (members > 1 && !decided && _profile.Has(RuleKind.AllOfMultiple))
            {
                Report(RuleKind.AllOfMultiple, At(node, "allOf"), $"allOf with {members} schemas is generated as any value", "allOf");
            }

            if (_profile.Has(RuleKind.AllOfPartial) && !decided && AllOfHasOtherKeywords(allOf))
            {
                Report(RuleKind.AllOfPartial, At(node, "allOf"), "allOf: only properties and enums of its schemas are combined; their other keywords are ignored", "allOf");
            }
        }

        var union = mask.Has(KeywordId.AnyOf) ? "anyOf" : mask.Has(KeywordId.OneOf) ? "oneOf" : null;
        if (union is not null && !mask.Has(KeywordId.Ref) && assertionSiblingsOfUnion > 0 && _profile.Has(RuleKind.UnionSiblings))
        {
            Report(RuleKind.UnionSiblings, At(node, union), $"the keywords beside {union} ({SiblingNames(node, KeywordCategory.Assertion, KeywordId.AnyOf, KeywordId.OneOf)}) are ignored",
                union, null, SiblingNames(node, KeywordCategory.Assertion, KeywordId.AnyOf, KeywordId.OneOf));
        }

        if (mask.Has(KeywordId.OneOf) && _profile.Has(RuleKind.OneOfExclusivity))
        {
            Report(RuleKind.OneOfExclusivity, At(node, "oneOf"), "oneOf is generated as anyOf: an output may match more than one branch", "oneOf");
        }
    }

    private static bool AllOfHasOtherKeywords(in JsonElement allOf)
    {
        foreach (var member in allOf.EnumerateArray())
        {
            if (member.ValueKind != JsonValueKind.Object)
            {
                return true;
            }

            foreach (var keyword in member.EnumerateObject())
            {
                var id = SchemaKeywords.Find(keyword.Name);
                if (SchemaKeywords.Info(id).Category == KeywordCategory.Assertion
                    && id is not (KeywordId.Properties or KeywordId.Required or KeywordId.Enum or KeywordId.Ref or KeywordId.AnyOf or KeywordId.Type))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void CheckRefSiblings(int node, JsonSchemaDraft draft, int siblings, int assertionSiblings, int nonDollarSiblings)
    {
        var rule = _profile.Rule(RuleKind.RefSiblings);
        if (rule is null)
        {
            return;
        }

        var count = _profile.RefSiblings switch
        {
            RefSiblingMode.NonDollar => nonDollarSiblings,
            RefSiblingMode.Assertions => draft <= JsonSchemaDraft.Draft7 ? 0 : assertionSiblings,
            _ => siblings,
        };
        if (count == 0)
        {
            return;
        }

        var names = _profile.RefSiblings switch
        {
            RefSiblingMode.Assertions => SiblingNames(node, KeywordCategory.Assertion, KeywordId.Ref, KeywordId.Ref),
            RefSiblingMode.NonDollar => SiblingNames(node, null, KeywordId.Ref, KeywordId.Ref, dollarAllowed: true),
            _ => SiblingNames(node, null, KeywordId.Ref, KeywordId.Ref, dollarAllowed: false),
        };
        Report(rule, At(node, "$ref"), rule.Effect == ViolationEffect.Rejected
                ? $"$ref has sibling keywords ({names})"
                : $"the keywords beside $ref ({names}) are ignored",
            "$ref", null, names);
    }

    /// <summary>The names of the keywords of <paramref name="node"/> other than the excluded ones (only for messages).</summary>
    private string SiblingNames(int node, KeywordCategory? category, KeywordId except1, KeywordId except2, bool dollarAllowed = false)
    {
        var names = new List<string>();
        foreach (var property in _nodes[node].Element.EnumerateObject())
        {
            var id = SchemaKeywords.Find(property.Name);
            if (id == except1 || id == except2)
            {
                continue;
            }

            if (category is { } wanted && (id == KeywordId.Unknown || SchemaKeywords.Info(id).Category != wanted))
            {
                continue;
            }

            if (category is null)
            {
                if (dollarAllowed && property.Name.StartsWith('$'))
                {
                    continue;
                }

                if (!dollarAllowed && id is KeywordId.Defs or KeywordId.Definitions or KeywordId.Schema or KeywordId.Id or KeywordId.Comment or KeywordId.Anchor or KeywordId.DynamicAnchor)
                {
                    continue;
                }
            }

            names.Add(Shorten(property.Name));
        }

        return string.Join(", ", names);
    }

    private void CheckRoot()
    {
        var root = _nodes[0].Element;
        if (!_profile.Has(RuleKind.RootMustBeObject))
        {
            return;
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("object"u8))
        {
            return;
        }

        var actual = root.ValueKind != JsonValueKind.Object ? RawText(root)
            : root.TryGetProperty("type"u8, out var declared) ? RawText(declared) : "no type";
        Report(RuleKind.RootMustBeObject, "#", "the root schema must declare type: \"object\"", "type", "\"object\"", actual);
    }

    private void CheckTotals()
    {
        Limit(RuleKind.MaxProperties, _properties, "the schema declares {0} properties in total");
        Limit(RuleKind.StringBudget, _stringChars, "property names, definition names, enum and const values total {0} characters");
        Limit(RuleKind.MaxEnumValues, _enumValues, "the schema has {0} enum values in total");
        Limit(RuleKind.MaxOptional, _optional, "the schema has {0} optional properties");
        Limit(RuleKind.MaxUnion, _unions, "the schema has {0} union-typed schemas (anyOf or type arrays)");
        Limit(RuleKind.MaxItemsBudget, _maxItemsSum, "the maxItems of the schema add up to {0}");
    }

    private void Limit(RuleKind kind, long actual, string format)
    {
        if (_profile.Rule(kind) is { Limit: { } limit } rule && actual > limit)
        {
            Report(rule, "#", string.Format(CultureInfo.InvariantCulture, format, actual) + string.Format(CultureInfo.InvariantCulture, "; the limit is {0}", limit),
                null, limit.ToString(CultureInfo.InvariantCulture), actual.ToString(CultureInfo.InvariantCulture));
        }
    }

    // ----- small helpers --------------------------------------------------------------------------------------------

    /// <summary>Characters of a string value, counted without allocating unless it has escapes.</summary>
    private static int StringLength(in JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var body = raw.Length >= 2 && raw[0] == (byte)'"' ? raw[1..^1] : raw;
        return body.IndexOf((byte)'\\') < 0 ? Encoding.UTF8.GetCharCount(body) : value.GetString()!.Length;
    }

    private static int NameLength(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return raw.IndexOf((byte)'\\') < 0 ? Encoding.UTF8.GetCharCount(raw) : property.Name.Length;
    }

    private static string RawText(in JsonElement value)
    {
        var text = value.GetRawText();
        return Shorten(text);
    }
}
