using System.Globalization;

namespace Registry.Schemas.Artifacts;

/// <summary>What is wrong with a prompt template, as <see cref="PromptTemplateException.Error"/> names it.</summary>
public enum PromptTemplateError
{
    /// <summary>A <c>{{</c> (or <c>{{{</c>) has no closing <c>}}</c> (<c>}}}</c>).</summary>
    UnclosedTag,

    /// <summary>A tag has no name: <c>{{}}</c>, <c>{{# }}</c>.</summary>
    EmptyTag,

    /// <summary>A tag's name is not a name: whitespace inside, an empty part (<c>a..b</c>), a character outside letters, digits, <c>_</c> and <c>-</c>.</summary>
    InvalidName,

    /// <summary>A section (<c>{{#x}}</c>, <c>{{^x}}</c>) is never closed.</summary>
    UnclosedSection,

    /// <summary>A close tag (<c>{{/y}}</c>) names another section than the one open.</summary>
    MismatchedClose,

    /// <summary>A close tag closes no open section.</summary>
    UnexpectedClose,

    /// <summary>Partials (<c>{{&gt; name}}</c>) are not supported: a prompt is one self-contained template.</summary>
    PartialNotSupported,

    /// <summary>Set-delimiter tags (<c>{{=&lt;% %&gt;=}}</c>) are not supported: the delimiters are always <c>{{ }}</c>.</summary>
    DelimiterChangeNotSupported,

    /// <summary>Template inheritance (<c>{{&lt; parent}}</c>, <c>{{$ block}}</c>) is not supported.</summary>
    InheritanceNotSupported,

    /// <summary>Sections nest deeper than <see cref="PromptTemplate.MaxNesting"/>.</summary>
    NestedTooDeep,
}

/// <summary>A prompt template that cannot be parsed: what (<see cref="Error"/>) and where (1-based line and column).</summary>
public sealed class PromptTemplateException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public PromptTemplateException(PromptTemplateError error, int line, int column, string problem)
        : base(string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}: {problem}"))
    {
        Error = error;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>Creates an exception with a plain message.</summary>
    public PromptTemplateException()
        : this("The template is not valid.")
    {
    }

    /// <summary>Creates an exception with a plain message.</summary>
    public PromptTemplateException(string message)
        : base(message)
    {
        Problem = message;
        Line = 1;
        Column = 1;
    }

    /// <summary>Creates an exception with a plain message and a cause.</summary>
    public PromptTemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
        Line = 1;
        Column = 1;
    }

    /// <summary>What is wrong.</summary>
    public PromptTemplateError Error { get; }

    /// <summary>The line (1-based) of the tag at fault.</summary>
    public int Line { get; }

    /// <summary>The column (1-based, in UTF-16 characters) of the tag at fault.</summary>
    public int Column { get; }

    /// <summary>The problem without its position.</summary>
    public string Problem { get; }
}

/// <summary>A variable's name as a tag writes it: dotted parts, or <c>.</c> (the implicit iterator, the current item).</summary>
internal sealed record TemplateName(string Text, string[] Parts)
{
    public bool IsImplicit => Parts.Length == 0;
}

/// <summary>A node of a parsed template.</summary>
internal abstract record TemplateNode(int Line, int Column);

/// <summary>Literal text, emitted as is.</summary>
internal sealed record TextNode(string Text, int Line, int Column) : TemplateNode(Line, Column)
{
    public int Utf8Length { get; } = System.Text.Encoding.UTF8.GetByteCount(Text);
}

/// <summary><c>{{name}}</c>, <c>{{{name}}}</c> or <c>{{&amp; name}}</c>: the variable's value, never escaped.</summary>
internal sealed record VariableNode(TemplateName Name, string Tag, int Line, int Column) : TemplateNode(Line, Column);

/// <summary><c>{{#name}}...{{/name}}</c>, or with <see cref="Inverted"/> <c>{{^name}}...{{/name}}</c>.</summary>
internal sealed record SectionNode(TemplateName Name, bool Inverted, List<TemplateNode> Children, int Line, int Column) : TemplateNode(Line, Column)
{
    public string Tag => (Inverted ? "{{^" : "{{#") + Name.Text + "}}";
}

/// <summary>
/// A prompt template in the registry's subset of Mustache (https://mustache.github.io/mustache.5.html): variables
/// <c>{{name}}</c> and dotted names <c>{{a.b}}</c>; <c>{{{name}}}</c> and <c>{{&amp; name}}</c>, which mean the same as
/// <c>{{name}}</c> here (nothing is escaped: see <see cref="PromptArtifact"/>); sections <c>{{#x}}...{{/x}}</c> (once per
/// item of a non-empty list, once with an object pushed as the context, once for any other value that is not false or
/// null); inverted sections <c>{{^x}}...{{/x}}</c> (when <c>x</c> is missing, null, false or an empty list); comments
/// <c>{{! ... }}</c> (may span lines); <c>{{.}}</c>, the current item. Section, inverted, close and comment tags alone on
/// their line (but for spaces and tabs) are standalone: the whole line, with its line break, is removed, as the Mustache
/// specification says. Partials, set-delimiter tags, inheritance and lambdas are not supported: each is refused when the
/// template is parsed, with its line and column.
/// </summary>
public sealed class PromptTemplate
{
    /// <summary>The deepest sections may nest in a template.</summary>
    public const int MaxNesting = 64;

    private PromptTemplate(string text, List<TemplateNode> nodes)
    {
        Text = text;
        Nodes = nodes;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    internal List<TemplateNode> Nodes { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="PromptTemplateException"/> naming the first problem and its line and column.</summary>
    public static PromptTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new PromptTemplate(text, new Parser(text).Run());
    }

    /// <summary>Every variable name the template uses, as written (dotted names whole), in order of first use; <c>.</c> is not listed.</summary>
    public IReadOnlyList<string> VariableNames
    {
        get
        {
            var names = new List<string>();
            Collect(Nodes, names);
            return names;
        }
    }

    private static void Collect(List<TemplateNode> nodes, List<string> names)
    {
        foreach (var node in nodes)
        {
            var name = node switch
            {
                VariableNode v => v.Name,
                SectionNode s => s.Name,
                _ => null,
            };
            if (name is { IsImplicit: false } && !names.Contains(name.Text))
            {
                names.Add(name.Text);
            }

            if (node is SectionNode section)
            {
                Collect(section.Children, names);
            }
        }
    }

    private sealed class Parser(string text)
    {
        private readonly List<int> _lineStarts = LineStarts(text);
        private readonly Stack<(SectionNode Section, List<TemplateNode> Outer)> _open = new();
        private List<TemplateNode> _nodes = [];

        public List<TemplateNode> Run()
        {
            var root = _nodes;
            var position = 0;
            var textStart = 0;
            while (true)
            {
                var open = text.IndexOf("{{", position, StringComparison.Ordinal);
                if (open < 0)
                {
                    break;
                }

                var triple = open + 2 < text.Length && text[open + 2] == '{';
                var closer = triple ? "}}}" : "}}";
                var contentStart = open + (triple ? 3 : 2);
                var close = text.IndexOf(closer, contentStart, StringComparison.Ordinal);
                if (close < 0)
                {
                    Fail(PromptTemplateError.UnclosedTag, open, $"'{(triple ? "{{{" : "{{")}' has no closing '{closer}'.");
                }

                var end = close + closer.Length;
                var content = text[contentStart..close];
                var sigil = triple ? '{' : content.TrimStart() is { Length: > 0 } trimmed ? trimmed[0] : '\0';
                if (!triple && sigil is not ('#' or '^' or '/' or '!' or '&' or '>' or '=' or '<' or '$'))
                {
                    sigil = '\0';
                }

                var body = triple || sigil == '\0' ? content.Trim() : content.TrimStart()[1..].Trim();

                // Standalone: a section, inverted, close or comment tag with nothing but spaces and tabs around it on
                // its line loses the whole line, line break included (Mustache's "standalone" rule).
                var tagStart = open;
                var tagEnd = end;
                if (sigil is '#' or '^' or '/' or '!' && IsStandalone(open, end, out var lineStart, out var lineEnd))
                {
                    tagStart = lineStart;
                    tagEnd = lineEnd;
                }

                if (tagStart > textStart)
                {
                    AddText(textStart, tagStart);
                }

                textStart = tagEnd;
                position = tagEnd;
                switch (sigil)
                {
                    case '!':
                        break;
                    case '>':
                        Fail(PromptTemplateError.PartialNotSupported, open, $"partials ('{{{{>{body}}}}}') are not supported: a prompt is one self-contained template.");
                        break;
                    case '=':
                        Fail(PromptTemplateError.DelimiterChangeNotSupported, open, "set-delimiter tags are not supported: the delimiters are always '{{' and '}}'.");
                        break;
                    case '<' or '$':
                        Fail(PromptTemplateError.InheritanceNotSupported, open, $"template inheritance ('{{{{{sigil}{body}}}}}') is not supported.");
                        break;
                    case '#' or '^':
                    {
                        var name = Name(body, open, sigil.ToString());
                        if (_open.Count >= MaxNesting)
                        {
                            Fail(PromptTemplateError.NestedTooDeep, open, $"sections nest deeper than {MaxNesting}.");
                        }

                        var (line, column) = Position(open);
                        var section = new SectionNode(name, sigil == '^', [], line, column);
                        _nodes.Add(section);
                        _open.Push((section, _nodes));
                        _nodes = section.Children;
                        break;
                    }

                    case '/':
                    {
                        var name = Name(body, open, "/");
                        if (_open.Count == 0)
                        {
                            Fail(PromptTemplateError.UnexpectedClose, open, $"'{{{{/{name.Text}}}}}' closes no open section.");
                        }

                        var (section, outer) = _open.Peek();
                        if (!string.Equals(section.Name.Text, name.Text, StringComparison.Ordinal))
                        {
                            Fail(PromptTemplateError.MismatchedClose, open,
                                $"'{{{{/{name.Text}}}}}' does not close the open section '{section.Tag}' (line {section.Line}, column {section.Column}).");
                        }

                        _open.Pop();
                        _nodes = outer;
                        break;
                    }

                    default:
                    {
                        var tag = text[open..end];
                        var name = Name(body, open, sigil == '&' ? "&" : string.Empty);
                        var (line, column) = Position(open);
                        _nodes.Add(new VariableNode(name, tag, line, column));
                        break;
                    }
                }
            }

            if (textStart < text.Length)
            {
                AddText(textStart, text.Length);
            }

            if (_open.Count > 0)
            {
                var (section, _) = _open.Peek();
                throw new PromptTemplateException(PromptTemplateError.UnclosedSection, section.Line, section.Column,
                    $"the section '{section.Tag}' is never closed (expected '{{{{/{section.Name.Text}}}}}').");
            }

            return root;
        }

        private void AddText(int start, int end)
        {
            var (line, column) = Position(start);
            _nodes.Add(new TextNode(text[start..end], line, column));
        }

        private bool IsStandalone(int open, int end, out int lineStart, out int lineEnd)
        {
            lineStart = open;
            while (lineStart > 0 && text[lineStart - 1] is ' ' or '\t')
            {
                lineStart--;
            }

            lineEnd = end;
            if (lineStart > 0 && text[lineStart - 1] != '\n')
            {
                return false;
            }

            while (lineEnd < text.Length && text[lineEnd] is ' ' or '\t')
            {
                lineEnd++;
            }

            if (lineEnd == text.Length)
            {
                return true;
            }

            if (text[lineEnd] == '\n')
            {
                lineEnd++;
                return true;
            }

            if (text[lineEnd] == '\r' && lineEnd + 1 < text.Length && text[lineEnd + 1] == '\n')
            {
                lineEnd += 2;
                return true;
            }

            return false;
        }

        private TemplateName Name(string body, int open, string sigil)
        {
            if (body.Length == 0)
            {
                Fail(PromptTemplateError.EmptyTag, open, $"the tag '{{{{{sigil}}}}}' has no name.");
            }

            if (body == ".")
            {
                return new TemplateName(".", []);
            }

            var parts = body.Split('.');
            foreach (var part in parts)
            {
                var valid = part.Length > 0;
                foreach (var c in part)
                {
                    valid &= char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
                }

                if (!valid)
                {
                    Fail(PromptTemplateError.InvalidName, open,
                        $"'{Shorten(body)}' is not a variable name: names are letters, digits, '_' and '-', dotted parts ('a.b') are not empty, and '.' alone is the current item.");
                }
            }

            return new TemplateName(body, parts);
        }

        private (int Line, int Column) Position(int offset)
        {
            var index = _lineStarts.BinarySearch(offset);
            if (index < 0)
            {
                index = ~index - 1;
            }

            return (index + 1, offset - _lineStarts[index] + 1);
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private void Fail(PromptTemplateError error, int offset, string problem)
        {
            var (line, column) = Position(offset);
            throw new PromptTemplateException(error, line, column, problem);
        }

        private static List<int> LineStarts(string text)
        {
            var starts = new List<int> { 0 };
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    starts.Add(i + 1);
                }
            }

            return starts;
        }

        private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "...");
    }
}
