using System.Runtime.CompilerServices;
using System.Text;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Validation.Evaluation;

/// <summary>
/// One evaluation of a document: the document bytes, its tape and the reusable state. Passed by reference through the
/// validator tree. <see cref="Full"/> selects full mode (collect errors) over pass/fail (stop at the first failure).
/// </summary>
internal ref struct Evaluator
{
    public ReadOnlySpan<byte> Json;
    public JsonTape Tape;
    public EvaluationState State;
    public bool Full;

    public Evaluator(ReadOnlySpan<byte> json, EvaluationState state, bool full)
    {
        Json = json;
        Tape = state.Tape;
        State = state;
        Full = full;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<byte> Bytes(int token) => Tape.Bytes(Json, token);

    /// <summary>Records an error (full mode only; callers check <see cref="Full"/> first).</summary>
    public readonly void Report(string keywordPath, int token, string message)
    {
        var s = State;
        if (s.Errors.Count >= s.ErrorCap)
        {
            s.Dropped++;
            return;
        }

        s.Errors.Add(new ValidationError(InstanceLocation(token), s.KeywordLocation(keywordPath), message));
    }

    /// <summary>JSON pointer of a token, found by descending from the root (cold path: errors only).</summary>
    public readonly string InstanceLocation(int token)
    {
        var sb = new StringBuilder();
        var tokens = Tape.Tokens;
        var current = 0;
        while (current != token)
        {
            ref var t = ref tokens[current];
            var child = current + 1;
            if (t.Kind == JsonKind.Object)
            {
                for (var m = 0; m < t.Length; m++)
                {
                    var value = child + 1;
                    if (token >= value && token < tokens[value].Next)
                    {
                        sb.Append('/');
                        AppendPointerSegment(sb, Encoding.UTF8.GetString(Bytes(child)));
                        current = value;
                        break;
                    }

                    child = tokens[value].Next;
                }
            }
            else
            {
                for (var m = 0; m < t.Length; m++)
                {
                    if (token >= child && token < tokens[child].Next)
                    {
                        sb.Append('/').Append(m);
                        current = child;
                        break;
                    }

                    child = tokens[child].Next;
                }
            }

            if (current != child && current != child + 1)
            {
                break; // not found (should not happen); stop rather than loop
            }
        }

        return sb.ToString();
    }

    public static void AppendPointerSegment(StringBuilder sb, string segment)
    {
        foreach (var c in segment)
        {
            _ = c switch
            {
                '~' => sb.Append("~0"),
                '/' => sb.Append("~1"),
                _ => sb.Append(c),
            };
        }
    }

    /// <summary>A short rendering of a value for messages.</summary>
    public readonly string Render(int token)
    {
        ref var t = ref Tape.Tokens[token];
        string text = t.Kind switch
        {
            JsonKind.Null => "null",
            JsonKind.True => "true",
            JsonKind.False => "false",
            JsonKind.Number => Encoding.UTF8.GetString(Bytes(token)),
            JsonKind.String => "\"" + Encoding.UTF8.GetString(Bytes(token)) + "\"",
            JsonKind.Object => "object",
            _ => "array",
        };
        return text.Length > 64 ? string.Concat(text.AsSpan(0, 61), "...") : text;
    }
}
