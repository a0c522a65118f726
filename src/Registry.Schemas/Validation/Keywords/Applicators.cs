using System.Runtime.CompilerServices;
using Registry.Schemas.Validation.Evaluation;

namespace Registry.Schemas.Validation.Keywords;

/// <summary><c>allOf</c>.</summary>
internal sealed class AllOfKeyword(string path, ValidatorNode[] nodes) : Keyword(path)
{
    public ValidatorNode[] Nodes => nodes;

    public override void AddChildren(List<ValidatorNode> children) => children.AddRange(nodes);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var valid = true;
        foreach (var node in nodes)
        {
            if (!node.Evaluate(ref e, token, ann))
            {
                valid = false;
                if (!e.Full)
                {
                    return false;
                }
            }
        }

        return valid;
    }
}

/// <summary><c>anyOf</c>. When annotations are tracked every branch runs, since each passing branch contributes.</summary>
internal sealed class AnyOfKeyword(string path, ValidatorNode[] nodes) : Keyword(path)
{
    public override void AddChildren(List<ValidatorNode> children) => children.AddRange(nodes);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        // Full mode first decides in pass/fail mode (no error objects for branches that do not matter), and only
        // when no branch passes runs them again to explain why.
        var full = e.Full;
        e.Full = false;
        var any = false;
        var state = e.State;
        var count = e.Tape.Tokens[token].Length;
        foreach (var node in nodes)
        {
            if (ann < 0)
            {
                if (node.Evaluate(ref e, token, -1))
                {
                    any = true;
                    break;
                }
            }
            else
            {
                var branch = state.AllocBits(count);
                if (node.Evaluate(ref e, token, branch))
                {
                    any = true;
                    state.Merge(ann, branch, count);
                }

                state.FreeBits(branch);
            }
        }

        e.Full = full;
        if (!any && full)
        {
            foreach (var node in nodes)
            {
                node.Evaluate(ref e, token, -1);
            }

            e.Report(Path, token, "the value does not match any of the anyOf schemas");
        }

        return any;
    }
}

/// <summary><c>oneOf</c>.</summary>
internal sealed class OneOfKeyword(string path, ValidatorNode[] nodes) : Keyword(path)
{
    public override void AddChildren(List<ValidatorNode> children) => children.AddRange(nodes);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var full = e.Full;
        e.Full = false;
        var state = e.State;
        var count = e.Tape.Tokens[token].Length;
        var passed = 0;
        var first = -1;
        var second = -1;
        for (var i = 0; i < nodes.Length; i++)
        {
            var branch = ann >= 0 ? state.AllocBits(count) : -1;
            if (nodes[i].Evaluate(ref e, token, branch))
            {
                passed++;
                if (first < 0)
                {
                    first = i;
                    if (ann >= 0)
                    {
                        state.Merge(ann, branch, count);
                    }
                }
                else
                {
                    second = i;
                }
            }

            if (branch >= 0)
            {
                state.FreeBits(branch);
            }

            if (passed > 1)
            {
                break;
            }
        }

        e.Full = full;
        if (passed == 1)
        {
            return true;
        }

        if (full)
        {
            if (passed > 1)
            {
                e.Report(Path, token, $"the value matches more than one oneOf schema (indexes {first} and {second})");
            }
            else
            {
                foreach (var node in nodes)
                {
                    node.Evaluate(ref e, token, -1);
                }

                e.Report(Path, token, "the value does not match any of the oneOf schemas");
            }
        }

        return false;
    }
}

/// <summary><c>not</c>.</summary>
internal sealed class NotKeyword(string path, ValidatorNode node) : Keyword(path)
{
    public override void AddChildren(List<ValidatorNode> children) => children.Add(node);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var full = e.Full;
        e.Full = false;
        var inner = node.Evaluate(ref e, token, -1);
        e.Full = full;
        if (inner && full)
        {
            e.Report(Path, token, "the value must not match the schema in 'not'");
        }

        return !inner;
    }
}

/// <summary><c>if</c>/<c>then</c>/<c>else</c>.</summary>
internal sealed class IfThenElseKeyword(string path, ValidatorNode condition, ValidatorNode? then, ValidatorNode? otherwise) : Keyword(path)
{
    public override void AddChildren(List<ValidatorNode> children)
    {
        children.Add(condition);
        if (then is not null)
        {
            children.Add(then);
        }

        if (otherwise is not null)
        {
            children.Add(otherwise);
        }
    }

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        if (then is null && otherwise is null && ann < 0)
        {
            return true; // the condition alone can neither fail nor contribute
        }

        var full = e.Full;
        e.Full = false;
        var state = e.State;
        var count = e.Tape.Tokens[token].Length;
        var branch = ann >= 0 ? state.AllocBits(count) : -1;
        var holds = condition.Evaluate(ref e, token, branch);
        e.Full = full;
        if (branch >= 0)
        {
            if (holds)
            {
                state.Merge(ann, branch, count);
            }

            state.FreeBits(branch);
        }

        var next = holds ? then : otherwise;
        return next is null || next.Evaluate(ref e, token, ann);
    }
}

/// <summary>Guards in-place recursion through references: a cycle that makes no progress ends as a limit, not a crash.</summary>
internal static class RecursionGuard
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Enter(EvaluationState state)
    {
        if (++state.Depth > state.MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            state.DepthExceeded = true;
            return false;
        }

        return true;
    }
}

/// <summary><c>$ref</c> (statically resolved at compile time; the target is linked after the whole graph exists).</summary>
internal sealed class RefKeyword(string path) : Keyword(path)
{
    public ValidatorNode? Target { get; set; }

    public override void AddChildren(List<ValidatorNode> children)
    {
        if (Target is not null)
        {
            children.Add(Target);
        }
    }

    public override bool Evaluate(ref Evaluator e, int token, int ann) => Follow(ref e, this, Target!, token, ann);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Follow(ref Evaluator e, Keyword reference, ValidatorNode target, int token, int ann)
    {
        var state = e.State;
        if (!RecursionGuard.Enter(state))
        {
            state.Depth--;
            if (e.Full)
            {
                e.Report(reference.Path, token, "evaluation exceeded the depth limit (a $ref cycle that makes no progress?)");
            }

            return false;
        }

        if (e.Full)
        {
            state.PushFrame(reference.Path, target.Path);
        }

        // Entering another resource through a reference (even not at its root) extends the dynamic scope.
        var owner = target.Owner;
        var pushed = owner is not null && owner != target.Resource && (state.ScopeCount == 0 || state.Scope[state.ScopeCount - 1] != owner);
        if (pushed)
        {
            state.PushScope(owner!);
        }

        var ok = target.Evaluate(ref e, token, ann);
        if (pushed)
        {
            state.ScopeCount--;
        }

        if (e.Full)
        {
            state.FrameCount--;
        }

        state.Depth--;
        return ok;
    }
}

/// <summary>
/// 2020-12 <c>$dynamicRef</c>: when the statically resolved target declares a matching <c>$dynamicAnchor</c>, the
/// outermost resource in the dynamic scope that declares the anchor wins.
/// </summary>
internal sealed class DynamicRefKeyword(string path, string? anchor) : Keyword(path)
{
    public ValidatorNode? Target { get; set; }

    /// <summary>True when the static target itself declares the dynamic anchor (the "bookend").</summary>
    public bool Dynamic { get; set; }

    public override void AddChildren(List<ValidatorNode> children)
    {
        if (Target is not null)
        {
            children.Add(Target);
        }
    }

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var target = Target!;
        if (Dynamic && anchor is not null)
        {
            var state = e.State;
            for (var i = 0; i < state.ScopeCount; i++)
            {
                var found = state.Scope[i].FindDynamicAnchor(anchor);
                if (found is not null)
                {
                    target = found;
                    break;
                }
            }
        }

        return RefKeyword.Follow(ref e, this, target, token, ann);
    }
}

/// <summary>2019-09 <c>$recursiveRef</c>.</summary>
internal sealed class RecursiveRefKeyword(string path) : Keyword(path)
{
    public ValidatorNode? Target { get; set; }

    public override void AddChildren(List<ValidatorNode> children)
    {
        if (Target is not null)
        {
            children.Add(Target);
        }
    }

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var target = Target!;
        if (target.Resource is { RecursiveAnchor: true })
        {
            var state = e.State;
            for (var i = 0; i < state.ScopeCount; i++)
            {
                if (state.Scope[i].RecursiveAnchor)
                {
                    target = state.Scope[i].Root!;
                    break;
                }
            }
        }

        return RefKeyword.Follow(ref e, this, target, token, ann);
    }
}
