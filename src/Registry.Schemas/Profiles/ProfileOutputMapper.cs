// Over 500 lines on purpose: maps a profile-shaped answer back to the original schema's shape, one rule per transform the
// rewriter applies (null for absent, unwrapped unions, inlined references); it mirrors SchemaRewriter case by case.
using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Registry.Schemas.Profiles.Lint;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Profiles;

/// <summary>
/// Maps a model's output, produced under a profile's transformed schema, back to the shape of the original schema so
/// that the original (with every constraint the provider did not enforce) validates it. For profiles whose transform
/// makes optional properties required and nullable (<c>openai-strict</c>), a <c>null</c> for a property that is
/// optional at that position of the original is read as "absent"; for the other profiles the shape is unchanged.
/// </summary>
/// <remarks>
/// Which properties are optional at an instance position is decided from the original schema and the position alone
/// (every schema that can apply there: properties, pattern and additional properties, items, and the in-place
/// applicators and references of each), never from the values, so the mapping is a fixed function: for a document
/// that sends no explicit <c>null</c> for such a property, <see cref="TryToOriginalShape"/> inverts
/// <see cref="TryToProfileShape"/> exactly. Thread-safe once created.
/// </remarks>
public sealed class ProfileOutputMapper
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    private readonly MapperNode[] _nodes;
    private readonly int _maxDepth;

    private ProfileOutputMapper(Profile profile, MapperNode[] nodes, bool changesShape, int maxDepth)
    {
        Profile = profile;
        _nodes = nodes;
        ChangesShape = changesShape;
        _maxDepth = maxDepth;
    }

    /// <summary>The profile mapped from.</summary>
    public Profile Profile { get; }

    /// <summary>True when the profile's transform changes the documents' shape (optional properties sent as <c>null</c>).</summary>
    public bool ChangesShape { get; }

    /// <summary>
    /// Builds the mapper for <paramref name="originalSchema"/>. Throws <see cref="ArgumentException"/> when the schema is
    /// not valid JSON and <see cref="InvalidOperationException"/> when it is too complex to analyse.
    /// </summary>
    public static ProfileOutputMapper Create(
        ReadOnlyMemory<byte> originalSchema,
        Profile profile,
        ISchemaResolver? resolver = null,
        ProfileLintOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        options ??= ProfileLintOptions.Default;
        var changesShape = profile.Has(RuleKind.AllPropertiesRequired);
        if (!changesShape)
        {
            return new ProfileOutputMapper(profile, [], false, options.MaxDepth);
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(originalSchema, new JsonDocumentOptions { MaxDepth = options.MaxDepth });
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The schema is not valid JSON.", nameof(originalSchema), e);
        }

        var budget = new LintBudget(options.MaxSteps, cancellationToken);
        using var linter = new SchemaLinter(profile, options, resolver, budget);
        try
        {
            linter.Run(json, originalSchema);
            return new ProfileOutputMapper(profile, Build(linter, budget), true, options.MaxDepth);
        }
        catch (StepBudgetExceededException e)
        {
            throw new InvalidOperationException("The schema is too complex to analyse.", e);
        }
    }

    /// <summary>
    /// The document the model meant: <paramref name="output"/> with every <c>null</c> for an originally optional property
    /// removed. Returns false when <paramref name="output"/> is not valid JSON.
    /// </summary>
    public bool TryToOriginalShape(ReadOnlySpan<byte> output, out byte[] document)
    {
        if (!ChangesShape)
        {
            document = output.ToArray();
            return IsJson(output);
        }

        if (!TryParse(output, out var node))
        {
            document = output.ToArray();
            return false;
        }

        Decode(node, Closure([0]));
        document = Write(node);
        return true;
    }

    /// <summary>
    /// The document as the transformed schema shapes it: every originally optional property that is absent sent as
    /// <c>null</c>. Returns false when <paramref name="document"/> is not valid JSON or sends an explicit <c>null</c>
    /// for such a property (the transformed shape cannot tell it from "absent").
    /// </summary>
    public bool TryToProfileShape(ReadOnlySpan<byte> document, out byte[] output)
    {
        output = document.ToArray();
        if (!ChangesShape)
        {
            return IsJson(document);
        }

        if (!TryParse(document, out var node) || !Encode(node, Closure([0])))
        {
            return false;
        }

        output = Write(node);
        return true;
    }

    /// <summary>Pass/fail validation of a model's output through the mapping, by the original schema.</summary>
    public ValidationOutcome Evaluate(CompiledSchema original, ReadOnlySpan<byte> output)
    {
        ArgumentNullException.ThrowIfNull(original);
        return TryToOriginalShape(output, out var document) ? original.Evaluate(document) : original.Evaluate(output);
    }

    /// <summary>Full validation of a model's output through the mapping, by the original schema (error locations refer to the mapped document).</summary>
    public ValidationResult Validate(CompiledSchema original, ReadOnlySpan<byte> output, int maxErrors = 100)
    {
        ArgumentNullException.ThrowIfNull(original);
        return TryToOriginalShape(output, out var document) ? original.Validate(document, maxErrors) : original.Validate(output, maxErrors);
    }

    // ----- the walk over documents ----------------------------------------------------------------------------------

    private void Decode(JsonNode? node, List<int> candidates)
    {
        switch (node)
        {
            case JsonObject obj:
                var optional = OptionalNames(candidates);
                foreach (var (name, value) in obj.ToArray())
                {
                    if (value is null && optional.Contains(name))
                    {
                        obj.Remove(name);
                    }
                    else if (value is JsonObject or JsonArray)
                    {
                        Decode(value, Closure(PropertyTargets(candidates, name)));
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject or JsonArray)
                    {
                        Decode(array[i], Closure(ItemTargets(candidates, i)));
                    }
                }

                break;
        }
    }

    private bool Encode(JsonNode? node, List<int> candidates)
    {
        switch (node)
        {
            case JsonObject obj:
                var optional = OptionalNames(candidates);
                foreach (var (name, value) in obj.ToArray())
                {
                    if (value is null && optional.Contains(name))
                    {
                        return false; // an explicit null here would read back as "absent"
                    }

                    if (value is JsonObject or JsonArray && !Encode(value, Closure(PropertyTargets(candidates, name))))
                    {
                        return false;
                    }
                }

                foreach (var name in OptionalOrder(candidates))
                {
                    if (!obj.ContainsKey(name))
                    {
                        obj[name] = null;
                    }
                }

                return true;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject or JsonArray && !Encode(array[i], Closure(ItemTargets(candidates, i))))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private HashSet<string> OptionalNames(List<int> candidates)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            names.UnionWith(_nodes[candidate].Optional);
        }

        return names;
    }

    private List<string> OptionalOrder(List<int> candidates)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var candidate in candidates)
        {
            foreach (var name in _nodes[candidate].Optional)
            {
                if (seen.Add(name))
                {
                    names.Add(name);
                }
            }
        }

        return names;
    }

    private List<int> PropertyTargets(List<int> candidates, string name)
    {
        var targets = new List<int>();
        foreach (var candidate in candidates)
        {
            var schema = _nodes[candidate];
            var declared = schema.Properties.TryGetValue(name, out var property);
            if (declared)
            {
                targets.Add(property);
            }

            var matched = false;
            foreach (var (pattern, target) in schema.PatternProperties)
            {
                if (Matches(pattern, name))
                {
                    targets.Add(target);
                    matched = true;
                }
            }

            if (!declared && !matched && schema.AdditionalProperties >= 0)
            {
                targets.Add(schema.AdditionalProperties);
            }

            if (schema.UnevaluatedProperties >= 0)
            {
                targets.Add(schema.UnevaluatedProperties);
            }
        }

        return targets;
    }

    private List<int> ItemTargets(List<int> candidates, int index)
    {
        var targets = new List<int>();
        foreach (var candidate in candidates)
        {
            var schema = _nodes[candidate];
            if (index < schema.PrefixItems.Length)
            {
                targets.Add(schema.PrefixItems[index]);
            }
            else if (schema.Items >= 0)
            {
                targets.Add(schema.Items);
            }

            foreach (var other in (ReadOnlySpan<int>)[schema.Contains, schema.UnevaluatedItems])
            {
                if (other >= 0)
                {
                    targets.Add(other);
                }
            }
        }

        return targets;
    }

    /// <summary>The schemas that apply in place of <paramref name="start"/>: in-place applicators and references, transitively.</summary>
    private List<int> Closure(List<int> start)
    {
        var seen = new HashSet<int>();
        var result = new List<int>();
        var stack = new Stack<int>(start);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!seen.Add(node))
            {
                continue;
            }

            result.Add(node);
            foreach (var next in _nodes[node].InPlace)
            {
                stack.Push(next);
            }
        }

        result.Sort();
        return result;
    }

    private static bool Matches(Regex? pattern, string name)
    {
        if (pattern is null)
        {
            return false;
        }

        try
        {
            return pattern.IsMatch(name);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private bool TryParse(ReadOnlySpan<byte> json, out JsonNode? node)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = _maxDepth });
            node = JsonNode.Parse(ref reader, NodeOptions);
            return !reader.Read() || reader.TokenType == JsonTokenType.None;
        }
        catch (JsonException)
        {
            node = null;
            return false;
        }
    }

    private bool IsJson(ReadOnlySpan<byte> json) => TryParse(json, out _);

    private static byte[] Write(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (node is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                node.WriteTo(writer);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    // ----- what is kept of the schema -------------------------------------------------------------------------------

    private sealed class MapperNode
    {
        public string[] Optional = [];
        public Dictionary<string, int> Properties = new(StringComparer.Ordinal);
        public List<(Regex? Pattern, int Target)> PatternProperties = [];
        public int AdditionalProperties = -1;
        public int UnevaluatedProperties = -1;
        public int[] PrefixItems = [];
        public int Items = -1;
        public int Contains = -1;
        public int UnevaluatedItems = -1;
        public List<int> InPlace = [];
    }

    private static MapperNode[] Build(SchemaLinter linter, LintBudget budget)
    {
        var nodes = linter.Nodes;
        var result = new MapperNode[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            result[i] = new MapperNode();
        }

        var prefix = new Dictionary<int, SortedDictionary<int, int>>();
        for (var i = 0; i < nodes.Length; i++)
        {
            budget.Step();
            var node = nodes[i];
            if (node.Parent < 0)
            {
                continue;
            }

            var parent = result[node.Parent];
            switch (node.Keyword)
            {
                case "properties" when node.HasName:
                    parent.Properties.TryAdd(node.Name.Name, i);
                    break;
                case "patternProperties" when node.HasName:
                    parent.PatternProperties.Add((Compile(node.Name.Name), i));
                    break;
                case "additionalProperties":
                    parent.AdditionalProperties = i;
                    break;
                case "unevaluatedProperties":
                    parent.UnevaluatedProperties = i;
                    break;
                case "prefixItems" when node.Index >= 0:
                case "items" when node.Index >= 0:
                    if (!prefix.TryGetValue(node.Parent, out var items))
                    {
                        prefix[node.Parent] = items = [];
                    }

                    items[node.Index] = i;
                    break;
                case "items":
                case "additionalItems":
                    parent.Items = i;
                    break;
                case "contains":
                    parent.Contains = i;
                    break;
                case "unevaluatedItems":
                    parent.UnevaluatedItems = i;
                    break;
            }
        }

        foreach (var (parent, items) in prefix)
        {
            result[parent].PrefixItems = [.. items.Values];
        }

        foreach (var edge in linter.Edges)
        {
            if (edge.Kind is EdgeKind.InPlace or EdgeKind.Ref)
            {
                result[edge.From].InPlace.Add(edge.To);
            }
        }

        for (var i = 0; i < nodes.Length; i++)
        {
            var element = nodes[i].Element;
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("properties"u8, out var properties) || properties.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var required = new HashSet<string>(StringComparer.Ordinal);
            if (element.TryGetProperty("required"u8, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        required.Add(item.GetString()!);
                    }
                }
            }

            var optional = new List<string>();
            foreach (var property in properties.EnumerateObject())
            {
                if (!required.Contains(property.Name))
                {
                    optional.Add(property.Name);
                }
            }

            result[i].Optional = [.. optional];
        }

        return result;
    }

    private static Regex? Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
