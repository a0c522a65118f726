using System.Text.Json;
using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// Decides, for pairs of schemas (old, new), whether every instance valid under one is valid under the other —
/// old ⊆ new when comparing <see cref="Backward"/>, new ⊆ old otherwise — and records every difference met on the
/// way, named from old to new and classified for the direction.
/// <para>
/// Soundness is the invariant: a pair is declared included only on a proof (a rule that holds for every instance);
/// when no rule applies the answer is "not included", with a named difference saying where. Pairs are memoised,
/// and a pair met again while it is being compared is assumed included (co-induction), which is what makes
/// recursive schemas terminate; results that relied on such an assumption are not cached until it is discharged.
/// </para>
/// <para>Invariant: <see cref="Compare"/> returns true exactly when every finding it adds is compatible.</para>
/// </summary>
internal sealed partial class SchemaComparer
{
    private const int MaxStackDepth = 400;

    // Estimates for the memory budget: a memo entry with its key and list, and one finding kept in a list.
    private const int MemoEntryBytes = 160;
    private const int FindingBytes = 48;

    private readonly Dictionary<PairKey, MemoEntry> _memo = [];
    private readonly Dictionary<SchemaModel, JsonTypeSet> _effectiveTypes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SchemaModel, SchemaModel?> _flattened = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(SchemaModel, SchemaModel), SchemaModel?> _withoutDisjunction = [];
    private readonly Dictionary<SchemaModel, List<SchemaModel>?> _split = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(SchemaModel, JsonTypeSet), SchemaModel> _restricted = [];
    private readonly List<Frame> _frames = [];
    private readonly int _maxComparisons;
    private readonly SchemaMerger _merger;
    private FindingList _sink = [];
    private int _comparisons;
    private long _held;
    private int _effectiveDepth;
    private NodeIdentity? _identity;
    private bool _skipIdentical;

    // The direction of the whole check: inside contravariant positions Backward flips, the consequence does not.
    private bool _rootBackward;

    public SchemaComparer(CompatibilityPolicy policy, int maxComparisons, WorkBudget budget)
    {
        Policy = policy;
        Budget = budget;
        _maxComparisons = maxComparisons;
        _merger = new SchemaMerger(budget);
        Patterns = new PatternMatcher(budget);
        Matcher = new InstanceMatcher(Patterns, budget);
    }

    /// <summary>True when comparing old ⊆ new (the new schema must accept what the old one did).</summary>
    public bool Backward { get; private set; }

    public CompatibilityPolicy Policy { get; }

    /// <summary>The request's budget: every pair compared, finding kept and schema built is charged to it.</summary>
    public WorkBudget Budget { get; }

    /// <summary>
    /// When false, a settled pair is forgotten and compared again when met again (pairs still being compared are
    /// still assumed included, which recursion needs): tests compare the verdicts with and without memoisation.
    /// </summary>
    public bool MemoisePairs { get; init; } = true;

    public PatternMatcher Patterns { get; }

    public InstanceMatcher Matcher { get; }

    /// <summary>Compares two root schemas in one direction and returns every finding, deduplicated by name and location.</summary>
    public List<Finding> Run(SchemaModel oldRoot, SchemaModel newRoot, bool backward, NodeIdentity? identity = null, bool skipIdentical = true)
    {
        Backward = backward;
        _rootBackward = backward;
        _identity = identity;
        _skipIdentical = skipIdentical;
        _sink = [];
        _comparisons = 0;
        var included = Compare(oldRoot, newRoot);
        var findings = _sink.ToList();
        if (!included && !findings.Exists(static f => !f.Compatible))
        {
            findings.Add(new Finding(DifferenceNames.SchemaChanged, newRoot.Location, false, "the schemas differ in a way the checker cannot prove compatible"));
        }

        return findings;
    }

    /// <summary>Gives back the memory this comparer held in its budget, once it is done with.</summary>
    public void ReleaseMemory()
    {
        Budget.Release(_held);
        _held = 0;
    }

    /// <summary>The side whose instances must all be accepted: old when backward.</summary>
    public SchemaModel Sub(SchemaModel old, SchemaModel @new) => Backward ? old : @new;

    /// <summary>The side that must accept them: new when backward.</summary>
    public SchemaModel Sup(SchemaModel old, SchemaModel @new) => Backward ? @new : old;

    /// <summary>Records a difference. An incompatible one gets the consequence for the direction appended.</summary>
    public void Report(string name, string location, bool compatible, string message)
    {
        if (!compatible)
        {
            message += _rootBackward
                ? " (a document valid under the old schema can be invalid under the new one)"
                : " (a document valid under the new schema can be invalid under the old one)";
        }

        _sink.Add(new Finding(name, location, compatible, message));
    }

    /// <summary>Adds findings gathered by a probe.</summary>
    public void Commit(FindingList findings) => _sink.AddRange(findings);

    /// <summary>Compares without recording anything.</summary>
    public bool Probe(SchemaModel old, SchemaModel @new) => Probe(old, @new, out _);

    /// <summary>Compares and hands back the findings instead of recording them.</summary>
    public bool Probe(SchemaModel old, SchemaModel @new, out FindingList findings)
    {
        var outer = _sink;
        findings = [];
        _sink = findings;
        try
        {
            return Compare(old, @new);
        }
        finally
        {
            _sink = outer;
        }
    }

    /// <summary>Compares in the other direction (for contravariant positions such as <c>not</c>).</summary>
    public bool CompareFlipped(SchemaModel old, SchemaModel @new)
    {
        Backward = !Backward;
        try
        {
            return Compare(old, @new);
        }
        finally
        {
            Backward = !Backward;
        }
    }

    /// <summary>Probes in the other direction.</summary>
    public bool ProbeFlipped(SchemaModel old, SchemaModel @new)
    {
        Backward = !Backward;
        try
        {
            return Probe(old, @new);
        }
        finally
        {
            Backward = !Backward;
        }
    }

    /// <summary>Compares one pair, recording its findings; true when the pair is included in the current direction.</summary>
    public bool Compare(SchemaModel old, SchemaModel @new)
    {
        old = Deref(old);
        @new = Deref(@new);
        if (_skipIdentical && _identity is not null && _identity.AreIdentical(old, @new))
        {
            return true;
        }

        var key = new PairKey(old, @new, Backward);
        if (_memo.TryGetValue(key, out var entry))
        {
            if (entry.State != EntryState.InProgress)
            {
                Budget.Charge(1 + entry.Findings.Count, WorkOperations.Compare, @new.Location);
                _sink.AddRange(entry.Findings);
                if (entry.State == EntryState.Tentative)
                {
                    DependOn(entry.DependsOn);
                }

                return entry.Included;
            }

            // Met again while being compared: assume included (co-induction); the result waits for the assumption.
            DependOn(entry.Depth);
            return true;
        }

        // Out of comparisons is out of work: the check cannot tell, so it ends as too complex (never a guessed
        // "incompatible", which would misreport the schemas).
        if (++_comparisons > _maxComparisons)
        {
            throw TooComplexException.Comparisons(_maxComparisons, @new.Location);
        }

        if (_frames.Count >= MaxStackDepth)
        {
            throw TooComplexException.ComparisonDepth(MaxStackDepth, @new.Location);
        }

        Budget.Charge(1, WorkOperations.Compare, @new.Location);
        var depth = _frames.Count;
        entry = new MemoEntry(depth);
        _memo[key] = entry;
        var frame = new Frame(depth);
        _frames.Add(frame);
        var outer = _sink;
        var local = new FindingList();
        _sink = local;
        bool included;
        try
        {
            included = CompareCore(old, @new);
            if (!included && Rescue(old, @new) is { } reason)
            {
                Relax(local, reason);
                included = true;
            }

            if (included)
            {
                // Invariant: an included pair carries no incompatible finding.
                Relax(local, "it does not matter here");
            }
            else if (!local.Exists(static f => !f.Compatible))
            {
                Report(DifferenceNames.SchemaChanged, @new.Location, false, "the schema changed in a way the checker cannot prove compatible");
            }
        }
        finally
        {
            _sink = outer;
            _frames.RemoveAt(_frames.Count - 1);
        }

        Budget.Charge(local.Count, WorkOperations.Compare, @new.Location);
        var held = MemoEntryBytes + ((long)local.Count * FindingBytes);
        _held += held;
        Budget.Hold(held, WorkOperations.Compare, @new.Location);
        outer.AddRange(local);
        entry.Included = included;
        entry.Findings = local;
        if (!included || frame.LowestAssumption >= depth)
        {
            // Assumptions only ever make pairs look included, so "not included" is final; so is a result that
            // relied on nothing below this frame. What relied on this pair is now settled either way.
            entry.State = EntryState.Done;
            if (!MemoisePairs)
            {
                _memo.Remove(key);
            }

            foreach (var dependent in frame.Tentatives)
            {
                if (included && MemoisePairs)
                {
                    _memo[dependent].State = EntryState.Done;
                }
                else
                {
                    _memo.Remove(dependent);
                }
            }
        }
        else
        {
            var holder = _frames[frame.LowestAssumption];
            entry.State = EntryState.Tentative;
            entry.DependsOn = frame.LowestAssumption;
            holder.Tentatives.Add(key);
            foreach (var dependent in frame.Tentatives)
            {
                _memo[dependent].DependsOn = frame.LowestAssumption;
                holder.Tentatives.Add(dependent);
            }

            DependOn(frame.LowestAssumption);
        }

        return included;
    }

    private void DependOn(int depth)
    {
        if (_frames.Count > 0 && depth < _frames[^1].LowestAssumption)
        {
            _frames[^1].LowestAssumption = depth;
        }
    }

    private bool CompareCore(SchemaModel old, SchemaModel @new)
    {
        AnnotationRules.Compare(this, old, @new);
        var included = TypeRules.CompareTypes(this, old, @new);
        included &= TypeRules.CompareValues(this, old, @new);
        // Keywords of a type matter when the narrower side can have instances of that type and the wider side's own
        // type keyword lets them through (if it does not, the type rule has already failed). Not the wider side's
        // effective types: those may exclude a type because of the very keywords being compared.
        var shared = EffectiveTypes(Sub(old, @new)) & Sup(old, @new).Types;
        if ((shared & JsonTypeSet.String) != 0)
        {
            included &= ScalarRules.CompareStrings(this, old, @new);
        }

        if ((shared & JsonTypeSet.Number) != 0)
        {
            included &= ScalarRules.CompareNumbers(this, old, @new);
        }

        if ((shared & JsonTypeSet.Object) != 0)
        {
            included &= ObjectRules.Compare(this, old, @new);
        }

        if ((shared & JsonTypeSet.Array) != 0)
        {
            included &= ArrayRules.Compare(this, old, @new);
        }

        included &= CombinatorRules.Compare(this, old, @new);
        return included;
    }

    /// <summary>
    /// Other proofs of inclusion, tried when the keyword-by-keyword comparison found none: the narrower side admits
    /// nothing, the wider side admits everything, the narrower side admits finitely many values that all pass, or
    /// the narrower side is a disjunction (or conjunction) whose parts can be compared one by one.
    /// </summary>
    private string? Rescue(SchemaModel old, SchemaModel @new)
    {
        var sub = Sub(old, @new);
        var sup = Sup(old, @new);
        var narrower = Backward ? "old" : "new";
        if (sub.AcceptsNothing || IsEmpty(sub))
        {
            return $"the {narrower} schema admits no instance here";
        }

        if (sup.AcceptsEverything)
        {
            return $"the {(Backward ? "new" : "old")} schema admits every instance here";
        }

        const string EveryValuePasses = "every value the {0} schema admits here still passes";
        if (sub.Values is { } values)
        {
            return AllPass(sub, sup, values) ? string.Format(System.Globalization.CultureInfo.InvariantCulture, EveryValuePasses, narrower) : null;
        }

        if ((sub.Types & ~(JsonTypeSet.Null | JsonTypeSet.Boolean)) == 0)
        {
            return AllPass(sub, sup, FiniteInstances.NullAndBooleans) ? string.Format(System.Globalization.CultureInfo.InvariantCulture, EveryValuePasses, narrower) : null;
        }

        var proof = $"the {narrower} schema's constraints, taken together, still imply the other's";
        var merged = Flatten(sub);
        if (merged is not null && !ReferenceEquals(merged, sub) && (Backward ? Probe(merged, @new) : Probe(old, merged)))
        {
            return proof;
        }

        var disjunction = sub.AnyOf ?? sub.OneOf;
        if (disjunction is not null)
        {
            foreach (var branch in disjunction)
            {
                var part = WithoutDisjunction(sub, branch);
                if (part is null || !(Backward ? Probe(part, @new) : Probe(old, part)))
                {
                    return null;
                }
            }

            return proof;
        }

        return null;
    }

    private bool AllPass(SchemaModel sub, SchemaModel sup, JsonElement[] values)
    {
        foreach (var value in values)
        {
            var admitted = Matcher.Matches(sub, value);
            if (admitted == false)
            {
                continue;
            }

            if (admitted is null || Matcher.Matches(sup, value) != true)
            {
                return false;
            }
        }

        return true;
    }

    private static void Relax(FindingList findings, string why)
        => findings.RelaxIncompatible(finding =>
        {
            var message = finding.Message;
            var cut = message.IndexOf(" (a document valid under", StringComparison.Ordinal);
            if (cut >= 0)
            {
                message = message[..cut];
            }

            return finding with { Compatible = true, Message = $"{message} ({why})" };
        });

    /// <summary>Keeps the first finding per name and location; an incompatible one wins over a compatible one.</summary>
    public static List<Finding> Deduplicate(List<Finding> findings)
    {
        var index = new Dictionary<FindingKey, int>(findings.Count);
        var result = new List<Finding>(findings.Count);
        foreach (var finding in findings)
        {
            if (index.TryGetValue(new FindingKey(finding), out var at))
            {
                if (!finding.Compatible && result[at].Compatible)
                {
                    result[at] = finding;
                }

                continue;
            }

            index.Add(new FindingKey(finding), result.Count);
            result.Add(finding);
        }

        return result;
    }

    /// <summary>A finding as a key by its name and location, hashed once per finding.</summary>
    private readonly struct FindingKey(Finding finding) : IEquatable<FindingKey>
    {
        private readonly Finding _finding = finding;

        public bool Equals(FindingKey other) => Finding.SameKey(_finding, other._finding);

        public override bool Equals(object? obj) => obj is FindingKey other && Equals(other);

        public override int GetHashCode() => _finding.KeyHash;
    }

    private readonly record struct PairKey(SchemaModel Old, SchemaModel New, bool Backward)
    {
        public bool Equals(PairKey other) => ReferenceEquals(Old, other.Old) && ReferenceEquals(New, other.New) && Backward == other.Backward;

        public override int GetHashCode() => HashCode.Combine(
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Old),
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(New),
            Backward);
    }

    private enum EntryState
    {
        InProgress,

        /// <summary>Included, assuming a pair still being compared is: settled when that pair is.</summary>
        Tentative,
        Done,
    }

    private sealed class MemoEntry(int depth)
    {
        public int Depth { get; } = depth;

        public EntryState State { get; set; }

        public int DependsOn { get; set; }

        public bool Included { get; set; }

        // Set when the pair's comparison ends (before State leaves InProgress); no list is made for it before.
        public FindingList Findings { get; set; } = null!;
    }

    private sealed class Frame(int depth)
    {
        public int LowestAssumption { get; set; } = depth;

        public List<PairKey> Tentatives { get; } = [];
    }
}
