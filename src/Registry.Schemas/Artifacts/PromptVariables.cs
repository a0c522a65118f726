using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Registry.Schemas.Artifacts;

/// <summary>
/// The variables schema of a template: inferred when the prompt declares none, and a declared one checked against
/// what the template uses.
/// </summary>
/// <remarks>
/// Inference rules (conservative: every name the template uses is required, nothing else is constrained, extra
/// variables are allowed):
/// <list type="bullet">
/// <item>A name the template writes (<c>{{x}}</c>) is a string, number or boolean.</item>
/// <item>A name used only as a section or inverted section with no names inside it (<c>{{#flag}}...{{/flag}}</c>) is a boolean.</item>
/// <item>A section whose body writes <c>{{.}}</c> and no other name of the item is a list of strings, numbers or booleans.</item>
/// <item>A section with names inside is a list of objects or one object, each with those names as required members
/// (<c>{"type":["array","object"], "items": {...}, "properties": {...}}</c>: <c>items</c> applies to a list,
/// <c>properties</c> to an object).</item>
/// <item>A dotted name <c>{{a.b}}</c> makes <c>a</c> an object with the required member <c>b</c> (one object, even when
/// <c>a</c> is also a section: a list has no member <c>b</c>).</item>
/// <item>A name inside a section is a member of the section's item, unless its first part is used outside every
/// section (then it is the top-level variable) or names an enclosing section (then it is looked up where that section
/// is), as Mustache looks names up through the enclosing contexts. Inverted sections push no item: names inside them
/// belong where the inverted section is.</item>
/// <item>A name used in ways that contradict (written as a value and used as an object) is left unconstrained.</item>
/// </list>
/// Declare <c>variables</c> when these rules do not say what is meant (a flag that wraps other variables, an optional variable).
/// </remarks>
internal static class PromptVariables
{
    private sealed class Usage
    {
        public bool Written;
        public bool Section;
        public bool Inverted;
        public bool Implicit;
        public bool Dotted;
        public readonly List<string> Order = [];
        public readonly Dictionary<string, Usage> Members = new(StringComparer.Ordinal);

        public Usage Member(string name)
        {
            if (!Members.TryGetValue(name, out var usage))
            {
                usage = new Usage();
                Members[name] = usage;
                Order.Add(name);
            }

            return usage;
        }
    }

    /// <summary>A scope names are looked up in: the usage its names land in, and the section name that opened it.</summary>
    private readonly record struct Scope(Usage Usage, string? SectionFirstPart, int Parent);

    /// <summary>The inferred variables schema of <paramref name="template"/>, as UTF-8 JSON.</summary>
    public static byte[] Infer(PromptTemplate template)
    {
        var topLevel = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in template.Nodes)
        {
            TopLevel(node, topLevel);
        }

        var root = new Usage();
        var scopes = new List<Scope> { new(root, null, -1) };
        Walk(template.Nodes, scopes, 0, topLevel);

        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("type", "object");
            WriteMembers(w, root);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Names whose first part is used outside every section (sections included) belong to the top level.</summary>
    private static void TopLevel(TemplateNode node, HashSet<string> names)
    {
        switch (node)
        {
            case VariableNode { Name.IsImplicit: false } v:
                names.Add(v.Name.Parts[0]);
                break;
            case SectionNode s:
                if (!s.Name.IsImplicit)
                {
                    names.Add(s.Name.Parts[0]);
                }

                // An inverted section pushes nothing: what it writes is written at the level it is at.
                if (s.Inverted)
                {
                    foreach (var child in s.Children)
                    {
                        TopLevel(child, names);
                    }
                }

                break;
        }
    }

    private static void Walk(List<TemplateNode> nodes, List<Scope> scopes, int current, HashSet<string> topLevel)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case VariableNode v:
                    if (v.Name.IsImplicit)
                    {
                        scopes[current].Usage.Implicit |= current > 0;
                    }
                    else
                    {
                        Place(v.Name, scopes, current, topLevel).Written = true;
                    }

                    break;
                case SectionNode s:
                {
                    if (s.Name.IsImplicit)
                    {
                        // {{#.}} goes through the current item: its names stay in the current scope.
                        scopes[current].Usage.Implicit |= current > 0;
                        Walk(s.Children, scopes, current, topLevel);
                        break;
                    }

                    var usage = Place(s.Name, scopes, current, topLevel);
                    if (s.Inverted)
                    {
                        usage.Inverted = true;
                        Walk(s.Children, scopes, current, topLevel);
                    }
                    else
                    {
                        usage.Section = true;
                        scopes.Add(new Scope(usage, s.Name.Parts[^1], current));
                        Walk(s.Children, scopes, scopes.Count - 1, topLevel);
                    }

                    break;
                }
            }
        }
    }

    /// <summary>The usage node a name lands in, created along its dotted path.</summary>
    private static Usage Place(TemplateName name, List<Scope> scopes, int current, HashSet<string> topLevel)
    {
        var first = name.Parts[0];
        var target = current;
        if (current > 0)
        {
            if (topLevel.Contains(first))
            {
                target = 0;
            }
            else
            {
                // A name that names an enclosing section is found where that section's value is.
                for (var s = current; s > 0; s = scopes[s].Parent)
                {
                    if (string.Equals(scopes[s].SectionFirstPart, first, StringComparison.Ordinal))
                    {
                        target = scopes[s].Parent;
                        break;
                    }
                }
            }
        }

        var usage = scopes[target].Usage;
        for (var p = 0; p < name.Parts.Length; p++)
        {
            // A dotted name reads members of one object: a list has none.
            usage.Dotted |= p > 0;
            usage = usage.Member(name.Parts[p]);
        }

        return usage;
    }

    private static void WriteMembers(Utf8JsonWriter w, Usage usage)
    {
        w.WriteStartObject("properties");
        foreach (var name in usage.Order)
        {
            w.WritePropertyName(name);
            WriteSchema(w, usage.Members[name]);
        }

        w.WriteEndObject();
        w.WriteStartArray("required");
        foreach (var name in usage.Order)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
    }

    private static void WriteSchema(Utf8JsonWriter w, Usage usage)
    {
        w.WriteStartObject();
        var hasMembers = usage.Members.Count > 0;
        if (usage.Written && hasMembers)
        {
            // Written as a value and used as an object: contradictory, left unconstrained.
        }
        else if (hasMembers && usage.Section && !usage.Dotted)
        {
            w.WriteStartArray("type");
            w.WriteStringValue("array");
            w.WriteStringValue("object");
            w.WriteEndArray();
            w.WriteStartObject("items");
            w.WriteString("type", "object");
            WriteMembers(w, usage);
            w.WriteEndObject();
            WriteMembers(w, usage);
        }
        else if (hasMembers)
        {
            w.WriteString("type", "object");
            WriteMembers(w, usage);
        }
        else if (usage.Section && usage.Implicit && !usage.Written)
        {
            w.WriteString("type", "array");
            w.WriteStartObject("items");
            WriteScalarType(w);
            w.WriteEndObject();
        }
        else if (usage.Written)
        {
            WriteScalarType(w);
        }
        else
        {
            w.WriteString("type", "boolean");
        }

        w.WriteEndObject();
    }

    private static void WriteScalarType(Utf8JsonWriter w)
    {
        w.WriteStartArray("type");
        w.WriteStringValue("string");
        w.WriteStringValue("number");
        w.WriteStringValue("boolean");
        w.WriteEndArray();
    }

    /// <summary>A schema a name may be looked up in: its subschema and the JSON pointer of that subschema in the prompt.</summary>
    private readonly record struct Declared(JsonElement Schema, string Pointer);

    /// <summary>
    /// Every name the template uses that <paramref name="variables"/> does not declare, as problems located where the
    /// declaration is missing. Declared means: listed under <c>properties</c> of the schema at that level, or of a
    /// branch of its <c>allOf</c>, <c>anyOf</c> or <c>oneOf</c>, following local <c>$ref</c>s; inside a section, of
    /// the section's <c>items</c> or of the section's schema itself (a list or an object), then of the enclosing levels.
    /// </summary>
    public static List<PromptProblem> Check(PromptTemplate template, JsonElement variables, string pointer)
    {
        var problems = new List<PromptProblem>();
        var scopes = new List<List<Declared>> { new() { new Declared(variables, pointer) } };
        CheckNodes(template.Nodes, scopes, variables, pointer, problems);
        return problems;
    }

    private static void CheckNodes(List<TemplateNode> nodes, List<List<Declared>> scopes, JsonElement root, string rootPointer, List<PromptProblem> problems)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case VariableNode v when !v.Name.IsImplicit:
                    Lookup(v.Name, v.Tag, v, scopes, root, rootPointer, problems);
                    break;
                case SectionNode s:
                {
                    if (s.Name.IsImplicit || s.Inverted)
                    {
                        if (!s.Name.IsImplicit)
                        {
                            Lookup(s.Name, s.Tag, s, scopes, root, rootPointer, problems);
                        }

                        CheckNodes(s.Children, scopes, root, rootPointer, problems);
                        break;
                    }

                    var found = Lookup(s.Name, s.Tag, s, scopes, root, rootPointer, problems);
                    var inner = new List<Declared>();
                    foreach (var declared in found)
                    {
                        inner.Add(declared);
                        foreach (var item in Subschemas(declared, root, rootPointer))
                        {
                            if (item.Schema.ValueKind == JsonValueKind.Object && item.Schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
                            {
                                inner.Add(new Declared(items, item.Pointer + "/items"));
                            }
                        }
                    }

                    scopes.Add(inner);
                    CheckNodes(s.Children, scopes, root, rootPointer, problems);
                    scopes.RemoveAt(scopes.Count - 1);
                    break;
                }
            }
        }
    }

    /// <summary>The declared subschemas of <paramref name="name"/>; adds a problem and returns none when it is not declared.</summary>
    private static List<Declared> Lookup(TemplateName name, string tag, TemplateNode node, List<List<Declared>> scopes, JsonElement root, string rootPointer, List<PromptProblem> problems)
    {
        for (var s = scopes.Count - 1; s >= 0; s--)
        {
            var found = Members(scopes[s], name.Parts[0], root, rootPointer);
            if (found.Count == 0)
            {
                continue;
            }

            for (var p = 1; p < name.Parts.Length; p++)
            {
                var next = Members(found, name.Parts[p], root, rootPointer);
                if (next.Count == 0)
                {
                    problems.Add(new PromptProblem(found[0].Pointer + "/properties/" + Escape(name.Parts[p]), string.Create(CultureInfo.InvariantCulture,
                        $"'{tag}' (line {node.Line}, column {node.Column}) uses '{name.Text}', but the variables schema does not declare the member '{name.Parts[p]}' of '{string.Join('.', name.Parts[..p])}'.")));
                    return [];
                }

                found = next;
            }

            return found;
        }

        var where = scopes[^1].Count > 0 ? scopes[^1][^1].Pointer : rootPointer;
        problems.Add(new PromptProblem(where + "/properties/" + Escape(name.Parts[0]), string.Create(CultureInfo.InvariantCulture,
            $"'{tag}' (line {node.Line}, column {node.Column}) uses the variable '{name.Text}', which the variables schema does not declare.")));
        return [];
    }

    private static List<Declared> Members(List<Declared> scope, string name, JsonElement root, string rootPointer)
    {
        var found = new List<Declared>();
        foreach (var declared in scope)
        {
            foreach (var schema in Subschemas(declared, root, rootPointer))
            {
                if (schema.Schema.ValueKind == JsonValueKind.Object
                    && schema.Schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                    && properties.TryGetProperty(name, out var member))
                {
                    found.Add(new Declared(member, schema.Pointer + "/properties/" + Escape(name)));
                }
            }
        }

        return found;
    }

    /// <summary>
    /// The schema and the branches of its <c>allOf</c>, <c>anyOf</c>, <c>oneOf</c> and local <c>$ref</c>, recursively;
    /// each subschema once (references may cycle), and at most 1,000 of them (a hostile schema may fan out).
    /// </summary>
    private static List<Declared> Subschemas(Declared start, JsonElement root, string rootPointer)
    {
        var result = new List<Declared>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Declared>();
        pending.Push(start);
        while (pending.Count > 0 && result.Count < 1000)
        {
            var declared = pending.Pop();
            if (!seen.Add(declared.Pointer))
            {
                continue;
            }

            result.Add(declared);
            if (declared.Schema.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var keyword in (string[])["allOf", "anyOf", "oneOf"])
            {
                if (declared.Schema.TryGetProperty(keyword, out var branches) && branches.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var branch in branches.EnumerateArray())
                    {
                        pending.Push(new Declared(branch, declared.Pointer + "/" + keyword + "/" + index.ToString(CultureInfo.InvariantCulture)));
                        index++;
                    }
                }
            }

            if (declared.Schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String
                && reference.GetString() is { } text && text.StartsWith('#') && ResolvePointer(root, text[1..]) is { } target)
            {
                pending.Push(new Declared(target, rootPointer + text[1..]));
            }
        }

        return result;
    }

    private static JsonElement? ResolvePointer(JsonElement root, string pointer)
    {
        if (pointer.Length == 0)
        {
            return root;
        }

        if (pointer[0] != '/')
        {
            return null;
        }

        var current = root;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    internal static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
