using Registry.Schemas.Loading;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Validation.Compilation;

/// <summary>
/// Finds cycles of references that every evaluation would follow forever at the same instance location
/// (<c>$ref</c>, <c>allOf</c>, without any keyword in between that moves into the instance), and reports them as
/// compilation errors. Cycles that depend on the instance are caught at run time by the depth guard instead.
/// </summary>
internal static class CycleCheck
{
    public static void Run(CompilerSession session, ValidatorNode root)
    {
        _ = root;
        var state = new Dictionary<ValidatorNode, int>(ReferenceEqualityComparer.Instance); // 1: on stack, 2: done
        foreach (var start in session.Nodes)
        {
            if (state.ContainsKey(start))
            {
                continue;
            }

            // Iterative depth-first search: schemas can be deep and the stack is not ours to spend.
            var stack = new Stack<(ValidatorNode Node, IEnumerator<ValidatorNode> Edges)>();
            state[start] = 1;
            stack.Push((start, Edges(start).GetEnumerator()));
            while (stack.Count > 0)
            {
                var (node, edges) = stack.Peek();
                if (edges.MoveNext())
                {
                    var next = edges.Current;
                    if (!state.TryGetValue(next, out var s))
                    {
                        state[next] = 1;
                        stack.Push((next, Edges(next).GetEnumerator()));
                    }
                    else if (s == 1)
                    {
                        session.Errors.Add(new SchemaCompilationError("#" + next.Path,
                            "this schema refers back to itself ($ref/allOf) without moving into the instance: evaluation would never end"));
                        return;
                    }
                }
                else
                {
                    state[node] = 2;
                    stack.Pop();
                }
            }
        }
    }

    private static IEnumerable<ValidatorNode> Edges(ValidatorNode node)
    {
        if (node.Constant is not null)
        {
            yield break;
        }

        foreach (var keyword in node.AnyKeywords)
        {
            switch (keyword)
            {
                case RefKeyword { Target: { } t }:
                    yield return t;
                    break;
                case AllOfKeyword all:
                    foreach (var n in all.Nodes)
                    {
                        yield return n;
                    }

                    break;
            }
        }
    }
}
