using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Validation.Compilation;

/// <summary>
/// Decides, at compile time, which nodes' verdicts an evaluation may memoise: the nodes that several keywords
/// apply (a definition referenced from two places, the same branch listed twice), since only those can be asked
/// for their verdict at one value more than once; a schema whose nodes each have one parent is a tree, evaluated
/// once per value. Nothing is memoised in a schema with a dynamic reference whose target depends on the dynamic
/// scope (<c>$dynamicRef</c> to a dynamic anchor, <c>$recursiveRef</c> to a recursive anchor): there a node's
/// verdict is not a function of the node and the value alone.
/// </summary>
internal static class MemoPlan
{
    /// <summary>Gives memo slots to shared nodes; true when there is any and the schema allows memoising.</summary>
    public static bool Assign(ValidatorNode root, IEnumerable<ValidatorNode> nodes, WorkBudget budget)
    {
        var parents = new Dictionary<ValidatorNode, int>(ReferenceEqualityComparer.Instance) { [root] = 1 };
        var children = new List<ValidatorNode>();
        foreach (var node in nodes)
        {
            if (node.Constant is not null)
            {
                continue;
            }

            foreach (var keywords in (ReadOnlySpan<Keyword[]>)[node.ObjectKeywords, node.ArrayKeywords, node.StringKeywords, node.NumberKeywords, node.AnyKeywords])
            {
                foreach (var keyword in keywords)
                {
                    if (DependsOnDynamicScope(keyword))
                    {
                        return false;
                    }

                    keyword.AddChildren(children);
                }
            }

            node.UnevaluatedItems?.AddChildren(children);
            node.UnevaluatedProperties?.AddChildren(children);
            budget.Charge(1 + children.Count, WorkOperations.Compile);
            foreach (var child in children)
            {
                if (child.Constant is null)
                {
                    parents[child] = parents.GetValueOrDefault(child) + 1;
                }
            }

            children.Clear();
        }

        var slot = 0;
        foreach (var (node, count) in parents)
        {
            if (count > 1)
            {
                node.MemoSlot = slot++;
            }
        }

        return slot > 0;
    }

    private static bool DependsOnDynamicScope(Keyword keyword) => keyword switch
    {
        DynamicRefKeyword d => d.Dynamic,
        RecursiveRefKeyword r => r.Target?.Resource is { RecursiveAnchor: true },
        _ => false,
    };
}
