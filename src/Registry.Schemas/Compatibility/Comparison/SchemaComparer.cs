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
internal sealed class SchemaComparer
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
    private bool _limitHit;
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
        _limitHit = false;
        _comparisons = 0;
        var included = Compare(oldRoot, newRoot);
        var findings = _sink.ToList();
        if (_limitHit)
        {
            findings.Add(new Finding(DifferenceNames.ComparisonLimitExceeded, newRoot.Location, false,
                $"the comparison gave up after {_maxComparisons} schema pairs or {MaxStackDepth} levels of nesting; treated as incompatible"));
        }
        else if (!included && !findings.Exists(static f => !f.Compatible))
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

    /// <summary>
    /// The JSON types a node can admit at all: its own types minus those its keywords leave no value of (see
    /// <see cref="Emptiness"/>), narrowed by every allOf member and $ref, by the union of each anyOf/oneOf's
    /// branches, and by if/then/else. Memoised; a cycle sees the node's declared types (never too few).
    /// </summary>
    public JsonTypeSet EffectiveTypes(SchemaModel node)
    {
        node = Deref(node);
        if (_effectiveTypes.TryGetValue(node, out var types))
        {
            return types;
        }

        if (_effectiveDepth > 32)
        {
            return node.Types;
        }

        _effectiveTypes[node] = node.Types; // provisional, so a cycle ends
        _effectiveDepth++;
        try
        {
            types = ComputeEffectiveTypes(node);
        }
        finally
        {
            _effectiveDepth--;
        }

        _effectiveTypes[node] = types;
        return types;
    }

    private JsonTypeSet ComputeEffectiveTypes(SchemaModel node)
    {
        var types = node.Types;
        if (types == JsonTypeSet.None || node.AcceptsEverything)
        {
            return types;
        }

        if (node.Not is { } not && Deref(not).AcceptsEverything)
        {
            return JsonTypeSet.None;
        }

        types = Emptiness.AdmittedTypes(this, node);
        foreach (var member in node.AllOf)
        {
            types &= EffectiveTypes(member);
        }

        if (node.RefTarget is { } target)
        {
            types &= EffectiveTypes(target);
        }

        foreach (var branches in (ReadOnlySpan<SchemaModel[]?>)[node.AnyOf, node.OneOf])
        {
            if (branches is null)
            {
                continue;
            }

            var union = JsonTypeSet.None;
            foreach (var branch in branches)
            {
                union |= EffectiveTypes(branch);
            }

            types &= union;
        }

        if (node.If is { } condition)
        {
            // Instances taking "then" satisfy the condition; those taking "else" fail it, which for a condition
            // on types alone means they have none of its types.
            var ifTypes = EffectiveTypes(condition);
            var thenTypes = ifTypes & (node.Then is null ? JsonTypeSet.All : EffectiveTypes(node.Then));
            var elseTypes = node.Else is null ? JsonTypeSet.All : EffectiveTypes(node.Else);
            if (IsTypeOnly(Deref(condition)))
            {
                elseTypes &= ~ifTypes;
            }

            types &= thenTypes | elseTypes;
        }

        return types;
    }

    /// <summary>True when a schema constrains nothing but the JSON type.</summary>
    public static bool IsTypeOnly(SchemaModel node)
    {
        if (node.BooleanValue is not null || node.RefTarget is not null)
        {
            return node.BooleanValue is not null;
        }

        var copy = node.Clone();
        copy.HasType = false;
        copy.RecomputeAssertions();
        return !copy.HasAssertionsBesidesRef;
    }

    /// <summary>True when the node provably admits no instance.</summary>
    public bool IsEmpty(SchemaModel node) => EffectiveTypes(node) == JsonTypeSet.None;

    /// <summary>
    /// True when the in-place applicators of both nodes (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas,
    /// a sibling $ref) are the same schemas: then they evaluate the same properties and items of any instance.
    /// </summary>
    public bool ApplicatorsIdentical(SchemaModel old, SchemaModel @new)
    {
        if (!old.HasInPlaceApplicators && !@new.HasInPlaceApplicators)
        {
            return true;
        }

        if (!SameList(old.AllOf, @new.AllOf) || !SameList(old.AnyOf, @new.AnyOf) || !SameList(old.OneOf, @new.OneOf)
            || !Same(old.Not, @new.Not) || !Same(old.If, @new.If) || !Same(old.Then, @new.Then) || !Same(old.Else, @new.Else)
            || !Same(old.RefTarget, @new.RefTarget) || old.DependentSchemas.Length != @new.DependentSchemas.Length)
        {
            return false;
        }

        for (var i = 0; i < old.DependentSchemas.Length; i++)
        {
            if (old.DependentSchemas[i].Name != @new.DependentSchemas[i].Name || !Same(old.DependentSchemas[i].Schema, @new.DependentSchemas[i].Schema))
            {
                return false;
            }
        }

        return true;
    }

    private bool SameList(SchemaModel[]? a, SchemaModel[]? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!Same(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same schema: found unchanged at one location, or the same JSON with no reference inside.</summary>
    public bool SameSchema(SchemaModel? a, SchemaModel? b) => Same(a, b);

    private bool Same(SchemaModel? a, SchemaModel? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (ReferenceEquals(a, b) || (_identity is not null && _identity.AreIdentical(a, b)))
        {
            return true;
        }

        Budget.Charge(Math.Min(a.Size, b.Size), WorkOperations.Compare, b.Location);
        return a.Draft == b.Draft && a.Element.ValueKind != JsonValueKind.Undefined && b.Element.ValueKind != JsonValueKind.Undefined
               && JsonElement.DeepEquals(a.Element, b.Element) && !HasReference(a.Element);
    }

    private static bool HasReference(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "$ref" or "$dynamicRef" or "$recursiveRef" || HasReference(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (HasReference(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    // Schemas the checker builds (conjunctions, one-type restrictions) are built once per comparer, so that
    // comparisons involving them are memoised like any other.

    /// <summary><see cref="SchemaMerger.Flatten(SchemaModel)"/>, built once per node.</summary>
    public SchemaModel? Flatten(SchemaModel node)
    {
        if (!_flattened.TryGetValue(node, out var flat))
        {
            flat = _merger.Flatten(node);
            _flattened[node] = flat;
        }

        return flat;
    }

    /// <summary><see cref="SchemaMerger.WithoutDisjunction"/>, built once per pair.</summary>
    public SchemaModel? WithoutDisjunction(SchemaModel node, SchemaModel branch)
    {
        if (!_withoutDisjunction.TryGetValue((node, branch), out var merged))
        {
            merged = _merger.WithoutDisjunction(node, branch);
            _withoutDisjunction[(node, branch)] = merged;
        }

        return merged;
    }

    /// <summary>The node restricted to each JSON type it admits, when it admits more than one; built once per node.</summary>
    public List<SchemaModel>? SplitByType(SchemaModel node)
    {
        node = Deref(node);
        if (_split.TryGetValue(node, out var pieces))
        {
            return pieces;
        }

        var types = node.Types;
        if (types != JsonTypeSet.None && (types & (types - 1)) != 0)
        {
            pieces = [];
            for (var flag = JsonTypeSet.Null; flag <= JsonTypeSet.Fraction; flag = (JsonTypeSet)((int)flag << 1))
            {
                if ((types & flag) == 0)
                {
                    continue;
                }

                var piece = node.Clone();
                piece.DeclaredTypes = node.DeclaredTypes & flag;
                piece.HasType = true;
                piece.ComputeValues();
                piece.RecomputeAssertions();
                pieces.Add(piece);
            }
        }

        _split[node] = pieces;
        return pieces;
    }

    /// <summary>The node restricted to the given types (what it admits where only those can occur, e.g. strings under propertyNames).</summary>
    public SchemaModel RestrictTo(SchemaModel node, JsonTypeSet types)
    {
        node = Deref(node);
        if ((node.Types & ~types) == 0)
        {
            return node;
        }

        if (!_restricted.TryGetValue((node, types), out var restricted))
        {
            restricted = node.Clone();
            restricted.BooleanValue = node.BooleanValue == false ? false : null;
            restricted.DeclaredTypes = node.DeclaredTypes & types;
            restricted.HasType = true;
            restricted.ComputeValues();
            restricted.RecomputeAssertions();
            _restricted[(node, types)] = restricted;
        }

        return restricted;
    }

    /// <summary>Follows references that stand alone (no sibling assertion) to the schema they name.</summary>
    public static SchemaModel Deref(SchemaModel node)
    {
        for (var hops = 0; node.IsPureRef && hops < 64; hops++)
        {
            node = node.RefTarget!;
        }

        return node;
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

        if (_limitHit || ++_comparisons > _maxComparisons || _frames.Count >= MaxStackDepth)
        {
            _limitHit = true;
            return false;
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
            else if (!_limitHit && !local.Exists(static f => !f.Compatible))
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
    {
        for (var i = 0; i < findings.Count; i++)
        {
            var finding = findings[i];
            if (!finding.Compatible)
            {
                var message = finding.Message;
                var cut = message.IndexOf(" (a document valid under", StringComparison.Ordinal);
                if (cut >= 0)
                {
                    message = message[..cut];
                }

                findings[i] = finding with { Compatible = true, Message = $"{message} ({why})" };
            }
        }
    }

    /// <summary>Keeps the first finding per name and location; an incompatible one wins over a compatible one.</summary>
    public static List<Finding> Deduplicate(List<Finding> findings)
    {
        var index = new Dictionary<(string, string), int>();
        var result = new List<Finding>(findings.Count);
        foreach (var finding in findings)
        {
            if (index.TryGetValue((finding.Name, finding.Location), out var at))
            {
                if (!finding.Compatible && result[at].Compatible)
                {
                    result[at] = finding;
                }

                continue;
            }

            index.Add((finding.Name, finding.Location), result.Count);
            result.Add(finding);
        }

        return result;
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

        public FindingList Findings { get; set; } = [];
    }

    private sealed class Frame(int depth)
    {
        public int LowestAssumption { get; set; } = depth;

        public List<PairKey> Tentatives { get; } = [];
    }
}
