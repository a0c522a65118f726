using System.Collections;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// The findings of a comparison, deduplicated to at most one per name and location: the first is kept, and replaced
/// by a later incompatible one when it was compatible (the rule of <see cref="SchemaComparer.Deduplicate"/>). A
/// pair's findings are copied into every pair that reaches it; deduplicating keeps each list as long as the distinct
/// locations below it, where copies of copies would double at every shared level. Deduplication is lazy: findings are
/// appended as they come, and the list is compacted when it has grown to twice its last compacted length and past a
/// few dozen (so a list is never more than about twice its distinct findings, and the work is linear in what was
/// added), when it is read
/// as a whole (<see cref="ToList"/>), and before incompatible findings are relaxed (<see cref="RelaxIncompatible"/>).
/// Small lists, the common case, are never hashed.
/// </summary>
internal sealed class FindingList : IEnumerable<Finding>
{
    private const int CompactFrom = 32;
    private List<Finding> _items = [];
    private int _compacted;

    /// <summary>How many findings are held (distinct ones, and duplicates not compacted yet).</summary>
    public int Count => _items.Count;

    public void Add(Finding finding)
    {
        _items.Add(finding);
        CompactIfGrown();
    }

    public void AddRange(FindingList findings)
    {
        if (findings._items.Count == 0)
        {
            return;
        }

        if (_items.Count == 0)
        {
            // What was distinct there is distinct here.
            _compacted = findings._compacted;
        }

        _items.AddRange(findings._items);
        CompactIfGrown();
    }

    public bool Exists(Predicate<Finding> match) => _items.Exists(match);

    /// <summary>The distinct findings.</summary>
    public List<Finding> ToList()
    {
        Compact();
        return [.. _items];
    }

    /// <summary>Turns every incompatible finding into a compatible one, its message rewritten by <paramref name="rewrite"/>.</summary>
    public void RelaxIncompatible(Func<Finding, Finding> rewrite)
    {
        if (!_items.Exists(static f => !f.Compatible))
        {
            return;
        }

        // Which finding stands for a location depends on compatibility: settle it before changing any.
        Compact();
        for (var i = 0; i < _items.Count; i++)
        {
            if (!_items[i].Compatible)
            {
                _items[i] = rewrite(_items[i]);
            }
        }
    }

    public List<Finding>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<Finding> IEnumerable<Finding>.GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    private void CompactIfGrown()
    {
        if (_items.Count >= CompactFrom && _items.Count >= 2 * _compacted)
        {
            Compact();
        }
    }

    private void Compact()
    {
        if (_items.Count == _compacted)
        {
            return;
        }

        _items = SchemaComparer.Deduplicate(_items);
        _compacted = _items.Count;
    }
}
