// Over 500 lines on purpose: what the streaming checker needs to know about each compiled schema node (kinds, applicable
// subschemas, names) is derived once here; the derivation and the facts it fills belong together.
using Registry.Schemas.Validation.Compilation;
using Registry.Schemas.Validation.Json;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Output.Streaming;

/// <summary>Kinds of JSON values, as bits (true and false are one kind).</summary>
[Flags]
internal enum KindMask
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Number = 4,
    String = 8,
    Object = 16,
    Array = 32,
    All = 63,
}

/// <summary>
/// The dynamic scope (resources entered, innermost first) under which a schema applies, as the validator would have it
/// when it reaches that schema. Instances are interned by <see cref="StreamPlan"/>, so reference equality is equality.
/// </summary>
internal sealed class ScopeChain(SchemaResource resource, ScopeChain? parent)
{
    public SchemaResource Resource { get; } = resource;

    public ScopeChain? Parent { get; } = parent;

    public int Length { get; } = (parent?.Length ?? 0) + 1;
}

/// <summary>One schema that applies unconditionally to a value, with the scope outside it.</summary>
internal readonly struct Entry(NodeFacts facts, ScopeChain? outer)
{
    public NodeFacts Facts { get; } = facts;

    public ValidatorNode Node => Facts.Node;

    /// <summary>The dynamic scope before entering <see cref="Node"/> (the node pushes its own resource when it has one).</summary>
    public ScopeChain? Outer { get; } = outer;
}

/// <summary>
/// What the streaming validator needs to know about one compiled schema: which keywords it can check before the value
/// is complete, which it navigates into (properties, items, allOf, $ref), and which it evaluates when the value is
/// complete (the residual keywords, run by the validator's own keyword code on the incremental tape).
/// </summary>
internal sealed class NodeFacts
{
    public NodeFacts(ValidatorNode node)
    {
        Node = node;
        if (node.Constant is bool constant)
        {
            IsFalse = !constant;
            Kinds = constant ? KindMask.All : KindMask.None;
            return;
        }

        Kinds = KindsOf(node.Types);
        IntegerOnly = (node.Types & TypeMask.Integer) != 0 && (node.Types & TypeMask.Number) == 0;
        WholeObject = node.UnevaluatedProperties is not null;
        WholeArray = node.UnevaluatedItems is not null;

        var objectResidual = new List<Keyword>();
        foreach (var keyword in node.ObjectKeywords)
        {
            switch (keyword)
            {
                case PropertiesKeyword properties:
                    Properties = properties;
                    var parts = properties.Parts;
                    HasRequired = parts.RequiredNames.Length > 0;
                    if (parts.Additional is { Constant: false } && parts.Patterns.Length == 0)
                    {
                        var allowed = new List<byte[]>();
                        var byIndex = new bool[parts.Schemas.Length];
                        for (var i = 0; i < parts.Schemas.Length; i++)
                        {
                            if (parts.Schemas[i] is { } s && s.Constant != false)
                            {
                                allowed.Add(parts.Names.Key(i));
                                byIndex[i] = true;
                            }
                        }

                        ClosedNames = Sorted(allowed);
                        ClosedByIndex = byIndex;
                    }

                    break;
                case CountKeyword { Parts.IsMax: true } max:
                    MaxProperties = max;
                    objectResidual.Add(keyword);
                    break;
                default:
                    objectResidual.Add(keyword);
                    break;
            }
        }

        var arrayResidual = new List<Keyword>();
        foreach (var keyword in node.ArrayKeywords)
        {
            switch (keyword)
            {
                case ItemsKeyword items:
                    Items = items;
                    break;
                case CountKeyword { Parts.IsMax: true } max:
                    MaxItems = max;
                    arrayResidual.Add(keyword);
                    break;
                default:
                    arrayResidual.Add(keyword);
                    break;
            }
        }

        foreach (var keyword in node.StringKeywords)
        {
            if (keyword is LengthKeyword { Parts.IsMax: true } max)
            {
                MaxLength = max;
            }
        }

        var members = new List<(Keyword, byte[][])>();
        var anyResidual = new List<Keyword>();
        var conjuncts = new List<ValidatorNode>();
        var refs = new List<RefKeyword>();
        foreach (var keyword in node.AnyKeywords)
        {
            switch (keyword)
            {
                case AllOfKeyword allOf:
                    conjuncts.AddRange(allOf.Nodes);
                    break;
                case RefKeyword reference:
                    refs.Add(reference);
                    break;
                case EnumKeyword enumeration:
                {
                    var (tape, strings, others) = enumeration.Parts;
                    var kinds = strings.Count > 0 ? KindMask.String : KindMask.None;
                    foreach (var other in others)
                    {
                        kinds |= KindOf(tape.Tokens[other].Kind);
                    }

                    Kinds &= kinds;
                    var list = new List<byte[]>(strings.Count);
                    for (var i = 0; i < strings.Count; i++)
                    {
                        list.Add(strings.Key(i));
                    }

                    members.Add((keyword, Sorted(list)));
                    anyResidual.Add(keyword);
                    break;
                }

                case ConstKeyword constantKeyword:
                {
                    var (tape, value) = constantKeyword.Parts;
                    var kind = tape.Tokens[value].Kind;
                    Kinds &= KindOf(kind);
                    if (kind == JsonKind.String)
                    {
                        members.Add((keyword, [tape.Bytes(value).ToArray()]));
                    }

                    anyResidual.Add(keyword);
                    break;
                }

                case NeverKeyword:
                    Kinds = KindMask.None;
                    anyResidual.Add(keyword);
                    break;
                default:
                    anyResidual.Add(keyword);
                    break;
            }
        }

        ObjectResidual = [.. objectResidual];
        ArrayResidual = [.. arrayResidual];
        StringResidual = node.StringKeywords;
        NumberResidual = node.NumberKeywords;
        AnyResidual = [.. anyResidual];
        StringMembers = [.. members];
        Conjuncts = [.. conjuncts];
        Refs = [.. refs];
    }

    public ValidatorNode Node { get; }

    public bool IsFalse { get; }

    /// <summary>The kinds a value may have (type, enum, const and <c>"type": []</c> together).</summary>
    public KindMask Kinds { get; }

    /// <summary>Numbers must be integers, which is known only once the number is complete.</summary>
    public bool IntegerOnly { get; }

    public PropertiesKeyword? Properties { get; }

    public bool HasRequired { get; }

    /// <summary>Sorted names a member may have when the object is closed (additionalProperties false, no patterns).</summary>
    public byte[][]? ClosedNames { get; }

    /// <summary>For a closed object, by index of its properties keyword's names: whether a member may have that name.</summary>
    public bool[]? ClosedByIndex { get; }

    public ItemsKeyword? Items { get; }

    public CountKeyword? MaxItems { get; }

    public CountKeyword? MaxProperties { get; }

    public LengthKeyword? MaxLength { get; }

    /// <summary>For enum and const: the sorted strings a string value may be.</summary>
    public (Keyword Keyword, byte[][] Members)[] StringMembers { get; } = [];

    public bool WholeObject { get; }

    public bool WholeArray { get; }

    public Keyword[] ObjectResidual { get; } = [];

    public Keyword[] ArrayResidual { get; } = [];

    public Keyword[] StringResidual { get; } = [];

    public Keyword[] NumberResidual { get; } = [];

    public Keyword[] AnyResidual { get; } = [];

    public ValidatorNode[] Conjuncts { get; } = [];

    public RefKeyword[] Refs { get; } = [];

    public static KindMask KindOf(JsonKind kind) => kind switch
    {
        JsonKind.Null => KindMask.Null,
        JsonKind.True or JsonKind.False => KindMask.Boolean,
        JsonKind.Number => KindMask.Number,
        JsonKind.String or JsonKind.PropertyName => KindMask.String,
        JsonKind.Object => KindMask.Object,
        _ => KindMask.Array,
    };

    public static KindMask KindsOf(TypeMask types)
    {
        if (types == TypeMask.None)
        {
            return KindMask.All;
        }

        var kinds = KindMask.None;
        kinds |= (types & TypeMask.Null) != 0 ? KindMask.Null : 0;
        kinds |= (types & TypeMask.Boolean) != 0 ? KindMask.Boolean : 0;
        kinds |= (types & (TypeMask.Number | TypeMask.Integer)) != 0 ? KindMask.Number : 0;
        kinds |= (types & TypeMask.String) != 0 ? KindMask.String : 0;
        kinds |= (types & TypeMask.Object) != 0 ? KindMask.Object : 0;
        kinds |= (types & TypeMask.Array) != 0 ? KindMask.Array : 0;
        return kinds;
    }

    private static byte[][] Sorted(List<byte[]> list)
    {
        var array = list.ToArray();
        Array.Sort(array, static (a, b) => a.AsSpan().SequenceCompareTo(b));
        return array;
    }
}

/// <summary>
/// The schemas that apply unconditionally to one value (reached from the root through properties, items, allOf and
/// $ref only), with their facts folded together so that the common checks are one test each. Immutable.
/// </summary>
internal sealed class ApplicableSet
{
    public static readonly ApplicableSet Empty = new([]);

    public ApplicableSet(Entry[] entries)
    {
        Entries = entries;
        Kinds = KindMask.All;
        MaxItems = -1;
        MaxProperties = -1;
        foreach (var entry in entries)
        {
            var f = entry.Facts;
            Kinds &= f.Kinds;
            HasFalse |= f.IsFalse;
            NavigatesObject |= f.Properties is not null;
            NavigatesArray |= f.Items is not null;
            WatchesStrings |= f.MaxLength is not null || f.StringMembers.Length > 0;
            WatchesKeys |= f.ClosedNames is not null;
            if (f.Items is { } items)
            {
                MaxPrefix = Math.Max(MaxPrefix, items.Parts.Prefix.Length);
            }

            if (f.MaxItems is { } maxItems && (MaxItems < 0 || maxItems.Parts.Limit < MaxItems))
            {
                MaxItems = maxItems.Parts.Limit;
            }

            if (f.MaxProperties is { } maxProperties && (MaxProperties < 0 || maxProperties.Parts.Limit < MaxProperties))
            {
                MaxProperties = maxProperties.Parts.Limit;
            }

            var any = f.AnyResidual.Length > 0;
            ChecksObject |= any || f.WholeObject || f.HasRequired || f.ObjectResidual.Length > 0;
            ChecksArray |= any || f.WholeArray || f.ArrayResidual.Length > 0;
            ChecksString |= any || f.StringResidual.Length > 0;
            ChecksNumber |= any || f.IntegerOnly || f.NumberResidual.Length > 0;
            ChecksLiteral |= any;
        }

        IsEmpty = entries.Length == 0;
        var withProperties = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i].Facts.Properties is { } p)
            {
                withProperties++;
                SingleProperties = p.Parts.Patterns.Length == 0 ? i : -1;
            }
        }

        if (withProperties != 1)
        {
            SingleProperties = -1;
        }
    }

    /// <summary>
    /// The index of the only entry that navigates members, when it has no patterns: then a member's set depends on its
    /// name alone and is memoised in <see cref="MemberSets"/> and <see cref="AdditionalSet"/>. -1 otherwise.
    /// </summary>
    public int SingleProperties { get; }

    /// <summary>Memo: the set of a member by name index of <see cref="SingleProperties"/>.</summary>
    public ApplicableSet?[]? MemberSets { get; set; }

    /// <summary>Memo: the set of a member that no name of <see cref="SingleProperties"/> matches.</summary>
    public ApplicableSet? AdditionalSet { get; set; }

    /// <summary>Memo: the set of an item past every prefix.</summary>
    public ApplicableSet? RestItems { get; set; }

    public Entry[] Entries { get; }

    public bool IsEmpty { get; }

    public KindMask Kinds { get; }

    public bool HasFalse { get; }

    public bool NavigatesObject { get; }

    public bool NavigatesArray { get; }

    public bool WatchesStrings { get; }

    public bool WatchesKeys { get; }

    public int MaxPrefix { get; }

    public long MaxItems { get; }

    public long MaxProperties { get; }

    public bool ChecksObject { get; }

    public bool ChecksArray { get; }

    public bool ChecksString { get; }

    public bool ChecksNumber { get; }

    public bool ChecksLiteral { get; }

    public bool ChecksOnCompletion(JsonKind kind) => kind switch
    {
        JsonKind.Object => ChecksObject,
        JsonKind.Array => ChecksArray,
        JsonKind.String => ChecksString,
        JsonKind.Number => ChecksNumber,
        _ => ChecksLiteral,
    };
}

/// <summary>
/// Facts and applicable sets of one compiled schema, built on demand and memoised for one session. The caps below
/// only ever drop schemas from a set, which makes the streaming checks weaker, never unsound.
/// </summary>
internal sealed class StreamPlan
{
    /// <summary>Most schemas followed through allOf/$ref for one value.</summary>
    internal const int MaxEntries = 64;

    /// <summary>Longest chain of allOf/$ref followed in place.</summary>
    internal const int MaxChain = 32;

    private readonly Dictionary<ValidatorNode, NodeFacts> _facts = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(ValidatorNode, ScopeChain?), ApplicableSet> _closures = [];
    private readonly Dictionary<(ScopeChain?, SchemaResource), ScopeChain> _scopes = [];
    private readonly List<Entry> _scratch = [];

    public StreamPlan(ValidatorNode root)
    {
        Root = Closure(root, null);
    }

    public ApplicableSet Root { get; }

    public NodeFacts Facts(ValidatorNode node)
    {
        if (!_facts.TryGetValue(node, out var facts))
        {
            facts = new NodeFacts(node);
            _facts.Add(node, facts);
        }

        return facts;
    }

    /// <summary>The scope inside an entry's schema: its outer scope plus its own resource, if it is one.</summary>
    public ScopeChain? Inner(in Entry entry) => entry.Node.Resource is { } resource ? Push(entry.Outer, resource) : entry.Outer;

    public ScopeChain Push(ScopeChain? outer, SchemaResource resource)
    {
        if (!_scopes.TryGetValue((outer, resource), out var chain))
        {
            chain = new ScopeChain(resource, outer);
            _scopes.Add((outer, resource), chain);
        }

        return chain;
    }

    /// <summary>The set for a value that one schema applies to directly (memoised).</summary>
    public ApplicableSet Closure(ValidatorNode node, ScopeChain? outer)
    {
        if (node.Constant == true)
        {
            return ApplicableSet.Empty;
        }

        if (!_closures.TryGetValue((node, outer), out var set))
        {
            _scratch.Clear();
            Add(node, outer, 0);
            set = _scratch.Count == 0 ? ApplicableSet.Empty : new ApplicableSet([.. _scratch]);
            _closures.Add((node, outer), set);
        }

        return set;
    }

    /// <summary>The set for a value that several schemas apply to directly (not memoised: rare).</summary>
    public ApplicableSet Union(List<(ValidatorNode Node, ScopeChain? Outer)> direct)
    {
        if (direct.Count == 1)
        {
            return Closure(direct[0].Node, direct[0].Outer);
        }

        _scratch.Clear();
        foreach (var (node, outer) in direct)
        {
            Add(node, outer, 0);
        }

        return _scratch.Count == 0 ? ApplicableSet.Empty : new ApplicableSet([.. _scratch]);
    }

    private void Add(ValidatorNode node, ScopeChain? outer, int chain)
    {
        if (node.Constant == true || chain > MaxChain || _scratch.Count >= MaxEntries)
        {
            return;
        }

        foreach (var e in _scratch)
        {
            if (ReferenceEquals(e.Node, node) && ReferenceEquals(e.Outer, outer))
            {
                return;
            }
        }

        var facts = Facts(node);
        var entry = new Entry(facts, outer);
        _scratch.Add(entry);
        if (facts.IsFalse)
        {
            return;
        }

        var inner = Inner(entry);
        foreach (var conjunct in facts.Conjuncts)
        {
            Add(conjunct, inner, chain + 1);
        }

        foreach (var reference in facts.Refs)
        {
            // As RefKeyword.Follow: entering another resource through a reference extends the dynamic scope.
            var target = reference.Target;
            if (target is null)
            {
                continue;
            }

            var scope = inner;
            var owner = target.Owner;
            if (owner is not null && owner != target.Resource && (scope is null || scope.Resource != owner))
            {
                scope = Push(scope, owner);
            }

            Add(target, scope, chain + 1);
        }
    }
}
