using System.Globalization;

namespace Registry.Schemas.Profiles.Lint;

/// <summary>The whole-schema analysis over the subschema graph: reference cycles and object nesting depth.</summary>
internal sealed partial class SchemaLinter
{
    private struct Frame
    {
        public int Node;
        public int Cursor;
        public int EnteredBy;
    }

    private void AnalyseGraph()
    {
        var count = _nodeCount;
        var starts = new int[count + 1];
        foreach (var edge in _edges)
        {
            starts[edge.From + 1]++;
        }

        for (var i = 0; i < count; i++)
        {
            starts[i + 1] += starts[i];
        }

        var order = new int[_edges.Count];
        var fill = (int[])starts.Clone();
        for (var e = 0; e < _edges.Count; e++)
        {
            order[fill[_edges[e].From]++] = e;
        }

        var edges = _edges;
        var state = new byte[count];
        var framePosition = new int[count];
        var height = new int[count];
        var stack = new List<Frame>(64);
        HashSet<int>? reported = null;

        for (var root = 0; root < count; root++)
        {
            if (state[root] != 0)
            {
                continue;
            }

            state[root] = 1;
            framePosition[root] = 0;
            stack.Add(new Frame { Node = root, Cursor = starts[root], EnteredBy = -1 });
            while (stack.Count > 0)
            {
                var top = stack[^1];
                if (top.Cursor < starts[top.Node + 1])
                {
                    _budget.Step();
                    var e = order[top.Cursor];
                    top.Cursor++;
                    stack[^1] = top;
                    var target = edges[e].To;
                    if (state[target] == 1)
                    {
                        var edge = edges[e];
                        edge.Back = true;
                        edges[e] = edge;
                        OnCycle(stack, framePosition[target], e, ref reported);
                    }
                    else if (state[target] == 0)
                    {
                        state[target] = 1;
                        framePosition[target] = stack.Count;
                        stack.Add(new Frame { Node = target, Cursor = starts[target], EnteredBy = e });
                    }

                    continue;
                }

                stack.RemoveAt(stack.Count - 1);
                height[top.Node] = Height(top.Node, starts, order, state, height, out _, out _);
                state[top.Node] = 2;
            }
        }

        _depth = height[0];
        if (_profile.Rule(RuleKind.MaxNesting) is { Limit: { } limit } rule && _depth > limit)
        {
            var deepest = FindTooDeep(limit, starts, order, state, height);
            Report(rule, Pointer(deepest), $"objects nest {_depth} levels deep; the limit is {limit}", null,
                limit.ToString(CultureInfo.InvariantCulture), _depth.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A node's object nesting: the deeper of its own (1 if it is an object, plus its deepest child) and its in-place parts'.</summary>
    private int Height(int node, int[] starts, int[] order, byte[] state, int[] height, out int bestInPlace, out int bestChild)
    {
        var child = 0;
        var inPlace = 0;
        bestInPlace = -1;
        bestChild = -1;
        for (var cursor = starts[node]; cursor < starts[node + 1]; cursor++)
        {
            var edge = _edges[order[cursor]];
            if (edge.Back || state[edge.To] != 2)
            {
                continue;
            }

            var h = height[edge.To];
            if (edge.Kind == EdgeKind.Child)
            {
                if (h > child || bestChild < 0)
                {
                    child = Math.Max(child, h);
                    bestChild = edge.To;
                }
            }
            else if (h > inPlace || bestInPlace < 0)
            {
                inPlace = Math.Max(inPlace, h);
                bestInPlace = edge.To;
            }
        }

        var own = _nodes[node].IsObject ? 1 + child : child;
        return Math.Max(own, inPlace);
    }

    /// <summary>Follows the deepest path from the root to the first object nested deeper than <paramref name="limit"/>.</summary>
    private int FindTooDeep(long limit, int[] starts, int[] order, byte[] state, int[] height)
    {
        var node = 0;
        var level = 0;
        for (var guard = 0; guard <= _nodeCount; guard++)
        {
            Height(node, starts, order, state, height, out var inPlace, out var child);
            var own = (_nodes[node].IsObject ? 1 : 0) + (child >= 0 ? height[child] : 0);
            if (inPlace >= 0 && height[inPlace] > own)
            {
                node = inPlace;
                continue;
            }

            if (_nodes[node].IsObject && ++level > limit)
            {
                return node;
            }

            if (child < 0)
            {
                break;
            }

            node = child;
        }

        return node;
    }

    /// <summary>A back edge closes a cycle: the schema is recursive. Reports it at the reference that closes it.</summary>
    private void OnCycle(List<Frame> stack, int from, int backEdge, ref HashSet<int>? reported)
    {
        _recursive = true;
        var cycleRule = _profile.Rule(RuleKind.RefCycle);
        var requiredRule = _profile.Rule(RuleKind.RefCycleRequired);
        if (cycleRule is null && requiredRule is null)
        {
            return;
        }

        _budget.Step(stack.Count - from);
        var edge = _edges[backEdge];
        var refNode = edge.Kind == EdgeKind.Ref ? edge.From : -1;
        var optional = edge.Optional;
        for (var i = stack.Count - 1; i > from; i--)
        {
            var entered = _edges[stack[i].EnteredBy];
            optional |= entered.Optional;
            if (refNode < 0 && entered.Kind == EdgeKind.Ref)
            {
                refNode = entered.From;
            }
        }

        if (refNode < 0)
        {
            refNode = edge.From;
        }

        reported ??= [];
        if (!reported.Add(refNode))
        {
            return;
        }

        var pointer = At(refNode, "$ref");
        if (cycleRule is not null)
        {
            Report(cycleRule, pointer, "the schema is recursive: this reference closes a cycle", "$ref");
        }

        if (requiredRule is not null && !optional)
        {
            Report(requiredRule, pointer, "the cycle closed by this reference passes through no optional property, so it cannot end", "$ref");
        }
    }
}
