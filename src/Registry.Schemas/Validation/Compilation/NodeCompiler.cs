using Registry.Schemas.Loading;
using Registry.Schemas.Validation.Formats;
using Registry.Schemas.Validation.Json;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Validation.Compilation;

/// <summary>Builds the keywords of one schema object, as its dialect and vocabularies define them.</summary>
internal sealed partial class NodeCompiler(CompilerSession session, SchemaDocument doc, SchemaInfo info)
{
    private readonly List<Keyword> _object = [];
    private readonly List<Keyword> _array = [];
    private readonly List<Keyword> _string = [];
    private readonly List<Keyword> _number = [];
    private readonly List<Keyword> _any = [];
    private ValidatorNode _node = null!;
    private int _token;

    private Dialect Dialect => info.Dialect;

    private JsonSchemaDraft Draft => info.Dialect.Draft;

    public void Compile(ValidatorNode node, int token)
    {
        _node = node;
        _token = token;
        switch (doc.Kind(token))
        {
            case JsonKind.True:
                node.Constant = true;
                return;
            case JsonKind.False:
                node.Constant = false;
                return;
            case JsonKind.Object:
                break;
            default:
                session.Error(doc, token, "a schema must be an object or a boolean");
                node.Constant = true;
                return;
        }

        node.Owner = session.RuntimeResource(info.Resource);
        if (info.IsResourceRoot)
        {
            node.Resource = node.Owner;
            node.Owner.Root = node;
        }

        node.IntegerNeedsIntegerLiteral = Draft == JsonSchemaDraft.Draft4;
        var refToken = Prop("$ref");
        if (refToken >= 0)
        {
            AddReference(refToken, "$ref", new RefKeyword(Path("$ref")), null);
            if (Dialect.RefOverridesSiblings)
            {
                Finish();
                return;
            }
        }

        if (Draft == JsonSchemaDraft.Draft202012 && Prop("$dynamicRef") is var dyn and >= 0)
        {
            var text = doc.Kind(dyn) == JsonKind.String ? doc.String(dyn) : "";
            var fragment = UriReference.SplitFragment(text).Fragment;
            var anchor = fragment.Length > 0 && fragment[0] != '/' ? fragment : null;
            AddReference(dyn, "$dynamicRef", new DynamicRefKeyword(Path("$dynamicRef"), anchor), anchor);
        }

        if (Draft == JsonSchemaDraft.Draft201909 && Prop("$recursiveRef") is var rec and >= 0)
        {
            AddReference(rec, "$recursiveRef", new RecursiveRefKeyword(Path("$recursiveRef")), null);
        }

        if (Dialect.Has(Vocabularies.Applicator))
        {
            CompileApplicators();
        }

        if (Dialect.Has(Vocabularies.Validation))
        {
            CompileValidation();
        }

        CompileObjectShape();
        if (Dialect.Has(Vocabularies.Unevaluated) && Draft >= JsonSchemaDraft.Draft201909)
        {
            if (Prop("unevaluatedProperties") is var up and >= 0)
            {
                node.UnevaluatedProperties = new UnevaluatedPropertiesKeyword(Path("unevaluatedProperties"), Sub(up));
            }

            if (Prop("unevaluatedItems") is var ui and >= 0)
            {
                node.UnevaluatedItems = new UnevaluatedItemsKeyword(Path("unevaluatedItems"), Sub(ui));
            }
        }

        var assertFormats = session.FormatAssertion || Dialect.Has(Vocabularies.FormatAssertion);
        if (assertFormats && Prop("format") is var format and >= 0 && doc.Kind(format) == JsonKind.String)
        {
            var name = doc.String(format);
            if (FormatCheckers.Get(name, Draft) is { } check)
            {
                _string.Add(new FormatKeyword(Path("format"), name, check));
            }
        }

        if (Draft == JsonSchemaDraft.Draft7)
        {
            // Draft 7 lets implementations assert contentEncoding/contentMediaType; later drafts make them annotations.
            var encoding = Prop("contentEncoding") is var ce and >= 0 && doc.Kind(ce) == JsonKind.String ? doc.String(ce) : null;
            var media = Prop("contentMediaType") is var cm and >= 0 && doc.Kind(cm) == JsonKind.String ? doc.String(cm) : null;
            var base64 = string.Equals(encoding, "base64", StringComparison.OrdinalIgnoreCase);
            var json = string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase);
            if (base64 || json)
            {
                _string.Add(new FormatKeyword(Path(json ? "contentMediaType" : "contentEncoding"), json ? "application/json content" : "base64 content",
                    s => FormatCheckers.IsContent(s, base64, json)));
            }
        }

        Finish();
    }

    private void Finish()
    {
        _node.ObjectKeywords = Array(_object);
        _node.ArrayKeywords = Array(_array);
        _node.StringKeywords = Array(_string);
        _node.NumberKeywords = Array(_number);
        _node.AnyKeywords = Array(_any);
        if (_node.Types == TypeMask.None && _object.Count + _array.Count + _string.Count + _number.Count + _any.Count == 0
            && _node.UnevaluatedItems is null && _node.UnevaluatedProperties is null && _node.Resource is null)
        {
            _node.Constant = true; // no constraint at all: skip evaluation entirely
        }

        static Keyword[] Array(List<Keyword> list) => list.Count == 0 ? ValidatorNode.NoKeywords : [.. list];
    }

    private string Path(string keyword)
    {
        var sb = new System.Text.StringBuilder(_node.Path).Append('/');
        Evaluation.Evaluator.AppendPointerSegment(sb, keyword);
        return sb.ToString();
    }

    private int Prop(string name) => doc.Property(_token, name);

    private ValidatorNode Sub(int token) => session.GetNode(doc, token);

    private void AddReference(int token, string keyword, Keyword reference, string? dynamicAnchor)
    {
        if (doc.Kind(token) != JsonKind.String)
        {
            session.Error(doc, token, $"{keyword} must be a string");
            return;
        }

        var uri = UriReference.Resolve(info.BaseUri, keyword == "$recursiveRef" ? "#" : doc.String(token));
        if (keyword == "$recursiveRef")
        {
            uri = info.Resource.Uri + "#";
        }

        session.AddReference(reference, uri, doc, dynamicAnchor);
        _any.Add(reference);
    }

    private ValidatorNode[]? SubArray(int token, string keyword)
    {
        if (doc.Kind(token) != JsonKind.Array)
        {
            session.Error(doc, token, $"{keyword} must be an array of schemas");
            return null;
        }

        var nodes = new List<ValidatorNode>();
        var item = token + 1;
        for (var i = 0; i < doc.Tape.Tokens[token].Length; i++)
        {
            nodes.Add(Sub(item));
            item = doc.Tape.Tokens[item].Next;
        }

        return [.. nodes];
    }

    private void CompileApplicators()
    {
        if (Prop("allOf") is var allOf and >= 0 && SubArray(allOf, "allOf") is { } all)
        {
            _any.Add(new AllOfKeyword(Path("allOf"), all));
        }

        if (Prop("anyOf") is var anyOf and >= 0 && SubArray(anyOf, "anyOf") is { } any)
        {
            _any.Add(new AnyOfKeyword(Path("anyOf"), any));
        }

        if (Prop("oneOf") is var oneOf and >= 0 && SubArray(oneOf, "oneOf") is { } one)
        {
            _any.Add(new OneOfKeyword(Path("oneOf"), one));
        }

        if (Prop("not") is var not and >= 0)
        {
            _any.Add(new NotKeyword(Path("not"), Sub(not)));
        }

        if (Draft >= JsonSchemaDraft.Draft7 && Prop("if") is var condition and >= 0)
        {
            var then = Prop("then");
            var otherwise = Prop("else");
            _any.Add(new IfThenElseKeyword(Path("if"), Sub(condition), then >= 0 ? Sub(then) : null, otherwise >= 0 ? Sub(otherwise) : null));
        }

        CompileItems();
        if (Draft >= JsonSchemaDraft.Draft6 && Prop("contains") is var contains and >= 0)
        {
            long min = 1, max = -1;
            if (Draft >= JsonSchemaDraft.Draft201909 && Dialect.Has(Vocabularies.Validation))
            {
                if (Prop("minContains") is var minC and >= 0 && NonNegativeInteger(minC, "minContains", out var v))
                {
                    min = v;
                }

                if (Prop("maxContains") is var maxC and >= 0 && NonNegativeInteger(maxC, "maxContains", out var w))
                {
                    max = w;
                }
            }

            _array.Add(new ContainsKeyword(Path("contains"), Sub(contains), min, max, Draft >= JsonSchemaDraft.Draft202012));
        }

        if (Draft >= JsonSchemaDraft.Draft6 && Prop("propertyNames") is var names and >= 0)
        {
            _object.Add(new PropertyNamesKeyword(Path("propertyNames"), Sub(names)));
        }

        if (Draft >= JsonSchemaDraft.Draft201909 && Prop("dependentSchemas") is var ds and >= 0 && doc.Kind(ds) == JsonKind.Object)
        {
            var list = new List<(byte[], ValidatorNode)>();
            ForEachMember(ds, (name, value) => list.Add((name, Sub(value))));
            _object.Add(new DependentSchemasKeyword(Path("dependentSchemas"), [.. list]));
        }

        if (Prop("dependencies") is var deps and >= 0 && doc.Kind(deps) == JsonKind.Object)
        {
            var schemas = new List<(byte[], ValidatorNode)>();
            ForEachMember(deps, (name, value) =>
            {
                if (doc.Kind(value) != JsonKind.Array)
                {
                    schemas.Add((name, Sub(value)));
                }
            });
            if (schemas.Count > 0)
            {
                _object.Add(new DependentSchemasKeyword(Path("dependencies"), [.. schemas]));
            }
        }
    }

    private void CompileItems()
    {
        var items = Prop("items");
        ValidatorNode[] prefix = [];
        ValidatorNode? rest = null;
        if (Draft >= JsonSchemaDraft.Draft202012)
        {
            if (Prop("prefixItems") is var p and >= 0)
            {
                prefix = SubArray(p, "prefixItems") ?? [];
            }

            if (items >= 0)
            {
                rest = Sub(items);
            }
        }
        else if (items >= 0)
        {
            if (doc.Kind(items) == JsonKind.Array)
            {
                prefix = SubArray(items, "items") ?? [];
                if (Prop("additionalItems") is var additional and >= 0)
                {
                    rest = Sub(additional);
                }
            }
            else
            {
                rest = Sub(items);
            }
        }

        if (prefix.Length > 0 || rest is not null)
        {
            _array.Add(new ItemsKeyword(Path("items"), prefix, rest));
        }
    }

    private void CompileObjectShape()
    {
        var applicator = Dialect.Has(Vocabularies.Applicator);
        var validation = Dialect.Has(Vocabularies.Validation);
        var properties = new List<(byte[], ValidatorNode)>();
        var patterns = new List<(EcmaPattern, ValidatorNode)>();
        var required = new List<byte[]>();
        ValidatorNode? additional = null;
        if (applicator)
        {
            if (Prop("properties") is var props and >= 0 && doc.Kind(props) == JsonKind.Object)
            {
                ForEachMember(props, (name, value) => properties.Add((name, Sub(value))));
            }

            if (Prop("patternProperties") is var pp and >= 0 && doc.Kind(pp) == JsonKind.Object)
            {
                ForEachMember(pp, (name, value) =>
                {
                    var node = Sub(value);
                    if (CompilePattern(System.Text.Encoding.UTF8.GetString(name), value) is { } pattern)
                    {
                        patterns.Add((pattern, node));
                    }
                });
            }

            if (Prop("additionalProperties") is var ap and >= 0)
            {
                additional = Sub(ap);
            }
        }

        if (validation && Prop("required") is var req and >= 0)
        {
            if (doc.Kind(req) != JsonKind.Array)
            {
                session.Error(doc, req, "required must be an array of strings");
            }
            else
            {
                ForEachItem(req, item =>
                {
                    if (doc.Kind(item) == JsonKind.String)
                    {
                        required.Add(doc.Bytes(item).ToArray());
                    }
                });
            }
        }

        byte[][] overflow = [];
        if (required.Count > 64)
        {
            overflow = [.. required];
            required.Clear();
        }

        if (properties.Count > 0 || patterns.Count > 0 || required.Count > 0 || additional is not null)
        {
            _object.Add(new PropertiesKeyword(Path("properties"), properties, required, Path("required"), patterns, additional));
        }

        if (overflow.Length > 0)
        {
            _object.Add(new RequiredKeyword(Path("required"), overflow));
        }
    }

    private EcmaPattern? CompilePattern(string source, int token)
    {
        if (!EcmaPattern.TryCreate(source, session.Options.Limits, out var pattern, out var error))
        {
            session.Error(doc, token, error!.Value.Describe(source));
            return null;
        }

        return pattern;
    }

    private void ForEachMember(int obj, Action<byte[], int> action)
    {
        var tokens = doc.Tape.Tokens;
        var member = obj + 1;
        for (var m = 0; m < tokens[obj].Length; m++)
        {
            action(doc.Bytes(member).ToArray(), member + 1);
            member = tokens[member + 1].Next;
        }
    }

    private void ForEachItem(int array, Action<int> action)
    {
        var tokens = doc.Tape.Tokens;
        var item = array + 1;
        for (var i = 0; i < tokens[array].Length; i++)
        {
            action(item);
            item = tokens[item].Next;
        }
    }
}

/// <summary>A keyword that nothing satisfies (<c>"type": []</c>).</summary>
internal sealed class NeverKeyword(string path) : Keyword(path)
{
    public override bool Evaluate(ref Evaluation.Evaluator e, int token, int ann)
    {
        if (e.Full)
        {
            e.Report(Path, token, "no type is allowed");
        }

        return false;
    }
}
