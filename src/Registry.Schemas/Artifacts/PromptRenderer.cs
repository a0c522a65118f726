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
    private readonly List<Frame> _stack = [];
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
        renderer._stack.Add(new Frame(variables, -1, null, -1));
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
        if (!Resolve(variable.Name, out var value, out var frame))
        {
            Problem(Pointer(variable.Name, frame), variable, $"the variable '{variable.Name.Text}' is missing; a variable that the template writes must be given (it is never rendered as an empty string).");
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
                Problem(Pointer(variable.Name, frame), variable, $"the variable '{variable.Name.Text}' is {kind}; only strings, numbers and booleans are written into the text (use a section to go through an object or a list).");
                break;
        }
    }

    private void Section(SectionNode section)
    {
        var found = Resolve(section.Name, out var value, out var frame);
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
                Enter(section, default, -1, null, -1);
            }

            return;
        }

        if (!truthy)
        {
            return;
        }

        // The pointer of the section's value is only spelled out when a problem needs it.
        var path = section.Name.IsImplicit ? null : section.Name.Parts;
        if (value.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Step();
                Enter(section, item, frame, path, index);
                index++;
            }
        }
        else
        {
            Enter(section, value, frame, path, -1);
        }
    }

    /// <summary>
    /// Renders a section's children with <paramref name="context"/> pushed: the value at <paramref name="path"/> from
    /// frame <paramref name="baseFrame"/> (item <paramref name="index"/> of it when a list); an inverted section
    /// (<paramref name="baseFrame"/> -1) pushes nothing new.
    /// </summary>
    private void Enter(SectionNode section, JsonElement context, int baseFrame, string[]? path, int index)
    {
        if (_stack.Count > _limits.MaxSectionDepth)
        {
            throw new TooComplexException(string.Create(CultureInfo.InvariantCulture,
                $"Rendering the prompt opens more than {_limits.MaxSectionDepth} nested sections, the most one render may (at '{section.Tag}', line {section.Line}, column {section.Column})."));
        }

        if (baseFrame >= 0)
        {
            _stack.Add(new Frame(context, baseFrame, path, index));
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
    /// from the innermost out (objects only), and every further part in the value found. <paramref name="frame"/> is
    /// the frame the name was found in, or the innermost object frame when it was not found anywhere.
    /// </summary>
    private bool Resolve(TemplateName name, out JsonElement value, out int frame)
    {
        if (name.IsImplicit)
        {
            value = _stack[^1].Value;
            frame = _stack.Count - 1;
            return true;
        }

        var first = name.Parts[0];
        for (var i = _stack.Count - 1; i >= 0; i--)
        {
            var context = _stack[i].Value;
            if (context.ValueKind == JsonValueKind.Object && context.TryGetProperty(first, out value))
            {
                frame = i;
                for (var p = 1; p < name.Parts.Length; p++)
                {
                    if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name.Parts[p], out var member))
                    {
                        value = default;
                        return false;
                    }

                    value = member;
                }

                return true;
            }
        }

        frame = _stack.Count - 1;
        while (frame > 0 && _stack[frame].Value.ValueKind != JsonValueKind.Object)
        {
            frame--;
        }

        value = default;
        return false;
    }

    /// <summary>The JSON pointer, into the variables, of <paramref name="name"/> looked up in <paramref name="frame"/>.</summary>
    private string Pointer(TemplateName name, int frame)
    {
        var pointer = FramePointer(frame);
        foreach (var part in name.Parts)
        {
            pointer += "/" + PromptVariables.Escape(part);
        }

        return pointer;
    }

    private string FramePointer(int frame)
    {
        var (_, baseFrame, path, index) = _stack[frame];
        if (baseFrame < 0)
        {
            return "#";
        }

        var pointer = FramePointer(baseFrame);
        foreach (var part in path ?? [])
        {
            pointer += "/" + PromptVariables.Escape(part);
        }

        return index >= 0 ? pointer + "/" + index.ToString(CultureInfo.InvariantCulture) : pointer;
    }

    /// <summary>A context: its value, and how to spell its pointer (the frame it was found from, the path from there, the list index or -1).</summary>
    private readonly record struct Frame(JsonElement Value, int BaseFrame, string[]? Path, int Index);

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
