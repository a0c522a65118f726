using System.Collections;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// The findings of a comparison, at most one per name and location: the first is kept, and replaced by a later
/// incompatible one when it was compatible (the rule of <see cref="SchemaComparer.Deduplicate"/>, applied as findings
/// arrive). A pair's findings are copied into every pair that reaches it; deduplicating on the way keeps each list
/// as long as the distinct locations below it, where copies of copies would double at every shared level.
/// </summary>
internal sealed class FindingList : IEnumerable<Finding>
{
    private const int IndexFrom = 8;
    private readonly List<Finding> _items = [];
    private Dictionary<(string Name, string Location), int>? _index;

    public int Count => _items.Count;

    /// <summary>The finding at <paramref name="index"/>; a replacement must keep its name and location.</summary>
    public Finding this[int index]
    {
        get => _items[index];
        set => _items[index] = value;
    }

    public void Add(Finding finding)
    {
        var at = IndexOf(finding.Name, finding.Location);
        if (at >= 0)
        {
            if (!finding.Compatible && _items[at].Compatible)
            {
                _items[at] = finding;
            }

            return;
        }

        _index?.Add((finding.Name, finding.Location), _items.Count);
        _items.Add(finding);
        if (_index is null && _items.Count > IndexFrom)
        {
            _index = new Dictionary<(string, string), int>(_items.Count * 2);
            for (var i = 0; i < _items.Count; i++)
            {
                _index.TryAdd((_items[i].Name, _items[i].Location), i);
            }
        }
    }

    public void AddRange(FindingList findings)
    {
        foreach (var finding in findings._items)
        {
            Add(finding);
        }
    }

    public bool Exists(Predicate<Finding> match) => _items.Exists(match);

    public List<Finding> ToList() => [.. _items];

    public List<Finding>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<Finding> IEnumerable<Finding>.GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    private int IndexOf(string name, string location)
    {
        if (_index is not null)
        {
            return _index.TryGetValue((name, location), out var at) ? at : -1;
        }

        for (var i = 0; i < _items.Count; i++)
        {
            if (_items[i].Name == name && _items[i].Location == location)
            {
                return i;
            }
        }

        return -1;
    }
}
