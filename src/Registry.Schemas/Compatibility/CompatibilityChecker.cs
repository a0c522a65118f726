using Registry.Schemas.Compatibility.Comparison;
using Registry.Schemas.Compatibility.Model;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Compatibility;

/// <summary>One difference between two schemas, named and located.</summary>
/// <param name="Name">Stable name, e.g. <c>TYPE_NARROWED</c>, <c>REQUIRED_ATTRIBUTE_ADDED</c> (see <see cref="DifferenceNames"/>).</param>
/// <param name="Location">JSON pointer into the schema, e.g. <c>#/properties/age</c>: where the change is in the new schema (for a removal, where the removed part was).</param>
/// <param name="IsCompatible">Whether this difference is compatible under the level and policy checked.</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="EarlierVersionIndex">Index, in the list of earlier versions given, of the version this difference is against.</param>
public sealed record SchemaDifference(string Name, string Location, bool IsCompatible, string Message, int EarlierVersionIndex)
{
    /// <summary>For an incompatible difference: what to do about it, when its kind has a standard remedy (<see cref="DifferenceRemedies"/>).</summary>
    public string? Remedy { get; init; }

    /// <summary>The difference as one line: <c>TYPE_NARROWED #/properties/age: type changed from number to integer</c>.</summary>
    public override string ToString() => $"{Name} {Location}: {Message}";
}

/// <summary>Verdict of a compatibility check.</summary>
public sealed class CompatibilityResult
{
    /// <summary>Creates a result.</summary>
    public CompatibilityResult(bool isCompatible, IReadOnlyList<SchemaDifference> differences, VersionBump suggestedBump)
    {
        IsCompatible = isCompatible;
        Differences = differences;
        SuggestedBump = suggestedBump;
    }

    /// <summary>True when no difference is incompatible.</summary>
    public bool IsCompatible { get; }

    /// <summary>Every difference found, compatible or not.</summary>
    public IReadOnlyList<SchemaDifference> Differences { get; }

    /// <summary>Major for an incompatible change, minor for compatible additions, patch for annotation-only changes.</summary>
    public VersionBump SuggestedBump { get; }

    /// <summary>One readable line per difference, the incompatible ones first.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            var messages = new List<string>(Differences.Count);
            foreach (var pass in (ReadOnlySpan<bool>)[false, true])
            {
                foreach (var difference in Differences)
                {
                    if (difference.IsCompatible == pass)
                    {
                        messages.Add($"{(pass ? "compatible" : "INCOMPATIBLE")}: {difference}");
                    }
                }
            }

            return messages;
        }
    }
}

/// <summary>Decides whether a new schema may follow earlier ones.</summary>
public static class CompatibilityChecker
{
    /// <summary>
    /// Checks <paramref name="newSchema"/> against <paramref name="earlierSchemas"/> (oldest first) at
    /// <paramref name="level"/>: non-transitive levels compare with the last one only. The suggested bump is the
    /// one from the latest earlier schema to the new one. Throws <see cref="ArgumentException"/> when a schema is
    /// not valid JSON.
    /// </summary>
    public static CompatibilityResult Check(
        ReadOnlyMemory<byte> newSchema,
        IReadOnlyList<ReadOnlyMemory<byte>> earlierSchemas,
        CompatibilityLevel level,
        CompatibilityPolicy policy,
        ISchemaResolver? resolver = null)
        => Check(newSchema, earlierSchemas, level, policy, resolver is null ? CompatibilityOptions.Default : new CompatibilityOptions { Resolver = resolver });

    /// <summary>
    /// As <see cref="Check(ReadOnlyMemory{byte}, IReadOnlyList{ReadOnlyMemory{byte}}, CompatibilityLevel, CompatibilityPolicy, ISchemaResolver?)"/>,
    /// with options. Throws <see cref="InvalidSchemaException"/> (an <see cref="ArgumentException"/>) when a schema
    /// is not valid JSON, not a schema, or has a reference that cannot be resolved; its
    /// <see cref="InvalidSchemaException.SchemaIndex"/> says which (-1 for the new one). Runs under a budget of
    /// <see cref="CompatibilityOptions.Limits"/> (<see cref="SchemaLimits.Work"/>): throws <see cref="TooComplexException"/>
    /// when the check needs more.
    /// </summary>
    public static CompatibilityResult Check(
        ReadOnlyMemory<byte> newSchema,
        IReadOnlyList<ReadOnlyMemory<byte>> earlierSchemas,
        CompatibilityLevel level,
        CompatibilityPolicy policy,
        CompatibilityOptions options)
        => Check(newSchema, earlierSchemas, level, policy, options, null);

    /// <summary>
    /// As <see cref="Check(ReadOnlyMemory{byte}, IReadOnlyList{ReadOnlyMemory{byte}}, CompatibilityLevel, CompatibilityPolicy, CompatibilityOptions)"/>,
    /// charged to <paramref name="budget"/> (the request's): throws <see cref="TooComplexException"/> when it runs
    /// out, and <see cref="OperationCanceledException"/> soon after its request is cancelled.
    /// </summary>
    public static CompatibilityResult Check(
        ReadOnlyMemory<byte> newSchema,
        IReadOnlyList<ReadOnlyMemory<byte>> earlierSchemas,
        CompatibilityLevel level,
        CompatibilityPolicy policy,
        CompatibilityOptions options,
        WorkBudget? budget)
    {
        ArgumentNullException.ThrowIfNull(earlierSchemas);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BaseUri is { IsAbsoluteUri: false })
        {
            throw new ArgumentException("The base URI must be absolute.", nameof(options));
        }

        budget ??= new WorkBudget(options.Limits.Work);
        using var newGraph = Load(newSchema, options, -1, budget);
        if (earlierSchemas.Count == 0)
        {
            return new CompatibilityResult(true, [], VersionBump.None);
        }

        var latest = earlierSchemas.Count - 1;
        var transitive = level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
        var first = level == CompatibilityLevel.None ? latest : transitive ? 0 : latest;
        var differences = new List<SchemaDifference>();
        var bump = VersionBump.None;
        for (var index = first; index < earlierSchemas.Count; index++)
        {
            using var oldGraph = Load(earlierSchemas[index], options, index, budget);
            var comparer = new SchemaComparer(policy, options.MaxComparisons, budget) { MemoisePairs = options.MemoisePairs };
            var identity = new NodeIdentity(oldGraph, newGraph);
            var findings = level switch
            {
                CompatibilityLevel.None or CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive
                    => comparer.Run(oldGraph.Root, newGraph.Root, backward: true, identity, options.SkipUnchangedSubtrees),
                CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive
                    => comparer.Run(oldGraph.Root, newGraph.Root, backward: false, identity, options.SkipUnchangedSubtrees),
                _ => Both(comparer, oldGraph.Root, newGraph.Root, identity, options.SkipUnchangedSubtrees),
            };

            comparer.ReleaseMemory();
            if (index == latest)
            {
                bump = Bump(findings);
            }

            // NONE checks nothing: it only suggests the bump (as BACKWARD would classify the change).
            if (level == CompatibilityLevel.None)
            {
                continue;
            }

            foreach (var finding in findings)
            {
                differences.Add(new SchemaDifference(finding.Name, finding.Location, finding.Compatible, finding.Message, index)
                {
                    Remedy = finding.Compatible ? null : DifferenceRemedies.For(finding.Name),
                });
            }
        }

        return new CompatibilityResult(!differences.Exists(static d => !d.IsCompatible), differences, bump);
    }

    private static SchemaGraph Load(ReadOnlyMemory<byte> schema, CompatibilityOptions options, int index, WorkBudget budget)
    {
        try
        {
            var draft = index >= 0 && options.EarlierDefaultDrafts is { } drafts && index < drafts.Count ? drafts[index] : options.DefaultDraft;
            return SchemaGraph.Load(schema, options.Resolver, options.BaseUri, budget, options.Limits, draft);
        }
        catch (InvalidSchemaException e)
        {
            throw new InvalidSchemaException(e.Location, e.Reason, e) { SchemaIndex = index };
        }
    }

    /// <summary>FULL: both directions; a difference is compatible only when it is in both.</summary>
    private static List<Finding> Both(SchemaComparer comparer, SchemaModel oldRoot, SchemaModel newRoot, NodeIdentity identity, bool skipIdentical)
    {
        var backward = comparer.Run(oldRoot, newRoot, backward: true, identity, skipIdentical);
        var forward = comparer.Run(oldRoot, newRoot, backward: false, identity, skipIdentical);
        backward.AddRange(forward);
        return SchemaComparer.Deduplicate(backward);
    }

    private static VersionBump Bump(List<Finding> findings)
    {
        var bump = VersionBump.None;
        foreach (var finding in findings)
        {
            var needed = !finding.Compatible ? VersionBump.Major
                : DifferenceNames.KindOf(finding.Name) == DifferenceKind.Annotation ? VersionBump.Patch
                : VersionBump.Minor;
            if (needed > bump)
            {
                bump = needed;
            }
        }

        return bump;
    }
}
