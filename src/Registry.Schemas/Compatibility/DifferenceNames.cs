// Over 500 lines on purpose: this is the catalogue of every difference name (its constant, kind and meaning), one
// table that docs/compatibility.md mirrors entry by entry; split in parts, the constants and the table would drift.
namespace Registry.Schemas.Compatibility;

/// <summary>What kind of change a difference name stands for, which decides the suggested version bump.</summary>
public enum DifferenceKind
{
    /// <summary>Annotation only (title, description, examples...): a patch.</summary>
    Annotation,

    /// <summary>A default value: never changes what validates, but consumers that apply defaults see other data; at least a minor.</summary>
    Default,

    /// <summary>Changes what validates: minor when compatible, major when not.</summary>
    Constraint,
}

/// <summary>One entry of the catalogue of difference names.</summary>
/// <param name="Name">The stable name, e.g. <c>TYPE_NARROWED</c>.</param>
/// <param name="Kind">What kind of change it is.</param>
/// <param name="Meaning">What the name means (docs/compatibility.md says how each is classified per direction).</param>
public sealed record DifferenceInfo(string Name, DifferenceKind Kind, string Meaning);

/// <summary>
/// The stable names of schema differences (see docs/compatibility.md). Names describe the change from the old
/// schema to the new one whatever the direction checked; whether a difference is compatible is decided in context.
/// </summary>
public static class DifferenceNames
{
    /// <summary>Title changed (added, removed or edited).</summary>
    public const string TitleChanged = "TITLE_CHANGED";

    /// <summary>Description changed.</summary>
    public const string DescriptionChanged = "DESCRIPTION_CHANGED";

    /// <summary>Examples changed.</summary>
    public const string ExamplesChanged = "EXAMPLES_CHANGED";

    /// <summary>$id (id in draft-04) changed.</summary>
    public const string IdChanged = "ID_CHANGED";

    /// <summary>$schema changed; the keywords are still compared by what they mean in each dialect.</summary>
    public const string DialectChanged = "DIALECT_CHANGED";

    /// <summary>Another annotation or unknown keyword changed ($comment, deprecated, readOnly, writeOnly, contentMediaType, contentEncoding, contentSchema, x-*, ...).</summary>
    public const string AnnotationChanged = "ANNOTATION_CHANGED";

    /// <summary>Default added.</summary>
    public const string DefaultAdded = "DEFAULT_ADDED";

    /// <summary>Default removed.</summary>
    public const string DefaultRemoved = "DEFAULT_REMOVED";

    /// <summary>Default changed.</summary>
    public const string DefaultChanged = "DEFAULT_CHANGED";

    /// <summary>The new schema admits more JSON types (e.g. integer to number, string to [string, null]).</summary>
    public const string TypeExtended = "TYPE_EXTENDED";

    /// <summary>The new schema admits fewer JSON types (e.g. number to integer).</summary>
    public const string TypeNarrowed = "TYPE_NARROWED";

    /// <summary>The admitted JSON types changed with neither set containing the other (e.g. string to integer).</summary>
    public const string TypeChanged = "TYPE_CHANGED";

    /// <summary>Enum added.</summary>
    public const string EnumAdded = "ENUM_ADDED";

    /// <summary>Enum removed.</summary>
    public const string EnumRemoved = "ENUM_REMOVED";

    /// <summary>Enum gained values.</summary>
    public const string EnumExtended = "ENUM_EXTENDED";

    /// <summary>Enum lost values.</summary>
    public const string EnumNarrowed = "ENUM_NARROWED";

    /// <summary>Enum gained some values and lost others.</summary>
    public const string EnumChanged = "ENUM_CHANGED";

    /// <summary>Const added.</summary>
    public const string ConstAdded = "CONST_ADDED";

    /// <summary>Const removed.</summary>
    public const string ConstRemoved = "CONST_REMOVED";

    /// <summary>Const changed.</summary>
    public const string ConstChanged = "CONST_CHANGED";

    /// <summary>MinLength added.</summary>
    public const string MinLengthAdded = "MIN_LENGTH_ADDED";

    /// <summary>MinLength removed.</summary>
    public const string MinLengthRemoved = "MIN_LENGTH_REMOVED";

    /// <summary>MinLength increased.</summary>
    public const string MinLengthIncreased = "MIN_LENGTH_INCREASED";

    /// <summary>MinLength decreased.</summary>
    public const string MinLengthDecreased = "MIN_LENGTH_DECREASED";

    /// <summary>MaxLength added.</summary>
    public const string MaxLengthAdded = "MAX_LENGTH_ADDED";

    /// <summary>MaxLength removed.</summary>
    public const string MaxLengthRemoved = "MAX_LENGTH_REMOVED";

    /// <summary>MaxLength increased.</summary>
    public const string MaxLengthIncreased = "MAX_LENGTH_INCREASED";

    /// <summary>MaxLength decreased.</summary>
    public const string MaxLengthDecreased = "MAX_LENGTH_DECREASED";

    /// <summary>Pattern added.</summary>
    public const string PatternAdded = "PATTERN_ADDED";

    /// <summary>Pattern removed.</summary>
    public const string PatternRemoved = "PATTERN_REMOVED";

    /// <summary>Pattern changed (regular-expression inclusion is not decided, so any change is treated as a change in both directions).</summary>
    public const string PatternChanged = "PATTERN_CHANGED";

    /// <summary>Format added.</summary>
    public const string FormatAdded = "FORMAT_ADDED";

    /// <summary>Format removed.</summary>
    public const string FormatRemoved = "FORMAT_REMOVED";

    /// <summary>Format changed (widening to the internationalised form, e.g. email to idn-email, is recognised).</summary>
    public const string FormatChanged = "FORMAT_CHANGED";

    /// <summary>Minimum added.</summary>
    public const string MinimumAdded = "MINIMUM_ADDED";

    /// <summary>Minimum removed.</summary>
    public const string MinimumRemoved = "MINIMUM_REMOVED";

    /// <summary>Minimum increased.</summary>
    public const string MinimumIncreased = "MINIMUM_INCREASED";

    /// <summary>Minimum decreased.</summary>
    public const string MinimumDecreased = "MINIMUM_DECREASED";

    /// <summary>Maximum added.</summary>
    public const string MaximumAdded = "MAXIMUM_ADDED";

    /// <summary>Maximum removed.</summary>
    public const string MaximumRemoved = "MAXIMUM_REMOVED";

    /// <summary>Maximum increased.</summary>
    public const string MaximumIncreased = "MAXIMUM_INCREASED";

    /// <summary>Maximum decreased.</summary>
    public const string MaximumDecreased = "MAXIMUM_DECREASED";

    /// <summary>ExclusiveMinimum added.</summary>
    public const string ExclusiveMinimumAdded = "EXCLUSIVE_MINIMUM_ADDED";

    /// <summary>ExclusiveMinimum removed.</summary>
    public const string ExclusiveMinimumRemoved = "EXCLUSIVE_MINIMUM_REMOVED";

    /// <summary>ExclusiveMinimum increased.</summary>
    public const string ExclusiveMinimumIncreased = "EXCLUSIVE_MINIMUM_INCREASED";

    /// <summary>ExclusiveMinimum decreased.</summary>
    public const string ExclusiveMinimumDecreased = "EXCLUSIVE_MINIMUM_DECREASED";

    /// <summary>ExclusiveMaximum added.</summary>
    public const string ExclusiveMaximumAdded = "EXCLUSIVE_MAXIMUM_ADDED";

    /// <summary>ExclusiveMaximum removed.</summary>
    public const string ExclusiveMaximumRemoved = "EXCLUSIVE_MAXIMUM_REMOVED";

    /// <summary>ExclusiveMaximum increased.</summary>
    public const string ExclusiveMaximumIncreased = "EXCLUSIVE_MAXIMUM_INCREASED";

    /// <summary>ExclusiveMaximum decreased.</summary>
    public const string ExclusiveMaximumDecreased = "EXCLUSIVE_MAXIMUM_DECREASED";

    /// <summary>MultipleOf added.</summary>
    public const string MultipleOfAdded = "MULTIPLE_OF_ADDED";

    /// <summary>MultipleOf removed.</summary>
    public const string MultipleOfRemoved = "MULTIPLE_OF_REMOVED";

    /// <summary>MultipleOf became a multiple of its old value (e.g. 2 to 4): fewer numbers pass.</summary>
    public const string MultipleOfExpanded = "MULTIPLE_OF_EXPANDED";

    /// <summary>MultipleOf became a divisor of its old value (e.g. 4 to 2): more numbers pass.</summary>
    public const string MultipleOfReduced = "MULTIPLE_OF_REDUCED";

    /// <summary>MultipleOf changed, neither value a multiple of the other.</summary>
    public const string MultipleOfChanged = "MULTIPLE_OF_CHANGED";

    /// <summary>A property was declared that the old schema admitted with any value (no additionalProperties, patternProperties or unevaluatedProperties applied to it).</summary>
    public const string PropertyAddedToOpenContentModel = "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL";

    /// <summary>A property was declared that the old schema did not admit (additionalProperties or unevaluatedProperties false).</summary>
    public const string PropertyAddedToClosedContentModel = "PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL";

    /// <summary>A property was declared that the old schema admitted through patternProperties or a schema-valued additionalProperties/unevaluatedProperties.</summary>
    public const string PropertyAddedToPartiallyOpenContentModel = "PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL";

    /// <summary>A property declaration was removed and the new schema admits the name with any value.</summary>
    public const string PropertyRemovedFromOpenContentModel = "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL";

    /// <summary>A property declaration was removed and the new schema no longer admits the name.</summary>
    public const string PropertyRemovedFromClosedContentModel = "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL";

    /// <summary>A property declaration was removed and the name now falls under patternProperties or a schema-valued additionalProperties/unevaluatedProperties.</summary>
    public const string PropertyRemovedFromPartiallyOpenContentModel = "PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL";

    /// <summary>A property became required.</summary>
    public const string RequiredAttributeAdded = "REQUIRED_ATTRIBUTE_ADDED";

    /// <summary>A property with a default became required (a validator does not insert defaults).</summary>
    public const string RequiredAttributeWithDefaultAdded = "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED";

    /// <summary>A property is no longer required.</summary>
    public const string RequiredAttributeRemoved = "REQUIRED_ATTRIBUTE_REMOVED";

    /// <summary>AdditionalProperties admits less than before (e.g. absent or true to false or to a schema).</summary>
    public const string AdditionalPropertiesNarrowed = "ADDITIONAL_PROPERTIES_NARROWED";

    /// <summary>AdditionalProperties admits more than before (e.g. false to absent, true or a schema).</summary>
    public const string AdditionalPropertiesExtended = "ADDITIONAL_PROPERTIES_EXTENDED";

    /// <summary>UnevaluatedProperties admits less than before.</summary>
    public const string UnevaluatedPropertiesNarrowed = "UNEVALUATED_PROPERTIES_NARROWED";

    /// <summary>UnevaluatedProperties admits more than before.</summary>
    public const string UnevaluatedPropertiesExtended = "UNEVALUATED_PROPERTIES_EXTENDED";

    /// <summary>A patternProperties entry was added.</summary>
    public const string PatternPropertyAdded = "PATTERN_PROPERTY_ADDED";

    /// <summary>A patternProperties entry was removed.</summary>
    public const string PatternPropertyRemoved = "PATTERN_PROPERTY_REMOVED";

    /// <summary>PropertyNames added.</summary>
    public const string PropertyNamesAdded = "PROPERTY_NAMES_ADDED";

    /// <summary>PropertyNames removed.</summary>
    public const string PropertyNamesRemoved = "PROPERTY_NAMES_REMOVED";

    /// <summary>MinProperties added.</summary>
    public const string MinPropertiesAdded = "MIN_PROPERTIES_ADDED";

    /// <summary>MinProperties removed.</summary>
    public const string MinPropertiesRemoved = "MIN_PROPERTIES_REMOVED";

    /// <summary>MinProperties increased.</summary>
    public const string MinPropertiesIncreased = "MIN_PROPERTIES_INCREASED";

    /// <summary>MinProperties decreased.</summary>
    public const string MinPropertiesDecreased = "MIN_PROPERTIES_DECREASED";

    /// <summary>MaxProperties added.</summary>
    public const string MaxPropertiesAdded = "MAX_PROPERTIES_ADDED";

    /// <summary>MaxProperties removed.</summary>
    public const string MaxPropertiesRemoved = "MAX_PROPERTIES_REMOVED";

    /// <summary>MaxProperties increased.</summary>
    public const string MaxPropertiesIncreased = "MAX_PROPERTIES_INCREASED";

    /// <summary>MaxProperties decreased.</summary>
    public const string MaxPropertiesDecreased = "MAX_PROPERTIES_DECREASED";

    /// <summary>A dependentRequired entry (array-valued dependencies before 2019-09) was added.</summary>
    public const string DependentRequiredAdded = "DEPENDENT_REQUIRED_ADDED";

    /// <summary>A dependentRequired entry was removed.</summary>
    public const string DependentRequiredRemoved = "DEPENDENT_REQUIRED_REMOVED";

    /// <summary>A dependentRequired entry requires more properties.</summary>
    public const string DependentRequiredExtended = "DEPENDENT_REQUIRED_EXTENDED";

    /// <summary>A dependentRequired entry requires fewer properties.</summary>
    public const string DependentRequiredNarrowed = "DEPENDENT_REQUIRED_NARROWED";

    /// <summary>A dependentRequired entry requires other properties.</summary>
    public const string DependentRequiredChanged = "DEPENDENT_REQUIRED_CHANGED";

    /// <summary>A dependentSchemas entry (schema-valued dependencies before 2019-09) was added.</summary>
    public const string DependentSchemaAdded = "DEPENDENT_SCHEMA_ADDED";

    /// <summary>A dependentSchemas entry was removed.</summary>
    public const string DependentSchemaRemoved = "DEPENDENT_SCHEMA_REMOVED";

    /// <summary>A positional item schema (prefixItems, or array-form items) was added where the old schema admitted any item.</summary>
    public const string ItemAddedToOpenContentModel = "ITEM_ADDED_TO_OPEN_CONTENT_MODEL";

    /// <summary>A positional item schema was added where the old schema admitted no item.</summary>
    public const string ItemAddedToClosedContentModel = "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL";

    /// <summary>A positional item schema was added where the old schema applied its items/additionalItems schema.</summary>
    public const string ItemAddedToPartiallyOpenContentModel = "ITEM_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL";

    /// <summary>A positional item schema was removed and the new schema admits any item there.</summary>
    public const string ItemRemovedFromOpenContentModel = "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL";

    /// <summary>A positional item schema was removed and the new schema admits no item there.</summary>
    public const string ItemRemovedFromClosedContentModel = "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL";

    /// <summary>A positional item schema was removed and the new schema applies its items/additionalItems schema there.</summary>
    public const string ItemRemovedFromPartiallyOpenContentModel = "ITEM_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL";

    /// <summary>The schema for the remaining items (items; additionalItems beside array-form items) admits less (e.g. absent to false).</summary>
    public const string ItemsNarrowed = "ITEMS_NARROWED";

    /// <summary>The schema for the remaining items admits more.</summary>
    public const string ItemsExtended = "ITEMS_EXTENDED";

    /// <summary>UnevaluatedItems admits less than before.</summary>
    public const string UnevaluatedItemsNarrowed = "UNEVALUATED_ITEMS_NARROWED";

    /// <summary>UnevaluatedItems admits more than before.</summary>
    public const string UnevaluatedItemsExtended = "UNEVALUATED_ITEMS_EXTENDED";

    /// <summary>MinItems added.</summary>
    public const string MinItemsAdded = "MIN_ITEMS_ADDED";

    /// <summary>MinItems removed.</summary>
    public const string MinItemsRemoved = "MIN_ITEMS_REMOVED";

    /// <summary>MinItems increased.</summary>
    public const string MinItemsIncreased = "MIN_ITEMS_INCREASED";

    /// <summary>MinItems decreased.</summary>
    public const string MinItemsDecreased = "MIN_ITEMS_DECREASED";

    /// <summary>MaxItems added.</summary>
    public const string MaxItemsAdded = "MAX_ITEMS_ADDED";

    /// <summary>MaxItems removed.</summary>
    public const string MaxItemsRemoved = "MAX_ITEMS_REMOVED";

    /// <summary>MaxItems increased.</summary>
    public const string MaxItemsIncreased = "MAX_ITEMS_INCREASED";

    /// <summary>MaxItems decreased.</summary>
    public const string MaxItemsDecreased = "MAX_ITEMS_DECREASED";

    /// <summary>UniqueItems became true.</summary>
    public const string UniqueItemsAdded = "UNIQUE_ITEMS_ADDED";

    /// <summary>UniqueItems became false or was removed.</summary>
    public const string UniqueItemsRemoved = "UNIQUE_ITEMS_REMOVED";

    /// <summary>Contains added.</summary>
    public const string ContainsAdded = "CONTAINS_ADDED";

    /// <summary>Contains removed.</summary>
    public const string ContainsRemoved = "CONTAINS_REMOVED";

    /// <summary>MinContains added.</summary>
    public const string MinContainsAdded = "MIN_CONTAINS_ADDED";

    /// <summary>MinContains removed.</summary>
    public const string MinContainsRemoved = "MIN_CONTAINS_REMOVED";

    /// <summary>MinContains increased.</summary>
    public const string MinContainsIncreased = "MIN_CONTAINS_INCREASED";

    /// <summary>MinContains decreased.</summary>
    public const string MinContainsDecreased = "MIN_CONTAINS_DECREASED";

    /// <summary>MaxContains added.</summary>
    public const string MaxContainsAdded = "MAX_CONTAINS_ADDED";

    /// <summary>MaxContains removed.</summary>
    public const string MaxContainsRemoved = "MAX_CONTAINS_REMOVED";

    /// <summary>MaxContains increased.</summary>
    public const string MaxContainsIncreased = "MAX_CONTAINS_INCREASED";

    /// <summary>MaxContains decreased.</summary>
    public const string MaxContainsDecreased = "MAX_CONTAINS_DECREASED";

    /// <summary>AllOf gained a member (or was added).</summary>
    public const string AllOfExtended = "ALL_OF_EXTENDED";

    /// <summary>AllOf lost a member (or was removed).</summary>
    public const string AllOfNarrowed = "ALL_OF_NARROWED";

    /// <summary>AnyOf added.</summary>
    public const string AnyOfAdded = "ANY_OF_ADDED";

    /// <summary>AnyOf removed.</summary>
    public const string AnyOfRemoved = "ANY_OF_REMOVED";

    /// <summary>AnyOf gained a branch.</summary>
    public const string AnyOfExtended = "ANY_OF_EXTENDED";

    /// <summary>AnyOf lost a branch.</summary>
    public const string AnyOfNarrowed = "ANY_OF_NARROWED";

    /// <summary>OneOf added.</summary>
    public const string OneOfAdded = "ONE_OF_ADDED";

    /// <summary>OneOf removed.</summary>
    public const string OneOfRemoved = "ONE_OF_REMOVED";

    /// <summary>OneOf gained a branch.</summary>
    public const string OneOfExtended = "ONE_OF_EXTENDED";

    /// <summary>OneOf lost a branch.</summary>
    public const string OneOfNarrowed = "ONE_OF_NARROWED";

    /// <summary>A oneOf branch may now match a document that another branch also matches, so the document would fail oneOf.</summary>
    public const string OneOfBranchesOverlap = "ONE_OF_BRANCHES_OVERLAP";

    /// <summary>Not added.</summary>
    public const string NotAdded = "NOT_ADDED";

    /// <summary>Not removed.</summary>
    public const string NotRemoved = "NOT_REMOVED";

    /// <summary>If/then/else added.</summary>
    public const string ConditionalAdded = "CONDITIONAL_ADDED";

    /// <summary>If/then/else removed.</summary>
    public const string ConditionalRemoved = "CONDITIONAL_REMOVED";

    /// <summary>The if schema of if/then/else changed.</summary>
    public const string ConditionChanged = "CONDITION_CHANGED";

    /// <summary>A $ref beside other keywords (2019-09 and later) was added.</summary>
    public const string ReferenceAdded = "REFERENCE_ADDED";

    /// <summary>A $ref beside other keywords was removed.</summary>
    public const string ReferenceRemoved = "REFERENCE_REMOVED";

    /// <summary>A change the checker cannot prove compatible and has no more specific name for (reported rather than guessed).</summary>
    public const string SchemaChanged = "SCHEMA_CHANGED";

    private static readonly DifferenceInfo[] Catalogue =
    [
        new(TitleChanged, DifferenceKind.Annotation, "Title changed (added, removed or edited)."),
        new(DescriptionChanged, DifferenceKind.Annotation, "Description changed."),
        new(ExamplesChanged, DifferenceKind.Annotation, "Examples changed."),
        new(IdChanged, DifferenceKind.Annotation, "$id (id in draft-04) changed."),
        new(DialectChanged, DifferenceKind.Annotation, "$schema changed; the keywords are still compared by what they mean in each dialect."),
        new(AnnotationChanged, DifferenceKind.Annotation, "Another annotation or unknown keyword changed ($comment, deprecated, readOnly, writeOnly, contentMediaType, contentEncoding, contentSchema, x-*, ...)."),
        new(DefaultAdded, DifferenceKind.Default, "Default added."),
        new(DefaultRemoved, DifferenceKind.Default, "Default removed."),
        new(DefaultChanged, DifferenceKind.Default, "Default changed."),
        new(TypeExtended, DifferenceKind.Constraint, "The new schema admits more JSON types (e.g. integer to number, string to [string, null])."),
        new(TypeNarrowed, DifferenceKind.Constraint, "The new schema admits fewer JSON types (e.g. number to integer)."),
        new(TypeChanged, DifferenceKind.Constraint, "The admitted JSON types changed with neither set containing the other (e.g. string to integer)."),
        new(EnumAdded, DifferenceKind.Constraint, "Enum added."),
        new(EnumRemoved, DifferenceKind.Constraint, "Enum removed."),
        new(EnumExtended, DifferenceKind.Constraint, "Enum gained values."),
        new(EnumNarrowed, DifferenceKind.Constraint, "Enum lost values."),
        new(EnumChanged, DifferenceKind.Constraint, "Enum gained some values and lost others."),
        new(ConstAdded, DifferenceKind.Constraint, "Const added."),
        new(ConstRemoved, DifferenceKind.Constraint, "Const removed."),
        new(ConstChanged, DifferenceKind.Constraint, "Const changed."),
        new(MinLengthAdded, DifferenceKind.Constraint, "MinLength added."),
        new(MinLengthRemoved, DifferenceKind.Constraint, "MinLength removed."),
        new(MinLengthIncreased, DifferenceKind.Constraint, "MinLength increased."),
        new(MinLengthDecreased, DifferenceKind.Constraint, "MinLength decreased."),
        new(MaxLengthAdded, DifferenceKind.Constraint, "MaxLength added."),
        new(MaxLengthRemoved, DifferenceKind.Constraint, "MaxLength removed."),
        new(MaxLengthIncreased, DifferenceKind.Constraint, "MaxLength increased."),
        new(MaxLengthDecreased, DifferenceKind.Constraint, "MaxLength decreased."),
        new(PatternAdded, DifferenceKind.Constraint, "Pattern added."),
        new(PatternRemoved, DifferenceKind.Constraint, "Pattern removed."),
        new(PatternChanged, DifferenceKind.Constraint, "Pattern changed (regular-expression inclusion is not decided, so any change is treated as a change in both directions)."),
        new(FormatAdded, DifferenceKind.Constraint, "Format added."),
        new(FormatRemoved, DifferenceKind.Constraint, "Format removed."),
        new(FormatChanged, DifferenceKind.Constraint, "Format changed (widening to the internationalised form, e.g. email to idn-email, is recognised)."),
        new(MinimumAdded, DifferenceKind.Constraint, "Minimum added."),
        new(MinimumRemoved, DifferenceKind.Constraint, "Minimum removed."),
        new(MinimumIncreased, DifferenceKind.Constraint, "Minimum increased."),
        new(MinimumDecreased, DifferenceKind.Constraint, "Minimum decreased."),
        new(MaximumAdded, DifferenceKind.Constraint, "Maximum added."),
        new(MaximumRemoved, DifferenceKind.Constraint, "Maximum removed."),
        new(MaximumIncreased, DifferenceKind.Constraint, "Maximum increased."),
        new(MaximumDecreased, DifferenceKind.Constraint, "Maximum decreased."),
        new(ExclusiveMinimumAdded, DifferenceKind.Constraint, "ExclusiveMinimum added."),
        new(ExclusiveMinimumRemoved, DifferenceKind.Constraint, "ExclusiveMinimum removed."),
        new(ExclusiveMinimumIncreased, DifferenceKind.Constraint, "ExclusiveMinimum increased."),
        new(ExclusiveMinimumDecreased, DifferenceKind.Constraint, "ExclusiveMinimum decreased."),
        new(ExclusiveMaximumAdded, DifferenceKind.Constraint, "ExclusiveMaximum added."),
        new(ExclusiveMaximumRemoved, DifferenceKind.Constraint, "ExclusiveMaximum removed."),
        new(ExclusiveMaximumIncreased, DifferenceKind.Constraint, "ExclusiveMaximum increased."),
        new(ExclusiveMaximumDecreased, DifferenceKind.Constraint, "ExclusiveMaximum decreased."),
        new(MultipleOfAdded, DifferenceKind.Constraint, "MultipleOf added."),
        new(MultipleOfRemoved, DifferenceKind.Constraint, "MultipleOf removed."),
        new(MultipleOfExpanded, DifferenceKind.Constraint, "MultipleOf became a multiple of its old value (e.g. 2 to 4): fewer numbers pass."),
        new(MultipleOfReduced, DifferenceKind.Constraint, "MultipleOf became a divisor of its old value (e.g. 4 to 2): more numbers pass."),
        new(MultipleOfChanged, DifferenceKind.Constraint, "MultipleOf changed, neither value a multiple of the other."),
        new(PropertyAddedToOpenContentModel, DifferenceKind.Constraint, "A property was declared that the old schema admitted with any value (no additionalProperties, patternProperties or unevaluatedProperties applied to it)."),
        new(PropertyAddedToClosedContentModel, DifferenceKind.Constraint, "A property was declared that the old schema did not admit (additionalProperties or unevaluatedProperties false)."),
        new(PropertyAddedToPartiallyOpenContentModel, DifferenceKind.Constraint, "A property was declared that the old schema admitted through patternProperties or a schema-valued additionalProperties/unevaluatedProperties."),
        new(PropertyRemovedFromOpenContentModel, DifferenceKind.Constraint, "A property declaration was removed and the new schema admits the name with any value."),
        new(PropertyRemovedFromClosedContentModel, DifferenceKind.Constraint, "A property declaration was removed and the new schema no longer admits the name."),
        new(PropertyRemovedFromPartiallyOpenContentModel, DifferenceKind.Constraint, "A property declaration was removed and the name now falls under patternProperties or a schema-valued additionalProperties/unevaluatedProperties."),
        new(RequiredAttributeAdded, DifferenceKind.Constraint, "A property became required."),
        new(RequiredAttributeWithDefaultAdded, DifferenceKind.Constraint, "A property with a default became required (a validator does not insert defaults)."),
        new(RequiredAttributeRemoved, DifferenceKind.Constraint, "A property is no longer required."),
        new(AdditionalPropertiesNarrowed, DifferenceKind.Constraint, "AdditionalProperties admits less than before (e.g. absent or true to false or to a schema)."),
        new(AdditionalPropertiesExtended, DifferenceKind.Constraint, "AdditionalProperties admits more than before (e.g. false to absent, true or a schema)."),
        new(UnevaluatedPropertiesNarrowed, DifferenceKind.Constraint, "UnevaluatedProperties admits less than before."),
        new(UnevaluatedPropertiesExtended, DifferenceKind.Constraint, "UnevaluatedProperties admits more than before."),
        new(PatternPropertyAdded, DifferenceKind.Constraint, "A patternProperties entry was added."),
        new(PatternPropertyRemoved, DifferenceKind.Constraint, "A patternProperties entry was removed."),
        new(PropertyNamesAdded, DifferenceKind.Constraint, "PropertyNames added."),
        new(PropertyNamesRemoved, DifferenceKind.Constraint, "PropertyNames removed."),
        new(MinPropertiesAdded, DifferenceKind.Constraint, "MinProperties added."),
        new(MinPropertiesRemoved, DifferenceKind.Constraint, "MinProperties removed."),
        new(MinPropertiesIncreased, DifferenceKind.Constraint, "MinProperties increased."),
        new(MinPropertiesDecreased, DifferenceKind.Constraint, "MinProperties decreased."),
        new(MaxPropertiesAdded, DifferenceKind.Constraint, "MaxProperties added."),
        new(MaxPropertiesRemoved, DifferenceKind.Constraint, "MaxProperties removed."),
        new(MaxPropertiesIncreased, DifferenceKind.Constraint, "MaxProperties increased."),
        new(MaxPropertiesDecreased, DifferenceKind.Constraint, "MaxProperties decreased."),
        new(DependentRequiredAdded, DifferenceKind.Constraint, "A dependentRequired entry (array-valued dependencies before 2019-09) was added."),
        new(DependentRequiredRemoved, DifferenceKind.Constraint, "A dependentRequired entry was removed."),
        new(DependentRequiredExtended, DifferenceKind.Constraint, "A dependentRequired entry requires more properties."),
        new(DependentRequiredNarrowed, DifferenceKind.Constraint, "A dependentRequired entry requires fewer properties."),
        new(DependentRequiredChanged, DifferenceKind.Constraint, "A dependentRequired entry requires other properties."),
        new(DependentSchemaAdded, DifferenceKind.Constraint, "A dependentSchemas entry (schema-valued dependencies before 2019-09) was added."),
        new(DependentSchemaRemoved, DifferenceKind.Constraint, "A dependentSchemas entry was removed."),
        new(ItemAddedToOpenContentModel, DifferenceKind.Constraint, "A positional item schema (prefixItems, or array-form items) was added where the old schema admitted any item."),
        new(ItemAddedToClosedContentModel, DifferenceKind.Constraint, "A positional item schema was added where the old schema admitted no item."),
        new(ItemAddedToPartiallyOpenContentModel, DifferenceKind.Constraint, "A positional item schema was added where the old schema applied its items/additionalItems schema."),
        new(ItemRemovedFromOpenContentModel, DifferenceKind.Constraint, "A positional item schema was removed and the new schema admits any item there."),
        new(ItemRemovedFromClosedContentModel, DifferenceKind.Constraint, "A positional item schema was removed and the new schema admits no item there."),
        new(ItemRemovedFromPartiallyOpenContentModel, DifferenceKind.Constraint, "A positional item schema was removed and the new schema applies its items/additionalItems schema there."),
        new(ItemsNarrowed, DifferenceKind.Constraint, "The schema for the remaining items (items; additionalItems beside array-form items) admits less (e.g. absent to false)."),
        new(ItemsExtended, DifferenceKind.Constraint, "The schema for the remaining items admits more."),
        new(UnevaluatedItemsNarrowed, DifferenceKind.Constraint, "UnevaluatedItems admits less than before."),
        new(UnevaluatedItemsExtended, DifferenceKind.Constraint, "UnevaluatedItems admits more than before."),
        new(MinItemsAdded, DifferenceKind.Constraint, "MinItems added."),
        new(MinItemsRemoved, DifferenceKind.Constraint, "MinItems removed."),
        new(MinItemsIncreased, DifferenceKind.Constraint, "MinItems increased."),
        new(MinItemsDecreased, DifferenceKind.Constraint, "MinItems decreased."),
        new(MaxItemsAdded, DifferenceKind.Constraint, "MaxItems added."),
        new(MaxItemsRemoved, DifferenceKind.Constraint, "MaxItems removed."),
        new(MaxItemsIncreased, DifferenceKind.Constraint, "MaxItems increased."),
        new(MaxItemsDecreased, DifferenceKind.Constraint, "MaxItems decreased."),
        new(UniqueItemsAdded, DifferenceKind.Constraint, "UniqueItems became true."),
        new(UniqueItemsRemoved, DifferenceKind.Constraint, "UniqueItems became false or was removed."),
        new(ContainsAdded, DifferenceKind.Constraint, "Contains added."),
        new(ContainsRemoved, DifferenceKind.Constraint, "Contains removed."),
        new(MinContainsAdded, DifferenceKind.Constraint, "MinContains added."),
        new(MinContainsRemoved, DifferenceKind.Constraint, "MinContains removed."),
        new(MinContainsIncreased, DifferenceKind.Constraint, "MinContains increased."),
        new(MinContainsDecreased, DifferenceKind.Constraint, "MinContains decreased."),
        new(MaxContainsAdded, DifferenceKind.Constraint, "MaxContains added."),
        new(MaxContainsRemoved, DifferenceKind.Constraint, "MaxContains removed."),
        new(MaxContainsIncreased, DifferenceKind.Constraint, "MaxContains increased."),
        new(MaxContainsDecreased, DifferenceKind.Constraint, "MaxContains decreased."),
        new(AllOfExtended, DifferenceKind.Constraint, "AllOf gained a member (or was added)."),
        new(AllOfNarrowed, DifferenceKind.Constraint, "AllOf lost a member (or was removed)."),
        new(AnyOfAdded, DifferenceKind.Constraint, "AnyOf added."),
        new(AnyOfRemoved, DifferenceKind.Constraint, "AnyOf removed."),
        new(AnyOfExtended, DifferenceKind.Constraint, "AnyOf gained a branch."),
        new(AnyOfNarrowed, DifferenceKind.Constraint, "AnyOf lost a branch."),
        new(OneOfAdded, DifferenceKind.Constraint, "OneOf added."),
        new(OneOfRemoved, DifferenceKind.Constraint, "OneOf removed."),
        new(OneOfExtended, DifferenceKind.Constraint, "OneOf gained a branch."),
        new(OneOfNarrowed, DifferenceKind.Constraint, "OneOf lost a branch."),
        new(OneOfBranchesOverlap, DifferenceKind.Constraint, "A oneOf branch may now match a document that another branch also matches, so the document would fail oneOf."),
        new(NotAdded, DifferenceKind.Constraint, "Not added."),
        new(NotRemoved, DifferenceKind.Constraint, "Not removed."),
        new(ConditionalAdded, DifferenceKind.Constraint, "If/then/else added."),
        new(ConditionalRemoved, DifferenceKind.Constraint, "If/then/else removed."),
        new(ConditionChanged, DifferenceKind.Constraint, "The if schema of if/then/else changed."),
        new(ReferenceAdded, DifferenceKind.Constraint, "A $ref beside other keywords (2019-09 and later) was added."),
        new(ReferenceRemoved, DifferenceKind.Constraint, "A $ref beside other keywords was removed."),
        new(SchemaChanged, DifferenceKind.Constraint, "A change the checker cannot prove compatible and has no more specific name for (reported rather than guessed)."),
    ];

    private static readonly Dictionary<string, DifferenceInfo> ByName = CreateIndex();

    /// <summary>Every difference name, with its kind and meaning.</summary>
    public static IReadOnlyList<DifferenceInfo> All => Catalogue;

    /// <summary>Looks a name up in the catalogue.</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DifferenceInfo? info) => ByName.TryGetValue(name, out info);

    /// <summary>The kind of <paramref name="name"/>; <see cref="DifferenceKind.Constraint"/> for a name not in the catalogue.</summary>
    public static DifferenceKind KindOf(string name) => ByName.TryGetValue(name, out var info) ? info.Kind : DifferenceKind.Constraint;

    private static Dictionary<string, DifferenceInfo> CreateIndex()
    {
        var index = new Dictionary<string, DifferenceInfo>(Catalogue.Length, StringComparer.Ordinal);
        foreach (var info in Catalogue)
        {
            index.Add(info.Name, info);
        }

        return index;
    }
}
