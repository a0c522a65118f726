using System.Text.Json;
using Registry.Schemas.Loading;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>
/// Reads the keywords of one schema object into its <see cref="SchemaModel"/>, by the rules of the node's draft:
/// a keyword the draft does not define is an annotation (it changes nothing that validates), exactly as a
/// validator for that draft treats it. Walks the loader's tokens in step with the JSON elements (both keep the
/// document's order), so that each subschema is built with what the loader knows of it (base URI, dialect).
/// </summary>
internal readonly ref partial struct SchemaModelReader
{
    private readonly SchemaGraph _graph;
    private readonly SchemaModel _node;
    private readonly JsonElement _element;
    private readonly ModelSource _source;
    private readonly int _depth;
    private readonly JsonSchemaDraft _draft;

    public SchemaModelReader(SchemaGraph graph, SchemaModel node, JsonElement element, ModelSource source, int depth)
    {
        _graph = graph;
        _node = node;
        _element = element;
        _source = source;
        _depth = depth;
        _draft = node.Draft;
        node.Source = source;
    }

    private SchemaDocument Document => _source.Document;

    /// <summary>The member's name: a known keyword's shared string, or else a new one.</summary>
    private static string KeywordName(JsonProperty member, ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[24];
        return utf8.Length <= chars.Length
            && System.Text.Ascii.ToUtf16(utf8, chars, out var length) == System.Buffers.OperationStatus.Done
            && Known(chars[..length]) is { } known
            ? known
            : member.Name;
    }

    // Every keyword the reader knows, so that its name is found without a new string per member and per subschema
    // (a switch on the characters: no hashing of the name).
    private static string? Known(ReadOnlySpan<char> name) => name switch
    {
        "$anchor" => "$anchor",
        "$defs" => "$defs",
        "$dynamicAnchor" => "$dynamicAnchor",
        "$dynamicRef" => "$dynamicRef",
        "$id" => "$id",
        "$recursiveAnchor" => "$recursiveAnchor",
        "$recursiveRef" => "$recursiveRef",
        "$ref" => "$ref",
        "$schema" => "$schema",
        "$vocabulary" => "$vocabulary",
        "additionalItems" => "additionalItems",
        "additionalProperties" => "additionalProperties",
        "allOf" => "allOf",
        "anyOf" => "anyOf",
        "const" => "const",
        "contains" => "contains",
        "default" => "default",
        "definitions" => "definitions",
        "dependencies" => "dependencies",
        "dependentRequired" => "dependentRequired",
        "dependentSchemas" => "dependentSchemas",
        "description" => "description",
        "else" => "else",
        "enum" => "enum",
        "examples" => "examples",
        "exclusiveMaximum" => "exclusiveMaximum",
        "exclusiveMinimum" => "exclusiveMinimum",
        "format" => "format",
        "id" => "id",
        "if" => "if",
        "items" => "items",
        "maxContains" => "maxContains",
        "maxItems" => "maxItems",
        "maxLength" => "maxLength",
        "maxProperties" => "maxProperties",
        "maximum" => "maximum",
        "minContains" => "minContains",
        "minItems" => "minItems",
        "minLength" => "minLength",
        "minProperties" => "minProperties",
        "minimum" => "minimum",
        "multipleOf" => "multipleOf",
        "not" => "not",
        "oneOf" => "oneOf",
        "pattern" => "pattern",
        "patternProperties" => "patternProperties",
        "prefixItems" => "prefixItems",
        "properties" => "properties",
        "propertyNames" => "propertyNames",
        "required" => "required",
        "then" => "then",
        "title" => "title",
        "type" => "type",
        "unevaluatedItems" => "unevaluatedItems",
        "unevaluatedProperties" => "unevaluatedProperties",
        "uniqueItems" => "uniqueItems",
        _ => null,
    };

    private bool Since(JsonSchemaDraft draft) => _draft >= draft;

    public void Read()
    {
        // Up to draft-07 a $ref makes every sibling keyword ignored, $id included.
        if (!Since(JsonSchemaDraft.Draft201909) && _element.TryGetProperty("$ref", out var onlyRef))
        {
            ReadRef("$ref", onlyRef);
            ReadDefinitions();
            return;
        }

        var tokens = Document.Tape.Tokens;
        var member = _source.Token + 1;

        var draft4ExclusiveMinimum = false;
        var draft4ExclusiveMaximum = false;
        JsonElement? itemsArrayRest = null;
        foreach (var keyword in _element.EnumerateObject())
        {
            var value = keyword.Value;
            var name = KeywordName(keyword, Document.Tape.Bytes(member));
            var valueToken = member + 1;
            member = tokens[valueToken].Next;
            switch (name)
            {
                case "type":
                    ReadType(value);
                    break;
                case "enum":
                    _node.Enum = [.. Array(name, value).EnumerateArray()];
                    Assert();
                    break;
                case "const" when Since(JsonSchemaDraft.Draft6):
                    _node.HasConst = true;
                    _node.Const = value;
                    Assert();
                    break;
                case "minLength":
                    _node.MinLength = Count(name, value);
                    Assert();
                    break;
                case "maxLength":
                    _node.MaxLength = Count(name, value);
                    Assert();
                    break;
                case "pattern":
                    _node.Pattern = String(name, value);
                    Assert();
                    break;
                case "format":
                    _node.Format = String(name, value);
                    Assert();
                    break;
                case "minimum":
                    _node.Minimum = Number(name, value);
                    Assert();
                    break;
                case "maximum":
                    _node.Maximum = Number(name, value);
                    Assert();
                    break;
                case "exclusiveMinimum" when _draft == JsonSchemaDraft.Draft4:
                    draft4ExclusiveMinimum = Boolean(name, value);
                    break;
                case "exclusiveMaximum" when _draft == JsonSchemaDraft.Draft4:
                    draft4ExclusiveMaximum = Boolean(name, value);
                    break;
                case "exclusiveMinimum":
                    _node.ExclusiveMinimum = Number(name, value);
                    Assert();
                    break;
                case "exclusiveMaximum":
                    _node.ExclusiveMaximum = Number(name, value);
                    Assert();
                    break;
                case "multipleOf":
                    _node.MultipleOf = Number(name, value);
                    if (_node.MultipleOf.Value.Value <= 0)
                    {
                        throw Bad(name, "must be greater than 0");
                    }

                    Assert();
                    break;
                case "properties":
                    _node.Properties = Schemas(name, value, valueToken);
                    Assert();
                    break;
                case "patternProperties":
                    _node.PatternProperties = Schemas(name, value, valueToken);
                    Assert();
                    break;
                case "additionalProperties":
                    _node.AdditionalProperties = Schema(name, value, valueToken);
                    Assert();
                    break;
                case "unevaluatedProperties" when Since(JsonSchemaDraft.Draft201909):
                    _node.UnevaluatedProperties = Schema(name, value, valueToken);
                    Assert();
                    break;
                case "propertyNames" when Since(JsonSchemaDraft.Draft6):
                    _node.PropertyNames = Schema(name, value, valueToken);
                    Assert();
                    break;
                case "required":
                    _node.Required = Names(name, value);
                    Assert();
                    break;
                case "minProperties":
                    _node.MinProperties = Count(name, value);
                    Assert();
                    break;
                case "maxProperties":
                    _node.MaxProperties = Count(name, value);
                    Assert();
                    break;
                case "dependentRequired" when Since(JsonSchemaDraft.Draft201909):
                    MergeDependencies(name, Requirements(name, value), []);
                    Assert();
                    break;
                case "dependentSchemas" when Since(JsonSchemaDraft.Draft201909):
                    MergeDependencies(name, [], Schemas(name, value, valueToken));
                    Assert();
                    break;
                case "dependencies":
                    // Every draft: the validator keeps draft-07's keyword in 2019-09 and later too (as the test suite's
                    // optional dependencies-compatibility cases do), so the checker must read it as well.
                    ReadDependencies(value, valueToken);
                    Assert();
                    break;
                case "prefixItems" when Since(JsonSchemaDraft.Draft202012):
                    _node.PrefixItems = SchemaArray(name, value, valueToken, allowEmpty: false);
                    Assert();
                    break;
                case "items" when !Since(JsonSchemaDraft.Draft202012) && value.ValueKind == JsonValueKind.Array:
                    _node.PrefixItems = SchemaArray(name, value, valueToken, allowEmpty: true);
                    _node.PrefixItemsKeyword = "items";
                    itemsArrayRest = _element.TryGetProperty("additionalItems", out var rest) ? rest : null;
                    Assert();
                    break;
                case "items":
                    _node.Items = Schema(name, value, valueToken);
                    Assert();
                    break;
                case "additionalItems" when !Since(JsonSchemaDraft.Draft202012):
                    // Only meaningful beside an array-form "items"; read there.
                    break;
                case "contains" when Since(JsonSchemaDraft.Draft6):
                    _node.Contains = Schema(name, value, valueToken);
                    Assert();
                    break;
                case "minContains" when Since(JsonSchemaDraft.Draft201909):
                    _node.MinContains = Count(name, value);
                    Assert();
                    break;
                case "maxContains" when Since(JsonSchemaDraft.Draft201909):
                    _node.MaxContains = Count(name, value);
                    Assert();
                    break;
                case "minItems":
                    _node.MinItems = Count(name, value);
                    Assert();
                    break;
                case "maxItems":
                    _node.MaxItems = Count(name, value);
                    Assert();
                    break;
                case "uniqueItems":
                    _node.UniqueItems = Boolean(name, value);
                    Assert();
                    break;
                case "unevaluatedItems" when Since(JsonSchemaDraft.Draft201909):
                    _node.UnevaluatedItems = Schema(name, value, valueToken);
                    Assert();
                    break;
                case "allOf":
                    _node.AllOf = SchemaArray(name, value, valueToken, allowEmpty: false);
                    Assert();
                    break;
                case "anyOf":
                    _node.AnyOf = SchemaArray(name, value, valueToken, allowEmpty: false);
                    Assert();
                    break;
                case "oneOf":
                    _node.OneOf = SchemaArray(name, value, valueToken, allowEmpty: false);
                    Assert();
                    break;
                case "not":
                    _node.Not = Schema(name, value, valueToken);
                    Assert();
                    break;
                case "if" when Since(JsonSchemaDraft.Draft7):
                    _node.If = Schema(name, value, valueToken);
                    Assert();
                    break;
                case "then" when Since(JsonSchemaDraft.Draft7):
                    _node.Then = Schema(name, value, valueToken);
                    break;
                case "else" when Since(JsonSchemaDraft.Draft7):
                    _node.Else = Schema(name, value, valueToken);
                    break;
                case "$ref":
                    ReadRef(name, value);
                    break;
                case "$dynamicRef" when Since(JsonSchemaDraft.Draft202012):
                case "$recursiveRef" when _draft == JsonSchemaDraft.Draft201909:
                    // Resolved statically, to the schema the reference names in its own resource (see docs).
                    if (!_element.TryGetProperty("$ref", out _))
                    {
                        ReadRef(name, value);
                    }

                    break;
                case "$defs":
                case "definitions":
                    Schemas(name, value, valueToken);
                    break;
                case "title":
                    _node.Title = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                    break;
                case "description":
                    _node.Description = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                    break;
                case "default":
                    _node.Default = value;
                    break;
                case "examples":
                    _node.Examples = value;
                    break;
                case "$schema":
                    _node.Dialect = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                    break;
                case "$id" when _draft != JsonSchemaDraft.Draft4 && value.ValueKind == JsonValueKind.String:
                case "id" when _draft == JsonSchemaDraft.Draft4 && value.ValueKind == JsonValueKind.String:
                    // Identity, resolved by the loader; a change of it is reported as ID_CHANGED.
                    _node.Id = value.GetString();
                    break;
                case "$id":
                case "id":
                case "$anchor":
                case "$dynamicAnchor":
                case "$recursiveAnchor":
                case "$vocabulary":
                    // Identity, read by the graph; a change of $id is reported as ID_CHANGED.
                    break;
                default:
                    (_node.OtherKeywords ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[name] = value;
                    break;
            }
        }

        if (_node.PrefixItemsKeyword == "items" && itemsArrayRest is { } additionalItems)
        {
            _node.Items = Schema("additionalItems", additionalItems, Document.Property(_source.Token, "additionalItems"));
            _node.ItemsKeyword = "additionalItems";
        }

        if (draft4ExclusiveMinimum && _node.Minimum is { } minimum)
        {
            _node.ExclusiveMinimum = minimum;
            _node.Minimum = null;
        }

        if (draft4ExclusiveMaximum && _node.Maximum is { } maximum)
        {
            _node.ExclusiveMaximum = maximum;
            _node.Maximum = null;
        }

        if (_node.If is null)
        {
            // "then" and "else" without "if" assert nothing.
            _node.Then = null;
            _node.Else = null;
        }

        _node.ComputeValues();
    }

    private void Assert() => _node.HasAssertionsBesidesRef = true;

    private void ReadDefinitions()
    {
        foreach (var keyword in (ReadOnlySpan<string>)["definitions", "$defs"])
        {
            if (_element.TryGetProperty(keyword, out var definitions) && definitions.ValueKind == JsonValueKind.Object)
            {
                Schemas(keyword, definitions, Document.Property(_source.Token, keyword));
            }
        }
    }

    private void ReadRef(string keyword, JsonElement value)
    {
        var text = String(keyword, value);

        // As the compiler resolves them: $recursiveRef names the root of its own resource; the others resolve
        // against the base URI as RFC 3986 strings.
        _node.Ref = text;
        _node.RefKeyword = keyword;
        _node.RefUri = keyword == "$recursiveRef" ? _source.Info.Resource.Uri + "#" : UriReference.Resolve(_source.Info.BaseUri, text);
        _graph.AddUnresolved(_node);
    }

    private void ReadType(JsonElement value)
    {
        var types = JsonTypeSet.None;
        if (value.ValueKind == JsonValueKind.String)
        {
            types = TypeNamed(value.GetString()!);
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw Bad("type", "must be a string or an array of strings");
                }

                types |= TypeNamed(item.GetString()!);
            }
        }
        else
        {
            throw Bad("type", "must be a string or an array of strings");
        }

        _node.DeclaredTypes = types;
        _node.HasType = true;
        Assert();
    }

    private JsonTypeSet TypeNamed(string name) => name switch
    {
        "null" => JsonTypeSet.Null,
        "boolean" => JsonTypeSet.Boolean,
        "object" => JsonTypeSet.Object,
        "array" => JsonTypeSet.Array,
        "string" => JsonTypeSet.String,
        "integer" => JsonTypeSet.Integer,
        "number" => JsonTypeSet.Number,
        _ => throw Bad("type", Validation.KeywordMessages.NotAType(name)),
    };

    private void ReadDependencies(JsonElement value, int token)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Bad("dependencies", "must be an object");
        }

        var required = new List<NamedRequirement>();
        var schemas = new List<NamedSchema>();
        var location = _node.At("dependencies");
        var tokens = Document.Tape.Tokens;
        var member = token + 1;
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.Array)
            {
                required.Add(new NamedRequirement(entry.Name, NamesAt(JsonPointer.Append(location, entry.Name), entry.Value)));
            }
            else
            {
                schemas.Add(new NamedSchema(entry.Name, Child(JsonPointer.Append(location, entry.Name), entry.Value, member + 1)));
            }

            member = tokens[member + 1].Next;
        }

        MergeDependencies("dependencies", [.. required], [.. schemas]);
    }

    /// <summary>
    /// Adds the entries of one of <c>dependencies</c>, <c>dependentRequired</c> and <c>dependentSchemas</c> (2019-09
    /// and later may carry <c>dependencies</c> beside the other two, and every one applies): required names of the same
    /// property are joined (all must be present), and one property with two dependent schemas is refused, as the
    /// checker compares one schema per property.
    /// </summary>
    private void MergeDependencies(string keyword, NamedRequirement[] required, NamedSchema[] schemas)
    {
        if (required.Length > 0)
        {
            var merged = new List<NamedRequirement>(_node.DependentRequired);
            foreach (var entry in required)
            {
                var at = merged.FindIndex(e => e.Name == entry.Name);
                if (at < 0)
                {
                    merged.Add(entry);
                }
                else
                {
                    merged[at] = entry with { Required = [.. merged[at].Required.Union(entry.Required, StringComparer.Ordinal)] };
                }
            }

            if (_node.DependentRequired.Length == 0)
            {
                _node.DependentRequiredKeyword = keyword;
            }

            _node.DependentRequired = [.. merged];
        }

        if (schemas.Length > 0)
        {
            foreach (var entry in schemas)
            {
                if (System.Array.Exists(_node.DependentSchemas, e => e.Name == entry.Name))
                {
                    throw Bad(keyword, $"gives property '{entry.Name}' a second dependent schema (dependencies and dependentSchemas both name it); keep one");
                }
            }

            if (_node.DependentSchemas.Length == 0)
            {
                _node.DependentSchemasKeyword = keyword;
            }

            _node.DependentSchemas = [.. _node.DependentSchemas, .. schemas];
        }
    }
}
