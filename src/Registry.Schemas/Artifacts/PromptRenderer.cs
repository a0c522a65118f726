using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Registry.Schemas.Artifacts;

/// <summary>
/// Limits of one render, beside the request's <see cref="WorkBudget"/> (whose steps each emitted node and each list
/// iteration is charged one of, and whose cancellation is honoured in every loop). Exceeding any ends the render with
/// <see cref="TooComplexException"/>.
/// </summary>
public sealed record PromptRenderLimits
{
    /// <summary>The defaults used when nothing else is configured.</summary>
    public static PromptRenderLimits Default { get; } = new();

    /// <summary>Most bytes (UTF-8) of rendered text: 1 MiB by default.</summary>
    public int MaxOutputBytes { get; init; } = 1024 * 1024;

    /// <summary>Most sections open at once while rendering: <see cref="PromptTemplate.MaxNesting"/> by default.</summary>
    public int MaxSectionDepth { get; init; } = PromptTemplate.MaxNesting;
}

/// <summary>Renders a parsed template against a variables document (already validated against the variables schema).</summary>
internal sealed class PromptRenderer
{
    private const string Operation = "rendering the prompt";
    private const int MaxProblems = 100;

    private readonly PromptRenderLimits _limits;
    private readonly WorkBudget _budget;
    private readonly StringBuilder _output = new();
    private readonly List<(JsonElement Value, string Pointer)> _stack = [];
    private readonly List<PromptProblem> _problems = [];
    private long _outputBytes;

    private PromptRenderer(PromptRenderLimits limits, WorkBudget budget)
    {
        _limits = limits;
        _budget = budget;
    }

    /// <summary>The text, or <see cref="PromptVariablesException"/> naming every variable that could not be rendered.</summary>
    public static string Render(PromptTemplate template, JsonElement variables, PromptRenderLimits? limits, WorkBudget? budget)
    {
        var renderer = new PromptRenderer(limits ?? PromptRenderLimits.Default, budget ?? new WorkBudget());
        renderer._stack.Add((variables, "#"));
        renderer.Emit(template.Nodes);
        if (renderer._problems.Count > 0)
        {
            throw new PromptVariablesException(renderer._problems);
        }

        return renderer._output.ToString();
    }

    private void Emit(List<TemplateNode> nodes)
    {
        foreach (var node in nodes)
        {
            Step();
            switch (node)
            {
                case TextNode text:
                    Append(text.Text, text.Utf8Length);
                    break;
                case VariableNode variable:
                    Interpolate(variable);
                    break;
                case SectionNode section:
                    Section(section);
                    break;
            }
        }
    }

    private void Interpolate(VariableNode variable)
    {
        if (!Resolve(variable.Name, out var value, out var pointer))
        {
            Problem(pointer, variable, $"the variable '{variable.Name.Text}' is missing; a variable that the template writes must be given (it is never rendered as an empty string).");
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                Append(text, Encoding.UTF8.GetByteCount(text));
                break;
            case JsonValueKind.Number:
                var number = value.GetRawText();
                Append(number, number.Length);
                break;
            case JsonValueKind.True:
                Append("true", 4);
                break;
            case JsonValueKind.False:
                Append("false", 5);
                break;
            default:
                var kind = value.ValueKind switch
                {
                    JsonValueKind.Object => "an object",
                    JsonValueKind.Array => "an array",
                    _ => "null",
                };
                Problem(pointer, variable, $"the variable '{variable.Name.Text}' is {kind}; only strings, numbers and booleans are written into the text (use a section to go through an object or a list).");
                break;
        }
    }

    private void Section(SectionNode section)
    {
        var found = Resolve(section.Name, out var value, out var pointer);
        var truthy = found && value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => false,
            JsonValueKind.Array => value.GetArrayLength() > 0,
            _ => true,
        };
        if (section.Inverted)
        {
            if (!truthy)
            {
                Enter(section, default, null);
            }

            return;
        }

        if (!truthy)
        {
            return;
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Step();
                Enter(section, item, pointer + "/" + index.ToString(CultureInfo.InvariantCulture));
                index++;
            }
        }
        else
        {
            Enter(section, value, pointer);
        }
    }

    /// <summary>Renders a section's children, with <paramref name="context"/> pushed unless <paramref name="pointer"/> is null (inverted sections push nothing).</summary>
    private void Enter(SectionNode section, JsonElement context, string? pointer)
    {
        if (_stack.Count > _limits.MaxSectionDepth)
        {
            throw new TooComplexException(string.Create(CultureInfo.InvariantCulture,
                $"Rendering the prompt opens more than {_limits.MaxSectionDepth} nested sections, the most one render may (at '{section.Tag}', line {section.Line}, column {section.Column})."));
        }

        if (pointer is not null)
        {
            _stack.Add((context, pointer));
        }
        else
        {
            // Inverted sections push no context but count towards the depth: the top entry is repeated.
            _stack.Add(_stack[^1]);
        }

        try
        {
            Emit(section.Children);
        }
        finally
        {
            _stack.RemoveAt(_stack.Count - 1);
        }
    }

    /// <summary>
    /// Mustache's name resolution: <c>.</c> is the top context; otherwise the first part is looked up in the contexts
    /// from the innermost out (objects only), and every further part in the value found.
    /// </summary>
    private bool Resolve(TemplateName name, out JsonElement value, out string pointer)
    {
        var (top, topPointer) = _stack[^1];
        if (name.IsImplicit)
        {
            value = top;
            pointer = topPointer;
            return true;
        }

        var first = name.Parts[0];
        for (var i = _stack.Count - 1; i >= 0; i--)
        {
            var (context, contextPointer) = _stack[i];
            if (context.ValueKind == JsonValueKind.Object && context.TryGetProperty(first, out value))
            {
                pointer = contextPointer + "/" + first;
                for (var p = 1; p < name.Parts.Length; p++)
                {
                    var part = name.Parts[p];
                    if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(part, out var member))
                    {
                        pointer += "/" + part;
                        value = default;
                        return false;
                    }

                    value = member;
                    pointer += "/" + part;
                }

                return true;
            }
        }

        // Missing everywhere: named where the innermost object context would have it.
        var innermost = topPointer;
        for (var i = _stack.Count - 1; i >= 0; i--)
        {
            if (_stack[i].Value.ValueKind == JsonValueKind.Object)
            {
                innermost = _stack[i].Pointer;
                break;
            }
        }

        pointer = innermost + "/" + string.Join('/', name.Parts);
        value = default;
        return false;
    }

    private void Append(string text, long bytes)
    {
        _outputBytes += bytes;
        if (_outputBytes > _limits.MaxOutputBytes)
        {
            throw new TooComplexException(string.Create(CultureInfo.InvariantCulture,
                $"Rendering the prompt writes more than {_limits.MaxOutputBytes:N0} bytes of text, the most one render may write."));
        }

        if (_problems.Count == 0)
        {
            _output.Append(text);
        }
    }

    private void Problem(string pointer, TemplateNode node, string message)
    {
        if (_problems.Count < MaxProblems)
        {
            var tag = node is VariableNode v ? v.Tag : string.Empty;
            _problems.Add(new PromptProblem(pointer, string.Create(CultureInfo.InvariantCulture, $"{message} ('{tag}' at line {node.Line}, column {node.Column})")));
        }
    }

    /// <summary>One step of work per node emitted and per list item; checks the budget and the request's cancellation.</summary>
    private void Step()
    {
        if (_budget.StepsLeft < 1)
        {
            throw new TooComplexException(string.Create(CultureInfo.InvariantCulture,
                $"Rendering the prompt needs more than {_budget.Limits.MaxSteps:N0} steps of work, the most one request may use; the template goes through too many items (for example, nested sections over long lists)."));
        }

        _budget.Charge(1, Operation);
    }
}
