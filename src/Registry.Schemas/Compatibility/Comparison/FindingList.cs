using System.Collections;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// The findings of a comparison, at most one per name and location: the first is kept, and replaced by a later
/// incompatible one when it was compatible (the rule of <see cref="SchemaComparer.Deduplicate"/>, applied as findings
/// arrive). A pair's findings are copied into every pair that reaches it; deduplicating on the way keeps each list
/// as long as the distinct locations below it, where copies of copies would double at every shared level. Each entry
/// keeps the hash of its name and location, so that a finding copied up through many pairs is hashed once, not once
/// per level (locations are long pointers).
/// </summary>
internal sealed class FindingList : IEnumerable<Finding>
{
    private const int IndexFrom = 8;
    private readonly List<Finding> _items = [];
    private readonly List<int> _hashes = [];
    private Dictionary<Key, int>? _index;

    public int Count => _items.Count;

    /// <summary>The finding at <paramref name="index"/>; a replacement must keep its name and location.</summary>
    public Finding this[int index]
    {
        get => _items[index];
        set => _items[index] = value;
    }

    public void Add(Finding finding) => Add(finding, HashOf(finding));

    public void AddRange(FindingList findings)
    {
        for (var i = 0; i < findings._items.Count; i++)
        {
            Add(findings._items[i], findings._hashes[i]);
        }
    }

    public bool Exists(Predicate<Finding> match) => _items.Exists(match);

    public List<Finding> ToList() => [.. _items];

    public List<Finding>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<Finding> IEnumerable<Finding>.GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    private static int HashOf(Finding finding) => HashCode.Combine(finding.Name, finding.Location);

    private void Add(Finding finding, int hash)
    {
        var at = IndexOf(finding, hash);
        if (at >= 0)
        {
            if (!finding.Compatible && _items[at].Compatible)
            {
                _items[at] = finding;
            }

            return;
        }

        _index?.Add(new Key(finding, hash), _items.Count);
        _items.Add(finding);
        _hashes.Add(hash);
        if (_index is null && _items.Count > IndexFrom)
        {
            _index = new Dictionary<Key, int>(_items.Count * 2);
            for (var i = 0; i < _items.Count; i++)
            {
                _index.TryAdd(new Key(_items[i], _hashes[i]), i);
            }
        }
    }

    private int IndexOf(Finding finding, int hash)
    {
        if (_index is not null)
        {
            return _index.TryGetValue(new Key(finding, hash), out var at) ? at : -1;
        }

        for (var i = 0; i < _items.Count; i++)
        {
            if (_hashes[i] == hash && Key.Same(_items[i], finding))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A finding's name and location with their hash computed once.</summary>
    private readonly struct Key(Finding finding, int hash) : IEquatable<Key>
    {
        private readonly Finding _finding = finding;
        private readonly int _hash = hash;

        public static bool Same(Finding a, Finding b)
            => ReferenceEquals(a, b) || (a.Name == b.Name && a.Location == b.Location);

        public bool Equals(Key other) => _hash == other._hash && Same(_finding, other._finding);

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
