using System.Text;
using Registry.Schemas.Loading;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>
/// Reads the keywords of one schema object into its <see cref="SchemaModel"/>, by the rules of the node's draft:
/// a keyword the draft does not define is an annotation (it changes nothing that validates), exactly as a
/// validator for that draft treats it. Reads the loader's tokens, so that each subschema is built with what the
/// loader knows of it (base URI, dialect) and the document is parsed once; values that rules compare as JSON
/// (<c>default</c>, <c>examples</c>, unknown keywords) stay where they are on the tokens.
/// </summary>
internal readonly ref partial struct SchemaModelReader
{
    private readonly SchemaGraph _graph;
    private readonly SchemaModel _node;
    private readonly ModelSource _source;
    private readonly int _depth;
    private readonly JsonSchemaDraft _draft;

    public SchemaModelReader(SchemaGraph graph, SchemaModel node, ModelSource source, int depth)
    {
        _graph = graph;
        _node = node;
        _source = source;
        _depth = depth;
        _draft = node.Draft;
        node.Source = source;
    }

    private SchemaDocument Document => _source.Document;

    /// <summary>The member's name: a known keyword's shared string, or else a new one.</summary>
    private static string KeywordName(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[24];
        return utf8.Length <= chars.Length
            && Ascii.ToUtf16(utf8, chars, out var length) == System.Buffers.OperationStatus.Done
            && Known(chars[..length]) is { } known
            ? known
            : Encoding.UTF8.GetString(utf8);
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
        if (!Since(JsonSchemaDraft.Draft201909) && Document.Property(_source.Token, "$ref") is var onlyRef and >= 0)
        {
            ReadRef("$ref", onlyRef);
            ReadDefinitions();
            return;
        }

        var tokens = Document.Tape.Tokens;
        var member = _source.Token + 1;
        var members = tokens[_source.Token].Length;

        var draft4ExclusiveMinimum = false;
        var draft4ExclusiveMaximum = false;
        var itemsArrayRest = -1;
        for (var m = 0; m < members; m++)
        {
            var name = KeywordName(Document.Bytes(member));
            var value = member + 1;
            member = tokens[value].Next;
            switch (name)
            {
                case "type":
                    ReadType(value);
                    break;
                case "enum":
                    _node.Enum = [.. new JsonRef(Document, Array(name, value)).ToElement().EnumerateArray()];
                    Assert();
                    break;
                case "const" when Since(JsonSchemaDraft.Draft6):
                    _node.HasConst = true;
                    _node.Const = new JsonRef(Document, value).ToElement();
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
                    _node.Properties = Schemas(name, value);
                    Assert();
                    break;
                case "patternProperties":
                    _node.PatternProperties = Schemas(name, value);
                    Assert();
                    break;
                case "additionalProperties":
                    _node.AdditionalProperties = Schema(name, value);
                    Assert();
                    break;
                case "unevaluatedProperties" when Since(JsonSchemaDraft.Draft201909):
                    _node.UnevaluatedProperties = Schema(name, value);
                    Assert();
                    break;
                case "propertyNames" when Since(JsonSchemaDraft.Draft6):
                    _node.PropertyNames = Schema(name, value);
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
                    MergeDependencies(name, [], Schemas(name, value));
                    Assert();
                    break;
                case "dependencies":
                    // Every draft: the validator keeps draft-07's keyword in 2019-09 and later too (as the test suite's
                    // optional dependencies-compatibility cases do), so the checker must read it as well.
                    ReadDependencies(value);
                    Assert();
                    break;
                case "prefixItems" when Since(JsonSchemaDraft.Draft202012):
                    _node.PrefixItems = SchemaArray(name, value, allowEmpty: false);
                    Assert();
                    break;
                case "items" when !Since(JsonSchemaDraft.Draft202012) && Document.Kind(value) == JsonKind.Array:
                    _node.PrefixItems = SchemaArray(name, value, allowEmpty: true);
                    _node.PrefixItemsKeyword = "items";
                    itemsArrayRest = Document.Property(_source.Token, "additionalItems");
                    Assert();
                    break;
                case "items":
                    _node.Items = Schema(name, value);
                    Assert();
                    break;
                case "additionalItems" when !Since(JsonSchemaDraft.Draft202012):
                    // Only meaningful beside an array-form "items"; read there.
                    break;
                case "contains" when Since(JsonSchemaDraft.Draft6):
                    _node.Contains = Schema(name, value);
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
                    _node.UnevaluatedItems = Schema(name, value);
                    Assert();
                    break;
                case "allOf":
                    _node.AllOf = SchemaArray(name, value, allowEmpty: false);
                    Assert();
                    break;
                case "anyOf":
                    _node.AnyOf = SchemaArray(name, value, allowEmpty: false);
                    Assert();
                    break;
                case "oneOf":
                    _node.OneOf = SchemaArray(name, value, allowEmpty: false);
                    Assert();
                    break;
                case "not":
                    _node.Not = Schema(name, value);
                    Assert();
                    break;
                case "if" when Since(JsonSchemaDraft.Draft7):
                    _node.If = Schema(name, value);
                    Assert();
                    break;
                case "then" when Since(JsonSchemaDraft.Draft7):
                    _node.Then = Schema(name, value);
                    break;
                case "else" when Since(JsonSchemaDraft.Draft7):
                    _node.Else = Schema(name, value);
                    break;
                case "$ref":
                    ReadRef(name, value);
                    break;
                case "$dynamicRef" when Since(JsonSchemaDraft.Draft202012):
                case "$recursiveRef" when _draft == JsonSchemaDraft.Draft201909:
                    // Resolved statically, to the schema the reference names in its own resource (see docs).
                    if (Document.Property(_source.Token, "$ref") < 0)
                    {
                        ReadRef(name, value);
                    }

                    break;
                case "$defs":
                case "definitions":
                    Schemas(name, value);
                    break;
                case "title":
                    _node.Title = Text(value);
                    break;
                case "description":
                    _node.Description = Text(value);
                    break;
                case "default":
                    _node.Default = new JsonRef(Document, value);
                    break;
                case "examples":
                    _node.Examples = new JsonRef(Document, value);
                    break;
                case "$schema":
                    _node.Dialect = Text(value);
                    break;
                case "$id" when _draft != JsonSchemaDraft.Draft4 && Document.Kind(value) == JsonKind.String:
                case "id" when _draft == JsonSchemaDraft.Draft4 && Document.Kind(value) == JsonKind.String:
                    // Identity, resolved by the loader; a change of it is reported as ID_CHANGED.
                    _node.Id = Document.String(value);
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
                    (_node.OtherKeywords ??= new Dictionary<string, JsonRef>(StringComparer.Ordinal))[name] = new JsonRef(Document, value);
                    break;
            }
        }

        if (_node.PrefixItemsKeyword == "items" && itemsArrayRest >= 0)
        {
            _node.Items = Schema("additionalItems", itemsArrayRest);
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
            if (Document.Property(_source.Token, keyword) is var definitions and >= 0 && Document.Kind(definitions) == JsonKind.Object)
            {
                Schemas(keyword, definitions);
            }
        }
    }

    private void ReadRef(string keyword, int value)
    {
        var text = String(keyword, value);

        // As the compiler resolves them: $recursiveRef names the root of its own resource; the others resolve
        // against the base URI as RFC 3986 strings.
        _node.Ref = text;
        _node.RefKeyword = keyword;
        _node.RefUri = keyword == "$recursiveRef" ? _source.Info.Resource.Uri + "#" : UriReference.Resolve(_source.Info.BaseUri, text);
        _graph.AddUnresolved(_node);
    }

    private void ReadType(int value)
    {
        var types = JsonTypeSet.None;
        if (Document.Kind(value) == JsonKind.String)
        {
            types = TypeNamed(value);
        }
        else if (Document.Kind(value) == JsonKind.Array)
        {
            var tokens = Document.Tape.Tokens;
            var item = value + 1;
            for (var i = 0; i < tokens[value].Length; i++)
            {
                if (Document.Kind(item) != JsonKind.String)
                {
                    throw Bad("type", "must be a string or an array of strings");
                }

                types |= TypeNamed(item);
                item = tokens[item].Next;
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

    private JsonTypeSet TypeNamed(int token)
    {
        var name = Document.Bytes(token);
        return name.SequenceEqual("null"u8) ? JsonTypeSet.Null
            : name.SequenceEqual("boolean"u8) ? JsonTypeSet.Boolean
            : name.SequenceEqual("object"u8) ? JsonTypeSet.Object
            : name.SequenceEqual("array"u8) ? JsonTypeSet.Array
            : name.SequenceEqual("string"u8) ? JsonTypeSet.String
            : name.SequenceEqual("integer"u8) ? JsonTypeSet.Integer
            : name.SequenceEqual("number"u8) ? JsonTypeSet.Number
            : throw Bad("type", Validation.KeywordMessages.NotAType(Document.String(token)));
    }

    private void ReadDependencies(int value)
    {
        if (Document.Kind(value) != JsonKind.Object)
        {
            throw Bad("dependencies", "must be an object");
        }

        var required = new List<NamedRequirement>();
        var schemas = new List<NamedSchema>();
        var location = _node.At("dependencies");
        var tokens = Document.Tape.Tokens;
        var member = value + 1;
        for (var m = 0; m < tokens[value].Length; m++)
        {
            var name = Document.String(member);
            if (Document.Kind(member + 1) == JsonKind.Array)
            {
                required.Add(new NamedRequirement(name, NamesAt(JsonPointer.Append(location, name), member + 1)));
            }
            else
            {
                schemas.Add(new NamedSchema(name, Child(JsonPointer.Append(location, name), member + 1)));
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
