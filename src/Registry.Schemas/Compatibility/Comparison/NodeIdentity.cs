using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// The locations where an old and a new schema are the same schema: the same JSON under the same draft, and every
/// reference inside resolving to a location that is itself the same (the greatest such set, so recursive
/// definitions that did not change count as the same). Comparing such a pair is skipped: it is included both ways
/// and has no differences. This is what keeps the common case — a large schema with a small edit — cheap.
/// </summary>
internal sealed class NodeIdentity
{
    private readonly IReadOnlyDictionary<string, SchemaModel> _old;
    private readonly IReadOnlyDictionary<string, SchemaModel> _new;
    private readonly HashSet<string> _same = new(StringComparer.Ordinal);

    public NodeIdentity(SchemaGraph old, SchemaGraph @new)
    {
        _old = old.Nodes;
        _new = @new.Nodes;
        foreach (var (location, before) in _old)
        {
            old.Budget.Charge(before.Size, WorkOperations.Compare, location);
            if (_new.TryGetValue(location, out var after) && before.Draft == after.Draft
                && SchemaModel.SameJson(before, after))
            {
                _same.Add(location);
            }
        }

        // Each same location depends on the targets of the references inside it; drop the ones whose references
        // differ, then, repeatedly, the ones depending on a dropped location.
        var dependents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var dropped = new Queue<string>();
        foreach (var (location, before) in _old)
        {
            if (before.RefTarget is null)
            {
                continue;
            }

            _new.TryGetValue(location, out var after);
            var sameTarget = after?.RefTarget is not null && after.RefTarget.Location == before.RefTarget.Location;
            for (var ancestor = location; ancestor.Length > 0; ancestor = Parent(ancestor))
            {
                if (!_same.Contains(ancestor))
                {
                    continue;
                }

                if (!sameTarget)
                {
                    dropped.Enqueue(ancestor);
                }
                else
                {
                    var target = before.RefTarget.Location;
                    if (!dependents.TryGetValue(target, out var list))
                    {
                        dependents[target] = list = [];
                    }

                    list.Add(ancestor);
                    if (!_same.Contains(target))
                    {
                        dropped.Enqueue(ancestor);
                    }
                }
            }
        }

        while (dropped.TryDequeue(out var location))
        {
            if (!_same.Remove(location) || !dependents.TryGetValue(location, out var list))
            {
                continue;
            }

            foreach (var dependent in list)
            {
                dropped.Enqueue(dependent);
            }
        }
    }

    /// <summary>True when both nodes are the graphs' nodes at one location found to be the same schema.</summary>
    public bool AreIdentical(SchemaModel old, SchemaModel @new)
        => old.Location == @new.Location && _same.Contains(old.Location)
           && _old.TryGetValue(old.Location, out var before) && ReferenceEquals(before, old)
           && _new.TryGetValue(@new.Location, out var after) && ReferenceEquals(after, @new);

    private static string Parent(string location)
    {
        var slash = location.LastIndexOf('/');
        var hash = location.IndexOf('#', StringComparison.Ordinal);
        return slash > hash ? location[..slash] : string.Empty;
    }
}
