using System.Buffers;
using System.Text.Json;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Artifacts;

/// <summary>One reason a prompt or its variables are refused: where (a JSON pointer) and why.</summary>
/// <param name="Pointer">Where: into the prompt as sent (<c>#/variables/properties/city</c>) for a refused prompt, into the variables (<c>#/items/2/name</c>) for refused variables.</param>
/// <param name="Message">Why.</param>
public sealed record PromptProblem(string Pointer, string Message);

/// <summary>A prompt that cannot be registered; <see cref="Problems"/> names every reason.</summary>
public sealed class PromptDefinitionException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public PromptDefinitionException(IReadOnlyList<PromptProblem> problems)
        : base(Describe(problems, "The prompt is not valid."))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception with one problem at the root.</summary>
    public PromptDefinitionException(string message)
        : this([new PromptProblem("#", message)])
    {
    }

    /// <summary>Creates an exception with a plain message.</summary>
    public PromptDefinitionException()
        : this("The prompt is not valid.")
    {
    }

    /// <summary>Creates an exception with a plain message and a cause.</summary>
    public PromptDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new PromptProblem("#", message)];
    }

    /// <summary>Every reason, in document order.</summary>
    public IReadOnlyList<PromptProblem> Problems { get; }

    internal static string Describe(IReadOnlyList<PromptProblem> problems, string fallback)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 0 ? fallback : string.Join("; ", problems.Select(p => $"{p.Pointer}: {p.Message}"));
    }
}

/// <summary>
/// Variables a prompt cannot be rendered with: refused by the variables schema (ill-typed, missing required, extra where
/// the schema closes the object), malformed, or missing or not writable where the template writes them.
/// <see cref="Problems"/> locates each in the variables document.
/// </summary>
public sealed class PromptVariablesException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public PromptVariablesException(IReadOnlyList<PromptProblem> problems)
        : base(PromptDefinitionException.Describe(problems, "The variables are not valid for the prompt."))
    {
        Problems = problems;
    }

    /// <summary>Creates an exception with a plain message.</summary>
    public PromptVariablesException()
        : this([])
    {
    }

    /// <summary>Creates the exception with one problem at the root.</summary>
    public PromptVariablesException(string message)
        : this([new PromptProblem("#", message)])
    {
    }

    /// <summary>Creates an exception with a plain message and a cause.</summary>
    public PromptVariablesException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new PromptProblem("#", message)];
    }

    /// <summary>Every reason (at most 100).</summary>
    public IReadOnlyList<PromptProblem> Problems { get; }
}

/// <summary>The output schema a prompt's answers follow: a subject, and a version or an alias of it (neither: the latest).</summary>
/// <param name="Subject">The subject of the output schema.</param>
/// <param name="Version">A version number, or null.</param>
/// <param name="Alias">An alias name (without <c>@</c>), or null.</param>
public sealed record PromptOutputReference(string Subject, int? Version, string? Alias);

/// <summary>
/// A prompt template with the variables it needs, the registry's canonical form for the <c>PROMPT</c> artifact type:
/// <c>{template, variables, output?, model?, description?}</c>.
/// </summary>
/// <remarks>
/// <para>The template is the Mustache subset of <see cref="PromptTemplate"/>.</para>
/// <para><b>No escaping.</b> Mustache HTML-escapes <c>{{x}}</c> (<c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>, <c>"</c>) because
/// it was made for web pages. A prompt is plain text read by a model: HTML entities would corrupt it (<c>a &lt; b</c> in
/// code, <c>Q&amp;A</c>, quotes in a quotation) and protect nothing, since a model reads <c>&amp;lt;</c> as <c>&lt;</c>
/// anyway and no escaping of text makes an injected instruction inert. So <c>{{x}}</c>, <c>{{{x}}}</c> and
/// <c>{{&amp; x}}</c> all write the value exactly as given; the triple and <c>&amp;</c> forms are accepted so templates
/// written for other Mustache engines keep working. Keeping untrusted text apart from instructions is the prompt's
/// design (delimiters, roles), not the template engine's.</para>
/// <para><b>Values.</b> Strings are written as they are, numbers as their JSON text, booleans as <c>true</c> or
/// <c>false</c>. A variable the template writes must be present: missing, null, an object or a list is an error naming it,
/// never an empty string. A section's name may be missing: it is then false (the section is skipped, an inverted section
/// is rendered). False, null and the empty list are false; every other value, <c>0</c> and <c>""</c> included, is true.</para>
/// <para><b>Variables schema.</b> When the prompt has no <c>variables</c>, the schema is inferred from the template (rules:
/// every name the template uses is required; see the documentation of the registry) and stored in the canonical form. When
/// it has, the schema must compile, have <c>"type": "object"</c> at its root and declare every name the template uses.</para>
/// </remarks>
public sealed class PromptArtifact
{
    private static readonly string[] Members = ["template", "variables", "output", "model", "description"];

    private PromptArtifact(PromptTemplate template, byte[] variables, bool inferred, CompiledSchema validator, PromptOutputReference? output, byte[]? model, string? description)
    {
        Template = template;
        Variables = variables;
        VariablesInferred = inferred;
        Validator = validator;
        Output = output;
        Model = model is null ? (ReadOnlyMemory<byte>?)null : model;
        Description = description;
    }

    /// <summary>The template.</summary>
    public PromptTemplate Template { get; }

    /// <summary>The JSON Schema of the variables (UTF-8 JSON): as sent, or inferred from the template.</summary>
    public ReadOnlyMemory<byte> Variables { get; }

    /// <summary>True when the prompt as sent had no <c>variables</c> and <see cref="Variables"/> was inferred.</summary>
    public bool VariablesInferred { get; }

    /// <summary>The compiled variables schema, which <see cref="Render(ReadOnlySpan{byte}, WorkBudget?, PromptRenderLimits?)"/> validates variables with.</summary>
    public CompiledSchema Validator { get; }

    /// <summary>The output schema's subject and version or alias, or null.</summary>
    public PromptOutputReference? Output { get; }

    /// <summary>Model settings in canonical form (<c>name</c>, <c>temperature</c>, <c>max_tokens</c> first, then the other settings by name), or null.</summary>
    public ReadOnlyMemory<byte>? Model { get; }

    /// <summary>What the prompt is for, or null.</summary>
    public string? Description { get; }

    /// <summary>
    /// Reads and checks a prompt; throws <see cref="PromptDefinitionException"/> naming every problem (a template syntax
    /// error with its line and column, a variables schema that does not compile or does not declare a name the
    /// template uses, a malformed output reference or model settings, an unknown member). Compiling the variables
    /// schema is charged to <paramref name="budget"/> when given (<see cref="TooComplexException"/> when it runs out).
    /// </summary>
    public static PromptArtifact Parse(ReadOnlyMemory<byte> json, SchemaCompilerOptions? compilerOptions = null, WorkBudget? budget = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new PromptDefinitionException($"The prompt is not JSON, or has a member twice (at {JsonPosition.Of(e)}).", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PromptDefinitionException("A prompt is a JSON object.");
            }

            var problems = new List<PromptProblem>();
            foreach (var member in root.EnumerateObject())
            {
                if (Array.IndexOf(Members, member.Name) < 0)
                {
                    problems.Add(new PromptProblem("#/" + PromptVariables.Escape(member.Name), $"unknown member '{Shorten(member.Name)}'; a prompt has {string.Join(", ", Members)}."));
                }
            }

            PromptTemplate? template = null;
            if (!root.TryGetProperty("template", out var t))
            {
                problems.Add(new PromptProblem("#/template", "'template' is required: the prompt's text, in the registry's Mustache subset."));
            }
            else if (t.ValueKind != JsonValueKind.String)
            {
                problems.Add(new PromptProblem("#/template", "'template' is a string."));
            }
            else
            {
                try
                {
                    template = PromptTemplate.Parse(t.GetString()!);
                }
                catch (PromptTemplateException e)
                {
                    problems.Add(new PromptProblem("#/template", e.Message));
                }
            }

            byte[]? variables = null;
            CompiledSchema? validator = null;
            var inferred = false;
            if (root.TryGetProperty("variables", out var v))
            {
                if (v.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(new PromptProblem("#/variables", "'variables' is a JSON Schema object."));
                }
                else
                {
                    if (!v.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("object"))
                    {
                        problems.Add(new PromptProblem("#/variables/type", "'variables' must have \"type\": \"object\" at its root: the variables are one JSON object."));
                    }

                    variables = Raw(v);
                    validator = Compile(variables, "#/variables", compilerOptions, budget, problems);
                    if (validator is not null && template is not null)
                    {
                        problems.AddRange(PromptVariables.Check(template, v, "#/variables"));
                    }
                }
            }
            else if (template is not null)
            {
                variables = PromptVariables.Infer(template);
                inferred = true;
                validator = Compile(variables, "#/variables", compilerOptions, budget, problems);
            }

            var output = root.TryGetProperty("output", out var o) ? ReadOutput(o, problems) : null;
            var model = root.TryGetProperty("model", out var m) ? ReadModel(m, problems) : null;
            string? description = null;
            if (root.TryGetProperty("description", out var d))
            {
                if (d.ValueKind != JsonValueKind.String)
                {
                    problems.Add(new PromptProblem("#/description", "'description' is a string."));
                }
                else
                {
                    description = d.GetString();
                }
            }

            if (problems.Count > 0)
            {
                throw new PromptDefinitionException(problems);
            }

            return new PromptArtifact(template!, variables!, inferred, validator!, output, model, description);
        }
    }

    /// <summary>The canonical form: <c>template</c>, <c>variables</c> (inferred ones included), <c>output</c>, <c>model</c>, <c>description</c>, in that order; schemas as sent.</summary>
    public byte[] ToCanonical()
    {
        var buffer = new ArrayBufferWriter<byte>(Template.Text.Length + Variables.Length + 256);
        using (var w = Writer(buffer))
        {
            w.WriteStartObject();
            w.WriteString("template", Template.Text);
            w.WritePropertyName("variables");
            w.WriteRawValue(Variables.Span, skipInputValidation: true);
            if (Output is { } output)
            {
                w.WriteStartObject("output");
                w.WriteString("subject", output.Subject);
                if (output.Version is { } version)
                {
                    w.WriteNumber("version", version);
                }

                if (output.Alias is { } alias)
                {
                    w.WriteString("alias", alias);
                }

                w.WriteEndObject();
            }

            if (Model is { } model)
            {
                w.WritePropertyName("model");
                w.WriteRawValue(model.Span, skipInputValidation: true);
            }

            if (Description is not null)
            {
                w.WriteString("description", Description);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Renders the prompt: validates <paramref name="variables"/> (UTF-8 JSON) against the variables schema, then writes
    /// the template. Throws <see cref="PromptVariablesException"/> when the variables are refused (each problem a pointer
    /// into the variables and a message) or when a variable the template writes is missing or not a string, number or
    /// boolean; <see cref="TooComplexException"/> when validation or rendering exceeds <paramref name="budget"/> (the
    /// request's; its cancellation is honoured) or <paramref name="limits"/> (output size, section depth).
    /// </summary>
    public string Render(ReadOnlySpan<byte> variables, WorkBudget? budget = null, PromptRenderLimits? limits = null)
    {
        budget ??= new WorkBudget();
        var result = Validator.Validate(variables, 100, budget);
        if (!result.IsValid)
        {
            var problems = new List<PromptProblem>(result.Errors.Count);
            foreach (var error in result.Errors)
            {
                problems.Add(new PromptProblem("#" + error.InstanceLocation, error.Message));
            }

            if (problems.Count == 0)
            {
                problems.Add(new PromptProblem("#", "the variables are not valid for the prompt's variables schema."));
            }

            throw new PromptVariablesException(problems);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(variables.ToArray(), new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            // The validator read it; only a limit of the parser differs.
            throw new PromptVariablesException($"The variables could not be read (at {JsonPosition.Of(e)}): they nest too deeply.", e);
        }

        using (document)
        {
            return PromptRenderer.Render(Template, document.RootElement, limits, budget);
        }
    }

    /// <summary>As <see cref="Render(ReadOnlySpan{byte}, WorkBudget?, PromptRenderLimits?)"/>, under the default work limits and <paramref name="cancellationToken"/>.</summary>
    public string Render(ReadOnlySpan<byte> variables, CancellationToken cancellationToken) =>
        Render(variables, new WorkBudget(null, cancellationToken));

    private static CompiledSchema? Compile(byte[] schema, string pointer, SchemaCompilerOptions? options, WorkBudget? budget, List<PromptProblem> problems)
    {
        var compiled = SchemaCompiler.Compile(schema, options, budget);
        foreach (var error in compiled.Errors)
        {
            problems.Add(new PromptProblem(pointer + error.SchemaLocation.TrimStart('#'), error.Message));
        }

        return compiled.Schema;
    }

    private static PromptOutputReference? ReadOutput(JsonElement value, List<PromptProblem> problems)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new PromptProblem("#/output", "'output' is an object: {\"subject\": ..., \"version\": n} or {\"subject\": ..., \"alias\": name}."));
            return null;
        }

        var count = problems.Count;
        foreach (var member in value.EnumerateObject())
        {
            if (member.Name is not ("subject" or "version" or "alias"))
            {
                problems.Add(new PromptProblem("#/output/" + PromptVariables.Escape(member.Name), $"unknown member '{Shorten(member.Name)}'; 'output' has subject, version, alias."));
            }
        }

        string? subject = null;
        if (!value.TryGetProperty("subject", out var s) || s.ValueKind != JsonValueKind.String || s.GetString()!.Length == 0)
        {
            problems.Add(new PromptProblem("#/output/subject", "'subject' is required: the non-empty name of the output schema's subject."));
        }
        else
        {
            subject = s.GetString();
        }

        int? version = null;
        if (value.TryGetProperty("version", out var n))
        {
            if (n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var number) && number >= 1)
            {
                version = number;
            }
            else
            {
                problems.Add(new PromptProblem("#/output/version", "'version' is a version number (an integer from 1)."));
            }
        }

        string? alias = null;
        if (value.TryGetProperty("alias", out var a))
        {
            if (a.ValueKind == JsonValueKind.String && a.GetString()!.Length > 0)
            {
                alias = a.GetString();
            }
            else
            {
                problems.Add(new PromptProblem("#/output/alias", "'alias' is the non-empty name of an alias of the subject."));
            }
        }

        if (value.TryGetProperty("version", out _) && value.TryGetProperty("alias", out _))
        {
            problems.Add(new PromptProblem("#/output", "'output' names a version or an alias, not both."));
        }

        return problems.Count == count ? new PromptOutputReference(subject!, version, alias) : null;
    }

    private static byte[]? ReadModel(JsonElement value, List<PromptProblem> problems)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new PromptProblem("#/model", "'model' is an object of model settings."));
            return null;
        }

        var count = problems.Count;
        if (value.TryGetProperty("name", out var name) && (name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0))
        {
            problems.Add(new PromptProblem("#/model/name", "'name' is the non-empty name of a model."));
        }

        if (value.TryGetProperty("temperature", out var temperature) && (temperature.ValueKind != JsonValueKind.Number || temperature.GetDouble() < 0))
        {
            problems.Add(new PromptProblem("#/model/temperature", "'temperature' is a number, 0 or more."));
        }

        if (value.TryGetProperty("max_tokens", out var maxTokens) && (maxTokens.ValueKind != JsonValueKind.Number || !maxTokens.TryGetInt64(out var tokens) || tokens < 1))
        {
            problems.Add(new PromptProblem("#/model/max_tokens", "'max_tokens' is an integer, 1 or more."));
        }

        var names = new List<string>();
        foreach (var member in value.EnumerateObject())
        {
            names.Add(member.Name);
        }

        if (problems.Count > count)
        {
            return null;
        }

        // Canonical order: the known settings first, then the others by ordinal name; values as sent.
        names.Sort(static (a, b) => Rank(a) != Rank(b) ? Rank(a).CompareTo(Rank(b)) : string.CompareOrdinal(a, b));
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = Writer(buffer))
        {
            w.WriteStartObject();
            foreach (var key in names)
            {
                w.WritePropertyName(key);
                value.GetProperty(key).WriteTo(w);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();

        static int Rank(string key) => key switch
        {
            "name" => 0,
            "temperature" => 1,
            "max_tokens" => 2,
            _ => 3,
        };
    }

    private static Utf8JsonWriter Writer(ArrayBufferWriter<byte> buffer) =>
        new(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static byte[] Raw(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = Writer(buffer))
        {
            value.WriteTo(w);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "...");
}
