// Over 500 lines on purpose: the incremental checker's state machine, one method per JSON event, with the per-container frames and
// keyword trackers it updates; split, the events and the state they share would have to be passed around on the hot path.
using System.Text;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Compilation;
using Registry.Schemas.Validation.Evaluation;
using Registry.Schemas.Validation.Json;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Output.Streaming;

/// <summary>One open container of the document being streamed.</summary>
internal struct Frame
{
    public int Token;
    public bool IsObject;

    /// <summary>Members or items committed so far (a comma commits the next one).</summary>
    public int Count;

    /// <summary>Token of the last member name (objects).</summary>
    public int LastKey;

    public ApplicableSet Set;

    /// <summary>Duplicate-name detection for objects past <see cref="StreamChecker.LinearNames"/> members.</summary>
    public NameIndex? Names;

    /// <summary>
    /// Required bits of the names seen so far, by the set's <see cref="ApplicableSet.SingleProperties"/> entry (its
    /// names are looked up once per member, when the member's schemas are found).
    /// </summary>
    public ulong Seen;

    /// <summary>Indexes (below 64) of the names of <see cref="ApplicableSet.SingleProperties"/> seen so far, for duplicates.</summary>
    public ulong KnownNames;
}

/// <summary>
/// Applies a compiled schema to a document while it is parsed, reporting only violations that no continuation can
/// fix. Soundness rests on three rules: a schema is applied only where it applies unconditionally (reached from the
/// root through properties, patternProperties, additionalProperties, items, allOf and $ref); a check runs only once
/// what it reads is final (the kind of a value at its first byte, a name at its closing quote, a count when a comma
/// commits one more, a string prefix that no allowed string starts with, everything else when the value is complete);
/// and every other keyword is left to the validator's own code on the completed value, under the dynamic scope the
/// validator would have. When in doubt nothing is reported.
/// </summary>
internal sealed class StreamChecker
{
    internal const int LinearNames = 16;

    private readonly StreamPlan _plan;
    private readonly EvaluationState _state = new();
    private readonly int _refDepthLimit;
    private readonly int _maxViolations;
    private readonly List<SchemaViolation> _violations = [];
    private readonly HashSet<(string, string)> _reported = [];
    private readonly List<(ValidatorNode, ScopeChain?)> _direct = [];
    private readonly List<Tracker> _trackers = [];
    private readonly List<LengthWatch> _lengths = [];
    private readonly byte[] _prefix = new byte[96];
    private Frame[] _frames = new Frame[16];
    private int _depth;
    private ApplicableSet _slot;
    private long _decoded;
    private long _codePoints;
    private int _prefixLength;
    private bool _keyRejected;

    /// <summary>
    /// Set by <see cref="WholeString"/> for a name read whole: its index among the names of the object's
    /// <see cref="ApplicableSet.SingleProperties"/> (-1: none), so that <see cref="KeyComplete"/> does not look it up again.
    /// </summary>
    private int _keyIndex;
    private bool _keyIndexKnown;
    private readonly bool _eager;

    /// <summary>Violations reported on the prefix of the string being read, reworded with the whole string when it ends.</summary>
    private readonly List<int> _prefixReports = [];

    /// <param name="schema">The schema.</param>
    /// <param name="maxViolations">Most violations collected.</param>
    /// <param name="eager">
    /// True for streams: report each violation at the byte that makes it definite (a kind at the value's first byte, a
    /// string prefix, one item too many at the comma). False for complete documents: report at the value's end, in
    /// words that quote the whole value.
    /// </param>
    /// <param name="checkSchema">False to check only that the text is JSON (no schema violation is reported).</param>
    public StreamChecker(CompiledSchema schema, int maxViolations, bool eager = true, bool checkSchema = true)
    {
        _eager = eager;
        var (root, limits) = schema.Parts;
        _plan = new StreamPlan(root);
        _refDepthLimit = (limits.MaxDepth * 8) + 64;
        _maxViolations = Math.Max(1, maxViolations);
        _slot = checkSchema ? _plan.Root : ApplicableSet.Empty;

        // One budget of work (the schema's limits) for the whole stream: every keyword evaluated on a completed value
        // is charged to it, as a validation of the document would be.
        _state.Begin(null, limits.Work, WorkBudget.TicksOf(limits.Work.MaxRegexTime), memoAllowed: false, MemoPolicy.Never, WorkOperations.Validate);
    }

    public JsonTape Tape => _state.Tape;

    public int Depth => _depth;

    public ref Frame Top => ref _frames[_depth - 1];

    /// <summary>True while the string being read has a prefix check or length limit still undecided.</summary>
    public bool Watching { get; private set; }

    public List<SchemaViolation> Violations => _violations;

    public bool Failed { get; private set; }

    public void Push(int token, bool isObject)
    {
        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, _depth * 2);
        }

        ref var f = ref _frames[_depth++];
        f.Token = token;
        f.IsObject = isObject;
        f.Count = 0;
        f.LastKey = -1;
        f.Set = _slot;
        f.Names = null;
        f.Seen = 0;
        f.KnownNames = 0;
    }

    public void Pop()
    {
        _frames[--_depth] = default;
        _slot = ApplicableSet.Empty;
    }

    /// <summary>A value of <paramref name="kind"/> starts at <paramref name="offset"/> in the current slot.</summary>
    public void BeginValue(JsonKind kind, long offset, ReadOnlySpan<byte> doc)
    {
        var set = _slot;
        Watching = false;
        if (set.IsEmpty)
        {
            return;
        }

        if (!_eager)
        {
            return;
        }

        var bit = NodeFacts.KindOf(kind);
        if ((set.Kinds & bit) == 0)
        {
            ReportKind(set, kind, offset, doc, PathOf(_depth, doc), ViolationText.KindPhrase(kind));
        }
    }

    /// <summary>
    /// A string value starts (its opening quote at <paramref name="offset"/>, after <see cref="BeginValue"/>); returns
    /// true when its bytes must be watched (enum or const prefixes, maxLength).
    /// </summary>
    public bool BeginString(long offset, ReadOnlySpan<byte> doc)
    {
        var set = _slot;
        Watching = false;
        if (!_eager || !set.WatchesStrings)
        {
            return false;
        }

        StartStringWatch(set, offset, doc);
        return Watching;
    }

    /// <summary>
    /// A string without escapes whose closing quote is already in the data: does at once what watching it byte by byte
    /// would (<see cref="BeginKey"/> or <see cref="BeginString"/>, then <see cref="StringBytes"/> on the whole body),
    /// with the same violations at the same offsets. When the whole string is an allowed name, enum member or const
    /// and within maxLength, no watch can report anything, and none is set up.
    /// </summary>
    /// <param name="isKey">True for a member name.</param>
    /// <param name="quote">Offset of the opening quote (the body starts one byte later).</param>
    /// <param name="text">The body, between the quotes.</param>
    /// <param name="doc">The document so far.</param>
    public void WholeString(bool isKey, long quote, ReadOnlySpan<byte> text, ReadOnlySpan<byte> doc)
    {
        bool watch;
        if (isKey)
        {
            var set = Top.Set;
            _keyIndex = set.SingleProperties >= 0 ? set.Entries[set.SingleProperties].Facts.Properties!.Parts.Names.Find(text) : -1;
            _keyIndexKnown = true;
            if (!_eager || !set.WatchesKeys || AllowsName(set, text, _keyIndex))
            {
                _keyRejected = false;
                Watching = false;
                return;
            }

            watch = BeginKey(quote, doc);
        }
        else
        {
            if (!_eager || !_slot.WatchesStrings || AcceptsString(_slot, text))
            {
                Watching = false;
                return;
            }

            watch = BeginString(quote, doc);
        }

        if (watch && text.Length > 0)
        {
            StringBytes(text, quote + 1, raw: true, isKey, doc);
        }
    }

    /// <summary>
    /// True when every closed object of the set allows the member name <paramref name="name"/>, whose index among the
    /// names of <see cref="ApplicableSet.SingleProperties"/> is <paramref name="single"/>.
    /// </summary>
    private static bool AllowsName(ApplicableSet set, ReadOnlySpan<byte> name, int single)
    {
        var entries = set.Entries;
        for (var i = 0; i < entries.Length; i++)
        {
            var f = entries[i].Facts;
            if (f.ClosedNames is not { } names)
            {
                continue;
            }

            var allowed = i == set.SingleProperties ? single >= 0 && f.ClosedByIndex![single] : Contains(names, name);
            if (!allowed)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the whole string <paramref name="text"/> passes every prefix and length watch of the set.</summary>
    private static bool AcceptsString(ApplicableSet set, ReadOnlySpan<byte> text)
    {
        var points = -1L;
        foreach (var e in set.Entries)
        {
            var f = e.Facts;
            if ((f.Kinds & KindMask.String) == 0)
            {
                continue;
            }

            foreach (var (_, members) in f.StringMembers)
            {
                if (!Contains(members, text))
                {
                    return false;
                }
            }

            if (f.MaxLength is { } max)
            {
                if (points < 0)
                {
                    points = LengthKeyword.CodePoints(text);
                }

                if (points > max.Parts.Limit)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Binary search of <paramref name="value"/> in members sorted by their bytes.</summary>
    private static bool Contains(byte[][] sorted, ReadOnlySpan<byte> value)
    {
        var lo = 0;
        var hi = sorted.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = sorted[mid].AsSpan().SequenceCompareTo(value);
            if (c == 0)
            {
                return true;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return false;
    }

    /// <summary>An array item starts, or a comma made one certain.</summary>
    public void CommitItem(long offset, ReadOnlySpan<byte> doc)
    {
        ref var f = ref Top;
        f.Count++;
        Tape.Tokens[f.Token].Length = f.Count;
        var set = f.Set;
        if (set.IsEmpty)
        {
            _slot = ApplicableSet.Empty;
            return;
        }

        if (_eager && set.MaxItems >= 0 && f.Count > set.MaxItems)
        {
            ReportTooMany(set, f.Count, isObject: false, offset, doc);
        }

        _slot = ItemSet(set, f.Count - 1);
        if (_slot.HasFalse)
        {
            foreach (var e in _slot.Entries)
            {
                if (e.Facts.IsFalse)
                {
                    var location = PathOf(_depth, doc);
                    Add(location, e.Node.Path, "items", "no item at this position",
                        $"item {f.Count - 1}", $"At {ViolationText.Where(location)}: the array may not have an item at index {f.Count - 1}.", offset);
                }
            }
        }
    }

    /// <summary>An object member starts (its name's opening quote), or a comma made one certain.</summary>
    public void CommitMember(long offset, ReadOnlySpan<byte> doc)
    {
        ref var f = ref Top;
        f.Count++;
        Tape.Tokens[f.Token].Length = f.Count;
        var set = f.Set;
        if (_eager && set.MaxProperties >= 0 && f.Count > set.MaxProperties)
        {
            ReportTooMany(set, f.Count, isObject: true, offset, doc);
        }
    }

    /// <summary>A member name starts; returns true when its bytes must be watched (closed objects).</summary>
    public bool BeginKey(long offset, ReadOnlySpan<byte> doc)
    {
        _keyRejected = false;
        _keyIndexKnown = false;
        var set = Top.Set;
        Watching = false;
        if (!set.WatchesKeys || !_eager)
        {
            return false;
        }

        ResetWatch();
        foreach (var e in set.Entries)
        {
            if (e.Facts.ClosedNames is { } names)
            {
                _trackers.Add(new Tracker(names, e.Facts.Properties!.Parts.Additional!.Path, null));
            }
        }

        Watching = _trackers.Count > 0;
        for (var i = 0; i < _trackers.Count; i++)
        {
            if (_trackers[i].Hi == 0)
            {
                ReportPrefix(i, offset, doc, isKey: true, 0);
            }
        }

        return Watching;
    }

    /// <summary>Decoded bytes of the string being read (a run of plain bytes, or one escape sequence).</summary>
    public void StringBytes(ReadOnlySpan<byte> bytes, long offset, bool raw, bool isKey, ReadOnlySpan<byte> doc)
    {
        var room = Math.Min(bytes.Length, _prefix.Length - _prefixLength);
        bytes[..room].CopyTo(_prefix.AsSpan(_prefixLength));
        _prefixLength += room;
        var alive = false;
        for (var t = 0; t < _trackers.Count; t++)
        {
            var tracker = _trackers[t];
            if (!tracker.Alive)
            {
                continue;
            }

            for (var i = 0; i < bytes.Length; i++)
            {
                if (!tracker.Feed(bytes[i], _decoded + i))
                {
                    _trackers[t] = tracker;
                    ReportPrefix(t, raw ? offset + i : offset, doc, isKey, (int)Math.Min(_decoded + i + 1, _prefixLength));
                    tracker = _trackers[t];
                    break;
                }
            }

            _trackers[t] = tracker;
            alive |= tracker.Alive;
        }

        if (_lengths.Count > 0)
        {
            var points = LengthKeyword.CodePoints(bytes);
            for (var l = 0; l < _lengths.Count; l++)
            {
                var watch = _lengths[l];
                if (!watch.Alive)
                {
                    continue;
                }

                if (_codePoints + points > watch.Keyword.Parts.Limit)
                {
                    var at = offset;
                    if (raw)
                    {
                        // The byte that starts the first code point past the limit.
                        var count = _codePoints;
                        for (var i = 0; i < bytes.Length; i++)
                        {
                            if ((bytes[i] & 0xC0) != 0x80 && ++count > watch.Keyword.Parts.Limit)
                            {
                                at = offset + i;
                                break;
                            }
                        }
                    }

                    _lengths[l] = watch with { Alive = false };
                    var limit = watch.Keyword.Parts.Limit;
                    var location = PathOf(_depth, doc);
                    Add(location, watch.Keyword.Path, "maxLength", $"a string of at most {ViolationText.Count(limit, "character")}",
                        $"a string longer than {ViolationText.Count(limit, "character")}",
                        ViolationText.Sentence(location, $"a string of at most {ViolationText.Count(limit, "character")}",
                            $"a string longer than {ViolationText.Count(limit, "character")}"), at);
                }
                else
                {
                    alive = true;
                }
            }

            _codePoints += points;
        }

        _decoded += bytes.Length;
        Watching = alive;
    }

    /// <summary>A member name is complete: detect duplicates, find the schemas of its value.</summary>
    public void KeyComplete(int nameToken, long offset, ReadOnlySpan<byte> doc)
    {
        ref var f = ref Top;
        f.LastKey = nameToken;
        Watching = false;
        if (_prefixReports.Count > 0)
        {
            RewordPrefixReports(nameToken, isKey: true, doc);
        }

        var name = Tape.Bytes(doc, nameToken);
        var set = f.Set;

        // The name's index among those of the set's only properties keyword: a name found there is a duplicate exactly
        // when the same index was seen before in this object; any other name is compared with the names before it.
        var known = _keyIndexKnown ? _keyIndex
            : set.SingleProperties >= 0 ? set.Entries[set.SingleProperties].Facts.Properties!.Parts.Names.Find(name) : -1;
        _keyIndexKnown = false;
        bool duplicate;
        if (known is >= 0 and < 64)
        {
            duplicate = (f.KnownNames & (1UL << known)) != 0;
            f.KnownNames |= 1UL << known;
        }
        else
        {
            duplicate = f.Count > 1 && IsDuplicate(ref f, name, nameToken, doc);
        }

        if (duplicate)
        {
            var location = PathOf(_depth, doc);
            Add(location, "", "duplicateKey", "each property name at most once", $"the property {ViolationText.Quote(name)} a second time",
                $"At {ViolationText.Where(PathOf(_depth - 1, doc))}: the property {ViolationText.Quote(name)} appears more than once.", offset);
        }

        if (!set.NavigatesObject)
        {
            _slot = ApplicableSet.Empty;
            return;
        }

        _slot = MemberSet(set, name, known, ref f);
        if (!_slot.HasFalse)
        {
            return;
        }

        foreach (var e in _slot.Entries)
        {
            if (!e.Facts.IsFalse)
            {
                continue;
            }

            var viaAdditional = e.Node.Path.EndsWith("/additionalProperties", StringComparison.Ordinal);
            if (viaAdditional && _keyRejected)
            {
                continue; // its prefix was reported already
            }

            var location = PathOf(_depth, doc);
            var expected = viaAdditional ? AllowedNames(set, e.Node) : "no property of this name";
            var received = $"the property {ViolationText.Quote(name)}";
            Add(location, e.Node.Path, viaAdditional ? "additionalProperties" : "false", expected, received,
                $"At {ViolationText.Where(PathOf(_depth - 1, doc))}: the property {ViolationText.Quote(name)} is not allowed"
                + (viaAdditional ? $"; expected {expected}." : "."), offset);
        }
    }

    /// <summary>
    /// A value is complete (for containers, before <see cref="Pop"/>). Runs what could not run before: integer,
    /// required, and the residual keywords through the validator's code on the incremental tape.
    /// </summary>
    public void EndValue(JsonKind kind, int token, long offset, ReadOnlySpan<byte> doc)
    {
        var container = kind is JsonKind.Object or JsonKind.Array;
        var set = container ? Top.Set : _slot;
        Watching = false;
        if (kind == JsonKind.String && _prefixReports.Count > 0)
        {
            RewordPrefixReports(token, isKey: false, doc);
        }

        if (set.IsEmpty || _violations.Count >= _maxViolations)
        {
            return;
        }

        var bit = NodeFacts.KindOf(kind);
        if (!_eager && (set.Kinds & bit) == 0)
        {
            ReportKind(set, kind, offset, doc, ValueLocation(container, doc), ViolationText.Received(Tape, doc, token));
        }

        if (!set.ChecksOnCompletion(kind))
        {
            return;
        }

        var entries = set.Entries;
        for (var i = 0; i < entries.Length; i++)
        {
            ref readonly var e = ref entries[i];
            var f = e.Facts;
            if (f.IsFalse || (f.Kinds & bit) == 0)
            {
                continue; // reported when the value started
            }

            switch (kind)
            {
                case JsonKind.Number:
                    if (f.IntegerOnly && !IsInteger(e.Node, Tape.Bytes(doc, token)))
                    {
                        var location = ValueLocation(container, doc);
                        var received = ViolationText.Received(Tape, doc, token);
                        Add(location, e.Node.Path + "/type", "type", "an integer", received,
                            ViolationText.Sentence(location, "an integer", received), offset);
                    }

                    Residual(f.NumberResidual, e, token, container, offset, doc);
                    break;
                case JsonKind.String:
                    Residual(f.StringResidual, e, token, container, offset, doc);
                    break;
                case JsonKind.Object:
                    if (f.WholeObject)
                    {
                        Whole(e, token, offset, doc);
                        continue;
                    }

                    if (f.HasRequired)
                    {
                        Required(e, token, offset, doc, i == set.SingleProperties ? Top.Seen : null);
                    }

                    Residual(f.ObjectResidual, e, token, container, offset, doc);
                    break;
                case JsonKind.Array:
                    if (f.WholeArray)
                    {
                        Whole(e, token, offset, doc);
                        continue;
                    }

                    Residual(f.ArrayResidual, e, token, container, offset, doc);
                    break;
            }

            Residual(f.AnyResidual, e, token, container, offset, doc);
        }
    }

    /// <summary>The text cannot be JSON from <paramref name="offset"/> on.</summary>
    public void Malformed(long offset, string expected, string received, ReadOnlySpan<byte> doc)
    {
        Failed = true;
        var location = PathOf(_depth, doc);
        Add(location, "", "json", expected, received,
            $"The output is not valid JSON at byte {offset} (at {ViolationText.Where(location)}): expected {expected}, but received {received}.", offset, dedupe: false);
    }

    /// <summary>A size or depth limit was reached: the document cannot be accepted.</summary>
    public void Limit(long offset, string message, ReadOnlySpan<byte> doc)
    {
        Failed = true;
        Add(PathOf(_depth, doc), "", "limit", "a smaller document", "more than the limit allows", message, offset, dedupe: false);
    }

    /// <summary>JSON pointer of the value in the current slot (depth <paramref name="frames"/>: the current child of each open frame).</summary>
    public string PathOf(int frames, ReadOnlySpan<byte> doc)
    {
        if (frames <= 0)
        {
            return "";
        }

        var sb = new StringBuilder();
        for (var i = 0; i < frames; i++)
        {
            ref var f = ref _frames[i];
            if (f.IsObject)
            {
                if (f.LastKey >= 0)
                {
                    Evaluator.AppendPointerSegment(sb.Append('/'), Encoding.UTF8.GetString(Tape.Bytes(doc, f.LastKey)));
                }
            }
            else
            {
                sb.Append('/').Append(Math.Max(0, f.Count - 1));
            }
        }

        return sb.ToString();
    }

    private string ValueLocation(bool container, ReadOnlySpan<byte> doc) => PathOf(container ? _depth - 1 : _depth, doc);

    private ApplicableSet ItemSet(ApplicableSet set, int index)
    {
        if (!set.NavigatesArray)
        {
            return ApplicableSet.Empty;
        }

        if (index >= set.MaxPrefix && set.RestItems is { } cached)
        {
            return cached;
        }

        _direct.Clear();
        foreach (var e in set.Entries)
        {
            if (e.Facts.Items is { } items)
            {
                var (prefix, rest) = items.Parts;
                var node = index < prefix.Length ? prefix[index] : rest;
                if (node is not null)
                {
                    _direct.Add((node, _plan.Inner(e)));
                }
            }
        }

        var result = _direct.Count == 0 ? ApplicableSet.Empty : _plan.Union(_direct);
        if (index >= set.MaxPrefix)
        {
            set.RestItems = result;
        }

        return result;
    }

    /// <param name="set">The object's set.</param>
    /// <param name="name">The member's name.</param>
    /// <param name="index">The name's index in the names of <see cref="ApplicableSet.SingleProperties"/>, when there is one.</param>
    /// <param name="frame">The object's frame.</param>
    private ApplicableSet MemberSet(ApplicableSet set, ReadOnlySpan<byte> name, int index, ref Frame frame)
    {
        if (set.SingleProperties >= 0)
        {
            var e = set.Entries[set.SingleProperties];
            var parts = e.Facts.Properties!.Parts;
            if (index >= 0 && parts.RequiredBit[index] >= 0)
            {
                frame.Seen |= 1UL << parts.RequiredBit[index];
            }

            if (index >= 0 && parts.Schemas[index] is { } node)
            {
                var memo = set.MemberSets ??= new ApplicableSet?[parts.Schemas.Length];
                return memo[index] ??= _plan.Closure(node, _plan.Inner(e));
            }

            return set.AdditionalSet ??= parts.Additional is { } additional ? _plan.Closure(additional, _plan.Inner(e)) : ApplicableSet.Empty;
        }

        _direct.Clear();
        foreach (var e in set.Entries)
        {
            if (e.Facts.Properties is not { } properties)
            {
                continue;
            }

            var parts = properties.Parts;
            var inner = _plan.Inner(e);
            var matched = false;
            var found = parts.Names.Find(name);
            if (found >= 0 && parts.Schemas[found] is { } node)
            {
                _direct.Add((node, inner));
                matched = true;
            }

            if (parts.Patterns.Length > 0)
            {
                var chars = _state.ToChars(name);
                foreach (var (pattern, patternNode) in parts.Patterns)
                {
                    if (pattern.IsMatch(chars, out var timedOut))
                    {
                        _direct.Add((patternNode, inner));
                        matched = true;
                    }
                    else if (timedOut)
                    {
                        matched = true; // unknown: apply neither the pattern's schema nor additionalProperties
                    }
                }
            }

            if (!matched && parts.Additional is { } additional)
            {
                _direct.Add((additional, inner));
            }
        }

        return _direct.Count == 0 ? ApplicableSet.Empty : _plan.Union(_direct);
    }

    private bool IsDuplicate(ref Frame f, ReadOnlySpan<byte> name, int nameToken, ReadOnlySpan<byte> doc)
    {
        var tokens = Tape.Tokens;
        if (f.Names is null)
        {
            if (f.Count <= LinearNames)
            {
                var member = f.Token + 1;
                for (var m = 0; m < f.Count - 1; m++)
                {
                    if (Tape.Bytes(doc, member).SequenceEqual(name))
                    {
                        return true;
                    }

                    member = tokens[member + 1].Next;
                }

                return false;
            }

            f.Names = new NameIndex();
            var previous = f.Token + 1;
            for (var m = 0; m < f.Count - 1; m++)
            {
                f.Names.Add(Tape, doc, previous);
                previous = tokens[previous + 1].Next;
            }
        }

        return !f.Names.Add(Tape, doc, nameToken);
    }

    private static bool IsInteger(ValidatorNode node, ReadOnlySpan<byte> literal)
        => node.IntegerNeedsIntegerLiteral ? literal.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 : JsonNumber.IsInteger(literal);

    /// <summary>The string whose prefix was reported is complete: say what it is in full.</summary>
    private void RewordPrefixReports(int token, bool isKey, ReadOnlySpan<byte> doc)
    {
        foreach (var index in _prefixReports)
        {
            if (index >= _violations.Count)
            {
                continue;
            }

            var v = _violations[index];
            var whole = Tape.Bytes(doc, token);
            var received = isKey ? $"the property {ViolationText.Quote(whole)}" : ViolationText.Received(Tape, doc, token);
            var message = isKey
                ? $"At {ViolationText.Where(v.InstanceLocation)}: the property {ViolationText.Quote(whole)} is not allowed; expected {v.Expected}."
                : ViolationText.Sentence(v.InstanceLocation, v.Expected, received);
            _violations[index] = v with { Received = received, Message = message };
        }

        _prefixReports.Clear();
    }

    private void ResetWatch()
    {
        _prefixReports.Clear();
        _trackers.Clear();
        _lengths.Clear();
        _decoded = 0;
        _codePoints = 0;
        _prefixLength = 0;
    }

    private void StartStringWatch(ApplicableSet set, long offset, ReadOnlySpan<byte> doc)
    {
        ResetWatch();
        foreach (var e in set.Entries)
        {
            var f = e.Facts;
            if ((f.Kinds & KindMask.String) == 0)
            {
                continue;
            }

            foreach (var (keyword, members) in f.StringMembers)
            {
                _trackers.Add(new Tracker(members, keyword.Path, keyword));
            }

            if (f.MaxLength is { } max)
            {
                _lengths.Add(new LengthWatch(max, true));
            }
        }

        Watching = _trackers.Count > 0 || _lengths.Count > 0;
        for (var i = 0; i < _trackers.Count; i++)
        {
            if (_trackers[i].Hi == 0)
            {
                ReportPrefix(i, offset, doc, isKey: false, 0);
            }
        }
    }

    private void ReportPrefix(int index, long offset, ReadOnlySpan<byte> doc, bool isKey, int prefixLength)
    {
        var tracker = _trackers[index];
        _trackers[index] = tracker with { Alive = false };
        var prefix = ViolationText.Quote(_prefix.AsSpan(0, prefixLength));
        if (isKey)
        {
            _keyRejected = true;
            var location = PathOf(_depth - 1, doc);
            var expected = "only the properties " + ViolationText.Names(tracker.Members);
            if (tracker.Members.Length == 0)
            {
                expected = "no properties at all";
            }

            var received = prefixLength == 0 ? "a property" : $"a property whose name starts with {prefix}";
            _prefixReports.Add(_violations.Count);
            Add(location, tracker.KeywordPath, "additionalProperties", expected, received,
                prefixLength == 0
                    ? $"At {ViolationText.Where(location)}: the object may not have any property."
                    : $"At {ViolationText.Where(location)}: no allowed property name starts with {prefix}; expected {expected}.", offset);
            return;
        }

        var valueLocation = PathOf(_depth, doc);
        string expectedValue;
        string keywordName;
        if (tracker.Keyword is EnumKeyword enumeration)
        {
            var (tape, strings, others) = enumeration.Parts;
            expectedValue = ViolationText.EnumExpectation(tape, strings, others);
            keywordName = "enum";
        }
        else
        {
            var (tape, value) = ((ConstKeyword)tracker.Keyword!).Parts;
            expectedValue = "exactly " + ViolationText.Literal(tape, value);
            keywordName = "const";
        }

        var receivedValue = prefixLength == 0 ? "a string" : $"a string starting with {prefix}";
        _prefixReports.Add(_violations.Count);
        Add(valueLocation, tracker.KeywordPath, keywordName, expectedValue, receivedValue,
            ViolationText.Sentence(valueLocation, expectedValue, receivedValue), offset);
    }

    private void ReportKind(ApplicableSet set, JsonKind kind, long offset, ReadOnlySpan<byte> doc, string location, string received)
    {
        var bit = NodeFacts.KindOf(kind);
        foreach (var e in set.Entries)
        {
            var f = e.Facts;
            if ((f.Kinds & bit) != 0)
            {
                continue;
            }

            if (f.IsFalse)
            {
                if (location.Length == 0)
                {
                    Add(location, e.Node.Path, "false", "nothing (the schema allows no value)", received,
                        "The schema allows no value at all.", offset);
                }

                continue;
            }

            if ((NodeFacts.KindsOf(e.Node.Types) & bit) == 0 && e.Node.Types != TypeMask.None)
            {
                var expected = ViolationText.TypeExpectation(e.Node.Types);
                Add(location, e.Node.Path + "/type", "type", expected, received, ViolationText.Sentence(location, expected, received), offset);
                continue;
            }

            foreach (var keyword in f.AnyResidual)
            {
                switch (keyword)
                {
                    case NeverKeyword:
                        Add(location, keyword.Path, "type", "no value (the schema lists no type)", received,
                            $"At {ViolationText.Where(location)}: the schema allows no type of value.", offset);
                        break;
                    case EnumKeyword enumeration:
                    {
                        var (tape, strings, others) = enumeration.Parts;
                        var expected = ViolationText.EnumExpectation(tape, strings, others);
                        if (!EnumAllows(enumeration, bit))
                        {
                            Add(location, keyword.Path, "enum", expected, received, ViolationText.Sentence(location, expected, received), offset);
                        }

                        break;
                    }

                    case ConstKeyword constant:
                    {
                        var (tape, value) = constant.Parts;
                        if ((NodeFacts.KindOf(tape.Tokens[value].Kind) & bit) == 0)
                        {
                            var expected = "exactly " + ViolationText.Literal(tape, value);
                            Add(location, keyword.Path, "const", expected, received, ViolationText.Sentence(location, expected, received), offset);
                        }

                        break;
                    }
                }
            }
        }
    }

    private static bool EnumAllows(EnumKeyword enumeration, KindMask bit)
    {
        var (tape, strings, others) = enumeration.Parts;
        if (bit == KindMask.String)
        {
            return strings.Count > 0;
        }

        foreach (var other in others)
        {
            if (NodeFacts.KindOf(tape.Tokens[other].Kind) == bit)
            {
                return true;
            }
        }

        return false;
    }

    private void ReportTooMany(ApplicableSet set, int count, bool isObject, long offset, ReadOnlySpan<byte> doc)
    {
        foreach (var e in set.Entries)
        {
            var keyword = isObject ? e.Facts.MaxProperties : e.Facts.MaxItems;
            if (keyword is null || count != keyword.Parts.Limit + 1)
            {
                continue;
            }

            var noun = isObject ? "property" : "item";
            var plural = isObject ? "properties" : "items";
            var limit = keyword.Parts.Limit;
            var location = PathOf(_depth - 1, doc);
            var expected = limit == 1 ? $"at most 1 {noun}" : $"at most {limit} {plural}";
            var received = $"more than {(limit == 1 ? $"1 {noun}" : $"{limit} {plural}")}";
            Add(location, keyword.Path, isObject ? "maxProperties" : "maxItems", expected, received,
                ViolationText.Sentence(location, expected, received), offset);
        }
    }

    private static string AllowedNames(ApplicableSet set, ValidatorNode additional)
    {
        foreach (var e in set.Entries)
        {
            if (e.Facts.Properties is { } p && ReferenceEquals(p.Parts.Additional, additional))
            {
                return e.Facts.ClosedNames is { Length: > 0 } names
                    ? "only the properties " + ViolationText.Names(names)
                    : e.Facts.ClosedNames is not null ? "no properties at all" : "only the properties the schema names";
            }
        }

        return "only the properties the schema names";
    }

    /// <param name="e">The entry whose required names are checked.</param>
    /// <param name="token">The object.</param>
    /// <param name="offset">Where the object closes.</param>
    /// <param name="doc">The document so far.</param>
    /// <param name="known">The required bits of the names, when they were gathered as the members arrived.</param>
    private void Required(in Entry e, int token, long offset, ReadOnlySpan<byte> doc, ulong? known)
    {
        var parts = e.Facts.Properties!.Parts;
        var tokens = Tape.Tokens;
        var seen = 0UL;
        if (known is { } bits)
        {
            seen = bits;
        }
        else
        {
            var member = token + 1;
            for (var m = 0; m < tokens[token].Length; m++)
            {
                var index = parts.Names.Find(Tape.Bytes(doc, member));
                if (index >= 0 && parts.RequiredBit[index] >= 0)
                {
                    seen |= 1UL << parts.RequiredBit[index];
                }

                member = tokens[member + 1].Next;
            }
        }

        var count = parts.RequiredNames.Length;
        var all = count == 64 ? ulong.MaxValue : (1UL << count) - 1;
        if (seen == all)
        {
            return;
        }

        var location = ValueLocation(container: true, doc);
        var received = ViolationText.Received(Tape, doc, token);
        for (var b = 0; b < count; b++)
        {
            if ((seen & (1UL << b)) == 0)
            {
                var name = ViolationText.Quote(parts.RequiredNames[b]);
                var expected = $"the required property {name}";
                Add(location + "\u0000" + b, parts.RequiredPath, "required", expected, received,
                    $"At {ViolationText.Where(location)}: the required property {name} is missing.", offset, location);
            }
        }
    }

    private void Residual(Keyword[] keywords, in Entry e, int token, bool container, long offset, ReadOnlySpan<byte> doc)
    {
        foreach (var keyword in keywords)
        {
            if (_violations.Count >= _maxViolations)
            {
                return;
            }

            PrepareState(_plan.Inner(e));
            var evaluator = new Evaluator(doc, _state, full: false);
            if (keyword.Evaluate(ref evaluator, token, -1) || _state.DepthExceeded)
            {
                continue; // a depth limit is not a verdict
            }

            if (!Describe(keyword, token, container, offset, doc))
            {
                Explain(keyword, null, e, token, offset, doc);
            }
        }
    }

    private void Whole(in Entry e, int token, long offset, ReadOnlySpan<byte> doc)
    {
        PrepareState(e.Outer);
        var evaluator = new Evaluator(doc, _state, full: false);
        if (!e.Node.Evaluate(ref evaluator, token, -1) && !_state.DepthExceeded)
        {
            Explain(null, e.Node, e, token, offset, doc);
        }
    }

    /// <summary>Structured wording for the keywords whose expectation is a simple value; false for the others.</summary>
    private bool Describe(Keyword keyword, int token, bool container, long offset, ReadOnlySpan<byte> doc)
    {
        var location = ValueLocation(container, doc);
        var received = ViolationText.Received(Tape, doc, token);
        string expected;
        string name;
        switch (keyword)
        {
            case EnumKeyword enumeration:
            {
                var (tape, strings, others) = enumeration.Parts;
                expected = ViolationText.EnumExpectation(tape, strings, others);
                name = "enum";
                break;
            }

            case ConstKeyword constant:
            {
                var (tape, value) = constant.Parts;
                expected = "exactly " + ViolationText.Literal(tape, value);
                name = "const";
                break;
            }

            case NumberBoundKeyword bound:
            {
                var (kind, value) = bound.Parts;
                (expected, name) = kind switch
                {
                    BoundKind.Minimum => ($"a number greater than or equal to {value}", "minimum"),
                    BoundKind.Maximum => ($"a number less than or equal to {value}", "maximum"),
                    BoundKind.ExclusiveMinimum => ($"a number greater than {value}", "exclusiveMinimum"),
                    _ => ($"a number less than {value}", "exclusiveMaximum"),
                };
                break;
            }

            case MultipleOfKeyword multiple:
                expected = $"a multiple of {multiple.Divisor}";
                name = "multipleOf";
                break;
            case LengthKeyword length:
            {
                var (limit, isMax) = length.Parts;
                expected = $"a string of at {(isMax ? "most" : "least")} {ViolationText.Count(limit, "character")}";
                received += $" ({ViolationText.Count(LengthKeyword.CodePoints(Tape.Bytes(doc, token)), "character")})";
                name = isMax ? "maxLength" : "minLength";
                break;
            }

            case PatternKeyword pattern:
                expected = $"a string matching the pattern {pattern.Pattern.Source}";
                name = "pattern";
                break;
            case FormatKeyword format:
                expected = $"a valid {format.Format}";
                name = "format";
                break;
            case CountKeyword count:
            {
                var (limit, isMax) = count.Parts;
                var items = keyword.Path.EndsWith("Items", StringComparison.Ordinal);
                var noun = items ? "item" : "property";
                expected = $"at {(isMax ? "most" : "least")} {Plural(limit, noun)}";
                received = Plural(Tape.Tokens[token].Length, noun);
                name = (isMax ? "max" : "min") + (items ? "Items" : "Properties");
                break;
            }

            case NeverKeyword:
                expected = "no value (the schema lists no type)";
                name = "type";
                break;
            default:
                return false;
        }

        Add(location, keyword.Path, name, expected, received, ViolationText.Sentence(location, expected, received), offset);
        return true;
    }

    private static string Plural(long n, string noun) => noun == "property" ? (n == 1 ? "1 property" : $"{n} properties") : ViolationText.Count(n, noun);

    /// <summary>Runs a failed keyword (or a whole schema) again in full mode and turns the validator's errors into violations.</summary>
    private void Explain(Keyword? keyword, ValidatorNode? node, in Entry e, int token, long offset, ReadOnlySpan<byte> doc)
    {
        var state = _state;
        state.Errors.Clear();
        state.ErrorCap = 32;
        state.Dropped = 0;
        PrepareState(node is null ? _plan.Inner(e) : e.Outer);
        var evaluator = new Evaluator(doc, state, full: true);
        if (keyword is not null)
        {
            keyword.Evaluate(ref evaluator, token, -1);
        }
        else
        {
            node!.Evaluate(ref evaluator, token, -1);
        }

        var errors = state.Errors.ToArray();
        state.Errors.Clear();
        var basePath = keyword?.Path ?? node!.Path;
        var added = false;
        foreach (var error in errors)
        {
            if (IsAlternativeDetail(error.KeywordLocation, basePath))
            {
                continue;
            }

            var name = LastSegment(error.KeywordLocation);
            var details = new List<string>();
            if (name is "anyOf" or "oneOf")
            {
                foreach (var other in errors)
                {
                    if (details.Count < 6 && other.KeywordLocation.StartsWith(error.KeywordLocation + "/", StringComparison.Ordinal))
                    {
                        details.Add($"{ViolationText.Where(other.InstanceLocation)}: {other.Message}");
                    }
                }
            }

            var target = TokenAt(error.InstanceLocation, doc);
            var received = target >= 0 ? ViolationText.Received(Tape, doc, target) : "the value";
            var expected = Expectation(name);
            Add(error.InstanceLocation, error.KeywordLocation, name, expected, received,
                $"At {ViolationText.Where(error.InstanceLocation)}: {error.Message}.", offset, details: details);
            added = true;
        }

        if (!added)
        {
            var location = ValueLocation(token == Top0(), doc);
            var path = keyword?.Path ?? node!.Path;
            var name = LastSegment(path);
            var received = ViolationText.Received(Tape, doc, token);
            Add(location, path, name, Expectation(name), received, ViolationText.Sentence(location, Expectation(name), received), offset);
        }
    }

    private int Top0() => _depth > 0 ? Top.Token : -1;

    private static string Expectation(string keyword) => keyword switch
    {
        "anyOf" => "a value that matches at least one of the alternatives",
        "oneOf" => "a value that matches exactly one of the alternatives",
        "not" => "a value that does not match the excluded schema",
        "required" or "dependentRequired" or "dependencies" => "every property the schema requires",
        "uniqueItems" => "items that are all different",
        "contains" or "minContains" or "maxContains" => "the number of matching items the schema asks for",
        "propertyNames" => "property names the schema allows",
        "unevaluatedProperties" => "no properties beyond those the schema describes",
        "unevaluatedItems" => "no items beyond those the schema describes",
        "type" => "a value of another type",
        "false" => "no value here",
        _ => $"a value satisfying '{keyword}'",
    };

    /// <summary>
    /// True for errors under an anyOf/oneOf alternative (below the keyword evaluated, whose path is
    /// <paramref name="basePath"/>): explanations of that keyword's failure, not violations of their own.
    /// </summary>
    private static bool IsAlternativeDetail(string keywordLocation, string basePath)
    {
        var relative = keywordLocation.StartsWith(basePath, StringComparison.Ordinal) ? keywordLocation[basePath.Length..] : keywordLocation;
        if (relative.Length > 0 && LastSegment(basePath) is "anyOf" or "oneOf")
        {
            return true;
        }

        return relative.Contains("/anyOf/", StringComparison.Ordinal) || relative.Contains("/oneOf/", StringComparison.Ordinal);
    }

    private static string LastSegment(string pointer)
    {
        var slash = pointer.LastIndexOf('/');
        var segment = slash < 0 ? pointer : pointer[(slash + 1)..];
        if (segment.Length > 0 && char.IsDigit(segment[0]) && slash > 0)
        {
            // An index (prefixItems/0, allOf/1): name the keyword that holds it.
            return LastSegment(pointer[..slash]);
        }

        return segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
    }

    /// <summary>The token at a JSON pointer of the document (cold path: error wording only); -1 when not found.</summary>
    private int TokenAt(string pointer, ReadOnlySpan<byte> doc)
    {
        var tokens = Tape.Tokens;
        if (Tape.Count == 0)
        {
            return -1;
        }

        var current = 0;
        foreach (var raw in pointer.Split('/', StringSplitOptions.None).Skip(1))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            ref var t = ref tokens[current];
            var found = -1;
            if (t.Kind == JsonKind.Object)
            {
                var name = Encoding.UTF8.GetBytes(segment);
                var member = current + 1;
                for (var m = 0; m < t.Length && member < Tape.Count; m++)
                {
                    if (Tape.Bytes(doc, member).SequenceEqual(name))
                    {
                        found = member + 1;
                    }

                    if (member + 1 >= Tape.Count)
                    {
                        break;
                    }

                    member = tokens[member + 1].Next;
                }
            }
            else if (t.Kind == JsonKind.Array && int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                var item = current + 1;
                for (var i = 0; i < t.Length && item < Tape.Count; i++)
                {
                    if (i == index)
                    {
                        found = item;
                        break;
                    }

                    item = tokens[item].Next;
                }
            }

            if (found < 0 || found >= Tape.Count)
            {
                return -1;
            }

            current = found;
        }

        return current;
    }

    private void PrepareState(ScopeChain? scope)
    {
        var s = _state;
        s.ScopeCount = 0;
        if (scope is not null)
        {
            var n = scope.Length;
            if (s.Scope.Length < n)
            {
                Array.Resize(ref s.Scope, Math.Max(n, s.Scope.Length * 2));
            }

            var i = n - 1;
            for (var c = scope; c is not null; c = c.Parent)
            {
                s.Scope[i--] = c.Resource;
            }

            s.ScopeCount = n;
        }

        s.Depth = 0;
        s.DepthExceeded = false;
        s.BitsTop = 0;
        s.FrameCount = 0;
        s.MaxDepth = _refDepthLimit;
    }

    private void Add(string location, string keywordLocation, string keyword, string expected, string received, string message,
        long offset, string? reportedLocation = null, bool dedupe = true, List<string>? details = null)
    {
        if (_violations.Count >= _maxViolations)
        {
            return;
        }

        // The dedupe key may differ from the location shown (several required names at one object).
        if (dedupe && !_reported.Add((location, keywordLocation)))
        {
            return;
        }

        _violations.Add(new SchemaViolation(reportedLocation ?? location, keywordLocation, keyword, expected, received, message)
        {
            ByteOffset = offset,
            Details = details is { Count: > 0 } ? details : [],
        });
    }

    private record struct Tracker(byte[][] Members, string KeywordPath, Keyword? Keyword)
    {
        public int Lo = 0;
        public int Hi = Members.Length;
        public bool Alive = true;

        /// <summary>Narrows the sorted members to those whose byte at <paramref name="at"/> is <paramref name="b"/>.</summary>
        public bool Feed(byte b, long at)
        {
            var members = Members;
            while (Lo < Hi && (members[Lo].Length <= at || members[Lo][at] < b))
            {
                Lo++;
            }

            while (Hi > Lo && (members[Hi - 1].Length <= at || members[Hi - 1][at] > b))
            {
                Hi--;
            }

            Alive = Lo < Hi;
            return Alive;
        }
    }

    private record struct LengthWatch(LengthKeyword Keyword, bool Alive);
}

/// <summary>An open-addressed set of member-name tokens of one object, for duplicate detection in large objects.</summary>
internal sealed class NameIndex
{
    private int[] _table = new int[64];
    private int _count;

    public NameIndex() => Array.Fill(_table, -1);

    /// <summary>Adds a name token; false when an equal name is already present.</summary>
    public bool Add(JsonTape tape, ReadOnlySpan<byte> doc, int token)
    {
        if ((_count + 1) * 2 > _table.Length)
        {
            Grow(tape, doc);
        }

        var name = tape.Bytes(doc, token);
        var mask = _table.Length - 1;
        var slot = (int)(JsonTapeBuilder.Hash(name) & (ulong)mask);
        while (_table[slot] >= 0)
        {
            if (tape.Bytes(doc, _table[slot]).SequenceEqual(name))
            {
                return false;
            }

            slot = (slot + 1) & mask;
        }

        _table[slot] = token;
        _count++;
        return true;
    }

    private void Grow(JsonTape tape, ReadOnlySpan<byte> doc)
    {
        var old = _table;
        _table = new int[old.Length * 2];
        Array.Fill(_table, -1);
        var mask = _table.Length - 1;
        foreach (var token in old)
        {
            if (token < 0)
            {
                continue;
            }

            var slot = (int)(JsonTapeBuilder.Hash(tape.Bytes(doc, token)) & (ulong)mask);
            while (_table[slot] >= 0)
            {
                slot = (slot + 1) & mask;
            }

            _table[slot] = token;
        }
    }
}
