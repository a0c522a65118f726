namespace Registry.Schemas.Validation.Patterns;

/// <summary>
/// A parsed ECMA-262 pattern. Characters are code points in u-mode and UTF-16 code units otherwise, exactly as
/// JavaScript reads the pattern in that mode.
/// </summary>
internal abstract class RegexNode;

/// <summary>Matches the empty string (an empty alternative or group).</summary>
internal sealed class EmptyNode : RegexNode
{
    public static readonly EmptyNode Instance = new();

    private EmptyNode()
    {
    }
}

/// <summary>One literal character.</summary>
internal sealed class CharNode(int value) : RegexNode
{
    public int Value { get; } = value;
}

/// <summary>One character of a set: a class, <c>.</c>, or a shorthand such as <c>\d</c>.</summary>
internal sealed class SetNode(CharSet set) : RegexNode
{
    public CharSet Set { get; } = set;
}

/// <summary>Terms one after the other.</summary>
internal sealed class SequenceNode(RegexNode[] items) : RegexNode
{
    public RegexNode[] Items { get; } = items;
}

/// <summary><c>a|b|c</c>.</summary>
internal sealed class AlternationNode(RegexNode[] branches) : RegexNode
{
    public RegexNode[] Branches { get; } = branches;
}

/// <summary>A group: capturing (<see cref="Capture"/> &gt; 0, numbered from 1 in order of the opening parenthesis) or not.</summary>
internal sealed class GroupNode(RegexNode body, int capture) : RegexNode
{
    public RegexNode Body { get; } = body;

    public int Capture { get; } = capture;
}

/// <summary><c>(?=…)</c>, <c>(?!…)</c>, <c>(?&lt;=…)</c>, <c>(?&lt;!…)</c>.</summary>
internal sealed class LookaroundNode(RegexNode body, bool behind, bool negative) : RegexNode
{
    public RegexNode Body { get; } = body;

    public bool Behind { get; } = behind;

    public bool Negative { get; } = negative;
}

/// <summary>A quantified term. <see cref="Max"/> is -1 for no upper bound; counts beyond int range are clamped.</summary>
internal sealed class RepeatNode(RegexNode body, int min, int max, bool lazy, bool braced, int start, int end) : RegexNode
{
    public RegexNode Body { get; } = body;

    public int Min { get; } = min;

    public int Max { get; } = max;

    public bool Lazy { get; } = lazy;

    /// <summary>True for <c>{n}</c>, <c>{n,}</c>, <c>{n,m}</c>; false for <c>*</c>, <c>+</c>, <c>?</c>.</summary>
    public bool Braced { get; } = braced;

    /// <summary>Offsets of the quantified term and its quantifier in the source, for messages.</summary>
    public int Start { get; } = start;

    public int End { get; } = end;
}

/// <summary>The kinds of zero-width assertion that are not look-arounds.</summary>
internal enum AnchorKind
{
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
}

/// <summary><c>^</c>, <c>$</c>, <c>\b</c>, <c>\B</c> (no flags: <c>^</c> and <c>$</c> are the ends of the input).</summary>
internal sealed class AnchorNode(AnchorKind kind) : RegexNode
{
    public AnchorKind Kind { get; } = kind;
}

/// <summary><c>\1</c> or <c>\k&lt;name&gt;</c>, resolved to the group's number.</summary>
internal sealed class BackReferenceNode(int group) : RegexNode
{
    public int Group { get; } = group;
}

/// <summary>A pattern parsed in one mode, with what the translation needs to know about it.</summary>
internal sealed class EcmaRegexTree(RegexNode root, bool unicode, int captures, bool usesBacktrackingFeatures)
{
    public RegexNode Root { get; } = root;

    /// <summary>True when parsed with the <c>u</c> flag's grammar and meaning.</summary>
    public bool Unicode { get; } = unicode;

    public int Captures { get; } = captures;

    /// <summary>Look-arounds, back-references or word boundaries: the linear-time engine cannot run it.</summary>
    public bool UsesBacktrackingFeatures { get; } = usesBacktrackingFeatures;
}
