namespace Registry.Schemas.Output;

/// <summary>Kinds of repair applied to a model's JSON, as flags so that a caller can allow a subset.</summary>
[Flags]
public enum RepairKinds
{
    /// <summary>No repair: the output must be strict JSON.</summary>
    None = 0,

    /// <summary>A comma before a closing bracket was removed.</summary>
    TrailingComma = 1 << 0,

    /// <summary>A missing comma between two members or items was inserted.</summary>
    MissingComma = 1 << 1,

    /// <summary>A <c>//</c>, <c>/* */</c> or <c>#</c> comment was removed.</summary>
    Comment = 1 << 2,

    /// <summary>A single-quoted name or string was rewritten with double quotes.</summary>
    SingleQuotes = 1 << 3,

    /// <summary>A property name without quotes was quoted.</summary>
    UnquotedKey = 1 << 4,

    /// <summary>A bare word used as a value was turned into a string (<c>{"status": open}</c>).</summary>
    UnquotedString = 1 << 5,

    /// <summary>Python's <c>True</c>, <c>False</c> or <c>None</c> became <c>true</c>, <c>false</c> or <c>null</c>.</summary>
    PythonLiteral = 1 << 6,

    /// <summary>JavaScript's <c>undefined</c> became <c>null</c>.</summary>
    UndefinedLiteral = 1 << 7,

    /// <summary><c>NaN</c>, <c>Infinity</c> or <c>-Infinity</c> (not JSON numbers) became <c>null</c>.</summary>
    NonFiniteNumber = 1 << 8,

    /// <summary>A raw line break, tab or other control character inside a string was escaped.</summary>
    ControlCharacter = 1 << 9,

    /// <summary>An invalid escape sequence (<c>\x</c>, a lone <c>\uD800</c>) was made literal or replaced by U+FFFD.</summary>
    InvalidEscape = 1 << 10,

    /// <summary>A closing bracket missing before another closing bracket was inserted (<c>[1, 2}</c>).</summary>
    MismatchedBracket = 1 << 11,

    /// <summary>Output cut off inside a string: the closing quote was added.</summary>
    MissingClosingQuote = 1 << 12,

    /// <summary>Output cut off inside objects or arrays: the closing brackets were added.</summary>
    MissingClosingBracket = 1 << 13,

    /// <summary>Output cut off inside a member or item that cannot be completed (a name, a colon, a partial literal): it was removed.</summary>
    IncompleteTail = 1 << 14,

    /// <summary>Every repair of the syntax of complete output (not the closing of cut-off output).</summary>
    Syntax = TrailingComma | MissingComma | Comment | SingleQuotes | UnquotedKey | UnquotedString | PythonLiteral
             | UndefinedLiteral | NonFiniteNumber | ControlCharacter | InvalidEscape | MismatchedBracket,

    /// <summary>Closing output that was cut off, so that what was written can be validated as a whole.</summary>
    CloseTruncated = MissingClosingQuote | MissingClosingBracket | IncompleteTail,

    /// <summary>Every repair.</summary>
    All = Syntax | CloseTruncated,
}

/// <summary>One repair made to a model's output: what, where (in the original text) and how.</summary>
/// <param name="Kind">The kind of repair (exactly one flag).</param>
/// <param name="Offset">Byte offset in the original text where the repair applies.</param>
/// <param name="Length">Bytes of the original text replaced or removed (0 for an insertion).</param>
/// <param name="Description">What was done, in a short sentence ("removed a trailing comma").</param>
public sealed record OutputRepair(RepairKinds Kind, long Offset, int Length, string Description)
{
    /// <summary>The stable name of <see cref="Kind"/> (<c>trailing_comma</c>, <c>python_literal</c>, ...).</summary>
    public string Name => NameOf(Kind);

    /// <summary>The stable name of one repair kind.</summary>
    public static string NameOf(RepairKinds kind) => kind switch
    {
        RepairKinds.TrailingComma => "trailing_comma",
        RepairKinds.MissingComma => "missing_comma",
        RepairKinds.Comment => "comment",
        RepairKinds.SingleQuotes => "single_quotes",
        RepairKinds.UnquotedKey => "unquoted_key",
        RepairKinds.UnquotedString => "unquoted_string",
        RepairKinds.PythonLiteral => "python_literal",
        RepairKinds.UndefinedLiteral => "undefined_literal",
        RepairKinds.NonFiniteNumber => "non_finite_number",
        RepairKinds.ControlCharacter => "control_character",
        RepairKinds.InvalidEscape => "invalid_escape",
        RepairKinds.MismatchedBracket => "mismatched_bracket",
        RepairKinds.MissingClosingQuote => "missing_closing_quote",
        RepairKinds.MissingClosingBracket => "missing_closing_bracket",
        RepairKinds.IncompleteTail => "incomplete_tail",
        _ => "repair",
    };

    /// <summary>The repair kind of a stable name, for options given as text; false for an unknown name.</summary>
    public static bool TryParseName(string name, out RepairKinds kind)
    {
        kind = name switch
        {
            "trailing_comma" => RepairKinds.TrailingComma,
            "missing_comma" => RepairKinds.MissingComma,
            "comment" => RepairKinds.Comment,
            "single_quotes" => RepairKinds.SingleQuotes,
            "unquoted_key" => RepairKinds.UnquotedKey,
            "unquoted_string" => RepairKinds.UnquotedString,
            "python_literal" => RepairKinds.PythonLiteral,
            "undefined_literal" => RepairKinds.UndefinedLiteral,
            "non_finite_number" => RepairKinds.NonFiniteNumber,
            "control_character" => RepairKinds.ControlCharacter,
            "invalid_escape" => RepairKinds.InvalidEscape,
            "mismatched_bracket" => RepairKinds.MismatchedBracket,
            "missing_closing_quote" => RepairKinds.MissingClosingQuote,
            "missing_closing_bracket" => RepairKinds.MissingClosingBracket,
            "incomplete_tail" => RepairKinds.IncompleteTail,
            "syntax" => RepairKinds.Syntax,
            "close_truncated" => RepairKinds.CloseTruncated,
            "all" => RepairKinds.All,
            "none" => RepairKinds.None,
            _ => (RepairKinds)(-1),
        };
        if ((int)kind == -1)
        {
            kind = RepairKinds.None;
            return false;
        }

        return true;
    }
}
