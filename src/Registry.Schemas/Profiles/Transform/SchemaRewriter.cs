// Over 500 lines on purpose: one recursive rewrite of the linter's graph into a profile's subset; each keyword's rule (kept, moved into
// the description, dropped and reported) sits beside the reference handling (kept, inlined, unrolled) it depends on, so
// that the report of lost constraints cannot drift from what the rewrite does.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Registry.Schemas.Profiles.Lint;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Profiles.Transform;

/// <summary>
/// Builds the strict form of a schema for one profile from the linter's subschema graph: references are kept as
/// local <c>#/$defs/...</c> where the profile follows them, inlined where it cannot (recursion unrolled to a fixed
/// depth where it cannot express recursion), and each schema is rewritten to the profile's subset. Every change is
/// recorded; every constraint removed is described in the schema's <c>description</c> and reported as lost.
/// Deterministic: the output depends only on the input and the profile.
/// </summary>
internal sealed class SchemaRewriter
{
    private static readonly string[] StringKeywords = ["minLength", "maxLength", "pattern", "format", "contentEncoding", "contentMediaType"];
    private static readonly string[] NumberKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
    private static readonly string[] ArrayKeywords = ["items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains", "unevaluatedItems"];
    private static readonly string[] ObjectKeywords = ["properties", "patternProperties", "additionalProperties", "required", "propertyNames", "minProperties", "maxProperties", "dependentRequired", "dependentSchemas", "dependencies", "unevaluatedProperties", "propertyOrdering"];

    private readonly Profile _profile;
    private readonly ProfileTransformOptions _options;
    private readonly LintBudget _budget;
    private readonly SchemaLinter _linter;
    private readonly LintNode[] _nodes;
    private readonly List<int>[] _children;
    private readonly int[] _refTarget;
    private readonly int[] _component;
    private readonly bool[] _componentCyclic;
    private readonly bool[] _componentBad;
    private readonly Dictionary<int, string> _definitionNames = [];
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly Queue<int> _pendingDefinitions = new();
    private readonly Dictionary<int, int> _inlineDepth = [];
    private readonly List<TransformChange> _changes = [];
    private readonly HashSet<(string, string, string?)> _changeKeys = [];
    private readonly HashSet<JsonNode> _cuts = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<int> _referenced = [];
    private readonly HashSet<(string, int, string?)> _changeSeen = [];
    private readonly HashSet<JsonNode> _deferredAllOf = new(ReferenceEqualityComparer.Instance);

    public SchemaRewriter(Profile profile, ProfileTransformOptions options, LintBudget budget, SchemaLinter linter, IReadOnlyCollection<string> cycleThroughRequiredPointers)
    {
        _profile = profile;
        _options = options;
        _budget = budget;
        _linter = linter;
        _nodes = linter.Nodes.ToArray();
        _children = new List<int>[_nodes.Length];
        _refTarget = new int[_nodes.Length];
        Array.Fill(_refTarget, -1);
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i].Parent >= 0)
            {
                (_children[_nodes[i].Parent] ??= []).Add(i);
            }
        }

        foreach (var edge in linter.Edges)
        {
            if (edge.Kind == EdgeKind.Ref)
            {
                _refTarget[edge.From] = edge.To;
            }
        }

        (_component, _componentCyclic) = Components(_nodes.Length, linter.Edges);
        _componentBad = new bool[_componentCyclic.Length];
        var recursionUnsupported = profile.Has(RuleKind.RefCycle) || profile.SupportOf(KeywordId.Ref) == KeywordSupport.Rejected;
        for (var c = 0; c < _componentCyclic.Length; c++)
        {
            _componentBad[c] = _componentCyclic[c] && recursionUnsupported;
        }

        if (cycleThroughRequiredPointers.Count > 0)
        {
            for (var n = 0; n < _nodes.Length; n++)
            {
                if (_refTarget[n] >= 0 && cycleThroughRequiredPointers.Contains(linter.At(n, "$ref")))
                {
                    _componentBad[_component[n]] = true;
                }
            }
        }
    }

    public IReadOnlyList<TransformChange> Changes => _changes;

    public JsonNode? Run()
    {
        var root = Convert(0);
        var definitions = new JsonObject();
        while (_pendingDefinitions.Count > 0)
        {
            var node = _pendingDefinitions.Dequeue();
            definitions[_definitionNames[node]] = Convert(node);
        }

        if (root is JsonObject rootObject)
        {
            if (_nodes[0].Element.ValueKind == JsonValueKind.Object && _profile.SupportOf(KeywordId.Defs) != KeywordSupport.Rejected)
            {
                ReportUnusedDefinitions();
            }

            if (definitions.Count > 0)
            {
                rootObject["$defs"] = definitions;
            }
        }

        return root;
    }

    // ----- conversion -----------------------------------------------------------------------------------------------

    /// <summary>
    /// The converted form of node <paramref name="n"/>. <paramref name="inlineReference"/> inlines its own <c>$ref</c>;
    /// <paramref name="deferFinish"/> leaves the profile's rewrites of the schema itself to the caller, which merges it
    /// first (allOf members, inlined reference targets): "optional" is decided after merging, not before.
    /// </summary>
    private JsonNode? Convert(int n, bool inlineReference = false, bool deferFinish = false)
    {
        _budget.Step();
        var element = _nodes[n].Element;
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return KeepsBooleans() ? JsonValue.Create(true) : deferFinish ? new JsonObject() : Finish(n, new JsonObject());
            case JsonValueKind.False:
                if (KeepsBooleans() || _nodes[n].Keyword is "additionalProperties" or "unevaluatedProperties" or "items" or "additionalItems"
                        or "unevaluatedItems" or "propertyNames" or "contains" or "not" or "if" or "then" or "else")
                {
                    return JsonValue.Create(false); // handled by the schema that holds it (ReplaceBooleanKeywords)
                }

                Change(TransformChangeNames.BooleanSchemaReplaced, n, null, "the schema false (no value is valid) cannot be expressed; a null schema stands in and the original still rejects every value", lost: true);
                return Cut();
            case JsonValueKind.Object:
                break;
            default:
                return JsonNode.Parse(element.GetRawText());
        }

        var result = new JsonObject();
        var lost = new List<KeyValuePair<string, JsonNode?>>();
        var cursor = 0;
        var children = _children[n] ?? [];
        string? reference = null;
        var requiredNames = RequiredNames(element);
        var mergeAllOf = WillMergeAllOf(element);
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            var id = SchemaKeywords.Find(name);
            var info = SchemaKeywords.Info(id);
            var value = property.Value;
            if (id == KeywordId.Ref)
            {
                reference = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                continue;
            }

            if (info.Shape == SubschemaShape.None)
            {
                result[name] = JsonNode.Parse(value.GetRawText());
                continue;
            }

            var definitions = id is KeywordId.Defs or KeywordId.Definitions;
            if (info.Shape == SubschemaShape.Single && value.ValueKind != JsonValueKind.Array)
            {
                var child = children[cursor++];
                if (!definitions)
                {
                    result[name] = Convert(child);
                }
            }
            else if (info.Shape is SubschemaShape.Array or SubschemaShape.Single && value.ValueKind == JsonValueKind.Array)
            {
                var array = new JsonArray();
                for (var i = value.GetArrayLength(); i > 0; i--)
                {
                    var mergeMember = id == KeywordId.AllOf && mergeAllOf;
                    var converted = Convert(children[cursor++], inlineReference: mergeMember, deferFinish: mergeMember);
                    if (converted is not null && !(IsCut(converted) && id is KeywordId.AnyOf or KeywordId.OneOf))
                    {
                        array.Add(converted);
                    }
                }

                if (!definitions)
                {
                    if (id == KeywordId.AllOf && mergeAllOf)
                    {
                        _deferredAllOf.Add(array);
                    }

                    result[name] = array.Count > 0 ? array : new JsonArray(Cut());
                }
            }
            else if (info.Shape == SubschemaShape.Map && value.ValueKind == JsonValueKind.Object)
            {
                var map = new JsonObject();
                foreach (var entry in value.EnumerateObject())
                {
                    if (id == KeywordId.Dependencies && entry.Value.ValueKind == JsonValueKind.Array)
                    {
                        map[entry.Name] = JsonNode.Parse(entry.Value.GetRawText());
                        continue;
                    }

                    var isRequired = id != KeywordId.Properties || requiredNames.Contains(entry.Name);
                    var child = children[cursor++];
                    if (definitions)
                    {
                        continue;
                    }

                    var converted = Convert(child);
                    if (id == KeywordId.Properties && converted is not null && IsCut(converted) && !isRequired)
                    {
                        continue; // a recursion cut at an optional property: the property is not generated
                    }

                    map[entry.Name] = converted;
                }

                if (!definitions)
                {
                    result[name] = map;
                }
            }
            else
            {
                result[name] = JsonNode.Parse(value.GetRawText());
            }
        }

        if (reference is not null)
        {
            var converted = ConvertReference(n, reference, result, lost, inlineReference);
            if (converted is not JsonObject merged)
            {
                return converted;
            }

            result = merged;
        }

        if (deferFinish)
        {
            Describe(n, result, lost);
            return result;
        }

        return Finish(n, result, lost);
    }

    private JsonNode? ConvertReference(int n, string reference, JsonObject siblings, List<KeyValuePair<string, JsonNode?>> lost, bool inlineReference)
    {
        var target = _refTarget[n];
        if (target < 0)
        {
            siblings.Insert(0, "$ref", JsonValue.Create(reference));
            return siblings;
        }

        _referenced.Add(target);
        var mode = inlineReference && !_componentCyclic[_component[target]] ? ReferenceMode.Inline : DecideReference(n, target, siblings);
        if (mode == ReferenceMode.Keep)
        {
            var value = ReferenceTo(target);
            if (!string.Equals(value, reference, StringComparison.Ordinal))
            {
                Change(TransformChangeNames.RefRewritten, n, "$ref", $"the reference now points at {value}", lost: false);
            }

            siblings.Insert(0, "$ref", JsonValue.Create(value));
            return siblings;
        }

        if (mode == ReferenceMode.Wrap)
        {
            // The target is recursive, so it cannot be inlined: the reference stands alone in an anyOf; its sibling constraints are described.
            var value = ReferenceTo(target);
            var wrapper = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["$ref"] = value }) };
            foreach (var (key, sibling) in siblings.ToArray())
            {
                siblings.Remove(key);
                if (key is "title" or "description")
                {
                    wrapper[key] = sibling;
                }
                else if (IsAssertion(key))
                {
                    lost.Add(new KeyValuePair<string, JsonNode?>(key, sibling));
                }
            }

            Change(TransformChangeNames.RefWrapped, n, "$ref", "the reference has sibling keywords and a recursive target: it stands alone in an anyOf", lost: false);
            return wrapper;
        }

        // Inline: a copy of the target, the reference's siblings merged into it.
        var inlined = Inline(target, n);
        Change(TransformChangeNames.RefInlined, n, "$ref", $"the reference '{reference}' is replaced by a copy of its target", lost: false);
        if (siblings.Count == 0)
        {
            return inlined;
        }

        if (inlined is not JsonObject body || IsCut(inlined))
        {
            return inlined is JsonValue { } boolean && boolean.GetValueKind() == JsonValueKind.True ? siblings : inlined;
        }

        var conflicts = new List<KeyValuePair<string, JsonNode?>>();
        var combined = new List<JsonObject>();
        SchemaMerge.Merge(body, siblings, conflicts, _budget, combined);
        RefinishMerged(n, combined);
        lost.AddRange(conflicts);
        return body;
    }

    /// <summary>
    /// A copy of <paramref name="target"/> in place of the reference at <paramref name="from"/>. A recursive definition is
    /// unrolled: the depth counts every definition of its cycle (its strongly connected component), so mutually
    /// recursive definitions are unrolled together, not each on its own.
    /// </summary>
    private JsonNode? Inline(int target, int from)
    {
        var component = _component[target];
        var depth = _inlineDepth.GetValueOrDefault(component);
        if (_componentCyclic[component] && depth >= _options.RecursionUnrollDepth)
        {
            Change(TransformChangeNames.RecursionUnrolled, from, "$ref",
                $"the recursive schema is unrolled {_options.RecursionUnrollDepth} levels deep; deeper levels are not generated", lost: true);
            return Cut();
        }

        _inlineDepth[component] = depth + 1;
        try
        {
            return Convert(target, deferFinish: true);
        }
        finally
        {
            _inlineDepth[component] = depth;
        }
    }

    private enum ReferenceMode
    {
        Keep,
        Wrap,
        Inline,
    }

    private ReferenceMode DecideReference(int n, int target, JsonObject siblings)
    {
        if (_profile.SupportOf(KeywordId.Ref) == KeywordSupport.Rejected || _componentBad[_component[target]])
        {
            return ReferenceMode.Inline;
        }

        if (_profile.Rule(RuleKind.RefSiblings) is not null && HasObjectionableSiblings(n, siblings))
        {
            return _componentCyclic[_component[target]] ? ReferenceMode.Wrap : ReferenceMode.Inline;
        }

        return ReferenceMode.Keep;
    }

    private bool HasObjectionableSiblings(int n, JsonObject siblings)
    {
        foreach (var (key, _) in siblings)
        {
            var objectionable = _profile.RefSiblings switch
            {
                RefSiblingMode.NonDollar => !key.StartsWith('$'),
                RefSiblingMode.Assertions => _linter.DraftOfDocument(_nodes[n].Doc) > JsonSchemaDraft.Draft7 && IsAssertion(key),
                _ => key is not ("$schema" or "$id" or "$comment" or "$anchor" or "$dynamicAnchor"),
            };
            if (objectionable)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The reference to <paramref name="target"/> in the output: <c>#</c> for the root where allowed, else <c>#/$defs/name</c>.</summary>
    private string ReferenceTo(int target)
    {
        if (target == 0 && !_profile.Has(RuleKind.RefNonPointer))
        {
            return "#";
        }

        if (!_definitionNames.TryGetValue(target, out var name))
        {
            name = UniqueName(DefinitionName(target));
            _definitionNames[target] = name;
            _pendingDefinitions.Enqueue(target);
        }

        return "#/$defs/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }

    private string DefinitionName(int target)
    {
        var node = _nodes[target];
        var raw = node.HasName ? node.Name.Name
            : target == 0 ? "root"
            : node.Location is { } location ? location.TrimEnd('#').Split('/', '#').LastOrDefault(t => t.Length > 0) ?? "schema"
            : node.Keyword ?? "schema";
        var builder = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_');
        }

        return builder.Length == 0 ? "schema" : builder.ToString();
    }

    private string UniqueName(string name)
    {
        var candidate = name;
        for (var i = 2; !_usedNames.Add(candidate); i++)
        {
            candidate = name + "_" + i.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    private void ReportUnusedDefinitions()
    {
        foreach (var child in _children[0] ?? [])
        {
            if (_nodes[child].Keyword is "$defs" or "definitions" && !_referenced.Contains(child))
            {
                Change(TransformChangeNames.UnusedDefinitionRemoved, child, null, "no reference uses this definition", lost: false);
            }
        }
    }

    // ----- the profile's rewrites of one schema ---------------------------------------------------------------------

    private JsonObject Finish(int n, JsonObject o, List<KeyValuePair<string, JsonNode?>>? lost = null)
    {
        lost ??= [];
        MergeAllOf(n, o, lost);
        RewriteUnions(n, o, lost);
        DistributeUnionSiblings(n, o, lost);
        RewriteConst(n, o, lost);
        RewriteTypeArray(n, o, lost);
        ReplaceBooleanKeywords(n, o, lost);
        RewriteKeywords(n, o, lost);
        var result = RequireAndClose(n, o);
        Describe(n, result, lost);
        return result;
    }

    private void RewriteUnions(int n, JsonObject o, List<KeyValuePair<string, JsonNode?>> lost)
    {
        if (!o.ContainsKey("oneOf") || (_profile.SupportOf(KeywordId.OneOf) == KeywordSupport.Supported && !_profile.Has(RuleKind.OneOfExclusivity)))
        {
            return;
        }

        if (o.ContainsKey("anyOf") || _profile.SupportOf(KeywordId.AnyOf) != KeywordSupport.Supported)
        {
            lost.Add(new KeyValuePair<string, JsonNode?>("oneOf", Detach(o, "oneOf")));
            return;
        }

        var index = o.IndexOf("oneOf");
        var oneOf = o["oneOf"];
        o.RemoveAt(index);
        o.Insert(index, "anyOf", oneOf);
        Change(TransformChangeNames.OneOfToAnyOf, n, "oneOf", "oneOf becomes anyOf: an output matching several branches is not prevented", lost: true, value: oneOf);
    }

    /// <summary>Whether this schema's allOf will be merged (so its members' references are inlined first).</summary>
    private bool WillMergeAllOf(in JsonElement schema)
    {
        if (!schema.TryGetProperty("allOf"u8, out var allOf) || allOf.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        if (_profile.SupportOf(KeywordId.AllOf) != KeywordSupport.Supported || _profile.Has(RuleKind.AllOfMultiple) || _profile.Has(RuleKind.AllOfPartial))
        {
            return true;
        }

        if (_profile.Has(RuleKind.AllOfWithRef))
        {
            foreach (var member in allOf.EnumerateArray())
            {
                if (member.ValueKind == JsonValueKind.Object && member.TryGetProperty("$ref"u8, out _))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void MergeAllOf(int n, JsonObject o, List<KeyValuePair<string, JsonNode?>> lost)
    {
        if (o["allOf"] is not JsonArray members)
        {
            return;
        }

        var needed = _deferredAllOf.Contains(members)
                     || _profile.SupportOf(KeywordId.AllOf) != KeywordSupport.Supported || _profile.Has(RuleKind.AllOfMultiple) || _profile.Has(RuleKind.AllOfPartial)
                     || (_profile.Has(RuleKind.AllOfWithRef) && members.Any(m => m is JsonObject member && member.ContainsKey("$ref")));
        if (!needed)
        {
            return;
        }

        var conflicts = new List<KeyValuePair<string, JsonNode?>>();
        var combined = new List<JsonObject>();
        for (var round = 0; o["allOf"] is JsonArray next && round < 64; round++)
        {
            // A member's own allOf comes along with it: flattened in the next round.
            Detach(o, "allOf");
            foreach (var member in next.ToArray())
            {
                _budget.Step();
                next.Remove(member);
                switch (member)
                {
                    case JsonObject schema:
                        SchemaMerge.Merge(o, schema, conflicts, _budget, combined);
                        break;
                    case JsonValue value when value.GetValueKind() == JsonValueKind.False:
                        conflicts.Add(new KeyValuePair<string, JsonNode?>("allOf", new JsonArray(JsonValue.Create(false))));
                        break;
                }
            }
        }

        foreach (var conflict in conflicts)
        {
            lost.Add(new KeyValuePair<string, JsonNode?>("allOf/" + conflict.Key, conflict.Value));
        }

        RefinishMerged(n, combined);

        Change(TransformChangeNames.AllOfMerged, n, "allOf", "allOf is merged into this schema", lost: false);
    }

    /// <summary>Rewrites property schemas a merge combined, innermost first, since a merge can combine keywords a profile handles only apart.</summary>
    private void RefinishMerged(int n, List<JsonObject> combined)
    {
        for (var i = combined.Count - 1; i >= 0; i--)
        {
            var schema = combined[i];
            if (schema.Parent is not JsonObject container)
            {
                continue;
            }

            var key = schema.GetPropertyName();
            container[key] = null;
            container[key] = Finish(n, schema);
        }
    }

    private void DistributeUnionSiblings(int n, JsonObject o, List<KeyValuePair<string, JsonNode?>> lost)
    {
        if (!_profile.Has(RuleKind.UnionSiblings) || o["anyOf"] is not JsonArray branches)
        {
            return;
        }

        var siblings = new JsonObject();
        foreach (var (key, _) in o.ToArray())
        {
            if (key != "anyOf" && key != "$ref" && IsAssertion(key))
            {
                siblings[key] = Detach(o, key);
            }
        }

        if (siblings.Count == 0)
        {
            return;
        }

        if (branches.Any(b => b is not JsonObject branch || branch.ContainsKey("$ref")))
        {
            foreach (var (key, value) in siblings.ToArray())
            {
                siblings.Remove(key);
                lost.Add(new KeyValuePair<string, JsonNode?>(key, value));
            }

            return;
        }

        for (var i = 0; i < branches.Count; i++)
        {
            var branch = (JsonObject)branches[i]!;
            var conflicts = new List<KeyValuePair<string, JsonNode?>>();
            var combined = new List<JsonObject>();
            SchemaMerge.Merge(branch, (JsonObject)SchemaMerge.Copy(siblings, _budget)!, conflicts, _budget, combined);
            RefinishMerged(n, combined);
            foreach (var conflict in conflicts)
            {
                if (!lost.Any(l => l.Key == conflict.Key))
                {
                    lost.Add(conflict);
                }
            }

            // The merged branch may combine keywords the profile handles only apart: rewrite it again.
            branches[i] = null;
            branches[i] = Finish(n, branch);
        }

        Change(TransformChangeNames.UnionSiblingsDistributed, n, "anyOf", "the keywords beside anyOf are copied into each branch", lost: false);
    }

    private void RewriteConst(int n, JsonObject o, List<KeyValuePair<string, JsonNode?>> lost)
    {
        if (!o.ContainsKey("const") || _profile.SupportOf(KeywordId.Const) == KeywordSupport.Supported)
        {
            return;
        }

        var value = Detach(o, "const");
        if (!o.ContainsKey("enum") && _profile.SupportOf(KeywordId.Enum) == KeywordSupport.Supported && EnumValueAllowed(value))
        {
            o["enum"] = new JsonArray(value);
            Change(TransformChangeNames.ConstToEnum, n, "const", "const becomes a one-value enum", lost: false);
            return;
        }

        lost.Add(new KeyValuePair<string, JsonNode?>("const", value));
    }

    private bool EnumValueAllowed(JsonNode? value)
    {
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        if (_profile.Has(RuleKind.EnumStringValues) && kind != JsonValueKind.String)
        {
            return false;
        }

        if (_profile.Has(RuleKind.EnumStringOrNumberValues) && kind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            return false;
        }

        return !(_profile.Has(RuleKind.EnumPrimitiveValues) && kind is JsonValueKind.Object or JsonValueKind.Array);
    }

    private void RewriteTypeArray(int n, JsonObject o, List<KeyValuePair<string, JsonNode?>> lost)
    {
        if (!_profile.Has(RuleKind.TypeArrays) || o["type"] is not JsonArray types)
        {
            return;
        }

        var names = TypesOf(o).Distinct(StringComparer.Ordinal).ToList();
        var nullable = names.Remove("null");
        if (names.Count == 0)
        {
            o["type"] = "null";
        }
        else if (names.Count == 1)
        {
            o["type"] = names[0];
            if (nullable)
            {
                o["nullable"] = true;
            }
        }
        else if (!o.ContainsKey("anyOf"))
        {
            var branches = new JsonArray();
            foreach (var type in names)
            {
                var branch = new JsonObject { ["type"] = type };
                foreach (var keyword in KeywordsOf(type))
                {
                    if (o[keyword] is { } value)
                    {
                        branch[keyword] = SchemaMerge.Copy(value, _budget);
                    }
                }

                if (o["enum"] is JsonArray values)
                {
                    var kept = new JsonArray();
                    foreach (var item in values)
                    {
                        if (Matches(type, item))
                        {
                            kept.Add(item?.DeepClone());
                        }
                    }

                    if (kept.Count == 0)
                    {
                        continue;
                    }

                    branch["enum"] = kept;
                }

                branches.Add((JsonNode)branch);
            }

            foreach (var type in names)
            {
                foreach (var keyword in KeywordsOf(type))
                {
                    o.Remove(keyword);
                }
            }

            o.Remove("enum");
            var index = o.IndexOf("type");
            o.RemoveAt(index);
            o.Insert(index, "anyOf", branches);
            if (nullable)
            {
                o["nullable"] = true;
            }
        }
        else
        {
            o["type"] = names[0];
            lost.Add(new KeyValuePair<string, JsonNode?>("type", types.DeepClone()));
        }

        Change(TransformChangeNames.TypeArraySplit, n, "type", "the type array becomes one type with nullable, or an anyOf of one-type schemas", lost: false);
    }

    private static string[] KeywordsOf(string type) => type switch
    {
        "string" => StringKeywords,
        "number" or "integer" => NumberKeywords,
        "array" => ArrayKeywords,
        "object" => ObjectKeywords,
        _ => [],
    };

    private static bool Matches(string type, JsonNode? value) => (value?.GetValueKind() ?? JsonValueKind.Null) switch
    {
        JsonValueKind.String => type == "string",
        JsonValueKind.Number => type is "number" or ("integer"),
        JsonValueKind.True or JsonValueKind.False => type == "boolean",
        JsonValueKind.Object => type == "object",
        JsonValueKind.Array => type == "array",
        _ => type == "null",
    };

    /// <summary>Boolean subschemas in keywords that profiles cannot take as booleans: exact replacements where there are some.</summary>
    private void ReplaceBooleanKeywords(int n, JsonObject o, List<KeyValuePair<string, JsonNode?>> lost)
    {
        if (!_profile.Has(RuleKind.BooleanSchemas) && !_profile.Has(RuleKind.TypeRequired))
        {
            return;
        }

        foreach (var key in (string[])["items", "additionalItems", "unevaluatedItems", "unevaluatedProperties", "propertyNames", "contains", "not", "if", "then", "else"])
        {
            if (o[key] is not JsonValue boolean || boolean.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                continue;
            }

            var value = boolean.GetValueKind() == JsonValueKind.True;
            Detach(o, key);
            if (value)
            {
                if (key is not ("not" or "contains"))
                {
                    Change(TransformChangeNames.BooleanSchemaReplaced, n, key, $"{key}: true constrains nothing and is removed", lost: false);
                    continue;
                }

                lost.Add(new KeyValuePair<string, JsonNode?>(key, JsonValue.Create(true)));
                continue;
            }

            switch (key)
            {
                case "items" when !o.ContainsKey("unevaluatedItems"):
                    var prefix = o["prefixItems"] is JsonArray tuple ? tuple.Count : 0;
                    o["items"] = new JsonObject { ["type"] = "null" };
                    o["maxItems"] = SchemaMerge.TryNumber(o["maxItems"], out var max) ? Math.Min((long)max, prefix) : prefix;
                    Change(TransformChangeNames.BooleanSchemaReplaced, n, key, $"items: false becomes maxItems: {prefix} (the same arrays)", lost: false);
                    break;
                case "propertyNames":
                    o["maxProperties"] = 0;
                    Change(TransformChangeNames.BooleanSchemaReplaced, n, key, "propertyNames: false becomes maxProperties: 0 (only the empty object)", lost: false);
                    break;
                case "unevaluatedProperties" when _profile.Has(RuleKind.ObjectsClosed):
                    Change(TransformChangeNames.BooleanSchemaReplaced, n, key, "unevaluatedProperties: false is implied by additionalProperties: false and removed", lost: false);
                    break;
                default:
                    lost.Add(new KeyValuePair<string, JsonNode?>(key, JsonValue.Create(false)));
                    break;
            }
        }
    }

    /// <summary>Every keyword the profile does not accept as it stands: annotations removed, constraints described.</summary>
    private void RewriteKeywords(int n, JsonObject o, List<KeyValuePair<string, JsonNode?>> lost)
    {
        var types = TypesOf(o);
        if (types.Count == 0 && _nodes[n].Keyword == "propertyNames")
        {
            types = ["string"]; // property names are strings whatever the schema says
        }

        foreach (var (key, value) in o.ToArray())
        {
            _budget.Step();
            var id = SchemaKeywords.Find(key);
            if (id == KeywordId.Unknown)
            {
                if (key == "x-mcp-header" && _profile.Has(RuleKind.McpHeader))
                {
                    continue;
                }

                if (_profile.UnlistedAnnotations.Support is KeywordSupport.Rejected or KeywordSupport.Unverified)
                {
                    Detach(o, key);
                    Change(TransformChangeNames.KeywordRemoved, n, key, $"'{key}' is not a keyword {_profile.Name} accepts", lost: false);
                }

                continue;
            }

            if (id is KeywordId.Ref or KeywordId.Defs)
            {
                continue;
            }

            if (n != 0 && id is KeywordId.Id or KeywordId.Anchor or KeywordId.DynamicAnchor or KeywordId.RecursiveAnchor or KeywordId.Schema)
            {
                // References are rewritten relative to the root: an embedded resource's own base would mislead them.
                Detach(o, key);
                Change(TransformChangeNames.KeywordRemoved, n, key, $"{key} is removed: the output's references all resolve against the root", lost: false);
                continue;
            }

            var support = _profile.SupportOf(id == KeywordId.Items && value is JsonArray ? KeywordId.PrefixItems : id);
            if (support == KeywordSupport.Rejected && _profile.TypeGatedKeywords && !TypeGated(id, types))
            {
                support = KeywordSupport.Ignored;
            }

            var category = SchemaKeywords.Info(id).Category;
            var remove = support switch
            {
                KeywordSupport.Supported => KeywordProblem(id, value, o, types),
                KeywordSupport.Ignored => category == KeywordCategory.Assertion,
                _ => true,
            };
            if (!remove)
            {
                continue;
            }

            Detach(o, key);
            if (category == KeywordCategory.Assertion)
            {
                if (id == KeywordId.MinItems && _profile.Has(RuleKind.MinItemsZeroOrOne) && SchemaMerge.TryNumber(value, out var minimum) && minimum > 1)
                {
                    o["minItems"] = 1; // keeps "not empty", which the provider supports
                }

                if (id is KeywordId.ExclusiveMinimum or KeywordId.ExclusiveMaximum && TryInclusiveBound(n, o, id, value, types))
                {
                    continue;
                }

                lost.Add(new KeyValuePair<string, JsonNode?>(key, value));
            }
            else
            {
                Change(TransformChangeNames.KeywordRemoved, n, key, $"{key} is removed ({_profile.Name} does not accept it); it constrained nothing", lost: false);
            }
        }

        if (_profile.Has(RuleKind.PatternWithLengthBounds) && (o.ContainsKey("minLength") || o.ContainsKey("maxLength")))
        {
            var stringTyped = types.Contains("string");
            var generative = _profile.TypeGatedKeywords
                ? stringTyped && (o.ContainsKey("pattern") || o.ContainsKey("format"))
                : (stringTyped || types.Count == 0) && (o.ContainsKey("pattern") || (o["format"] is JsonValue f && FormatListed(f)));
            if (generative)
            {
                foreach (var key in (string[])["minLength", "maxLength"])
                {
                    if (o.ContainsKey(key))
                    {
                        lost.Add(new KeyValuePair<string, JsonNode?>(key, Detach(o, key)));
                    }
                }
            }
        }
    }

    /// <summary>For a supported keyword: whether its value or context is still one the profile refuses or ignores.</summary>
    private bool KeywordProblem(KeywordId id, JsonNode? value, JsonObject o, List<string> types)
    {
        switch (id)
        {
            case KeywordId.Format:
                var applies = !_profile.TypeGatedKeywords || types.Contains("string");
                return applies && _profile.Has(RuleKind.Formats) && value is JsonValue format && !FormatListed(format);
            case KeywordId.Pattern when value is JsonValue p && p.TryGetValue<string>(out var pattern):
                var features = PatternScanner.Scan(pattern, (int)(_profile.Rule(RuleKind.PatternLargeRepetition)?.Limit ?? int.MaxValue), out _);
                if (_profile.Has(RuleKind.PatternFeatures) && (features & (PatternFeatures.Backreference | PatternFeatures.Lookaround | PatternFeatures.WordBoundary)) != 0)
                {
                    return true;
                }

                if (_profile.Has(RuleKind.PatternLargeRepetition) && (features & PatternFeatures.LargeRepetition) != 0)
                {
                    return true;
                }

                var reached = (types.Count == 0 || types.Contains("string")) && !o.ContainsKey("anyOf") && !o.ContainsKey("enum") && !o.ContainsKey("const");
                return reached && ((_profile.Has(RuleKind.PatternAnchored) && !(pattern.StartsWith('^') && pattern.EndsWith('$')))
                                   || (_profile.Has(RuleKind.PatternLookaround) && (features & PatternFeatures.Lookaround) != 0));
            case KeywordId.MinItems:
                return _profile.Has(RuleKind.MinItemsZeroOrOne) && !(value is JsonValue v && SchemaMerge.TryNumber(v, out var m) && m is 0 or 1);
            case KeywordId.Enum when value is JsonArray values:
                return values.Any(item => !EnumValueAllowed(item));
            case KeywordId.Minimum or KeywordId.Maximum or KeywordId.ExclusiveMinimum or KeywordId.ExclusiveMaximum:
                if (_profile.Has(RuleKind.NumberBoundsIntegerOnly) && types.Count > 0 && !(types.Count == 1 && types[0] == "integer"))
                {
                    return true;
                }

                return Untyped(id, o, types);
            case KeywordId.PropertyNames:
                return _profile.Has(RuleKind.PropertyNamesCombination) && types.Contains("object")
                       && (o.ContainsKey("properties") || o.ContainsKey("patternProperties") || o["additionalProperties"] is JsonObject
                           || (o.ContainsKey("unevaluatedProperties") && !(o["unevaluatedProperties"] is JsonValue open && open.GetValueKind() == JsonValueKind.True)));
            case KeywordId.PatternProperties:
                return _profile.Has(RuleKind.PatternPropertiesCombination) && types.Contains("object") && value is JsonObject patterns
                       && (o.ContainsKey("properties") || patterns.Count > 1);
            default:
                return Untyped(id, o, types);
        }
    }

    private bool Untyped(KeywordId id, JsonObject o, List<string> types)
    {
        if (types.Count > 0 || _profile.Rule(RuleKind.UntypedConstraints) is null || !_profile.UntypedIgnoredKeywords.Contains(SchemaKeywords.Name(id)))
        {
            return false;
        }

        var wins = o.ContainsKey("$ref") || o.ContainsKey("const") || o.ContainsKey("enum") || o.ContainsKey("anyOf") || o.ContainsKey("oneOf") || o.ContainsKey("allOf");
        var structured = o.ContainsKey("properties") || o.ContainsKey("additionalProperties") || o.ContainsKey("unevaluatedProperties")
                         || o.ContainsKey("items") || o.ContainsKey("prefixItems") || o.ContainsKey("unevaluatedItems");
        return !wins && !(_profile.UntypedIsAnyValue && structured);
    }

    private bool FormatListed(JsonValue format)
        => _profile.SupportedFormats is not { } formats || (format.TryGetValue<string>(out var name) && formats.Contains(name, StringComparer.Ordinal));

    private static bool TypeGated(KeywordId id, List<string> types) => id switch
    {
        KeywordId.MultipleOf => types.Contains("number") || types.Contains("integer"),
        KeywordId.UniqueItems or KeywordId.Contains or KeywordId.MinContains or KeywordId.MaxContains => types.Contains("array"),
        _ => types.Count > 0,
    };

    /// <summary>On an integer, <c>exclusiveMinimum: n</c> is <c>minimum: n + 1</c> (for integral n): exact, no constraint lost.</summary>
    private bool TryInclusiveBound(int n, JsonObject o, KeywordId id, JsonNode? value, List<string> types)
    {
        var inclusive = id == KeywordId.ExclusiveMinimum ? "minimum" : "maximum";
        if (!(types.Count == 1 && types[0] == "integer") || _profile.SupportOf(SchemaKeywords.Find(inclusive)) != KeywordSupport.Supported
            || !SchemaMerge.TryNumber(value, out var bound) || Math.Abs(bound) > 1e15)
        {
            return false;
        }

        var replacement = id == KeywordId.ExclusiveMinimum ? Math.Floor(bound) + 1 : Math.Ceiling(bound) - 1;
        if (SchemaMerge.TryNumber(o[inclusive], out var existing))
        {
            replacement = id == KeywordId.ExclusiveMinimum ? Math.Max(existing, replacement) : Math.Min(existing, replacement);
        }

        o[inclusive] = (long)replacement;
        Change(TransformChangeNames.BoundMadeInclusive, n, SchemaKeywords.Name(id), $"{SchemaKeywords.Name(id)} becomes {inclusive}: {(long)replacement} (the same integers)", lost: false);
        return true;
    }

    /// <summary>Object closing, all-required with nullable, and the type/items a profile needs on every schema.</summary>
    private JsonObject RequireAndClose(int n, JsonObject o)
    {
        var types = TypesOf(o);
        var isObject = types.Contains("object") || (types.Count == 0 && ObjectKeywords.Any(o.ContainsKey));
        if (isObject && types.Count == 0 && (_profile.Has(RuleKind.TypeRequired) || (n == 0 && _profile.Has(RuleKind.RootMustBeObject))) && !HasTypeSubstitute(o))
        {
            o.Insert(0, "type", JsonValue.Create("object"));
            types = ["object"];
            Change(TransformChangeNames.TypeAdded, n, "type", "type: object added (the schema has object keywords)", lost: false);
        }

        if (isObject && _profile.Has(RuleKind.AllPropertiesRequired) && o["properties"] is JsonObject properties)
        {
            var required = o["required"] as JsonArray;
            var listed = new HashSet<string>(required?.Select(r => r?.GetValue<string>() ?? string.Empty) ?? [], StringComparer.Ordinal);
            var all = new JsonArray();
            foreach (var (name, schema) in properties.ToArray())
            {
                all.Add((JsonNode)JsonValue.Create(name));
                if (!listed.Contains(name))
                {
                    var index = properties.IndexOf(name);
                    properties.SetAt(index, null);
                    properties.SetAt(index, MakeNullable(schema));
                    Change(TransformChangeNames.PropertyMadeRequired, n, name, $"'{name}' is optional: it becomes required and nullable; a null in the output means absent", lost: false);
                }
            }

            foreach (var name in listed)
            {
                if (!properties.ContainsKey(name))
                {
                    all.Add((JsonNode)JsonValue.Create(name));
                }
            }

            o["required"] = all;
        }

        if (isObject && _profile.Has(RuleKind.ObjectsClosed) && !(o["additionalProperties"] is JsonValue closed && closed.GetValueKind() == JsonValueKind.False))
        {
            var before = o["additionalProperties"]?.ToJsonString() ?? "absent";
            o["additionalProperties"] = false;
            Change(TransformChangeNames.ObjectClosed, n, "additionalProperties", $"additionalProperties becomes false (was {Shorten(before)}); properties not declared are no longer generated", lost: false);
        }

        if (types.Count == 0 && !HasTypeSubstitute(o) && _profile.Has(RuleKind.TypeRequired))
        {
            var inferred = InferType(o);
            if (inferred is not null)
            {
                o.Insert(0, "type", JsonValue.Create(inferred));
                types = [inferred];
                Change(TransformChangeNames.TypeAdded, n, "type", $"type: {inferred} added (inferred from the schema's keywords)", lost: false);
            }
            else
            {
                var scalar = AnyScalar();
                foreach (var (key, value) in o.ToArray())
                {
                    if (key is "title" or "description")
                    {
                        scalar[key] = Detach(o, key);
                    }
                }

                Change(TransformChangeNames.SchemaNarrowed, n, null, "the schema admits any value: objects and arrays are no longer generated here", lost: false);
                return scalar;
            }
        }

        if (types.Contains("array") && !o.ContainsKey("items") && _profile.Has(RuleKind.ArrayItemsRequired))
        {
            o["items"] = AnyScalar();
            Change(TransformChangeNames.ItemsAdded, n, "items", "items added: the array's items are generated as strings, numbers, booleans or null", lost: false);
        }

        return o;
    }

    private static bool HasTypeSubstitute(JsonObject o)
        => o.ContainsKey("anyOf") || o.ContainsKey("$ref") || o.ContainsKey("enum") || o.ContainsKey("const") || o.ContainsKey("oneOf") || o.ContainsKey("allOf");

    private static string? InferType(JsonObject o)
    {
        var found = new List<string>();
        if (ObjectKeywords.Any(o.ContainsKey))
        {
            found.Add("object");
        }

        if (ArrayKeywords.Any(o.ContainsKey))
        {
            found.Add("array");
        }

        if (StringKeywords.Any(o.ContainsKey))
        {
            found.Add("string");
        }

        if (NumberKeywords.Any(o.ContainsKey))
        {
            found.Add("number");
        }

        return found.Count == 1 ? found[0] : null;
    }

    private static JsonObject AnyScalar() => new()
    {
        ["anyOf"] = new JsonArray(
            new JsonObject { ["type"] = "string" },
            new JsonObject { ["type"] = "number" },
            new JsonObject { ["type"] = "boolean" },
            new JsonObject { ["type"] = "null" }),
    };

    /// <summary>The schema, admitting null as well (for a property made required).</summary>
    private static JsonObject MakeNullable(JsonNode? schema)
    {
        if (schema is not JsonObject o)
        {
            return schema is JsonValue v && v.GetValueKind() == JsonValueKind.True ? AnyScalar() : new JsonObject { ["type"] = "null" };
        }

        if (AdmitsNull(o))
        {
            return o;
        }

        var onlyUnion = o.ContainsKey("anyOf") && !o.ContainsKey("$ref") && !o.Any(p => p.Key != "anyOf" && IsAssertion(p.Key));
        if (onlyUnion)
        {
            ((JsonArray)o["anyOf"]!).Add((JsonNode)new JsonObject { ["type"] = "null" });
            return o;
        }

        if (o["type"] is JsonValue single && single.TryGetValue<string>(out var type) && !o.ContainsKey("anyOf") && !o.ContainsKey("$ref"))
        {
            if (type != "null")
            {
                o["type"] = new JsonArray(JsonValue.Create(type), JsonValue.Create("null"));
            }

            AddNullToValues(o);
            return o;
        }

        if (o["type"] is JsonArray many && !o.ContainsKey("anyOf") && !o.ContainsKey("$ref"))
        {
            if (!many.Any(t => t is JsonValue v && v.TryGetValue<string>(out var name) && name == "null"))
            {
                many.Add((JsonNode)JsonValue.Create("null"));
            }

            AddNullToValues(o);
            return o;
        }

        var description = o["description"]?.DeepClone();
        var wrapper = new JsonObject { ["anyOf"] = new JsonArray(o, new JsonObject { ["type"] = "null" }) };
        if (description is not null)
        {
            wrapper["description"] = description;
        }

        return wrapper;
    }

    private static void AddNullToValues(JsonObject o)
    {
        if (o["enum"] is JsonArray values && !values.Any(v => v is null))
        {
            values.Add(null);
        }

        if (o.ContainsKey("const"))
        {
            var value = Detach(o, "const");
            o["enum"] = new JsonArray(value, null);
        }
    }

    private static bool AdmitsNull(JsonObject o)
    {
        if (o["enum"] is JsonArray values)
        {
            return values.Any(v => v is null) && TypeAdmitsNull(o);
        }

        if (o.ContainsKey("const"))
        {
            return o["const"] is null && TypeAdmitsNull(o);
        }

        if (o["anyOf"] is JsonArray branches && !o.ContainsKey("type"))
        {
            return branches.Any(b => b is JsonObject branch && branch["type"] is JsonValue t && t.TryGetValue<string>(out var name) && name == "null" && branch.Count == 1);
        }

        return o.ContainsKey("type") && TypeAdmitsNull(o) && !o.ContainsKey("$ref") && !o.ContainsKey("anyOf");
    }

    private static bool TypeAdmitsNull(JsonObject o) => o["type"] switch
    {
        null => true,
        JsonValue v => v.TryGetValue<string>(out var t) && t == "null",
        JsonArray a => a.Any(t => t is JsonValue v && v.TryGetValue<string>(out var name) && name == "null"),
        _ => false,
    };

    private void Describe(int n, JsonObject o, List<KeyValuePair<string, JsonNode?>> lost)
    {
        if (lost.Count == 0)
        {
            return;
        }

        var text = new StringBuilder("Not enforced during generation: ");
        for (var i = 0; i < lost.Count; i++)
        {
            var (key, value) = lost[i];
            var json = value?.ToJsonString() ?? "null";
            _budget.Step(1 + (json.Length / 64));
            Change(TransformChangeNames.ConstraintMovedToDescription, n, key, $"{key} is not supported by {_profile.Name}: it is described in the schema's description and checked only afterwards by the original schema",
                lost: true, value: value);
            if (i > 0)
            {
                text.Append("; ");
            }

            text.Append(key).Append(": ").Append(json);
        }

        var addition = text.Length > _options.MaxDescriptionAddition ? text.ToString(0, _options.MaxDescriptionAddition) + "…" : text.ToString();
        if (o["description"] is JsonValue existing && existing.TryGetValue<string>(out var description))
        {
            o["description"] = description + "\n\n" + addition;
        }
        else
        {
            o["description"] = addition;
        }
    }

    // ----- helpers ----------------------------------------------------------------------------------------------

    private bool KeepsBooleans() => !_profile.Has(RuleKind.BooleanSchemas) && !_profile.Has(RuleKind.TypeRequired);

    private JsonObject Cut()
    {
        var cut = new JsonObject { ["type"] = "null" };
        _cuts.Add(cut);
        return cut;
    }

    private bool IsCut(JsonNode node) => _cuts.Contains(node);

    private static HashSet<string> RequiredNames(in JsonElement schema)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required"u8, out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in required.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    names.Add(item.GetString()!);
                }
            }
        }

        return names;
    }

    private static List<string> TypesOf(JsonObject o) => o["type"] switch
    {
        JsonValue v when v.TryGetValue<string>(out var t) => [t],
        JsonArray a => a.Select(t => t is JsonValue v && v.TryGetValue<string>(out var name) ? name : null).Where(t => t is not null).Select(t => t!).ToList(),
        _ => [],
    };

    private static bool IsAssertion(string key)
    {
        var id = SchemaKeywords.Find(key);
        return id != KeywordId.Unknown && SchemaKeywords.Info(id).Category == KeywordCategory.Assertion;
    }

    private static JsonNode? Detach(JsonObject o, string key)
    {
        var value = o[key];
        o.Remove(key);
        return value;
    }

    private void Change(string name, int n, string? keyword, string message, bool lost, JsonNode? value = null)
    {
        if (!_changeSeen.Add((name, n, keyword)))
        {
            return; // inlined copies repeat their changes; each is reported once, where it is in the original
        }

        string pointer;
        var reportedKeyword = keyword;
        if (name == TransformChangeNames.PropertyMadeRequired && keyword is not null)
        {
            pointer = _linter.At(n, "properties", keyword);
            reportedKeyword = "required";
        }
        else if (keyword is null || name == TransformChangeNames.ConstraintMovedToDescription || _nodes[n].Element.ValueKind != JsonValueKind.Object)
        {
            pointer = _linter.Pointer(n);
        }
        else
        {
            pointer = _linter.At(n, keyword);
        }

        if (!_changeKeys.Add((name, pointer, reportedKeyword)))
        {
            return;
        }

        _changes.Add(new TransformChange(name, pointer, message, lost, reportedKeyword, value is null ? null : Shorten(value.ToJsonString())));
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>Strongly connected components of the subschema graph (iterative Tarjan), and which of them contain a cycle.</summary>
    private static (int[] Component, bool[] Cyclic) Components(int count, IReadOnlyList<LintEdge> edges)
    {
        var starts = new int[count + 1];
        foreach (var edge in edges)
        {
            starts[edge.From + 1]++;
        }

        for (var i = 0; i < count; i++)
        {
            starts[i + 1] += starts[i];
        }

        var targets = new int[edges.Count];
        var fill = (int[])starts.Clone();
        var selfLoop = new bool[count];
        foreach (var edge in edges)
        {
            targets[fill[edge.From]++] = edge.To;
            if (edge.From == edge.To)
            {
                selfLoop[edge.From] = true;
            }
        }

        var index = new int[count];
        var low = new int[count];
        var onStack = new bool[count];
        var component = new int[count];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var call = new Stack<(int Node, int Cursor)>();
        var next = 0;
        var cyclic = new List<bool>();
        for (var root = 0; root < count; root++)
        {
            if (index[root] >= 0)
            {
                continue;
            }

            call.Push((root, starts[root]));
            index[root] = low[root] = next++;
            stack.Push(root);
            onStack[root] = true;
            while (call.Count > 0)
            {
                var (node, cursor) = call.Pop();
                if (cursor < starts[node + 1])
                {
                    call.Push((node, cursor + 1));
                    var target = targets[cursor];
                    if (index[target] < 0)
                    {
                        index[target] = low[target] = next++;
                        stack.Push(target);
                        onStack[target] = true;
                        call.Push((target, starts[target]));
                    }
                    else if (onStack[target])
                    {
                        low[node] = Math.Min(low[node], index[target]);
                    }

                    continue;
                }

                if (call.Count > 0)
                {
                    var parent = call.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }

                if (low[node] == index[node])
                {
                    var id = cyclic.Count;
                    var size = 0;
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component[member] = id;
                        size++;
                    }
                    while (member != node);

                    cyclic.Add(size > 1 || selfLoop[node]);
                }
            }
        }

        return (component, [.. cyclic]);
    }
}
