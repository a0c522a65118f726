using System.Runtime.CompilerServices;
using Registry.Schemas.Validation.Evaluation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Validation.Keywords;

/// <summary>A schema resource (a document root or a subschema with an <c>$id</c>): an entry of the dynamic scope.</summary>
internal sealed class SchemaResource
{
    public SchemaResource(string uri) => Uri = uri;

    public string Uri { get; }

    /// <summary>The 2020-12 <c>$dynamicAnchor</c>s declared in this resource.</summary>
    public List<KeyValuePair<string, ValidatorNode>> DynamicAnchors { get; } = [];

    /// <summary>2019-09: the resource root declares <c>"$recursiveAnchor": true</c>.</summary>
    public bool RecursiveAnchor { get; set; }

    public ValidatorNode? Root { get; set; }

    public ValidatorNode? FindDynamicAnchor(string name)
    {
        foreach (var pair in DynamicAnchors)
        {
            if (string.Equals(pair.Key, name, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }

        return null;
    }
}

/// <summary>Bits of the <c>type</c> keyword.</summary>
[Flags]
internal enum TypeMask
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    String = 32,
    Integer = 64,
}

/// <summary>
/// One compiled (sub)schema: its keywords grouped by the instance type they apply to, so that evaluation runs only the
/// keywords that can apply. <c>unevaluated*</c> run last, after every in-place keyword has marked what it evaluated.
/// </summary>
internal sealed class ValidatorNode
{
    public static readonly Keyword[] NoKeywords = [];

    public ValidatorNode(string path) => Path = path;

    /// <summary>JSON pointer of this schema in its document ("" for the root).</summary>
    public string Path { get; }

    /// <summary>Set for boolean schemas (and for schemas with no applicable keyword: true).</summary>
    public bool? Constant { get; set; }

    public TypeMask Types { get; set; }

    public Keyword[] ObjectKeywords { get; set; } = NoKeywords;

    public Keyword[] ArrayKeywords { get; set; } = NoKeywords;

    public Keyword[] StringKeywords { get; set; } = NoKeywords;

    public Keyword[] NumberKeywords { get; set; } = NoKeywords;

    public Keyword[] AnyKeywords { get; set; } = NoKeywords;

    public Keyword? UnevaluatedProperties { get; set; }

    public Keyword? UnevaluatedItems { get; set; }

    /// <summary>Set when this schema is a resource root: entering it extends the dynamic scope.</summary>
    public SchemaResource? Resource { get; set; }

    /// <summary>The resource this schema belongs to: following a reference into it extends the dynamic scope.</summary>
    public SchemaResource? Owner { get; set; }

    /// <summary>True once the compiler has filled this node (nodes are created before their keywords, for cycles).</summary>
    public bool Compiled { get; set; }

    /// <summary>
    /// Index of this node's verdicts in the evaluation's memo table, or -1: set by the compiler (<see cref="Compilation.MemoPlan"/>)
    /// only for nodes that several keywords apply, the only ones whose verdict at a value can be asked for twice.
    /// </summary>
    public int MemoSlot = -1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Evaluate(ref Evaluator e, int token, int ann)
    {
        if (Constant is bool constant)
        {
            if (!constant && e.Full)
            {
                e.Report(Path, token, "no value is allowed here (the schema is false)");
            }

            return constant;
        }

        return EvaluateKeywords(ref e, token, ann);
    }

    private bool EvaluateKeywords(ref Evaluator e, int token, int ann)
    {
        // The cost model: one step per subschema applied to a value, plus the number of members or items of a
        // container (the keywords walk them) or a sixteenth of the length of a scalar (patterns and formats read it).
        var state = e.State;
        ref var t = ref e.Tape.Tokens[token];
        state.Steps += 1 + (t.Kind >= JsonKind.Object ? t.Length : t.Length >> 4);
        if (state.Steps >= state.PollAt)
        {
            state.Poll(Path);
        }

        if (MemoSlot >= 0 && ann < 0 && state.MemoActive)
        {
            return EvaluateMemoised(ref e, token);
        }

        return EvaluateUncached(ref e, token, ann);
    }

    /// <summary>
    /// The verdict of this node at <paramref name="token"/>, computed once per evaluation. Sound because the compiler
    /// allows memoising only in schemas whose verdicts do not depend on the dynamic scope, and only when no
    /// annotations are asked for (<c>ann</c> &lt; 0). In full mode a remembered failure is evaluated again, so that
    /// its errors are reported at this keyword location too, but only as many times as errors may be reported at
    /// all: beyond, the errors would be dropped anyway, and replaying failures is what would make it exponential.
    /// </summary>
    private bool EvaluateMemoised(ref Evaluator e, int token)
    {
        var state = e.State;
        if (state.Memo.TryGet(MemoSlot, token, out var verdict))
        {
            if (verdict || !e.Full)
            {
                return verdict;
            }

            if (state.MemoReplays >= state.ErrorCap)
            {
                state.Dropped++;
                return false;
            }

            state.MemoReplays++;
        }

        verdict = EvaluateUncached(ref e, token, -1);
        if (!state.DepthExceeded)
        {
            state.Memo.Add(MemoSlot, token, verdict, state, Path);
        }

        return verdict;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool EvaluateUncached(ref Evaluator e, int token, int ann)
    {
        var state = e.State;
        if (Resource is not null)
        {
            state.PushScope(Resource);
        }

        ref var t = ref e.Tape.Tokens[token];
        var kind = t.Kind;
        var valid = true;
        if (Types != TypeMask.None && !TypeMatches(ref e, token, kind))
        {
            if (!e.Full)
            {
                valid = false;
                goto Done;
            }

            e.Report(Path + "/type", token, $"{e.Render(token)} is not of type {TypeNames(Types)}");
            valid = false;
        }

        Keyword[] keywords;
        Keyword? unevaluated = null;
        switch (kind)
        {
            case JsonKind.Object:
                keywords = ObjectKeywords;
                unevaluated = UnevaluatedProperties;
                break;
            case JsonKind.Array:
                keywords = ArrayKeywords;
                unevaluated = UnevaluatedItems;
                break;
            case JsonKind.String:
            case JsonKind.PropertyName:
                keywords = StringKeywords;
                break;
            case JsonKind.Number:
                keywords = NumberKeywords;
                break;
            default:
                keywords = NoKeywords;
                break;
        }

        var own = ann;
        if (unevaluated is not null)
        {
            own = state.AllocBits(t.Length);
        }

        foreach (var keyword in keywords)
        {
            if (!keyword.Evaluate(ref e, token, own))
            {
                valid = false;
                if (!e.Full)
                {
                    goto Free;
                }
            }
        }

        foreach (var keyword in AnyKeywords)
        {
            if (!keyword.Evaluate(ref e, token, own))
            {
                valid = false;
                if (!e.Full)
                {
                    goto Free;
                }
            }
        }

        if (unevaluated is not null)
        {
            if (!unevaluated.Evaluate(ref e, token, own))
            {
                valid = false;
            }
            else if (ann >= 0)
            {
                // Everything is now evaluated (by siblings or by unevaluated*).
                state.MarkAll(ann, t.Length);
            }
        }

    Free:
        if (unevaluated is not null)
        {
            state.FreeBits(own);
        }

    Done:
        if (Resource is not null)
        {
            state.ScopeCount--;
        }

        return valid;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TypeMatches(ref Evaluator e, int token, JsonKind kind)
    {
        var types = Types;
        switch (kind)
        {
            case JsonKind.Null:
                return (types & TypeMask.Null) != 0;
            case JsonKind.True:
            case JsonKind.False:
                return (types & TypeMask.Boolean) != 0;
            case JsonKind.Object:
                return (types & TypeMask.Object) != 0;
            case JsonKind.Array:
                return (types & TypeMask.Array) != 0;
            case JsonKind.String:
            case JsonKind.PropertyName:
                return (types & TypeMask.String) != 0;
            default:
                if ((types & TypeMask.Number) != 0)
                {
                    return true;
                }

                return (types & TypeMask.Integer) != 0 && IsInteger(ref e, token);
        }
    }

    /// <summary>Set by the compiler for draft 4, where 1.0 is not an integer.</summary>
    public bool IntegerNeedsIntegerLiteral { get; set; }

    private bool IsInteger(ref Evaluator e, int token)
    {
        var literal = e.Bytes(token);
        if (IntegerNeedsIntegerLiteral)
        {
            return literal.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0;
        }

        return JsonNumber.IsInteger(literal);
    }

    internal static string TypeNames(TypeMask types)
    {
        var names = new List<string>();
        foreach (var (bit, name) in new[]
                 {
                     (TypeMask.Null, "null"), (TypeMask.Boolean, "boolean"), (TypeMask.Object, "object"),
                     (TypeMask.Array, "array"), (TypeMask.Number, "number"), (TypeMask.String, "string"),
                     (TypeMask.Integer, "integer"),
                 })
        {
            if ((types & bit) != 0)
            {
                names.Add(name);
            }
        }

        return string.Join(" or ", names);
    }

    public override string ToString() => "#" + Path;
}

/// <summary>One compiled keyword. Returns false when the instance fails it; in full mode it has then reported why.</summary>
internal abstract class Keyword
{
    protected Keyword(string path) => Path = path;

    /// <summary>JSON pointer of the keyword in its schema document.</summary>
    public string Path { get; }

    /// <param name="e">The evaluation.</param>
    /// <param name="token">The instance token the keyword's schema applies to.</param>
    /// <param name="ann">Handle of the bit set that records evaluated members/items of the token, or -1 when nobody asks.</param>
    public abstract bool Evaluate(ref Evaluator e, int token, int ann);

    /// <summary>Adds the subschemas this keyword applies (once per mention), for the compiler's analysis of the graph.</summary>
    public virtual void AddChildren(List<ValidatorNode> children)
    {
    }
}
