namespace Registry.Schemas.Compatibility;

/// <summary>
/// What to do about an incompatible difference: the standard remedy of each kind that has one, in one sentence
/// (docs/compatibility.md lists them). Remedies are by name alone, because a name already tells which direction it
/// breaks: a narrowing (<c>MAX_LENGTH_DECREASED</c>) rejects documents the earlier version accepted, a widening
/// (<c>MAX_LENGTH_INCREASED</c>) lets through documents readers on the earlier version reject.
/// </summary>
public static class DifferenceRemedies
{
    /// <summary>For a change that rejects documents the earlier version accepted.</summary>
    public const string Narrowing =
        "keep the earlier constraint in the schema and enforce the stricter rule in producers, or register the stricter schema under a new subject (a new major version)";

    /// <summary>For a change that lets through documents readers on the earlier version reject.</summary>
    public const string Widening =
        "readers on the earlier version would reject documents this change allows: keep the earlier constraint until every consumer has the new version, or check BACKWARD instead if consumers always upgrade before producers";

    private const string ClosedModelOrLenient =
        "close the model with \"additionalProperties\": false in both versions (a subject registered with an open model starts again as a new subject), or set the subject's compatibility policy to LENIENT if producers never send properties the schema does not declare";

    private static readonly Dictionary<string, string> Specific = new(StringComparer.Ordinal)
    {
        [DifferenceNames.PropertyAddedToOpenContentModel] =
            "under the STRICT policy an open model may already hold this property with any value; " + ClosedModelOrLenient,
        [DifferenceNames.PropertyRemovedFromOpenContentModel] =
            "keep the property declared (mark it \"deprecated\": true) rather than removing it, or set the subject's compatibility policy to LENIENT if producers never send properties the schema does not declare",
        [DifferenceNames.PropertyRemovedFromClosedContentModel] =
            "keep the property declared (mark it \"deprecated\": true) so that earlier documents carrying it stay valid",
        [DifferenceNames.PropertyAddedToClosedContentModel] =
            "the earlier schema forbids this property, so its readers reject new documents: check BACKWARD if consumers upgrade before producers, or add the property in a new subject",
        [DifferenceNames.RequiredAttributeAdded] =
            "declare the property without listing it in \"required\": earlier documents do not have it",
        [DifferenceNames.RequiredAttributeWithDefaultAdded] =
            "declare the property without listing it in \"required\": validation does not insert the default, so earlier documents without it would fail",
        [DifferenceNames.RequiredAttributeRemoved] =
            "keep the property in \"required\": readers on the earlier version reject documents without it",
        [DifferenceNames.TypeNarrowed] =
            "keep the earlier types in \"type\" (a list such as [\"string\", \"integer\"] admits both), or add a new property with the new type and deprecate the old one",
        [DifferenceNames.TypeChanged] =
            "keep the earlier types in \"type\" (a list such as [\"string\", \"integer\"] admits both), or add a new property with the new type and deprecate the old one",
        [DifferenceNames.EnumNarrowed] =
            "keep the removed values in \"enum\" (documented as deprecated) until no document uses them",
        [DifferenceNames.EnumChanged] =
            "keep the removed values in \"enum\" (documented as deprecated) until no document uses them",
        [DifferenceNames.AdditionalPropertiesNarrowed] =
            "closing a model that was open rejects earlier documents with other properties: keep it open, or register the closed model under a new subject",
        [DifferenceNames.OneOfBranchesOverlap] =
            "make the branches exclusive (e.g. a required discriminator property with a different \"const\" in each branch), or use anyOf if a document may match several",
    };

    private static readonly HashSet<string> Narrowings = new(StringComparer.Ordinal)
    {
        DifferenceNames.EnumAdded, DifferenceNames.ConstAdded, DifferenceNames.ConstChanged,
        DifferenceNames.MinLengthAdded, DifferenceNames.MinLengthIncreased, DifferenceNames.MaxLengthAdded, DifferenceNames.MaxLengthDecreased,
        DifferenceNames.PatternAdded, DifferenceNames.PatternChanged, DifferenceNames.FormatAdded, DifferenceNames.FormatChanged,
        DifferenceNames.MinimumAdded, DifferenceNames.MinimumIncreased, DifferenceNames.MaximumAdded, DifferenceNames.MaximumDecreased,
        DifferenceNames.ExclusiveMinimumAdded, DifferenceNames.ExclusiveMinimumIncreased,
        DifferenceNames.ExclusiveMaximumAdded, DifferenceNames.ExclusiveMaximumDecreased,
        DifferenceNames.MultipleOfAdded, DifferenceNames.MultipleOfExpanded, DifferenceNames.MultipleOfChanged,
        DifferenceNames.PropertyNamesAdded, DifferenceNames.MinPropertiesAdded, DifferenceNames.MinPropertiesIncreased,
        DifferenceNames.MaxPropertiesAdded, DifferenceNames.MaxPropertiesDecreased,
        DifferenceNames.DependentRequiredAdded, DifferenceNames.DependentRequiredExtended, DifferenceNames.DependentRequiredChanged,
        DifferenceNames.DependentSchemaAdded, DifferenceNames.UnevaluatedPropertiesNarrowed,
        DifferenceNames.ItemAddedToOpenContentModel, DifferenceNames.ItemRemovedFromClosedContentModel,
        DifferenceNames.ItemsNarrowed, DifferenceNames.UnevaluatedItemsNarrowed,
        DifferenceNames.MinItemsAdded, DifferenceNames.MinItemsIncreased, DifferenceNames.MaxItemsAdded, DifferenceNames.MaxItemsDecreased,
        DifferenceNames.UniqueItemsAdded, DifferenceNames.ContainsAdded, DifferenceNames.MinContainsAdded, DifferenceNames.MinContainsIncreased,
        DifferenceNames.MaxContainsAdded, DifferenceNames.MaxContainsDecreased,
        DifferenceNames.AllOfExtended, DifferenceNames.AnyOfAdded, DifferenceNames.AnyOfNarrowed, DifferenceNames.OneOfAdded,
        DifferenceNames.OneOfNarrowed, DifferenceNames.NotAdded, DifferenceNames.ConditionalAdded, DifferenceNames.ReferenceAdded,
    };

    private static readonly HashSet<string> Widenings = new(StringComparer.Ordinal)
    {
        DifferenceNames.TypeExtended, DifferenceNames.EnumRemoved, DifferenceNames.EnumExtended, DifferenceNames.ConstRemoved,
        DifferenceNames.MinLengthRemoved, DifferenceNames.MinLengthDecreased, DifferenceNames.MaxLengthRemoved, DifferenceNames.MaxLengthIncreased,
        DifferenceNames.PatternRemoved, DifferenceNames.FormatRemoved,
        DifferenceNames.MinimumRemoved, DifferenceNames.MinimumDecreased, DifferenceNames.MaximumRemoved, DifferenceNames.MaximumIncreased,
        DifferenceNames.ExclusiveMinimumRemoved, DifferenceNames.ExclusiveMinimumDecreased,
        DifferenceNames.ExclusiveMaximumRemoved, DifferenceNames.ExclusiveMaximumIncreased,
        DifferenceNames.MultipleOfRemoved, DifferenceNames.MultipleOfReduced,
        DifferenceNames.PropertyNamesRemoved, DifferenceNames.MinPropertiesRemoved, DifferenceNames.MinPropertiesDecreased,
        DifferenceNames.MaxPropertiesRemoved, DifferenceNames.MaxPropertiesIncreased,
        DifferenceNames.DependentRequiredRemoved, DifferenceNames.DependentRequiredNarrowed, DifferenceNames.DependentSchemaRemoved,
        DifferenceNames.AdditionalPropertiesExtended, DifferenceNames.UnevaluatedPropertiesExtended,
        DifferenceNames.ItemAddedToClosedContentModel, DifferenceNames.ItemRemovedFromOpenContentModel,
        DifferenceNames.ItemsExtended, DifferenceNames.UnevaluatedItemsExtended,
        DifferenceNames.MinItemsRemoved, DifferenceNames.MinItemsDecreased, DifferenceNames.MaxItemsRemoved, DifferenceNames.MaxItemsIncreased,
        DifferenceNames.UniqueItemsRemoved, DifferenceNames.ContainsRemoved, DifferenceNames.MinContainsRemoved, DifferenceNames.MinContainsDecreased,
        DifferenceNames.MaxContainsRemoved, DifferenceNames.MaxContainsIncreased,
        DifferenceNames.AllOfNarrowed, DifferenceNames.AnyOfRemoved, DifferenceNames.AnyOfExtended, DifferenceNames.OneOfRemoved,
        DifferenceNames.OneOfExtended, DifferenceNames.NotRemoved, DifferenceNames.ConditionalRemoved, DifferenceNames.ReferenceRemoved,
    };

    /// <summary>
    /// The remedy for an incompatible difference of this name, or null when the kind has no standard one (a changed
    /// condition, a comparison over the limit, a change the checker cannot name).
    /// </summary>
    public static string? For(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Specific.TryGetValue(name, out var remedy))
        {
            return remedy;
        }

        return Narrowings.Contains(name) ? Narrowing : Widenings.Contains(name) ? Widening : null;
    }
}
